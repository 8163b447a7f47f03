/**
 * A believable year of 积分制 for the demo district, written in DuckDB (hash-based, deterministic
 * for a seed): listed shops in commercial buildings; residents earning points by kind and age band
 * — participation varies by grid (18–68 % of the base), the scheme grows over the year, the
 * elderly (60–79) lead waste sorting, mediation and neighbour help but hardly report through the
 * app, the over-80s take little part until the community adds activities for them in the last
 * four months; waste-sorting campaigns in March–April and September–October, civic campaigns
 * around the Spring Festival and National Day, students volunteering in the summer holidays —
 * and households redeeming at the shops at most once a quarter, never more than they earned.
 */
import type { DuckDbStore } from '../DuckDbStore.ts';
import { buildingUseCode } from '../../model/domain.ts';
import { ACTIVITY_KINDS, POINT_RULES, SHOP_CATALOGUE, type ActivityKind, type ShopKind } from '../../model/points/index.ts';

const DAY_MS = 86_400_000;
const MONTH_MS = (365 / 12) * DAY_MS;
const MONTHS = 12;
/** Draws per person, kind and month: an expected rate up to this many records a month. */
const DRAWS = 4;
/** Households per INSERT: bounds DuckDB's memory and paces progress. */
const BATCH_HOUSEHOLDS = 50_000;

/** Expected records per month of an active resident, by kind and age band (0-17, 18-34, 35-59, 60-79, 80+). */
const MONTHLY_RATE: Record<ActivityKind, [number, number, number, number, number]> = {
  volunteering: [0.2, 0.35, 0.22, 0.4, 0.03],
  waste_sorting: [0.05, 0.3, 0.55, 0.9, 0.25],
  mediation: [0, 0.005, 0.03, 0.08, 0.02],
  report: [0.01, 0.3, 0.22, 0.04, 0.005],
  civic_campaign: [0.1, 0.12, 0.12, 0.15, 0.03],
  neighbour_help: [0.01, 0.05, 0.1, 0.2, 0.06],
};
/** Share of each age band's residents active at all, before the grid's own level. */
const ACTIVE_BY_BAND = [0.35, 0.75, 0.95, 1.0, 0.45];

const SHOPS: { name: string; kind: ShopKind }[] = [
  { name: '邻里便民超市', kind: 'grocery' },
  { name: '社区爱心理发店', kind: 'barber' },
  { name: '惠民大药房', kind: 'pharmacy' },
  { name: '洁净洗衣坊', kind: 'laundry' },
  { name: '老街家电维修', kind: 'repair' },
  { name: '长者食堂', kind: 'canteen' },
  { name: '海港生鲜超市', kind: 'grocery' },
  { name: '阳光理发室', kind: 'barber' },
];

const unit = (seed: number, ...parts: (string | number)[]): string => `((hash(${seed}, ${parts.join(', ')}) % 1000003) / 1000003.0)`;
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export interface PointsSeedOptions {
  seed: number;
  /** 'YYYY-MM-DD': the history ends at the end of this day (UTC). */
  endDay: string;
  onBatch?: (done: number, total: number) => void;
}

