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
import { generateDistrict, type SeedSummary } from '../../data/seed/generateDistrict.ts';
import { importFiles, type ImportReport } from '../../data/import/importFiles.ts';
import type { ProgressFn } from './progress.ts';

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

export async function importIntoTwin(db: string, paths: string[], onProgress?: ProgressFn, onNote: (line: string) => void = (l) => console.log(l)): Promise<ImportReport> {
  mkdirSync(dirname(db), { recursive: true });
  const store = await openTwin(db, { create: true, onNote, busyAdvice: IMPORT_BUSY });
  try {
    const report = await importFiles(store, paths, { onProgress });
    await refreshBuildingStats(store);
    await store.checkpoint();
    return report;
  } finally {
    store.close();
  }
}

/** Deletes a twin file with its WAL and key. */
export const removeTwin = removeTwinFiles;
