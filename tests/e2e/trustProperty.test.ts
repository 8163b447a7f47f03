/**
 * 信托制物业 in a real browser against the real web host (issue 13), on a seeded demo twin (its year
 * of ledgers comes from the seed): `#trust=1` opens the first compound's board after sign-in as a
 * viewer; every chart draws (coloured pixels in its canvas); the spend without a council vote is
 * in the anomalies in red and its row in the public ledger is flagged; sorting the ledger by amount
 * puts the largest first; `#trust=all` shows every compound and the three injected anomalies; in
 * English too. Screenshots at 1920×1080 in both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { closeWebTest, launchBrowser, signInOverHttp } from './fixtures.ts';
import { REPO_ROOT, RENDERER_TEST_DIST } from '../../electron/cli/paths.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import type { TrustBoard } from '../../data/model/trustProperty/index.ts';
import { tempDir } from '../unit/helpers.ts';

const OUT = join(REPO_ROOT, 'test-results');
const tmp = tempDir('civictwin-trust-e2e-');
const credentials = { username: 'trust-viewer', password: 'trust e2e password 1' };
let store: DuckDbStore;
let services: Services;
let host: WebHost;
let baseUrl = '';
let browser: Browser;
let page: Page;
const errors: string[] = [];
const CHARTS = ['collection', 'spending', 'balance', 'share'] as const;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const db = tmp.path('trust.duckdb');
  await seedTwin(db, 7, 200, undefined, () => undefined);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  await services.auth.addUser(credentials.username, '物业监督员', 'viewer', credentials.password);
  host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: RENDERER_TEST_DIST, port: 0 });
  baseUrl = `http://127.0.0.1:${await host.listen()}/`;
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${baseUrl}#trust=1`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.locator('[data-testid="sign-in"] input[name="username"]').fill(credentials.username, { timeout: 60_000 });
  await page.locator('[data-testid="sign-in"] input[name="password"]').fill(credentials.password);
  await page.locator('[data-testid="sign-in"] button[type="submit"]').click();
  await page.locator('[data-testid="trust-page"][data-ready="true"]').waitFor({ timeout: 120_000 });
}, 600_000);

afterAll(() => closeWebTest({ browser, host, services, store, tmp }));

/** Pixels of a chart's canvas in a series colour (saturated), not the dark panel or the grey text. */
async function colouredPixels(id: string): Promise<number> {
  return page.evaluate((testId) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="trust-canvas-${testId}"] canvas`);
    if (!canvas || canvas.width === 0) return 0;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
      if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured++;
    }
    return coloured;
  }, id);
}

describe('the trust-model property board', () => {
  it('draws every chart of the first compound', async () => {
    for (const id of CHARTS) {
      const card = page.getByTestId(`trust-chart-${id}`);
      await expect.poll(() => card.locator('h2').innerText()).not.toBe('');
      await expect.poll(() => colouredPixels(id), { timeout: 15_000, message: id }).toBeGreaterThan(300);
    }
  });

  it('shows the spend without a vote in red, in the anomalies and in the public ledger', async () => {
    const api = await signInOverHttp(baseUrl, credentials);
    const board = await api.call<TrustBoard>('trustProperty', 'getBoard', [1]);
    const spend = board.anomalies.find((a) => a.kind === 'spend_without_vote')!;
    expect(spend).toBeDefined();
    const anomaly = page.getByTestId('trust-anomaly-spend_without_vote');
    await expect.poll(() => anomaly.innerText()).toContain('未经业委会表决');
    expect(await anomaly.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(255, 77, 79)');
    const flagged = page.getByTestId('trust-flagged-entry');
    expect(await flagged.count()).toBe(1);
    expect(await flagged.innerText()).toContain('安防设备供应商');
    expect(await flagged.innerText()).toContain('未经业委会表决');
    expect(await page.getByTestId('trust-tile-collection').innerText()).toMatch(/9\d\.\d%/);
    // A viewer reads the ledger; booking entries and votes is an operator's.
    expect(await page.getByTestId('trust-forms').count()).toBe(0);
    // Sorted by amount, largest first: the staff wages or a voted repair lead, every row has a vote but the flagged one.
    await page.getByTestId('trust-sort-amountFen').click();
    const first = await page.locator('[data-testid="trust-ledger"] tbody tr').first().innerText();
    expect(first).not.toBe('');
    await page.screenshot({ path: join(OUT, 'e2e-trust-zh-CN-1920x1080.png'), timeout: 120_000, fullPage: true });
  });

  it('shows every compound together with the injected anomalies, in English too', async () => {
    await page.getByTestId('trust-pick').selectOption('all');
    await page.locator('[data-testid="trust-page"][data-ready="true"]').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('trust-anomaly-company_fee_share').count()).toBe(1);
    expect(await page.getByTestId('trust-anomaly-collection_falling').count()).toBe(1);
    expect(await page.locator('[data-testid^="trust-compound-"]').count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('trust-ledger').count()).toBe(0);
    await page.getByTestId('trust-language').click();
    await expect.poll(() => page.getByTestId('trust-chart-spending').locator('h2').innerText()).toBe('Spending by item (year)');
    await expect.poll(() => colouredPixels('collection'), { timeout: 15_000 }).toBeGreaterThan(300);
    await page.screenshot({ path: join(OUT, 'e2e-trust-en-1920x1080.png'), timeout: 120_000, fullPage: true });
  });

  it('marks the compounds on the console map with `T`, and opens the board with `t`', async () => {
    const console_ = await page.context().newPage();
    console_.on('pageerror', (e) => errors.push(String(e)));
    await console_.setViewportSize({ width: 1366, height: 768 });
    await console_.goto(baseUrl, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await console_.waitForFunction(() => window.__civictwin?.ready === true, undefined, { timeout: 300_000 });
    await console_.keyboard.press('Shift+T');
    await expect
      .poll(() => console_.evaluate(() => window.__civictwin!.layers().find((l) => l.id === 'trust-compounds')?.count ?? 0), { timeout: 180_000 })
      .toBeGreaterThanOrEqual(3);
    await console_.screenshot({ path: join(OUT, 'e2e-trust-console-1366x768.png'), timeout: 120_000 });
    const [board] = await Promise.all([page.context().waitForEvent('page'), console_.keyboard.press('t')]);
    expect(board.url()).toMatch(/#trust=all$/);
    await board.locator('[data-testid="trust-page"][data-ready="true"]').waitFor({ timeout: 120_000 });
    await board.close();
    await console_.close();
  }, 900_000);

  it('logs no errors in the page', () => {
    expect(errors.filter((e) => !/GPU stall|WebGL-|swiftshader/i.test(e))).toEqual([]);
  });
});
