/**
 * 积分制's figures, in DuckDB over `points_earned`, `points_redeemed` and the district's
 * households and persons: participation per building and grid, by age band and household type,
 * by kind, the monthly trend and redemptions per shop. Aggregates only, except
 * `householdActivities` (one household's record, for console roles).
 */
import type { DuckDbStore, Params } from '../DuckDbStore.ts';
import {
  ACTIVITY_KINDS,
  AGE_BANDS,
  HOUSEHOLD_TYPE_SQL,
  HOUSEHOLD_TYPES,
  isActivityKind,
  POINTS_TZ_OFFSET_MS,
  shareOf,
  type ActivityKind,
  type AgeBandRow,
  type HouseholdActivities,
  type HouseholdType,
  type KindRow,
  type Participation,
  type PointsPeriod,
  type Redemptions,
  type ShopKind,
  type Trend,
  type TrendMonth,
  type WhoTakesPart,
} from '../../model/points/index.ts';

const IN_PERIOD = (col = 'ts'): string => `epoch_ms(${col}) >= $from AND epoch_ms(${col}) < $to`;
const params = (p: PointsPeriod): Params => ({ from: Math.floor(p.fromMs), to: Math.ceil(p.toMs) });
const num = (v: unknown): number => Number(v ?? 0);

/** Participation per building and grid, and the district's summary, over the period. */
export async function participation(store: DuckDbStore, period: PointsPeriod): Promise<Participation> {
  const p = params(period);
  const buildings = await store.all<{ id: number; households: number; participating: number; points: number }>(
    /* sql */ `
    WITH e AS (SELECT household_id, sum(points) AS pts FROM points_earned WHERE ${IN_PERIOD()} GROUP BY household_id)
    SELECT h.building_id AS id, count(*)::INTEGER AS households, count(e.household_id)::INTEGER AS participating,
           coalesce(sum(e.pts), 0)::DOUBLE AS points
    FROM households h LEFT JOIN e ON e.household_id = h.id
    GROUP BY h.building_id ORDER BY h.building_id`,
    p,
  );
  const grids = await store.all<{ grid_id: number; name: string | null; households: number; participating: number; points: number }>(
    /* sql */ `
    WITH e AS (SELECT household_id, sum(points) AS pts FROM points_earned WHERE ${IN_PERIOD()} GROUP BY household_id)
    SELECT b.grid_id, any_value(a.name) AS name, count(*)::INTEGER AS households,
           count(e.household_id)::INTEGER AS participating, coalesce(sum(e.pts), 0)::DOUBLE AS points
    FROM households h JOIN buildings b ON b.id = h.building_id LEFT JOIN areas a ON a.id = b.grid_id
    LEFT JOIN e ON e.household_id = h.id
    WHERE b.grid_id IS NOT NULL
    GROUP BY b.grid_id ORDER BY b.grid_id`,
    p,
  );
  const s = await store.one<Record<string, number>>(
    /* sql */ `
    SELECT (SELECT count(*) FROM households)::INTEGER AS households,
           (SELECT count(DISTINCT household_id) FROM points_earned WHERE ${IN_PERIOD()})::INTEGER AS participating,
           (SELECT count(*) FROM persons)::INTEGER AS residents,
           (SELECT count(DISTINCT person_id) FROM points_earned WHERE person_id IS NOT NULL AND ${IN_PERIOD()})::INTEGER AS participants,
           (SELECT coalesce(sum(points), 0) FROM points_earned WHERE ${IN_PERIOD()})::DOUBLE AS earned,
           (SELECT count(*) FROM points_earned WHERE ${IN_PERIOD()})::INTEGER AS records,
           (SELECT coalesce(sum(points), 0) FROM points_redeemed WHERE ${IN_PERIOD()})::DOUBLE AS redeemed`,
    p,
  );
  const households = num(s?.households);
  const participating = num(s?.participating);
  return {
    period,
    summary: {
      households,
      participating,
      share: shareOf(participating, households),
      residents: num(s?.residents),
      participants: num(s?.participants),
      pointsEarned: num(s?.earned),
      pointsRedeemed: num(s?.redeemed),
      records: num(s?.records),
    },
    grids: grids.map((g) => ({
      gridId: num(g.grid_id),
      name: g.name ?? String(g.grid_id),
      households: num(g.households),
      participating: num(g.participating),
      share: shareOf(num(g.participating), num(g.households)),
      points: num(g.points),
      pointsPerHousehold: shareOf(num(g.points), num(g.households)),
    })),
    buildings: {
      ids: buildings.map((b) => num(b.id)),
      households: buildings.map((b) => num(b.households)),
      participating: buildings.map((b) => num(b.participating)),
      points: buildings.map((b) => num(b.points)),
    },
  };
}

