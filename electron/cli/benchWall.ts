/**
 * Wall sync (issue 12, director mode): four panel pages of one wall session, each signed in with
 * a wall token, against a web host in its own process. An operator pushes scenes that replay at
 * 1× and 15×; after each push every panel's displayed player time is sampled at the same
 * instants. The pages of one browser share this machine's clock, so each sample (the page's
 * Date.now() and its player time) is carried to one reference instant exactly; what differs is
 * each panel's own estimate of the host's clock and the anchor it applied. Clock skew = the spread
 * of the four player times at one instant ÷ the scene's speed (ms of the host's clock). Target:
 * p99 ≤ 50 ms.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { keyPathFor } from '../../data/store/crypto.ts';
import { AuthService } from '../services/AuthService.ts';
import { RENDERER_TEST_DIST, REPO_ROOT } from './paths.ts';
import type { BenchRow } from './benchLive.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PANELS = 4;
const TARGET_MS = 50;

interface Sample {
  localMs: number;
  playerMs: number;
  mode: string;
  speed: number;
  rttMs: number;
}
interface Probe {
  seq(): number;
  sceneId(): string | null;
  sample(): Sample;
}
interface Globals {
  __civictwinWall?: Probe;
  __civictwin?: { ready: boolean };
}

async function provision(db: string): Promise<{ wallToken: string; username: string; password: string }> {
  const store = await DuckDbStore.open(db);
  try {
    const auth = await AuthService.open(store);
    const username = 'bench-director';
    const password = `bench-${Date.now().toString(36)}-director`;
    await auth.addUser(username, '基准导播', 'supervisor', password);
    const { token } = await auth.addToken('bench wall', 'wall', 'bench');
    return { wallToken: token, username, password };
  } finally {
    store.close();
  }
}

/** An operator's HTTP session (cookie and CSRF header), as the web client has. */
async function operatorSession(base: string, username: string, password: string): Promise<(method: string, args: unknown[]) => Promise<unknown>> {
  const res = await fetch(`${base}api/rpc/auth.signIn`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-civictwin-csrf': '1' }, body: JSON.stringify({ args: [username, password] }) });
  if (!res.ok) throw new Error(`sign-in: HTTP ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return async (method, args) => {
    const r = await fetch(`${base}api/rpc/director.${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-civictwin-csrf': csrfToken, cookie }, body: JSON.stringify({ args }) });
    if (!r.ok) throw new Error(`director.${method}: HTTP ${r.status} ${await r.text()}`);
    return r.json();
  };
}

/** Nearest-rank quantile. */
function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

const seqOf = (p: Page): Promise<number> => p.evaluate(() => (globalThis as unknown as Globals).__civictwinWall?.seq() ?? -1);
const sampleOf = (p: Page): Promise<Sample> => p.evaluate(() => (globalThis as unknown as Globals).__civictwinWall!.sample());

export async function benchWallSync(defaultDb: string, dir: string, quick: boolean): Promise<BenchRow[]> {
  const name = `wall sync: clock skew, ${PANELS} panels of one session (p99)`;
  if (!existsSync(join(RENDERER_TEST_DIST, 'index.html'))) {
    const r = spawnSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--mode', 'test'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (r.status !== 0) return [{ name, value: 'not measured: the test build failed' }];
  }
  if (!existsSync(CHROMIUM)) return [{ name, value: `not measured: no Chromium at ${CHROMIUM}` }];
  const db = join(dir, 'wall.duckdb');
  copyFileSync(defaultDb, db);
  copyFileSync(keyPathFor(defaultDb), keyPathFor(db));
  const access = await provision(db);
  const host = spawn(process.execPath, [join(REPO_ROOT, 'electron/cli/civictwin.mjs'), 'serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CIVICTWIN_RENDERER: 'test' } });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--no-first-run', '--no-sandbox', '--disable-background-timer-throttling', '--disable-renderer-backgrounding'] });
  try {
    const base = await new Promise<string>((ok, fail) => {
      host.once('exit', () => fail(new Error('the web host exited')));
      host.stdout!.on('data', (d: Buffer) => {
        const m = /at (http:\/\/\S+)/.exec(d.toString());
        if (m) ok(m[1]!.endsWith('/') ? m[1]! : `${m[1]!}/`);
      });
    });
    const call = await operatorSession(base, access.username, access.password);
    // The scenes: the last hour at 15× (the director's own) and one saved here at 1×.
    const slow = (await call('saveScene', [
      { zh: '基准 1×', en: 'Bench 1×' },
      { camera: { kind: 'preset', preset: 'overview' }, layers: ['incidents', 'resources'], colourBy: 'use', time: { kind: 'offset', offsetMs: -1_800_000, speed: 1, playing: true }, rightPanel: null, panels: ['overview', 'overview', 'overview', 'overview'] },
    ])) as { id: string };
    const fast = 'director.lastHour';

    const pages: Page[] = [];
    for (let i = 0; i < PANELS; i++) {
      const page = await browser.newPage({ viewport: { width: 640, height: 360 } });
      await page.goto(`${base}?wall=bench&panel=${i}#wall=${access.wallToken}`, { waitUntil: 'domcontentloaded', timeout: 300_000 });
      pages.push(page);
    }
    // Joined (the map may still be loading: the clock is what is measured, with the pages as busy as they are).
    await Promise.all(pages.map((p) => p.waitForFunction(() => ((globalThis as unknown as Globals).__civictwinWall?.seq() ?? -1) >= 0, undefined, { timeout: 600_000, polling: 250 })));

    const rounds = quick ? 6 : 20;
    const perRound = 10;
    const skews: number[] = [];
    const reach: number[] = [];
    const rtts: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const sceneId = r % 2 === 0 ? slow.id : fast;
      const t0 = performance.now();
      const view = (await call('pushScene', ['bench', sceneId])) as { seq: number };
      // Until every panel applied this push (polled every 10 ms).
      for (;;) {
        const seqs = await Promise.all(pages.map(seqOf));
        if (seqs.every((s) => s >= view.seq)) break;
        if (performance.now() - t0 > 60_000) throw new Error(`a panel did not follow the push within 60 s (seq ${seqs.join(', ')} < ${view.seq})`);
        await new Promise((ok) => setTimeout(ok, 10));
      }
      reach.push(performance.now() - t0);
      for (let k = 0; k < perRound; k++) {
        await new Promise((ok) => setTimeout(ok, 250));
        const samples = await Promise.all(pages.map(sampleOf));
        if (samples.some((s) => s.mode !== 'replay')) throw new Error(`a panel is not replaying the scene (${samples.map((s) => s.mode).join(', ')})`);
        const at = samples[0]!.localMs;
        const times = samples.map((s) => s.playerMs + (at - s.localMs) * s.speed);
        skews.push((Math.max(...times) - Math.min(...times)) / samples[0]!.speed);
        rtts.push(...samples.map((s) => s.rttMs));
      }
    }
    const p99 = quantile(skews, 0.99);
    const p50 = quantile(skews, 0.5);
    return [
      {
        name,
        value: `${p99.toFixed(1)} ms`,
        baseline: `p50 ${p50.toFixed(1)} ms, max ${Math.max(...skews).toFixed(1)} ms, n=${skews.length}`,
        target: `≤ ${TARGET_MS} ms`,
        pass: p99 <= TARGET_MS,
      },
      { name: '  scene push → applied on all 4 panels (median)', value: `${quantile(reach, 0.5).toFixed(0)} ms`, baseline: `max ${Math.max(...reach).toFixed(0)} ms over ${reach.length} pushes` },
      { name: '  panels’ clock-sample round trip (median)', value: `${quantile(rtts, 0.5).toFixed(0)} ms` },
    ];
  } finally {
    await browser.close().catch(() => undefined);
    host.kill('SIGTERM');
  }
}
