/**
 * Waterlogging: the depression engine on hand-made DEMs whose answers are known, then the demo
 * district's own terrain under 150 mm and 300 mm of typhoon rain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { buildDepressions, FillState, priorityFloodFill, type ElevationGrid } from '../../data/analytics/typhoon/depressions.ts';
import {
  CAR_LIMIT_M,
  prepareFlood,
  readFloodInputs,
  readRainGauges,
  runFloodScenario,
  simulateFlood,
  typhoonRainProfile,
  type FloodInputs,
  type FloodResult,
  type PreparedFlood,
} from '../../data/analytics/typhoon/flood.ts';
import { layoutDistrict } from '../../data/seed/layout.ts';
import { planTerrain } from '../../data/seed/terrain.ts';
import { DistrictFrame } from '../../data/seed/frame.ts';
import { DEMO_ORIGIN } from '../../data/seed/generateDistrict.ts';
import { buildingUseCode } from '../../data/model/domain.ts';
import { tempDir } from './helpers.ts';

const grid = (rows: number[][]): ElevationGrid => ({
  rows: rows.length,
  cols: rows[0]!.length,
  cellM: 1,
  elevM: Float32Array.from(rows.flat()),
});
const at = (g: ElevationGrid, row: number, col: number): number => row * g.cols + col;

describe('depressions on hand-made DEMs', () => {
  // A bowl: centre 1 m, ring 2 m, rim 10 m with one notch at 5 m (its pour point); 1 m² cells.
  const bowl = grid([
    [10, 10, 10, 10, 10],
    [10, 2, 2, 2, 10],
    [10, 2, 1, 2, 5],
    [10, 2, 2, 2, 10],
    [10, 10, 10, 10, 10],
  ]);

  it('a bowl fills to the level its volume gives, then overflows at its notch', () => {
    const t = buildDepressions(bowl);
    const leaf = t.joinNode[at(bowl, 2, 2)]!;
    expect(t.isLeaf[leaf]).toBe(1);
    expect(t.spillZ[leaf]).toBeCloseTo(5, 6);
    // Capacity to the notch: centre 4 m + eight cells × 3 m.
    expect(t.capM3[leaf]).toBeCloseTo(28, 6);
    const s = new FillState(t);
    // 10 m³: 1 m³ brings the centre to 2 m, the other 9 m³ over nine cells raise it 1 m more.
    s.pour(leaf, 10);
    s.settle();
    expect(s.levelOf(leaf)).toBeCloseTo(3, 6);
    expect(s.depthAt(at(bowl, 2, 2))).toBeCloseTo(2, 6);
    expect(s.depthAt(at(bowl, 1, 1))).toBeCloseTo(1, 6);
    expect(s.depthAt(at(bowl, 0, 0))).toBe(0);
    // 40 m³ more: full at 5 m, the rest runs out over the notch.
    s.pour(leaf, 40);
    s.settle();
    expect(s.levelOf(leaf)).toBeCloseTo(5, 6);
    expect(s.outflowM3).toBeCloseTo(22, 6);
    // Drainage lowers it again: take 19 m³ of the 28, leaving 9 = the centre's 1 + 8 over nine cells.
    expect(s.drain(leaf, 19)).toBeCloseTo(19, 6);
    s.settle();
    expect(s.levelOf(leaf)).toBeCloseTo(2 + 8 / 9, 6);
    // Priority-Flood agrees on the full level.
    const filled = priorityFloodFill(bowl);
    expect(filled[at(bowl, 2, 2)]).toBeCloseTo(5, 6);
    expect(filled[at(bowl, 1, 3)]).toBeCloseTo(5, 6);
    expect(filled[at(bowl, 0, 0)]).toBe(10);
  });

  // Two depressions: A (two cells at 1 m) and B (two at 2 m) share a saddle at 3 m; B's side
  // leads to a notch in the rim at 5 m, through a cell at 4 m.
  const pair = grid([
    [9, 9, 9, 9, 9, 9, 5, 9],
    [9, 1, 1, 3, 2, 2, 4, 9],
    [9, 9, 9, 9, 9, 9, 9, 9],
  ]);

  it('a full depression spills into its neighbour, then the two fill as one lake', () => {
    const t = buildDepressions(pair);
    const a = t.joinNode[at(pair, 1, 1)]!;
    const b = t.joinNode[at(pair, 1, 4)]!;
    expect(a).not.toBe(b);
    const merged = t.parent[a]!;
    expect(t.parent[b]).toBe(merged);
    expect(t.spillZ[a]).toBeCloseTo(3, 6);
    expect(t.capM3[a]).toBeCloseTo(4, 6); // two cells × 2 m
    expect(t.capM3[b]).toBeCloseTo(2, 6); // two cells × 1 m
    expect(t.spillZ[merged]).toBeCloseTo(5, 6);
    expect(t.capM3[merged]).toBeCloseTo(17, 6); // 2×4 + 2×3 + 2 (saddle) + 1 (the 4 m cell)
    const s = new FillState(t);
    // Rain into A only: A fills to its saddle (4 m³), then 2 m³ more spill over into B.
    s.pour(a, 6);
    s.settle();
    expect(s.levelOf(a)).toBeCloseTo(3, 6);
    expect(s.levelOf(b)).toBeCloseTo(3, 6);
    expect(s.depthAt(at(pair, 1, 3))).toBe(0); // the saddle itself still dry
    expect(s.depthAt(at(pair, 1, 4))).toBeCloseTo(1, 6);
    // One more m³: one lake over five cells (A, B, the saddle) rises 0.2 m.
    s.pour(a, 1);
    s.settle();
    expect(s.depthAt(at(pair, 1, 1))).toBeCloseTo(2.2, 6);
    expect(s.depthAt(at(pair, 1, 4))).toBeCloseTo(1.2, 6);
    expect(s.depthAt(at(pair, 1, 3))).toBeCloseTo(0.2, 6);
    // Drainage takes the merged lake's surface down first.
    s.drain(b, 0.5);
    s.settle();
    expect(s.depthAt(at(pair, 1, 3))).toBeCloseTo(0.1, 6);
    expect(s.outflowM3).toBe(0);
    // Flooded out: everything at the notch level, as Priority-Flood says.
    s.pour(b, 100);
    s.settle();
    expect(s.outflowM3).toBeCloseTo(100 + 6.5 - 17, 6);
    const filled = priorityFloodFill(pair);
    for (const c of [at(pair, 1, 1), at(pair, 1, 3), at(pair, 1, 4), at(pair, 1, 6)]) {
      expect(filled[c]).toBeCloseTo(5, 6);
      expect(s.depthAt(c) + t.z[c]!).toBeCloseTo(5, 6);
    }
  });

  it('filled to the brim, every cell of a random DEM stands where Priority-Flood puts it', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const g: ElevationGrid = { cols: 40, rows: 30, cellM: 2, elevM: new Float32Array(1200) };
    for (let i = 0; i < 1200; i++) g.elevM[i] = Math.round((2 + 3 * rnd() + Math.sin(i / 7)) * 1000) / 1000;
    g.elevM[555] = NaN; // a no-data hole drains like the edge
    const t = buildDepressions(g);
    const s = new FillState(t);
    for (let x = 1; x < t.nodeCount; x++) if (t.isLeaf[x]) s.pour(x, 1e6);
    s.settle();
    const filled = priorityFloodFill(g);
    let depressions = 0;
    for (let c = 0; c < 1200; c++) {
      if (c === 555) continue;
      if (filled[c]! > g.elevM[c]! + 1e-3) depressions++;
      expect(t.z[c]! + s.depthAt(c)).toBeCloseTo(filled[c]!, 2);
    }
    expect(depressions).toBeGreaterThan(50);
  });
});

describe('waterlogging over the demo district', () => {
  const tmp = tempDir();
  let store: DuckDbStore;
  let inputs: FloodInputs;
  let prep: PreparedFlood;
  let r150: FloodResult;
  let r300: FloodResult;
  let walkup: Set<number>;
  let highrise: Set<number>;

  beforeAll(async () => {
    const db = tmp.path('flood.duckdb');
    await seedTwin(db, 1, 1000, undefined, () => undefined);
    store = await DuckDbStore.open(db);
    const read = await readFloodInputs(store);
    if ('noTerrain' in read) throw new Error(read.noTerrain);
    inputs = read;
    prep = prepareFlood(inputs);
    r150 = simulateFlood(prep, { hourlyMm: typhoonRainProfile(150) });
    r300 = simulateFlood(prep, { hourlyMm: typhoonRainProfile(300) });
    const uses = await store.all<{ id: number; use_code: number }>('SELECT id, use_code FROM buildings');
    walkup = new Set(uses.filter((u) => u.use_code === buildingUseCode('residential_walkup')).map((u) => u.id));
    highrise = new Set(uses.filter((u) => u.use_code === buildingUseCode('residential_highrise')).map((u) => u.id));
  }, 120_000);
  afterAll(() => {
    store.close();
    tmp.cleanup();
  });

  it('the terrain is believable: embankment above the old quarters, an underpass, basements under towers', async () => {
    const t = inputs.terrain;
    expect(t.source).toBe('demo');
    expect(t.raster.cellM).toBe(10);
    expect(t.features.filter((f) => f.kind === 'underpass')).toHaveLength(1);
    const ground = new Map(t.buildings.map((b) => [b.buildingId, b]));
    const mean = (ids: Set<number>): number => [...ids].reduce((s, id) => s + ground.get(id)!.groundElevM, 0) / ids.size;
    expect(mean(walkup)).toBeLessThan(mean(highrise) - 0.5);
    expect(Math.max(...t.raster.elevM)).toBeGreaterThan(mean(walkup) + 3.5); // the embankment crest
    const u = t.features[0]!;
    expect(u.bottomElevM).toBeLessThan(mean(walkup) - 3);
    expect(t.buildings.some((b) => b.basementDepthM > 0 && highrise.has(b.buildingId))).toBe(true);
    expect(t.buildings.filter((b) => walkup.has(b.buildingId)).every((b) => b.basementDepthM === 0)).toBe(true);
  });

  it('at 150 mm the underpass and the low old quarters flood first; the embankment side stays dry', () => {
    const underpass = r150.floodedRoads.filter((x) => x.underpass !== null);
    expect(underpass.length).toBeGreaterThan(0);
    expect(underpass[0]!.closedToCarsFromHour).not.toBeNull();
    expect(underpass[0]!.maxDepthM).toBeGreaterThan(CAR_LIMIT_M);
    // No road closes to cars before the underpass does.
    const firstClosed = Math.min(...r150.floodedRoads.map((x) => x.closedToCarsFromHour ?? Infinity));
    expect(underpass[0]!.closedToCarsFromHour).toBe(firstClosed);
    // Flooded ground floors are in old walk-ups, none in high-rise estates on their raised ground.
    const groundFloors = r150.floodedBuildings.filter((b) => b.groundFloorFromHour !== null);
    expect(groundFloors.length).toBeGreaterThan(0);
    expect(groundFloors.filter((b) => walkup.has(b.buildingId)).length).toBeGreaterThan(groundFloors.length * 0.7);
    expect(groundFloors.some((b) => highrise.has(b.buildingId))).toBe(false);
    expect(groundFloors.reduce((s, b) => s + b.groundFloorHouseholds, 0)).toBeGreaterThan(0);
    // The embankments and the riverside road on its berm: dry in both scenarios.
    for (const r of [r150, r300]) expect(r.floodedRoads.filter((x) => x.road.kind === 'embankment' || x.road.name === '江滨路')).toEqual([]);
  });

  it('300 mm floods more: every place wet at 150 mm is deeper, and more homes and roads are cut', () => {
    const deeper = new Map(r300.floodedBuildings.map((b) => [b.buildingId, b.maxDepthM]));
    for (const b of r150.floodedBuildings) expect(deeper.get(b.buildingId)!).toBeGreaterThanOrEqual(b.maxDepthM);
    expect(r300.floodedBuildings.length).toBeGreaterThan(r150.floodedBuildings.length);
    const households = (r: FloodResult): number => Math.max(...r.perHour.map((h) => h.householdsFlooded));
    expect(households(r300)).toBeGreaterThan(households(r150));
    const closed = (r: FloodResult): number => r.floodedRoads.filter((x) => x.closedToCarsFromHour !== null).length;
    expect(closed(r300)).toBeGreaterThan(closed(r150));
    expect(Math.max(...r300.perHour.map((h) => h.pondedM3))).toBeGreaterThan(Math.max(...r150.perHour.map((h) => h.pondedM3)) * 2);
  });

  it('every flooded place says why, with figures that add up', () => {
    for (const place of [...r150.floodedBuildings, ...r150.floodedRoads]) {
      const why = place.reason;
      expect(why.rainMm).toBeGreaterThan(0);
      expect(why.rainMm).toBeCloseTo(typhoonRainProfile(150).slice(0, why.hour + 1).reduce((s, x) => s + x, 0), 0);
      expect(why.drainedMm).toBeGreaterThan(0);
      expect(why.drainedMm + why.soakedMm).toBeLessThan(why.rainMm);
      expect(why.lowPointElevM).toBeLessThanOrEqual(why.groundElevM + 0.01);
      expect(why.waterLevelM - why.groundElevM).toBeCloseTo(why.depthM, 1);
      expect(why.summary).toContain(`rain ${why.rainMm} mm`);
      expect(why.summary).toContain(`low point at ${why.lowPointElevM} m`);
    }
  });

  it('deterministic: the same seed gives the same ground and the same answers', () => {
    const again = simulateFlood(prepareFlood(inputs), { hourlyMm: typhoonRainProfile(150) });
    expect(JSON.stringify(again.floodedBuildings)).toBe(JSON.stringify(r150.floodedBuildings));
    expect(JSON.stringify(again.floodedRoads)).toBe(JSON.stringify(r150.floodedRoads));
    expect(again.perHour).toEqual(r150.perHour);
    const hash = (): string => {
      const layout = layoutDistrict(1, 1000);
      const t = planTerrain(1, layout, new DistrictFrame(DEMO_ORIGIN.lon, DEMO_ORIGIN.lat, layout.plan.rotationDeg));
      return createHash('sha256').update(Buffer.from(t.raster.elevM.buffer)).digest('hex');
    };
    const h = hash();
    expect(hash()).toBe(h);
    expect(createHash('sha256').update(Buffer.from(inputs.terrain.raster.elevM.buffer)).digest('hex')).toBe(h);
  });

  it('rain gauges give the hourly rain: mm readings summed per gauge and hour, mm/h averaged, then the gauges averaged', async () => {
    const from = Date.UTC(2019, 7, 9, 12);
    const rows: [string, number, number, string][] = [
      ['g1', 0, 4, 'mm'],
      ['g1', 30, 6, 'mm'], // g1 hour 0: 10 mm
      ['g2', 10, 20, 'mm/h'],
      ['g2', 40, 30, 'mm/h'], // g2 hour 0: 25 mm/h
      ['g1', 70, 12, 'mm'], // hour 1
      ['g1', 60 * 30, 99, 'mm'], // beyond the window
    ];
    for (const [i, [sensor, minute, value, unit]] of rows.entries())
      await store.run(
        "INSERT INTO sensor_readings VALUES ($1, $2, 'rain', make_timestamp($3::BIGINT * 1000), $4, $5, NULL, NULL)",
        [`rain-${i}`, sensor, from + minute * 60_000, value, unit],
      );
    expect(await readRainGauges(store, from, 3)).toEqual([17.5, 12, 0]);
    expect(await readRainGauges(store, from - 10 * 3_600_000, 3)).toBeNull();
  });

  it('a twin without terrain gets a clear "no terrain model" answer, not an error; bad rain is refused with the hour', async () => {
    const empty = await DuckDbStore.open(':memory:');
    try {
      const out = await runFloodScenario(empty, { hourlyMm: typhoonRainProfile(150) });
      expect('noTerrain' in out && out.noTerrain).toMatch(/^no terrain model: /);
    } finally {
      empty.close();
    }
    expect(() => simulateFlood(prep, { hourlyMm: [10, -1] })).toThrow(/hour 1 .*≥ 0/);
    expect(() => simulateFlood(prep, { hourlyMm: [] })).toThrow(/1 to 336 hourly values/);
  });
});
