/**
 * Typhoon planning in a real browser: a live storm's bulletins arrive over the ingest API, the
 * typhoon tab shows the storm and when gales reach the district, the track and the wind circles
 * are drawn (pixels of the circles' colours), the timeline scrubs past now into the forecast, and
 * a newer bulletin reaches the open screen by itself.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, signInOverHttp, type OpenedApp } from './fixtures.ts';
import { REPO_ROOT } from '../../electron/cli/paths.ts';
import type { TwinInfo } from '../../electron/common/dto.ts';

const baseUrl = inject('baseUrl');
const OUT = join(REPO_ROOT, 'test-results');
const H = 3600_000;
const NUMBER = '2699';

let browser: Browser;
let app: OpenedApp;
let centre: [number, number];

async function post(events: object[]): Promise<void> {
  const res = await fetch(`${baseUrl}api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${inject('ingestToken')}` },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  const body = (await res.json()) as { accepted: number; rejected: unknown[] };
  expect(body.rejected).toEqual([]);
}

/** A storm coming from the south-east, passing over the district 30 h from now. */
const radii = { r7: { ne: 300, se: 300, sw: 260, nw: 240 }, r10: { ne: 120, se: 120, sw: 100, nw: 90 }, r12: { ne: 50, se: 50, sw: 40, nw: 40 } };
const at = (hoursFromNow: number): [number, number] => [centre[0] + 0.09 * (30 - hoursFromNow) * 0.7, centre[1] - 0.09 * (30 - hoursFromNow)];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const api = await signInOverHttp(baseUrl, inject('credentials'));
  const info = await api.call<TwinInfo>('store', 'getTwinInfo', []);
  centre = [(info.bbox[0] + info.bbox[2]) / 2, (info.bbox[1] + info.bbox[3]) / 2];
  const now = Date.now();
  const fixes = [-24, -18, -12, -6, 0].map((h) => {
    const [lon, lat] = at(h);
    return { id: `e2e-ty-fix-${h}`, type: 'typhoon.fix', ts: new Date(now + h * H - 60_000).toISOString(), source: 'e2e-cma', data: { agency: 'CMA', stormNumber: NUMBER, name: 'TESTSTORM', nameZh: '测试台风', position: { lon, lat }, pressureHpa: 940, maxWindMs: 48, radii } };
  });
  const bulletin = {
    id: 'e2e-ty-bulletin-1', type: 'typhoon.forecast', ts: new Date(now - 60_000).toISOString(), source: 'e2e-cma',
    data: { agency: 'CMA', stormNumber: NUMBER, points: [12, 24, 36, 48, 72].map((lead) => ({ leadHours: lead, position: { lon: at(lead)[0], lat: at(lead)[1] }, pressureHpa: 945, maxWindMs: 46, radii })) },
  };
  await post([...fixes, bulletin]);
  browser = await launchBrowser();
  app = await openApp(browser, baseUrl, inject('credentials'));
});
afterAll(async () => {
  await browser?.close();
});

/** Pixels close to `rgb` in a screenshot. */
function countColour(png: Buffer, rgb: [number, number, number], tolerance = 40): number {
  const img = PNG.sync.read(png);
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    if (Math.abs(img.data[i]! - rgb[0]) + Math.abs(img.data[i + 1]! - rgb[1]) + Math.abs(img.data[i + 2]! - rgb[2]) < tolerance) n++;
  }
  return n;
}

