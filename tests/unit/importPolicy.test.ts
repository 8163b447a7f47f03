/**
 * Issue 14, "Bring your own district" (map data): one import policy for every layer (strict by
 * default, --skip-invalid with a report, --dry-run), imports that fit the twin (far data refused, a
 * failed import leaves nothing behind), attributes that mean something, roads that are roads,
 * China coordinates and the twin's display name.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { writeArrayBuffer } from 'geotiff';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { ImportError, importFiles } from '../../data/import/importFiles.ts';
import { importIntoTwin, seedTwin } from '../../electron/cli/twinFiles.ts';
import { buildProgram } from '../../electron/cli/main.ts';
import { readMapping } from '../../data/import/attributes.ts';
import { buildingUseCode } from '../../data/model/domain.ts';
import { RoadGraph } from '../../data/analytics/RoadGraph.ts';
import { loadRoadLines, type StoredRoadLine } from '../../data/analytics/roadNetwork.ts';
import { toWgs84 } from '../../data/import/crs.ts';
import gcoord from 'gcoord';
import { StoreService, readBuildingColumns } from '../../electron/services/StoreService.ts';
import { buildBuildingGeometry, polygonPositions } from '../../renderer/views/map/layers/buildingGeometry.ts';
import { realDataDir, tempDir } from './helpers.ts';

const REAL = realDataDir();
const HAS_REAL = REAL !== null;
const WUHAN = join(REAL ?? '/nonexistent', 'wuhan-optics-valley');
const FIXTURES = resolve(import.meta.dirname, '../fixtures/import');
const quiet = (): void => undefined;

const tmp = tempDir('civictwin-import-policy-');
afterAll(() => tmp.cleanup());
let n = 0;
/** A fresh folder per test, so what a test leaves behind can be listed. */
let dir: string;
beforeEach(() => {
  dir = tmp.path(`t${++n}`);
});

type Feature = { type: 'Feature'; id?: string | number; properties: Record<string, unknown>; geometry: unknown };
const square = (lon: number, lat: number, d = 0.0003): unknown => ({
  type: 'Polygon',
  coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]],
});
const line = (...pts: [number, number][]): unknown => ({ type: 'LineString', coordinates: pts });
const point = (lon: number, lat: number): unknown => ({ type: 'Point', coordinates: [lon, lat] });

function writeLayer(name: string, features: Feature[]): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify({ type: 'FeatureCollection', features }));
  return p;
}

