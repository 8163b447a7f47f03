/**
 * Benchmarks that need a real browser (Debian's Chromium through playwright-core, software WebGL2
 * via SwiftShader; never a downloaded browser), run against a web host that serves the built
 * renderer with ingest enabled:
 *
 *   1. 10,000 moving resources at 1 Hz (bench.html, renderer/bench/resourcesBench.ts): main-thread
 *      ms per update with binary attributes, packed by the map's own resource-records module
 *      into one GPU buffer (and the same records as typed arrays), against object arrays with
 *      accessors.
 *   2. Event to pixel: incidents POSTed to /api/v1/events while 2,000 events/s flow, timed until the
 *      app reports the marker drawn (`window.__civictwin.onIncidentDrawn`), against the same
 *      measurement at 20 events/s.
 *   3. Scrubbing the timeline across a storm with the typhoon layers on and off (benchScrub.ts).
 *
 * Both baselines are measured in the same run, in the same browser. Without a GPU every figure
 * includes software rasterisation sharing the machine's cores with the host and this driver, so
 * ratios say more than absolute milliseconds.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { BenchRow } from './benchLive.ts';
import type { BenchAccess } from './benchAccess.ts';
import { bootstrapInterval, harrellDavisQuantile, harrellDavisWeights } from '../../data/analytics/quantile.ts';
import { benchScrub } from './benchScrub.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const COMMON_ARGS = ['--ignore-gpu-blocklist', '--no-sandbox', '--disable-background-networking', '--disable-component-update'];

/** Which software rasteriser drew the frames: the figures depend on it. */
export type SoftwareGl = 'llvmpipe (Mesa, under Xvfb)' | 'SwiftShader (headless)';

/**
 * A virtual X display for a headed Chromium, so WebGL runs on Mesa's llvmpipe through ANGLE's GL
 * backend: on these GPU-less machines that is about four times faster than SwiftShader, and
 * closer to what a real GPU shows. Null when Xvfb is not installed (apt-get install -y xvfb).
 */
async function startXvfb(): Promise<{ display: string; stop(): void } | null> {
  const xvfb = ['/usr/bin/Xvfb', '/usr/X11R6/bin/Xvfb'].find((p) => existsSync(p));
  if (!xvfb || process.env.CIVICTWIN_BENCH_GL === 'swiftshader') return null;
  for (let n = 90 + (process.pid % 50); n < 200; n++) {
    if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
    const proc = spawn(xvfb, [`:${n}`, '-screen', '0', '3840x2160x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    const up = await new Promise<boolean>((ok) => {
      const t0 = Date.now();
      const done = (result: boolean): void => {
        clearInterval(poll);
        ok(result);
      };
      const poll = setInterval(() => {
        if (existsSync(`/tmp/.X11-unix/X${n}`)) done(true);
        else if (Date.now() - t0 > 5000) done(false);
      }, 50);
      proc.once('exit', () => done(false));
    });
    if (up) return { display: `:${n}`, stop: () => proc.kill('SIGTERM') };
    proc.kill('SIGKILL');
  }
  return null;
}

/** The district of the seeded demo twin (lon/lat bbox). */
const BBOX = [121.402, 28.367, 121.437, 28.393] as const;

// ---- page-side shapes (the driver is compiled without DOM types; these mirror the renderer's) ----

interface Percentiles {
  median: number;
  p95: number;
  samples: number[];
}
interface ResourcesRun extends Percentiles {
  resources: number;
  update: Percentiles;
  draw: Percentiles;
  finish: Percentiles;
  total: Percentiles;
}
/** Mirrors renderer/bench/resourcesBench.ts `window.__bench`. */
interface BenchPage {
  ready: boolean;
  run(mode: ResourcesMode, updates: number): Promise<ResourcesRun>;
}
/** The part of renderer/testing/testHooks.ts `window.__civictwin` used here. */
interface AppHooks {
  ready: boolean;
  onIncidentDrawn?: (id: string, drawnAtMs: number) => void;
  incidentIds?: () => string[];
}
/**
 * Globals of the pages, read inside `page.evaluate` callbacks (which run in the page, so they can
 * use nothing from this module): `__drawn` is what this driver collects, id → [drawnAtMs from the
 * app, the page's Date.now() at the call].
 */
