/**
 * Bring your own district (issue 14, map data) in a real browser: the real Wuhan Optics Valley
 * extract imported with --skip-invalid is served by the real web host; the map draws its 237
 * buildings with the metro and light rail as transit (not roads), and a building whose storeys
 * were estimated from its height says so in its panel. Screenshots for the lead (floating parts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { closeWebTest, flyAndSettle, launchBrowser, openApp, signInOverHttp, type OpenedApp } from './fixtures.ts';
import { REPO_ROOT, RENDERER_TEST_DIST } from '../../electron/cli/paths.ts';
import { importIntoTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import type { BasemapCollection } from '../../electron/common/dto.ts';
import { realDataDir, tempDir } from '../unit/helpers.ts';

const OUT = join(REPO_ROOT, 'test-results');
const REAL = realDataDir();
const tmp = tempDir('civictwin-import-e2e-');
const credentials = { username: 'import-viewer', password: 'import e2e password 1' };
let store: DuckDbStore;
let services: Services;
let host: WebHost;
let baseUrl = '';
let browser: Browser;
let app: OpenedApp;
let estimated: number[] = [];

beforeAll(async () => {
  if (!REAL) return;
  mkdirSync(OUT, { recursive: true });
  const db = tmp.path('wuhan.duckdb');
  await importIntoTwin(db, [join(REAL, 'wuhan-optics-valley')], undefined, () => undefined, { skipInvalid: true, name: '光谷' });
  store = await DuckDbStore.open(db);
  // Large buildings whose storeys were estimated from a measured height: easy to hit with the mouse.
  estimated = (
    await store.all<{ id: number }>(
      `SELECT b.id FROM buildings b JOIN building_storeys s ON s.building_id = b.id
       WHERE s.floors_estimated AND b.height_source = 'measured' AND s.min_height_m = 0
       ORDER BY len(b.footprint[1]) DESC, b.id LIMIT 12`,
    )
  ).map((r) => r.id);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  await services.auth.addUser(credentials.username, '值班员', 'viewer', credentials.password);
  host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: RENDERER_TEST_DIST, port: 0 });
  baseUrl = `http://127.0.0.1:${await host.listen()}/`;
  browser = await launchBrowser();
  app = await openApp(browser, baseUrl, credentials);
});

afterAll(() => closeWebTest({ browser, host, services, store, tmp }));

describe.skipIf(!REAL)('an imported real district in the app', () => {
  it('draws the 237 buildings; the metro and light rail reach the map as transit, not as roads', async () => {
    const layers = await app.page.evaluate(() => window.__civictwin!.layers());
    expect(layers.find((l) => l.id === 'buildings')?.count).toBe(237);
    const api = await signInOverHttp(baseUrl, credentials);
    const basemap = await api.call<BasemapCollection>('store', 'getBasemap', []);
    const byLayer = new Map<string, number>();
    for (const f of basemap.features) byLayer.set(f.properties.layer, (byLayer.get(f.properties.layer) ?? 0) + 1);
    expect(byLayer.get('transit')).toBe(4);
    expect(basemap.features.filter((f) => f.properties.layer === 'road' && ['subway', 'light_rail', 'rail'].includes(f.properties.kind))).toHaveLength(0);
    await flyAndSettle(app.page, 'oblique');
    await app.page.screenshot({ path: join(OUT, 'e2e-import-wuhan-oblique.png') });
    expect(app.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('a building whose storeys were estimated from its height says so in its panel', async () => {
    let opened = false;
    for (const id of estimated) {
      await flyAndSettle(app.page, 'overview');
      const point = await app.page.evaluate((b) => window.__civictwin!.buildingScreenPoint(b), id);
      if (!point) continue;
      await app.page.mouse.click(point[0], point[1]);
      opened = await app.page
        .waitForFunction((b) => window.__civictwin!.selectedBuildingId() === b && document.querySelector('[data-testid="building-panel"]') !== null, id, { timeout: 4000 })
        .then(() => true, () => false);
      if (opened) break;
    }
    expect(opened).toBe(true);
    const panel = app.page.getByTestId('building-panel');
    await expect.poll(() => panel.getByTestId('panel-floors-estimated').count()).toBe(1);
    expect(await panel.getByTestId('panel-floors').innerText()).toMatch(/按高度估算|estimated from the height/);
    await app.page.screenshot({ path: join(OUT, 'e2e-import-estimated-floors.png') });
  });
});
