/**
 * GeoJSON import: the real Wuhan (OSM) and Cambridge (city GIS) extracts, hand-written good and bad
 * fixtures, and the all-or-nothing guarantee.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { realDataDir } from './helpers.ts';
import { buildingUseCode } from '../../data/model/domain.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { ImportError, importFiles } from '../../data/import/importFiles.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const REAL = realDataDir() ?? resolve(root, '../shared/data/real');
const HAS_REAL = realDataDir() !== null;
const WUHAN = join(REAL, 'wuhan-optics-valley');
const CAMBRIDGE = join(REAL, 'cambridge-ma');
const fixture = (name: string): string => join(root, 'tests/fixtures/import', name);

let dir: string;
let store: DuckDbStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'civictwin-import-'));
  store = await DuckDbStore.open(join(dir, 'twin.duckdb'), { create: true });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = async (table: string): Promise<number> =>
  Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`))!.n);

const meta = async (): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await store.all<{ key: string; value: string }>('SELECT key, value FROM twin_meta')).map(
      (r) => [r.key, r.value],
    ),
  );

/** Runs the import and returns the ImportError it must throw. */
async function importError(paths: string[]): Promise<ImportError> {
  try {
    await importFiles(store, paths);
  } catch (err) {
    expect(err).toBeInstanceOf(ImportError);
    return err as ImportError;
  }
  throw new Error(`expected ${paths.join(', ')} to be rejected`);
}

describe.skipIf(!HAS_REAL)('importFiles: Wuhan Optics Valley (OSM vector-tile extract)', () => {
  it('imports buildings with height sources, roads and water, and sets twin_meta', async () => {
    const steps: string[] = [];
    const t0 = performance.now();
    // Two OSM label Points sit in the buildings file: a strict import stops at them (one policy
    // for every layer), so the extract is imported with skipInvalid (see importPolicy.test.ts).
    const report = await importFiles(store, [WUHAN], { skipInvalid: true, onProgress: (step) => steps.push(step) });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);

    expect(report.files.map((f) => [f.path.split('/').pop(), f.kind, f.features])).toEqual([
      ['buildings.geojson', 'buildings', 239],
      ['roads.geojson', 'roads', 216],
      ['water.geojson', 'water', 1],
    ]);
    // 239 features: no repeated ids; 2 are OSM label Points without a footprint and are skipped.
    expect(report.buildings).toBe(237);
    // 78 features carry `height`, but one says 0 m, which is no height: it gets the default.
    expect(report.heightsMeasured).toBe(77);
    expect(report.heightsFromLevels).toBe(0);
    expect(report.heightsDefaulted).toBe(160);
    expect(report.basemapFeatures).toBe(217);
    expect(report.facilities).toBe(0);
    expect(report.skipped.map((k) => [k.index, k.id])).toEqual([[115, '2409752552'], [116, '2409752907']]);
    expect(steps).toContain('read');
    expect(steps).toContain('write');

    expect(await count('buildings')).toBe(237);
    const sources = await store.all<{ height_source: string; n: bigint }>(
      'SELECT height_source, count(*) AS n FROM buildings GROUP BY 1 ORDER BY 1',
    );
    expect(sources.map((r) => [r.height_source, Number(r.n)])).toEqual([
      ['default', 160],
      ['measured', 77],
    ]);
    const defaulted = await store.one<{ h: number; f: number }>(
      "SELECT min(height_m) AS h, min(floors) AS f FROM buildings WHERE height_source = 'default'",
    );
    expect(defaulted).toEqual({ h: 9, f: 3 });

    // The mall (id 112937194) arrives as a MultiPolygon of two tile-cut pieces.
    const mall = await store.one<{
      address: string;
      height_m: number;
      floors: number;
      use_code: number;
      footprint: number[][];
      centroid_lon: number;
      centroid_lat: number;
    }>(
      "SELECT address, height_m, floors, use_code, footprint, centroid_lon, centroid_lat FROM buildings WHERE ext_id = '112937194'",
    );
    expect(mall!.address).toBe('OSM 112937194');
    expect(mall!.height_m).toBe(23);
    // 23 m of mall at ≈ 5 m a storey (not 23 / 3 = 8): storeys by use, estimated.
    expect(mall!.floors).toBe(5);
    expect(mall!.use_code).toBe(buildingUseCode('commercial'));
    expect(mall!.footprint).toHaveLength(2);
    expect(mall!.footprint[0]!.length % 2).toBe(0);
    expect(mall!.centroid_lon).toBeGreaterThan(114.383);
    expect(mall!.centroid_lon).toBeLessThan(114.406);
    expect(mall!.centroid_lat).toBeGreaterThan(30.501);
    expect(mall!.centroid_lat).toBeLessThan(30.515);

    const layers = await store.all<{ layer: string; n: bigint }>(
      'SELECT layer, count(*) AS n FROM basemap_features GROUP BY 1 ORDER BY 1',
    );
    // Metro and light rail are transit, roads under construction are `way`: drawn, never routed.
    expect(layers.map((r) => [r.layer, Number(r.n)])).toEqual([
      ['road', 210],
      ['transit', 4],
      ['water', 1],
      ['way', 2],
    ]);
    const lake = await store.one<{ name: string; geometry: string; source: string }>(
      "SELECT name, geometry, source FROM basemap_features WHERE layer = 'water'",
    );
    expect(lake!.name).toBe('叠翠湖');
    expect(lake!.source).toBe('water.geojson#104469100'); // file and feature id: the key a re-run updates by
    expect(JSON.parse(lake!.geometry).type).toBe('Polygon');
    const roadKinds = (
      await store.all<{ kind: string }>(
        "SELECT DISTINCT kind FROM basemap_features WHERE layer = 'road'",
      )
    ).map((r) => r.kind);
    expect(roadKinds).toEqual(expect.arrayContaining(['trunk', 'secondary', 'residential', 'footway']));
    expect(roadKinds).not.toContain('subway');

    const m = await meta();
    expect(m.name).toBe('wuhan-optics-valley');
    expect(m.source).toBe('import');
    expect(m.attribution).toBe('Buildings, roads, water: © OpenStreetMap contributors, ODbL 1.0');
    expect(Number(m.origin_lon)).toBeCloseTo(114.3948, 3);
    expect(Number(m.origin_lat)).toBeCloseTo(30.508, 3);
  });
});

