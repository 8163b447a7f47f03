/**
 * The meter detector on real households the generator never saw: the DAIAD smart-water-meter trial
 * (Spain, 89 homes, hourly litres, CC BY-SA 4.0; ../shared/data/real/meters/swm_trialA_extended.zip,
 * read in place, never copied) with anomalies WE inject into their real hourly series:
 *  - no_usage: two whole days on which every hourly reading is 0 L (nobody home; on a home that
 *    used water both days);
 *  - sudden_change: every hourly reading ×3 for 12 days (the "use tripled");
 *  - night_flow: a steady leak of 4–12 L/h added to every hour for 3–8 days.
 * 8 homes per kind, distinct, drawn with a seeded RNG among homes lived in daily (≥ 60 days with
 * ≥ 20 hourly readings, ≥ 50 L a day on average, ≥ 3 hours with a draw on a typical day), on days
 * after the 36-day baseline. DAIAD has no electricity meter: power is NULL (the water-only path).
 * Every home counts as watched by the no-usage alert (the trial has no care flags).
 *
 * Hourly readings become one `meter_daily` row per home and day with ≥ 20 readings: the total, the
 * minimum 01:00–05:00 hourly flow, and the hours whose flow rose ≥ 2 L above the day's lowest
 * hour (`water_active_h`) — or, for the "daily totals only" comparison, no hours at all.
 */
import { inflateRawSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { DuckDbStore } from '../store/DuckDbStore.ts';
import { seededStream } from '../model/random.ts';
import { METER_ANOMALY_KINDS, type MeterAnomalyKind } from '../model/domain.ts';
import { dayAt, dayIndex, detectEpisodes, loadLabels, loadMeterMatrix, scoreEpisodes, type AnomalyLabel, type KindScore, type MeterEpisode } from './meterDetector.ts';

/** Homes per injected kind (the 8). */
export const INJECTED_PER_KIND = 8;
/** Days that serve as baseline only, as in the bench over the generated district. */
export const BASELINE_DAYS = 36;
/** A draw: an hour ≥ this many litres above the day's lowest hour. */
export const DRAW_L = 2;

/** Reads the first entry of a ZIP archive (stored or deflated) via its central directory. */
export function readFirstZipEntry(path: string): Buffer {
  const buf = readFileSync(path);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${path}: not a ZIP archive`);
  const cd = buf.readUInt32LE(eocd + 16);
  if (buf.readUInt32LE(cd) !== 0x02014b50) throw new Error(`${path}: bad central directory`);
  const method = buf.readUInt16LE(cd + 10);
  const compressed = buf.readUInt32LE(cd + 20);
  const local = buf.readUInt32LE(cd + 42);
  const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
  const data = buf.subarray(start, start + compressed);
  return method === 0 ? Buffer.from(data) : inflateRawSync(data);
}

/** One home's hourly litres: day index → 24 hourly values (NaN = no reading that hour). */
interface Home {
  id: number;
  days: Map<number, Float64Array>;
}

/** Parses DAIAD's `meter;dd/mm/yyyy hh:mm:ss;cumulative;delta` CSV into homes by day and hour. */
export function parseDaiad(csv: string): { homes: Home[]; firstDay: string; lastDay: string } {
  const byMeter = new Map<string, Home>();
  let first = Infinity;
  let last = -Infinity;
  const rows: [Home, number, number, number][] = [];
  for (const line of csv.split('\n')) {
    const f = line.split(';');
    if (f.length < 4 || f[0] === 'V1') continue;
    const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2})/.exec(f[1]!);
    if (!m) continue;
    const t = Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]));
    const litres = Number(f[3]);
    if (!Number.isFinite(litres) || litres < 0) continue;
    let home = byMeter.get(f[0]!);
    if (!home) byMeter.set(f[0]!, (home = { id: 0, days: new Map() }));
    first = Math.min(first, t);
    last = Math.max(last, t);
    rows.push([home, t, Number(m[4]), litres]);
  }
  const firstDay = new Date(first).toISOString().slice(0, 10);
  for (const [home, t, hour, litres] of rows) {
    const d = Math.round((t - first) / 86_400_000);
    let hours = home.days.get(d);
    if (!hours) home.days.set(d, (hours = new Float64Array(24).fill(NaN)));
    hours[hour] = (hours[hour]! === hours[hour]! ? hours[hour]! : 0) + litres;
  }
  const homes = [...byMeter.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, h], i) => ({ ...h, id: i + 1 }));
  return { homes, firstDay, lastDay: new Date(last).toISOString().slice(0, 10) };
}


const readings = (h: Float64Array): number => h.reduce((n, v) => n + (v === v ? 1 : 0), 0);
const total = (h: Float64Array): number => h.reduce((s, v) => s + (v === v ? v : 0), 0);
const complete = (h: Float64Array | undefined): h is Float64Array => h !== undefined && readings(h) >= 20;

/** Hours with a draw: ≥ DRAW_L above the day's lowest hour (a steady leak is not a draw). */
export function activeHours(hours: Float64Array): number {
  let lo = Infinity;
  for (const v of hours) if (v === v) lo = Math.min(lo, v);
  let n = 0;
  for (const v of hours) if (v === v && v >= lo + DRAW_L) n++;
  return n;
}

/** Injects the three kinds into distinct eligible homes (mutating their hours); returns the labels. */
export function injectAnomalies(homes: Home[], days: number, firstDay: string, seed: number): AnomalyLabel[] {
  const r = seededStream(seed);
  const eligible = homes.filter((h) => {
    const full = [...h.days.values()].filter(complete);
    if (full.length < 60) return false;
    const mean = full.reduce((s, x) => s + total(x), 0) / full.length;
    const act = full.map(activeHours).sort((a, b) => a - b);
    return mean >= 50 && act[Math.floor(act.length / 2)]! >= 3;
  });
  // Fisher–Yates with the seeded RNG.
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [eligible[i], eligible[j]] = [eligible[j]!, eligible[i]!];
  }
  const labels: AnomalyLabel[] = [];
  const pick = (span: number, ok: (h: Home, d: number) => boolean, h: Home): number | null => {
    const starts: number[] = [];
    for (let d = BASELINE_DAYS; d + span - 1 < days; d++) if (ok(h, d)) starts.push(d);
    return starts.length ? starts[Math.floor(r() * starts.length)]! : null;
  };
  const plan: { kind: MeterAnomalyKind; span: () => number; apply: (hours: Float64Array, leak: number) => void }[] = [
    { kind: 'no_usage', span: () => 2, apply: (x) => x.forEach((v, i) => (x[i] = v === v ? 0 : v)) },
    { kind: 'sudden_change', span: () => 12, apply: (x) => x.forEach((v, i) => (x[i] = v * 3)) },
    { kind: 'night_flow', span: () => 3 + Math.floor(r() * 6), apply: (x, leak) => x.forEach((v, i) => (x[i] = v === v ? v + leak : v)) },
  ];
  let next = 0;
  for (const p of plan) {
    for (let k = 0; k < INJECTED_PER_KIND && next < eligible.length; ) {
      const h = eligible[next++]!;
      const span = p.span();
      // Every injected day must be a real, complete day; no-usage only where the home did use water.
      const start = pick(span, (home, d) => {
        for (let x = d; x < d + span; x++) {
          const hours = home.days.get(x);
          if (!complete(hours) || (p.kind === 'no_usage' && total(hours) < 20)) return false;
        }
        return true;
      }, h);
      if (start === null) continue;
      const leak = 4 + 8 * r();
      for (let d = start; d < start + span; d++) p.apply(h.days.get(d)!, leak);
      labels.push({ householdId: h.id, kind: p.kind, startDay: dayAt(firstDay, start), endDay: dayAt(firstDay, start + span - 1) });
      k++;
    }
  }
  return labels;
}

/** Writes the homes as households (watched) and their complete days as `meter_daily` rows. */
export async function writeHomes(store: DuckDbStore, homes: Home[], firstDay: string, hourly: boolean): Promise<void> {
  await store.run(`INSERT INTO households (id, building_id, floor, slot, unit, size, care_flags) SELECT i, 1, 1, 0, '101', 1, 1 FROM range(1, ${homes.length + 1}) t(i)`);
  const values: string[] = [];
  for (const h of homes) {
    for (const [d, hours] of h.days) {
      if (!complete(hours)) continue;
      let night = Infinity;
      for (let x = 1; x <= 4; x++) if (hours[x]! === hours[x]!) night = Math.min(night, hours[x]!);
      values.push(`(${h.id}, DATE '${dayAt(firstDay, d)}', ${total(hours)}, NULL, ${Number.isFinite(night) ? night : 0}, ${hourly ? activeHours(hours) : 'NULL'}, NULL)`);
    }
  }
  for (let i = 0; i < values.length; i += 5000) {
    await store.run(`INSERT INTO meter_daily (household_id, day, water_l, power_kwh, night_min_l, water_active_h, power_active_h) VALUES ${values.slice(i, i + 5000).join(',')}`);
  }
}

/** Scores of one run: per kind, and alerts per 1,000 household-days overall and on homes nobody touched. */
export interface RealEvalResult {
  homes: number;
  householdDays: number;
  scores: KindScore[];
  alertsPer1000: number;
  /** Alerts on homes without an injection, per 1,000 of their household-days: the false-alarm rate on real life. */
  cleanAlertsPer1000: number;
  cleanEpisodes: MeterEpisode[];
}

/**
 * Loads DAIAD into `store` (a fresh, migrated twin), injects, detects and scores. `hourly` false
 * keeps only daily totals (the detector's daily-total rule), for comparison.
 */
export async function evaluateOnDaiad(store: DuckDbStore, zipPath: string, opts: { seed?: number; hourly?: boolean } = {}): Promise<RealEvalResult> {
  const { homes, firstDay, lastDay } = parseDaiad(readFirstZipEntry(zipPath).toString('utf8'));
  const days = dayIndex(firstDay, lastDay) + 1;
  const labels = injectAnomalies(homes, days, firstDay, opts.seed ?? 13);
  await writeHomes(store, homes, firstDay, opts.hourly ?? true);
  const values = labels.map((l) => `(${l.householdId}, '${l.kind}', DATE '${l.startDay}', DATE '${l.endDay}')`);
  if (values.length) await store.run(`INSERT INTO meter_anomaly_labels VALUES ${values.join(',')}`);
  const from = dayAt(firstDay, BASELINE_DAYS);
  const episodes = detectEpisodes(await loadMeterMatrix(store, firstDay, lastDay), 'civictwin', from);
  const scores = scoreEpisodes(episodes, await loadLabels(store, from, lastDay));
  const perHome = await store.all<{ id: number; n: number }>(`SELECT household_id AS id, count(*)::INTEGER AS n FROM meter_daily WHERE day >= DATE '${from}' GROUP BY 1`);
  const injected = new Set(labels.map((l) => l.householdId));
  const householdDays = perHome.reduce((s, h) => s + h.n, 0);
  const cleanDays = perHome.filter((h) => !injected.has(h.id)).reduce((s, h) => s + h.n, 0);
  const cleanEpisodes = episodes.filter((e) => !injected.has(e.householdId));
  return {
    homes: perHome.length,
    householdDays,
    scores: METER_ANOMALY_KINDS.map((k) => scores.find((s) => s.kind === k)!),
    alertsPer1000: (episodes.length / householdDays) * 1000,
    cleanAlertsPer1000: cleanDays > 0 ? (cleanEpisodes.length / cleanDays) * 1000 : 0,
    cleanEpisodes,
  };
}