interface PageGlobals {
  __bench?: BenchPage;
  __civictwin?: AppHooks;
  __drawn?: Record<string, [number, number]>;
  /** Incident id → the page's Date.now() when a live frame naming it arrived (see watchLiveFrames). */
  __arrived?: Record<string, number>;
}

/** Chromium with the fastest software WebGL this machine has (see `startXvfb`). */
export async function launchChromium(): Promise<{ browser: Browser; gl: SoftwareGl; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  const x = await startXvfb();
  if (x) {
    try {
      const browser = await chromium.launch({ executablePath: CHROMIUM, headless: false, args: ['--use-angle=gl', ...COMMON_ARGS], env: { ...process.env, DISPLAY: x.display } });
      return { browser, gl: 'llvmpipe (Mesa, under Xvfb)', close: async () => (await browser.close(), x.stop()) };
    } catch {
      x.stop();
    }
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', ...COMMON_ARGS] });
  return { browser, gl: 'SwiftShader (headless)', close: () => browser.close() };
}

export async function benchBrowser(opts: { quick: boolean; baseUrl: string; access: BenchAccess }): Promise<BenchRow[]> {
  ingestToken = opts.access.ingestToken;
  const base = opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`;
  const { browser, gl, close } = await launchChromium();
  const rows: BenchRow[] = [{ name: `browser benchmarks: Chromium, software WebGL2 by ${gl}`, value: '' }];
  try {
    rows.push(...(await guarded('10,000 moving resources, 1 Hz update', () => benchResources(browser, base, opts.quick))));
    rows.push(...(await guarded('event → pixel (incident POST → marker drawn)', () => benchEventToPixel(browser, base, opts.quick, opts.access))));
    rows.push(...(await guarded('typhoon layers while scrubbing the timeline', () => benchScrub(browser, opts.quick))));
  } finally {
    await close();
  }
  return rows;
}

/** One benchmark failing to run is a failed row, not a failed bench. */
async function guarded(name: string, fn: () => Promise<BenchRow[]>): Promise<BenchRow[]> {
  try {
    return await fn();
  } catch (err) {
    return [{ name, value: `not measured: ${(err as Error).message.split('\n')[0]}`, pass: false, target: 'runs' }];
  }
}

const ms = (x: number): string => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms` : 'missing');

// ---- 1. resources --------------------------------------------------------------------------------

type ResourcesMode = 'gpu' | 'typed' | 'objects';

/** Pooled samples of one mode over the rounds. */
interface Pooled {
  update: number[];
  draw: number[];
  finish: number[];
  total: number[];
}

function quantiles(samples: number[]): { median: number; p95: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] ?? NaN, p95: nearestRank(s, 0.95) };
}
const medP95 = (samples: number[]): string => {
  const q = quantiles(samples);
  return `${ms(q.median)} (p95 ${ms(q.p95)})`;
};

