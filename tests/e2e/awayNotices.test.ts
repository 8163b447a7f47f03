/**
 * 出行报备 in a real browser against the real web host, on a twin of its own: an elderly resident
 * living alone has gone silent for five days and the no-usage alert is in the list; the operator
 * opens it, records the trip in the household record, and the alert leaves the list while the
 * notice shows under the record; cancelling it empties the section again. A viewer sees the list
 * but no form. Screenshots in Chinese and English.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { closeWebTest, launchBrowser } from './fixtures.ts';
import { REPO_ROOT, RENDERER_TEST_DIST } from '../../electron/cli/paths.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import { dayAt } from '../../data/analytics/meterDetector.ts';
import { silenceElderlyHome, tempDir } from '../unit/helpers.ts';

const OUT = join(REPO_ROOT, 'test-results');
const tmp = tempDir('civictwin-away-e2e-');
const operator = { username: 'away-duty', password: 'away e2e password 1' };
const viewer = { username: 'away-viewer', password: 'away e2e password 2' };
const LAST = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
let store: DuckDbStore;
let services: Services;
let host: WebHost;
let baseUrl = '';
let browser: Browser;
let home = 0;
let alertId = '';

async function signedIn(who: { username: string; password: string }): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.locator('[data-testid="sign-in"] input[name="username"]').fill(who.username, { timeout: 60_000 });
  await page.locator('[data-testid="sign-in"] input[name="password"]').fill(who.password);
  await page.locator('[data-testid="sign-in"] button[type="submit"]').click();
  await page.waitForFunction(() => window.__civictwin?.ready === true, undefined, { timeout: 120_000 });
  return { page, errors };
}

/** Opens the alert from the list: its household record opens in the inspector. */
async function openAlert(page: Page): Promise<void> {
  await page.getByTestId('tab-alerts').click();
  const row = page.locator(`[data-testid="alert-row"][data-alert-id="${alertId}"]`);
  await row.waitFor({ timeout: 30_000 });
  await row.locator('.alert-main').click();
  await page.getByTestId('household-card').waitFor({ timeout: 30_000 });
  await page.getByTestId('away-notices').waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const db = tmp.path('away.duckdb');
  await seedTwin(db, 5, 300, undefined, () => undefined, LAST);
  store = await DuckDbStore.open(db);
  home = await silenceElderlyHome(store, dayAt(LAST, -4));
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  alertId = (await store.one<{ id: string }>("SELECT id FROM meter_alerts WHERE household_id = $h AND kind = 'no_usage' AND status = 'open'", { h: home }))!.id;
  await services.auth.addUser(operator.username, '值班员', 'operator', operator.password);
  await services.auth.addUser(viewer.username, '观察员', 'viewer', viewer.password);
  host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: RENDERER_TEST_DIST, port: 0 });
  baseUrl = `http://127.0.0.1:${await host.listen()}/`;
  browser = await launchBrowser();
}, 600_000);

afterAll(() => closeWebTest({ browser, host, services, store, tmp }));

describe('出行报备 in the household record', () => {
  it('a viewer sees the section but no form', async () => {
    const { page, errors } = await signedIn(viewer);
    await openAlert(page);
    await page.getByTestId('away-none').waitFor();
    expect(await page.getByTestId('away-form').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('an operator records the trip: the alert leaves the list, the notice shows; cancelling it removes it', async () => {
    const { page, errors } = await signedIn(operator);
    await openAlert(page);
    const section = page.getByTestId('away-notices');
    expect(await section.innerText()).toContain('出行报备');
    // An end before the start is refused in the form, before the host is asked.
    await page.getByTestId('away-start').fill(dayAt(LAST, 3));
    await page.getByTestId('away-end').fill(LAST);
    await page.getByTestId('away-submit').click();
    await expect.poll(() => section.innerText()).toContain('返回日期不能早于离家日期');
    await page.getByTestId('away-start').fill(dayAt(LAST, -4));
    await page.getByTestId('away-end').fill(dayAt(LAST, 10));
    await page.getByTestId('away-note').fill('去女儿家住两周');
    await page.getByTestId('away-submit').click();
    await page.getByTestId('away-item').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('away-item').innerText()).toContain('去女儿家住两周');
    await expect.poll(() => page.locator(`[data-testid="alert-row"][data-alert-id="${alertId}"]`).count(), { timeout: 10_000 }).toBe(0);
    await page.getByTestId('household-card').screenshot({ path: join(OUT, 'e2e-away-zh.png') });
    await page.evaluate(() => window.__civictwin!.setLanguage('en'));
    await expect.poll(() => section.innerText()).toContain('Announced absence');
    await page.getByTestId('household-card').screenshot({ path: join(OUT, 'e2e-away-en.png') });
    await page.getByTestId('away-cancel').click();
    await page.getByTestId('away-none').waitFor({ timeout: 10_000 });
    const audit = await store.all<{ action: string }>("SELECT action FROM audit_log WHERE actor = $a AND action <> 'sign_in' ORDER BY id", { a: operator.username });
    expect(audit.map((a) => a.action)).toEqual(['away.add', 'alert.outcome', 'away.cancel']);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