describe.skipIf(!HAS_REAL)('importFiles: Cambridge MA (city GIS export)', () => {
  it('imports roads, water bodies and 15 shelters with capacities', async () => {
    const report = await importFiles(store, [CAMBRIDGE], { name: 'Cambridge' });
    expect(report.files.map((f) => f.kind)).toEqual(['water', 'facilities', 'roads']);
    expect(report.buildings).toBe(0);
    expect(report.basemapFeatures).toBe(74 + 833);
    expect(report.facilities).toBe(15);
    expect(report.warnings.some((w) => /Gately Youth Center.*capacity unknown/.test(w))).toBe(true);

    const shelters = await store.all<{
      kind: string;
      name: string;
      capacity: number | null;
      lon: number;
      lat: number;
    }>('SELECT kind, name, capacity, lon, lat FROM facilities ORDER BY id');
    expect(shelters).toHaveLength(15);
    expect(new Set(shelters.map((s) => s.kind))).toEqual(new Set(['shelter']));
    expect(shelters.filter((s) => s.capacity === null).map((s) => s.name)).toEqual([
      'Gately Youth Center',
    ]);
    const caps = shelters.flatMap((s) => (s.capacity === null ? [] : [s.capacity]));
    expect(Math.min(...caps)).toBe(107);
    expect(Math.max(...caps)).toBe(4618);
    expect(shelters[0]).toMatchObject({ name: 'Kennedy / Longfellow School', capacity: 1209 });
    expect(shelters[0]!.lon).toBeCloseTo(-71.0866, 3);

    const roads = await store.all<{ name: string; kind: string }>(
      "SELECT name, kind FROM basemap_features WHERE layer = 'road' ORDER BY id LIMIT 1",
    );
    expect(roads[0]).toEqual({ name: 'Massachusetts Ave', kind: 'ave' });
    expect(await count('basemap_features')).toBe(907);
    // ArcGIS writes "<Null>" for a missing name: stored as NULL, not as text.
    const named = await store.one<{ n: bigint }>(
      "SELECT count(name) AS n FROM basemap_features WHERE layer = 'water'",
    );
    expect(Number(named!.n)).toBe(10);

    const m = await meta();
    expect(m.name).toBe('Cambridge');
    expect(m.attribution).toBe('Cambridge GIS, ODC PDDL 1.0');
    expect(Number(m.origin_lon)).toBeCloseTo(-71.11, 1);
    expect(Number(m.origin_lat)).toBeCloseTo(42.38, 1);
  });
});

