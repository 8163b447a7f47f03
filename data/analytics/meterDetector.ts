/**
 * Meter anomaly detection over daily household readings.
 *
 * Readings are streamed out of DuckDB once into a dense household × day matrix (typed arrays),
 * then every household is scanned with prefix sums: O(households × days), no sort, no per-row
 * objects. A million households × 90 days is ~90M cells; SQL window functions over the same data
 * took ~0.5 µs a row on this machine (≈ 45 s), the matrix scan a few seconds in all.
 *
 * Our detector compares each household with its OWN baseline (days −35…−8):
 *  - no_usage, only for watched households (elderly or disabled members; every row when the
 *    matrix has no care flags) and never on a day the household announced it would be away:
 *    - where readings are hourly (`waterActive` known): a whole day (≥ 24 h) without one water
 *      draw and, if power is read hourly too, without one hour above the base load, in a home
 *      that usually has ≥ 2 such hours a day. A fridge keeps running on an empty flat, so the
 *      daily power total (25–50 % of usual on real homes) says little; the missing peaks do;
 *    - where readings are daily: water under max(2 L, 5 %) and power under 15 % of baseline (the
 *      old daily-total rule; without a power meter, water alone);
 *  - night_flow: the minimum night-time hourly flow stays ≥ 3 L/h for 3 days — water running when
 *    nobody uses it: a leak or a tap left open;
 *  - sudden_change: the 7-day mean water over days with use is ≥ 2.2× (or ≤ 0.35×) the
 *    baseline's mean over days with use (days away would otherwise make a return look like a
 *    change), and power, where metered, moved the same way (≥ 1.8× / ≤ 0.6×: the base load
 *    damps it) — a change in who lives there or how (both meters move together, unlike a leak).
 *    A water-only home is judged on water.
 * Flagged days are joined into episodes (consecutive days per household and kind).
 *
 * `domain_rule` is the rule from the domain background (the last two days both below 10 % of the
 * three-day mean, for water and power), run on the same matrix for a side-by-side evaluation.
 */
import type { DuckDbStore, MaterializedColumns } from '../store/DuckDbStore.ts';
import { METER_ANOMALY_KINDS, type MeterAnomalyKind } from '../model/domain.ts';

export type DetectorName = 'civictwin' | 'domain_rule';

const DAY_MS = 86_400_000;
const BASE_FROM = 35;
const BASE_TO = 8;
const MIN_BASE_DAYS = 14;

/** Daily readings as a dense matrix: row = household (in `householdIds` order), column = day. */
export interface MeterMatrix {
  householdIds: Int32Array;
  /** First day, `YYYY-MM-DD` (UTC). */
  startDay: string;
  days: number;
  /** [households × days]; NaN where no reading exists (power: also where no power meter). */
  water: Float32Array;
  power: Float32Array;
  nightMin: Float32Array;
  /** [households × days]: hours with a water draw / power above base load; 255 = not read hourly. */
  waterActive: Uint8Array;
  powerActive: Uint8Array;
  /** [households × days]: 1 on a day the household announced it would be away. */
  away: Uint8Array;
  /** [households]: 1 where the no-usage alert watches the household. */
  watched: Uint8Array;
}

/** No activity hour known (daily readings). */
export const HOURS_UNKNOWN = 255;
/** Care flags the no-usage alert watches: 独居老人, 残疾人, 60 岁以上 (as the generator's NO_USAGE_WATCHED_FLAGS). */
export const NO_USAGE_WATCHED = 1 | 2 | 16;

export const dayIndex = (startDay: string, day: string): number => Math.round((Date.parse(day) - Date.parse(startDay)) / DAY_MS);
export const dayAt = (startDay: string, index: number): string => new Date(Date.parse(startDay) + index * DAY_MS).toISOString().slice(0, 10);

/**
 * One slice of `meter_daily` as matrix cells: DuckDB computes each reading's cell index (row of
 * its household from `$lo`, column of its day from `$from`), which it does on its own threads
 * while JS fills the previous slice, and which leaves JS one column less to read. (A DATE
 * difference is a BIGINT, which has no plain JS storage: the outer cast keeps the fast read.)
 */
