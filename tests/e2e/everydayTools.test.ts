/**
 * Everyday tools (issue 13) in a real browser against the real web host: Esc closes the
 * inspector, `/` goes to the search and finds an address and an incident on a road (with its
 * road address), the arrows move the queue's highlighted row and Enter opens it, the alert list
 * filters by kind and acknowledges the ticked alerts with one reason. Screenshots of the search
 * results, the alert filters and the help overlay at 1366×768 and 1920×1080 in both languages
 * (test-results/e2e-tools-*.png).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInOverHttp, type ApiSession } from './fixtures.ts';
import { REPO_ROOT } from '../../electron/cli/paths.ts';
import type { BasemapCollection, LiveSnapshot } from '../../electron/common/dto.ts';
import type { SearchResults } from '../../electron/common/search/contract.ts';
import { RoadIndex, type RoadAddress } from '../../data/model/roadAddress.ts';

const baseUrl = inject('baseUrl');
const OUT = join(REPO_ROOT, 'test-results');

let browser: Browser;
let page: Page;
let session: ApiSession;
/** A named road that addresses are on too, an incident placed on it, and that place's road address. */
let road: { name: string; incidentId: string; address: RoadAddress };
const runId = Date.now().toString(36).toUpperCase();

const rpc = <T>(api: string, method: string, args: unknown[]): Promise<T> => session.call<T>(api, method, args);

async function postEvents(events: object[]): Promise<void> {
  const res = await fetch(`${baseUrl}api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${inject('ingestToken')}` },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  expect(res.status).toBe(200);
}

/** The element that has the keyboard focus: its id or tag. */
const focused = (p: Page): Promise<string> => p.evaluate(() => document.activeElement?.id || document.activeElement?.tagName || '');