describe('importFiles: hand-written buildings', () => {
  it('maps heights, storeys, uses, holes and same-id pieces', async () => {
    const report = await importFiles(store, [fixture('good-buildings.geojson')]);
    expect(report).toMatchObject({
      buildings: 4,
      heightsMeasured: 2,
      heightsFromLevels: 1,
      heightsDefaulted: 1,
      basemapFeatures: 0,
      facilities: 0,
    });
    expect(report.warnings.join('\n')).toMatch(/1 feature repeated an earlier id/);

    const rows = await store.all<{
      id: number;
      ext_id: string | null;
      address: string;
      use_code: number;
      height_m: number;
      floors: number;
      height_source: string;
      footprint: number[][];
      centroid_lon: number;
      centroid_lat: number;
    }>(
      'SELECT id, ext_id, address, use_code, height_m, floors, height_source, footprint, centroid_lon, centroid_lat FROM buildings ORDER BY id',
    );
    expect(
      rows.map((r) => [
        r.id,
        r.ext_id,
        r.address,
        r.height_m,
        r.floors,
        r.height_source,
        r.use_code,
      ]),
    ).toEqual([
      [1, 'b1', 'Hill Court', 12, 4, 'measured', buildingUseCode('residential_walkup')],
      [2, 'b2', 'good-buildings b2', 30, 10, 'levels', buildingUseCode('residential_highrise')],
      [3, 'b3', 'No. 3 Middle School', 15, 4, 'measured', buildingUseCode('school')], // 15 m at 3.6 m a school storey
      [4, null, 'Community Service Centre', 9, 3, 'default', buildingUseCode('public')],
    ]);
    // Hole dropped, closing point dropped.
    expect(rows[0]!.footprint).toEqual([
      [114.39, 30.5, 114.3904, 30.5, 114.3904, 30.5003, 114.39, 30.5003],
    ]);
    expect(rows[0]!.centroid_lon).toBeCloseTo(114.3902, 6);
    expect(rows[0]!.centroid_lat).toBeCloseTo(30.50015, 6);
    // Two pieces with id b3 became one building of two parts, centred on the larger one.
    expect(rows[2]!.footprint).toHaveLength(2);
    expect(rows[2]!.centroid_lon).toBeCloseTo(114.39225, 6);
    expect((await meta()).attribution).toBe('Imported from good-buildings.geojson');
  });

  it('a re-run updates in place (same ids); other features continue the ids', async () => {
    await importFiles(store, [fixture('good-buildings.geojson')]);
    const again = await importFiles(store, [fixture('good-buildings.geojson')]);
    expect(again.updated.buildings).toBe(4);
    const ids = async (): Promise<number[]> =>
      (await store.all<{ id: number }>('SELECT id FROM buildings ORDER BY id')).map((r) => r.id);
    expect(await ids()).toEqual([1, 2, 3, 4]);
    await store.run('UPDATE buildings SET ext_id = ext_id || \'-other\', address = address || \' (other)\'');
    await importFiles(store, [fixture('good-buildings.geojson')]);
    expect(await ids()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('importFiles: bad input', () => {
  it('reports invalid JSON with line and column', async () => {
    const err = await importError([fixture('bad-json.geojson')]);
    expect(err.message).toMatch(/^bad-json\.geojson: is not valid JSON at line 6, column 7/);
    expect(err.message).toMatch(/Fix the syntax/);
    expect(err.file).toBe(fixture('bad-json.geojson'));
    expect(err.featureIndex).toBeNull();
  });

  it('reports an out-of-range latitude with feature, id and coordinate path', async () => {
    const err = await importError([fixture('bad-latitude-buildings.geojson')]);
    expect(err.message).toBe(
      'bad-latitude-buildings.geojson: feature #1 (id 345): geometry.coordinates[0][3] has latitude 123.4, outside −90…90. Fix the coordinate or remove the feature.',
    );
    expect([err.featureIndex, err.featureId, err.field]).toEqual([
      1,
      '345',
      'geometry.coordinates[0][3]',
    ]);
  });

  it('rejects a ring with only two distinct points', async () => {
    const err = await importError([fixture('bad-ring-two-points-buildings.geojson')]);
    expect(err.message).toMatch(
      /^bad-ring-two-points-buildings\.geojson: feature #0 \(id w7\): geometry\.coordinates\[0\] is a ring with only 2 distinct points; a ring needs at least 3\. Fix the ring/,
    );
    expect(err.field).toBe('geometry.coordinates[0]');
  });

  it('rejects a building drawn as a LineString', async () => {
    const err = await importError([fixture('bad-linestring-buildings.geojson')]);
    expect(err.message).toMatch(
      /^bad-linestring-buildings\.geojson: feature #1 \(id 2\): geometry\.type is LineString, but a building needs a Polygon or MultiPolygon footprint\./,
    );
    expect(err.field).toBe('geometry.type');
  });

  it('rejects a CRS other than WGS84 and says to re-project to EPSG:4326', async () => {
    const err = await importError([fixture('bad-crs-3857.geojson')]);
    expect(err.message).toMatch(
      /^bad-crs-3857\.geojson: crs declares the coordinate system urn:ogc:def:crs:EPSG::3857/,
    );
    expect(err.message).toMatch(/Re-project the file to EPSG:4326/);
    expect(err.field).toBe('crs');
  });

  it('rejects __proto__ property keys without polluting prototypes', async () => {
    const err = await importError([fixture('bad-proto-buildings.geojson')]);
    expect(err.message).toMatch(
      /^bad-proto-buildings\.geojson: feature #0 \(id p1\): properties\.__proto__ /,
    );
    expect(err.message).toMatch(/Rename or remove that property/);
    expect(err.field).toBe('properties.__proto__');
    const probe: Record<string, unknown> = {};
    expect(probe.polluted).toBeUndefined();
    expect(probe.isAdmin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(await count('buildings')).toBe(0);
  });

  it('rejects an empty file and an empty FeatureCollection', async () => {
    const empty = await importError([fixture('empty.geojson')]);
    expect(empty.message).toMatch(/^empty\.geojson: the file is empty\. Export the layer again/);
    const none = await importError([fixture('empty-collection.geojson')]);
    expect(none.message).toMatch(
      /^empty-collection\.geojson: the FeatureCollection has no features\./,
    );
    expect(none.field).toBe('features');
  });

  it('locates JSON errors V8 gives no position for, and hints at projected or swapped coordinates', async () => {
    const write = (name: string, text: string): string => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const token = await importError([
      write('token.geojson', '{"type": "FeatureCollection",\n "features": tru}'),
    ]);
    expect(token.message).toMatch(/^token\.geojson: is not valid JSON at line 2, column 14/);

    const ring = (a: number[]): string =>
      JSON.stringify([[a, [a[0]! + 1, a[1]!], [a[0]!, a[1]! + 1], a]]);
    const feature = (coords: string): string =>
      `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"building":"yes"},"geometry":{"type":"Polygon","coordinates":${coords}}}]}`;
    const projected = await importError([
      write('projected.geojson', feature(ring([12733000, 3569000]))),
    ]);
    expect(projected.message).toMatch(
      /longitude 12733000, outside −180…180\. The file looks projected .* re-project it to EPSG:4326/,
    );
    const swapped = await importError([write('swapped.geojson', feature(ring([30.5, 114.39])))]);
    expect(swapped.message).toMatch(
      /latitude 114\.39, outside −90…90\. GeoJSON positions are \[longitude, latitude\]/,
    );
  });

  it('rejects points whose facility kind cannot be told', async () => {
    const p = join(dir, 'points.geojson');
    writeFileSync(
      p,
      '{"type":"FeatureCollection","features":[{"type":"Feature","id":9,"properties":{"kind":"bench"},"geometry":{"type":"Point","coordinates":[114.39,30.5]}}]}',
    );
    const err = await importError([p]);
    expect(err.message).toMatch(
      /^points\.geojson: feature #0 \(id 9\): properties\.kind is "bench", so the facility kind is unknown\. Set `kind` to one of shelter/,
    );
  });

  it('rejects a missing path and a folder without GeoJSON', async () => {
    expect((await importError([join(dir, 'nope.geojson')])).message).toMatch(
      /nope\.geojson: does not exist\./,
    );
    expect((await importError([dir])).message).toMatch(
      /is a folder without \.geojson or \.json files/,
    );
  });
});

describe.skipIf(!HAS_REAL)('importFiles: all or nothing', () => {
  it('imports nothing when one of the files is bad', async () => {
    await store.run("INSERT INTO twin_meta VALUES ('name', 'before')");
    const err = await importError([
      fixture('good-buildings.geojson'),
      CAMBRIDGE,
      fixture('bad-latitude-buildings.geojson'),
    ]);
    expect(err.file).toBe(fixture('bad-latitude-buildings.geojson'));
    expect(await count('buildings')).toBe(0);
    expect(await count('basemap_features')).toBe(0);
    expect(await count('facilities')).toBe(0);
    expect(await meta()).toEqual({ name: 'before' });
  });

  it('rolls back appended rows when the write fails half-way', async () => {
    // A store whose twin_meta write fails after every appender has been flushed.
    const failing = Object.create(store) as DuckDbStore;
    failing.run = async (sql, params) => {
      if (sql.includes('twin_meta')) throw new Error('disk full');
      return store.run(sql, params);
    };
    await expect(importFiles(failing, [WUHAN, CAMBRIDGE], { skipInvalid: true, allowFar: true })).rejects.toThrow('disk full');
    expect(await count('buildings')).toBe(0);
    expect(await count('basemap_features')).toBe(0);
    expect(await count('facilities')).toBe(0);
    expect(await meta()).toEqual({});
  });
});