/** Writes shops, a year of points earned and redemptions. Expects empty points tables. */
export async function seedPointsHistory(store: DuckDbStore, opts: PointsSeedOptions): Promise<{ shops: number; earned: number; redeemed: number }> {
  const { seed } = opts;
  const endMs = Date.parse(`${opts.endDay}T00:00:00Z`) + DAY_MS;
  if (!Number.isInteger(seed) || !Number.isFinite(endMs)) throw new RangeError('seedPointsHistory: seed must be an integer and endDay YYYY-MM-DD.');
  const startMs = endMs - MONTHS * MONTH_MS;

  // Shops: commercial buildings first (any building when the district has too few), in hash order.
  const sites = await store.all<{ id: number; lon: number; lat: number }>(
    `SELECT id, centroid_lon AS lon, centroid_lat AS lat FROM buildings
     ORDER BY (use_code = ${buildingUseCode('commercial')}) DESC, hash(${seed}, id, 301) LIMIT ${SHOPS.length}`,
  );
  for (let i = 0; i < sites.length; i++) {
    const s = sites[i]!;
    await store.run('INSERT INTO points_shops VALUES ($1, $2, $3, $4, $5, $6)', [`shop-${i + 1}`, SHOPS[i]!.name, SHOPS[i]!.kind, s.id, s.lon, s.lat]);
  }

  const rates = ACTIVITY_KINDS.flatMap((kind, k) => MONTHLY_RATE[kind].map((rate, band) => `(${lit(kind)}, ${k}, ${band}, ${rate})`)).join(', ');
  const units = `CASE c.kind WHEN 'volunteering' THEN 1 + floor(4 * ${unit(seed, 'c.person_id', 'c.m', 'c.k', 'c.j', 104)})
    WHEN 'waste_sorting' THEN 3 + floor(12 * ${unit(seed, 'c.person_id', 'c.m', 'c.k', 'c.j', 104)})
    WHEN 'neighbour_help' THEN 1 + floor(2 * ${unit(seed, 'c.person_id', 'c.m', 'c.k', 'c.j', 104)})
    ELSE 1 END`;
  const perUnit = `CASE c.kind ${ACTIVITY_KINDS.map((k) => `WHEN ${lit(k)} THEN ${POINT_RULES[k].pointsPerUnit}`).join(' ')} END`;
  // Calendar month of the record (Beijing) → the season's factor for its kind.
  const season = `CASE
      WHEN c.kind = 'waste_sorting' AND c.cal_month IN (3, 4) THEN 2.2
      WHEN c.kind = 'waste_sorting' AND c.cal_month IN (9, 10) THEN 1.9
      WHEN c.kind = 'civic_campaign' AND c.cal_month IN (1, 2) THEN 2.0
      WHEN c.kind = 'civic_campaign' AND c.cal_month = 10 THEN 1.6
      WHEN c.kind = 'volunteering' AND c.cal_month IN (7, 8) AND c.age_band <= 1 THEN 2.0
      ELSE 1.0 END`;
  // The scheme grows over the year; the over-80s' activities arrive in its last four months.
  const growth = `(0.55 + 0.45 * c.m / ${MONTHS - 1}) * CASE WHEN c.age_band = 4 AND c.m >= ${MONTHS - 4} AND c.kind IN ('volunteering', 'civic_campaign', 'neighbour_help') THEN 4.0 ELSE 1.0 END`;
  // Each month of the history and its calendar month in Beijing (for the seasons).
  const calendar = Array.from({ length: MONTHS }, (_, m) => `(${m}, ${new Date(startMs + (m + 0.5) * MONTH_MS + 8 * 3_600_000).getUTCMonth() + 1})`).join(', ');
  const maxHousehold = (await store.one<{ n: number }>('SELECT coalesce(max(id), 0)::INTEGER AS n FROM households'))?.n ?? 0;
  for (let lo = 1; lo <= maxHousehold; lo += BATCH_HOUSEHOLDS) {
    const hi = Math.min(maxHousehold, lo + BATCH_HOUSEHOLDS - 1);
    await store.run(/* sql */ `
      INSERT INTO points_earned
      WITH r(kind, k, band, rate) AS (VALUES ${rates}),
      g AS (SELECT id AS grid_id, 0.18 + 0.5 * ${unit(seed, 'id', 101)} AS level FROM areas WHERE level = 'grid'),
      act AS (
        SELECT p.id AS person_id, p.household_id, p.age_band, b.centroid_lon AS lon, b.centroid_lat AS lat
        FROM persons p JOIN households h ON h.id = p.household_id JOIN buildings b ON b.id = h.building_id
        LEFT JOIN g ON g.grid_id = b.grid_id
        WHERE p.household_id BETWEEN ${lo} AND ${hi}
          AND ${unit(seed, 'p.id', 102)} < coalesce(g.level, 0.5) * CASE p.age_band ${ACTIVE_BY_BAND.map((v, b) => `WHEN ${b} THEN ${v}`).join(' ')} END
      ),
      -- Draw first (one hash per candidate), then place only the records kept in time.
      c AS (
        SELECT act.*, r.kind, r.k, r.rate, mo.m, mo.cal_month, j.j
        FROM act JOIN r ON r.band = act.age_band
        CROSS JOIN (VALUES ${calendar}) mo(m, cal_month) CROSS JOIN range(${DRAWS}) j(j)
        WHERE r.rate > 0
      ),
      kept AS (
        SELECT c.*, ((${perUnit}) * (${units}))::INTEGER AS points,
          (${startMs} + (c.m + ${unit(seed, 'c.person_id', 'c.m', 'c.k', 'c.j', 105)}) * ${MONTH_MS})::BIGINT // ${DAY_MS} * ${DAY_MS}
            + (8 + floor(12 * ${unit(seed, 'c.person_id', 'c.m', 'c.k', 'c.j', 106)}))::BIGINT * 3600000 - 28800000 AS ts_ms
        FROM c
        WHERE ${unit(seed, 'c.person_id', 'c.m', 'c.k', 'c.j', 103)} < c.rate * (${season}) * ${growth} / ${DRAWS}
      )
      SELECT 'seed:pe:' || person_id || ':' || m || ':' || k || ':' || j, household_id, person_id, kind, points, epoch_ms(ts_ms), lon, lat, NULL
      FROM kept WHERE ts_ms < ${endMs}
      ORDER BY ts_ms`);
    opts.onBatch?.(hi, maxHousehold);
  }

  // Redemptions: once a quarter at most (the quarter's phase differs by household), one item no
  // dearer than the household's points of the three months before, at a shop chosen by hash.
  const catalogue = Object.entries(SHOP_CATALOGUE)
    .flatMap(([kind, items]) => items.map((it, i) => `(${lit(kind)}, ${i}, ${items.length}, ${lit(it.item)}, ${it.points})`))
    .join(', ');
  if (sites.length > 0) {
    await store.run(/* sql */ `
      INSERT INTO points_redeemed
      WITH cat(kind, i, n, item, points) AS (VALUES ${catalogue}),
      shops AS (SELECT row_number() OVER (ORDER BY id) - 1 AS si, id, kind FROM points_shops),
      hm AS (
        SELECT household_id, floor((epoch_ms(ts) - ${startMs}) / ${MONTH_MS})::INTEGER AS m, sum(points) AS pts
        FROM points_earned WHERE event_id LIKE 'seed:%' GROUP BY ALL
      ),
      win AS (
        SELECT household_id, m, sum(pts) OVER (PARTITION BY household_id ORDER BY m RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS recent
        FROM hm
      ),
      cand AS (
        SELECT w.household_id, w.m + 1 AS rm, w.recent, s.id AS shop_id, s.kind
        FROM win w JOIN shops s ON s.si = hash(${seed}, w.household_id, w.m, 202) % ${sites.length}
        WHERE w.m < ${MONTHS - 1} AND (w.m + hash(${seed}, w.household_id, 203) % 3) % 3 = 2
          AND ${unit(seed, 'w.household_id', 'w.m', 204)} < 0.7
      ),
      pick AS (
        SELECT cand.*, cat.item, cat.points,
          (${startMs} + (cand.rm + ${unit(seed, 'cand.household_id', 'cand.rm', 205)}) * ${MONTH_MS})::BIGINT // ${DAY_MS} * ${DAY_MS}
            + (9 + floor(10 * ${unit(seed, 'cand.household_id', 'cand.rm', 206)}))::BIGINT * 3600000 - 28800000 AS ts_ms
        FROM cand JOIN cat ON cat.kind = cand.kind AND cat.i = hash(${seed}, cand.household_id, cand.rm, 207) % cat.n
        WHERE cat.points <= cand.recent
      )
      SELECT 'seed:pr:' || household_id || ':' || rm, household_id, shop_id, points,
             json_array(json_object('item', item, 'qty', 1)), epoch_ms(ts_ms)
      FROM pick WHERE ts_ms < ${endMs} ORDER BY ts_ms`);
  }
  const counts = await store.one<{ e: number; r: number }>(
    "SELECT (SELECT count(*) FROM points_earned)::INTEGER AS e, (SELECT count(*) FROM points_redeemed)::INTEGER AS r",
  );
  return { shops: sites.length, earned: counts?.e ?? 0, redeemed: counts?.r ?? 0 };
}
