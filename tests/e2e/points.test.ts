/**
 * 积分制 in a real browser against the shared web host (issue 13), on the demo generator's year of
 * points: the colour-by "points participation" paints the buildings by the share of households
 * taking part (warm classes appear on the map, the legend lists classes with building counts),
 * and `#points=365d` draws every chart (coloured pixels in each canvas) with the host's figures
 * in its tiles. Screenshots in Chinese and English.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, signInOverHttp, type OpenedApp } from './fixtures.ts';
import { REPO_ROOT } from '../../electron/cli/paths.ts';
import type { Participation } from '../../data/model/points/index.ts';

const OUT = join(REPO_ROOT, 'test-results');
const baseUrl = inject('baseUrl');
let browser: Browser;
let app: OpenedApp;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
  app = await openApp(browser, baseUrl, inject('credentials'));
}, 300_000);
afterAll(async () => {
  await browser?.close();
});

/** Pixels in the participation classes' warm colours (amber 60–75 %, orange ≥ 75 %), lit or shaded. */
function warmPixels(png: Buffer): number {
  const img = PNG.sync.read(png);
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
    if (r > 150 && r - b > 130 && g > 60) n++;
  }
  return n;
}

describe('colour buildings by points participation', () => {
  it('paints the buildings by the share of households taking part, with classes and counts in the legend', async () => {
    const page = app.page;
    await expect.poll(async () => (await page.evaluate(() => window.__civictwin!.layers())).some((l) => l.id.startsWith('buildings')), { timeout: 60_000 }).toBe(true);
    const before = warmPixels(await page.screenshot());
    await page.getByTestId('colour-by').selectOption('pointsParticipation');
    await expect.poll(() => page.getByTestId('legend').getAttribute('data-legend'), { timeout: 60_000 }).toBe('classes');
    const legend = await page.getByTestId('legend').innerText();
    expect(legend).toMatch(/参与家庭占比/);
    expect(legend).toMatch(/\d+–\d+% · [\d,]+ 栋|≥ \d+% · [\d,]+ 栋/);
    // The legend's counts are the host's buildings, by class.
    const api = await signInOverHttp(baseUrl, inject('credentials'));
    const heat = await api.call<Participation>('points', 'getParticipation', [{ fromMs: Date.now() - 365 * 86_400_000, toMs: Date.now() }]);
    const top = heat.buildings.ids.filter((_, i) => heat.buildings.participating[i]! / heat.buildings.households[i]! >= 0.75).length;
    if (top > 0) expect(await page.getByTestId('legend-participation-4').innerText()).toContain(`${top} 栋`);
    await expect.poll(async () => warmPixels(await page.screenshot()), { timeout: 60_000, interval: 1000 }).toBeGreaterThan(before + 3000);
    await page.screenshot({ path: join(OUT, 'e2e-points-colour-by-zh-CN.png') });
    await page.getByTestId('colour-by').selectOption('use');
  });
});

/** Pixels of a chart's canvas in a series colour (saturated), not the dark panel or the grey text. */
function colouredPixels(page: Page, id: string): Promise<number> {
  return page.evaluate((testId) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-testid="points-canvas-${testId}"] canvas`);
    if (!canvas || canvas.width === 0) return 0;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
      if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 80) n++;
    }
    return n;
  }, id);
}

describe('the points page', () => {
  it('draws its charts with the host’s figures, in Chinese and English', async () => {
    // The console's page, signed in, opens the link (a fragment change alone keeps the console: reload).
    const page = app.page;
    await page.goto(`${baseUrl}#points=365d`);
    await page.reload();
    await page.locator('[data-testid="points-page"][data-ready="true"]').waitFor({ timeout: 120_000 });
    for (const id of ['trend', 'kinds', 'ageBands', 'householdTypes', 'grids', 'shops']) {
      await expect.poll(() => colouredPixels(page, id), { timeout: 20_000, message: id }).toBeGreaterThan(300);
    }
    const api = await signInOverHttp(baseUrl, inject('credentials'));
    const p = await api.call<Participation>('points', 'getParticipation', [{ fromMs: Date.now() - 365 * 86_400_000, toMs: Date.now() }]);
    expect(await page.getByTestId('points-tile-share').innerText()).toContain(`${(p.summary.share * 100).toFixed(1)}%`);
    expect(await page.getByTestId('points-under').innerText()).toMatch(/80\+/);
    await page.screenshot({ path: join(OUT, 'e2e-points-page-zh-CN.png'), fullPage: true });
    await page.getByTestId('points-language').click();
    await expect.poll(() => page.getByTestId('points-chart-trend').locator('h2').innerText()).toBe('Points and active households by month');
    await expect.poll(() => colouredPixels(page, 'trend'), { timeout: 20_000 }).toBeGreaterThan(300);
    await page.screenshot({ path: join(OUT, 'e2e-points-page-en.png'), fullPage: true });
  });
});
