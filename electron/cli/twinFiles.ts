/**
 * Creating twin files: seed and import. Shared by the CLI commands and `civictwin start`.
 *
 * Both refuse a twin another process holds open, before changing anything, naming the holder
 * (DuckDB's lock and the host's runfile, data/store/twinLock.ts); both first clean up what killed
 * runs left beside the twin (data/store/twinSwap.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { refreshBuildingStats } from '../../data/store/buildingStats.ts';
import { openTwin } from '../../data/store/openTwin.ts';
import { assertNotHeld } from '../../data/store/twinLock.ts';
import { cleanLeftovers, partialPathFor, removeTwinFiles, swapInTwin } from '../../data/store/twinSwap.ts';
import { DEFAULT_END_DAY, generateDistrict, type SeedSummary } from '../../data/seed/generateDistrict.ts';
import { seedTrustProperty } from '../../data/store/trustProperty/seed.ts';
import { seedMicroProjects } from '../../data/store/microProjects/seed.ts';
import { checkFits, planImport, reportOf, writeImport, type ImportOptions, type ImportPlan, type ImportReport, type SkippedFeature } from '../../data/import/importFiles.ts';
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
  /** The twin's display name (`twin_meta.name`); the demo street's name when absent. */
  name?: string,
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
    if (name !== undefined) await store.run("INSERT OR REPLACE INTO twin_meta VALUES ('name', $1)", [name]);
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

/** How `importIntoTwin` imports: the importer's policy (`skipInvalid`, `dryRun`, `allowFar`, `name`, …). */
export type TwinImportOptions = Omit<ImportOptions, 'onProgress'>;

export interface TwinImportReport extends ImportReport {
  terrain: TerrainImport | null;
  /** The skipped-feature report files written next to the twin (JSON and CSV), when any feature was skipped. */
  skippedReport: { json: string; csv: string } | null;
}

const NO_FEATURES: ImportPlan = { plans: [], buildings: [], basemap: [], facilities: [], skipped: [], warnings: [], bbox: null, defaultName: '' };

/**
 * Imports GeoJSON features and, given a GeoTIFF, the terrain model: the DEM goes in after the
 * buildings (their ground levels are read from it) and replaces any terrain the twin had.
 *
 * Every file is read and checked before the twin is touched. A new twin is built as
 * `<db>.partial-<pid>` and moved into place only when the import succeeded, so a failed import
 * leaves no empty twin and no key file behind; an existing twin is changed in one transaction.
 * A dry run reads an existing twin (for the distance check) and writes nothing anywhere.
 */
export async function importIntoTwin(
  db: string,
  paths: string[],
  onProgress?: ProgressFn,
  onNote: (line: string) => void = (l) => console.log(l),
  opts: TwinImportOptions = {},
): Promise<TwinImportReport> {
  const dems = paths.filter(isDem);
  const features = paths.filter((p) => !isDem(p));
  if (dems.length > 1) throw new Error(`One DEM at a time: ${dems.length} GeoTIFFs were given (${dems.join(', ')}). Merge them first (gdal_merge.py / gdalbuildvrt).`);
  // The DEM and the files are read and checked before anything is written: bad input changes nothing.
  const dem = dems[0] ? await readDem(dems[0]) : null;
  const plan = features.length > 0 ? await planImport(features, { ...opts, onProgress }) : NO_FEATURES;
  const exists = existsSync(db);

  if (opts.dryRun) {
    if (exists) {
      const store = await openTwin(db, { readOnly: true, withoutKey: true, busyAdvice: IMPORT_BUSY });
      try {
        await checkFits(store, plan, opts);
      } finally {
        store.close();
      }
    }
    return { ...reportOf(plan, { buildings: 0, basemapFeatures: 0, facilities: 0 }, true), terrain: null, skippedReport: null };
  }

  mkdirSync(dirname(db), { recursive: true });
  const target = exists ? db : partialPathFor(db);
  if (!exists) {
    for (const note of cleanLeftovers(db)) onNote(note);
    removeTwinFiles(target);
  }
  let result: TwinImportReport;
  const store = exists ? await openTwin(db, { create: false, onNote, busyAdvice: IMPORT_BUSY }) : await DuckDbStore.open(target, { create: true });
  try {
    await checkFits(store, plan, opts);
    const report = features.length > 0 ? await writeImport(store, plan, opts) : reportOf(plan, { buildings: 0, basemapFeatures: 0, facilities: 0 }, false);
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
    if (opts.name !== undefined) await store.run("INSERT OR REPLACE INTO twin_meta VALUES ('name', $1)", [opts.name]);
    await store.checkpoint();
    result = { ...report, terrain, skippedReport: null };
  } catch (err) {
    store.close();
    if (!exists) removeTwinFiles(target);
    throw err;
  }
  store.close();
  if (!exists) {
    try {
      await swapInTwin(target, db, IMPORT_BUSY);
    } catch (err) {
      removeTwinFiles(target);
      throw err;
    }
  }
  if (result.skipped.length > 0) result.skippedReport = writeSkippedReport(db, result.skipped);
  return result;
}

/**
 * Writes the skipped features next to the twin as `<twin>.import-<time>.skipped.json` and `.csv`
 * (file, index, id, field, reason), so whoever fixes the export has the list.
 */
export function writeSkippedReport(db: string, skipped: SkippedFeature[], at = new Date()): { json: string; csv: string } {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = `${db}.import-${stamp}.skipped`;
  const rows = skipped.map((s) => ({ file: basename(s.file), path: s.file, index: s.index, id: s.id, field: s.field, reason: s.reason }));
  writeFileSync(`${base}.json`, JSON.stringify({ twin: basename(db), at: at.toISOString(), skipped: rows }, null, 2) + '\n');
  const cell = (v: string | number | null): string => {
    const t = v === null ? '' : String(v);
    // Quoted when needed; a leading = + - @ is defused so a spreadsheet never runs it as a formula.
    const safe = /^[=+\-@\t\r]/.test(t) ? `'${t}` : t;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const csv = ['file,index,id,field,reason', ...rows.map((r) => [r.file, r.index, r.id, r.field, r.reason].map(cell).join(','))].join('\r\n') + '\r\n';
  writeFileSync(`${base}.csv`, '\ufeff' + csv); // BOM: Excel opens UTF-8 (Chinese names) correctly
  return { json: `${base}.json`, csv: `${base}.csv` };
}

/** Deletes a twin file with its WAL and key. */
export const removeTwin = removeTwinFiles;
