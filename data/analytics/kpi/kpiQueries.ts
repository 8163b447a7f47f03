/**
 * The dashboard's charts, each one query over the incident facts (kpiFacts.ts) or the meter
 * alerts, for a period [from, to): an incident belongs to the period it was reported in, an alert
 * to the one it was raised in. Deadlines are judged as of `nowMs`: an incident still open past its
 * deadline has missed it, one not yet due is pending.
 */
import type { DuckDbStore } from '../../store/DuckDbStore.ts';
import { METER_ANOMALY_KINDS } from '../../model/domain.ts';
import {
  bucketFor,
  bucketStart,
  HANDLING_BINS_MIN,
  KPI_CHARTS,
  KPI_HOTSPOT_LIST_MAX,
  KPI_HOTSPOT_MAP_MAX,
  KPI_HOTSPOT_MIN_REPORTS,
  KPI_TZ_OFFSET_MS,
  KPI_WORKERS_MAX,
  type AlertOutcomeRow,
  type HandlingBin,
  type HandlingTrendPoint,
  type Hotspot,
  type KpiBucket,
  type KpiChartId,
  type KpiPeriod,
  type KpiReport,
  type KpiSummary,
  type Satisfaction,
  type SlaByCategory,
  type SlaByGrid,
  type WorkloadRow,
} from '../../model/kpi/index.ts';
import { INCIDENT_CATEGORIES, SLA_MINUTES, type IncidentCategory } from '../../model/incidents.ts';
import { FACTS_TABLE, refreshFacts } from './kpiFacts.ts';

type Params = { from: number; to: number; now: number };
/** Ties between categories go to the one listed first (data/model/incidents.ts). */
const CATEGORY_RANK = `list_position([${INCIDENT_CATEGORIES.map((c) => `'${c}'`).join(', ')}], category)`;
const IN_PERIOD = `reported_ms >= $from AND reported_ms < $to`;
const HANDLED = `handled_ms IS NOT NULL`;
const HANDLING_MIN = `(handled_ms - reported_ms) / 60000.0`;
const MET = `(${HANDLED} AND handled_ms <= due_ms)`;
const MISSED = `(NOT cancelled AND ((${HANDLED} AND handled_ms > due_ms) OR (handled_ms IS NULL AND $now > due_ms)))`;
const PENDING = `(NOT cancelled AND handled_ms IS NULL AND $now <= due_ms)`;
const bucketSql = (bucket: KpiBucket): string => {
  const size = bucket === 'hour' ? 3_600_000 : 86_400_000;
  return `((reported_ms + ${KPI_TZ_OFFSET_MS}) // ${size}) * ${size} - ${KPI_TZ_OFFSET_MS}`;
};
/** Only the parameters a statement names (DuckDB refuses one it does not). */
const used = (sql: string, p: Params): Partial<Params> =>
  Object.fromEntries(Object.entries(p).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)));
const all = <T>(store: DuckDbStore, sql: string, p: Params): Promise<T[]> =>
  store.all<T>(sql, used(sql, p));
const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const rate = (met: number, missed: number): number | null =>
  met + missed > 0 ? met / (met + missed) : null;

/** Every bucket start of the period, in order. */
export function bucketsOf(period: KpiPeriod, bucket: KpiBucket): number[] {
  const size = bucket === 'hour' ? 3_600_000 : 86_400_000;
  const out: number[] = [];
  for (let t = bucketStart(period.fromMs, bucket); t < period.toMs; t += size) out.push(t);
  return out;
}

async function summary(store: DuckDbStore, p: Params): Promise<KpiSummary> {
  const r = (
    await all<Record<string, unknown>>(
      store,
      `SELECT count(*) AS reported, count(*) FILTER (WHERE ${HANDLED}) AS handled, count(*) FILTER (WHERE cancelled) AS cancelled,
       count(*) FILTER (WHERE NOT cancelled AND handled_ms IS NULL) AS open,
       count(*) FILTER (WHERE ${MET}) AS met, count(*) FILTER (WHERE ${MISSED}) AS missed,
       avg(${HANDLING_MIN}) AS mean_min, median(${HANDLING_MIN}) AS median_min,
       avg(rating) AS mean_rating, count(rating) AS rated
     FROM ${FACTS_TABLE} WHERE ${IN_PERIOD}`,
      p,
    )
  )[0]!;
  const met = num(r.met);
  const missed = num(r.missed);
  return {
    reported: num(r.reported),
    handled: num(r.handled),
    cancelled: num(r.cancelled),
    open: num(r.open),
    slaMet: met,
    slaMissed: missed,
    slaCompliance: rate(met, missed),
    meanHandlingMin: numOrNull(r.mean_min),
    medianHandlingMin: numOrNull(r.median_min),
    meanRating: numOrNull(r.mean_rating),
    rated: num(r.rated),
  };
}

