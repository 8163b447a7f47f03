/**
 * Dispatch by kind in a real browser (issue 13): a fire's action panel lists a fire engine and a
 * grid worker, the nearest by road with ETA; one click dispatches the engine, the panel shows it en
 * route and the map draws its road route (pixels of the route's colour appear where there were
 * none). Screenshots of the panel at 1366×768 and 1920×1080 in both languages
 * (test-results/e2e-dispatch-<size>-<lang>.png).
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

const tmp = tempDir('civictwin-dispatch-e2e-');
const credentials = { username: 'dispatch-op', password: 'correct horse battery' };
const OUT = join(REPO_ROOT, 'test-results');
let baseUrl = '';
let host: WebHost | null = null;
let services: Services | null = null;
let store: DuckDbStore | null = null;
let browser: Browser;
let app: { page: Page; errors: string[] };
let api: ApiSession;
let incidentId = '';

/** The route's colour while en route (renderer/features/dispatch/routeLayer.ts ROUTE_COLOURS). */
const EN_ROUTE = [255, 176, 32];

/** Pixels of the map within ±14 of `rgb`, counted in the page's screenshot. */
async function countColour(page: Page, rgb: number[]): Promise<number> {
  const png = await page.screenshot({ timeout: 120_000 });
  return page.evaluate(
    async ({ data, rgb }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      // The map only: the right-hand column's own amber (tags, stars) is not the route.
      const panel = document.querySelector('[data-testid="incident-detail"], .right-column, aside:last-of-type')?.getBoundingClientRect();
      const w = panel ? Math.max(0, Math.floor(panel.left)) : img.width;
      const px = g.getImageData(0, 0, w || img.width, img.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (Math.abs(px[i]! - rgb[0]!) <= 14 && Math.abs(px[i + 1]! - rgb[1]!) <= 14 && Math.abs(px[i + 2]! - rgb[2]!) <= 14) n++;
      }
      return n;
    },
    { data: png.toString('base64'), rgb },
  );
}

async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const db = tmp.path('dispatch.duckdb');
  await seedTwin(db, 3, 400, undefined, () => undefined);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  await services.auth.addUser(credentials.username, '值班员', 'operator', credentials.password);
  host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: RENDERER_TEST_DIST, port: 0 });
  baseUrl = `http://127.0.0.1:${await host.listen()}/`;
  api = await signInOverHttp(baseUrl, credentials);
  // A fire in a building about a kilometre from the nearest fire station, accepted, waiting for units.
  const b = (await store.one<{ id: number; lon: number; lat: number }>(
    `SELECT b.id, b.centroid_lon AS lon, b.centroid_lat AS lat FROM buildings b, facilities f WHERE f.kind = 'fire_station'
     ORDER BY abs(sqrt(power((b.centroid_lon - f.lon) * 101000, 2) + power((b.centroid_lat - f.lat) * 111000, 2)) - 900) LIMIT 1`,
  ))!;
  incidentId = `INC-E2E-FIRE-${Date.now()}`;
  await services.ingest.ingestValues(
    [{ id: `e2e-${incidentId}`, type: 'incident.reported', ts: new Date().toISOString(), source: '12345', data: { incidentId, category: 'fire', severity: 4, lon: b.lon, lat: b.lat, buildingId: b.id, reporter: 'hotline', description: '楼道冒烟' } }],
    'http',
  );
  await api.call('incidents', 'actOnIncident', [incidentId, { action: 'accept' }]);
  browser = await launchBrowser();
  // Signed in through the form like openApp, with more time: the 2-core build machine is shared.
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  app = { page, errors };
  await page.goto(baseUrl, { timeout: 240_000 });
  await page.locator('[data-testid="sign-in"] input[name="username"]').fill(credentials.username, { timeout: 120_000 });
  await page.locator('[data-testid="sign-in"] input[name="password"]').fill(credentials.password);
  await page.locator('[data-testid="sign-in"] button[type="submit"]').click();
  await page.waitForFunction(() => window.__civictwin?.ready === true, undefined, { timeout: 400_000 }).catch((err: unknown) => {
    throw new Error(`not ready: ${(err as Error).message}; page errors: ${errors.join(' | ')}`);
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  services?.stop();
  store?.close();
  tmp.cleanup();
});

describe('dispatch by kind in the console', () => {
  it('lists the nearest unit per kind with ETA, at 1366×768 and 1920×1080 in both languages', async () => {
    const { page } = app;
    await page.locator(`[data-testid="incident-row"][data-incident-id="${incidentId}"]`).click({ timeout: 60_000 });
    const panel = page.getByTestId('dispatch-by-kind');
    await panel.waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="dispatch-kind"][data-kind="fire_engine"] [data-testid="dispatch-unit"]').waitFor({ timeout: 60_000 });
    for (const [w, h] of [[1366, 768], [1920, 1080]] as const) {
      await page.setViewportSize({ width: w, height: h });
      for (const lang of ['zh-CN', 'en'] as const) {
        await page.evaluate((l) => window.__civictwin!.setLanguage(l), lang);
        await settle(page);
        await panel.scrollIntoViewIfNeeded();
        const kinds = await page.locator('[data-testid="dispatch-kind"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind));
        expect(kinds).toEqual(['fire_engine', 'grid_worker']);
        const text = await panel.innerText();
        expect(text).toMatch(lang === 'zh-CN' ? /消防车[\s\S]*消防-\d+[\s\S]*约 \d+ 分钟[\s\S]*派遣/ : /Fire engine[\s\S]*消防-\d+[\s\S]*\d+ min[\s\S]*Dispatch/);
        // The button is on screen and not cut.
        const box = (await page.locator('[data-testid="dispatch-unit"]').first().boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(w);
        await page.screenshot({ path: join(OUT, `e2e-dispatch-${w}x${h}-${lang}.png`), timeout: 120_000 });
      }
    }
  }, 300_000);

  it('dispatches the fire engine in one click: en route in the panel, its road route drawn on the map', async () => {
    const { page } = app;
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.evaluate(() => window.__civictwin!.flyTo('overview'));
    await settle(page);
    const before = await countColour(page, EN_ROUTE);
    await page.locator('[data-testid="dispatch-kind"][data-kind="fire_engine"] [data-testid="dispatch-unit"]').click();
    await page.locator('[data-testid="dispatch-kind"][data-kind="fire_engine"] [data-testid="dispatch-sent"][data-state="en_route"]').waitFor({ timeout: 30_000 });
    // The loop's dispatched step names the engine.
    await page.locator('[data-testid="incident-step"][data-step="dispatched"][data-state="done"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => window.__civictwin!.layers().some((l) => l.id === 'dispatch-route' && l.count > 0), undefined, { timeout: 30_000 });
    await settle(page);
    const after = await countColour(page, EN_ROUTE);
    await page.screenshot({ path: join(OUT, 'e2e-dispatch-route-1920x1080.png'), timeout: 120_000 });
    console.log(`dispatch e2e: route-coloured map pixels ${before} before the dispatch, ${after} after`);
    expect(after - before).toBeGreaterThan(150);
  }, 180_000);
});
