import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';

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

/**
 * Picks a seeded elderly resident living alone, with no label, trip or alert of its own and water on
 * most days, and silences the home from `fromDay` on: no water, only the fridge. Returns its id.
 */
export async function silenceElderlyHome(store: DuckDbStore, fromDay: string): Promise<number> {
  const pick = await store.one<{ id: number }>(
    `SELECT h.id FROM households h WHERE (h.care_flags & 1) <> 0
       AND h.id NOT IN (SELECT household_id FROM meter_anomaly_labels) AND h.id NOT IN (SELECT household_id FROM meter_away_notices)
       AND (SELECT count(*) FROM meter_daily d WHERE d.household_id = h.id AND d.water_l > 20) >= 80
     ORDER BY h.id LIMIT 1`,
  );
  if (!pick) throw new Error('The seeded twin has no elderly resident living alone with a clean meter history.');
  await store.run(
    `UPDATE meter_daily SET water_l = 0, power_kwh = CASE WHEN power_kwh IS NULL THEN NULL ELSE 0.6 END, night_min_l = 0,
       water_active_h = CASE WHEN water_active_h IS NULL THEN NULL ELSE 0 END, power_active_h = CASE WHEN power_active_h IS NULL THEN NULL ELSE 0 END
     WHERE household_id = $h AND day >= CAST($from AS DATE)`,
    { h: pick.id, from: fromDay },
  );
  return pick.id;
}
