/**
 * The demo to officials in a real browser (issue 12): a presenter at the console steps the story
 * with the clicker's PageDown, the step's event is drawn on the map, the console shows the
 * presenter's notes, and a wall display follows the same step without them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp } from './fixtures.ts';
import { RENDERER_TEST_DIST } from '../../electron/cli/paths.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { demoEndDay, prepareDemoTwin } from '../../electron/services/demo/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import { tempDir } from '../unit/helpers.ts';

interface DemoHooks {
  ready: boolean;
  incidentIds(): string[];
}
const tmp = tempDir('civictwin-demo-e2e-');
const PASSWORD = 'correct horse battery';
let store: DuckDbStore;
let services: Services;
let host: WebHost;
let base: string;
let browser: Browser;
let console_: Page;
let wall: Page;

beforeAll(async () => {
  const db = tmp.path('demo.duckdb');
  await seedTwin(db, 1, 300, undefined, () => undefined, demoEndDay());
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked', simulated: true });
  await prepareDemoTwin(store, () => undefined);
  await services.auth.addUser('presenter', '演示人', 'operator', PASSWORD);
  const wallToken = (await services.auth.addToken('hall wall', 'wall', 'test')).token;
  host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: RENDERER_TEST_DIST, port: 0 });
  base = `http://127.0.0.1:${await host.listen()}/`;
  browser = await launchBrowser();
  console_ = (await openApp(browser, base, { username: 'presenter', password: PASSWORD })).page;
  wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await wall.goto(`${base}#wall=${wallToken}`);
  await wall.waitForFunction(() => (window as unknown as { __civictwin?: DemoHooks }).__civictwin?.ready === true, undefined, { timeout: 120_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  services?.stop();
  store?.close();
  tmp.cleanup();
});

const stepText = (p: Page): Promise<string | null> => p.getByTestId('presenter-step').textContent();

describe('the demo story on screen', () => {
  it('PageDown steps the story; the resident report is drawn on the map; notes on the console only', async () => {
    const bar = console_.getByTestId('presenter-bar');
    await bar.waitFor({ timeout: 30_000 });
    expect(await stepText(console_)).toBe('0/9');
    await console_.keyboard.press('PageDown');
    await expect.poll(() => stepText(console_), { timeout: 30_000 }).toBe('1/9');
    expect(await console_.getByTestId('presenter-title').textContent()).toBe('平常的早晨');
    expect(await console_.getByTestId('presenter-notes').textContent()).toContain('江滨街道');

    const before = new Set(await console_.evaluate(() => (window as unknown as { __civictwin: DemoHooks }).__civictwin.incidentIds()));
    await console_.keyboard.press('PageDown');
    await expect.poll(() => stepText(console_), { timeout: 60_000 }).toBe('2/9');
    // The step's report is on the map's incident layer, and its detail is open in the queue.
    await expect
      .poll(async () => (await console_.evaluate(() => (window as unknown as { __civictwin: DemoHooks }).__civictwin.incidentIds())).filter((id) => id.startsWith('DEMO-') && !before.has(id)).length, { timeout: 30_000 })
      .toBe(1);
    await expect.poll(() => console_.getByTestId('incident-detail').textContent(), { timeout: 30_000 }).toContain('井盖破损');
  });

  it('a wall follows the same step, with the title and without the presenter notes or controls', async () => {
    await expect.poll(() => wall.getByTestId('presenter-step').textContent(), { timeout: 30_000 }).toBe('2/9');
    expect(await wall.getByTestId('presenter-title').textContent()).toBe('居民上报 → 派单');
    expect(await wall.getByTestId('presenter-notes').count()).toBe(0);
    expect(await wall.getByTestId('presenter-next').count()).toBe(0);
    // A wall's clicker does nothing: it may only look.
    await wall.keyboard.press('PageDown');
    await expect.poll(() => stepText(console_), { timeout: 5_000 }).toBe('2/9');
  });
});