async function handlingDistribution(store: DuckDbStore, p: Params): Promise<HandlingBin[]> {
  const last = HANDLING_BINS_MIN.length - 1;
  const bin = `CASE ${HANDLING_BINS_MIN.slice(1)
    .map((edge, i) => `WHEN ${HANDLING_MIN} < ${edge} THEN ${i}`)
    .join(' ')} ELSE ${last} END`;
  const rows = await all<{ bin: number; n: number }>(
    store,
    `SELECT ${bin} AS bin, count(*)::INTEGER AS n FROM ${FACTS_TABLE} WHERE ${IN_PERIOD} AND ${HANDLED} GROUP BY bin`,
    p,
  );
  const counts = HANDLING_BINS_MIN.map(() => 0);
  for (const r of rows) counts[Number(r.bin)]! += Number(r.n);
  return HANDLING_BINS_MIN.map((fromMin, i) => ({
    fromMin,
    toMin: HANDLING_BINS_MIN[i + 1] ?? null,
    count: counts[i]!,
  }));
}

async function handlingTrend(
  store: DuckDbStore,
  p: Params,
  period: KpiPeriod,
  bucket: KpiBucket,
): Promise<HandlingTrendPoint[]> {
  const rows = await all<Record<string, unknown>>(
    store,
    `SELECT ${bucketSql(bucket)} AS bucket_ms, count(*) AS reported, count(*) FILTER (WHERE ${HANDLED}) AS handled,
       avg(${HANDLING_MIN}) AS mean_min, median(${HANDLING_MIN}) AS median_min
     FROM ${FACTS_TABLE} WHERE ${IN_PERIOD} GROUP BY bucket_ms`,
    p,
  );
  const byAt = new Map(rows.map((r) => [Number(r.bucket_ms), r]));
  return bucketsOf(period, bucket).map((atMs) => {
    const r = byAt.get(atMs);
    return {
      atMs,
      reported: num(r?.reported),
      handled: num(r?.handled),
      meanMin: numOrNull(r?.mean_min),
      medianMin: numOrNull(r?.median_min),
    };
  });
}

async function slaByCategory(store: DuckDbStore, p: Params): Promise<SlaByCategory[]> {
  const rows = await all<Record<string, unknown>>(
    store,
    `SELECT category, count(*) FILTER (WHERE ${MET}) AS met, count(*) FILTER (WHERE ${MISSED}) AS missed, count(*) FILTER (WHERE ${PENDING}) AS pending
     FROM ${FACTS_TABLE} WHERE ${IN_PERIOD} GROUP BY category ORDER BY category`,
    p,
  );
  return rows.map((r) => {
    const met = num(r.met);
    const missed = num(r.missed);
    const category = String(r.category);
    return {
      category,
      slaMinutes: SLA_MINUTES[category as IncidentCategory] ?? 1440,
      met,
      missed,
      pending: num(r.pending),
      compliance: rate(met, missed),
    };
  });
}

async function slaByGrid(store: DuckDbStore, p: Params): Promise<SlaByGrid[]> {
  const rows = await all<Record<string, unknown>>(
    store,
    `SELECT f.grid_id, a.name, f.met, f.missed, f.pending FROM (
       SELECT grid_id, count(*) FILTER (WHERE ${MET}) AS met, count(*) FILTER (WHERE ${MISSED}) AS missed, count(*) FILTER (WHERE ${PENDING}) AS pending
       FROM ${FACTS_TABLE} WHERE ${IN_PERIOD} GROUP BY grid_id
     ) f LEFT JOIN areas a ON a.id = f.grid_id ORDER BY f.grid_id NULLS LAST`,
    p,
  );
  return rows.map((r) => {
    const met = num(r.met);
    const missed = num(r.missed);
    return {
      gridId: numOrNull(r.grid_id),
      gridName: r.name === null || r.name === undefined ? null : String(r.name),
      met,
      missed,
      pending: num(r.pending),
      compliance: rate(met, missed),
    };
  });
}

