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

/** Care flags whose households the no-usage alert watches: 独居老人, 残疾人, 60 岁以上 (1 | 2 | 16). */
export const NO_USAGE_WATCHED_FLAGS = 19;

/**
 * Fills `meter_daily` for households `1..maxHouseholdId` (ids are dense), and first the holidays
 * (`meter_away_notices` for announced ones, a `no_usage` label for a watched household's
 * unannounced one).
 *
 * Each home (calibrated on a real home's half-hourly electricity, ../shared/data/real/meters/
 * meter01.csv: its lowest half-hour ×48 is 26 % of its mean day, and on DAIAD's hourly water):
 *  - an appliance base load of 0.8–1.5 kWh a day (fridge, router, standby) that never stops, plus
 *    activity ≈ 1.2–3 kWh per person^0.75, higher at weekends and with the season (air
 *    conditioning in late summer, heating in winter);
 *  - water ≈ 80–150 L per person^0.85, a little more at weekends and in summer (showers);
 *  - hourly shape, as a head-end reading hourly reports it: hours with a water draw (≥ 2 L above
 *    the day's lowest hour; 5–17 a day by household size; DAIAD's homes: median 9–11) and hours of power
 *    above base load (6–17);
 *  - holidays: about 30 % of households are away 2–8 days in the 90, half of them around 国庆;
 *    both meters fall to base load, water to 0, no activity hours. A household with an elderly or
 *    disabled member registers the trip with its grid worker (出行报备) in 85 % of cases, other
 *    households in 30 %: announced trips go to `meter_away_notices` and are no alert. An
 *    unannounced absence of a watched household IS what the no-usage alert is for (nobody knows
 *    where they are), so it is labelled `no_usage`; other households' absences are not watched
 *    (a family's holiday is nobody's business) and not labelled;
 *  - guests: a quarter of households have 3 days of visitors: ×1.6 water, ×1.3 activity power,
 *    more active hours;
 *  - the minimum night flow is 0 on most nights and never more than ~1.5 L/h (a cistern refilling).
 * Anomalies (labelled): no_usage → nobody home but the fridge runs (water 0, power = base load
 * ±10 %, no activity hours: 25–50 % of a usual day, as the real homes in the issue);
 * night_flow → a steady leak of 6–26 L/h (the daily total rises; activity hours do not, a leak is
 * not a draw); sudden_change → ×3 water and ×3 activity power for 12 days.
 */
