/**
 * `npm run bench` (section kpi): the dashboard over one year of the 100k-building district. The
 * district's grids, buildings, grid workers and departments, a year of incidents with their closed
 * loop (tens of millions of report and step rows, as the event log projects them) and the meter
 * alerts with their visit outcomes are generated in a temporary DuckDB with SQL generate_series
 * (not through ingest). Then: the incident facts built once from the steps, every chart's query
 * for the whole year (target < 200 ms each), against the same computation over row objects in JS
 * in the same run (the rows read once, not counted in the per-chart JS times, but printed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbStore } from '../../store/DuckDbStore.ts';
import type { BenchRow } from '../benchRow.ts';
import {
  HANDLING_BINS_MIN,
  KPI_CHARTS,
  KPI_HOTSPOT_MIN_REPORTS,
  KPI_TZ_OFFSET_MS,
  type KpiChartId,
  type KpiPeriod,
} from '../../model/kpi/index.ts';
import { INCIDENT_CATEGORIES } from '../../model/incidents.ts';
import { buildFacts, FACTS_TABLE } from './kpiFacts.ts';
import { CHART_QUERIES } from './kpiQueries.ts';

const DAY = 86_400_000;
const TARGET_MS = 200;

/** Writes the district and its year into `store`; returns the number of incidents and step rows. */
export async function generate(
  store: DuckDbStore,
  buildings: number,
  incidents: number,
  endMs: number,
): Promise<{ incidents: number; steps: number; alerts: number }> {
  const side = 20; // 20 × 20 grids of ~550 m
  const cell = 0.005;
  const lon0 = 121.3;
  const lat0 = 28.55;
  await store.run(`INSERT INTO areas SELECT 1, NULL, 'street', 'S1', '江滨街道', NULL`);
  await store.run(
    `INSERT INTO areas SELECT 10 + g, 1, 'grid', 'G' || g, '第' || g || '网格',
       [${lon0} + (g % ${side}) * ${cell}, ${lat0} + (g // ${side}) * ${cell},
        ${lon0} + (g % ${side} + 1) * ${cell}, ${lat0} + (g // ${side}) * ${cell},
        ${lon0} + (g % ${side} + 1) * ${cell}, ${lat0} + (g // ${side} + 1) * ${cell},
        ${lon0} + (g % ${side}) * ${cell}, ${lat0} + (g // ${side} + 1) * ${cell}]
     FROM range(${side * side}) t(g)`,
  );
  await store.run(
    `INSERT INTO departments SELECT d, 'D' || d, '部门' || d, 'dept', NULL, NULL FROM range(1, 9) t(d)`,
  );
  await store.run(
    `INSERT INTO resources SELECT g + 1, 'grid_worker', '网格员-' || (g + 1), NULL, 1, 'idle', ${lon0}, ${lat0} FROM range(${side * side}) t(g)`,
  );
  // Buildings: spread over the grids, their centroid inside their grid.
  await store.run(
    `INSERT INTO buildings (id, address, use_code, height_m, floors, height_source, grid_id, centroid_lon, centroid_lat, footprint)
     SELECT id, '测试路' || id || '号', 1, 18, 6, 'bench', 10 + g, lon, lat, [[lon, lat, lon + 0.0001, lat, lon + 0.0001, lat + 0.0001]]
     FROM (SELECT b AS id, b % ${side * side} AS g,
             ${lon0} + (b % ${side * side} % ${side}) * ${cell} + 0.0002 + hash(b) % 4600 * 1e-6 AS lon,
             ${lat0} + (b % ${side * side} // ${side}) * ${cell} + 0.0002 + hash(b * 7) % 4600 * 1e-6 AS lat
           FROM range(1, ${buildings + 1}) t(b))`,
  );
  const startMs = endMs - 365 * DAY;
  const cats = INCIDENT_CATEGORIES.filter((c) => c !== 'typhoon_evacuation');
  const catList = `[${cats.map((c) => `'${c}'`).join(', ')}]`;
  // One row per incident with its fate drawn from hashes: 3 % cancelled, 5 % open, the rest handled (80 % rated).
  await store.run(
    `CREATE TEMP TABLE bench_inc AS
     SELECT i, 'I' || i AS id, ${catList}[(1 + hash(i) % ${cats.length})::INTEGER] AS category,
       (${startMs} + i * ${Math.floor((365 * DAY) / incidents)} + (hash(i * 3) % 600000)::BIGINT)::BIGINT AS t,
       CASE WHEN hash(i * 5) % 10 < 6 THEN (1 + hash(i * 11) % ${buildings})::INTEGER END AS building_id,
       (hash(i * 13) % 100)::INTEGER AS fate, (60000 + hash(i * 17) % 14400000)::BIGINT AS handle_ms, (1 + hash(i * 19) % 5)::INTEGER AS rating,
       hash(i * 23) % 100 < 75 AS to_worker, (hash(i * 29) % ${side * side})::INTEGER AS worker
     FROM range(${incidents}) t(i)`,
  );
  await store.run(
    `INSERT INTO incidents SELECT c.id, c.category, 2,
       coalesce(b.centroid_lon, round((${lon0} + hash(c.i * 31) % 100000 * 1e-6) / 0.0005) * 0.0005),
       coalesce(b.centroid_lat, round((${lat0} + hash(c.i * 37) % 100000 * 1e-6) / 0.0005) * 0.0005),
       c.building_id, 'resident', 'bench', NULL, epoch_ms(c.t::BIGINT), NULL
     FROM bench_inc c LEFT JOIN buildings b ON b.id = c.building_id`,
  );
  const step = (
    name: string,
    offset: string,
    where: string,
    extra = "NULL, NULL, 'bench', NULL, NULL",
  ): string =>
    `SELECT '${name}-' || i, id, '${name}', epoch_ms((t + ${offset})::BIGINT), ${extra} FROM bench_inc WHERE ${where}`;
  await store.run(
    `INSERT INTO incident_steps
     ${step('r', '0', 'true')}
     UNION ALL ${step('a', '60000', 'fate >= 3')}
     UNION ALL ${step('d', '120000', 'fate >= 3', "CASE WHEN to_worker THEN 'grid_worker' ELSE 'department' END, CASE WHEN to_worker THEN worker + 1 ELSE 1 + worker % 8 END, 'bench', NULL, NULL")}
     UNION ALL ${step('h', '180000', 'fate >= 8')}
     UNION ALL ${step('f', 'handle_ms', 'fate >= 8')}
     UNION ALL ${step('e', 'handle_ms + 300000', 'fate >= 28', "NULL, NULL, 'bench', NULL, rating")}
     UNION ALL ${step('c', '90000', 'fate < 3')}`.replace(
      "'c-' || i, id, 'c'",
      "'c-' || i, id, 'cancelled'",
    ),
  );
  await store.run(
    `INSERT INTO meter_alerts (id, household_id, building_id, kind, raised_at, explanation, score, status, outcome)
     SELECT 'MA' || a, a, (1 + hash(a) % ${buildings})::INTEGER, ['no_usage', 'night_flow', 'sudden_change'][(1 + a % 3)::INTEGER],
       epoch_ms((${startMs} + (hash(a * 3) % ${365 * DAY})::BIGINT)::BIGINT), '{}', 1, 'closed',
       ['safe', 'needed_help', 'false_alarm', NULL][(1 + hash(a * 7) % 4)::INTEGER]
     FROM range(40000) t(a)`,
  );
  await store.run('DROP TABLE bench_inc');
  const n = (await store.one<{ i: number; s: number; a: number }>(
    `SELECT (SELECT count(*) FROM incidents)::INTEGER AS i, (SELECT count(*) FROM incident_steps)::INTEGER AS s, (SELECT count(*) FROM meter_alerts)::INTEGER AS a`,
  ))!;
  return { incidents: n.i, steps: n.s, alerts: n.a };
}

