/**
 * Live-operations benchmarks: ingest throughput (HTTP → DuckDB, batched appender vs one INSERT per
 * event) and the meter detector at scale with precision/recall against the generator's labels.
 */
import type { BenchRow } from '../../data/analytics/benchRow.ts';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { parseEventLine } from '../../data/feed/events.ts';
import { HOURS_UNKNOWN, dayAt, detectEpisodes, forEachMeterSlice, loadLabels, scoreEpisodes, type KindScore, type MeterEpisode } from '../../data/analytics/meterDetector.ts';
import { REPO_ROOT } from './paths.ts';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { evaluateOnDaiad, INJECTED_PER_KIND, type RealEvalResult } from '../../data/analytics/meterRealEval.ts';
import { hostDbThreads, hostDbMemoryLimit } from '../services/index.ts';
import { provisionBenchAccess } from './benchAccess.ts';

export type { BenchRow } from '../../data/analytics/benchRow.ts';

const LON = 121.42;
const LAT = 28.38;
let counter = 0;
/** A realistic mix: mostly positions, some incidents and meter readings. */
function makeEvent(run: string, now: number): string {
  const n = ++counter;
  const ts = new Date(now - 1000).toISOString();
  const k = n % 10;
  if (k < 7) return JSON.stringify({ id: `${run}-${n}`, type: 'resource.position', ts, source: 'bench', data: { resourceId: n % 10_000, lon: LON + (n % 1000) * 1e-5, lat: LAT, heading: 90, speed: 8, status: 'en_route' } });
  if (k < 9) return JSON.stringify({ id: `${run}-${n}`, type: 'meter.reading', ts, source: 'bench', data: { householdId: n % 30_000, waterL: 12.5, powerKwh: 0.4, intervalMin: 60 } });
  return JSON.stringify({ id: `${run}-${n}`, type: 'incident.reported', ts, source: 'bench', data: { incidentId: `B${n}`, category: 'garbage', severity: 2, lon: LON, lat: LAT, reporter: 'camera' } });
}

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/**
 * Naive path: per event, validate and INSERT (autocommit), as a first implementation would, with
 * the web host's DuckDB settings, so the ratio compares batching alone.
 */
async function naiveIngest(db: string, events: number): Promise<number> {
  const store = await DuckDbStore.open(db, { threads: hostDbThreads(), memoryLimit: hostDbMemoryLimit() });
  const now = Date.now();
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    const r = parseEventLine(makeEvent('naive', now), now);
    if (!r.ok) continue;
    const e = r.event;
    await store.run('INSERT INTO events VALUES ($1, $2, $3::TIMESTAMP, $4, now()::TIMESTAMP, $5, $6::JSON) ON CONFLICT DO NOTHING', [
      e.id, e.type, new Date(e.tsMs).toISOString(), e.source, 'http', JSON.stringify(e.data),
    ]);
  }
  const rate = events / ((performance.now() - t0) / 1000);
  store.close();
  return rate;
}

/**
 * Batched path through the real web host in its own process, several concurrent producers (a
 * command centre hears from many systems at once: hotline, cameras, meter head-ends, GPS). The
 * request bodies are generated before the clock starts, so the load generator (on the same two
 * cores) spends its time sending, not building JSON.
 */
/**
 * `auth`: `token` — every POST carries an ingest token the host checks (as in production);
 * `open` — the host runs with --open-ingest and checks nothing (the baseline of the check's cost).
 */
