/**
 * Waterlogging and the what-if in a real browser: a live storm passes over the demo district (its
 * bulletins arrive over the ingest API), the typhoon tab runs a 300 mm rain scenario, the player
 * goes to the deepest water, and the water surface is drawn: pixels at a flooded building's foot
 * turn water-blue with the layer on, and are the base map again with it off; before the rain
 * there is no water. Closed roads are drawn; the what-if table compares 150 mm with 300 mm.
 * Screenshots of the panel and map in Chinese and English go to test-results/.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openApp, signInOverHttp, type ApiSession, type OpenedApp } from './fixtures.ts';
import { REPO_ROOT } from '../../electron/cli/paths.ts';
import type { TwinInfo } from '../../electron/common/dto.ts';
import type { FloodView } from '../../electron/common/typhoon/flood.ts';

const baseUrl = inject('baseUrl');
const OUT = join(REPO_ROOT, 'test-results');
const H = 3600_000;
const NUMBER = '2698';
const STORM_ID = `CMA:${NUMBER}`;

let browser: Browser;
let app: OpenedApp;
let api: ApiSession;
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

const radii = { r7: { ne: 300, se: 300, sw: 260, nw: 240 }, r10: { ne: 120, se: 120, sw: 100, nw: 90 }, r12: { ne: 50, se: 50, sw: 40, nw: 40 } };
/** A storm from the south-east, over the district 30 h from now. */
const at = (hoursFromNow: number): [number, number] => [centre[0] + 0.09 * (30 - hoursFromNow) * 0.7, centre[1] - 0.09 * (30 - hoursFromNow)];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  api = await signInOverHttp(baseUrl, inject('credentials'));
  const info = await api.call<TwinInfo>('store', 'getTwinInfo', []);
  centre = [(info.bbox[0] + info.bbox[2]) / 2, (info.bbox[1] + info.bbox[3]) / 2];
  const now = Date.now();
  const fixes = [-24, -12, 0].map((h) => {
    const [lon, lat] = at(h);
    return { id: `e2e-flood-fix-${h}`, type: 'typhoon.fix', ts: new Date(now + h * H - 60_000).toISOString(), source: 'e2e-cma', data: { agency: 'CMA', stormNumber: NUMBER, name: 'RAINSTORM', nameZh: '暴雨台风', position: { lon, lat }, pressureHpa: 950, maxWindMs: 42, radii } };
  });
  const bulletin = {
    id: 'e2e-flood-bulletin', type: 'typhoon.forecast', ts: new Date(now - 60_000).toISOString(), source: 'e2e-cma',
    data: { agency: 'CMA', stormNumber: NUMBER, points: [12, 24, 36, 48, 72].map((lead) => ({ leadHours: lead, position: { lon: at(lead)[0], lat: at(lead)[1] }, pressureHpa: 950, maxWindMs: 42, radii })) },
  };
  await post([...fixes, bulletin]);
  browser = await launchBrowser();
  app = await openApp(browser, baseUrl, inject('credentials'));
});
afterAll(async () => {
  await browser?.close();
});

/** A light-to-deep water blue: high blue, blue well above red. */
const isWater = (d: Buffer, i: number): boolean => d[i + 2]! > 150 && d[i + 2]! - d[i]! > 70 && d[i + 1]! > 60;

/** The open map between the side panels, where the test looks. */
const MAP_CLIP = { x: 420, y: 90, width: 900, height: 820 };

/**
 * Pixels within `half` px of the points that are water-blue in `shot` and were not in `reference`
 * (the same view with the water layer off): water drawn, not a blue roof that was there anyway.
 */
function newWater(shot: Buffer, reference: Buffer, points: [number, number][], half: number): number {
  const a = PNG.sync.read(shot);
  const b = PNG.sync.read(reference);
  const seen = new Uint8Array(a.width * a.height);
  let n = 0;
  for (const [x, y] of points)
    for (let py = Math.max(0, Math.round(y - half)); py < Math.min(a.height, y + half); py++)
      for (let px = Math.max(0, Math.round(x - half)); px < Math.min(a.width, x + half); px++) {
        const k = py * a.width + px;
        if (seen[k]) continue;
        seen[k] = 1;
        if (isWater(a.data, k * 4) && !isWater(b.data, k * 4)) n++;
      }
  return n;
}