async function satisfaction(
  store: DuckDbStore,
  p: Params,
  period: KpiPeriod,
  bucket: KpiBucket,
): Promise<Satisfaction> {
  const rows = await all<Record<string, unknown>>(
    store,
    `SELECT ${bucketSql(bucket)} AS bucket_ms, rating, count(*) AS n FROM ${FACTS_TABLE} WHERE ${IN_PERIOD} AND rating IS NOT NULL GROUP BY ALL`,
    p,
  );
  const counts: Satisfaction['counts'] = [0, 0, 0, 0, 0];
  const perBucket = new Map<number, { sum: number; n: number }>();
  for (const r of rows) {
    const rating = Number(r.rating);
    const n = Number(r.n);
    if (rating >= 1 && rating <= 5) counts[rating - 1] = counts[rating - 1]! + n;
    const b = perBucket.get(Number(r.bucket_ms)) ?? { sum: 0, n: 0 };
    b.sum += rating * n;
    b.n += n;
    perBucket.set(Number(r.bucket_ms), b);
  }
  const rated = counts.reduce((s, c) => s + c, 0);
  const mean = rated > 0 ? counts.reduce((s, c, i) => s + c * (i + 1), 0) / rated : null;
  const trend = bucketsOf(period, bucket).map((atMs) => {
    const b = perBucket.get(atMs);
    return { atMs, mean: b && b.n > 0 ? b.sum / b.n : null, rated: b?.n ?? 0 };
  });
  return { counts, mean, trend };
}

async function hotspots(store: DuckDbStore, p: Params): Promise<Hotspot[]> {
  // The places first (one aggregate by place over the period: a year of the 100k district is 3 M
  // incidents), the 500 most reported kept; only their incidents are then counted by category to
  // name each one's most reported category (ties: the category listed first). Counting every
  // place × category pair first cost 1.9 s on that year; this is one pass plus a small one.
  const rows = await all<Record<string, unknown>>(
    store,
    `WITH top AS (
       SELECT place_key, count(*) AS n, any_value(place_lon) AS lon, any_value(place_lat) AS lat, any_value(grid_id) AS grid_id
       FROM ${FACTS_TABLE} WHERE ${IN_PERIOD} GROUP BY place_key HAVING count(*) >= ${KPI_HOTSPOT_MIN_REPORTS}
       ORDER BY n DESC, place_key LIMIT ${KPI_HOTSPOT_MAP_MAX}
     ), best AS (
       SELECT place_key, arg_max(category, c * 100 - category_rank) AS top_category FROM (
         SELECT place_key, category, count(*) AS c, ${CATEGORY_RANK} AS category_rank
         FROM ${FACTS_TABLE} WHERE ${IN_PERIOD} AND place_key IN (SELECT place_key FROM top) GROUP BY place_key, category
       ) GROUP BY place_key
     )
     SELECT top.*, best.top_category, coalesce(b.address, a.name) AS label
     FROM top JOIN best USING (place_key)
       LEFT JOIN buildings b ON top.place_key > 0 AND b.id = top.place_key LEFT JOIN areas a ON a.id = top.grid_id
     ORDER BY top.n DESC, top.place_key`,
    p,
  );
  return rows.map((r) => {
    const key = Number(r.place_key);
    return {
      key: key > 0 ? `b${key}` : `p${-key}`,
      buildingId: key > 0 ? key : null,
      lon: Number(r.lon),
      lat: Number(r.lat),
      label: r.label === null || r.label === undefined ? null : String(r.label),
      count: num(r.n),
      topCategory: String(r.top_category),
    };
  });
}

async function workload(
  store: DuckDbStore,
  p: Params,
): Promise<{ gridWorkers: WorkloadRow[]; departments: WorkloadRow[] }> {
  const rows = await all<Record<string, unknown>>(
    store,
    `SELECT w.*, CASE w.assignee_kind WHEN 'grid_worker' THEN r.callsign ELSE d.name END AS label FROM (
       SELECT assignee_kind, assignee_id, count(*) AS assigned, count(*) FILTER (WHERE ${HANDLED}) AS handled, avg(${HANDLING_MIN}) AS mean_min
       FROM ${FACTS_TABLE} WHERE ${IN_PERIOD} AND assignee_id IS NOT NULL GROUP BY ALL
     ) w
     LEFT JOIN resources r ON w.assignee_kind = 'grid_worker' AND r.id = w.assignee_id
     LEFT JOIN departments d ON w.assignee_kind = 'department' AND d.id = w.assignee_id
     ORDER BY w.assigned DESC, w.assignee_id`,
    p,
  );
  const toRow = (r: Record<string, unknown>): WorkloadRow => ({
    id: Number(r.assignee_id),
    label:
      r.label === null || r.label === undefined ? `#${String(r.assignee_id)}` : String(r.label),
    assigned: num(r.assigned),
    handled: num(r.handled),
    meanHandlingMin: numOrNull(r.mean_min),
  });
  return {
    gridWorkers: rows
      .filter((r) => r.assignee_kind === 'grid_worker')
      .slice(0, KPI_WORKERS_MAX)
      .map(toRow),
    departments: rows.filter((r) => r.assignee_kind === 'department').map(toRow),
  };
}