const SLICE_SQL = `SELECT CAST((household_id - CAST($lo AS INTEGER)) * CAST($days AS INTEGER) + (day - CAST($from AS DATE)) AS INTEGER) AS cell,
         water_l, coalesce(power_kwh, 'NaN'::REAL) AS power_kwh, night_min_l,
         CAST(coalesce(water_active_h, ${HOURS_UNKNOWN}) * 256 + coalesce(power_active_h, ${HOURS_UNKNOWN}) AS USMALLINT) AS hours
  FROM meter_daily
  WHERE day BETWEEN CAST($from AS DATE) AND CAST($to AS DATE) AND household_id BETWEEN CAST($lo AS INTEGER) AND CAST($hi AS INTEGER)`;

/** Every household's readings between two days as one matrix (small districts and tests). */
export async function loadMeterMatrix(store: DuckDbStore, fromDay: string, toDay: string): Promise<MeterMatrix> {
  let whole: MeterMatrix | null = null;
  // One slice holding every household; being the only one, its arrays are not reused.
  await forEachMeterSlice(store, fromDay, toDay, Number.MAX_SAFE_INTEGER, (m) => (whole = m));
  const empty = newMatrixArrays(0);
  return whole ?? { householdIds: new Int32Array(0), startDay: fromDay, days: dayIndex(fromDay, toDay) + 1, ...empty, watched: new Uint8Array(0) };
}

/**
 * Visits the meter matrix in slices of `sliceSize` household ids, so a million households never
 * sit in memory at once (a whole 1M × 90 matrix plus DuckDB's result took ~5 GB). Rows are
 * stored in household order, so each slice's query reads only its own row groups; the next
 * slice's query runs in DuckDB's threads while JS scatters and scans the current one.
 * `onSlice` must not keep the matrix: its arrays are refilled for the next slice (allocating
 * 27 MB per slice cost ~0.3 s of page faults and GC over a million households).
 */
export async function forEachMeterSlice(
  store: DuckDbStore,
  fromDay: string,
  toDay: string,
  sliceSize: number,
  onSlice: (m: MeterMatrix) => void,
): Promise<void> {
  const span = await store.one<{ lo: number | null; hi: number | null }>('SELECT min(id) AS lo, max(id) AS hi FROM households');
  const lo = span?.lo ?? 0;
  const hi = span?.hi ?? -1;
  // The scan order does not matter: every reading goes to its own cell.
  await store.run('SET preserve_insertion_order = false');
  try {
    const days = dayIndex(fromDay, toDay) + 1;
    // The store keeps the statement prepared, so each slice after the first starts in one native
    // call, before JS takes up the previous slice (see DuckDbStore.materialize).
    const start = (a: number) => {
      const b = Math.min(hi, a + sliceSize - 1);
      return Promise.all([
        store.materialize(SLICE_SQL, { from: fromDay, to: toDay, lo: a, hi: b, days }),
        store.columns(WATCH_SQL, { row: Int32Array, watched: Uint8Array }, { lo: a, hi: b }),
        store.columns(AWAY_SQL, { row: Int32Array, s: Int32Array, e: Int32Array }, { lo: a, hi: b, from: fromDay, to: toDay }),
      ]);
    };
    const reused = newMatrixArrays(Math.min(sliceSize, Math.max(0, hi - lo + 1)) * days);
    let next = lo <= hi ? start(lo) : null;
    for (let a = lo; next; a += sliceSize) {
      const current = await next;
      next = a + sliceSize <= hi ? start(a + sliceSize) : null;
      const m = scatterSlice(current[0], fromDay, toDay, a, Math.min(hi, a + sliceSize - 1), reused);
      const [, watch, away] = current;
      for (let i = 0; i < watch.rowCount; i++) m.watched[watch.row[i]!] = watch.watched[i]!;
      for (let i = 0; i < away.rowCount; i++) {
        const o = away.row[i]! * days;
        for (let d = Math.max(0, away.s[i]!); d <= Math.min(days - 1, away.e[i]!); d++) m.away[o + d] = 1;
      }
      onSlice(m);
    }
  } finally {
    await store.run('RESET preserve_insertion_order'); // a setting of the database: give it back
  }
}

