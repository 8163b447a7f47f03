/**
 * Director mode (issue 12) in a real browser: three panel pages of one wall session
 * (`?wall=e2e&panel=<i>`, signed in with a wall token) and an operator. Pushing a scene changes
 * every panel (what the map draws: the resources layer goes, the scene's board comes on panel 1);
 * a replayed scene runs on one clock on all of them; blanking leaves the product's name on every
 * panel and nothing else; unblanking brings the scene back; a wall token cannot push. The director
 * console and a blank panel are screenshotted at 1366×768 and 1920×1080 in both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInOverHttp, type ApiSession } from './fixtures.ts';
import { REPO_ROOT, RENDERER_TEST_DIST } from '../../electron/cli/paths.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import { tempDir } from '../unit/helpers.ts';
import type { WallSessionView } from '../../electron/common/director/contract.ts';

const OUT = join(REPO_ROOT, 'test-results');
const tmp = tempDir('civictwin-director-e2e-');
const PASSWORD = 'director e2e password';
const PANELS = 3;

let store: DuckDbStore;
let services: Services;
let host: WebHost;
let base: string;
let browser: Browser;
let wallToken: string;
let operator: ApiSession;
const panels: Page[] = [];

/** A panel's probe (renderer/features/director/store.ts WallProbe) as this test reads it. */
interface Probe {
  seq(): number;
  blanked(): boolean;
  role(): string;
  sceneId(): string | null;
  sample(): { localMs: number; playerMs: number; mode: string; speed: number };
}
type Hooks = { ready: boolean; layers(): { id: string; count: number }[] };

/** What every panel must show: all conditions given hold. */
interface Condition {
  ready?: boolean;
  scene?: string;
  /** The resources layer draws something, or nothing. */
  resources?: 'some' | 'none';
  blanked?: boolean;
  mode?: string;
}

async function onEveryPanel(condition: Condition, timeout = 120_000): Promise<void> {
  await Promise.all(
    panels.map((p) =>
      p.waitForFunction(
        ({ c: cond, src }) => {
          const g = window as unknown as { __civictwinWall?: Probe; __civictwin?: Hooks };
          const w = g.__civictwinWall;
          const h = g.__civictwin;
          if (!w || !h) return false;
          if (cond.ready && !(h.ready && w.seq() >= 0)) return false;
          if (cond.scene !== undefined && w.sceneId() !== cond.scene) return false;
          if (cond.resources) {
            const n = h.layers().filter((l) => l.id.includes(src)).reduce((s, l) => s + l.count, 0);
            if (cond.resources === 'some' ? n === 0 : n > 0) return false;
          }
          if (cond.blanked !== undefined && (w.blanked() !== cond.blanked || (document.querySelector('[data-testid="wall-blank"]') !== null) !== cond.blanked)) return false;
          if (cond.mode !== undefined && w.sample().mode !== cond.mode) return false;
          return true;
        },
        { c: condition, src: 'resource' },
        { timeout },
      ),
    ),
  );
}
const resourcesDrawn = (page: Page): Promise<number> =>
  page.evaluate(() => {
    const g = window as unknown as { __civictwin?: Hooks };
    return (g.__civictwin?.layers() ?? []).filter((l) => l.id.includes('resource')).reduce((n, l) => n + l.count, 0);
  });
const roleOf = (page: Page): Promise<string> => page.evaluate(() => (window as unknown as { __civictwinWall: Probe }).__civictwinWall.role());
const sampleOf = (page: Page): Promise<ReturnType<Probe['sample']>> => page.evaluate(() => (window as unknown as { __civictwinWall: Probe }).__civictwinWall.sample());

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const db = tmp.path('director.duckdb');
  await seedTwin(db, 23, 300, undefined, () => undefined);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  await services.auth.addUser('chief', '值班长', 'supervisor', PASSWORD);
  wallToken = (await services.auth.addToken('hall wall', 'wall', 'test')).token;
  host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: RENDERER_TEST_DIST, port: 0 });
  base = `http://127.0.0.1:${await host.listen()}/`;
  operator = await signInOverHttp(base, { username: 'chief', password: PASSWORD });
  // A resource that moves, so the resources layer has something to draw.
  const r = (await store.one<{ id: number; lon: number; lat: number }>('SELECT id, lon, lat FROM resources ORDER BY id LIMIT 1'))!;
  await services.ingest.ingestValues([{ id: `pos-${Date.now()}`, type: 'resource.position', ts: new Date().toISOString(), source: 'gps', data: { resourceId: r.id, lon: r.lon + 0.0005, lat: r.lat, status: 'en_route' } }], 'http');

  browser = await launchBrowser();
  for (let i = 0; i < PANELS; i++) {
    const page = await browser.newPage({ viewport: { width: 960, height: 540 } });
    await page.goto(`${base}?wall=e2e&panel=${i}#wall=${wallToken}`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
    panels.push(page);
  }
  await onEveryPanel({ ready: true }, 420_000);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  services?.stop();
  store?.close();
  tmp.cleanup();
});