async function benchResources(browser: Browser, base: string, quick: boolean): Promise<BenchRow[]> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors = collectErrors(page);
  try {
    // Cross-origin isolation (added here, not by the host) gives performance.now() 5 µs steps
    // instead of 100 µs: the binary figures are fractions of a millisecond.
    const benchUrl = new URL('bench.html', base).href;
    await page.route(benchUrl, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } });
    });
    await page.goto(benchUrl);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__bench?.ready === true, undefined, { timeout: 60_000 }).catch(() => {
      throw new Error(`bench.html did not start (is the renderer built with it?) ${errors.join('; ')}`.trim());
    });
    const run = (mode: ResourcesMode, updates: number): Promise<ResourcesRun> =>
      page.evaluate(({ mode, updates }) => (globalThis as unknown as PageGlobals).__bench!.run(mode, updates), { mode, updates });
    // A short pass of each first so every mode meets a warm JIT and allocated GPU buffers alike;
    // then two rounds in opposite orders, pooled, so drift favours no mode.
    const perRound = quick ? 10 : 20;
    const pooled: Record<ResourcesMode, Pooled> = {
      gpu: { update: [], draw: [], finish: [], total: [] },
      typed: { update: [], draw: [], finish: [], total: [] },
      objects: { update: [], draw: [], finish: [], total: [] },
    };
    for (const mode of ['objects', 'gpu', 'typed'] as const) await run(mode, 5);
    let resources = 0;
    for (const mode of ['gpu', 'typed', 'objects', 'objects', 'typed', 'gpu'] as const) {
      const r = await run(mode, perRound);
      resources = r.resources;
      for (const k of ['update', 'draw', 'finish', 'total'] as const) pooled[mode][k].push(...r[k].samples);
    }
    if (errors.length) throw new Error(errors.join('; '));
    const { gpu: a, typed: i, objects: b } = pooled;
    const med = (x: number[]): number => quantiles(x).median;
    const row = (name: string, mine: number[], note: string): BenchRow => {
      const ratio = med(b.update) / med(mine);
      return {
        name,
        value: `${medP95(mine)} ${note}`,
        baseline: `${medP95(b.update)} objects+accessors`,
        ratio: `${ratio.toFixed(1)}×`,
        target: '≥ 10× and < 2 ms',
        pass: ratio >= 10 && med(mine) < 2,
      };
    };
    const n = a.update.length;
    return [
      row(`${resources.toLocaleString('en')} moving resources at 1 Hz: ms per update (${n} updates)`, a.update, 'records → GPU buffer'),
      { ...row('  same records as typed arrays (deck.gl uploads each attribute)', i.update, 'typed arrays'), target: undefined, pass: undefined },
      {
        name: '  draw submission (deck.redraw), GPU buffer · typed arrays',
        value: `${ms(med(a.draw))} · ${ms(med(i.draw))}`,
        baseline: `${medP95(b.draw)}`,
      },
      {
        name: '  all main-thread work per update (update + draw)',
        value: `${medP95(a.total)} · ${ms(med(i.total))}`,
        baseline: `${medP95(b.total)}`,
        ratio: `${(med(b.total) / med(a.total)).toFixed(1)}× · ${(med(b.total) / med(i.total)).toFixed(1)}×`,
      },
      {
        name: '  GPU finish of the frame (software rasteriser)',
        value: `${medP95(a.finish)}`,
        baseline: `${medP95(b.finish)}`,
      },
    ];
  } finally {
    await page.close();
  }
}

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

// ---- 2. event to pixel ---------------------------------------------------------------------------

interface Phase {
  /** Events per second. */
  rate: number;
  /** One batch every `periodMs`; each batch carries one tagged incident, the rest positions. */
  periodMs: number;
  seconds: number;
}