/** Which households of a slice the no-usage alert watches (all, where care flags are unknown). */
const WATCH_SQL = `SELECT CAST(id - CAST($lo AS INTEGER) AS INTEGER) AS row, ((care_flags & ${NO_USAGE_WATCHED}) <> 0 OR care_flags IS NULL)::UTINYINT AS watched
  FROM households WHERE id BETWEEN CAST($lo AS INTEGER) AND CAST($hi AS INTEGER)`;
/** Announced absences of a slice's households (not cancelled ones), as day columns of the matrix. */
const AWAY_SQL = `SELECT CAST(household_id - CAST($lo AS INTEGER) AS INTEGER) AS row, CAST(start_day - CAST($from AS DATE) AS INTEGER) AS s,
    CAST(end_day - CAST($from AS DATE) AS INTEGER) AS e
  FROM meter_away_notices WHERE household_id BETWEEN CAST($lo AS INTEGER) AND CAST($hi AS INTEGER)
    AND end_day >= CAST($from AS DATE) AND start_day <= CAST($to AS DATE) AND cancelled IS NOT TRUE`;

type MatrixArrays = Pick<MeterMatrix, 'water' | 'power' | 'nightMin' | 'waterActive' | 'powerActive' | 'away'>;
const newMatrixArrays = (cells: number): MatrixArrays => ({
  water: new Float32Array(cells),
  power: new Float32Array(cells),
  nightMin: new Float32Array(cells),
  waterActive: new Uint8Array(cells),
  powerActive: new Uint8Array(cells),
  away: new Uint8Array(cells),
});

/** Builds one slice's matrix from its finished query result, in `into` when given (refilled). */
function scatterSlice(result: MaterializedColumns, fromDay: string, toDay: string, lo: number, hi: number, into?: MatrixArrays): MeterMatrix {
  // One matrix row per household id in [lo, hi] (ids are dense in practice; a gap is an empty row).
  const householdIds = new Int32Array(Math.max(0, hi - lo + 1));
  for (let i = 0; i < householdIds.length; i++) householdIds[i] = lo + i;
  const days = dayIndex(fromDay, toDay) + 1;
  const cells = householdIds.length * days;
  if (cells > 2 ** 31 - 1) throw new RangeError(`${householdIds.length} households × ${days} days is too large for one matrix: split the run.`);
  const arrays = into && into.water.length >= cells ? into : newMatrixArrays(cells);
  const water = arrays.water.subarray(0, cells).fill(NaN);
  const power = arrays.power.subarray(0, cells).fill(NaN);
  const nightMin = arrays.nightMin.subarray(0, cells).fill(NaN);
  const waterActive = arrays.waterActive.subarray(0, cells).fill(HOURS_UNKNOWN);
  const powerActive = arrays.powerActive.subarray(0, cells).fill(HOURS_UNKNOWN);
  const away = arrays.away.subarray(0, cells).fill(0);
  // Both activity counts travel in one column (water × 256 + power): one read less per cell.
  result.forEachChunk({ cell: Int32Array, w: Float32Array, p: Float32Array, n: Float32Array, hrs: Uint16Array }, (c, rows) => {
    // Columns into locals first: 94M iterations must not look them up on the record each time.
    const { cell, w, p, n, hrs } = c;
    for (let i = 0; i < rows; i++) {
      const at = cell[i]!;
      const x = hrs[i]!;
      water[at] = w[i]!;
      power[at] = p[i]!;
      nightMin[at] = n[i]!;
      waterActive[at] = x >> 8;
      powerActive[at] = x & 255;
    }
  });
  // Every household watched until the households table says otherwise (forEachMeterSlice).
  return { householdIds, startDay: fromDay, days, water, power, nightMin, waterActive, powerActive, away, watched: new Uint8Array(householdIds.length).fill(1) };
}

