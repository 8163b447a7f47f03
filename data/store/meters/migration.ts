/**
 * Meter readings with their hourly shape, and announced absences.
 *
 * `meter_daily` gains, per household-day, how many hours showed activity when the head-end reads
 * hourly (NULL when it only reports a daily total, as many old meters do):
 *  - `water_active_h`: hours whose flow rose ≥ 2 L above the day's lowest hourly flow — a tap, a
 *    flush, a shower; a steady leak is not activity;
 *  - `power_active_h`: hours whose use rose clearly above the home's base load (fridge, router,
 *    standby), so a running fridge is not mistaken for somebody at home.
 * `power_kwh` may be NULL: a home with a water meter only (and real water-only data) is still checked.
 *
 * `meter_away_notices`: absences a household announced to its grid worker (出行报备); the no-usage
 * alert stays silent on those days.
 */
import type { Migration } from '../migrations/index.ts';

export const meterShapeMigration = (version: number): Migration => ({
  version,
  name: 'meter hourly shape and away notices',
  sql: /* sql */ `
ALTER TABLE meter_daily ALTER COLUMN power_kwh DROP NOT NULL;
ALTER TABLE meter_daily ADD COLUMN water_active_h UTINYINT;
ALTER TABLE meter_daily ADD COLUMN power_active_h UTINYINT;
CREATE TABLE meter_away_notices (
  household_id INTEGER NOT NULL, start_day DATE NOT NULL, end_day DATE NOT NULL
);
`,
});