interface PhaseResult {
  rate: number;
  /** Events the host accepted per second while sending. */
  achieved: number;
  sent: number;
  drawn: number;
  /** Latencies in ms, sorted; missing markers count as +Infinity. */
  latencies: number[];
  /** POST → the live frame naming the incident reaching the page, sorted (found ones only). */
  delivered: number[];
  /** That frame's arrival → the marker drawn, sorted (found ones only). */
  inPage: number[];
  postErrors: number;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
const sleep = (msDelay: number): Promise<void> => new Promise((ok) => setTimeout(ok, Math.max(0, msDelay)));
const nearestRank = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;

let eventCounter = 0;
/**
 * The background load: 140 units driving at 6 m/s (their reported speed), each fix a step along
 * its heading from the last one, turning a little and bouncing off the district's edge. (The
 * first version scattered each unit's fixes over a kilometre at random, 14 times a second, so
 * the map drew trails of kilometre-long zigzags that no fleet produces.)
 */
const units = new Map<number, { lon: number; lat: number; heading: number; atMs: number }>();
const M_PER_DEG_LAT = 111_320;
function positionEvent(run: string, ts: string): string {
  const n = ++eventCounter;
  const resourceId = 1 + (n % 140);
  const nowMs = Date.parse(ts);
  let u = units.get(resourceId);
  if (!u) {
    u = {
      lon: BBOX[0] + ((resourceId * 0.6180339) % 1) * (BBOX[2] - BBOX[0]),
      lat: BBOX[1] + ((resourceId * 0.7548776) % 1) * (BBOX[3] - BBOX[1]),
      heading: (resourceId * 47) % 360,
      atMs: nowMs,
    };
    units.set(resourceId, u);
  }
  const metres = (6 * Math.max(0, nowMs - u.atMs)) / 1000;
  u.atMs = nowMs;
  u.heading = (u.heading + ((n * 7919) % 21) - 10 + 360) % 360;
  const rad = (u.heading * Math.PI) / 180;
  u.lat += (metres * Math.cos(rad)) / M_PER_DEG_LAT;
  u.lon += (metres * Math.sin(rad)) / (M_PER_DEG_LAT * Math.cos((u.lat * Math.PI) / 180));
  if (u.lon < BBOX[0] || u.lon > BBOX[2] || u.lat < BBOX[1] || u.lat > BBOX[3]) {
    u.heading = (u.heading + 180) % 360;
    u.lon = Math.min(BBOX[2], Math.max(BBOX[0], u.lon));
    u.lat = Math.min(BBOX[3], Math.max(BBOX[1], u.lat));
  }
  const data = { resourceId, lon: round(u.lon, 7), lat: round(u.lat, 7), heading: Math.round(u.heading), speed: 6, status: 'en_route' };
  return JSON.stringify({ id: `${run}-p${n}`, type: 'resource.position', ts, source: 'bench-e2p', data });
}
function incidentEvent(run: string, incidentId: string, k: number, ts: string): string {
  // Spread over the district, well inside the bbox so every marker is on screen.
  const lon = round(BBOX[0] + 0.004 + ((k * 0.6180339) % 1) * (BBOX[2] - BBOX[0] - 0.008), 6);
  const lat = round(BBOX[1] + 0.004 + ((k * 0.7548776) % 1) * (BBOX[3] - BBOX[1] - 0.008), 6);
  const data = { incidentId, category: 'garbage', severity: 2, lon, lat, reporter: 'camera', description: 'bench event-to-pixel' };
  return JSON.stringify({ id: `${run}-i${k}`, type: 'incident.reported', ts, source: 'bench-e2p', data });
}

/** Sets the collector on the app's hooks (again, in case the app reinstalled them). */
async function installCollector(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    g.__drawn ??= {};
    const drawn = g.__drawn;
    g.__civictwin!.onIncidentDrawn = (id: string, drawnAtMs: number) => {
      drawn[id] ??= [drawnAtMs, Date.now()];
    };
  });
}

/**
 * Before the app loads: notes when a live push naming a bench incident reaches the page, to split
 * the latency into host + transport and page + draw. It only listens; the app's socket is untouched.
 * Ids are found in the frame's UTF-8 header (data/feed/columnar.ts) by their `e2p-` prefix.
 */
async function watchLiveFrames(page: Page): Promise<void> {
  await page.addInitScript(() => {
    type Socket = { addEventListener(type: 'message', fn: (m: { data: unknown }) => void): void };
    type SocketCtor = new (url: string | URL, protocols?: string | string[]) => Socket;
    const g = globalThis as unknown as PageGlobals & { WebSocket: SocketCtor };
    const arrived: Record<string, number> = (g.__arrived = {});
    const Base = g.WebSocket;
    g.WebSocket = class extends Base {
      public constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        if (!String(url).includes('/api/v1/live')) return;
        this.addEventListener('message', (m) => {
          if (!(m.data instanceof ArrayBuffer)) return;
          const now = Date.now();
          for (const id of new TextDecoder().decode(m.data).match(/e2p-[\w.:-]+/g) ?? []) arrived[id] ??= now;
        });
      }
    };
  });
}

