/**
 * Creating twin files: seed and import. Shared by the CLI commands and `civictwin start`.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { refreshBuildingStats } from '../../data/store/buildingStats.ts';
import { keyPathFor } from '../../data/store/crypto.ts';
import { generateDistrict, type SeedSummary } from '../../data/seed/generateDistrict.ts';
import { importFiles, type ImportReport } from '../../data/import/importFiles.ts';
import type { ProgressFn } from './progress.ts';

/**
 * Generates a demo district into `out`. Written to a temporary file first and renamed at the end,
 * so an interrupted seed never leaves a half-filled twin where the app would open it.
 */
export async function seedTwin(out: string, seed: number, buildings: number, onProgress?: ProgressFn): Promise<SeedSummary> {
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.partial-${process.pid}`;
  removeTwin(tmp);
  const store = await DuckDbStore.open(tmp, { create: true });
  try {
    const summary = await generateDistrict(store, { seed, buildings, onProgress });
    onProgress?.('building stats', 0, 1);
    await refreshBuildingStats(store);
    onProgress?.('building stats', 1, 1);
    await store.checkpoint();
    store.close();
    removeTwin(out);
    renameSync(keyPathFor(tmp), keyPathFor(out));
    renameSync(tmp, out);
    return summary;
  } catch (err) {
    store.close();
    removeTwin(tmp);
    throw err;
  }
}

export async function importIntoTwin(db: string, paths: string[], onProgress?: ProgressFn): Promise<ImportReport> {
  mkdirSync(dirname(db), { recursive: true });
  const store = await DuckDbStore.open(db, { create: true });
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
export function removeTwin(path: string): void {
  for (const f of [path, `${path}.wal`, keyPathFor(path)]) if (existsSync(f)) rmSync(f);
}
