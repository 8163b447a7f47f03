/**
 * Compressed soak (issue 12, kiosk: "memory stays flat"): a wall page runs against a web host in
 * its own process while the feed simulator replays the last `hours` of the street at `speed`×
 * through the host's ingest (the simulated clock starts `hours` ago and catches up with now: 24 h
 * at 60× takes 24 min). Every `sampleS` seconds: the page's JS heap after a forced GC (CDP
 * HeapProfiler.collectGarbage + Performance.getMetrics), the host's RSS and the browser's renderer
 * and GPU processes' RSS (/proc). Each series gets a least-squares slope in MB per simulated hour
 * and its first-half and last-half medians; the first tenth of the run (warm-up: caches, JIT,
 * DuckDB's buffer pool filling) is left out. A series "grows" when both the fitted growth over the
 * run and the rise of the last half's median over the first half's pass its tolerance: JS heap
 * 5 MB or 10 %, process RSS 30 MB or 15 % (RSS moves with allocator and GPU caches), whichever is
 * larger. PASS: nothing grows.
 *
 * The host's RSS includes DuckDB's buffer manager, which keeps the blocks it has read up to its
 * memory_limit (the hosts set one: hostDbMemoryLimit): a growing event log fills it, by design. So
 * the host is judged on what is its own, its RSS less DuckDB's accounted memory (duckdb_memory(),
 * through the control channel's /v1/memory) and its V8 heap; DuckDB's share is printed with its
 * limit and must stay under it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { AuthService } from '../services/AuthService.ts';
import { DEFAULT_SIMULATOR, FeedSimulator } from '../services/simulator/FeedSimulator.ts';
import { loadWorld } from '../services/simulator/world.ts';
import { createHostClient, postEvents } from './hostClient.ts';
import { RENDERER_TEST_DIST, REPO_ROOT } from './paths.ts';
import { seedTwin } from './twinFiles.ts';
import { readRunfile } from '../../data/store/hostRunfile.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface SoakOptions {
  /** Simulated hours (the feed replays the last `hours` up to now). */
  hours: number;
  /** Simulated seconds per real second. */
  speed: number;
  /** Real seconds between samples. */
  sampleS: number;
  buildings: number;
  log: (line: string) => void;
}

export interface SoakSample {
  /** Simulated hours since the start. */
  simH: number;
  heapMb: number;
  hostRssMb: number;
  /** The host's RSS less DuckDB's own accounted memory (its buffer pool, bounded by memory_limit). */
  hostOwnMb: number;
  /** The host's V8 heap in use (no forced GC: sampled as it is). */
  hostHeapMb: number;
  /** DuckDB's memory in the host (duckdb_memory()). */
  hostDuckDbMb: number;
  rendererRssMb: number;
  gpuRssMb: number;
}

export interface SoakTrend {
  metric: keyof Omit<SoakSample, 'simH'>;
  label: string;
  /** Least-squares slope, MB per simulated hour. */
  slopeMbPerH: number;
  firstHalfMb: number;
  lastHalfMb: number;
  toleranceMb: number;
  grows: boolean;
  /** False for a series that is printed but bounded by design (the host's whole RSS, DuckDB's cache). */
  judged: boolean;
}

export interface SoakResult {
  samples: SoakSample[];
  trends: SoakTrend[];
  events: { sent: number; accepted: number; rejected: number };
  pass: boolean;
  /** DuckDB's memory_limit in the host, as DuckDB prints it; and whether its memory stayed under it. */
  duckdbLimit: string | null;
  duckdbUnderLimit: boolean;
}

const METRICS: { metric: SoakTrend['metric']; label: string; floorMb: number; share: number; judged: boolean }[] = [
  { metric: 'heapMb', label: 'page JS heap (after GC)', floorMb: 5, share: 0.1, judged: true },
  { metric: 'rendererRssMb', label: 'renderer RSS', floorMb: 30, share: 0.15, judged: true },
  { metric: 'gpuRssMb', label: 'GPU process RSS', floorMb: 30, share: 0.15, judged: true },
  { metric: 'hostOwnMb', label: 'host RSS less DuckDB', floorMb: 30, share: 0.15, judged: true },
  { metric: 'hostHeapMb', label: 'host JS heap', floorMb: 10, share: 0.15, judged: true },
  { metric: 'hostDuckDbMb', label: 'host DuckDB (bounded)', floorMb: 30, share: 0.15, judged: false },
  { metric: 'hostRssMb', label: 'host RSS (incl. DuckDB)', floorMb: 30, share: 0.15, judged: false },
];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** The trend of each series over the samples after the warm-up (the first tenth). */
export function soakTrends(samples: readonly SoakSample[], hours: number): SoakTrend[] {
  const kept = samples.slice(Math.floor(samples.length / 10));
  const half = kept.length >> 1;
  return METRICS.map(({ metric, label, floorMb, share, judged }) => {
    const xs = kept.map((s) => s.simH);
    const ys = kept.map((s) => s[metric]);
    const firstHalfMb = median(ys.slice(0, Math.max(1, half)));
    const lastHalfMb = median(ys.slice(half));
    const slopeMbPerH = slope(xs, ys);
    const toleranceMb = Math.max(floorMb, share * firstHalfMb);
    const span = xs.length ? xs.at(-1)! - xs[0]! : hours;
    const grows = slopeMbPerH * span > toleranceMb && lastHalfMb - firstHalfMb > toleranceMb;
    return { metric, label, slopeMbPerH, firstHalfMb, lastHalfMb, toleranceMb, grows, judged };
  });
}

