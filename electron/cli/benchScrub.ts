/**
 * Scrubbing the timeline with the typhoon layers on (issue 11, benchmarks): main-thread ms per
 * frame while the player's time sweeps across a storm's track — the replayed past and the shaded
 * forecast future — against the same sweep of the same scene with the typhoon layers switched off,
 * in the same run and the same browser.
 *
 * The twin is its own: the default district seeded as the bench seeds it, Lekima (2019) imported
 * with `civictwin typhoon import` from the real Wenzhou Typhoon Net file, served by a web host in
 * its own process. Lekima is a past storm, so the typhoon tab plans it as a rehearsal: its landfall
 * is moved a day ahead of now and the timeline runs on past now to the end of its track.
 *
 * Per frame, in the page: a requestAnimationFrame callback moves the scrubber one step (as a drag
 * does: the value set natively, then the input event), and a message posted from that callback
 * lands once the frame's rendering work is done. Main-thread ms of the frame = that moment − the
 * frame's start (the rAF timestamp, shared by every callback of the frame), so it covers the app's
 * React update, deck.gl's and MapLibre's draw calls and style/layout of that frame. Rounds in the
 * order on off off on (pooled) so drift favours neither side. Software WebGL rasterises in the GPU
 * process, not on the main thread, so it is not in the figure, except where the page waits for it
 * (a call that needs the GPU process's answer); the frame interval is shown beside it, and the same
 * scene held still, so the cost of scrubbing itself is apart from the cost of the layers.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { BenchRow } from '../../data/analytics/benchRow.ts';
import { provisionBenchAccess, type BenchAccess } from './benchAccess.ts';
import { REPO_ROOT } from './paths.ts';
import { seedTwin } from './twinFiles.ts';

/** Lekima (1909) from Wenzhou Typhoon Net: quadrant radii, so the wind circles are drawn. */
const LEKIMA_FILE = 'typhoon/201909.json';

/** The real data folder (../shared/data/real next to the checkout), or null. */
function realDataDir(): string | null {
  const candidates = [process.env.CIVICTWIN_REAL_DATA, resolve(REPO_ROOT, '../shared/data/real'), '/work/shared/data/real'];
  return candidates.find((c): c is string => typeof c === 'string' && existsSync(c)) ?? null;
}

/** What one sweep measured in the page. */
interface SweepResult {
  /** Main-thread ms per frame (frame start → the frame's work done). */
  busy: number[];
  /** ms between consecutive frames. */
  interval: number[];
  /** Of the frame's ms, the app's handling of the scrub itself (the input event: React, stores). */
  input: number[];
  /** Frames whose player time was in the forecast (past now). */
  forecastFrames: number;
}

/** The part of renderer/testing/testHooks.ts `window.__civictwin` used here. */
interface PageGlobals {
  __civictwin?: { ready: boolean; layers(): { id: string; count: number }[] };
}

