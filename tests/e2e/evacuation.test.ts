/**
 * The evacuation plan in a real browser (issue 11 §5): a live storm's bulletins arrive over the
 * ingest API, the supervisor makes a plan in the typhoon tab, one click puts its tasks in the live
 * incident queue (a second click adds none), and a grid worker's progress report, posted to the
 * ingest API, moves the plan board on the open screen.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, signInOverHttp, type ApiSession, type OpenedApp } from './fixtures.ts';
import { REPO_ROOT } from '../../electron/cli/paths.ts';
import type { TwinInfo } from '../../electron/common/dto.ts';
import type { DoorKnockListView } from '../../electron/common/typhoon/evacuationContract.ts';

const baseUrl = inject('baseUrl');
const OUT = join(REPO_ROOT, 'test-results');
const H = 3600_000;
const NUMBER = '2698';
const STORM = `CMA:${NUMBER}`;

let browser: Browser;
let app: OpenedApp;
let page: Page;
let api: ApiSession;

async function post(events: object[]): Promise<{ accepted: number; duplicates: number; rejected: { reason: string }[] }> {
  const res = await fetch(`${baseUrl}api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${inject('ingestToken')}` },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  return (await res.json()) as { accepted: number; duplicates: number; rejected: { reason: string }[] };
}

/** Incident ids the page holds (the live test hooks). */
const incidentIdsInPage = (): Promise<string[]> => page.evaluate(() => (window.__civictwin as unknown as { incidentIds(): string[] }).incidentIds());

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  api = await signInOverHttp(baseUrl, inject('credentials'));
  const info = await api.call<TwinInfo>('store', 'getTwinInfo', []);
  const centre = [(info.bbox[0] + info.bbox[2]) / 2, (info.bbox[1] + info.bbox[3]) / 2] as const;
  // A storm from the south-east that passes over the district 20 h from now.
  const radii = { r7: { ne: 300, se: 300, sw: 260, nw: 240 }, r10: { ne: 120, se: 120, sw: 100, nw: 90 }, r12: { ne: 50, se: 50, sw: 40, nw: 40 } };
  const at = (h: number): { lon: number; lat: number } => ({ lon: centre[0] + 0.09 * (20 - h) * 0.7, lat: centre[1] - 0.09 * (20 - h) });
  const now = Date.now();
  const fixes = [-18, -12, -6, 0].map((h) => ({
    id: `e2e-evac-fix-${h}`, type: 'typhoon.fix', ts: new Date(now + h * H - 60_000).toISOString(), source: 'e2e-cma',
    data: { agency: 'CMA', stormNumber: NUMBER, name: 'EVACSTORM', nameZh: '转移演练台风', position: at(h), pressureHpa: 935, maxWindMs: 50, radii },
  }));
  const bulletin = {
    id: 'e2e-evac-bulletin-1', type: 'typhoon.forecast', ts: new Date(now - 60_000).toISOString(), source: 'e2e-cma',
    data: { agency: 'CMA', stormNumber: NUMBER, points: [6, 12, 20, 30, 48].map((lead) => ({ leadHours: lead, position: at(lead), pressureHpa: 935, maxWindMs: 50, radii })) },
  };
  expect((await post([...fixes, bulletin])).rejected).toEqual([]);
  browser = await launchBrowser();
  app = await openApp(browser, baseUrl, inject('credentials'));
  page = app.page;
  await page.getByTestId('incident-queue').waitFor({ timeout: 60_000 });
});
afterAll(async () => {
  await browser?.close();
});