export async function generateMeterReadings(
  store: DuckDbStore,
  maxHouseholdId: number,
  opts: MeterOptions,
): Promise<number> {
  const { seed, days, endDay } = opts;
  if (!Number.isInteger(seed) || !Number.isInteger(days) || !/^\d{4}-\d{2}-\d{2}$/.test(endDay)) {
    throw new RangeError(
      'generateMeterReadings: seed and days must be integers and endDay YYYY-MM-DD.',
    );
  }
  const holidayLabels = await writeHolidays(store, seed, days, endDay);
  for (let lo = 1; lo <= maxHouseholdId; lo += BATCH_HOUSEHOLDS) {
    const hi = Math.min(maxHouseholdId, lo + BATCH_HOUSEHOLDS - 1);
    // What depends on the day only (weekday, season) is computed once per day, not per reading.
    await store.run(/* sql */ `
      INSERT INTO meter_daily (household_id, day, water_l, power_kwh, night_min_l, water_active_h, power_active_h)
      WITH cal AS (
        SELECT k, day,
               CASE WHEN dayofweek(day) IN (0, 6) THEN 1.08 ELSE 1.0 END AS weekend_water,
               CASE WHEN dayofweek(day) IN (0, 6) THEN 1.12 ELSE 1.0 END AS weekend_power,
               -- Air conditioning peaks in late July, heating in mid-January; showers in summer.
               1 + 0.9 * pow(greatest(0, cos(2 * pi() * (dayofyear(day) - 205) / 365.0)), 2)
                 + 0.5 * pow(greatest(0, cos(2 * pi() * (dayofyear(day) - 20) / 365.0)), 2) AS season,
               1 + 0.12 * cos(2 * pi() * (dayofyear(day) - 205) / 365.0) AS season_water
        FROM (SELECT k, DATE '${endDay}' - ${days - 1} + k::INTEGER AS day FROM range(${days}) t(k))
      ), hh AS (
        SELECT h.id, h.size,
               (80 + 70 * ${unit(seed, 'h.id', 1)}) * pow(h.size, 0.85) AS water_base,
               0.8 + 0.7 * ${unit(seed, 'h.id', 12)} AS base_kwh,
               (1.2 + 1.8 * ${unit(seed, 'h.id', 2)}) * pow(h.size, 0.75) AS activity_kwh,
               6 + 20 * ${unit(seed, 'h.id', 3)} AS leak_lph,
               -- Guests: a quarter of households have 3 days of visitors somewhere in the window.
               CASE WHEN ${unit(seed, 'h.id', 17)} < 0.25 THEN floor(${days} * ${unit(seed, 'h.id', 15)})::INTEGER ELSE -10 END AS guest_k,
               l.kind, l.start_day, l.end_day, n.start_day AS away_from, n.end_day AS away_to
        FROM households h LEFT JOIN meter_anomaly_labels l ON l.household_id = h.id
          LEFT JOIN meter_away_notices n ON n.household_id = h.id
        WHERE h.id BETWEEN ${lo} AND ${hi}
      ), y AS (
        SELECT hh.*, cal.*,
               (kind IS NOT NULL AND day BETWEEN start_day AND end_day) AS hit,
               ((kind = 'no_usage' AND day BETWEEN start_day AND end_day) OR day BETWEEN away_from AND away_to) AS away,
               k BETWEEN guest_k AND guest_k + 2 AS guests,
               (0.8 + 0.4 * ${unit(seed, 'id', 'k', 5)}) * (CASE WHEN ${unit(seed, 'id', 'k', 6)} < 0.1 THEN 1.3 ELSE 1.0 END) AS water_noise,
               0.82 + 0.36 * ${unit(seed, 'id', 'k', 7)} AS power_noise,
               ${unit(seed, 'id', 'k', 10)} AS u_base,
               CASE WHEN ${unit(seed, 'id', 'k', 8)} < 0.88 THEN 0 ELSE 0.1 + 1.4 * ${unit(seed, 'id', 'k', 9)} END AS night_normal
        FROM hh CROSS JOIN cal
      ), z AS (
        SELECT y.*,
               CASE WHEN hit AND kind = 'sudden_change' THEN 3.0 WHEN guests THEN 1.6 ELSE 1.0 END AS water_factor,
               CASE WHEN hit AND kind = 'sudden_change' THEN 3.0 WHEN guests THEN 1.3 ELSE 1.0 END AS power_factor,
               CASE WHEN (hit AND kind = 'sudden_change') OR guests THEN 2 ELSE 0 END AS hours_bonus
        FROM y
      )
      SELECT id, day,
        round(CASE
          WHEN away THEN 0
          WHEN hit AND kind = 'night_flow' THEN water_base * water_noise * weekend_water * season_water + leak_lph * 24 * 0.95
          ELSE water_base * water_noise * weekend_water * season_water * water_factor END, 1)::REAL,
        round(CASE
          WHEN away THEN base_kwh * (0.9 + 0.2 * u_base)
          ELSE base_kwh * (0.95 + 0.1 * u_base) + activity_kwh * power_noise * weekend_power * season * power_factor END, 2)::REAL,
        round(CASE
          WHEN away THEN 0
          WHEN hit AND kind = 'night_flow' THEN leak_lph * (0.9 + 0.2 * ${unit(seed, 'id', 'k', 11)})
          ELSE night_normal END, 1)::REAL,
        -- Activity hours in integer arithmetic only: water 5–17 by household size (DAIAD's homes:
        -- median 9–11), power 7–17, varying by home and day, +2 with guests or a sudden change.
        -- (A hash or a rounded double per reading here cost a third of the whole insert.)
        CASE WHEN away THEN 0 ELSE 3 + 2 * least(size, 5) + (id + 3 * k) % 5 + hours_bonus END::UTINYINT,
        CASE WHEN away THEN 0 ELSE 5 + least(size, 5) + (3 * id + k) % 7 + hours_bonus END::UTINYINT
      FROM z ORDER BY id, day`);
    opts.onBatch?.(hi, maxHouseholdId);
  }
  return holidayLabels;
}