async function arrivedTimes(page: Page): Promise<Map<string, number>> {
  return new Map(Object.entries(await page.evaluate(() => (globalThis as unknown as PageGlobals).__arrived ?? {})));
}

async function drawnTimes(page: Page): Promise<Map<string, number>> {
  const raw = await page.evaluate(() => (globalThis as unknown as PageGlobals).__drawn ?? {});
  // The hook passes a wall-clock time (Date.now()); if it ever passes performance.now() instead,
  // fall back to the page's Date.now() at the call, which is on the same clock as this process.
  return new Map(Object.entries(raw).map(([id, [app, wall]]) => [id, app > 1e12 ? app : wall]));
}

/**
 * The bench's source system: every POST carries its ingest token, as a producer's would, except
 * in the phases that measure the host without the check (it runs with --open-ingest for them).
 */
let ingestToken = '';
let sendToken = true;
async function post(url: string, body: string): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
  if (sendToken) headers.authorization = `Bearer ${ingestToken}`;
  const res = await fetch(url, { method: 'POST', headers, body });
  if (!res.ok) throw new Error(`POST ${res.status}`);
  return ((await res.json()) as { accepted: number }).accepted;
}

async function runPhase(page: Page, eventsUrl: string, name: string, phase: Phase, drainMs: number): Promise<PhaseResult> {
  await installCollector(page);
  const run = `e2p-${name}-${process.pid}-${Date.now().toString(36)}`;
  const perBatch = Math.round((phase.rate * phase.periodMs) / 1000);
  const batches = Math.round((phase.seconds * 1000) / phase.periodMs);
  const sentAt = new Map<string, number>();
  const inflight = new Set<Promise<void>>();
  let accepted = 0;
  let postErrors = 0;
  const t0 = performance.now() + 20;
  for (let k = 0; k < batches; k++) {
    await sleep(t0 + k * phase.periodMs - performance.now());
    const ts = new Date().toISOString();
    const incidentId = `${run}-${k}`;
    const lines = [incidentEvent(run, incidentId, k, ts)];
    for (let i = 1; i < perBatch; i++) lines.push(positionEvent(run, ts));
    const body = lines.join('\n');
    sentAt.set(incidentId, Date.now());
    const p: Promise<void> = post(eventsUrl, body)
      .then((n) => void (accepted += n))
      .catch(() => void postErrors++)
      .finally(() => inflight.delete(p));
    inflight.add(p);
    // Back-pressure: a host that cannot keep up shows as a lower achieved rate, not a pile-up here.
    while (inflight.size >= 16) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  const achieved = accepted / ((performance.now() - t0) / 1000);
  // Give the last markers time to arrive, then read what was drawn.
  const deadline = Date.now() + drainMs;
  let drawn = await drawnTimes(page);
  while (Date.now() < deadline && [...sentAt.keys()].some((id) => !drawn.has(id))) {
    await sleep(100);
    drawn = await drawnTimes(page);
  }
  const latencies = [...sentAt].map(([id, sent]) => (drawn.has(id) ? drawn.get(id)! - sent : Infinity)).sort((a, b) => a - b);
  const arrived = await arrivedTimes(page);
  const delivered = [...sentAt].filter(([id]) => arrived.has(id)).map(([id, sent]) => arrived.get(id)! - sent).sort((a, b) => a - b);
  const inPage = [...sentAt.keys()].filter((id) => arrived.has(id) && drawn.has(id)).map((id) => drawn.get(id)! - arrived.get(id)!).sort((a, b) => a - b);
  return { rate: phase.rate, achieved, sent: sentAt.size, drawn: latencies.filter(Number.isFinite).length, latencies, delivered, inPage, postErrors };
}

async function benchEventToPixel(browser: Browser, base: string, quick: boolean, access: BenchAccess): Promise<BenchRow[]> {
  const name = 'event → pixel at 2,000 ev/s: incident POST → marker drawn';
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errors = collectErrors(page);
  try {
    await watchLiveFrames(page);
    await page.goto(base);
    // An operator at the console signs in through the form.
    await page.locator('[data-testid="sign-in"] input[name="username"]').fill(access.credentials.username, { timeout: 60_000 });
    await page.locator('[data-testid="sign-in"] input[name="password"]').fill(access.credentials.password);
    await page.locator('[data-testid="sign-in"] button[type="submit"]').click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__civictwin?.ready === true, undefined, { timeout: 120_000 }).catch(() => {
      throw new Error(`the app did not become ready ${errors.join('; ')}`.trim());
    });
    const eventsUrl = new URL('api/v1/events', base).href;

    // Probe: is the hook there, and does the pipeline draw at all? The hook is a property the
    // driver sets and the app calls, so only a call proves that the app implements it.
    // An app that draws live incidents (it has `incidentIds()`) or declares the hook must call it.
    const declared = await page.evaluate(() => {
      const hooks = (globalThis as unknown as PageGlobals).__civictwin;
      return hooks !== undefined && ('onIncidentDrawn' in hooks || typeof hooks.incidentIds === 'function');
    });
    await installCollector(page);
    const probeId = `e2p-probe-${process.pid}-${Date.now().toString(36)}`;
    await post(eventsUrl, incidentEvent(probeId, probeId, 0, new Date().toISOString()));
    const probeDeadline = Date.now() + 10_000;
    while (Date.now() < probeDeadline && !(await drawnTimes(page)).has(probeId)) await sleep(100);
    if (!(await drawnTimes(page)).has(probeId)) {
      // Declared but silent: the app has the hook and did not draw the incident, a failure.
      if (declared) return [{ name, value: 'no marker drawn within 10 s of a POST', target: 'p99 ≤ 250 ms, all drawn', pass: false }];
      // Not declared and never called: the app does not report drawn incidents (yet).
      return [{ name, value: 'not measured: hook missing', baseline: 'window.__civictwin.onIncidentDrawn never called (target p99 ≤ 250 ms)' }];
    }

    const seconds = quick ? 4 : 10;
    const low = await runPhase(page, eventsUrl, 'low', { rate: 20, periodMs: 100, seconds }, 5_000);
    const high = await runPhase(page, eventsUrl, 'high', { rate: 2000, periodMs: 50, seconds }, 5_000);
    const p = (r: PhaseResult, q: number): number => nearestRank(r.latencies, q);
    const allDrawn = high.drawn === high.sent;
    const p99 = p(high, 0.99);
    // The authorisation check's cost on event → pixel: the same load with the token checked on
    // every POST and without (the host runs with --open-ingest), in the order A B B A B A A B so
    // that drift favours neither, pooled; p99 by Harrell–Davis (data/analytics/quantile.ts), since a
    // single order statistic of a few hundred samples moves more between runs than the 2 % asked.
    const pooled = { on: [...high.latencies], off: [] as number[] };
    for (const check of ['off', 'off', 'on', 'off', 'on', 'on', 'off'] as const) {
      sendToken = check === 'on';
      const r = await runPhase(page, eventsUrl, `auth-${check}`, { rate: 2000, periodMs: 50, seconds }, 5_000);
      pooled[check].push(...r.latencies);
    }
    // The check's own cost where it acts: one-event POSTs with the token and without, in
    // alternating pairs on an otherwise idle host, round trip measured here. A p99 of a few hundred
    // latencies moves by more than 2 % between runs of the same code, so the pass is decided on
    // this cost against the p99; the pooled ratio and its interval are printed beside it.
    const pairs = quick ? 300 : 1000;
    const roundTrip = { on: [] as number[], off: [] as number[] };
    const pairRun = `e2p-auth-pairs-${process.pid}`;
    for (let k = 0; k < pairs; k++) {
      for (const check of k % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        sendToken = check === 'on';
        const t = performance.now();
        await post(eventsUrl, positionEvent(pairRun, new Date().toISOString()));
        roundTrip[check].push(performance.now() - t);
      }
    }
    sendToken = true;
    const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
    const median = (xs: number[]): number => xs[Math.floor(xs.length / 2)]!;
    const onP99 = harrellDavisQuantile(sorted(pooled.on), 0.99);
    const offP99 = harrellDavisQuantile(sorted(pooled.off), 0.99);
    const onWeights = harrellDavisWeights(pooled.on.length, 0.99);
    const offWeights = harrellDavisWeights(pooled.off.length, 0.99);
    const [ratioLow, ratioHigh] = bootstrapInterval(pooled.on, pooled.off, (xs) =>
      harrellDavisQuantile(xs, 0.99, xs.length === pooled.on.length ? onWeights : offWeights),
    );
    const checkCost = median(sorted(roundTrip.on)) - median(sorted(roundTrip.off));
    const [, checkCostHigh] = bootstrapInterval(roundTrip.on, roundTrip.off, median, (x, y) => x - y);
    const checkShare = Math.max(0, checkCostHigh) / offP99;
    return [
      {
        name,
        value: `p50 ${ms(p(high, 0.5))} · p99 ${ms(p99)}`,
        baseline: `p50 ${ms(p(low, 0.5))} · p99 ${ms(p(low, 0.99))} at 20 ev/s`,
        ratio: `${(p99 / p(low, 0.99)).toFixed(1)}×`,
        target: 'p99 ≤ 250 ms, all drawn',
        pass: allDrawn && p99 <= 250,
      },
      {
        name: '  of which POST → live push in the page',
        value: `p50 ${ms(nearestRank(high.delivered, 0.5))} · p99 ${ms(nearestRank(high.delivered, 0.99))} (${high.delivered.length} seen)`,
        baseline: `p50 ${ms(nearestRank(low.delivered, 0.5))} · p99 ${ms(nearestRank(low.delivered, 0.99))} (${low.delivered.length} seen)`,
      },
      {
        name: '  of which live push → marker drawn (in the page)',
        value: `p50 ${ms(nearestRank(high.inPage, 0.5))} · p99 ${ms(nearestRank(high.inPage, 0.99))}`,
        baseline: `p50 ${ms(nearestRank(low.inPage, 0.5))} · p99 ${ms(nearestRank(low.inPage, 0.99))}`,
      },
      {
        name: '  tagged incidents drawn, max latency',
        value: `${high.drawn}/${high.sent}, max ${ms(high.latencies.at(-1) ?? NaN)}`,
        baseline: `${low.drawn}/${low.sent}, max ${ms(low.latencies.at(-1) ?? NaN)}`,
      },
      {
        name: '  authorisation check: cost per POST (paired round trips) against the p99',
        value: `+${(checkCost * 1000).toFixed(0)} µs per POST (95 % ≤ ${(checkCostHigh * 1000).toFixed(0)} µs; ${pairs} pairs)`,
        baseline: `p99 ${ms(offP99)} without the check`,
        ratio: `${(checkShare * 100).toFixed(2)} % of p99`,
        target: '≤ 2 %',
        pass: checkShare <= 0.02,
      },
      {
        name: '  authorisation check: p99 with the token checked vs none (ABBA BAAB, pooled, Harrell–Davis)',
        value: `p99 ${ms(onP99)} (${pooled.on.length} incidents)`,
        baseline: `p99 ${ms(offP99)} (${pooled.off.length}, --open-ingest)`,
        ratio: `${((onP99 / offP99) * 100).toFixed(1)} % (95 % ${(ratioLow * 100).toFixed(0)}–${(ratioHigh * 100).toFixed(0)} %)`,
      },
      {
        name: `  ingest rate achieved (${seconds} s per phase)`,
        value: `${Math.round(high.achieved).toLocaleString('en')} ev/s${high.postErrors ? `, ${high.postErrors} POSTs failed` : ''}`,
        baseline: `${Math.round(low.achieved).toLocaleString('en')} ev/s${low.postErrors ? `, ${low.postErrors} POSTs failed` : ''}`,
      },
    ];
  } finally {
    await page.close();
  }
}