/** Share of pixels that differ between two shots of the same size. */
function changedShare(a: Buffer, b: Buffer): number {
  const x = PNG.sync.read(a).data;
  const y = PNG.sync.read(b).data;
  let n = 0;
  for (let i = 0; i < x.length; i += 4) if (Math.abs(x[i]! - y[i]!) + Math.abs(x[i + 1]! - y[i + 1]!) + Math.abs(x[i + 2]! - y[i + 2]!) > 24) n++;
  return n / (x.length / 4);
}

const layerIds = (page: Page): Promise<string[]> => page.evaluate(() => window.__civictwin!.layers().map((l) => l.id));

/** Screen points (in MAP_CLIP) of flooded buildings whose foot is on the open map, from the host's answer. */
async function openFloodedPoints(page: Page, flood: FloodView): Promise<[number, number][]> {
  const ids = flood.buildings.filter((b) => b.maxDepthM > 0.3).map((b) => b.buildingId);
  return page.evaluate(
    ({ list, clip }) => {
      const out: [number, number][] = [];
      for (const id of list) {
        const p = window.__civictwin!.buildingScreenPoint(id);
        if (!p || p[0] < clip.x + 40 || p[1] < clip.y + 40 || p[0] > clip.x + clip.width - 40 || p[1] > clip.y + clip.height - 40) continue;
        if (document.elementFromPoint(p[0], p[1]) instanceof HTMLCanvasElement) out.push([p[0] - clip.x, p[1] - clip.y]);
      }
      return out.slice(0, 12);
    },
    { list: ids, clip: MAP_CLIP },
  );
}