async function hostIngest(db: string, totalEvents: number, producers: number, root = REPO_ROOT, auth: 'token' | 'open' = 'token'): Promise<{ rate: number; committed: number }> {
  const port = await freePort();
  const token = root === REPO_ROOT && auth === 'token' ? (await provisionBenchAccess(db)).ingestToken : null;
  const args = [join(root, 'electron/cli/civictwin.mjs'), 'serve', '--db', db, '--port', String(port), '--no-renderer', ...(root === REPO_ROOT && auth === 'open' ? ['--open-ingest'] : [])];
  const host = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  await new Promise<void>((ok) => host.stdout!.on('data', (d: Buffer) => d.toString().includes('serving') && ok()));
  const url = `http://127.0.0.1:${port}/api/v1/events`;
  let committed = 0;
  const now = Date.now();
  const bodies = Array.from({ length: Math.ceil(totalEvents / 2000) }, () => Array.from({ length: 2000 }, () => makeEvent('batch', now)).join('\n'));
  const t0 = performance.now();
  const producer = async (): Promise<void> => {
    for (let body = bodies.pop(); body !== undefined; body = bodies.pop()) {
      const res = await fetch(url, { method: 'POST', body, headers });
      committed += ((await res.json()) as { accepted: number }).accepted;
    }
  };
  await Promise.all(Array.from({ length: producers }, producer));
  const rate = committed / ((performance.now() - t0) / 1000);
  host.kill('SIGTERM');
  await new Promise((ok) => host.once('exit', ok));
  return { rate, committed };
}