describe('typhoon planning', () => {
  it('shows the storm, when gales reach the district, and draws its track and wind circles', async () => {
    const { page } = app;
    await page.getByTestId('tab-typhoon').click();
    // Other specs share this twin and bring live storms of their own: pick this one as a planner would.
    await page.locator(`[data-testid="typhoon-storm"] option[value="CMA:${NUMBER}"]`).waitFor({ state: 'attached', timeout: 60_000 });
    await page.getByTestId('typhoon-storm').selectOption(`CMA:${NUMBER}`);
    await expect.poll(() => page.getByTestId('typhoon-storm').locator('option:checked').textContent(), { timeout: 60_000 }).toContain('测试台风');
    await expect.poll(() => page.getByTestId('typhoon-arrival7').textContent(), { timeout: 60_000 }).toMatch(/\d{2}:\d{2}/);
    expect(await page.getByTestId('typhoon-rehearsal').count()).toBe(0); // a live storm, not a rehearsal
    const before = countColour(await page.screenshot(), [255, 214, 64]);
    await page.getByTestId('typhoon-fit').click();
    await expect
      .poll(async () => (await page.evaluate(() => window.__civictwin!.layers())).filter((l) => l.id.startsWith('typhoon')).map((l) => l.id), { timeout: 45_000 })
      .toEqual(expect.arrayContaining(['typhoon-track', 'typhoon-forecast', 'typhoon-cone', 'typhoon-wind-circles', 'typhoon-storm']));
    // The force-7 circle's yellow outline is on screen once the camera shows the storm.
    await expect.poll(async () => countColour(await page.screenshot(), [255, 214, 64]), { timeout: 45_000, interval: 1000 }).toBeGreaterThan(before + 200);
    await page.screenshot({ path: join(OUT, 'e2e-typhoon.png') });
  });

  it('colours the buildings by the storm’s peak wind, and the time bar shows its warning signal in the forecast', async () => {
    const { page } = app;
    await page.getByTestId('camera-overview').click();
    // The wind classes' magenta (force 14 and above: the storm passes right over at 46–48 m/s) is on no building's use colour.
    const magenta = (png: Buffer): number => {
      const img = PNG.sync.read(png);
      let n = 0;
      for (let i = 0; i < img.data.length; i += 4) {
        const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
        if (r - g > 70 && b - g > 70) n++;
      }
      return n;
    };
    await expect.poll(async () => (await page.evaluate(() => window.__civictwin!.layers())).some((l) => l.id.startsWith('buildings')), { timeout: 30_000 }).toBe(true);
    const before = magenta(await page.screenshot());
    await page.getByTestId('colour-by').selectOption('typhoonWind');
    await expect.poll(() => page.getByTestId('legend').getAttribute('data-legend'), { timeout: 30_000 }).toBe('classes');
    expect(await page.getByTestId('legend-wind-14').textContent()).toMatch(/≥ 14 级 · [\d,]+ 栋/);
    await expect.poll(async () => magenta(await page.screenshot()), { timeout: 45_000, interval: 1000 }).toBeGreaterThan(before + 2000);
    await page.screenshot({ path: join(OUT, 'e2e-typhoon-wind-colour.png') });
    // The warning signal, hour by hour, lies in the shaded forecast zone of the time bar.
    const row = page.getByTestId('timeline-row-typhoonSignal');
    await row.waitFor({ timeout: 30_000 });
    const zone = (await page.getByTestId('timeline-forecast-zone').boundingBox())!;
    const bands = await row.locator('.row-band').evaluateAll((els) => els.map((e) => ({ x: e.getBoundingClientRect().x, w: e.getBoundingClientRect().width, label: e.getAttribute('data-label') })));
    const inForecast = bands.filter((b) => b.x >= zone.x - 1 && b.w > 0);
    expect(inForecast.map((b) => b.label)).toEqual(expect.arrayContaining(['typhoon.signal.red']));
    // The bar keeps its height: the rows are thin, nothing spills out of it, at 1920×1080 and at 1366×768, in both languages.
    for (const [w, h] of [[1920, 1080], [1366, 768]] as const) {
      await page.setViewportSize({ width: w, height: h });
      for (const lang of ['zh-CN', 'en']) {
        if ((await page.evaluate(() => document.documentElement.lang)) !== lang) await page.getByTestId('lang-toggle').click();
        await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
        await expect.poll(() => page.getByTestId('timeline').evaluate((el) => el.scrollHeight - el.clientHeight), { timeout: 10_000 }).toBeLessThanOrEqual(1);
        expect(await page.getByTestId('timeline-row-typhoonSignal').isVisible()).toBe(true);
        await page.screenshot({ path: join(OUT, `e2e-typhoon-colour-by-${w}-${lang}.png`) });
      }
    }
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.setViewportSize({ width: 1920, height: 1080 });
    // The water channel: depth at the player's moment on a scale in metres (or why there is none).
    await page.getByTestId('colour-by').selectOption('typhoonFlood');
    await expect
      .poll(async () => ((await page.getByTestId('legend-min').count()) > 0 ? await page.getByTestId('legend-min').textContent() : await page.getByTestId('legend-message').textContent()), { timeout: 60_000 })
      .toMatch(/^0 米$|地形|雨量站/);
    await page.screenshot({ path: join(OUT, 'e2e-typhoon-flood-colour.png') });
    await page.getByTestId('colour-by').selectOption('use');
  });

  it('scrubs past now into the forecast, where the storm is closer and the warning higher', async () => {
    const { page } = app;
    expect(await page.getByTestId('timeline-forecast-zone').count()).toBe(1);
    const signalNow = await page.getByTestId('typhoon-signal').getAttribute('data-signal');
    // Drag the scrubber to the hour the storm passes over the district (30 h ahead).
    await page.getByTestId('timeline-scrubber').evaluate((el, v) => {
      // As a drag does: the value set natively, then the input event React listens to.
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, String(v));
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, Math.round((Date.now() + 30 * H) / 1000) * 1000);
    await expect.poll(() => page.getByTestId('timeline-mode').getAttribute('data-mode'), { timeout: 10_000 }).toBe('forecast');
    const order = ['none', 'blue', 'yellow', 'orange', 'red'];
    await expect.poll(async () => order.indexOf((await page.getByTestId('typhoon-signal').getAttribute('data-signal')) ?? 'none'), { timeout: 10_000 }).toBeGreaterThan(order.indexOf(signalNow ?? 'none'));
    await page.screenshot({ path: join(OUT, 'e2e-typhoon-forecast.png') });
    await page.getByTestId('timeline-live').click();
    await expect.poll(() => page.getByTestId('timeline-mode').getAttribute('data-mode')).toBe('live');
  });

  it('a newer bulletin reaches the open screen by itself', async () => {
    const { page } = app;
    const before = await page.getByTestId('typhoon-arrival10').textContent();
    // The new bulletin brings the storm 12 h sooner.
    const now = Date.now();
    await post([{
      id: 'e2e-ty-bulletin-2', type: 'typhoon.forecast', ts: new Date(now - 30_000).toISOString(), source: 'e2e-cma',
      data: { agency: 'CMA', stormNumber: NUMBER, points: [6, 12, 18, 24, 48].map((lead) => ({ leadHours: lead, position: { lon: at(lead + 12)[0], lat: at(lead + 12)[1] }, pressureHpa: 940, maxWindMs: 48, radii })) },
    }]);
    await expect.poll(() => page.getByTestId('typhoon-arrival10').textContent(), { timeout: 60_000 }).not.toBe(before);
  });
});
