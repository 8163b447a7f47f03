/**
 * Issue 13 in a real browser against the real web host, on a twin of its own: a resident reports
 * through the form on a phone-sized screen (390×844, Chinese) and on a laptop (1366×768, English),
 * picking the place on the district's sketch, gets a receipt code, and — once the console has
 * handled it — rates it from the same page (2★ reopens it); the form is drawn in the bundled Noto
 * Sans SC. Then the console's 吹哨报到 tab: three departments summoned, one late and escalated,
 * on the map and at the bottom of the scoreboard. Screenshots in both languages to test-results/.
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
import { WhistleService } from '../../electron/services/whistle/WhistleService.ts';
import { tempDir } from '../unit/helpers.ts';

const OUT = join(REPO_ROOT, 'test-results');
const tmp = tempDir('civictwin-reports-e2e-');
const credentials = { username: 'duty-officer', password: 'whistle e2e password 1' };
let store: DuckDbStore;
let services: Services;
let host: WebHost;
let baseUrl = '';
let browser: Browser;
let api: ApiSession;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const db = tmp.path('reports.duckdb');
  await seedTwin(db, 4, 600, undefined, () => undefined);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  await services.auth.addUser(credentials.username, '值班员', 'operator', credentials.password);
  host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: RENDERER_TEST_DIST, port: 0 });
  baseUrl = `http://127.0.0.1:${await host.listen()}/`;
  api = await signInOverHttp(baseUrl, credentials);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  services?.stop();
  store?.close();
});

async function handleFromConsole(incidentId: string): Promise<void> {
  const options = await api.call<{ kind: string; id: number }[]>('incidents', 'proposeDispatch', [incidentId]);
  for (const action of [{ action: 'accept' }, { action: 'dispatch', assignee: { kind: options[0]!.kind, id: options[0]!.id } }, { action: 'handle' }, { action: 'feedback', note: '已处理' }]) {
    await api.call('incidents', 'actOnIncident', [incidentId, action]);
  }
}

async function reportThroughForm(page: Page, lang: 'zh-CN' | 'en', tag: string, description: string): Promise<string> {
  await page.goto(`${baseUrl}report?lang=${lang}`);
  await page.locator('[data-testid="map"]').waitFor({ timeout: 30_000 });
  // The bundled font, not the system's: its faces come from the host.
  await page.waitForFunction(() => document.fonts.check('16px "Noto Sans SC"', '问题上报') && Array.from(document.fonts as unknown as Iterable<FontFace>).some((f) => f.family.includes('Noto Sans SC') && f.status === 'loaded'), undefined, { timeout: 30_000 });
  await page.screenshot({ path: join(OUT, `report-form-${tag}.png`), fullPage: true });
  // Sending with nothing filled in says what is missing.
  await page.locator('[data-testid="submit"]').click();
  await expect.poll(() => page.locator('[data-testid="form-error"]').textContent()).toBe(lang === 'en' ? 'Pick the kind of problem.' : '请选择一个问题类别。');
  await page.locator('label.chip', { has: page.locator('[data-testid="cat-garbage"]') }).click();
  await page.locator('[data-testid="description"]').fill(description);
  const map = page.locator('[data-testid="map"]');
  const box = (await map.boundingBox())!;
  await map.click({ position: { x: box.width * 0.5, y: box.height * 0.5 } });
  await expect.poll(() => page.locator('[data-testid="pin"]').getAttribute('visibility')).toBe('visible');
  await page.screenshot({ path: join(OUT, `report-form-filled-${tag}.png`), fullPage: true });
  await page.locator('[data-testid="submit"]').click();
  const code = page.locator('[data-testid="receipt-code"]');
  await code.waitFor({ timeout: 30_000 });
  const receipt = (await code.textContent())!;
  expect(receipt).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  expect(await page.locator('[data-testid="stage"]').getAttribute('data-stage')).toBe('received');
  await page.screenshot({ path: join(OUT, `report-receipt-${tag}.png`), fullPage: true });
  return receipt;
}

describe.skipIf(process.env.ONLY_WHISTLE === '1')('residents report through the form', () => {
  it('on a phone in Chinese: report, receipt, rated 2★ after handling, reopened', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await reportThroughForm(page, 'zh-CN', '390x844-zh', '小区东门垃圾桶满了三天没人清运');
    const incidentId = (await store.one<{ id: string }>('SELECT incident_id AS id FROM resident_reports ORDER BY submitted_at DESC LIMIT 1'))!.id;
    await handleFromConsole(incidentId);
    await page.reload();
    await page.locator('[data-testid="rate-card"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="stage"]').getAttribute('data-stage')).toBe('handled');
    await page.locator('.stars label', { has: page.locator('[data-testid="star-2"]') }).click();
    await page.locator('[data-testid="rate-comment"]').fill('只清了一半');
    await page.screenshot({ path: join(OUT, 'report-rate-390x844-zh.png'), fullPage: true });
    await page.locator('[data-testid="rate-send"]').click();
    await expect.poll(() => page.locator('[data-testid="stage"]').getAttribute('data-stage'), { timeout: 30_000 }).toBe('reopened');
    await page.screenshot({ path: join(OUT, 'report-reopened-390x844-zh.png'), fullPage: true });
    const detail = await api.call<{ status: string }>('incidents', 'getIncident', [incidentId]);
    expect(detail.status).toBe('accepted');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('on a laptop in English: report, handled, rated 5★ closes 评价', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await reportThroughForm(page, 'en', '1366x768-en', 'The street light by block 3 has been out for a week');
    const incidentId = (await store.one<{ id: string }>('SELECT incident_id AS id FROM resident_reports ORDER BY submitted_at DESC LIMIT 1'))!.id;
    await handleFromConsole(incidentId);
    await page.reload();
    await page.locator('[data-testid="rate-card"]').waitFor({ timeout: 30_000 });
    await page.locator('.stars label', { has: page.locator('[data-testid="star-5"]') }).click();
    await page.locator('[data-testid="rate-send"]').click();
    await expect.poll(() => page.locator('[data-testid="stage"]').getAttribute('data-stage'), { timeout: 30_000 }).toBe('rated');
    await page.screenshot({ path: join(OUT, 'report-rated-1366x768-en.png'), fullPage: true });
    expect((await api.call<{ status: string }>('incidents', 'getIncident', [incidentId])).status).toBe('evaluated');
    // The Chinese form at the laptop size too.
    await page.goto(`${baseUrl}report`);
    await page.locator('[data-testid="map"]').waitFor();
    await page.screenshot({ path: join(OUT, 'report-form-1366x768-zh.png'), fullPage: true });
    await page.close();
  }, 420_000);
});

describe.skipIf(process.env.ONLY_REPORTS === '1')('吹哨报到 on the console', () => {
  it('shows who is coming and who is late on the map, and the late department last on the scoreboard', async () => {
    const now = Date.now();
    const info = await services.api.store.getTwinInfo();
    const lon = (info.bbox[0] + info.bbox[2]) / 2;
    const lat = (info.bbox[1] + info.bbox[3]) / 2;
    const deps = await api.call<{ id: number; name: string }[]>('whistle', 'listDepartments', []);
    const [a, b, c] = deps.map((d) => d.id) as [number, number, number];
    const iso = (ms: number): string => new Date(ms).toISOString();
    const r = await services.ingest.ingestValues(
      [
        { id: 'e2e-w-inc', type: 'incident.reported', ts: iso(now - 50 * 60_000), source: 'grid-app', data: { incidentId: 'INC-E2E-W', category: 'waterlogging', severity: 3, lon, lat, reporter: 'grid_worker', description: '地下通道积水，需水务、城管、交通联合处置' } },
        { id: 'e2e-w-blow', type: 'whistle.blown', ts: iso(now - 40 * 60_000), source: 'street-office', data: { whistleId: 'W-E2E', incidentId: 'INC-E2E-W', kind: 'emergency', departmentIds: [a, b, c], deadlineMin: 30 } },
        { id: 'e2e-w-a', type: 'whistle.step', ts: iso(now - 28 * 60_000), source: 'dept-app', data: { whistleId: 'W-E2E', departmentId: a, step: 'reported_in' } },
        { id: 'e2e-w-b', type: 'whistle.step', ts: iso(now - 2 * 60_000), source: 'dept-app', data: { whistleId: 'W-E2E', departmentId: b, step: 'en_route', lon: lon + 0.006, lat: lat + 0.003, etaMin: 6 } },
      ],
      'http',
    );
    expect(r.rejected).toEqual([]);
    // The host's deadline check (every 15 s) escalates B and C; run it now rather than wait.
    expect(await new WhistleService(store, { ingest: services.ingest, personalData: 'masked' }).escalateLate()).toBe(2);
    // The console on a busy machine (software WebGL) may take minutes to be ready.
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(baseUrl, { timeout: 300_000 });
    await page.locator('[data-testid="sign-in"] input[name="username"]').fill(credentials.username, { timeout: 120_000 });
    await page.locator('[data-testid="sign-in"] input[name="password"]').fill(credentials.password);
    await page.locator('[data-testid="sign-in"] button[type="submit"]').click();
    await page.waitForFunction(() => window.__civictwin?.ready === true, undefined, { timeout: 600_000 });
    await page.screenshot({ path: join(OUT, 'whistle-opened-1366x768.png'), timeout: 120_000 });
    await page.locator('[data-testid="tab-whistle"]').click({ timeout: 20_000 });
    const summons = page.locator('[data-testid="whistle-summons"]');
    await expect.poll(() => summons.count(), { timeout: 30_000 }).toBe(3);
    expect(await page.locator('[data-testid="whistle-summons"][data-state="late"]').count()).toBe(2);
    await expect.poll(() => page.locator('[data-testid="whistle-board-row"]').count()).toBe(3);
    const rows = await page.locator('[data-testid="whistle-board-row"]').allTextContents();
    expect(rows[0]).toContain(deps[0]!.name);
    await expect
      .poll(() => page.evaluate(() => window.__civictwin!.layers().find((l) => l.id === 'whistle-departments')?.count ?? 0), { timeout: 30_000 })
      .toBe(3);
    await page.evaluate(([x, y]) => (window as unknown as { __civictwin: { flyToPoint?: (a: number, b: number) => void } }).__civictwin.flyToPoint?.(x!, y!), [lon, lat]);
    await page.screenshot({ path: join(OUT, 'whistle-1366x768-zh.png'), timeout: 120_000 });
    await page.evaluate(() => window.__civictwin!.setLanguage('en'));
    await expect.poll(() => page.locator('[data-testid="whistle-board"] h3').textContent()).toContain('Departments by response');
    await page.screenshot({ path: join(OUT, 'whistle-1366x768-en.png'), timeout: 120_000 });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: join(OUT, 'whistle-1920x1080-en.png'), timeout: 120_000 });
    await page.evaluate(() => window.__civictwin!.setLanguage('zh-CN'));
    await page.screenshot({ path: join(OUT, 'whistle-1920x1080-zh.png'), timeout: 120_000 });
    expect(errors.filter((e) => !/WebGL|GPU|swiftshader/i.test(e))).toEqual([]);
    await page.close();
  }, 900_000);
});
