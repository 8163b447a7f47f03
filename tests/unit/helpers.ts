import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'civictwin-test-'): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The shared real-data folder (`../shared/data/real` beside the checkout, as the project's data
 * README says), or CIVICTWIN_REAL_DATA, or /work/shared/data/real for clones made elsewhere on the
 * build machine. null when none exists: tests that need it are then reported as skipped.
 */
export function realDataDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [process.env.CIVICTWIN_REAL_DATA, resolve(here, '../../../shared/data/real'), '/work/shared/data/real'];
  return candidates.find((c): c is string => typeof c === 'string' && existsSync(c)) ?? null;
}
