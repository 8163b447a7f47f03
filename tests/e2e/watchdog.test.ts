/**
 * The page's own watchdog (issue 12, kiosk; renderer/gfx/pageWatchdog.ts) in Chromium: a wall
 * whose map freezes (no frame drawn, though asked) reloads itself and draws again; so does one
 * whose map lost its WebGL context and could not get one back. The watchdog's times are shortened
 * for the test (10 s each) through the test build's override.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './fixtures.ts';
import { RENDERER_TEST_DIST } from '../../electron/cli/paths.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import { tempDir } from '../unit/helpers.ts';

interface WatchWindow {
  __civictwin?: { ready: boolean; layers(): { id: string; count: number }[] };
  __loads?: number;
}
const tmp = tempDir('civictwin-watchdog-e2e-');
let store: DuckDbStore;
let services: Services;
let host: WebHost;
let browser: Browser;
let page: Page;
const logs: string[] = [];

const drawn = (): boolean => {
  const w = window as unknown as WatchWindow;
  return w.__civictwin?.ready === true && (w.__civictwin.layers().find((l) => l.id === 'buildings')?.count ?? 0) > 0;
};
/** How many times the page has loaded (kept in sessionStorage across reloads). */
const loads = (p: Page): Promise<number> => p.evaluate(() => Number(sessionStorage.getItem('test.loads') ?? 0));

beforeAll(async () => {
  const db = tmp.path('watchdog.duckdb');
  await seedTwin(db, 5, 300, undefined, () => undefined);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  const wallToken = (await services.auth.addToken('watchdog wall', 'wall', 'test')).token;
  host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: RENDERER_TEST_DIST, port: 0 });
  const port = await host.listen();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('console', (m) => {
    if (m.text().includes('watchdog')) logs.push(m.text());
  });
  await page.addInitScript(() => {
    (window as unknown as { __civictwinWatchdog: object }).__civictwinWatchdog = { frozenMs: 10_000, firstFrameMs: 120_000, lostMs: 10_000, checkMs: 250 };
    sessionStorage.setItem('test.loads', String(Number(sessionStorage.getItem('test.loads') ?? 0) + 1));
  });
  await page.goto(`http://127.0.0.1:${port}/#wall=${wallToken}`, { timeout: 120_000 });
  await page.waitForFunction(drawn, undefined, { timeout: 480_000 });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  services?.stop();
  store?.close();
  tmp.cleanup();
});

describe('the page watchdog', () => {
  it('reloads a wall whose map has frozen, and the map draws again', async () => {
    const before = await loads(page);
    // A map that stops drawing while the page lives: no animation frame reaches it any more.
    await page.evaluate(() => {
      window.requestAnimationFrame = () => 0;
    });
    await page.waitForFunction((n) => Number(sessionStorage.getItem('test.loads')) === n + 1, before, { timeout: 90_000, polling: 500 });
    await page.waitForFunction(drawn, undefined, { timeout: 180_000 });
    expect(logs.some((l) => /watchdog: the map has drawn no frame for \d+ s; reloading the page/.test(l))).toBe(true);
  }, 300_000);

  it('reloads a wall whose map lost WebGL and could not get it back (waiting longer the second time in a row)', async () => {
    await page.evaluate(() => {
      // No WebGL for anyone any more, then the map's context goes.
      const canvas = document.querySelector('[data-testid="map"] canvas') as HTMLCanvasElement;
      const ext = (canvas.getContext('webgl2') as WebGL2RenderingContext).getExtension('WEBGL_lose_context')!;
      const getContext = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, id: string, ...rest: unknown[]) {
        return id.startsWith('webgl') ? null : (getContext as (...a: unknown[]) => RenderingContext | null).call(this, id, ...rest);
      } as typeof getContext;
      ext.loseContext();
    });
    // Not the first reload in a row: it waits first (15 s, then longer; a broken GPU must not reload in a loop).
    const before = await loads(page);
    await page.waitForFunction((n) => Number(sessionStorage.getItem('test.loads')) === n + 1, before, { timeout: 120_000, polling: 500 });
    await page.waitForFunction(drawn, undefined, { timeout: 180_000 });
    expect(logs.some((l) => /watchdog: (the map could not be built again|the map's WebGL context has been lost|the map has drawn no frame).*reloading the page in \d+ s/.test(l))).toBe(true);
  }, 300_000);
});
