/**
 * Issue 13, 积分制 (participation points): the rules and helpers; on a real seeded twin (a year of
 * points from the demo generator) the served participation figures equal SQL written by hand over
 * the same rows; points events come in through the real IngestService and show in the figures and
 * in the household's record; a wall is served aggregates only — no household id, no member, no
 * name — and cannot list a household's activities.
 */
import { describe, expect, it } from 'vitest';
import {
  householdTypeOf,
  MAX_POINTS_PER_RECORD,
  parsePointsPeriod,
  participationClass,
  pointsFor,
  POINT_RULES,
  underRepresented,
  type AgeBandRow,
} from '../../data/model/points/index.ts';

describe('points rules', () => {
  it('gives points per unit of each kind, whole units within the rule', () => {
    expect(pointsFor('volunteering', 3)).toBe(30);
    expect(pointsFor('volunteering', 20)).toBe(POINT_RULES.volunteering.pointsPerUnit * POINT_RULES.volunteering.maxUnits);
    expect(pointsFor('mediation', 0)).toBe(20);
    expect(pointsFor('waste_sorting', 2.7)).toBe(4);
    expect(MAX_POINTS_PER_RECORD).toBe(80);
  });
  it('tells household types from members’ age bands', () => {
    expect(householdTypeOf([4])).toBe('elderly_alone');
    expect(householdTypeOf([3, 4])).toBe('elderly_only');
    expect(householdTypeOf([2, 2, 0])).toBe('with_children');
    expect(householdTypeOf([1, 2])).toBe('other');
  });
  it('finds the under-represented bands and classes shares for the heat map', () => {
    const row = (band: number, residentShare: number, participantShare: number): AgeBandRow => ({ band, label: String(band), residents: 10, participants: 1, rate: 0.1, residentShare, participantShare });
    expect(underRepresented([row(1, 0.3, 0.35), row(4, 0.1, 0.02)]).map((r) => r.band)).toEqual([4]);
    expect([0, 0.1, 0.3, 0.44, 0.6, 0.75, 1].map(participationClass)).toEqual([0, 0, 1, 1, 3, 4, 4]);
  });
  it('reads the page’s period: presets, explicit spans up to two years, else the year', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(parsePointsPeriod('90d', now)).toEqual({ period: { fromMs: now - 90 * 86_400_000, toMs: now }, preset: '90d' });
    expect(parsePointsPeriod(`${now - 1000000}-${now}`, now).preset).toBeNull();
    expect(parsePointsPeriod('junk', now).preset).toBe('365d');
    expect(parsePointsPeriod(`0-${now}`, now).preset).toBe('365d');
  });
});

//#region a seeded twin
import { afterAll, beforeAll } from 'vitest';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, dispatch, type Services } from '../../electron/services/index.ts';
import type { CallContext } from '../../electron/services/callContext.ts';
import { runAs } from '../../electron/services/callContext.ts';
import type { ModuleContext } from '../../electron/services/modules.ts';
import { pointsServiceModule } from '../../electron/services/points/index.ts';
import { MIN_HOUSEHOLDS_COUNTED } from '../../electron/services/wallView.ts';
import type { HouseholdActivities, Participation, Redemptions, Trend, WhoTakesPart } from '../../data/model/points/index.ts';
import { findPersonalData, readSecrets } from './personalData.ts';
import type { BuildingColumns } from '../../electron/common/dto.ts';
import { participationColouring, PARTICIPATION_COLOURS } from '../../renderer/features/points/heat.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
const DAY = 86_400_000;
const NOW = Date.now();
/** The seeded year (the generator's history ends on 2026-11-24) and up to now, for the ingested events. */
const period = { fromMs: Date.parse('2025-11-25T00:00:00Z'), toMs: NOW + DAY };
const operator: CallContext = { caller: { kind: 'person', userId: 1, username: 'duty1', displayName: '值班员', role: 'operator' }, via: 'http' };
const wall: CallContext = { caller: { kind: 'wall', tokenId: 3, name: 'hall' }, via: 'http' };
const call = <T>(method: string, args: unknown[], ctx = operator): Promise<T> => dispatch(services.api, 'points', method, args, ctx) as Promise<T>;
const num = (v: unknown): number => Number(v ?? 0);

