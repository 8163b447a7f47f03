/**
 * 民生微实事 in a real browser against the real web host (issue 13), on a seeded demo twin (its year
 * of projects comes from the seed): `#projects=<second community>` opens the board of the community
 * whose last award overran its allocation, after sign-in as a viewer; every chart draws (coloured
 * pixels in its canvas) and the budget bar shows the overrun in red; the anomaly and the flagged
 * project are red; a project opens to its milestones with photos; `#projects=all` shows every
 * community with the three injected anomalies; in English too. On the console `M` draws the
 * projects on the map in their stage colours with a legend, and `m` opens the board. Screenshots at
 * 1366×768 and 1920×1080 in both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { closeWebTest, launchBrowser, signInOverHttp } from './fixtures.ts';
import { REPO_ROOT, RENDERER_TEST_DIST } from '../../electron/cli/paths.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import type { MicroBoard, MicroCommunitySummary } from '../../data/model/microProjects/index.ts';
import { tempDir } from '../unit/helpers.ts';

const OUT = join(REPO_ROOT, 'test-results');
const tmp = tempDir('civictwin-micro-e2e-');
const credentials = { username: 'micro-viewer', password: 'micro e2e password 1' };
let store: DuckDbStore;
let services: Services;
let host: WebHost;
let baseUrl = '';
let browser: Browser;
let page: Page;
let communities: MicroCommunitySummary[] = [];
const errors: string[] = [];
const CHARTS = ['budget', 'stages', 'satisfaction', 'categories'] as const;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const db = tmp.path('micro.duckdb');
  await seedTwin(db, 7, 200, undefined, () => undefined);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  await services.auth.addUser(credentials.username, '社区监督员', 'viewer', credentials.password);
  host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: RENDERER_TEST_DIST, port: 0 });
  baseUrl = `http://127.0.0.1:${await host.listen()}/`;
  const api = await signInOverHttp(baseUrl, credentials);
  communities = await api.call<MicroCommunitySummary[]>('microProjects', 'listCommunities', []);
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${baseUrl}#projects=${communities[1]!.id}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.locator('[data-testid="sign-in"] input[name="username"]').fill(credentials.username, { timeout: 60_000 });
  await page.locator('[data-testid="sign-in"] input[name="password"]').fill(credentials.password);
  await page.locator('[data-testid="sign-in"] button[type="submit"]').click();
  await page.locator('[data-testid="micro-page"][data-ready="true"]').waitFor({ timeout: 120_000 });
}, 600_000);

afterAll(() => closeWebTest({ browser, host, services, store, tmp }));

/** Pixels of a chart's canvas in a series colour (saturated), or close to `rgb` when given. */
async function colouredPixels(id: string, rgb?: [number, number, number]): Promise<number> {
  return page.evaluate(
    ([testId, want]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="micro-canvas-${testId}"] canvas`);
      if (!canvas || canvas.width === 0) return 0;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
        if (a < 128) continue;
        if (want ? Math.abs(r - want[0]) + Math.abs(g - want[1]) + Math.abs(b - want[2]) < 40 : Math.max(r, g, b) - Math.min(r, g, b) > 80) n++;
      }
      return n;
    },
    [id, rgb ?? null] as const,
  );
}

/** Pixels of a screenshot within a small distance of `rgb`. */
function pixelsNear(png: Buffer, rgb: [number, number, number]): number {
  const img = PNG.sync.read(png);
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    if (Math.abs(img.data[i]! - rgb[0]) + Math.abs(img.data[i + 1]! - rgb[1]) + Math.abs(img.data[i + 2]! - rgb[2]) < 30) n++;
  }
  return n;
}

describe('the micro-projects board', () => {
  it("draws every chart of the overrun community, the overrun red past its allocation", async () => {
    for (const id of CHARTS) {
      const card = page.getByTestId(`micro-chart-${id}`);
      await expect.poll(() => card.locator('h2').innerText()).not.toBe('');
      await expect.poll(() => colouredPixels(id), { timeout: 15_000, message: id }).toBeGreaterThan(300);
    }
    await expect.poll(() => colouredPixels('budget', [255, 77, 79]), { timeout: 15_000 }).toBeGreaterThan(100);
    expect(await page.getByTestId('micro-tile-remaining').innerText()).toMatch(/¥-|¥−/);
    await page.setViewportSize({ width: 1366, height: 768 });
    await expect.poll(() => colouredPixels('stages'), { timeout: 15_000 }).toBeGreaterThan(300);
    await page.screenshot({ path: join(OUT, 'e2e-micro-zh-CN-1366x768.png'), timeout: 120_000, fullPage: true });
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  it('shows the overrun in red in the anomalies and the list, and opens a project to its milestones and photos', async () => {
    const anomaly = page.getByTestId('micro-anomaly-over_allocation');
    await expect.poll(() => anomaly.innerText()).toContain('超出年度专项资金');
    expect(await anomaly.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(255, 77, 79)');
    const flagged = page.getByTestId('micro-flagged-project');
    expect(await flagged.count()).toBe(1);
    expect(await flagged.innerText()).toContain('超出年度资金');
    // A viewer reads; recording steps is an operator's.
    expect(await page.getByTestId('micro-forms').count()).toBe(0);
    // The first accepted project opens to its milestones, each reached with a photo.
    const accepted = page.locator('[data-testid="micro-project"]', { hasText: '已验收' }).first();
    await accepted.locator('button').click();
    await page.getByTestId('micro-detail').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('micro-milestone').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('micro-photo').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('micro-detail').innerText()).toMatch(/居民议事会表决：\d+ 赞成/);
    await page.screenshot({ path: join(OUT, 'e2e-micro-zh-CN-1920x1080.png'), timeout: 120_000, fullPage: true });
  });

  it('shows every community together with the three injected anomalies, in English too', async () => {
    const api = await signInOverHttp(baseUrl, credentials);
    const all = await api.call<MicroBoard>('microProjects', 'getBoard', [null]);
    await page.getByTestId('micro-pick').selectOption('all');
    await page.locator('[data-testid="micro-page"][data-ready="true"]').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('micro-anomaly-awarded_without_vote').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('micro-anomaly-over_allocation').count()).toBe(1);
    expect(await page.getByTestId('micro-anomaly-milestone_overdue').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-testid^="micro-community-"]').count()).toBe(communities.length);
    expect(await page.locator('[data-testid="micro-projects"] tbody tr').count()).toBe(all.projects.length);
    await page.getByTestId('micro-language').click();
    await expect.poll(() => page.getByTestId('micro-chart-stages').locator('h2').innerText()).toBe('Projects by stage');
    await expect.poll(() => colouredPixels('budget'), { timeout: 15_000 }).toBeGreaterThan(300);
    await expect.poll(() => colouredPixels('satisfaction'), { timeout: 15_000 }).toBeGreaterThan(300);
    await page.screenshot({ path: join(OUT, 'e2e-micro-en-1920x1080.png'), timeout: 120_000, fullPage: true });
    await page.setViewportSize({ width: 1366, height: 768 });
    await expect.poll(() => colouredPixels('categories'), { timeout: 15_000 }).toBeGreaterThan(300);
    await page.screenshot({ path: join(OUT, 'e2e-micro-en-1366x768.png'), timeout: 120_000, fullPage: true });
    await page.getByTestId('micro-language').click();
    // A 4K wall in Chinese: the charts redraw at the new size.
    await page.setViewportSize({ width: 3840, height: 2160 });
    await expect.poll(() => page.getByTestId('micro-chart-stages').locator('h2').innerText()).not.toBe('Projects by stage');
    await expect.poll(() => colouredPixels('budget'), { timeout: 30_000 }).toBeGreaterThan(1200);
    await page.screenshot({ path: join(OUT, 'e2e-micro-zh-CN-3840x2160.png'), timeout: 120_000 });
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  it('draws the projects on the console map in their stage colours with a legend (`M`), and opens the board with `m`', async () => {
    const console_ = await page.context().newPage();
    console_.on('pageerror', (e) => errors.push(String(e)));
    await console_.setViewportSize({ width: 1366, height: 768 });
    await console_.goto(baseUrl, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await console_.waitForFunction(() => window.__civictwin?.ready === true, undefined, { timeout: 300_000 });
    const accepted: [number, number, number] = [95, 211, 154];
    const before = pixelsNear(await console_.screenshot({ timeout: 120_000 }), accepted);
    await console_.keyboard.press('Shift+M');
    await expect
      .poll(() => console_.evaluate(() => window.__civictwin!.layers().find((l) => l.id === 'micro-projects')?.count ?? 0), { timeout: 180_000 })
      .toBeGreaterThanOrEqual(40);
    await console_.getByTestId('micro-legend').waitFor({ timeout: 30_000 });
    expect(await console_.getByTestId('micro-legend').innerText()).toContain('已验收');
    await expect.poll(async () => pixelsNear(await console_.screenshot({ timeout: 120_000 }), accepted) - before, { timeout: 60_000 }).toBeGreaterThan(200);
    await console_.screenshot({ path: join(OUT, 'e2e-micro-console-1366x768.png'), timeout: 120_000 });
    const [board] = await Promise.all([page.context().waitForEvent('page'), console_.keyboard.press('m')]);
    expect(board.url()).toMatch(/#projects=all$/);
    await board.locator('[data-testid="micro-page"][data-ready="true"]').waitFor({ timeout: 120_000 });
    await board.close();
    await console_.close();
  }, 900_000);

  it('logs no errors in the page', () => {
    expect(errors.filter((e) => !/GPU stall|WebGL-|swiftshader/i.test(e))).toEqual([]);
  });
});