async function withStore<T>(db: string, fn: (s: DuckDbStore) => Promise<T>): Promise<T> {
  const store = await DuckDbStore.open(db, { readOnly: true });
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
const count = (db: string, table: string, where = ''): Promise<number> =>
  withStore(db, async (s) => Number((await s.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${table} ${where}`))!.n));

/** One bad feature in each layer: a building label point, a land-use line, a water point. */
function mixedDistrict(): string[] {
  return [
    writeLayer('buildings.geojson', [
      { type: 'Feature', id: 'b1', properties: { building: 'apartments', 'building:levels': 6 }, geometry: square(114.39, 30.5) },
      { type: 'Feature', id: 'b2', properties: { building: 'yes', name: '标注点' }, geometry: point(114.3905, 30.5005) },
      { type: 'Feature', id: 'b3', properties: { building: 'office', height: 40 }, geometry: square(114.391, 30.5) },
    ]),
    writeLayer('landuse.geojson', [
      { type: 'Feature', id: 'l1', properties: { landuse: 'residential' }, geometry: square(114.389, 30.499, 0.002) },
      { type: 'Feature', id: 'l2', properties: { landuse: 'grass' }, geometry: line([114.389, 30.5], [114.39, 30.5]) },
    ]),
    writeLayer('water.geojson', [
      { type: 'Feature', id: 'w1', properties: { natural: 'water', name: '湖' }, geometry: square(114.392, 30.501, 0.001) },
      { type: 'Feature', id: 'w2', properties: { natural: 'spring' }, geometry: point(114.3925, 30.5015) },
    ]),
  ];
}

describe('one import policy for every layer', () => {
  it('strict by default: the first invalid feature of any layer stops the import, naming file, index, id and reason; nothing is written', async () => {
    const files = mixedDistrict();
    const db = join(dir, 'twin.duckdb');
    const err = await importIntoTwin(db, files, undefined, quiet).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).message).toMatch(/^buildings\.geojson: feature #1 \(id b2\): geometry\.type is Point \(a label point\), but a building needs a Polygon/);
    // The same rule in the other layers (each file alone).
    for (const [file, re] of [
      [files[1]!, /^landuse\.geojson: feature #1 \(id l2\): geometry\.type is LineString, but a land-use area needs a Polygon/],
      [files[2]!, /^water\.geojson: feature #1 \(id w2\): geometry\.type is Point, but a water body needs/],
    ] as const) {
      await expect(importIntoTwin(db, [file], undefined, quiet)).rejects.toThrow(re);
    }
    // A failed import into a new twin leaves no twin, no key, no partial file.
    expect(readdirSync(dir).filter((f) => f.startsWith('twin.duckdb'))).toEqual([]);
  });

  it('--skip-invalid imports the valid features and writes a JSON and CSV report of every skipped one next to the twin', async () => {
    const files = mixedDistrict();
    const db = join(dir, 'twin.duckdb');
    const r = await importIntoTwin(db, files, undefined, quiet, { skipInvalid: true });
    expect([r.buildings, r.basemapFeatures]).toEqual([2, 2]);
    expect(r.skipped.map((s) => [s.file.split('/').pop(), s.index, s.id, s.field])).toEqual([
      ['buildings.geojson', 1, 'b2', 'geometry.type'],
      ['landuse.geojson', 1, 'l2', 'geometry.type'],
      ['water.geojson', 1, 'w2', 'geometry.type'],
    ]);
    expect(r.skippedReport).not.toBeNull();
    const json = JSON.parse(readFileSync(r.skippedReport!.json, 'utf8')) as { skipped: { file: string; index: number; id: string; reason: string }[] };
    expect(json.skipped.map((s) => [s.file, s.index, s.id])).toEqual([
      ['buildings.geojson', 1, 'b2'],
      ['landuse.geojson', 1, 'l2'],
      ['water.geojson', 1, 'w2'],
    ]);
    expect(json.skipped[0]!.reason).toMatch(/label point/);
    const csv = readFileSync(r.skippedReport!.csv, 'utf8').replace(/^\ufeff/, '').trim().split('\r\n');
    expect(csv[0]).toBe('file,index,id,field,reason');
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['buildings.geojson,1,b2', 'landuse.geojson,1,l2', 'water.geojson,1,w2']);
    expect(r.skippedReport!.json.startsWith(`${db}.import-`)).toBe(true);
    expect(await count(db, 'buildings')).toBe(2);
  });

  it('--skip-invalid also skips features whose coordinates are broken, and keeps them out of the extent', async () => {
    const good = JSON.parse(readFileSync(join(FIXTURES, 'good-buildings.geojson'), 'utf8')) as { features: Feature[] };
    const bad = JSON.parse(readFileSync(join(FIXTURES, 'bad-latitude-buildings.geojson'), 'utf8')) as { features: Feature[] };
    const file = writeLayer('buildings.geojson', [...good.features, ...bad.features]);
    const db = join(dir, 'twin.duckdb');
    const store = await DuckDbStore.open(db, { create: true });
    try {
      const r = await importFiles(store, [file], { skipInvalid: true });
      const at = good.features.length + 1;
      expect(r.skipped.map((s) => [s.index, s.id, s.field])).toEqual([[at, '345', 'geometry.coordinates[0][3]']]);
      expect(r.skipped[0]!.reason).toMatch(/latitude 123\.4, outside −90…90/);
    } finally {
      store.close();
    }
  });

  it.skipIf(!HAS_REAL)('the Wuhan extract with --skip-invalid: the report lists exactly its two label points', async () => {
    const db = join(dir, 'wuhan.duckdb');
    await expect(importIntoTwin(db, [WUHAN], undefined, quiet)).rejects.toThrow(/^buildings\.geojson: feature #115 \(id 2409752552\): geometry\.type is Point/);
    expect(existsSync(db)).toBe(false);
    const r = await importIntoTwin(db, [WUHAN], undefined, quiet, { skipInvalid: true });
    expect(r.skipped.map((s) => [s.file.split('/').pop(), s.index, s.id])).toEqual([
      ['buildings.geojson', 115, '2409752552'],
      ['buildings.geojson', 116, '2409752907'],
    ]);
    const json = JSON.parse(readFileSync(r.skippedReport!.json, 'utf8')) as { skipped: unknown[] };
    expect(json.skipped).toHaveLength(2);
    expect(r.buildings).toBe(237);
    expect(await count(db, 'buildings')).toBe(237);
    // A re-run updates in place: the side tables keep one row per building and road way.
    await importIntoTwin(db, [WUHAN], undefined, quiet, { skipInvalid: true });
    expect([await count(db, 'buildings'), await count(db, 'building_storeys'), await count(db, 'road_ways')]).toEqual([237, 237, 210]);
  });

  it('--dry-run prints what would be imported and writes nothing: no new twin, an existing one unchanged', async () => {
    const files = mixedDistrict();
    const db = join(dir, 'twin.duckdb');
    const dry = await importIntoTwin(db, files, undefined, quiet, { skipInvalid: true, dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect([dry.buildings, dry.basemapFeatures, dry.skipped.length]).toEqual([2, 2, 3]);
    expect(dry.skippedReport).toBeNull();
    expect(readdirSync(dir).filter((f) => f.startsWith('twin.duckdb'))).toEqual([]);

    await importIntoTwin(db, [files[0]!], undefined, quiet, { skipInvalid: true });
    const before = readdirSync(dir).sort();
    const again = await importIntoTwin(db, files, undefined, quiet, { skipInvalid: true, dryRun: true });
    expect(again.basemapFeatures).toBe(2);
    expect(await count(db, 'basemap_features')).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});

describe('imports that fit the twin', () => {
  it('a failed import that had already created the new twin removes it, its key and its log', async () => {
    const water = writeLayer('water.geojson', [{ type: 'Feature', id: 'w1', properties: { natural: 'water' }, geometry: square(114.392, 30.501, 0.001) }]);
    // A valid DEM, but the new twin has no buildings to read ground levels for: fails after the twin was created.
    const w = 114.38;
    const nn = 30.52;
    const values = new Float32Array(40 * 40).fill(20);
    const tiff = writeArrayBuffer(values, { width: 40, height: 40, ModelPixelScale: [0.001, 0.001, 0], ModelTiepoint: [0, 0, 0, w, nn, 0], GTModelTypeGeoKey: 2, GTRasterTypeGeoKey: 1, GeographicTypeGeoKey: 4326 } as never);
    const tif = join(dir, 'dem.tif');
    writeFileSync(tif, Buffer.from(tiff as ArrayBuffer));
    const db = join(dir, 'new.duckdb');
    await expect(importIntoTwin(db, [water, tif], undefined, quiet)).rejects.toThrow(/the twin has no buildings yet/);
    expect(readdirSync(dir).filter((f) => f.startsWith('new.duckdb'))).toEqual([]);
  });

  it('data far from the twin is refused with the distance unless --allow-far', async () => {
    const db = join(dir, 'twin.duckdb');
    const wuhan = writeLayer('buildings.geojson', [{ type: 'Feature', id: 'b1', properties: { building: 'yes', height: 10 }, geometry: square(114.39, 30.5) }]);
    await importIntoTwin(db, [wuhan], undefined, quiet);
    // Beijing, about 1,050 km north.
    const far = writeLayer('beijing-buildings.geojson', [{ type: 'Feature', id: 'x1', properties: { building: 'yes', height: 10 }, geometry: square(116.397, 39.908) }]);
    const err = (await importIntoTwin(db, [far], undefined, quiet).then(() => null, (e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ImportError);
    expect(err.message).toMatch(/the data lies 1,0\d\d km from this twin's area/);
    expect(err.message).toMatch(/--allow-far/);
    expect(await count(db, 'buildings')).toBe(1);
    // A dry run says the same.
    await expect(importIntoTwin(db, [far], undefined, quiet, { dryRun: true })).rejects.toThrow(/km from this twin's area/);
    // Near data goes in; far data goes in when asked.
    const near = writeLayer('near-buildings.geojson', [{ type: 'Feature', id: 'n1', properties: { building: 'yes', height: 10 }, geometry: square(114.45, 30.52) }]);
    await importIntoTwin(db, [near], undefined, quiet);
    await importIntoTwin(db, [far], undefined, quiet, { allowFar: true });
    expect(await count(db, 'buildings')).toBe(3);
  });
});

describe('attributes that mean something', () => {
  const rows = (db: string): Promise<{ ext_id: string; use_code: number; height_m: number; floors: number; height_source: string; floors_estimated: boolean; min_height_m: number }[]> =>
    withStore(db, (s) =>
      s.all(`SELECT b.ext_id, b.use_code, b.height_m, b.floors, b.height_source, s.floors_estimated, s.min_height_m
             FROM buildings b JOIN building_storeys s ON s.building_id = b.id ORDER BY b.id`),
    );

  it('OSM tags and Chinese GIS fields give uses, storeys and heights; storeys from levels where present, else estimated by use', async () => {
    const lon = 121.5;
    const lat = 31.23;
    const f = (id: string, properties: Record<string, unknown>, k: number): Feature => ({ type: 'Feature', id, properties, geometry: square(lon + k * 0.001, lat) });
    const file = writeLayer('buildings.geojson', [
      f('tower', { building: 'office', height: 632, name: '上海中心大厦' }, 0),
      f('tv', { man_made: 'tower', 'tower:type': 'communication', building: 'tower', height: 468 }, 1),
      f('levels', { building: 'apartments', 'building:levels': '33', height: 99 }, 2),
      f('walkup', { building: 'residential', height: 18 }, 3),
      f('mall', { building: 'retail', shop: 'mall', height: 25 }, 4),
      f('school', { building: 'yes', amenity: 'school', 'building:levels': 4 }, 5),
      f('zh-home', { 层数: 18, 建筑高度: '54米', 用途: '住宅' }, 6),
      f('zh-office', { 建筑高度: 80, 用途: '办公' }, 7),
      f('zh-factory', { 建筑高度: 12, 用途: '工业厂房' }, 8),
      f('part', { 'building:part': 'yes', height: 105, min_height: 15 }, 9),
      f('none', { building: 'yes' }, 10),
    ]);
    const db = join(dir, 'twin.duckdb');
    const r = await importIntoTwin(db, [file], undefined, quiet);
    expect(r.floorsEstimated).toBe(8);
    expect(r.raisedParts).toBe(1);
    const byId = new Map((await rows(db)).map((b) => [b.ext_id, b]));
    const tower = byId.get('tower')!;
    expect(tower.floors).toBeGreaterThanOrEqual(128);
    expect(tower.floors).toBeLessThanOrEqual(150);
    expect(tower.floors_estimated).toBe(true);
    expect(tower.use_code).toBe(buildingUseCode('commercial'));
    expect(byId.get('tv')!.floors).toBe(1); // a TV tower has no 156 storeys
    expect(byId.get('levels')).toMatchObject({ floors: 33, floors_estimated: false, use_code: buildingUseCode('residential_highrise') });
    expect(byId.get('walkup')).toMatchObject({ floors: 6, floors_estimated: true, use_code: buildingUseCode('residential_walkup') });
    expect(byId.get('mall')).toMatchObject({ floors: 5, use_code: buildingUseCode('commercial') });
    expect(byId.get('school')).toMatchObject({ floors: 4, floors_estimated: false, use_code: buildingUseCode('school'), height_source: 'levels' });
    expect(byId.get('zh-home')).toMatchObject({ floors: 18, height_m: 54, floors_estimated: false, use_code: buildingUseCode('residential_highrise') });
    expect(byId.get('zh-office')).toMatchObject({ floors: 20, floors_estimated: true, use_code: buildingUseCode('commercial') });
    expect(byId.get('zh-factory')).toMatchObject({ floors: 2, use_code: buildingUseCode('industrial') });
    // The part keeps its base: 90 m of tower on a 15 m podium, 30 storeys of 3.5 m (use unknown).
    const part = byId.get('part')!;
    expect(part.min_height_m).toBe(15);
    expect(part.height_m).toBe(105);
    expect(part.floors).toBe(Math.round(90 / 3.5));
    expect(byId.get('none')).toMatchObject({ floors: 3, height_m: 9, height_source: 'default', floors_estimated: true });
  });

  it('the building panel says when storeys were estimated', async () => {
    const file = writeLayer('buildings.geojson', [
      { type: 'Feature', id: 'h', properties: { building: 'office', height: 632 }, geometry: square(121.5, 31.23) },
      { type: 'Feature', id: 'l', properties: { building: 'apartments', 'building:levels': 6 }, geometry: square(121.501, 31.23) },
    ]);
    const db = join(dir, 'twin.duckdb');
    await importIntoTwin(db, [file], undefined, quiet);
    await withStore(db, async (store) => {
      const api = new StoreService(store, { personalData: 'masked' });
      const [h, l] = [await api.getBuildingDetail(1), await api.getBuildingDetail(2)];
      expect(h).toMatchObject({ floors: 138, floorsEstimated: true, heightSource: 'measured' });
      expect(l!.floors).toBe(6);
      expect(l!.floorsEstimated).toBeUndefined();
    });
  });

  it('a mapping file overrides field names, use values and storey heights', async () => {
    const file = writeLayer('buildings.geojson', [
      { type: 'Feature', id: 'a', properties: { JZCS: 7, YT: '11', GD: 21 }, geometry: square(114.39, 30.5) },
      { type: 'Feature', id: 'b', properties: { YT: '21', GD: 38 }, geometry: square(114.391, 30.5) },
    ]);
    const mappingFile = join(dir, 'mapping.json');
    writeFileSync(mappingFile, JSON.stringify({ fields: { levels: 'JZCS', use: ['YT'], height: 'GD' }, uses: { '11': 'residential', '21': 'office' }, storeyHeightM: { office: 3.8 } }));
    const db = join(dir, 'twin.duckdb');
    await importIntoTwin(db, [file], undefined, quiet, { mapping: await readMapping(mappingFile) });
    const byId = new Map((await rows(db)).map((b) => [b.ext_id, b]));
    expect(byId.get('a')).toMatchObject({ floors: 7, height_m: 21, floors_estimated: false, use_code: buildingUseCode('residential_walkup') });
    expect(byId.get('b')).toMatchObject({ floors: 10, floors_estimated: true, use_code: buildingUseCode('commercial') });
    writeFileSync(mappingFile, JSON.stringify({ uses: { '11': 'flat' } }));
    await expect(readMapping(mappingFile)).rejects.toThrow(/mapping\.json: uses\.11/);
  });

  it.skipIf(!HAS_REAL)('the Wuhan building parts keep their 15 m base', async () => {
    const db = join(dir, 'wuhan.duckdb');
    await importIntoTwin(db, [WUHAN], undefined, quiet, { skipInvalid: true });
    const parts = await withStore(db, (s) => s.all<{ ext_id: string; min_height_m: number; part_of: string | null }>(
      'SELECT b.ext_id, s.min_height_m, s.part_of FROM buildings b JOIN building_storeys s ON s.building_id = b.id WHERE s.min_height_m > 0 ORDER BY b.ext_id',
    ));
    expect(parts.map((p) => [p.ext_id, p.min_height_m])).toEqual([['622253547', 15], ['622253548', 15], ['622253551', 15]]);
    expect(parts.every((p) => p.part_of !== null)).toBe(true);
  });
});

describe('roads that are roads', () => {
  /** The road lines exactly as dispatch, incidents and evacuation load them (layer = 'road', with their flags). */
  const roadLines = (db: string): Promise<StoredRoadLine[]> => withStore(db, (s) => loadRoadLines(s));

  it.skipIf(!HAS_REAL)('Wuhan: the metro and light rail are on the map as transit, with their kinds, and no route uses them', async () => {
    const db = join(dir, 'wuhan.duckdb');
    const r = await importIntoTwin(db, [WUHAN], undefined, quiet, { skipInvalid: true });
    expect(r.basemapByLayer).toEqual({ road: 210, transit: 4, way: 2, water: 1 });
    const transit = await withStore(db, (s) => s.all<{ kind: string; g: string }>("SELECT kind, geometry::VARCHAR AS g FROM basemap_features WHERE layer = 'transit' ORDER BY kind"));
    expect(transit.map((t) => t.kind)).toEqual(['light_rail', 'subway', 'subway', 'subway']);
    expect(await count(db, 'basemap_features', "WHERE layer = 'road' AND kind IN ('rail', 'subway', 'light_rail')")).toBe(0);
    // Road ways carry class, one-way and bridge/tunnel flags.
    const ways = await withStore(db, (s) => s.all<{ road_class: string; n: bigint }>('SELECT road_class, count(*) AS n FROM road_ways GROUP BY 1 ORDER BY 1'));
    expect(Object.fromEntries(ways.map((w) => [w.road_class, Number(w.n)]))).toEqual({ major: 54, minor: 81, path: 75 });
    const flags = await withStore(db, (s) => s.one<{ oneway: bigint; bridge: bigint; tunnel: bigint }>('SELECT count(*) FILTER (WHERE oneway <> 0) AS oneway, count(*) FILTER (WHERE bridge) AS bridge, count(*) FILTER (WHERE tunnel) AS tunnel FROM road_ways'));
    expect(Number(flags!.oneway)).toBeGreaterThan(0);
    expect(Number(flags!.bridge)).toBeGreaterThan(0);
    expect(Number(flags!.tunnel)).toBeGreaterThan(0);

    // Routes between the rail lines' own ends, and across the district, never run along a rail.
    const graph = RoadGraph.fromLines(await roadLines(db));
    const railLines = transit.flatMap((t) => {
      const g = JSON.parse(t.g) as { type: string; coordinates: number[][] | number[][][] };
      return g.type === 'LineString' ? [g.coordinates as number[][]] : (g.coordinates as number[][][]);
    });
    const roads = (await roadLines(db)).map((l) => l.coords);
    const onRoad = (p: [number, number]): boolean => roads.some((l) => distanceToLineM(p, l) < 0.5);
    const ends = railLines.flatMap((l) => [l[0]!, l[l.length - 1]!]);
    let routes = 0;
    for (const a of ends) {
      for (const b of ends) {
        if (a === b) continue;
        const path = graph.path(a[0]!, a[1]!, b[0]!, b[1]!);
        if (path.length < 2) continue;
        routes++;
        // Every step of the route runs along a road way; where a road shares a rail's alignment
        // (a metro under a street) the step is on both, never on a rail alone.
        for (let i = 1; i < path.length; i++) {
          const [p, q] = [path[i - 1]!, path[i]!];
          const mid: [number, number] = [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
          expect(onRoad(mid)).toBe(true);
        }
      }
    }
    expect(routes).toBeGreaterThan(10);
    // The check has teeth: with the rails in the graph (as before), some route runs along a rail alone.
    const withRails = RoadGraph.fromLines([...roads, ...railLines]);
    const [a, b] = [ends[0]!, ends[1]!];
    const railPath = withRails.path(a[0]!, a[1]!, b[0]!, b[1]!);
    expect(railPath.some((p, i) => i > 0 && !onRoad([(p[0] + railPath[i - 1]![0]) / 2, (p[1] + railPath[i - 1]![1]) / 2]))).toBe(true);
  });

  it('OSM tags: railway, ferry route and waterway are not roads; a road under construction is drawn, not routed; flags are kept', async () => {
    const file = writeLayer('roads.geojson', [
      { type: 'Feature', id: 'r1', properties: { highway: 'primary', oneway: 'yes', name: '光谷大道' }, geometry: line([114.39, 30.5], [114.4, 30.5]) },
      { type: 'Feature', id: 'r2', properties: { highway: 'residential', tunnel: 'yes' }, geometry: line([114.39, 30.501], [114.4, 30.501]) },
      { type: 'Feature', id: 'r3', properties: { highway: 'footway', bridge: 'yes' }, geometry: line([114.395, 30.499], [114.395, 30.502]) },
      { type: 'Feature', id: 'x1', properties: { railway: 'subway', name: '地铁2号线' }, geometry: line([114.39, 30.5005], [114.4, 30.5005]) },
      { type: 'Feature', id: 'x2', properties: { route: 'ferry', name: '轮渡' }, geometry: line([114.39, 30.503], [114.4, 30.503]) },
      { type: 'Feature', id: 'x3', properties: { waterway: 'canal' }, geometry: line([114.39, 30.504], [114.4, 30.504]) },
      { type: 'Feature', id: 'x4', properties: { highway: 'construction', construction: 'secondary' }, geometry: line([114.39, 30.505], [114.4, 30.505]) },
    ]);
    const db = join(dir, 'twin.duckdb');
    await importIntoTwin(db, [file], undefined, quiet);
    const rows = await withStore(db, (s) =>
      s.all<{ source: string; layer: string; kind: string; road_class: string | null; oneway: number | null; bridge: boolean | null; tunnel: boolean | null }>(
        'SELECT f.source, f.layer, f.kind, w.road_class, w.oneway, w.bridge, w.tunnel FROM basemap_features f LEFT JOIN road_ways w ON w.feature_id = f.id ORDER BY f.id',
      ),
    );
    expect(rows.map((r) => [r.source.split('#')[1], r.layer, r.kind, r.road_class, r.oneway, r.bridge, r.tunnel])).toEqual([
      ['r1', 'road', 'primary', 'major', 1, false, false],
      ['r2', 'road', 'residential', 'minor', 0, false, true],
      ['r3', 'road', 'footway', 'path', 0, true, false],
      ['x1', 'transit', 'subway', null, null, null, null],
      ['x2', 'transit', 'ferry', null, null, null, null],
      ['x3', 'water', 'canal', null, null, null, null],
      ['x4', 'way', 'construction', null, null, null, null],
    ]);
    // The subway runs 55 m from the primary road, parallel: a route along the road stays on it.
    const graph = RoadGraph.fromLines(await roadLines(db));
    const path = graph.path(114.39, 30.5005, 114.4, 30.5005);
    expect(path.every(([, la]) => Math.abs(la - 30.5005) > 0.0001)).toBe(true);
  });

  it('dispatch routes over an imported map keep to one-way streets and never jump between a flyover and the street below', async () => {
    // A street west–east at 30.500; a flyover north–south at 114.395 crossing it (bridge=yes, its
    // ends landing on two cross streets); a motorway (one-way by OSM's rule) eastbound at 30.506
    // with a two-way service road back along 30.507.
    const file = writeLayer('roads.geojson', [
      { type: 'Feature', id: 's', properties: { highway: 'secondary' }, geometry: line([114.39, 30.5], [114.4, 30.5]) },
      { type: 'Feature', id: 'b', properties: { highway: 'primary', bridge: 'yes', layer: '1' }, geometry: line([114.395, 30.497], [114.395, 30.503]) },
      { type: 'Feature', id: 'n', properties: { highway: 'residential' }, geometry: line([114.39, 30.503], [114.395, 30.503], [114.4, 30.503]) },
      { type: 'Feature', id: 'w', properties: { highway: 'residential' }, geometry: line([114.39, 30.5], [114.39, 30.503]) },
      { type: 'Feature', id: 'm', properties: { highway: 'motorway' }, geometry: line([114.39, 30.506], [114.4, 30.506]) },
      { type: 'Feature', id: 'r', properties: { highway: 'service' }, geometry: line([114.4, 30.506], [114.4, 30.507], [114.39, 30.507], [114.39, 30.506]) },
    ]);
    const db = join(dir, 'twin.duckdb');
    await importIntoTwin(db, [file], undefined, quiet);
    const lines = await roadLines(db);
    expect(lines.filter((l) => l.level === 1)).toHaveLength(1);
    expect(lines.filter((l) => l.oneway === 1)).toHaveLength(1); // the motorway, by implication
    const graph = RoadGraph.fromLines(lines);
    const unit = (lon: number, lat: number) => ({ kind: 'resource' as const, id: 1, lon, lat });
    // From the street under the flyover to its north landing: round by the west street
    // (~480 m + 333 m + 480 m), not 333 m up through the crossing.
    const [viaRamp] = graph.rankByRoadDistance(114.395, 30.503, [unit(114.395, 30.5)]);
    expect(viaRamp!.roadDistanceM).toBeGreaterThan(1200);
    // Eastbound on the motorway is 960 m; westbound an engine takes the service road (~1180 m).
    const east = graph.rankByRoadDistance(114.4, 30.506, [unit(114.39, 30.506)])[0]!.roadDistanceM;
    const west = graph.rankByRoadDistance(114.39, 30.506, [unit(114.4, 30.506)])[0]!.roadDistanceM;
    expect(east).toBeLessThan(1000);
    expect(west).toBeGreaterThan(1100);
    // The host serves the flags to the simulator and the map with the base map.
    const store = await DuckDbStore.open(db, { readOnly: true });
    try {
      const basemap = await new StoreService(store, { personalData: 'masked' }).getBasemap();
      expect(basemap.features.find((f) => f.properties.kind === 'motorway')!.properties.way).toEqual({ roadClass: 'motorway', oneway: 1, bridge: false, tunnel: false });
    } finally {
      store.close();
    }
  });

  it('a twin imported before keeps no railway on its road layer: migration 21 moves them to transit', async () => {
    mkdirSync(dir, { recursive: true });
    const db = join(dir, 'old.duckdb');
    const store = await DuckDbStore.open(db, { create: true });
    try {
      await store.run("INSERT INTO basemap_features VALUES (1, 'road', 'rail', NULL, '{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}', 'roads.geojson#1'), (2, 'road', 'major_road', NULL, '{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,0]]}', 'roads.geojson#2')");
      await store.run('DELETE FROM schema_migrations WHERE version = 21');
      await store.run('DROP TABLE building_storeys');
      await store.run('DROP TABLE road_ways');
    } finally {
      store.close();
    }
    const reopened = await DuckDbStore.open(db);
    try {
      const layers = await reopened.all<{ id: number; layer: string }>('SELECT id, layer FROM basemap_features ORDER BY id');
      expect(layers).toEqual([{ id: 1, layer: 'transit' }, { id: 2, layer: 'road' }]);
    } finally {
      reopened.close();
    }
  });
});

/** Distance in metres from a point to a polyline (local equirectangular). */
function distanceToLineM(p: [number, number], line: number[][]): number {
  const k = 111_320;
  const c = Math.cos((p[1] * Math.PI) / 180);
  let best = Infinity;
  for (let i = 1; i < line.length; i++) {
    const ax = (line[i - 1]![0]! - p[0]) * k * c;
    const ay = (line[i - 1]![1]! - p[1]) * k;
    const bx = (line[i]![0]! - p[0]) * k * c;
    const by = (line[i]![1]! - p[1]) * k;
    const dx = bx - ax;
    const dy = by - ay;
    const t = dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)));
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
  }
  return best;
}

describe('China coordinates (--crs)', () => {
  it('converts known point pairs: gcoord round trip and published GCJ-02 / BD-09 pairs', () => {
    // WGS84 116.397, 39.908 (Tiananmen) → GCJ-02 as gcoord gives it, and back.
    const gcj = gcoord.transform([116.397, 39.908], gcoord.WGS84, gcoord.GCJ02) as [number, number];
    expect(gcj[0]).toBeCloseTo(116.40324, 4);
    expect(gcj[1]).toBeCloseTo(39.90940, 4);
    const back = toWgs84(gcj[0], gcj[1], 'gcj02');
    expect(back[0]).toBeCloseTo(116.397, 5); // within 0.5 m: gcoord's inverse is iterative
    expect(back[1]).toBeCloseTo(39.908, 5);
    // Published: WGS84 116.404, 39.915 ↔ GCJ-02 116.41024449916938, 39.91640428150164 (wandergis/coordtransform).
    const w1 = toWgs84(116.41024449916938, 39.91640428150164, 'gcj02');
    expect(w1[0]).toBeCloseTo(116.404, 5);
    expect(w1[1]).toBeCloseTo(39.915, 5);
    // Published: WGS84 121.0917077, 30.6107779 ↔ GCJ-02 121.09626935575027, 30.608604331756705 ↔ BD-09 121.10271732371203, 30.61484572185035.
    const w2 = toWgs84(121.09626935575027, 30.608604331756705, 'gcj02');
    expect(w2[0]).toBeCloseTo(121.0917077, 5);
    expect(w2[1]).toBeCloseTo(30.6107779, 5);
    const w3 = toWgs84(121.10271732371203, 30.61484572185035, 'bd09');
    expect(w3[0]).toBeCloseTo(121.0917077, 5);
    expect(w3[1]).toBeCloseTo(30.6107779, 5);
    expect(toWgs84(116.404, 39.915, 'wgs84')).toEqual([116.404, 39.915]);
  });

  it('an AMap (GCJ-02) export lands where the same buildings are in WGS84', async () => {
    const wgs = square(121.0917077, 30.6107779) as { coordinates: number[][][] };
    const gcj = { type: 'Polygon', coordinates: wgs.coordinates.map((ring) => ring.map(([x, y]) => gcoord.transform([x!, y!], gcoord.WGS84, gcoord.GCJ02) as number[])) };
    const file = writeLayer('buildings.geojson', [{ type: 'Feature', id: 'g1', properties: { building: 'yes', height: 10 }, geometry: gcj }]);
    const db = join(dir, 'twin.duckdb');
    await importIntoTwin(db, [file], undefined, quiet, { crs: 'gcj02' });
    const b = await withStore(db, (s) => s.one<{ footprint: number[][] }>('SELECT footprint FROM buildings'));
    const first = b!.footprint[0]!;
    expect(first[0]).toBeCloseTo(121.0917077, 6);
    expect(first[1]).toBeCloseTo(30.6107779, 6);
    // Without --crs the same file sits ≈ 500 m off.
    const raw = join(dir, 'raw.duckdb');
    await importIntoTwin(raw, [file], undefined, quiet);
    const off = await withStore(raw, (s) => s.one<{ footprint: number[][] }>('SELECT footprint FROM buildings'));
    expect(Math.abs(off!.footprint[0]![0]! - 121.0917077) * 96_000).toBeGreaterThan(300);
  });
});

describe('a twin that is not the demo: --name', () => {
  const twinName = (db: string): Promise<string | undefined> =>
    withStore(db, async (s) => (await s.one<{ value: string }>("SELECT value FROM twin_meta WHERE key = 'name'"))?.value);

  it('import --name names the twin; a later import without it keeps the name; the CLI takes the new options', async () => {
    const file = writeLayer('buildings.geojson', [{ type: 'Feature', id: 'b1', properties: { building: 'yes', height: 10 }, geometry: square(114.39, 30.5) }]);
    const db = join(dir, 'twin.duckdb');
    const log = console.log;
    const lines: string[] = [];
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    try {
      await buildProgram().parseAsync(['node', 'civictwin', 'import', '--db', db, '--name', '关山街道', '--crs', 'wgs84', file]);
      expect(await twinName(db)).toBe('关山街道');
      await buildProgram().parseAsync(['node', 'civictwin', 'import', '--db', db, '--dry-run', '--skip-invalid', file]);
      expect(lines.some((l) => /^Dry run, nothing written: would import 1 buildings/.test(l))).toBe(true);
      await importIntoTwin(db, [file], undefined, quiet);
      expect(await twinName(db)).toBe('关山街道');
      await importIntoTwin(db, [file], undefined, quiet, { name: 'Guanshan' });
      expect(await twinName(db)).toBe('Guanshan');
      const bad = buildProgram();
      // Map data is `import`'s default subcommand (`import tickets` is another).
      const importMap = bad.commands.find((c) => c.name() === 'import')!.commands.find((c) => c.name() === 'map')!;
      importMap.exitOverride().configureOutput({ writeErr: () => undefined });
      await expect(bad.parseAsync(['node', 'civictwin', 'import', '--db', db, '--crs', 'utm', file])).rejects.toThrow(/--crs must be one of wgs84, gcj02, bd09/);
    } finally {
      console.log = log;
    }
  });

  it('seed --name names the generated twin', async () => {
    const db = join(dir, 'seeded.duckdb');
    await seedTwin(db, 3, 100, undefined, quiet, undefined, '东湖新城');
    expect(await twinName(db)).toBe('东湖新城');
  }, 120_000);
});

describe('building parts float where they belong', () => {
  it.skipIf(!HAS_REAL)('the map gets each part’s base and extrudes it from there, not from the ground', async () => {
    const db = join(dir, 'wuhan.duckdb');
    await importIntoTwin(db, [WUHAN], undefined, quiet, { skipInvalid: true });
    const cols = await withStore(db, (s) => readBuildingColumns(s, 114.39, 30.5));
    const row = [...cols.id].findIndex((_, i) => cols.baseM![i]! > 0);
    expect(row).toBeGreaterThanOrEqual(0);
    expect(cols.baseM![row]).toBe(15);
    expect([...cols.baseM!].filter((b) => b > 0)).toHaveLength(3);
    const geom = buildBuildingGeometry(cols);
    const pos = polygonPositions(geom);
    expect(pos.size).toBe(3);
    // The part's vertices: z = its 15 m base, extruded by height − base (105 − 15 = 90 m for 622253551).
    const v = [...geom.vertexRow].findIndex((r) => r === row);
    expect(pos.value[3 * v + 2]).toBe(15);
    expect(geom.vertexElevation[v]).toBeCloseTo(cols.heightM[row]! - 15, 4);
    // A building on the ground keeps z = 0 and its full height.
    const ground = [...geom.vertexRow].findIndex((r) => cols.baseM![r]! === 0);
    expect(pos.value[3 * ground + 2]).toBe(0);
    expect(geom.vertexElevation[ground]).toBeCloseTo(cols.heightM[geom.vertexRow[ground]!]!, 4);
  });

  it('a district without parts keeps 2D positions (no extra buffer)', () => {
    const cols = {
      count: 1, originLon: 0, originLat: 0, id: Int32Array.of(1), heightM: Float32Array.of(9), baseM: Float32Array.of(0), floors: Uint16Array.of(3),
      use: Uint8Array.of(0), residents: Uint16Array.of(0), households: Uint16Array.of(0), elderlyPct: Uint8Array.of(0), careHouseholds: Uint16Array.of(0),
      openIncidents: Uint16Array.of(0), polygonCount: 1, polygonBuilding: Uint32Array.of(0), polygonStart: Uint32Array.of(0, 4),
      positions: Float32Array.of(0, 0, 0.001, 0, 0.001, 0.001, 0, 0.001),
    };
    const geom = buildBuildingGeometry(cols);
    expect(geom.vertexBase).toBeNull();
    expect(polygonPositions(geom)).toEqual({ value: geom.positions, size: 2 });
  });
});