/** A run of consecutive flagged days for one household, with the figures its explanation quotes. */
export interface MeterEpisode {
  householdId: number;
  kind: MeterAnomalyKind;
  startDay: string;
  endDay: string;
  days: number;
  /** Mean daily water (L) and power (kWh) over the episode; power NaN where the home has no power readings (water meter only). */
  waterL: number;
  powerKwh: number;
  /** The household's usual daily water and power (baseline at the episode's start). */
  usualWaterL: number;
  usualPowerKwh: number;
  /** Lowest night-time hourly flow over the episode (L/h). */
  nightMinL: number;
}

/**
 * Runs a detector over the matrix, reporting episodes that touch days ≥ `fromDay`
 * (earlier days serve as baseline only).
 */
export function detectEpisodes(m: MeterMatrix, detector: DetectorName, fromDay: string): MeterEpisode[] {
  const D = m.days;
  const first = Math.max(0, dayIndex(m.startDay, fromDay));
  const { water, power, nightMin } = m;
  const flagDays = detector === 'domain_rule' ? flagDomainRule : flagOwnBaseline;
  const episodes: MeterEpisode[] = [];
  // Per-household prefix sums (reused): sums and counts of days with a reading of each meter.
  const sums: PrefixSums = { w: new Float64Array(D + 1), n: new Int32Array(D + 1), p: new Float64Array(D + 1), np: new Int32Array(D + 1), wu: new Float64Array(D + 1), nu: new Int32Array(D + 1) };
  const flags = new Int8Array(D); // -1 none, else index in METER_ANOMALY_KINDS
  const baseW = new Float32Array(D);
  const baseP = new Float32Array(D);
  const { waterActive } = m;
  for (let h = 0; h < m.householdIds.length; h++) {
    const o = h * D;
    const { w: sw, n: sn, p: sp, np: snp, wu: swu, nu: snu } = sums;
    for (let d = 0; d < D; d++) {
      const w = water[o + d]!;
      const p = power[o + d]!;
      const okW = w === w; // not NaN
      const okP = p === p;
      sw[d + 1] = sw[d]! + (okW ? w : 0);
      sn[d + 1] = sn[d]! + (okW ? 1 : 0);
      sp[d + 1] = sp[d]! + (okP ? p : 0);
      snp[d + 1] = snp[d]! + (okP ? 1 : 0);
      // A day "with use": a draw in some hour where hours are read, else ≥ 2 L (a leak alone is no use).
      const a = waterActive[o + d]!;
      const used = a === HOURS_UNKNOWN ? w >= 2 : a > 0; // a cell without a reading keeps HOURS_UNKNOWN
      swu[d + 1] = swu[d]! + (used ? w : 0);
      snu[d + 1] = snu[d]! + (used ? 1 : 0);
    }
    if (!flagDays(m, o, first, sums, flags, baseW, baseP)) continue;
    // Consecutive flagged days of one kind form an episode.
    let d = first;
    while (d < D) {
      const k = flags[d]!;
      if (k < 0) {
        d++;
        continue;
      }
      let e = d;
      while (e + 1 < D && flags[e + 1] === k) e++;
      let lowestNight = Infinity;
      for (let x = d; x <= e; x++) lowestNight = Math.min(lowestNight, nightMin[o + x]!);
      const n = e - d + 1;
      const np = sums.np[e + 1]! - sums.np[d]!;
      episodes.push({
        householdId: m.householdIds[h]!,
        kind: METER_ANOMALY_KINDS[k]!,
        startDay: dayAt(m.startDay, d),
        endDay: dayAt(m.startDay, e),
        days: n,
        waterL: (sw[e + 1]! - sw[d]!) / n,
        powerKwh: np > 0 ? (sums.p[e + 1]! - sums.p[d]!) / np : Number.NaN,
        usualWaterL: baseW[d]!,
        usualPowerKwh: baseP[d]!,
        nightMinL: Number.isFinite(lowestNight) ? lowestNight : 0,
      });
      d = e + 1;
    }
  }
  return episodes;
}

/** Prefix sums of one household: water and days with water, power and days with power, water and days over days with use. */
interface PrefixSums {
  w: Float64Array;
  n: Int32Array;
  p: Float64Array;
  np: Int32Array;
  wu: Float64Array;
  nu: Int32Array;
}

