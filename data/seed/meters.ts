/**
 * Daily smart-meter readings for every household, generated inside DuckDB: 1M households × 90 days
 * is 90M rows, far too many to build in JavaScript. Noise comes from `hash(seed, household, day,
 * salt)`, so the readings are as deterministic as the rest of the district.
 *
 * The anomalies were chosen while households were generated and stored in
 * `meter_anomaly_labels`; the insert joins those labels and bends the readings in the labelled
 * spans, so ground truth and data cannot disagree. (Doing it in the insert rather than with
 * UPDATEs afterwards spares a second pass over 90M rows.)
 */
import type { DuckDbStore } from '../store/DuckDbStore.ts';

/** Households per INSERT: bounds DuckDB's memory for the sort and gives progress steps. */
const BATCH_HOUSEHOLDS = 50_000;

/** Options of `generateMeterReadings`. */
export interface MeterOptions {
  seed: number;
  days: number;
  /** 'YYYY-MM-DD', the last meter day. */
  endDay: string;
  onBatch?: (done: number, total: number) => void;
}

/** A uniform [0, 1) from the hash of the given SQL expressions. */
const unit = (seed: number, ...parts: (string | number)[]): string =>
  `((hash(${seed}, ${parts.join(', ')}) % 1000003) / 1000003.0)`;

/**
 * Fills `meter_daily` for households `1..maxHouseholdId` (ids are dense).
 *
 * Normal days: water ≈ 80–150 L per person (fewer per head in larger households), electricity
 * ≈ 2–4 kWh per person, both a little higher at weekends; electricity follows the season
 * (air conditioning in late summer, heating in winter). The minimum night flow is 0 on most nights
 * and never more than ~1.5 L/h (a cistern refilling).
 * Anomalies: no_usage → water 0, power at standby level; night_flow → a steady leak of 6–26 L/h
 * that also shows in the daily total; sudden_change → ×3 or ×0.2 of the household's own level.
 */
export async function generateMeterReadings(
  store: DuckDbStore,
  maxHouseholdId: number,
  opts: MeterOptions,
): Promise<void> {
  const { seed, days, endDay } = opts;
  if (!Number.isInteger(seed) || !Number.isInteger(days) || !/^\d{4}-\d{2}-\d{2}$/.test(endDay)) {
    throw new RangeError(
      'generateMeterReadings: seed and days must be integers and endDay YYYY-MM-DD.',
    );
  }
  for (let lo = 1; lo <= maxHouseholdId; lo += BATCH_HOUSEHOLDS) {
    const hi = Math.min(maxHouseholdId, lo + BATCH_HOUSEHOLDS - 1);
    await store.run(/* sql */ `
      INSERT INTO meter_daily
      WITH hh AS (
        SELECT h.id, h.size, h.care_flags,
               (80 + 70 * ${unit(seed, 'h.id', 1)}) * pow(h.size, 0.85) AS water_base,
               (2 + 2 * ${unit(seed, 'h.id', 2)}) * pow(h.size, 0.75) AS power_base,
               6 + 20 * ${unit(seed, 'h.id', 3)} AS leak_lph,
               CASE WHEN hash(${seed}, h.id, 4) % 2 = 0 THEN 3.0 ELSE 0.2 END AS change_factor,
               l.kind, l.start_day, l.end_day
        FROM households h LEFT JOIN meter_anomaly_labels l ON l.household_id = h.id
        WHERE h.id BETWEEN ${lo} AND ${hi}
      ), d AS (
        SELECT hh.*, unnest(range(${days})) AS k FROM hh
      ), x AS (
        SELECT d.*, DATE '${endDay}' - ${days - 1} + k::INTEGER AS day,
               (d.kind IS NOT NULL AND (DATE '${endDay}' - ${days - 1} + k::INTEGER) BETWEEN d.start_day AND d.end_day) AS hit
        FROM d
      ), y AS (
        SELECT x.*,
               CASE WHEN dayofweek(day) IN (0, 6) THEN 1.08 ELSE 1.0 END AS weekend_water,
               CASE WHEN dayofweek(day) IN (0, 6) THEN 1.12 ELSE 1.0 END AS weekend_power,
               -- Air conditioning peaks in late July, heating in mid-January.
               1 + 0.9 * pow(greatest(0, cos(2 * pi() * (dayofyear(day) - 205) / 365.0)), 2)
                 + 0.5 * pow(greatest(0, cos(2 * pi() * (dayofyear(day) - 20) / 365.0)), 2) AS season,
               water_base * (0.8 + 0.4 * ${unit(seed, 'id', 'k', 5)}) * (CASE WHEN ${unit(seed, 'id', 'k', 6)} < 0.1 THEN 1.3 ELSE 1.0 END) AS water_normal,
               power_base * (0.82 + 0.36 * ${unit(seed, 'id', 'k', 7)}) AS power_normal,
               CASE WHEN ${unit(seed, 'id', 'k', 8)} < 0.88 THEN 0 ELSE 0.1 + 1.4 * ${unit(seed, 'id', 'k', 9)} END AS night_normal
        FROM x
      )
      SELECT id, day,
        round(CASE
          WHEN hit AND kind = 'no_usage' THEN 0
          WHEN hit AND kind = 'night_flow' THEN water_normal * weekend_water + leak_lph * 24 * 0.95
          WHEN hit AND kind = 'sudden_change' THEN water_normal * weekend_water * change_factor
          ELSE water_normal * weekend_water END, 1)::REAL,
        round(CASE
          WHEN hit AND kind = 'no_usage' THEN 0.02 + 0.13 * ${unit(seed, 'id', 'k', 10)}
          WHEN hit AND kind = 'sudden_change' THEN power_normal * weekend_power * season * change_factor
          ELSE power_normal * weekend_power * season END, 2)::REAL,
        round(CASE
          WHEN hit AND kind = 'no_usage' THEN 0
          WHEN hit AND kind = 'night_flow' THEN leak_lph * (0.9 + 0.2 * ${unit(seed, 'id', 'k', 11)})
          ELSE night_normal END, 1)::REAL
      FROM y ORDER BY id, day`);
    opts.onBatch?.(hi, maxHouseholdId);
  }
}