beforeAll(async () => {
  const db = tmp.path('points.duckdb');
  await seedTwin(db, 7, 200, undefined, () => undefined);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
}, 120_000);
afterAll(() => {
  services?.stop();
  store?.close();
  tmp.cleanup();
});

describe('a year of points in the demo district', () => {
  it('is believable: grids differ, the elderly lead mediation but not app reports, sorting campaigns show, nobody overspends', async () => {
    const p = await call<Participation>('getParticipation', [period]);
    expect(p.summary.records).toBeGreaterThan(5000);
    expect(p.summary.share).toBeGreaterThan(0.3);
    expect(p.summary.share).toBeLessThan(0.85);
    const shares = p.grids.filter((g) => g.households >= 50).map((g) => g.share);
    expect(Math.max(...shares) - Math.min(...shares)).toBeGreaterThan(0.15);
    const who = await call<WhoTakesPart>('getWhoTakesPart', [period]);
    const kind = (k: string): number => who.kinds.find((r) => r.kind === k)!.elderlyShare;
    expect(kind('mediation')).toBeGreaterThan(who.elderlyResidentShare);
    expect(kind('report')).toBeLessThan(who.elderlyResidentShare);
    expect(underRepresented(who.ageBands).map((b) => b.label)).toContain('80+');
    const t = await call<Trend>('getTrend', [period]);
    const month = (ym: string): number => t.months.find((m) => new Date(m.monthMs + 8 * 3_600_000).toISOString().startsWith(ym))!.pointsByKind.waste_sorting;
    expect(month('2026-04')).toBeGreaterThan(1.5 * month('2026-06'));
    const overspent = await store.one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM (SELECT household_id, sum(points) AS r FROM points_redeemed GROUP BY 1) r
       JOIN (SELECT household_id, sum(points) AS e FROM points_earned GROUP BY 1) e USING (household_id) WHERE r > e`,
    );
    expect(overspent!.n).toBe(0);
  });

  it('serves participation per grid and building equal to SQL written by hand over the same rows', async () => {
    const p = await call<Participation>('getParticipation', [period]);
    const q = { f: period.fromMs, t: period.toMs };
    const grids = await store.all<{ grid_id: number; households: number; taking_part: number; points: number }>(
      `SELECT b.grid_id, count(*)::INTEGER AS households,
              sum(CASE WHEN EXISTS (SELECT 1 FROM points_earned e WHERE e.household_id = h.id AND e.ts >= make_timestamp($f * 1000) AND e.ts < make_timestamp($t * 1000)) THEN 1 ELSE 0 END)::INTEGER AS taking_part,
              (SELECT coalesce(sum(e.points), 0) FROM points_earned e JOIN households h2 ON h2.id = e.household_id JOIN buildings b2 ON b2.id = h2.building_id
               WHERE b2.grid_id = b.grid_id AND e.ts >= make_timestamp($f * 1000) AND e.ts < make_timestamp($t * 1000))::DOUBLE AS points
       FROM households h JOIN buildings b ON b.id = h.building_id WHERE b.grid_id IS NOT NULL GROUP BY b.grid_id ORDER BY b.grid_id`,
      q,
    );
    expect(p.grids.map((g) => [g.gridId, g.households, g.participating, g.points])).toEqual(grids.map((g) => [num(g.grid_id), num(g.households), num(g.taking_part), num(g.points)]));
    for (const g of p.grids) expect(g.share).toBeCloseTo(g.participating / g.households, 12);
    // Per building, and the district's total.
    const b = p.buildings;
    const byBuilding = await store.all<{ id: number; n: number; k: number }>(
      `SELECT h.building_id AS id, count(DISTINCT h.id)::INTEGER AS n, count(DISTINCT e.household_id)::INTEGER AS k FROM households h
       LEFT JOIN points_earned e ON e.household_id = h.id AND e.ts >= make_timestamp($f * 1000) AND e.ts < make_timestamp($t * 1000)
       GROUP BY 1 ORDER BY 1`,
      q,
    );
    expect(b.ids).toEqual(byBuilding.map((r) => num(r.id)));
    expect(b.households).toEqual(byBuilding.map((r) => num(r.n)));
    expect(b.participating).toEqual(byBuilding.map((r) => num(r.k)));
    expect(p.summary.participating).toBe(b.participating.reduce((s, v) => s + v, 0));
    // The elderly: participants aged 60+ over residents aged 60+.
    const who = await call<WhoTakesPart>('getWhoTakesPart', [period]);
    const old = await store.one<{ residents: number; taking_part: number }>(
      `SELECT count(*)::INTEGER AS residents, count(*) FILTER (WHERE p.id IN (SELECT person_id FROM points_earned WHERE ts >= make_timestamp($f * 1000) AND ts < make_timestamp($t * 1000)))::INTEGER AS taking_part
       FROM persons p WHERE p.age_band >= 3`,
      q,
    );
    const bands = who.ageBands.filter((r) => r.band >= 3);
    expect(bands.reduce((s, r) => s + r.residents, 0)).toBe(num(old!.residents));
    expect(bands.reduce((s, r) => s + r.participants, 0)).toBe(num(old!.taking_part));
    // The trend's months add up to the period's points.
    const t = await call<Trend>('getTrend', [period]);
    expect(t.months.reduce((s, m) => s + m.pointsEarned, 0)).toBe(p.summary.pointsEarned);
    expect(t.months.reduce((s, m) => s + m.pointsRedeemed, 0)).toBe(p.summary.pointsRedeemed);
    const shops = await call<Redemptions>('getRedemptions', [period]);
    expect(shops.shops.length).toBeGreaterThanOrEqual(6);
    expect(shops.shops.reduce((s, r) => s + r.points, 0)).toBe(p.summary.pointsRedeemed);
  });

  it('takes points earned and redeemed through the real ingest into the figures and the household’s record', async () => {
    const before = await call<Participation>('getParticipation', [period]);
    const hh = (await store.one<{ id: number; building_id: number; person: number }>(
      `SELECT h.id, h.building_id, min(p.id)::INTEGER AS person FROM households h JOIN persons p ON p.household_id = h.id
       WHERE h.id NOT IN (SELECT household_id FROM points_earned) GROUP BY h.id, h.building_id ORDER BY h.id LIMIT 1`,
    ))!;
    const shopsBefore = await call<Redemptions>('getRedemptions', [period]);
    const iso = (ms: number): string => new Date(ms).toISOString();
    const r = await services.ingest.ingestValues(
      [
        { id: 'pt-1', type: 'points.earned', ts: iso(NOW - 3 * 3_600_000), source: 'points-app', data: { householdId: hh.id, personId: hh.person, kind: 'volunteering', points: 30, note: '敬老院帮扶 3 小时' } },
        { id: 'pt-2', type: 'points.earned', ts: iso(NOW - 2 * 3_600_000), source: 'sorting-scanner', data: { householdId: hh.id, kind: 'waste_sorting', points: 8 } },
        { id: 'pt-3', type: 'points.redeemed', ts: iso(NOW - 3_600_000), source: 'shop-1', data: { householdId: hh.id, shopId: 'shop-1', points: 25, items: [{ item: '长者食堂午餐', qty: 1 }] } },
        // More points than any rule gives in one record: refused.
        { id: 'pt-4', type: 'points.earned', ts: iso(NOW - 3_600_000), source: 'points-app', data: { householdId: hh.id, kind: 'report', points: 5000 } },
      ],
      'http',
    );
    expect(r.rejected.map((x) => x.id)).toEqual(['pt-4']);
    const after = await call<Participation>('getParticipation', [period]);
    expect(after.summary.participating).toBe(before.summary.participating + 1);
    expect(after.summary.pointsEarned).toBe(before.summary.pointsEarned + 38);
    expect(after.summary.pointsRedeemed).toBe(before.summary.pointsRedeemed + 25);
    const row = after.buildings.ids.indexOf(hh.building_id);
    expect(after.buildings.participating[row]).toBe(before.buildings.participating[row]! + 1);
    const shopsAfter = await call<Redemptions>('getRedemptions', [period]);
    const shop = (x: Redemptions): number => x.shops.find((s) => s.shopId === 'shop-1')!.redemptions;
    expect(shop(shopsAfter)).toBe(shop(shopsBefore) + 1);
    const record = await call<HouseholdActivities>('listActivities', [hh.id, period]);
    expect(record).toMatchObject({ householdId: hh.id, earned: 38, redeemed: 25, balance: 13 });
    expect(record.activities.map((a) => [a.kind, a.points])).toEqual([['redeemed', 25], ['waste_sorting', 8], ['volunteering', 30]]);
    expect(record.activities[2]!.who).toMatch(/^户主 · /);
    expect(record.activities[0]!.place).toBe('邻里便民超市');
  });
});

describe('a wall', () => {
  it('gets aggregates only: no household id, person, name or number anywhere, no building too small to count', async () => {
    const secrets = await readSecrets(store);
    const answers: [string, unknown][] = [];
    for (const method of ['getParticipation', 'getTrend', 'getWhoTakesPart', 'getRedemptions']) answers.push([method, await call(method, [period], wall)]);
    for (const [method, answer] of answers) {
      expect(findPersonalData(answer, secrets, method)).toEqual([]);
      expect(JSON.stringify(answer)).not.toMatch(/household_?id|person_?id|"who"|relation|户主|配偶|子女/i);
    }
    const p = answers[0]![1] as Participation;
    expect(p.buildings.ids.length).toBeGreaterThan(0);
    expect(Math.min(...p.buildings.households)).toBeGreaterThanOrEqual(MIN_HOUSEHOLDS_COUNTED);
    // The wall sees every building the console sees, but those too small to count.
    const full = await call<Participation>('getParticipation', [period]);
    expect(p.buildings.ids).toEqual(full.buildings.ids.filter((_, i) => full.buildings.households[i]! >= MIN_HOUSEHOLDS_COUNTED));
    // A household's record is for console roles, and not at all on a host that shows no one.
    const hh = (await store.one<{ id: number }>('SELECT household_id AS id FROM points_earned LIMIT 1'))!;
    await expect(call('listActivities', [hh.id, period], wall)).rejects.toThrow(/needs viewer/);
    const wallHost = await pointsServiceModule.start({ store, personalData: 'none' } as ModuleContext);
    await expect(runAs(operator, () => wallHost.api.listActivities(hh.id, period))).rejects.toThrow(/shows no one/);
    const onWallHost = await runAs(operator, () => wallHost.api.getParticipation(period));
    expect(Math.min(...onWallHost.buildings.households)).toBeGreaterThanOrEqual(MIN_HOUSEHOLDS_COUNTED);
    // Periods are bounded.
    await expect(call('getTrend', [{ fromMs: NOW - 800 * DAY, toMs: NOW }], wall)).rejects.toThrow(/two years/);
  });
});
describe('the heat map by building', () => {
  it('colours each building by its class of households taking part, and the legend counts the host’s buildings', async () => {
    const cols = (await dispatch(services.api, 'store', 'getBuildings', [], operator)) as BuildingColumns;
    const p = await call<Participation>('getParticipation', [period], wall);
    const { rowColours, legend } = participationColouring(cols, p);
    expect(legend.kind).toBe('classes');
    const items = legend.kind === 'classes' ? legend.items : [];
    expect(items.reduce((s, i) => s + Number(i.text.values?.count ?? 0), 0)).toBe(cols.count);
    const shareOfId = new Map(p.buildings.ids.map((id, i) => [id, p.buildings.participating[i]! / p.buildings.households[i]!]));
    const top = [...shareOfId.values()].filter((v) => v >= 0.75).length;
    expect(items.find((i) => i.testId === 'legend-participation-4')?.text.values?.count ?? 0).toBe(top);
    const row = Array.from(cols.id).findIndex((id) => (shareOfId.get(id) ?? 0) >= 0.75);
    if (row >= 0) expect(Array.from(rowColours.slice(4 * row, 4 * row + 3))).toEqual([...PARTICIPATION_COLOURS[4]!]);
  });
});
//#endregion