/**
 * Flags one household's days (row offset `o`) from `first` on; true when any day is flagged.
 * One function per detector, so neither tests which detector it is on each of 90M cells.
 */
type FlagDays = (m: MeterMatrix, o: number, first: number, s: PrefixSums, flags: Int8Array, baseW: Float32Array, baseP: Float32Array) => boolean;

/** Usual activity hours a day below which a household is too rarely home for a silent day to mean anything. */
const MIN_USUAL_ACTIVE_H = 2;
/** Share of baseline days with use a home needs before a day without use is an alert. */
const MIN_USED_SHARE = 0.85;
/** Days with use in the baseline (and in the 7-day window) a change needs. */
const MIN_USED_BASE_DAYS = 10;
const MIN_USED_WEEK_DAYS = 4;

const flagOwnBaseline: FlagDays = (m, o, first, s, flags, baseW, baseP) => {
  const D = m.days;
  const { water, power, nightMin, waterActive, powerActive, away } = m;
  const watched = m.watched[(o / D) | 0] === 1;
  const { w: sw, n: sn, p: sp, np: snp, wu: swu, nu: snu } = s;
  let any = false;
  flags.fill(-1);
  for (let d = first; d < D; d++) {
    const w = water[o + d]!;
    if (w !== w) continue;
    const p = power[o + d]!;
    const hasP = p === p;
    const b0 = Math.max(0, d - BASE_FROM);
    const b1 = d - BASE_TO; // inclusive
    const baseN = b1 >= b0 ? sn[b1 + 1]! - sn[b0]! : 0;
    if (baseN < MIN_BASE_DAYS) continue;
    const bw = (sw[b1 + 1]! - sw[b0]!) / baseN;
    const baseNP = snp[b1 + 1]! - snp[b0]!;
    const bp = baseNP >= MIN_BASE_DAYS ? (sp[b1 + 1]! - sp[b0]!) / baseNP : NaN;
    baseW[d] = bw;
    baseP[d] = bp === bp ? bp : 0;
    // Only a home used nearly every day: a flat often left empty (a second home, a commuter's) says nothing by an empty day.
    if (watched && away[o + d] === 0 && bw > 20 && snu[b1 + 1]! - snu[b0]! >= MIN_USED_SHARE * baseN) {
      const wa = waterActive[o + d]!;
      let silent: boolean;
      if (wa !== HOURS_UNKNOWN) {
        // Hourly: no draw all day and no hour above base load, where the home is usually active.
        const pa = powerActive[o + d]!;
        silent = wa === 0 && (pa === 0 || pa === HOURS_UNKNOWN) && usualActiveHours(waterActive, o + b0, o + b1) >= MIN_USUAL_ACTIVE_H;
      } else {
        // Daily totals: the daily-total rule (water alone where there is no power meter).
        silent = w < Math.max(2, 0.05 * bw) && (!hasP || !(bp === bp) || p < 0.15 * bp);
      }
      if (silent) {
        flags[d] = 0;
        any = true;
        continue;
      }
    }
    if (d >= 2 && nightMin[o + d]! >= 3 && nightMin[o + d - 1]! >= 3 && nightMin[o + d - 2]! >= 3) {
      flags[d] = 1;
      any = true;
      continue;
    }
    if (d >= 6 && sn[d + 1]! - sn[d - 6]! === 7) {
      const usedBase = snu[b1 + 1]! - snu[b0]!;
      const usedWeek = snu[d + 1]! - snu[d - 6]!;
      if (usedBase < MIN_USED_BASE_DAYS || usedWeek < MIN_USED_WEEK_DAYS) continue;
      // Week mean over days with use against the baseline's, cross-multiplied (no division per day).
      const weekW = (swu[d + 1]! - swu[d - 6]!) * usedBase;
      const baseWU = (swu[b1 + 1]! - swu[b0]!) * usedWeek;
      const up = weekW >= 2.2 * baseWU;
      const down = !up && weekW <= 0.35 * baseWU && usedWeek === 7;
      if (!up && !down) continue;
      // Power, where metered all week, must move the same way (the base load damps it).
      const ap = snp[d + 1]! - snp[d - 6]! === 7 && bp === bp ? (sp[d + 1]! - sp[d - 6]!) / 7 : NaN;
      if (ap !== ap || (up ? ap >= 1.8 * bp : ap <= 0.6 * bp)) {
        flags[d] = 2;
        any = true;
      }
    }
  }
  return any;
};