interface FactRow {
  category: string;
  reported_ms: number;
  cancelled: boolean;
  handled_ms: number | null;
  due_ms: number;
  rating: number | null;
  assignee_kind: string | null;
  assignee_id: number | null;
  grid_id: number | null;
  place_key: number;
}
interface AlertRow {
  kind: string;
  outcome: string | null;
}

/** The same charts over row objects: what a service without DuckDB aggregation would do. */
function jsCharts(
  rows: readonly FactRow[],
  alerts: readonly AlertRow[],
  period: KpiPeriod,
  nowMs: number,
): Record<KpiChartId, () => unknown> {
  const inPeriod = (r: FactRow): boolean =>
    r.reported_ms >= period.fromMs && r.reported_ms < period.toMs;
  const handledMin = (r: FactRow): number => ((r.handled_ms as number) - r.reported_ms) / 60000;
  const day = (ms: number): number =>
    Math.floor((ms + KPI_TZ_OFFSET_MS) / DAY) * DAY - KPI_TZ_OFFSET_MS;
  const median = (xs: number[]): number | null => {
    if (xs.length === 0) return null;
    xs.sort((a, b) => a - b);
    const m = xs.length >> 1;
    return xs.length % 2 ? xs[m]! : (xs[m - 1]! + xs[m]!) / 2;
  };
  const sla = (
    key: (r: FactRow) => string | number | null,
  ): Map<string | number | null, { met: number; missed: number; pending: number }> => {
    const out = new Map<string | number | null, { met: number; missed: number; pending: number }>();
    for (const r of rows) {
      if (!inPeriod(r)) continue;
      const k = key(r);
      let e = out.get(k);
      if (!e) out.set(k, (e = { met: 0, missed: 0, pending: 0 }));
      if (r.handled_ms !== null) {
        if (r.handled_ms <= r.due_ms) e.met++;
        else e.missed++;
      } else if (!r.cancelled) {
        if (nowMs > r.due_ms) e.missed++;
        else e.pending++;
      }
    }
    return out;
  };
  return {
    handlingDistribution: () => {
      const counts = HANDLING_BINS_MIN.map(() => 0);
      for (const r of rows) {
        if (!inPeriod(r) || r.handled_ms === null) continue;
        const m = handledMin(r);
        let b = HANDLING_BINS_MIN.length - 1;
        for (let i = 1; i < HANDLING_BINS_MIN.length; i++)
          if (m < HANDLING_BINS_MIN[i]!) {
            b = i - 1;
            break;
          }
        counts[b]!++;
      }
      return counts;
    },
    handlingTrend: () => {
      const by = new Map<number, { reported: number; mins: number[] }>();
      for (const r of rows) {
        if (!inPeriod(r)) continue;
        const k = day(r.reported_ms);
        let e = by.get(k);
        if (!e) by.set(k, (e = { reported: 0, mins: [] }));
        e.reported++;
        if (r.handled_ms !== null) e.mins.push(handledMin(r));
      }
      return [...by].map(([at, e]) => ({
        at,
        reported: e.reported,
        handled: e.mins.length,
        mean: e.mins.reduce((s, v) => s + v, 0) / Math.max(1, e.mins.length),
        median: median(e.mins),
      }));
    },
    slaByCategory: () => sla((r) => r.category),
    slaByGrid: () => sla((r) => r.grid_id),
    satisfaction: () => {
      const by = new Map<number, number[]>();
      for (const r of rows) {
        if (!inPeriod(r) || r.rating === null) continue;
        const k = day(r.reported_ms);
        const e = by.get(k) ?? [0, 0, 0, 0, 0];
        e[r.rating - 1]!++;
        by.set(k, e);
      }
      return by;
    },
    hotspots: () => {
      const by = new Map<number, { n: number; cats: Map<string, number> }>();
      for (const r of rows) {
        if (!inPeriod(r)) continue;
        let e = by.get(r.place_key);
        if (!e) by.set(r.place_key, (e = { n: 0, cats: new Map() }));
        e.n++;
        e.cats.set(r.category, (e.cats.get(r.category) ?? 0) + 1);
      }
      return [...by]
        .filter(([, e]) => e.n >= KPI_HOTSPOT_MIN_REPORTS)
        .sort((a, b) => b[1].n - a[1].n)
        .slice(0, 500);
    },
    workload: () => {
      const by = new Map<string, { assigned: number; handled: number; sum: number }>();
      for (const r of rows) {
        if (!inPeriod(r) || r.assignee_id === null) continue;
        const k = `${r.assignee_kind}:${r.assignee_id}`;
        let e = by.get(k);
        if (!e) by.set(k, (e = { assigned: 0, handled: 0, sum: 0 }));
        e.assigned++;
        if (r.handled_ms !== null) {
          e.handled++;
          e.sum += handledMin(r);
        }
      }
      return [...by].sort((a, b) => b[1].assigned - a[1].assigned);
    },
    alertOutcomes: () => {
      const by = new Map<string, Record<string, number>>();
      for (const a of alerts) {
        const e = by.get(a.kind) ?? {};
        const k = a.outcome ?? 'open';
        e[k] = (e[k] ?? 0) + 1;
        by.set(a.kind, e);
      }
      return by;
    },
  };
}