const ms = (x: number): string => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms` : 'missing');
function quantile(samples: readonly number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}

/** A web host over `db` serving the test renderer (its hooks), on a free port. */
async function startHost(db: string): Promise<{ url: string; stop(): Promise<void> }> {
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
  const exited = new Promise<void>((ok) => host.once('exit', () => ok()));
  const stop = async (): Promise<void> => {
    host.kill('SIGTERM');
    // The twin's files are removed next: wait for the host to let go of them (a few seconds at most).
    await Promise.race([exited, new Promise((ok) => setTimeout(ok, 10_000))]);
  };
  return { url: url.endsWith('/') ? url : `${url}/`, stop };
}

async function signIn(page: Page, base: string, access: BenchAccess, errors: string[]): Promise<void> {
  await page.goto(base);
  await page.locator('[data-testid="sign-in"] input[name="username"]').fill(access.credentials.username, { timeout: 60_000 });
  await page.locator('[data-testid="sign-in"] input[name="password"]').fill(access.credentials.password);
  await page.locator('[data-testid="sign-in"] button[type="submit"]').click();
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__civictwin?.ready === true, undefined, { timeout: 120_000 }).catch(() => {
    throw new Error(`the app did not become ready ${errors.join('; ')}`.trim());
  });
}

const typhoonLayerIds = (page: Page): Promise<string[]> =>
  page.evaluate(() => ((globalThis as unknown as PageGlobals).__civictwin?.layers() ?? []).map((l) => l.id).filter((id) => id.startsWith('typhoon')));

/**
 * Sweeps the scrubber from its start to its end over `frames` frames, one step per frame; with
 * `still`, the same frames measured without moving it (what the scene costs when nobody scrubs).
 */
function sweep(page: Page, frames: number, still = false): Promise<SweepResult> {
  return page.evaluate(async ({ frames, still }) => {
    // Runs in the page (no DOM types in this driver's compile: the few used are declared here).
    type El = { min: string; max: string; dispatchEvent(e: unknown): boolean; getAttribute(name: string): string | null };
    type PageScope = {
      document: { querySelector(sel: string): El | null };
      requestAnimationFrame(cb: (ts: number) => void): number;
      MessageChannel: new () => { port1: { onmessage: (() => void) | null }; port2: { postMessage(v: unknown): void } };
      HTMLInputElement: { prototype: object };
      Event: new (type: string, init: { bubbles: boolean }) => unknown;
    };
    const g = globalThis as unknown as PageScope;
    const el = g.document.querySelector('[data-testid="timeline-scrubber"]');
    const mode = g.document.querySelector('[data-testid="timeline-mode"]');
    if (!el) throw new Error('no timeline scrubber on screen');
    const from = Number(el.min);
    const to = Number(el.max);
    const setValue = Object.getOwnPropertyDescriptor(g.HTMLInputElement.prototype, 'value')!.set!;
    const busy: number[] = [];
    const interval: number[] = [];
    const input: number[] = [];
    let forecastFrames = 0;
    let lastStart = -1;
    await new Promise<void>((done) => {
      let k = 0;
      // A member, not a named const: the driver's compiler wraps named functions in a helper the page lacks.
      const loop: { step?: (frameStart: number) => void } = {};
      loop.step = (frameStart) => {
        if (lastStart >= 0) interval.push(frameStart - lastStart);
        lastStart = frameStart;
        // As a drag does: the value set natively, then the input event React listens to.
        const t0 = performance.now();
        if (!still) {
          setValue.call(el, String(Math.round((from + ((to - from) * k) / (frames - 1)) / 1000) * 1000));
          el.dispatchEvent(new g.Event('input', { bubbles: true }));
        }
        input.push(performance.now() - t0);
        if (mode?.getAttribute('data-mode') === 'forecast') forecastFrames++;
        // Lands after this frame's rendering work (the rest of the rAF callbacks, style, layout, paint).
        const channel = new g.MessageChannel();
        const last = ++k >= frames;
        channel.port1.onmessage = () => {
          busy.push(performance.now() - frameStart);
          if (last) done();
        };
        channel.port2.postMessage(0);
        if (!last) g.requestAnimationFrame(loop.step!);
      };
      g.requestAnimationFrame(loop.step);
    });
    return { busy, interval, input, forecastFrames };
  }, { frames, still });
}

/** The benchmark; `browser` is the bench's Chromium (benchBrowser.ts). */
export async function benchScrub(browser: Browser, quick: boolean): Promise<BenchRow[]> {
  const name = 'scrubbing the timeline across Lekima (past + forecast): main-thread ms per frame';
  const real = realDataDir();
  const track = real ? join(real, LEKIMA_FILE) : null;
  if (!track || !existsSync(track)) return [{ name, value: `not measured: ${LEKIMA_FILE} not found (set CIVICTWIN_REAL_DATA to the real data folder)` }];
  const dir = mkdtempSync(join(tmpdir(), 'civictwin-bench-scrub-'));
  let host: { url: string; stop(): Promise<void> } | null = null;
  let page: Page | null = null;
  try {
    const db = join(dir, 'scrub.duckdb');
    // The bench's default district (seed 1, 2,000 buildings) with the storm imported as a user does.
    await seedTwin(db, 1, 2000, undefined, () => undefined);
    const imported = spawnSync(process.execPath, [join(REPO_ROOT, 'electron/cli/civictwin.mjs'), 'typhoon', 'import', '--db', db, track], { encoding: 'utf8' });
    if (imported.status !== 0) throw new Error(`typhoon import failed: ${(imported.stderr || imported.stdout).trim().split('\n').at(-1)}`);
    const access = await provisionBenchAccess(db);
    host = await startHost(db);

    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await signIn(page, host.url, access, errors);
    // The typhoon tab plans the storm (a rehearsal: landfall a day ahead); the camera shows its track.
    await page.getByTestId('tab-typhoon').click();
    await page.getByTestId('typhoon-rehearsal').waitFor({ timeout: 60_000 });
    await page.getByTestId('timeline-forecast-zone').waitFor({ timeout: 60_000 });
    await page.getByTestId('typhoon-fit').click();
    // The module's layer switches: the storm (track, circles, labels) and the flood water.
    const switches = ['typhoon-visible', 'flood-visible'].map((id) => page!.getByTestId(id));
    const setLayers = async (on: boolean): Promise<string[]> => {
      for (const box of switches) if ((await box.count()) > 0 && (await box.isChecked()) !== on) await box.click();
      // Wait until the map holds (or drops) the storm's layers.
      const deadline = Date.now() + 30_000;
      let ids = await typhoonLayerIds(page!);
      while (Date.now() < deadline && (on ? !ids.includes('typhoon-track') : ids.length > 0)) {
        await new Promise((ok) => setTimeout(ok, 200));
        ids = await typhoonLayerIds(page!);
      }
      if (on ? !ids.includes('typhoon-track') : ids.length > 0) throw new Error(`typhoon layers did not switch ${on ? 'on' : 'off'} (${ids.join(', ') || 'none'})`);
      return ids;
    };

    // Software WebGL holds the frame rate at a few frames a second at 1920 × 1080, so a sweep is
    // tens of frames, not hundreds.
    const frames = quick ? 40 : 90;
    // Warm-up: one short sweep each way, so both sides meet a warm JIT, filled caches and GPU buffers.
    const layerIds = await setLayers(true);
    await sweep(page, 15);
    await setLayers(false);
    await sweep(page, 15);
    const side = (): { busy: number[]; interval: number[]; input: number[]; forecast: number } => ({ busy: [], interval: [], input: [], forecast: 0 });
    const pooled = { on: side(), off: side() };
    const drawn = new Set(layerIds);
    for (const layers of ['on', 'off', 'off', 'on'] as const) {
      for (const id of await setLayers(layers === 'on')) drawn.add(id);
      const r = await sweep(page, frames);
      if (layers === 'on') for (const id of await typhoonLayerIds(page)) drawn.add(id);
      pooled[layers].busy.push(...r.busy);
      pooled[layers].interval.push(...r.interval);
      pooled[layers].input.push(...r.input);
      pooled[layers].forecast += r.forecastFrames;
    }
    // The same scene held still (layers on, the player at the end of the track): its own cost per frame.
    await setLayers(true);
    const still = await sweep(page, Math.round(frames / 2), true);
    if (errors.length) throw new Error(errors.join('; '));
    const { on, off } = pooled;
    const med = (xs: number[]): number => quantile(xs, 0.5);
    const ratio = med(on.busy) / med(off.busy);
    return [
      {
        name,
        value: `${ms(med(on.busy))} (p95 ${ms(quantile(on.busy, 0.95))}) layers on`,
        baseline: `${ms(med(off.busy))} (p95 ${ms(quantile(off.busy, 0.95))}) layers off`,
        ratio: `${ratio.toFixed(2)}×`,
      },
      {
        name: '  of which the app handling the scrub step (input event: React, stores)',
        value: `${ms(med(on.input))} (p95 ${ms(quantile(on.input, 0.95))}) on`,
        baseline: `${ms(med(off.input))} (p95 ${ms(quantile(off.input, 0.95))}) off`,
        ratio: `${(med(on.input) / med(off.input)).toFixed(2)}×`,
      },
      {
        name: '  the same scene held still (no scrubbing), layers on',
        value: `${ms(med(still.busy))} (p95 ${ms(quantile(still.busy, 0.95))}) per frame`,
        baseline: `${ms(med(still.interval))} between frames`,
      },
      {
        name: '  frame interval while scrubbing (frames per second)',
        value: `${ms(med(on.interval))} (${(1000 / med(on.interval)).toFixed(0)} fps) on`,
        baseline: `${ms(med(off.interval))} (${(1000 / med(off.interval)).toFixed(0)} fps) off`,
        ratio: `${(med(on.interval) / med(off.interval)).toFixed(2)}×`,
      },
      {
        name: '  sweep: frames, of which in the forecast zone; layers drawn',
        value: `${on.busy.length} on / ${off.busy.length} off, ${on.forecast} / ${off.forecast} in forecast`,
        baseline: [...drawn].join(', '),
      },
    ];
  } finally {
    await page?.close();
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
