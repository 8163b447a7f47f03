/**
 * Creating twin files: seed and import. Shared by the CLI commands and `civictwin start`.
 *
 * Both refuse a twin another process holds open, before changing anything, naming the holder
 * (DuckDB's lock and the host's runfile, data/store/twinLock.ts); both first clean up what killed
 * runs left beside the twin (data/store/twinSwap.ts).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { refreshBuildingStats } from '../../data/store/buildingStats.ts';
import { openTwin } from '../../data/store/openTwin.ts';
import { assertNotHeld } from '../../data/store/twinLock.ts';
import { cleanLeftovers, partialPathFor, removeTwinFiles, swapInTwin } from '../../data/store/twinSwap.ts';
import { DEFAULT_END_DAY, generateDistrict, type SeedSummary } from '../../data/seed/generateDistrict.ts';
import { seedTrustProperty } from '../../data/store/trustProperty/seed.ts';
import { seedMicroProjects } from '../../data/store/microProjects/seed.ts';
import { importFiles, type ImportReport } from '../../data/import/importFiles.ts';
import type { ProgressFn } from './progress.ts';
import { readDem } from '../../data/import/terrain/readDem.ts';
import { terrainFromDem } from '../../data/import/terrain/demTerrain.ts';
import { writeTerrain } from '../../data/store/typhoon/terrain.ts';

const SEED_BUSY = 'stop that host first, then seed again (or seed into another file with --out)';
const IMPORT_BUSY = 'stop that host first, then import again';

/**
 * Generates a demo district into `out`. Written to `<out>.partial-<pid>` first and swapped in by
 * an atomic rename at the end (with its key), so an interrupted seed never leaves a half-filled
 * twin where the app would open it, and a killed `--force` leaves the old twin as it was. A twin
 * a host has open is refused at the start and again at the swap.
 */
export async function seedTwin(
  out: string,
  seed: number,
  buildings: number,
  onProgress?: ProgressFn,
  onNote: (line: string) => void = (l) => console.log(l),
  /** Last meter day (YYYY-MM-DD); the generator's fixed default when absent. */
  endDay?: string,
): Promise<SeedSummary> {
  mkdirSync(dirname(out), { recursive: true });
  for (const note of cleanLeftovers(out)) onNote(note);
  if (existsSync(out)) await assertNotHeld(out, SEED_BUSY);
  const tmp = partialPathFor(out);
  removeTwinFiles(tmp);
  const store = await DuckDbStore.open(tmp, { create: true });
  let summary: SeedSummary;
  try {
    summary = await generateDistrict(store, { seed, buildings, onProgress, endDay });
    await seedTrustProperty(store, seed, endDay ?? DEFAULT_END_DAY);
    await seedMicroProjects(store, seed, endDay ?? DEFAULT_END_DAY);
    onProgress?.('building stats', 0, 1);
    await refreshBuildingStats(store);
    onProgress?.('building stats', 1, 1);
    await store.checkpoint();
  } catch (err) {
    store.close();
    removeTwinFiles(tmp);
    throw err;
  }
  store.close();
  try {
    await swapInTwin(tmp, out, SEED_BUSY);
  } catch (err) {
    removeTwinFiles(tmp);
    throw err;
  }
  return summary;
}

/** What a DEM import did: the raster the flood model now runs on, and what the DEM could not say. */
export interface TerrainImport {
  source: string;
  cols: number;
  rows: number;
  cellM: number;
  buildings: number;
  notes: string[];
}

const isDem = (path: string): boolean => /\.tiff?$/i.test(path);

/**
 * Imports GeoJSON features and, given a GeoTIFF, the terrain model: the DEM goes in after the
 * buildings (their ground levels are read from it) and replaces any terrain the twin had.
 */
export async function importIntoTwin(
  db: string,
  paths: string[],
  onProgress?: ProgressFn,
  onNote: (line: string) => void = (l) => console.log(l),
): Promise<ImportReport & { terrain: TerrainImport | null }> {
  mkdirSync(dirname(db), { recursive: true });
  const dems = paths.filter(isDem);
  const features = paths.filter((p) => !isDem(p));
  if (dems.length > 1) throw new Error(`One DEM at a time: ${dems.length} GeoTIFFs were given (${dems.join(', ')}). Merge them first (gdal_merge.py / gdalbuildvrt).`);
  // The DEM is read and checked before anything is written: a bad one changes nothing.
  const dem = dems[0] ? await readDem(dems[0]) : null;
  const store = await openTwin(db, { create: true, onNote, busyAdvice: IMPORT_BUSY });
  try {
    const report: ImportReport = features.length > 0 ? await importFiles(store, features, { onProgress }) : { files: [], buildings: 0, heightsMeasured: 0, heightsFromLevels: 0, basemapFeatures: 0, facilities: 0, heightsDefaulted: 0, warnings: [], updated: { buildings: 0, basemapFeatures: 0, facilities: 0 } };
    let terrain: TerrainImport | null = null;
    if (dem) {
      const buildings = await store.all<{ id: number; lon: number; lat: number }>('SELECT id, centroid_lon AS lon, centroid_lat AS lat FROM buildings ORDER BY id');
      if (buildings.length === 0) throw new Error(`${dem.source}: the twin has no buildings yet; import the buildings first (or with the DEM in one command).`);
      const box = await store.one<{ w: number; s: number; e: number; n: number }>('SELECT min(centroid_lon) AS w, min(centroid_lat) AS s, max(centroid_lon) AS e, max(centroid_lat) AS n FROM buildings');
      onProgress?.('terrain', 0, 1);
      const { model, notes } = terrainFromDem(dem, { bbox: [box!.w, box!.s, box!.e, box!.n] }, buildings);
      await writeTerrain(store, model);
      onProgress?.('terrain', 1, 1);
      terrain = { source: dem.source, cols: model.raster.cols, rows: model.raster.rows, cellM: model.raster.cellM, buildings: model.buildings.length, notes };
    }
    if (features.length > 0) await refreshBuildingStats(store);
    await store.checkpoint();
    return { ...report, terrain };
  } finally {
    store.close();
  }
}

/** Deletes a twin file with its WAL and key. */
export const removeTwin = removeTwinFiles;