/** `4.0 GiB`, `953.6 MiB`, `2GB` (as DuckDB prints its memory_limit) → MB; null when unreadable. */
export function parseDuckDbSize(text: string | null): number | null {
  const m = /^([\d.]+)\s*(KiB|MiB|GiB|TiB|KB|MB|GB|TB)$/i.exec(text?.trim() ?? '');
  if (!m) return null;
  const unit = m[2]!.toUpperCase();
  const factor: Record<string, number> = { KIB: 1024 / 1e6, MIB: 2 ** 20 / 1e6, GIB: 2 ** 30 / 1e6, TIB: 2 ** 40 / 1e6, KB: 1e-3, MB: 1, GB: 1e3, TB: 1e6 };
  return Number(m[1]) * factor[unit]!;
}

/** The host's memory as it reports it on its control channel (the runfile beside the twin names the port and token). */
async function hostMemory(db: string): Promise<{ heapMb: number; duckdbMb: number; duckdbLimit: string | null }> {
  const run = readRunfile(db);
  if (!run) return { heapMb: 0, duckdbMb: 0, duckdbLimit: null };
  const res = await fetch(`http://127.0.0.1:${run.controlPort}/v1/memory`, { headers: { authorization: `Bearer ${run.token}` } });
  if (!res.ok) throw new Error(`soak: the host's /v1/memory answered HTTP ${res.status}`);
  const m = (await res.json()) as { heapUsedBytes: number; duckdbBytes: number; duckdbLimit: string | null };
  return { heapMb: m.heapUsedBytes / 1e6, duckdbMb: m.duckdbBytes / 1e6, duckdbLimit: m.duckdbLimit };
}

/** Resident set of a process, MB (Linux /proc; 0 where it cannot be read). */
function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The browser's child processes of a `--type=`, summed RSS in MB. */
function chromiumChildrenRss(browserPid: number, type: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmd.includes(`--type=${type}`)) continue;
      // Only this browser's: the process tree under its pid (zygote children included).
      let pid = Number(entry);
      for (let depth = 0; depth < 4 && pid > 1 && pid !== browserPid; depth++) pid = Number(/\)\s+\S+\s+(\d+)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] ?? 0);
      if (pid === browserPid) total += rssMb(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** The pid of the process whose command line has `marker` and no `--type=` (a browser, not its children). */
function findProcess(marker: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(marker) && !cmd.includes('--type=')) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return 0;
}

async function provision(db: string): Promise<{ wallToken: string; ingestToken: string }> {
  const store = await DuckDbStore.open(db);
  try {
    const auth = await AuthService.open(store);
    const wall = await auth.addToken('soak wall', 'wall', 'soak');
    const ingest = await auth.addToken('soak feed', 'ingest', 'soak');
    return { wallToken: wall.token, ingestToken: ingest.token };
  } finally {
    store.close();
  }
}