describe('a wall session in the browser', () => {
  it('has every panel joined', async () => {
    const wall = await operator.call<WallSessionView>('director', 'getWall', ['e2e']);
    expect(wall.panels.map((p) => p.index)).toEqual([0, 1, 2]);
  }, 420_000);

  it('a pushed scene changes every panel', async () => {
    await operator.call('director', 'pushScene', ['e2e', 'director.live']);
    await onEveryPanel({ scene: 'director.live', resources: 'some' });
    for (const p of panels) expect(await resourcesDrawn(p)).toBeGreaterThan(0);
    // The care scene: resources off, alerts and incidents on, coloured by the share of elderly.
    await operator.call('director', 'pushScene', ['e2e', 'director.care']);
    await onEveryPanel({ scene: 'director.care', resources: 'none' });
    for (const p of panels) expect(await resourcesDrawn(p)).toBe(0);
    // Without panel roles in the scene, panel 1 shows the key figures board, panel 0 the overview.
    expect(await roleOf(panels[0]!)).toBe('overview');
    expect(await roleOf(panels[1]!)).toBe('kpis');
    await panels[1]!.locator('[data-testid="wall-role-kpis"]').waitFor({ state: 'visible' });
    // Under the district's counts, the KPI dashboard's last 7 days (wall-safe aggregates) and,
    // where the cell has room, its handling-time trend drawn by ECharts.
    const kpiPanel = panels[1]!;
    await kpiPanel.locator('[data-testid="kpi-wall-sla"]').waitFor({ state: 'visible', timeout: 60_000 });
    expect(await kpiPanel.locator('[data-testid="kpi-wall-sla"] .kpi-value').innerText()).toMatch(/%|—/);
    await kpiPanel.screenshot({ path: join(OUT, 'e2e-director-kpi-panel.png') });
    await kpiPanel.waitForFunction(
      () => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid="kpi-wall-canvas-handlingTrend"] canvas');
        const g = c?.getContext('2d');
        if (!c || !g || c.width === 0) return false;
        const px = g.getImageData(0, 0, c.width, c.height).data;
        let lit = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) lit++;
        return lit > 500;
      },
      undefined,
      { timeout: 60_000 },
    );
  }, 420_000);

  it('a replayed scene runs on one clock on every panel', async () => {
    await operator.call('director', 'pushScene', ['e2e', 'director.lastHour']);
    await onEveryPanel({ scene: 'director.lastHour', mode: 'replay' });
    const samples = await Promise.all(panels.map((p) => sampleOf(p)));
    expect(samples.every((s) => s.speed === 15)).toBe(true);
    // Each panel's player time at one instant (the pages share this machine's clock).
    const at = samples[0]!.localMs;
    const times = samples.map((s) => s.playerMs + (at - s.localMs) * s.speed);
    const now = Date.now();
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(250 * 15);
    expect(times[0]!).toBeLessThan(now - 50 * 60_000);
    console.log(`director e2e: player time spread over ${PANELS} panels at 15×: ${(Math.max(...times) - Math.min(...times)).toFixed(0)} ms of player time`);
  }, 420_000);

  it('blank shows the product name on every panel and nothing else; unblank brings the scene back', async () => {
    await operator.call('director', 'setBlank', ['e2e', true]);
    await onEveryPanel({ blanked: true });
    for (const p of panels) {
      // What a person in the room sees at the middle and the corners is the blank screen.
      const covered = await p.evaluate(() =>
        [
          [0.5, 0.5],
          [0.05, 0.05],
          [0.95, 0.95],
          [0.05, 0.95],
        ].every(([x, y]) => document.elementFromPoint(innerWidth * x!, innerHeight * y!)?.closest('[data-testid="wall-blank"]') !== null),
      );
      expect(covered).toBe(true);
      const text = await p.locator('[data-testid="wall-blank"]').innerText();
      expect(text).toContain('CivicTwin');
      expect(text.length).toBeLessThan(60);
    }
    await panels[0]!.screenshot({ path: join(OUT, 'e2e-director-blank-960x540.png'), timeout: 120_000 });
    await operator.call('director', 'setBlank', ['e2e', false]);
    await onEveryPanel({ blanked: false, scene: 'director.lastHour' });
  }, 420_000);

  it('a wall token cannot push, tour or blank', async () => {
    const wallSession = await signInWithWallToken();
    const seq = (await operator.call<WallSessionView>('director', 'getWall', ['e2e'])).seq;
    for (const [method, args] of [
      ['pushScene', ['e2e', 'director.live']],
      ['setBlank', ['e2e', true]],
      ['runTour', ['e2e', [{ sceneId: 'director.live', seconds: 5 }], true]],
    ] as const) {
      const res = await wallSession(method, [...args]);
      expect(res.status, method).toBe(403);
    }
    expect((await operator.call<WallSessionView>('director', 'getWall', ['e2e'])).seq).toBe(seq);
  }, 420_000);

  it('the director console and a blank panel, at 1366×768 and 1920×1080 in both languages', async () => {
    // One panel is enough from here: the others close so the console page loads on this machine's two cores.
    for (const p of panels.splice(1)) await p.close();
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(base, { waitUntil: 'domcontentloaded', timeout: 180_000 });
    await page.locator('[data-testid="sign-in"] input[name="username"]').fill('chief', { timeout: 60_000 });
    await page.locator('[data-testid="sign-in"] input[name="password"]').fill(PASSWORD);
    await page.locator('[data-testid="sign-in"] button[type="submit"]').click();
    await page.waitForFunction(() => window.__civictwin?.ready === true, undefined, { timeout: 300_000 });
    await page.locator('[data-testid="tab-director"]').click();
    await page.locator('[data-testid="director-scenes"] li').first().waitFor();
    await page.locator('[data-testid="director-session"]').fill('e2e');
    await page.locator('[data-testid="director-session"]').press('Enter');
    await page.locator('[data-testid="director-on-wall"]', { hasText: /回放最近一小时|The last hour again/ }).waitFor();
    // The console pushes, and every panel follows.
    await page.locator('[data-testid="director-push-director.live"]').click();
    await onEveryPanel({ scene: 'director.live' });
    for (const lang of ['zh-CN', 'en'] as const) {
      await page.evaluate((l) => window.__civictwin!.setLanguage(l), lang);
      for (const size of [
        { w: 1366, h: 768 },
        { w: 1920, h: 1080 },
      ]) {
        await page.setViewportSize({ width: size.w, height: size.h });
        await page.waitForTimeout(300); // a layout pass after the resize (a screenshot, not an assertion)
        await page.screenshot({ path: join(OUT, `e2e-director-console-${size.w}x${size.h}-${lang}.png`), timeout: 120_000 });
      }
    }
    await page.locator('[data-testid="director-blank"]').click();
    await onEveryPanel({ blanked: true });
    for (const lang of ['zh-CN', 'en'] as const) {
      await panels[0]!.evaluate((l) => window.__civictwin!.setLanguage(l), lang);
      for (const size of [
        { w: 1366, h: 768 },
        { w: 1920, h: 1080 },
      ]) {
        await panels[0]!.setViewportSize({ width: size.w, height: size.h });
        await panels[0]!.waitForTimeout(300);
        await panels[0]!.screenshot({ path: join(OUT, `e2e-director-blank-${size.w}x${size.h}-${lang}.png`), timeout: 120_000 });
      }
    }
    await page.locator('[data-testid="director-blank"]').click();
    await onEveryPanel({ blanked: false });
    await page.close();
  }, 900_000);
});

/** A wall's own HTTP session (its token through auth.signInWithToken), for calls a panel could try. */
async function signInWithWallToken(): Promise<(method: string, args: unknown[]) => Promise<{ status: number }>> {
  const res = await fetch(`${base}api/rpc/auth.signInWithToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-civictwin-csrf': '1' },
    body: JSON.stringify({ args: [wallToken] }),
  });
  expect(res.ok).toBe(true);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return async (method, args) => {
    const r = await fetch(`${base}api/rpc/director.${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-civictwin-csrf': csrfToken, cookie },
      body: JSON.stringify({ args }),
    });
    return { status: r.status };
  };
}