/**
 * Holidays, one at most per household and only for households without an injected anomaly (so each
 * household has at most one label): announced ones become `meter_away_notices`, a watched
 * household's unannounced one a `no_usage` label. Hash-drawn in SQL (one pass over households),
 * so the population's random stream is untouched.
 */
async function writeHolidays(store: DuckDbStore, seed: number, days: number, endDay: string): Promise<number> {
  const first = `(DATE '${endDay}' - ${days - 1})`;
  // 国庆 (1 October) of the year the window ends in, or of the year before.
  const golden = `(CASE WHEN make_date(year(DATE '${endDay}'), 10, 1) <= DATE '${endDay}' THEN make_date(year(DATE '${endDay}'), 10, 1) ELSE make_date(year(DATE '${endDay}') - 1, 10, 1) END)`;
  const trips = /* sql */ `
    WITH t AS (
      SELECT h.id, (h.care_flags & ${NO_USAGE_WATCHED_FLAGS}) <> 0 AS watched,
             2 + floor(7 * ${unit(seed, 'h.id', 22)})::INTEGER AS len,
             ${unit(seed, 'h.id', 21)} < 0.5 AS national_day,
             ${unit(seed, 'h.id', 24)} AS u_start,
             ${unit(seed, 'h.id', 23)} AS u_announce
      FROM households h
      WHERE ${unit(seed, 'h.id', 20)} < 0.3 AND h.id NOT IN (SELECT household_id FROM meter_anomaly_labels)
    ), s AS (
      SELECT t.*, CASE
          WHEN national_day AND ${golden} - 1 >= ${first} AND ${golden} + 2 + len <= DATE '${endDay}' THEN ${golden} - 1 + floor(3 * u_start)::INTEGER
          ELSE ${first} + floor(greatest(0, ${days} - len) * u_start)::INTEGER END AS start_day,
        u_announce < CASE WHEN watched THEN 0.85 ELSE 0.3 END AS announced
      FROM t WHERE len < ${days}
    )
    SELECT id, start_day, start_day + len - 1 AS end_day, watched, announced FROM s`;
  await store.run(`CREATE TEMP TABLE seed_trips AS ${trips}`);
  try {
    // Announced to the grid worker of the household's grid two days before leaving (出行报备).
    await store.run(
      `INSERT INTO meter_away_notices (household_id, start_day, end_day, recorded_by, recorded_at)
       SELECT t.id, t.start_day, t.end_day,
         (SELECT min(g.callsign) FROM households h JOIN buildings b ON b.id = h.building_id JOIN grid_workers g ON g.grid_id = b.grid_id WHERE h.id = t.id),
         t.start_day - INTERVAL 2 DAY + INTERVAL 10 HOUR
       FROM seed_trips t WHERE t.announced ORDER BY t.start_day, t.id`,
    );
    await store.run(`INSERT INTO meter_anomaly_labels SELECT id, 'no_usage', start_day, end_day FROM seed_trips WHERE watched AND NOT announced`);
    return (await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM seed_trips WHERE watched AND NOT announced'))?.n ?? 0;
  } finally {
    await store.run('DROP TABLE seed_trips');
  }
}
