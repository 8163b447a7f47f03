/**
 * Waterlogging and the what-if through the typhoon contract, on a seeded demo district (with its
 * terrain: embankment, low old quarters, underpass, basements) and Lekima (1909) from the real
 * files: the flood for the map (a depth raster per hour, placed at the storm's landfall), the
 * flooded roads and homes with their reasons, a wall's view, the no-terrain answer, and two
 * scenarios side by side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { importTrackFiles } from '../../data/import/typhoon/importTracks.ts';
import { createServices, dispatch, type Services } from '../../electron/services/index.ts';
import { shiftTrack, KM_PER_DEG_LAT } from '../../data/analytics/typhoon/scenario.ts';
import type { FloodUnavailable, FloodView, ScenarioComparison } from '../../electron/common/typhoon/flood.ts';
import type { TrackPoint } from '../../data/model/typhoon/types.ts';
import { realDataDir, tempDir } from './helpers.ts';

const real = realDataDir();
const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
let stormId: string;
const LANDFALL_UTC = Date.UTC(2019, 7, 9, 17, 45);
const H = 3_600_000;
const system = { caller: { kind: 'system', name: 'test' } as const, via: 'cli' as const };
const wall = { caller: { kind: 'wall', tokenId: 1, name: 'hall' } as const, via: 'http' as const };
const viewer = { caller: { kind: 'person', userId: 1, username: 'v', displayName: 'V', role: 'viewer' } as const, via: 'http' as const };

const design = (totalMm: number) => ({ source: 'design' as const, totalMm, hours: 24 });
const asView = (x: FloodView | FloodUnavailable): FloodView => {
  if ('unavailable' in x) throw new Error(x.message);
  return x;
};

describe('shifting a track', () => {
  it('moves every point the same km north or south, times and strength unchanged', () => {
    const p = (t: number, lat: number): TrackPoint => ({ timeUtcMs: t, lon: 121, lat, pressureHpa: 950, maxWindMs: 45, grade: 'STY', radii: null, isForecast: false });
    const track = [p(0, 27), p(H, 27.5)];
    const south = shiftTrack(track, -30);
    expect(south.map((x) => (x.lat - 27) * KM_PER_DEG_LAT)).toEqual([expect.closeTo(-30, 6), expect.closeTo(0.5 * KM_PER_DEG_LAT - 30, 6)]);
    expect(south.map((x) => [x.timeUtcMs, x.lon, x.maxWindMs])).toEqual(track.map((x) => [x.timeUtcMs, x.lon, x.maxWindMs]));
    expect(() => shiftTrack(track, 900)).toThrow(/−500 \(south\) to 500 \(north\)/);
  });
});

describe.skipIf(!real)('waterlogging and what-if through the typhoon contract', () => {
  beforeAll(async () => {
    const db = tmp.path('typhoon-flood.duckdb');
    await seedTwin(db, 1, 1000, undefined, () => undefined);
    store = await DuckDbStore.open(db);
    await importTrackFiles(store, [join(real!, 'typhoon')], { storms: ['1909'] });
    services = await createServices(store, { host: 'web', personalData: 'masked' });
    stormId = (await services.api.typhoon.listStorms()).find((s) => s.landfallUtcMs === LANDFALL_UTC)!.id;
  }, 180_000);
  afterAll(() => {
    services?.stop();
    store?.close();
    tmp.cleanup();
  });

  it('300 mm: the water raster rises and falls over the day, peaking around landfall, and lists the flooded places with their reasons', async () => {
    const flood = asView((await dispatch(services.api, 'typhoon', 'getFlood', [stormId, design(300)], wall)) as FloodView | FloodUnavailable);
    expect(flood.clock).toBe('storm');
    // The rain's middle hour is landfall's hour.
    expect(flood.startUtcMs + 12 * H).toBe(Math.floor(LANDFALL_UTC / H) * H);
    expect(flood.steps).toBe(24 + 12);
    expect(flood.totalMm).toBeCloseTo(300, 0);
    const r = flood.raster!;
    expect(r.depth.length).toBe(flood.steps * r.cells.length);
    expect(r.cells.every((c, i) => c < r.rows * r.cols && (i === 0 || c > r.cells[i - 1]!))).toBe(true);
    // Compact: at most 512 KB of depths for the day and a half, at the terrain's 10 m or 20 m.
    expect(r.depth.byteLength).toBeLessThanOrEqual(512 * 1024);
    expect([10, 20]).toContain(r.cellM);
    const n = r.cells.length;
    const wetCells = (s: number): number => r.depth.subarray(s * n, (s + 1) * n).reduce((k, b) => k + (b > 0 ? 1 : 0), 0);
    const series = Array.from({ length: flood.steps }, (_, s) => wetCells(s));
    const peak = series.indexOf(Math.max(...series));
    expect(series[0]).toBeLessThan(series[peak]!);
    expect(peak).toBeGreaterThan(6);
    expect(series[flood.steps - 1]).toBeLessThan(series[peak]!); // the drainage takes it down after the rain
    // The corners frame the district (the raster is north-up).
    const [sw, nw, ne] = r.corners;
    expect(nw[1]).toBeGreaterThan(sw[1]);
    expect(ne[0]).toBeGreaterThan(nw[0]);
    // Roads: the underpass closes to cars; each stretch's depth per step agrees with when it closed.
    const underpass = flood.roads.find((x) => x.underpass !== null)!;
    expect(underpass.closedToCarsFromStep).not.toBeNull();
    const k = flood.roads.indexOf(underpass);
    expect(flood.roadDepth[k * flood.steps + underpass.closedToCarsFromStep!]! * r.depthUnitM).toBeGreaterThan(0.3);
    expect(flood.totals.roadsClosedToCars).toBeGreaterThan(0);
    expect(flood.totals.groundFloorHouseholds).toBeGreaterThan(0);
    for (const place of [...flood.roads, ...flood.buildings]) {
      const why = place.why;
      expect(why.rainMm).toBeGreaterThan(why.drainedMm + why.soakedMm);
      expect(why.lowPointElevM).toBeLessThanOrEqual(why.groundElevM + 0.01);
      expect(why.waterLevelM - why.groundElevM).toBeCloseTo(why.depthM, 1);
      expect(why.step).toBeLessThan(flood.steps);
    }
    // Buildings are named by their address (门牌); counts, never a household: no names or household ids.
    expect(flood.buildings.every((b) => typeof b.address === 'string' && b.address.length > 0)).toBe(true);
    expect(JSON.stringify(flood.buildings)).not.toMatch(/name|householdId|phone/);
  });

  it('a wall gets no household counts for a building of fewer than 3 households; a viewer does', async () => {
    const few = await store.all<{ id: number }>('SELECT building_id AS id FROM households GROUP BY 1 HAVING count(*) < 3');
    const fewIds = new Set(few.map((x) => x.id));
    const wallView = asView((await dispatch(services.api, 'typhoon', 'getFlood', [stormId, design(300)], wall)) as FloodView);
    const viewerView = asView((await dispatch(services.api, 'typhoon', 'getFlood', [stormId, design(300)], viewer)) as FloodView);
    for (const b of wallView.buildings) if (fewIds.has(b.buildingId)) expect([b.groundFloorHouseholds, b.basementHouseholds]).toEqual([null, null]);
    for (const b of viewerView.buildings) expect(b.groundFloorHouseholds).not.toBeNull();
    expect(viewerView.totals).toEqual(wallView.totals);
  });

  it('refuses bad rain at the contract with the field, and says when the gauges have nothing', async () => {
    await expect(dispatch(services.api, 'typhoon', 'getFlood', [stormId, { source: 'design', totalMm: -5, hours: 24 }], system)).rejects.toThrow(/totalMm/);
    await expect(dispatch(services.api, 'typhoon', 'getFlood', [stormId, { source: 'design', totalMm: 100, hours: 1000 }], system)).rejects.toThrow(/hours/);
    const gauges = (await services.api.typhoon.getFlood(stormId, { source: 'gauges', hours: 6 })) as FloodUnavailable;
    expect(gauges.unavailable).toBe('no_gauges');
    expect(gauges.message).toMatch(/no rain gauge readings .* choose a rain total/);
  });

  it('live rain gauges drive the flood when they have readings', async () => {
    const hour = Math.floor(Date.now() / H) * H;
    for (let h = 1; h <= 6; h++)
      await store.run("INSERT INTO sensor_readings VALUES ($1, 'gauge-1', 'rain', make_timestamp($2::BIGINT * 1000), $3, 'mm', NULL, NULL)", [`g-${h}`, hour - h * H + 60_000, 40]);
    const flood = asView(await services.api.typhoon.getFlood(stormId, { source: 'gauges', hours: 6 }));
    expect(flood.clock).toBe('real');
    expect(flood.startUtcMs).toBe(hour - 6 * H);
    expect(flood.hourlyMm.slice(0, 6)).toEqual([40, 40, 40, 40, 40, 40]);
    expect(flood.totals.roadsClosedToCars).toBeGreaterThan(0);
  });

  it('what-if: 300 mm puts more households at risk and cut more roads than 150 mm; the same answer twice', async () => {
    const a = { label: '150 mm', rain: design(150), trackShiftKm: 0 };
    const b = { label: '300 mm', rain: design(300), trackShiftKm: 0 };
    const cmp = (await dispatch(services.api, 'typhoon', 'compareScenarios', [stormId, a, b], wall)) as ScenarioComparison;
    expect(cmp.noTerrain).toBeNull();
    expect(cmp.b.households).toBeGreaterThan(cmp.a.households);
    expect(cmp.b.flood!.roadsClosedToCars).toBeGreaterThan(cmp.a.flood!.roadsClosedToCars);
    const flooded = (o: ScenarioComparison['a']): number => o.byRule.find((r) => r.ruleId === 'flooded-low-floor')!.households;
    expect(flooded(cmp.b)).toBeGreaterThan(flooded(cmp.a));
    expect(cmp.b.shelters.placedPeople + cmp.b.shelters.unplacedPeople).toBe(cmp.b.people);
    // Lanes are joined to the street as the plan joins them: everyone at risk has a route to a shelter with room.
    expect([cmp.a.shelters.unplacedHouseholds, cmp.b.shelters.unplacedHouseholds]).toEqual([0, 0]);
    for (const s of [...cmp.a.shelters.loads, ...cmp.b.shelters.loads]) expect(s.planned).toBeLessThanOrEqual(s.capacity);
    // Aggregates only.
    expect(JSON.stringify(cmp)).not.toMatch(/householdId|"members"|phone/);
    // Deterministic: a fresh service gives the same numbers.
    const fresh = await createServices(store, { host: 'web', personalData: 'masked' });
    try {
      expect(await fresh.api.typhoon.compareScenarios(stormId, a, b)).toEqual(cmp);
    } finally {
      fresh.stop();
    }
  }, 180_000);

  it('what-if: the track far to the south takes force 10 away from the district', async () => {
    const cmp = (await services.api.typhoon.compareScenarios(stormId, { rain: design(150), trackShiftKm: 0 }, { rain: design(150), trackShiftKm: -300 }))!;
    expect(cmp.a.wind.buildingsInForce10).toBeGreaterThan(0);
    expect(cmp.b.wind.buildingsInForce10).toBeLessThan(cmp.a.wind.buildingsInForce10);
    expect(cmp.b.wind.peakForce).toBeLessThan(cmp.a.wind.peakForce);
    const weak = (o: ScenarioComparison['a']): number => o.byRule.find((r) => r.ruleId === 'vulnerable-weak-building')!.households;
    expect(weak(cmp.b)).toBeLessThan(weak(cmp.a));
    // The rain is the same: so is the flood.
    expect(cmp.b.flood).toEqual(cmp.a.flood);
  }, 180_000);

  it('a twin without terrain says so, for the map and the what-if', async () => {
    await store.run('DELETE FROM terrain');
    const bare = await createServices(store, { host: 'web', personalData: 'masked' });
    try {
      const flood = (await bare.api.typhoon.getFlood(stormId, design(150))) as FloodUnavailable;
      expect(flood.unavailable).toBe('no_terrain');
      expect(flood.message).toMatch(/^no terrain model: /);
      const cmp = (await bare.api.typhoon.compareScenarios(stormId, { rain: design(150), trackShiftKm: 0 }, { rain: design(300), trackShiftKm: 0 }))!;
      expect(cmp.noTerrain).toMatch(/^no terrain model: /);
      expect(cmp.a.flood).toBeNull();
      expect(cmp.a.notes[0]!.en).toMatch(/^no terrain model/);
      expect(cmp.a.notes[0]!.zh).toMatch(/^没有地形模型/);
    } finally {
      bare.stop();
    }
  }, 180_000);
});