/** Nothing focused that takes keys of its own (as after a click on the map). */
async function blur(p: Page): Promise<void> {
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

beforeAll(async () => {
  session = await signInOverHttp(baseUrl, inject('credentials'));
  // A road whose name is also in addresses: searching it finds both kinds.
  const basemap = await rpc<BasemapCollection>('store', 'getBasemap', []);
  const index = RoadIndex.fromFeatures(basemap.features);
  const lines = basemap.features.filter((f) => f.properties.layer === 'road' && f.properties.name && f.geometry.type === 'LineString');
  let chosen: { name: string; lon: number; lat: number; address: RoadAddress } | null = null;
  for (const f of lines) {
    const name = f.properties.name!;
    const found = await rpc<SearchResults>('search', 'search', [name, 3]);
    if (!found.groups.some((g) => g.kind === 'address')) continue;
    const coords = (f.geometry as { coordinates: number[][] }).coordinates;
    const [a, b] = [coords[Math.floor(coords.length / 2) - 1] ?? coords[0]!, coords[Math.floor(coords.length / 2)]!];
    const [lon, lat] = [(a[0]! + b[0]!) / 2, (a[1]! + b[1]!) / 2];
    const address = index.locate(lon, lat);
    if (address?.road === name && address.cross !== null) {
      chosen = { name, lon, lat, address };
      break;
    }
  }
  expect(chosen, 'a named road with addresses on it').not.toBeNull();
  const now = Date.now();
  const incidentId = `ET-${runId}-ROAD`;
  road = { name: chosen!.name, incidentId, address: chosen!.address };
  // The road's incident and two more at buildings, so the queue has rows to move through.
  const building = inject('truth').sampleBuildings[0]!;
  await postEvents([
    { id: `et-${runId}-1`, type: 'incident.reported', ts: new Date(now - 4 * 60_000).toISOString(), source: 'camera-71', data: { incidentId, category: 'waterlogging', severity: 3, lon: chosen!.lon, lat: chosen!.lat, reporter: 'camera', description: '路面积水' } },
    { id: `et-${runId}-2`, type: 'incident.reported', ts: new Date(now - 3 * 60_000).toISOString(), source: 'app-resident', data: { incidentId: `ET-${runId}-B1`, category: 'garbage', severity: 2, lon: chosen!.lon, lat: chosen!.lat, buildingId: building.id, reporter: 'resident' } },
    { id: `et-${runId}-3`, type: 'incident.reported', ts: new Date(now - 2 * 60_000).toISOString(), source: 'app-resident', data: { incidentId: `ET-${runId}-B2`, category: 'noise', severity: 1, lon: chosen!.lon, lat: chosen!.lat, buildingId: building.id, reporter: 'resident' } },
  ]);
  browser = await launchBrowser();
  // As fixtures.openApp, with what the page said when it does not get ready.
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const seen: string[] = [];
  page.on('pageerror', (e) => seen.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && seen.push(m.text()));
  await page.goto(baseUrl, { timeout: 120_000 });
  const credentials = inject('credentials');
  try {
    await page.locator('[data-testid="sign-in"] input[name="username"]').fill(credentials.username, { timeout: 120_000 });
    await page.locator('[data-testid="sign-in"] input[name="password"]').fill(credentials.password);
    await page.locator('[data-testid="sign-in"] button[type="submit"]').click();
    await page.waitForFunction(() => window.__civictwin?.ready === true, undefined, { timeout: 240_000 });
  } catch (err) {
    throw new Error(`${String(err)}\n${seen.join('\n')}\n${await page.evaluate(() => document.body.innerText.slice(0, 1500))}`);
  }
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.locator(`[data-testid="incident-row"][data-incident-id="${incidentId}"], [data-testid="incident-list"]`).first().waitFor({ timeout: 30_000 });
}, 480_000);

afterAll(async () => {
  await browser?.close();
});

describe('keyboard and search', () => {
  it('`/` goes to the search, which finds an address and the incident on the road, with its road address', async () => {
    await blur(page);
    await page.keyboard.press('/');
    expect(await focused(page)).toBe('search-input');
    await page.keyboard.type(road.name);
    const results = page.getByTestId('search-results');
    await results.locator('[data-testid="search-group"][data-kind="address"] [data-testid="search-hit"]').first().waitFor({ timeout: 15_000 });
    const incidentHit = results.locator(`[data-testid="search-hit"][data-hit="i${road.incidentId}"]`);
    await incidentHit.waitFor({ timeout: 15_000 });
    // The road address: the road and the nearest crossing road.
    const text = await incidentHit.innerText();
    expect(text).toContain(road.name);
    expect(text).toContain(road.address.cross!);
    // Arrows move through the results inside the box; Enter opens the highlighted one.
    await page.keyboard.press('ArrowDown');
    const first = results.locator('[data-testid="search-hit"]').first();
    expect(await first.getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('Escape');
    await results.waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('search-input');
  });

  it('Esc closes the inspector', { timeout: 300_000 }, async () => {
    await page.getByTestId('search-input').fill('');
    await page.getByTestId('search-input').fill(road.name);
    const hit = page.locator('[data-testid="search-group"][data-kind="address"] [data-testid="search-hit"]').first();
    // Generous waits: the software-rendered map flies to the building on a shared, busy machine.
    await hit.click({ timeout: 90_000 });
    const inspector = page.getByTestId('inspector');
    await expect.poll(() => inspector.getAttribute('aria-hidden'), { timeout: 60_000 }).toBe('false');
    await blur(page);
    await page.keyboard.press('Escape');
    await expect.poll(() => inspector.getAttribute('aria-hidden'), { timeout: 5000 }).toBe('true');
    expect(await page.evaluate(() => window.__civictwin!.selectedBuildingId())).toBeNull();
  });

  it('arrows move the queue selection, Enter opens it, Esc goes back; the road incident shows its road address', { timeout: 300_000 }, async () => {
    await page.getByTestId('tab-incidents').click({ timeout: 90_000 });
    await blur(page);
    const rows = page.getByTestId('incident-row');
    await rows.nth(1).waitFor({ timeout: 10_000 });
    await page.keyboard.press('ArrowDown');
    const cursor = page.locator('[data-testid="incident-row"][data-cursor="true"]');
    await cursor.waitFor({ timeout: 5000 });
    const firstId = await cursor.getAttribute('data-incident-id');
    expect(firstId).toBe(await rows.first().getAttribute('data-incident-id'));
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => cursor.getAttribute('data-incident-id')).not.toBe(firstId);
    const secondId = await cursor.getAttribute('data-incident-id');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => cursor.getAttribute('data-incident-id')).toBe(firstId);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => cursor.getAttribute('data-incident-id')).toBe(secondId);
    await page.keyboard.press('Enter');
    await page.getByTestId('incident-detail').waitFor({ timeout: 5000 });
    await page.keyboard.press('Escape');
    await page.getByTestId('incident-queue').waitFor({ timeout: 5000 });

    // The road incident's row and detail name the road and the crossing.
    const roadRowText = await page.evaluate(async (id) => {
      const list = document.querySelector('[data-testid="incident-list"]')!;
      for (let top = 0; top <= list.scrollHeight; top += list.clientHeight * 0.8) {
        list.scrollTo({ top });
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        const row = document.querySelector(`[data-testid="incident-row"][data-incident-id="${id}"]`);
        if (row) return (row as HTMLElement).innerText;
      }
      return null;
    }, road.incidentId);
    expect(roadRowText).toContain(road.name);
    expect(roadRowText).toContain(road.address.cross!);
  });

  it('the help overlay (`?`) lists every command with its keys, and Esc closes it', async () => {
    await blur(page);
    await page.keyboard.press('?');
    const overlay = page.getByTestId('help-overlay');
    await overlay.waitFor({ timeout: 5000 });
    const ids = await overlay.locator('[data-testid="help-command"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-command')));
    expect(ids).toEqual(expect.arrayContaining(['shell.close', 'shell.help', 'search.focus', 'incidents.next', 'incidents.open', 'alerts.next', 'alerts.toggle']));
    expect(await overlay.innerText()).toContain('Esc');
    await page.keyboard.press('Escape');
    await overlay.waitFor({ state: 'detached', timeout: 5000 });
  });
});