async function medianOf(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1]!;
}

const ms = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);

export async function benchKpi(buildings: number, quick: boolean): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'civictwin-kpi-bench-'));
  const rows: BenchRow[] = [];
  const store = await DuckDbStore.open(join(dir, 'kpi.duckdb'), { create: true });
  try {
    const endMs = Date.parse('2026-12-01T00:00:00Z');
    const incidents = quick ? 200_000 : 3_000_000;
    let t0 = performance.now();
    const made = await generate(store, buildings, incidents, endMs);
    rows.push({
      name: `kpi: generate ${buildings.toLocaleString('en')} bldg, 1 year (${made.incidents.toLocaleString('en')} incidents, ${(made.incidents + made.steps).toLocaleString('en')} report+step events)`,
      value: ms(performance.now() - t0),
    });
    t0 = performance.now();
    const facts = await buildFacts(store);
    rows.push({
      name: `kpi: incident facts from the steps (${facts.toLocaleString('en')} rows, once)`,
      value: ms(performance.now() - t0),
    });
    const period: KpiPeriod = { fromMs: endMs - 365 * DAY, toMs: endMs };
    const nowMs = endMs;
    // JS: the same facts as row objects, read once.
    t0 = performance.now();
    const factRows = (
      await store.all<FactRow>(
        `SELECT category, reported_ms, cancelled, handled_ms, due_ms, rating, assignee_kind, assignee_id, grid_id, place_key FROM ${FACTS_TABLE}`,
      )
    ).map((r) => ({
      ...r,
      place_key: Number(r.place_key),
      reported_ms: Number(r.reported_ms),
      handled_ms: r.handled_ms === null ? null : Number(r.handled_ms),
      due_ms: Number(r.due_ms),
    }));
    const alertRows = await store.all<AlertRow>(
      `SELECT kind, outcome FROM meter_alerts WHERE epoch_ms(raised_at) >= $f AND epoch_ms(raised_at) < $t`,
      { f: period.fromMs, t: period.toMs },
    );
    rows.push({
      name: `kpi: JS baseline reads the facts as row objects (once)`,
      value: ms(performance.now() - t0),
    });
    const js = jsCharts(factRows, alertRows, period, nowMs);
    let worst = 0;
    for (const id of KPI_CHARTS) {
      const sql = await medianOf(quick ? 3 : 5, () => CHART_QUERIES[id](store, period, nowMs));
      const inJs = await medianOf(quick ? 1 : 3, js[id]);
      worst = Math.max(worst, sql);
      rows.push({
        name: `kpi: ${id} (1 year, DuckDB)`,
        value: ms(sql),
        baseline: `${ms(inJs)} JS rows`,
        ratio: `${(inJs / sql).toFixed(1)}×`,
        target: `< ${TARGET_MS} ms`,
        pass: sql < TARGET_MS,
      });
    }
    rows.push({
      name: 'kpi: slowest chart query',
      value: ms(worst),
      target: `< ${TARGET_MS} ms`,
      pass: worst < TARGET_MS,
    });
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