describe('evacuation plan and one-click dispatch', () => {
  let planId = '';

  it('makes a plan for the storm on screen and shows who must move, by grid against the clock', async () => {
    await page.getByTestId('tab-typhoon').click();
    await expect.poll(async () => (await page.getByTestId('typhoon-storm').locator('option').allTextContents()).join('|'), { timeout: 60_000 }).toContain('转移演练台风');
    await page.getByTestId('typhoon-storm').selectOption(STORM);
    await page.getByTestId('plan-rain').selectOption('');
    await page.getByTestId('plan-make').click();
    await expect.poll(() => page.getByTestId('plan-board').getAttribute('data-plan-id'), { timeout: 120_000 }).toMatch(/^EP-/);
    planId = (await page.getByTestId('plan-board').getAttribute('data-plan-id'))!;
    expect(Number((await page.getByTestId('plan-households').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(0);
    expect(await page.getByTestId('plan-grid').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('plan-clock').first().getAttribute('data-status')).toMatch(/late|on-time/);
    expect(await page.getByTestId('plan-moved').textContent()).toBe('0');
  });

  it('one click puts the tasks in the live incident queue; a second click adds none', async () => {
    const key = planId.slice(3);
    await page.getByTestId('plan-dispatch').click();
    await expect.poll(async () => (await incidentIdsInPage()).filter((id) => id.startsWith(`EV-${key}-W`)).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const tasks = (await incidentIdsInPage()).filter((id) => id.startsWith(`EV-${key}-`)).length;
    const lists = await api.call<DoorKnockListView[]>('typhoon', 'getDoorKnockLists', [planId]);
    // One task per grid worker with a list, and more for departments and resources.
    expect(tasks).toBeGreaterThanOrEqual(lists.length);
    await expect.poll(() => page.getByTestId('plan-dispatch').textContent(), { timeout: 10_000 }).toMatch(/\d{2}:\d{2}/);
    await page.getByTestId('plan-dispatch').click();
    const again = await api.call<{ created: boolean; tasks: number }>('typhoon', 'dispatchPlan', [planId]);
    expect(again.created).toBe(false);
    await page.waitForTimeout(1500); // let any (wrong) duplicate reach the page before counting
    expect((await incidentIdsInPage()).filter((id) => id.startsWith(`EV-${key}-`)).length).toBe(tasks);
    // The tasks are in the queue, in the incidents tab.
    await page.getByTestId('tab-incidents').click();
    await expect.poll(() => page.locator('[data-testid="incident-row"]').allTextContents().then((t) => t.join('|')), { timeout: 10_000 }).toMatch(/台风转移|Typhoon evacuation/);
    await page.screenshot({ path: join(OUT, 'e2e-evacuation-queue.png') });
    await page.getByTestId('tab-typhoon').click();
  });

  it("a grid worker's progress report, posted to the ingest API, moves the plan board", async () => {
    const lists = await api.call<DoorKnockListView[]>('typhoon', 'getDoorKnockLists', [planId]);
    const list = lists.find((l) => l.stops.length >= 2)!;
    const row = page.locator(`[data-testid="plan-grid"][data-grid-id="${list.gridId}"]`);
    const leftBefore = Number(await row.getByTestId('plan-grid-left').textContent());
    const ts = new Date().toISOString();
    const r = await post([
      { id: `e2e-evac-p1-${planId}`, type: 'typhoon.evacuation_progress', ts, source: 'grid-app', data: { planId, householdId: list.stops[0]!.householdId, status: 'moved', gridWorkerId: list.workerId } },
      { id: `e2e-evac-p2-${planId}`, type: 'typhoon.evacuation_progress', ts, source: 'grid-app', data: { planId, householdId: list.stops[1]!.householdId, status: 'maybe' } },
    ]);
    expect(r.accepted).toBe(1);
    expect(r.rejected[0]!.reason).toMatch(/status must be one of contacted, moved, refused/);
    await expect.poll(() => page.getByTestId('plan-moved').textContent(), { timeout: 15_000 }).toBe('1');
    await expect.poll(async () => Number(await row.getByTestId('plan-grid-moved').textContent())).toBe(1);
    expect(Number(await row.getByTestId('plan-grid-left').textContent())).toBe(leftBefore - 1);
    // Who is still left: the moved household is no longer listed.
    await row.click();
    await page.getByTestId('plan-left-list').waitFor();
    expect(await page.locator(`[data-testid="plan-left-row"][data-household-id="${list.stops[0]!.householdId}"]`).count()).toBe(0);
    expect(await page.locator(`[data-testid="plan-left-row"][data-household-id="${list.stops[1]!.householdId}"]`).count()).toBe(1);
    await page.getByTestId('plan-board').evaluate((el) => {
      const panel = el.closest('.typhoon-panel') as HTMLElement;
      panel.scrollTop = (el as HTMLElement).offsetTop - panel.offsetTop;
    });
    await page.screenshot({ path: join(OUT, 'e2e-evacuation-board.png') });
  });
});