export async function benchIngest(dir: string, quick: boolean): Promise<BenchRow[]> {
  const make = async (name: string): Promise<string> => {
    const db = join(dir, name);
    const s = await DuckDbStore.open(db, { create: true });
    await s.run(`INSERT INTO twin_meta VALUES ('origin_lon', '${LON}'), ('origin_lat', '${LAT}')`);
    s.close();
    return db;
  };
  const naive = await naiveIngest(await make('naive.duckdb'), quick ? 1000 : 3000);
  const events = quick ? 200_000 : 600_000;
  const many = await hostIngest(await make('batched.duckdb'), events, 8);
  const few = await hostIngest(await make('batched-few.duckdb'), events, 3);
  const rate = (r: number): string => `${Math.round(r).toLocaleString('en')} ev/s`;
  const before = await beforeHardening(dir, events, make);
  const checks = await authCheckCost(events, make);
  return [
    {
      name: `ingest over HTTP → DuckDB (${many.committed} events, 8 producers × 2000-event POSTs)`,
      value: rate(many.rate),
      baseline: `${rate(naive)} (INSERT per event)`,
      ratio: `${(many.rate / naive).toFixed(0)}×`,
      target: '≥ 50,000 ev/s and ≥ 50×',
      pass: many.rate >= 50_000 && many.rate / naive >= 50,
    },
    {
      name: `  same with 3 producers (fewer events in flight, smaller group commits)`,
      value: rate(few.rate),
      baseline: `${rate(naive)} (INSERT per event)`,
      ratio: `${(few.rate / naive).toFixed(0)}×`,
    },
    ...before.map((b): BenchRow => ({
      name: `  same load, this host vs the host before issue 9 (${BEFORE_HARDENING.slice(0, 7)}), ABBA runs`,
      value: rate(b.now),
      baseline: `${rate(b.before)} (before: plain validation, one group commit)`,
      ratio: `${((b.now / b.before) * 100).toFixed(1)} %`,
      target: '≥ 95 %',
      pass: b.now / b.before >= 0.95,
    })),
    {
      name: `  authorisation check: ingest token checked vs --open-ingest, same load, ABBA runs`,
      value: rate(checks.on),
      baseline: `${rate(checks.off)} (no check)`,
      ratio: `${((checks.on / checks.off) * 100).toFixed(1)} %`,
      target: '≥ 98 %',
      pass: checks.on / checks.off >= 0.98,
    },
  ];
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

export async function benchDetector(db: string, households: number): Promise<BenchRow[]> {
  const store = await DuckDbStore.open(db, { readOnly: true });
  const span = (await store.one<{ a: string; b: string }>("SELECT strftime(min(day), '%Y-%m-%d') a, strftime(max(day), '%Y-%m-%d') b FROM meter_daily"))!;
  const evalFrom = dayAt(span.a, 36); // the first 36 days are baseline only
  // Both detectors see the same slices; ours is timed with the reading, the rule without it.
  const ours: MeterEpisode[] = [];
  const rule: MeterEpisode[] = [];
  const dailyOnly: MeterEpisode[] = [];
  let ruleMs = 0;
  let dailyMs = 0;
  let days = 0;
  const t0 = performance.now();
  await forEachMeterSlice(store, span.a, span.b, 25_000, (m) => {
    days = m.days;
    ours.push(...detectEpisodes(m, 'civictwin', evalFrom));
    const t1 = performance.now();
    rule.push(...detectEpisodes(m, 'domain_rule', evalFrom));
    const t2 = performance.now();
    ruleMs += t2 - t1;
    // The same homes as if their meters reported daily totals only (the daily-total rule), untimed.
    m.waterActive.fill(HOURS_UNKNOWN);
    m.powerActive.fill(HOURS_UNKNOWN);
    dailyOnly.push(...detectEpisodes(m, 'civictwin', evalFrom));
    dailyMs += performance.now() - t2;
  });
  const seconds = (performance.now() - t0 - ruleMs - dailyMs) / 1000;
  const ruleSeconds = ruleMs / 1000;
  const labels = await loadLabels(store, evalFrom, span.b);
  const evalDays = (await store.one<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM meter_daily WHERE day >= $from', { from: evalFrom }))!.n;
  store.close();
  const score = (s: KindScore[], kind: string): KindScore => s.find((x) => x.kind === kind)!;
  const o = scoreEpisodes(ours, labels);
  const r = scoreEpisodes(rule, labels);
  const daily = scoreEpisodes(dailyOnly, labels);
  const rows: BenchRow[] = [
    {
      name: `meter detector: ${households.toLocaleString('en')} households × ${days} days`,
      value: `${seconds.toFixed(2)} s`,
      baseline: `${ruleSeconds.toFixed(2)} s (domain rule, same data in memory)`,
      target: '< 5 s',
      pass: seconds < 5,
    },
  ];
  for (const kind of ['no_usage', 'night_flow', 'sudden_change']) {
    const a = score(o, kind);
    const b = score(r, kind);
    const c = score(daily, kind);
    rows.push({
      name: `  ${kind} (${a.labels} labels): precision / recall`,
      value: `${pct(a.precision)} / ${pct(a.recall)}`,
      baseline: `${pct(b.precision)} / ${pct(b.recall)} (domain rule); ${pct(c.precision)} / ${pct(c.recall)} (daily totals only)`,
    });
  }
  rows.push({
    name: `  alerts per 1,000 household-days (generator's labels: ${labels.length})`,
    value: per1000(ours.length, evalDays),
    baseline: `${per1000(rule.length, evalDays)} (domain rule); ${per1000(dailyOnly.length, evalDays)} (daily totals only)`,
  });
  rows.push(...(await benchDetectorOnRealData()));
  return rows;
}

const per1000 = (n: number, days: number): string => (days > 0 ? ((n / days) * 1000).toFixed(2) : '—');

/**
 * The detector on data the generator did not make and did not label: DAIAD's real hourly water
 * (../shared/data/real/meters, read in place) with our own injections, hourly shape vs daily totals.
 */
async function benchDetectorOnRealData(): Promise<BenchRow[]> {
  const zip = [process.env.CIVICTWIN_REAL_DATA, join(REPO_ROOT, '../shared/data/real')]
    .filter((d): d is string => typeof d === 'string')
    .map((d) => join(d, 'meters/swm_trialA_extended.zip'))
    .find((f) => existsSync(f));
  if (!zip) return [{ name: '  real data (DAIAD): skipped, ../shared/data/real/meters/swm_trialA_extended.zip is absent', value: '—' }];
  const dir = mkdtempSync(join(tmpdir(), 'civictwin-daiad-'));
  try {
    const run = async (hourly: boolean): Promise<RealEvalResult> => {
      const store = await DuckDbStore.open(join(dir, `daiad-${hourly}.duckdb`), { create: true });
      try {
        return await evaluateOnDaiad(store, zip, { seed: 13, hourly });
      } finally {
        store.close();
      }
    };
    const hourly = await run(true);
    const daily = await run(false);
    const rows: BenchRow[] = [];
    for (const kind of ['no_usage', 'sudden_change', 'night_flow'] as const) {
      const a = hourly.scores.find((x) => x.kind === kind)!;
      const b = daily.scores.find((x) => x.kind === kind)!;
      rows.push({
        name: `  real water, DAIAD ${hourly.homes} homes, ${INJECTED_PER_KIND} injected ${kind}: precision / recall (found)`,
        value: `${pct(a.precision)} / ${pct(a.recall)} (${Math.round(a.recall * a.labels)}/${a.labels})`,
        baseline: `${pct(b.precision)} / ${pct(b.recall)} (daily totals only)`,
        target: kind === 'night_flow' ? undefined : `recall ≥ 7/${INJECTED_PER_KIND}`,
        pass: kind === 'night_flow' ? undefined : a.recall >= 7 / 8,
      });
    }
    rows.push({
      name: `  real water, DAIAD: alerts per 1,000 household-days, all / homes without injection (${hourly.householdDays} household-days)`,
      value: `${hourly.alertsPer1000.toFixed(1)} / ${hourly.cleanAlertsPer1000.toFixed(1)}`,
      baseline: `${daily.alertsPer1000.toFixed(1)} / ${daily.cleanAlertsPer1000.toFixed(1)} (daily totals only)`,
    });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The last commit before issue 9's validation, isolation and limits: the ingest baseline it must stay within 5 % of. */
export const BEFORE_HARDENING = '1c01fc3c7586d52782dbbcd0b2fa13985df465c0';

/**
 * Runs the 8-producer load against this host and against the host as it was before issue 9 (a git
 * worktree of that commit, sharing node_modules), alternating A B B A so drift over the run (disk
 * cache, thermal) falls on both alike. Empty when there is no git history to check it out from.
 */
async function beforeHardening(dir: string, events: number, make: (name: string) => Promise<string>): Promise<{ now: number; before: number }[]> {
  const tree = join(dir, 'before-hardening');
  try {
    const commit = execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', '--verify', `${BEFORE_HARDENING}^{commit}`], { encoding: 'utf8' }).trim();
    execFileSync('git', ['-C', REPO_ROOT, 'worktree', 'add', '--detach', tree, commit], { stdio: 'ignore' });
    if (!existsSync(join(tree, 'node_modules'))) symlinkSync(join(REPO_ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
  } catch {
    return [];
  }
  try {
    let now = 0;
    let before = 0;
    let k = 0;
    for (const which of ['now', 'before', 'before', 'now'] as const) {
      const r = await hostIngest(await make(`abba-${k++}.duckdb`), events, 8, which === 'now' ? REPO_ROOT : tree);
      if (which === 'now') now += r.rate / 2;
      else before += r.rate / 2;
    }
    return [{ now, before }];
  } finally {
    execFileSync('git', ['-C', REPO_ROOT, 'worktree', 'remove', '--force', tree], { stdio: 'ignore' });
  }
}

/** The 8-producer load with the ingest token checked and with --open-ingest, alternating A B B A. */
async function authCheckCost(events: number, make: (name: string) => Promise<string>): Promise<{ on: number; off: number }> {
  let on = 0;
  let off = 0;
  let k = 0;
  for (const which of ['on', 'off', 'off', 'on'] as const) {
    const r = await hostIngest(await make(`auth-${k++}.duckdb`), events, 8, REPO_ROOT, which === 'on' ? 'token' : 'open');
    if (which === 'on') on += r.rate / 2;
    else off += r.rate / 2;
  }
  return { on, off };
}
