/**
 * The audit viewer in a real browser against the real web host (issue 10): a supervisor opens it
 * from the top bar, finds a reveal of personal data under their own name with its reason, filters
 * by action, sees the hash chain intact, and exports CSV (a download whose rows match).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, signInOverHttp, type OpenedApp } from './fixtures.ts';
import { REPO_ROOT } from '../../electron/cli/paths.ts';

const baseUrl = inject('baseUrl');
const credentials = inject('credentials');
const OUT = join(REPO_ROOT, 'test-results');

let browser: Browser;
let app: OpenedApp;
const reason = `E2E 审计核查 ${Date.now()}`;

beforeAll(async () => {
  // Something to find: a reveal by the supervisor (an operator's right, which a supervisor has).
  const api = await signInOverHttp(baseUrl, credentials);
  const building = inject('truth').sampleBuildings[0]!;
  const units = (await api.call<{ units: { householdId: number }[] }>('store', 'getBuildingUnits', [building.id])).units;
  await api.call('store', 'revealHousehold', [units[0]!.householdId, reason]);
  browser = await launchBrowser();
  app = await openApp(browser, baseUrl, credentials);
});
afterAll(async () => {
  await browser?.close();
});

describe('the audit viewer', () => {
  it('shows a supervisor who revealed what and why, filters by action, and says the chain is intact', async () => {
    await app.page.getByTestId('audit-open').click();
    const viewer = app.page.getByTestId('audit-viewer');
    await expect.poll(() => viewer.getByTestId('audit-chain').innerText(), { timeout: 15_000 }).toMatch(/哈希链完整 · \d+ 条/);
    const row = viewer.getByTestId('audit-row').filter({ hasText: reason });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    const text = await row.innerText();
    expect(text).toContain(credentials.username);
    expect(text).toContain('查看个人信息');
    expect(text).toMatch(/household:\d+/);
    mkdirSync(OUT, { recursive: true });
    await app.page.screenshot({ path: join(OUT, 'e2e-audit.png') });
    // Only sign-ins: the reveal is filtered out, the sign-in through the form is there.
    await viewer.getByTestId('audit-action').selectOption('sign_in');
    await expect.poll(() => viewer.getByTestId('audit-row').filter({ hasText: reason }).count()).toBe(0);
    await expect.poll(() => viewer.getByTestId('audit-row').filter({ hasText: credentials.username }).count()).toBeGreaterThan(0);
    expect(await viewer.getByTestId('audit-reveals').innerText()).toMatch(new RegExp(`${credentials.username} \\d+/30`));
  });

  it('exports the filtered rows as CSV', async () => {
    const viewer = app.page.getByTestId('audit-viewer');
    await viewer.getByTestId('audit-action').selectOption('reveal_personal_data');
    const [download] = await Promise.all([app.page.waitForEvent('download'), viewer.getByTestId('audit-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^civictwin-audit-\d{12}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,time_utc,actor,action,subject,reason');
    expect(lines.some((l) => l.includes(reason) && l.includes(credentials.username))).toBe(true);
    expect(lines.slice(1).every((l) => l.includes(',reveal_personal_data,'))).toBe(true);
    // The export is itself in the log.
    await viewer.getByTestId('audit-action').selectOption('audit.export');
    await expect.poll(() => viewer.getByTestId('audit-row').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await app.page.keyboard.press('Escape');
    await expect.poll(() => app.page.getByTestId('audit-viewer').count()).toBe(0);
  });

  it('logs no errors in the page', () => {
    expect(app.errors.filter((e) => !/GPU stall|WebGL-|swiftshader/i.test(e))).toEqual([]);
  });
});