async function alertOutcomes(store: DuckDbStore, p: Params): Promise<AlertOutcomeRow[]> {
  const rows = await all<Record<string, unknown>>(
    store,
    `SELECT kind, count(*) AS raised, count(*) FILTER (WHERE outcome = 'safe') AS safe,
       count(*) FILTER (WHERE outcome = 'needed_help') AS needed_help, count(*) FILTER (WHERE outcome = 'false_alarm') AS false_alarm,
       count(*) FILTER (WHERE outcome IS NULL) AS open
     FROM meter_alerts WHERE epoch_ms(raised_at) >= $from AND epoch_ms(raised_at) < $to GROUP BY kind`,
    p,
  );
  const byKind = new Map(rows.map((r) => [String(r.kind), r]));
  const kinds = [
    ...METER_ANOMALY_KINDS,
    ...[...byKind.keys()]
      .filter((k) => !(METER_ANOMALY_KINDS as readonly string[]).includes(k))
      .sort(),
  ];
  return kinds.map((kind) => {
    const r = byKind.get(kind);
    const safe = num(r?.safe);
    const neededHelp = num(r?.needed_help);
    const falseAlarm = num(r?.false_alarm);
    const visits = safe + neededHelp + falseAlarm;
    return {
      kind,
      raised: num(r?.raised),
      safe,
      neededHelp,
      falseAlarm,
      open: num(r?.open),
      precision: visits > 0 ? (safe + neededHelp) / visits : null,
      falseAlarmRate: visits > 0 ? falseAlarm / visits : null,
    };
  });
}

/** Runs `fn`, recording how long it took under `id`. */
async function timed<T>(
  queryMs: Partial<Record<KpiChartId, number>>,
  id: KpiChartId,
  fn: () => Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  queryMs[id] = (queryMs[id] ?? 0) + (performance.now() - t0);
  return out;
}

/** The whole report for a period. Brings the facts up to date first. */
export async function computeKpis(
  store: DuckDbStore,
  period: KpiPeriod,
  nowMs: number,
): Promise<KpiReport> {
  await refreshFacts(store);
  const p: Params = {
    from: Math.floor(period.fromMs),
    to: Math.ceil(period.toMs),
    now: Math.floor(nowMs),
  };
  const bucket = bucketFor(period);
  const q: Partial<Record<KpiChartId, number>> = {};
  // One after another: the store serialises statements on its connection anyway.
  const sum = await summary(store, p);
  const dist = await timed(q, 'handlingDistribution', () => handlingDistribution(store, p));
  const trend = await timed(q, 'handlingTrend', () => handlingTrend(store, p, period, bucket));
  const slaCat = await timed(q, 'slaByCategory', () => slaByCategory(store, p));
  const slaGrid = await timed(q, 'slaByGrid', () => slaByGrid(store, p));
  const sat = await timed(q, 'satisfaction', () => satisfaction(store, p, period, bucket));
  const spots = await timed(q, 'hotspots', () => hotspots(store, p));
  const work = await timed(q, 'workload', () => workload(store, p));
  const alerts = await timed(q, 'alertOutcomes', () => alertOutcomes(store, p));
  const queryMs = Object.fromEntries(
    KPI_CHARTS.map((id) => [id, Math.round((q[id] ?? 0) * 10) / 10]),
  ) as Record<KpiChartId, number>;
  return {
    period,
    bucket,
    computedAtMs: nowMs,
    summary: sum,
    handlingDistribution: dist,
    handlingTrend: trend,
    slaByCategory: slaCat,
    slaByGrid: slaGrid,
    satisfaction: sat,
    hotspots: spots.slice(0, KPI_HOTSPOT_LIST_MAX),
    hotspotMap: spots,
    workload: work,
    alertOutcomes: alerts,
    queryMs,
  };
}

/** The chart queries one by one (for the benchmark): each chart's own time. */
export const CHART_QUERIES: Record<
  KpiChartId,
  (store: DuckDbStore, period: KpiPeriod, nowMs: number) => Promise<unknown>
> = {
  handlingDistribution: (s, period, now) =>
    handlingDistribution(s, { from: period.fromMs, to: period.toMs, now }),
  handlingTrend: (s, period, now) =>
    handlingTrend(s, { from: period.fromMs, to: period.toMs, now }, period, bucketFor(period)),
  slaByCategory: (s, period, now) =>
    slaByCategory(s, { from: period.fromMs, to: period.toMs, now }),
  slaByGrid: (s, period, now) => slaByGrid(s, { from: period.fromMs, to: period.toMs, now }),
  satisfaction: (s, period, now) =>
    satisfaction(s, { from: period.fromMs, to: period.toMs, now }, period, bucketFor(period)),
  hotspots: (s, period, now) => hotspots(s, { from: period.fromMs, to: period.toMs, now }),
  workload: (s, period, now) => workload(s, { from: period.fromMs, to: period.toMs, now }),
  alertOutcomes: (s, period, now) =>
    alertOutcomes(s, { from: period.fromMs, to: period.toMs, now }),
};