describe('waterlogging on the map', () => {
  it('says what the rain floods, and draws the water at the flooded hour only', async () => {
    const { page } = app;
    await page.getByTestId('tab-typhoon').click();
    await expect.poll(() => page.getByTestId('typhoon-storm').locator(`option[value="${STORM_ID}"]`).count(), { timeout: 60_000 }).toBe(1);
    await page.getByTestId('typhoon-storm').selectOption(STORM_ID);
    await page.getByTestId('flood-preset-300').click();
    await expect.poll(async () => Number(await page.getByTestId('flood-roads-cars').textContent()), { timeout: 90_000 }).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('flood-ground-households').textContent())).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('flood-scenario').textContent()).toContain('300');
    // Now (before the rain) nothing is flooded and no water is drawn.
    await expect.poll(() => page.getByTestId('flood-now').textContent()).toContain('尚未降雨');
    expect((await layerIds(page)).filter((id) => id.startsWith('typhoon-flood'))).toEqual([]);

    // The host's answer says where the water stands deepest. The player goes there with the water off first…
    const flood = await api.call<FloodView>('typhoon', 'getFlood', [STORM_ID, { source: 'design', totalMm: 300, hours: 24 }]);
    expect(flood.raster).not.toBeNull();
    await page.getByTestId('flood-visible').uncheck();
    // The storm's circles tint the map red where it passes: hidden, the water's blue is measured alone.
    await page.getByTestId('typhoon-visible').uncheck();
    await page.getByTestId('flood-jump-peak').click();
    await expect.poll(() => page.getByTestId('timeline-mode').getAttribute('data-mode'), { timeout: 10_000 }).toBe('forecast');
    await expect.poll(() => page.getByTestId('flood-now').textContent(), { timeout: 30_000 }).toMatch(/[1-9]\d* 户进水/);
    expect((await layerIds(page)).filter((id) => id.startsWith('typhoon-flood'))).toEqual([]);
    const points = await openFloodedPoints(page, flood);
    expect(points.length).toBeGreaterThan(0);
    const shot = (): Promise<Buffer> => page.screenshot({ clip: MAP_CLIP });
    // The map has drawn what it shows once two shots a second apart agree (but for pulsing markers).
    const settled = async (): Promise<Buffer> => {
      let last = await shot();
      await expect
        .poll(async () => {
          const next = await shot();
          const changed = changedShare(last, next);
          last = next;
          return changed;
        }, { timeout: 60_000, interval: 1000 })
        .toBeLessThan(0.01);
      return last;
    };
    const dry = await settled();
    await page.screenshot({ path: join(OUT, 'e2e-flood-water-off.png') });
    // …then on: the ground at the flooded buildings' feet turns water-blue.
    await page.getByTestId('flood-visible').check();
    await expect.poll(() => layerIds(page), { timeout: 45_000 }).toEqual(expect.arrayContaining(['typhoon-flood-water', 'typhoon-flood-roads']));
    await expect.poll(async () => newWater(await shot(), dry, points, 30), { timeout: 60_000, interval: 1000 }).toBeGreaterThan(40 * points.length);
    await page.screenshot({ path: join(OUT, 'e2e-flood-water-on.png') });
    const whole: [number, number][] = [[MAP_CLIP.width / 2, MAP_CLIP.height / 2]];
    const mapWater = (wet: Buffer, ground: Buffer): number => newWater(wet, ground, whole, Math.max(MAP_CLIP.width, MAP_CLIP.height));
    const atPeak = mapWater(await settled(), dry);

    // Earlier in the rain, when the model has a quarter of the peak's wet cells, less of the map is
    // under water (each moment against its own view without the water: the storm's circles move).
    const r = flood.raster!;
    const wetCells = (st: number): number => r.depth.subarray(st * r.cells.length, (st + 1) * r.cells.length).reduce((k, v) => k + (v > 0 ? 1 : 0), 0);
    const most = Math.max(...Array.from({ length: flood.steps }, (_, st) => wetCells(st)));
    const early = Array.from({ length: flood.steps }, (_, st) => st).find((st) => wetCells(st) >= most / 4)!;
    const peakText = await page.getByTestId('flood-now').textContent();
    await page.getByTestId('timeline-scrubber').evaluate((el, v) => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, String(v));
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, Math.round((flood.startUtcMs + (early + 1) * H) / 1000) * 1000);
    await expect.poll(() => page.getByTestId('flood-now').textContent(), { timeout: 30_000 }).not.toBe(peakText);
    const wetEarly = await settled();
    await page.getByTestId('flood-visible').uncheck();
    await expect.poll(async () => (await layerIds(page)).includes('typhoon-flood-water'), { timeout: 30_000 }).toBe(false);
    const atEarly = mapWater(wetEarly, await settled());
    expect(atEarly).toBeGreaterThan(0);
    expect(atEarly).toBeLessThan(atPeak * 0.6);

    // Back at the deepest hour with the water off: the flooded places are the ground again.
    await page.getByTestId('flood-jump-peak').click();
    await expect.poll(() => page.getByTestId('flood-now').textContent(), { timeout: 30_000 }).toBe(peakText);
    await expect.poll(async () => newWater(await shot(), dry, points, 30), { timeout: 60_000, interval: 1000 }).toBeLessThan(5 * points.length);
    await page.getByTestId('flood-visible').check();
    await expect.poll(async () => newWater(await shot(), dry, points, 30), { timeout: 60_000, interval: 1000 }).toBeGreaterThan(40 * points.length);
  });

  it('compares 150 mm with 300 mm of rain side by side', async () => {
    const { page } = app;
    await page.getByTestId('whatif-b-shift').selectOption('0');
    await page.getByTestId('whatif-compare').click();
    const row = (key: string) => page.locator(`[data-testid="whatif-table"] tr[data-row="${key}"] td`);
    await expect.poll(() => row('households').count(), { timeout: 120_000 }).toBe(4);
    const cells = async (key: string): Promise<number[]> => (await row(key).allTextContents()).slice(1, 3).map(Number);
    const [a, b] = await cells('roadsCars');
    expect(b).toBeGreaterThan(a!);
    const [ha, hb] = await cells('households');
    expect(hb).toBeGreaterThan(ha!);
  });

  it('screenshots of the panel and map at the deepest water, in Chinese and English', async () => {
    const { page } = app;
    await page.getByTestId('flood-section').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUT, 'e2e-flood-zh.png') });
    await page.getByTestId('whatif-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUT, 'e2e-whatif-zh.png') });
    await page.evaluate(() => window.__civictwin!.setLanguage('en'));
    await expect.poll(() => page.getByTestId('flood-now').textContent()).toMatch(/households flooded/);
    await page.getByTestId('flood-section').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUT, 'e2e-flood-en.png') });
    await page.getByTestId('whatif-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUT, 'e2e-whatif-en.png') });
    await page.evaluate(() => window.__civictwin!.setLanguage('zh-CN'));
    // A flooded building in the list is a click away on the map.
    const flood = await api.call<FloodView>('typhoon', 'getFlood', [STORM_ID, { source: 'design', totalMm: 300, hours: 24 }]);
    const first = flood.buildings.find((b) => b.groundFloorFromStep !== null || b.basementFromStep !== null)!;
    await page.getByTestId('flood-homes').locator('tr.flood-home').first().click();
    await expect.poll(() => page.evaluate(() => window.__civictwin!.selectedBuildingId())).toBe(first.buildingId);
    expect(app.errors.filter((e) => /water|shader|WebGL|GL_/i.test(e))).toEqual([]);
  });
});