/** Mean activity hours over cells [a, b] with hours known (0 when none): asked only on a silent day. */
function usualActiveHours(active: Uint8Array, a: number, b: number): number {
  let sum = 0;
  let n = 0;
  for (let i = a; i <= b; i++) {
    const x = active[i]!;
    if (x !== HOURS_UNKNOWN) {
      sum += x;
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

const flagDomainRule: FlagDays = (m, o, first, s, flags) => {
  const D = m.days;
  const { water, power } = m;
  const { w: sw, n: sn, p: sp, np: snp } = s;
  let any = false;
  flags.fill(-1);
  for (let d = Math.max(first, 2); d < D; d++) {
    const w = water[o + d]!;
    const p = power[o + d]!;
    if (w !== w || p !== p) continue;
    if (sn[d + 1]! - sn[d - 2]! < 3 || snp[d + 1]! - snp[d - 2]! < 3) continue;
    const meanW = (sw[d + 1]! - sw[d - 2]!) / 3;
    const meanP = (sp[d + 1]! - sp[d - 2]!) / 3;
    if (Math.max(w, water[o + d - 1]!) < 0.1 * meanW && Math.max(p, power[o + d - 1]!) < 0.1 * meanP) {
      flags[d] = 0;
      any = true;
    }
  }
  return any;
};

export interface KindScore {
  kind: MeterAnomalyKind;
  labels: number;
  detected: number;
  truePositives: number;
  precision: number;
  recall: number;
}
export interface AnomalyLabel {
  householdId: number;
  kind: MeterAnomalyKind;
  startDay: string;
  endDay: string;
}

export async function loadLabels(store: DuckDbStore, fromDay: string, toDay: string): Promise<AnomalyLabel[]> {
  return store.all<AnomalyLabel>(
    `SELECT household_id AS "householdId", kind, strftime(start_day, '%Y-%m-%d') AS "startDay", strftime(end_day, '%Y-%m-%d') AS "endDay"
     FROM meter_anomaly_labels WHERE end_day >= $from AND start_day <= $to`,
    { from: fromDay, to: toDay },
  );
}

/**
 * Scores episodes against labels: an episode is right when it overlaps a label of the same
 * household and kind; a label is found when some episode overlaps it.
 */
export function scoreEpisodes(episodes: MeterEpisode[], labels: AnomalyLabel[]): KindScore[] {
  const key = (h: number, k: string): string => `${h}|${k}`;
  const byKey = new Map<string, AnomalyLabel[]>();
  for (const l of labels) {
    const list = byKey.get(key(l.householdId, l.kind)) ?? [];
    list.push(l);
    byKey.set(key(l.householdId, l.kind), list);
  }
  const found = new Set<AnomalyLabel>();
  const tp = new Map<string, number>();
  const detected = new Map<string, number>();
  for (const e of episodes) {
    detected.set(e.kind, (detected.get(e.kind) ?? 0) + 1);
    const hits = (byKey.get(key(e.householdId, e.kind)) ?? []).filter((l) => l.startDay <= e.endDay && l.endDay >= e.startDay);
    if (hits.length > 0) tp.set(e.kind, (tp.get(e.kind) ?? 0) + 1);
    hits.forEach((l) => found.add(l));
  }
  return METER_ANOMALY_KINDS.map((kind) => {
    const n = labels.filter((l) => l.kind === kind).length;
    const det = detected.get(kind) ?? 0;
    const t = tp.get(kind) ?? 0;
    return {
      kind,
      labels: n,
      detected: det,
      truePositives: t,
      precision: det > 0 ? t / det : 0,
      recall: n > 0 ? [...found].filter((l) => l.kind === kind).length / n : 0,
    };
  });
}
