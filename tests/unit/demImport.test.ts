/**
 * A district's own DEM (issue 11 §4): `civictwin import --db FILE dem.tif` replaces the twin's
 * terrain with the GeoTIFF's, resampled onto the district, each building's ground read from it,
 * and the flood model runs on it. A DEM in a projected CRS, or a file that is not a GeoTIFF, is
 * refused with what to do, and the twin's terrain is untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { writeArrayBuffer } from 'geotiff';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { importIntoTwin, seedTwin } from '../../electron/cli/twinFiles.ts';
import { readTerrain } from '../../data/store/typhoon/terrain.ts';
import { runFloodScenario, typhoonRainProfile } from '../../data/analytics/typhoon/flood.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
const db = tmp.path('dem.duckdb');
let bbox: [number, number, number, number];
/** The test's ground: rising 1 m per 100 m eastwards (≈ 0.00102°) from 2 m at the district's west edge. */
let ground: (lon: number, lat: number) => number;

function writeDem(path: string, keys: Record<string, number>): void {
  const [w, s, e, n] = [bbox[0] - 0.01, bbox[1] - 0.01, bbox[2] + 0.01, bbox[3] + 0.01];
  const width = 240;
  const height = 200;
  const dx = (e - w) / width;
  const dy = (n - s) / height;
  const values = new Float32Array(width * height);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) values[r * width + c] = ground(w + (c + 0.5) * dx, n - (r + 0.5) * dy);
  const tiff = writeArrayBuffer(values, { width, height, ModelPixelScale: [dx, dy, 0], ModelTiepoint: [0, 0, 0, w, n, 0], GTModelTypeGeoKey: 2, GTRasterTypeGeoKey: 1, ...keys } as never);
  writeFileSync(path, Buffer.from(tiff as ArrayBuffer));
}

beforeAll(async () => {
  await seedTwin(db, 2, 300, undefined, () => undefined);
  const store = await DuckDbStore.open(db);
  const b = (await store.one<{ w: number; s: number; e: number; n: number }>('SELECT min(centroid_lon) AS w, min(centroid_lat) AS s, max(centroid_lon) AS e, max(centroid_lat) AS n FROM buildings'))!;
  store.close();
  bbox = [b.w, b.s, b.e, b.n];
  const mPerDegLon = 111_320 * Math.cos((((b.s + b.n) / 2) * Math.PI) / 180);
  ground = (lon) => 2 + ((lon - b.w) * mPerDegLon) / 100;
}, 120_000);
afterAll(() => tmp.cleanup());

describe('importing a DEM', () => {
  it('refuses a projected DEM and a file that is not a GeoTIFF, saying what to do; the terrain stays', async () => {
    writeDem(tmp.path('utm.tif'), { ProjectedCSTypeGeoKey: 32651 });
    await expect(importIntoTwin(db, [tmp.path('utm.tif')], undefined, () => undefined)).rejects.toThrow(/EPSG:32651.*gdalwarp -t_srs EPSG:4326/);
    writeFileSync(tmp.path('photo.tif'), 'this is not a tiff');
    await expect(importIntoTwin(db, [tmp.path('photo.tif')], undefined, () => undefined)).rejects.toThrow(/photo\.tif: not a readable GeoTIFF/);
    const store = await DuckDbStore.open(db);
    expect((await readTerrain(store))?.source).toBe('demo');
    store.close();
  });

  it('replaces the terrain with the DEM, reads each building its ground, and the flood model runs on it', async () => {
    writeDem(tmp.path('district-dem.tif'), { GeographicTypeGeoKey: 4326 });
    const report = await importIntoTwin(db, [tmp.path('district-dem.tif')], undefined, () => undefined);
    expect(report.terrain?.source).toBe('district-dem.tif');
    expect(report.terrain?.notes.join(' ')).toMatch(/no building is given a basement/);
    const store = await DuckDbStore.open(db);
    try {
      const terrain = (await readTerrain(store))!;
      expect(terrain.source).toBe('district-dem.tif');
      const buildings = await store.all<{ id: number; lon: number; lat: number }>('SELECT id, centroid_lon AS lon, centroid_lat AS lat FROM buildings');
      expect(terrain.buildings).toHaveLength(buildings.length);
      const byId = new Map(terrain.buildings.map((g) => [g.buildingId, g]));
      // The DEM is a plane: bilinear sampling gives it back to a centimetre at every building.
      for (const b of buildings) expect(byId.get(b.id)!.groundElevM).toBeCloseTo(ground(b.lon, b.lat), 1);
      expect(terrain.features).toEqual([]);
      const flood = await runFloodScenario(store, { hourlyMm: typhoonRainProfile(300, 24) });
      if ('noTerrain' in flood) throw new Error(flood.noTerrain);
      expect(flood.buildingIds.length).toBe(buildings.length);
      // On a slope with no hollows the water runs off: nothing ponds deeper than the sill.
      expect(Math.max(...flood.buildingDepthM)).toBeLessThan(0.3);
    } finally {
      store.close();
    }
  });
});