const monthSql = (col = 'ts'): string => `epoch_ms(date_trunc('month', ${col} + INTERVAL ${POINTS_TZ_OFFSET_MS / 3_600_000} HOUR)) - ${POINTS_TZ_OFFSET_MS}`;

/** Every month start (Beijing) from the period's start to its end. */
export function monthsOf(period: PointsPeriod): number[] {
  const out: number[] = [];
  const d = new Date(period.fromMs + POINTS_TZ_OFFSET_MS);
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth();
  for (;;) {
    const start = Date.UTC(y, m, 1) - POINTS_TZ_OFFSET_MS;
    if (start >= period.toMs || out.length > 36) break;
    out.push(start);
    m++;
    if (m === 12) {
      m = 0;
      y++;
    }
  }
  return out;
}

/** Points per month and kind, redemptions and households active per month. */
export async function trend(store: DuckDbStore, period: PointsPeriod): Promise<Trend> {
  const p = params(period);
  const byKind = await store.all<{ month: number; kind: string; points: number; records: number }>(
    `SELECT ${monthSql()} AS month, kind, sum(points)::DOUBLE AS points, count(*)::INTEGER AS records
     FROM points_earned WHERE ${IN_PERIOD()} GROUP BY ALL`,
    p,
  );
  const active = await store.all<{ month: number; households: number }>(
    `SELECT ${monthSql()} AS month, count(DISTINCT household_id)::INTEGER AS households FROM points_earned WHERE ${IN_PERIOD()} GROUP BY ALL`,
    p,
  );
  const redeemed = await store.all<{ month: number; points: number }>(
    `SELECT ${monthSql()} AS month, sum(points)::DOUBLE AS points FROM points_redeemed WHERE ${IN_PERIOD()} GROUP BY ALL`,
    p,
  );
  const months = new Map<number, TrendMonth>();
  for (const monthMs of monthsOf(period)) {
    months.set(monthMs, {
      monthMs,
      pointsByKind: Object.fromEntries(ACTIVITY_KINDS.map((k) => [k, 0])) as Record<ActivityKind, number>,
      pointsEarned: 0,
      pointsRedeemed: 0,
      activeHouseholds: 0,
      records: 0,
    });
  }
  const at = (ms: unknown): TrendMonth | undefined => months.get(num(ms));
  for (const r of byKind) {
    const m = at(r.month);
    if (!m || !isActivityKind(r.kind)) continue;
    m.pointsByKind[r.kind] += num(r.points);
    m.pointsEarned += num(r.points);
    m.records += num(r.records);
  }
  for (const r of active) {
    const m = at(r.month);
    if (m) m.activeHouseholds = num(r.households);
  }
  for (const r of redeemed) {
    const m = at(r.month);
    if (m) m.pointsRedeemed = num(r.points);
  }
  return { period, months: [...months.values()] };
}

/** Who takes part: by age band, by household type, and each kind's elderly share. */
export async function whoTakesPart(store: DuckDbStore, period: PointsPeriod): Promise<WhoTakesPart> {
  const p = params(period);
  const bands = await store.all<{ band: number; residents: number; participants: number }>(
    /* sql */ `
    WITH part AS (SELECT DISTINCT person_id FROM points_earned WHERE person_id IS NOT NULL AND ${IN_PERIOD()})
    SELECT p.age_band::INTEGER AS band, count(*)::INTEGER AS residents, count(part.person_id)::INTEGER AS participants
    FROM persons p LEFT JOIN part ON part.person_id = p.id GROUP BY p.age_band ORDER BY band`,
    p,
  );
  const types = await store.all<{ type: string; households: number; participating: number }>(
    /* sql */ `
    WITH ht AS (SELECT p.household_id, ${HOUSEHOLD_TYPE_SQL} AS type FROM persons p GROUP BY p.household_id),
         act AS (SELECT DISTINCT household_id FROM points_earned WHERE ${IN_PERIOD()})
    SELECT ht.type, count(*)::INTEGER AS households, count(act.household_id)::INTEGER AS participating
    FROM ht LEFT JOIN act ON act.household_id = ht.household_id GROUP BY ht.type`,
    p,
  );
  const kinds = await store.all<{ kind: string; records: number; points: number; participants: number; elderly: number }>(
    /* sql */ `
    SELECT e.kind, count(*)::INTEGER AS records, sum(e.points)::DOUBLE AS points,
           count(DISTINCT e.person_id)::INTEGER AS participants,
           count(DISTINCT CASE WHEN p.age_band >= 3 THEN e.person_id END)::INTEGER AS elderly
    FROM points_earned e LEFT JOIN persons p ON p.id = e.person_id
    WHERE ${IN_PERIOD('e.ts')} GROUP BY e.kind`,
    p,
  );
  const residents = bands.reduce((s, b) => s + num(b.residents), 0);
  const participants = bands.reduce((s, b) => s + num(b.participants), 0);
  const elderlyResidents = bands.filter((b) => num(b.band) >= 3).reduce((s, b) => s + num(b.residents), 0);
  const ageBands: AgeBandRow[] = AGE_BANDS.map((label, band) => {
    const row = bands.find((b) => num(b.band) === band);
    const r = num(row?.residents);
    const n = num(row?.participants);
    return { band, label, residents: r, participants: n, rate: shareOf(n, r), residentShare: shareOf(r, residents), participantShare: shareOf(n, participants) };
  });
  const householdTypes = HOUSEHOLD_TYPES.map((type: HouseholdType) => {
    const row = types.find((t) => t.type === type);
    return { type, households: num(row?.households), participating: num(row?.participating), share: shareOf(num(row?.participating), num(row?.households)) };
  });
  const kindRows: KindRow[] = ACTIVITY_KINDS.map((kind) => {
    const row = kinds.find((k) => k.kind === kind);
    return { kind, records: num(row?.records), points: num(row?.points), participants: num(row?.participants), elderlyShare: shareOf(num(row?.elderly), num(row?.participants)) };
  }).sort((a, b) => b.points - a.points);
  return { period, ageBands, householdTypes, kinds: kindRows, elderlyResidentShare: shareOf(elderlyResidents, residents) };
}