async function startHost(db: string): Promise<{ host: ChildProcess; url: string }> {
  const host = spawn(process.execPath, [join(REPO_ROOT, 'electron/cli/civictwin.mjs'), 'serve', '--db', db, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, CIVICTWIN_RENDERER: 'test' },
  });
  const url = await new Promise<string>((ok, fail) => {
    host.once('exit', () => fail(new Error('the web host exited')));
    host.stdout!.on('data', (d: Buffer) => {
      const m = /at (http:\/\/\S+)/.exec(d.toString());
      if (m) ok(m[1]!);
    });
  });
  return { host, url };
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  if (!existsSync(join(RENDERER_TEST_DIST, 'index.html'))) throw new Error(`soak: the test renderer is not built (${RENDERER_TEST_DIST}): npx vite build --config renderer/vite.config.ts --mode test`);
  const dir = mkdtempSync(join(tmpdir(), 'civictwin-soak-'));
  const db = join(dir, 'soak.duckdb');
  let host: ChildProcess | null = null;
  let browser: Browser | null = null;
  try {
    await seedTwin(db, 1, o.buildings, undefined, () => undefined);
    const access = await provision(db);
    const started = await startHost(db);
    host = started.host;
    const url = started.url;
    // A switch Chromium ignores, to find this browser's process among others' (its renderers hang under it).
    const marker = `--civictwin-soak=${process.pid}-${Date.now()}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [marker, '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--no-first-run', '--no-sandbox', '--disable-background-timer-throttling', '--disable-renderer-backgrounding'],
    });
    const browserPid = findProcess(marker);
    const page: Page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${url}#wall=${access.wallToken}`, { timeout: 300_000 });
    await page.waitForFunction(() => (globalThis as unknown as { __civictwin?: { ready: boolean } }).__civictwin?.ready === true, undefined, { timeout: 300_000 });
    const cdp: CDPSession = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.enable');

    // The feed: the simulated street over the last `hours`, at `speed`×, through the host's ingest.
    const world = await loadWorld(createHostClient(url, access.ingestToken));
    const sim = new FeedSimulator(world, { ...DEFAULT_SIMULATOR, runId: `soak${Date.now().toString(36)}` });
    const spanMs = o.hours * 3_600_000;
    const realStart = Date.now();
    const simStart = realStart - spanMs;
    const simNow = (): number => Math.min(realStart, simStart + (Date.now() - realStart) * o.speed);
    const events = { sent: 0, accepted: 0, rejected: 0 };
    let busy = false;
    let feedError: Error | null = null;
    const feed = setInterval(() => {
      if (busy) return; // a slow host skips a tick rather than piling up
      busy = true;
      const batch = sim.step(simNow());
      void (batch.length ? postEvents(url, batch, access.ingestToken) : Promise.resolve({ accepted: 0, rejected: [] as unknown[] }))
        .then((r) => {
          events.sent += batch.length;
          events.accepted += r.accepted;
          events.rejected += r.rejected.length;
        })
        .catch((err: Error) => (feedError = err))
        .finally(() => (busy = false));
    }, 250);

    const samples: SoakSample[] = [];
    let duckdbLimit: string | null = null;
    const sample = async (): Promise<void> => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
      const hostMem = await hostMemory(db);
      if (hostMem.duckdbLimit) duckdbLimit = hostMem.duckdbLimit;
      const hostRss = rssMb(host!.pid!);
      const s: SoakSample = {
        simH: (simNow() - simStart) / 3_600_000,
        heapMb: heap / 1e6,
        hostRssMb: hostRss,
        hostOwnMb: hostRss - hostMem.duckdbMb,
        hostHeapMb: hostMem.heapMb,
        hostDuckDbMb: hostMem.duckdbMb,
        rendererRssMb: chromiumChildrenRss(browserPid, 'renderer'),
        gpuRssMb: chromiumChildrenRss(browserPid, 'gpu-process'),
      };
      samples.push(s);
      o.log(`soak: ${s.simH.toFixed(2)} h simulated · heap ${s.heapMb.toFixed(1)} MB · host ${s.hostRssMb.toFixed(0)} MB (DuckDB ${s.hostDuckDbMb.toFixed(0)}, JS heap ${s.hostHeapMb.toFixed(0)}) · renderer ${s.rendererRssMb.toFixed(0)} MB · gpu ${s.gpuRssMb.toFixed(0)} MB · events ${events.accepted.toLocaleString('en')}`);
    };
    try {
      await sample();
      while (simNow() < realStart) {
        await new Promise((ok) => setTimeout(ok, o.sampleS * 1000));
        if (feedError) throw new Error(`soak: the feed failed: ${(feedError as Error).message}`);
        await sample();
      }
    } finally {
      clearInterval(feed);
    }
    const trends = soakTrends(samples, o.hours);
    const limitMb = parseDuckDbSize(duckdbLimit);
    const duckdbUnderLimit = limitMb === null || samples.every((s) => s.hostDuckDbMb <= limitMb);
    return { samples, trends, events, pass: trends.every((t) => !t.judged || !t.grows) && duckdbUnderLimit, duckdbLimit, duckdbUnderLimit };
  } finally {
    await browser?.close().catch(() => undefined);
    host?.kill('SIGTERM');
    if (host && host.exitCode === null) await new Promise((ok) => host!.once('exit', ok));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The result as printed lines (and the verdict last). */
export function formatSoak(r: SoakResult, o: Pick<SoakOptions, 'hours' | 'speed'>): string[] {
  const lines = [`soak: ${o.hours} h simulated at ${o.speed}× (${r.samples.length} samples, first tenth left out as warm-up); ${r.events.accepted.toLocaleString('en')} events accepted, ${r.events.rejected} rejected`];
  for (const t of r.trends) {
    const verdict = t.judged ? (t.grows ? 'GROWS' : 'flat') : `${t.grows ? 'fills' : 'flat'} (bounded: not judged)`;
    lines.push(`  ${t.label.padEnd(26)} slope ${t.slopeMbPerH >= 0 ? '+' : ''}${t.slopeMbPerH.toFixed(2)} MB/h · median first half ${t.firstHalfMb.toFixed(1)} MB, last half ${t.lastHalfMb.toFixed(1)} MB (tolerance ${t.toleranceMb.toFixed(1)} MB) ${verdict}`);
  }
  if (r.duckdbLimit) lines.push(`  host DuckDB memory under its memory_limit (${r.duckdbLimit}) in every sample: ${r.duckdbUnderLimit ? 'yes' : 'NO'}`);
  lines.push(`soak: no growth trend: ${r.pass ? 'PASS' : 'FAIL'}`);
  return lines;
}