describe('alerts', () => {
  it('filter by kind, then acknowledge the ticked alerts with one reason', async () => {
    await page.getByTestId('tab-alerts').click();
    const rows = page.locator('[data-testid="alert-row"]');
    await rows.first().waitFor({ timeout: 15_000 });
    // The kind filter leaves only that kind.
    const kind = (await rows.first().getAttribute('data-kind'))!;
    await page.getByTestId('alert-filter-kind').selectOption(kind);
    await page.getByTestId('alert-filter-count').waitFor();
    const kinds = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(new Set(kinds)).toEqual(new Set([kind]));
    await page.getByTestId('alert-filter-clear').click();

    const open = page.locator('[data-testid="alert-row"][data-status="open"]');
    expect(await open.count()).toBeGreaterThanOrEqual(2);
    const chosen = [(await open.nth(0).getAttribute('data-alert-id'))!, (await open.nth(1).getAttribute('data-alert-id'))!];
    for (const id of chosen) await page.locator(`[data-testid="alert-row"][data-alert-id="${id}"] [data-testid="alert-check"]`).check();
    await page.getByTestId('alert-bulk-ack').click();
    await page.getByTestId('alert-bulk-reason').fill('社区已电话联系，网格员今日上门');
    await page.getByTestId('alert-bulk-submit').click();
    // Acknowledged alerts move below the open ones (the list may no longer show them): none of
    // them is open or ticked any more.
    for (const id of chosen) {
      const row = page.locator(`[data-testid="alert-row"][data-alert-id="${id}"]`);
      await expect.poll(async () => ((await row.count()) === 0 ? 'gone' : await row.getAttribute('data-status')), { timeout: 30_000 }).not.toBe('open');
      expect(await row.locator('[data-testid="alert-check"]').count()).toBe(0);
    }
    await expect.poll(() => page.locator('[data-testid="alert-check"]:checked').count()).toBe(0);
    const snapshot = await rpc<LiveSnapshot>('live', 'getLiveSnapshot', []);
    for (const id of chosen) expect(snapshot.alerts.find((a) => a.id === id)).toMatchObject({ status: 'acknowledged', acknowledgedBy: inject('credentials').username });
  });
});

describe('screenshots', () => {
  it('search results, alert filters and the help overlay at 1366×768 and 1920×1080 in both languages', async () => {
    mkdirSync(OUT, { recursive: true });
    for (const [w, h] of [
      [1366, 768],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      for (const lang of ['zh-CN', 'en'] as const) {
        await page.evaluate((l) => window.__civictwin!.setLanguage(l), lang);
        // Search results.
        await page.getByTestId('search-input').fill('');
        await page.getByTestId('search-input').fill(road.name);
        try {
          await page.locator('[data-testid="search-hit"]').first().waitFor({ timeout: 60_000 });
        } catch (err) {
          await page.screenshot({ path: join(OUT, 'e2e-tools-debug.png') });
          throw err;
        }
        await page.screenshot({ path: join(OUT, `e2e-tools-search-${w}x${h}-${lang}.png`), timeout: 120_000 });
        await page.keyboard.press('Escape');
        await blur(page);
        // Alert filters, one in use.
        await page.getByTestId('tab-alerts').click();
        await page.getByTestId('alert-filter-age').selectOption('gt24h');
        await page.screenshot({ path: join(OUT, `e2e-tools-alerts-${w}x${h}-${lang}.png`), timeout: 120_000 });
        await page.getByTestId('alert-filter-clear').click();
        // The help overlay.
        await page.keyboard.press('?');
        await page.getByTestId('help-overlay').waitFor();
        await page.screenshot({ path: join(OUT, `e2e-tools-help-${w}x${h}-${lang}.png`), timeout: 120_000 });
        await page.keyboard.press('Escape');
      }
    }
    await page.evaluate(() => window.__civictwin!.setLanguage('zh-CN'));
  }, 600_000);
});