/** Redemptions per shop (listed shops with none included), most points first. */
export async function redemptions(store: DuckDbStore, period: PointsPeriod): Promise<Redemptions> {
  const rows = await store.all<{ shop_id: string; name: string | null; kind: string | null; redemptions: number; points: number; households: number }>(
    /* sql */ `
    WITH r AS (SELECT shop_id, count(*)::INTEGER AS redemptions, sum(points)::DOUBLE AS points,
                      count(DISTINCT household_id)::INTEGER AS households
               FROM points_redeemed WHERE ${IN_PERIOD()} GROUP BY shop_id)
    SELECT coalesce(s.id, r.shop_id) AS shop_id, s.name, s.kind, coalesce(r.redemptions, 0)::INTEGER AS redemptions,
           coalesce(r.points, 0)::DOUBLE AS points, coalesce(r.households, 0)::INTEGER AS households
    FROM points_shops s FULL JOIN r ON r.shop_id = s.id
    ORDER BY points DESC, shop_id`,
    params(period),
  );
  return {
    period,
    shops: rows.map((r) => ({
      shopId: r.shop_id,
      name: r.name ?? r.shop_id,
      kind: (r.kind as ShopKind | null) ?? null,
      redemptions: num(r.redemptions),
      points: num(r.points),
      households: num(r.households),
    })),
  };
}

/** One household's records in the period (newest first, at most `limit`) and its balance over all time. */
export async function householdActivities(store: DuckDbStore, householdId: number, period: PointsPeriod, limit = 200): Promise<HouseholdActivities | null> {
  const exists = await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM households WHERE id = $h', { h: householdId });
  if (!exists || num(exists.n) === 0) return null;
  const rows = await store.all<{ ts: number; kind: string; points: number; relation: string | null; band: number | null; place: string | null }>(
    /* sql */ `
    SELECT epoch_ms(e.ts)::DOUBLE AS ts, e.kind, e.points, p.relation, p.age_band::INTEGER AS band, NULL::VARCHAR AS place
    FROM points_earned e LEFT JOIN persons p ON p.id = e.person_id AND p.household_id = e.household_id
    WHERE e.household_id = $h AND ${IN_PERIOD('e.ts')}
    UNION ALL
    SELECT epoch_ms(r.ts)::DOUBLE, 'redeemed', r.points, NULL, NULL, coalesce(s.name, r.shop_id)
    FROM points_redeemed r LEFT JOIN points_shops s ON s.id = r.shop_id
    WHERE r.household_id = $h AND ${IN_PERIOD('r.ts')}
    ORDER BY 1 DESC LIMIT ${Math.max(1, Math.min(1000, Math.floor(limit)))}`,
    { h: householdId, ...(params(period) as Record<string, number>) },
  );
  const totals = await store.one<{ earned: number; redeemed: number }>(
    `SELECT (SELECT coalesce(sum(points), 0) FROM points_earned WHERE household_id = $h)::DOUBLE AS earned,
            (SELECT coalesce(sum(points), 0) FROM points_redeemed WHERE household_id = $h)::DOUBLE AS redeemed`,
    { h: householdId },
  );
  const earned = num(totals?.earned);
  const redeemed = num(totals?.redeemed);
  return {
    householdId,
    earned,
    redeemed,
    balance: earned - redeemed,
    activities: rows.map((r) => ({
      ts: num(r.ts),
      kind: r.kind === 'redeemed' ? 'redeemed' : (r.kind as ActivityKind),
      points: num(r.points),
      who: r.relation === null ? null : `${r.relation} · ${AGE_BANDS[num(r.band)] ?? ''}`,
      place: r.place,
    })),
  };
}
