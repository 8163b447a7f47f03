/**
 * The KPI dashboard in a real browser against the real web host (issue 13), on a twin of its own
 * whose week of incidents came in through the ingest: `#kpi=7d` opens it after sign-in; every
 * chart draws (coloured pixels in its canvas); the tiles match the host's report; the workbook
 * downloaded from the page reads back with a sheet per chart and the same numbers; a chart's CSV
 * too. Screenshots at 1366×768, 1920×1080 and 3840×2160 in Chinese and English.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import readXlsxFile from 'read-excel-file/node';
import { closeWebTest, launchBrowser, signInOverHttp } from './fixtures.ts';
import { REPO_ROOT, RENDERER_TEST_DIST } from '../../electron/cli/paths.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import { KPI_CHARTS, type KpiReport } from '../../data/model/kpi/index.ts';
import { tempDir } from '../unit/helpers.ts';

const OUT = join(REPO_ROOT, 'test-results');
const tmp = tempDir('civictwin-kpi-e2e-');
const credentials = { username: 'kpi-viewer', password: 'kpi e2e password 1' };
let store: DuckDbStore;
let services: Services;
let host: WebHost;
let baseUrl = '';
let browser: Browser;
let page: Page;
const errors: string[] = [];

const CATS = [
  'garbage',
  'street_vending',
  'streetlight',
  'waterlogging',
  'noise',
  'facility_damage',
  'elderly_care',
  'medical',
  'fire',
] as const;
const SLA: Record<(typeof CATS)[number], number> = {
  garbage: 480,
  street_vending: 240,
  streetlight: 1440,
  waterlogging: 120,
  noise: 240,
  facility_damage: 1440,
  elderly_care: 60,
  medical: 30,
  fire: 30,
};

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const db = tmp.path('kpi.duckdb');
  await seedTwin(db, 2, 600, undefined, () => undefined);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  await services.auth.addUser(credentials.username, '统计员', 'viewer', credentials.password);
  host = new WebHost({
    services: services.api,
    auth: services.auth,
    ingest: services.ingest,
    staticDir: RENDERER_TEST_DIST,
    port: 0,
  });
  baseUrl = `http://127.0.0.1:${await host.listen()}/`;
  // A week of the street: 500 incidents, most handled, a few late, rated; some places again and again.
  const buildings = await store.all<{ id: number; lon: number; lat: number }>(
    'SELECT id, centroid_lon AS lon, centroid_lat AS lat FROM buildings ORDER BY id',
  );
  const workers = await store.all<{ id: number }>(
    "SELECT id FROM resources WHERE kind = 'grid_worker' ORDER BY id",
  );
  const now = Date.now();
  let seed = 7;
  const r = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const events: object[] = [];
  const iso = (ms: number): string => new Date(ms).toISOString();
  for (let k = 0; k < 500; k++) {
    const id = `KPI-E2E-${k}`;
    const category = CATS[Math.floor(r() * CATS.length)]!;
    const t = now - 6.8 * 86_400_000 + Math.floor(r() * 6.7 * 86_400_000);
    const b = k % 6 === 0 ? buildings[k % 5]! : buildings[Math.floor(r() * buildings.length)]!;
    events.push({
      id: `kpi-${k}-r`,
      type: 'incident.reported',
      ts: iso(t),
      source: 'app-resident',
      data: {
        incidentId: id,
        category,
        severity: 2,
        lon: b.lon,
        lat: b.lat,
        reporter: 'resident',
        buildingId: b.id,
      },
    });
    if (r() < 0.12) continue;
    const assignee =
      r() < 0.75
        ? { kind: 'grid_worker', id: workers[Math.floor(r() * workers.length)]!.id }
        : { kind: 'department', id: 1 + Math.floor(r() * 3) };
    const handled = t + Math.floor(SLA[category] * 60_000 * (0.15 + r() * 1.1));
    events.push({
      id: `kpi-${k}-a`,
      type: 'incident.status',
      ts: iso(t + 90_000),
      source: 'op',
      data: { incidentId: id, status: 'accepted' },
    });
    events.push({
      id: `kpi-${k}-d`,
      type: 'incident.status',
      ts: iso(t + 150_000),
      source: 'op',
      data: { incidentId: id, status: 'dispatched', assignee },
    });
    if (handled >= now) continue;
    events.push({
      id: `kpi-${k}-f`,
      type: 'incident.status',
      ts: iso(handled),
      source: 'op',
      data: { incidentId: id, status: 'feedback' },
    });
    if (handled + 300_000 < now)
      events.push({
        id: `kpi-${k}-e`,
        type: 'incident.status',
        ts: iso(handled + 300_000),
        source: 'op',
        data: {
          incidentId: id,
          status: 'evaluated',
          rating: r() < 0.7 ? 5 : 1 + Math.floor(r() * 5),
        },
      });
  }
  for (let i = 0; i < events.length; i += 1000)
    await services.ingest.ingestValues(events.slice(i, i + 1000) as never, 'http');
  const households = await store.all<{ id: number; building_id: number }>(
    'SELECT id, building_id FROM households ORDER BY id LIMIT 30',
  );
  for (const [i, h] of households.entries()) {
    const outcome = ['safe', 'needed_help', 'false_alarm', null, 'safe'][i % 5] ?? null;
    await store.run(
      `INSERT INTO meter_alerts (id, household_id, building_id, kind, raised_at, explanation, score, status, outcome)
       VALUES ($id, $h, $b, $kind, epoch_ms($t::BIGINT), '{}', 1, $status, $o)`,
      {
        id: `KA-${i}`,
        h: h.id,
        b: h.building_id,
        kind: ['no_usage', 'night_flow', 'sudden_change'][i % 3]!,
        t: now - (i % 6) * 86_400_000 - 3_600_000,
        status: outcome ? 'closed' : 'open',
        o: outcome,
      },
    );
  }
  browser = await launchBrowser();
  page = await (
    await browser.newContext({ viewport: { width: 1920, height: 1080 }, acceptDownloads: true })
  ).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${baseUrl}#kpi=7d`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page
    .locator('[data-testid="sign-in"] input[name="username"]')
    .fill(credentials.username, { timeout: 60_000 });
  await page.locator('[data-testid="sign-in"] input[name="password"]').fill(credentials.password);
  await page.locator('[data-testid="sign-in"] button[type="submit"]').click();
  await page.locator('[data-testid="kpi-page"][data-ready="true"]').waitFor({ timeout: 120_000 });
}, 600_000);

afterAll(() => closeWebTest({ browser, host, services, store, tmp }));

/** Pixels of a chart's canvas in a series colour (saturated), not the dark panel or the grey text. */
async function colouredPixels(id: string): Promise<{ coloured: number; total: number }> {
  return page.evaluate((testId) => {
    const canvas = document.querySelector<HTMLCanvasElement>(
      `[data-testid="kpi-canvas-${testId}"] canvas`,
    );
    if (!canvas || canvas.width === 0) return { coloured: 0, total: 0 };
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
      if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured++;
    }
    return { coloured, total: data.length / 4 };
  }, id);
}

describe('the KPI dashboard', () => {
  it('draws every chart, each with its title and unit', async () => {
    for (const id of KPI_CHARTS) {
      const card = page.getByTestId(`kpi-chart-${id}`);
      await expect.poll(() => card.locator('h2').innerText()).not.toBe('');
      expect(await card.locator('.kpi-unit').innerText()).toMatch(/^单位：/);
      await expect
        .poll(async () => (await colouredPixels(id)).coloured, { timeout: 15_000, message: id })
        .toBeGreaterThan(300);
    }
  });

  it('shows the host’s figures for the period', async () => {
    const api = await signInOverHttp(baseUrl, credentials);
    const report = await api.call<KpiReport>('kpi', 'getReport', [
      { fromMs: Date.now() - 7 * 86_400_000, toMs: Date.now() },
    ]);
    expect(report.summary.reported).toBe(500);
    expect(await page.getByTestId('kpi-tile-reported').innerText()).toContain('500');
    const sla = ((report.summary.slaCompliance ?? 0) * 100).toFixed(1);
    expect(await page.getByTestId('kpi-tile-sla').innerText()).toContain(`${sla}%`);
  });

  it('exports the whole dashboard to XLSX and a chart to CSV, which read back', async () => {
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('kpi-export-all').click(),
    ]);
    expect(xlsx.suggestedFilename()).toMatch(/^kpi_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$/);
    const sheets = await readXlsxFile(readFileSync((await xlsx.path())!));
    expect(sheets).toHaveLength(9);
    const summary = sheets[0]!.data;
    expect(summary[1]).toEqual(['报事总数', 500]);
    const byCategory = sheets[3]!.data;
    expect(byCategory[0]![0]).toBe('事件类别');
    expect(byCategory.length).toBeGreaterThan(3);
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('kpi-csv-satisfaction').click(),
    ]);
    const lines = readFileSync((await csv.path())!, 'utf8')
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\n');
    expect(lines[0]).toBe('星级,数量');
    expect(lines).toHaveLength(6);
  });

  it('is screenshot at console, full HD and 4K sizes in both languages', async () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      if (lang === 'en') {
        await page.getByTestId('kpi-language').click();
        await expect
          .poll(() => page.getByTestId('kpi-chart-slaByGrid').locator('h2').innerText())
          .toBe('SLA compliance by grid');
      }
      for (const [w, h] of [
        [1366, 768],
        [1920, 1080],
        [3840, 2160],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        await expect
          .poll(async () => (await colouredPixels('handlingTrend')).coloured, { timeout: 15_000 })
          .toBeGreaterThan(300);
        await page.screenshot({
          path: join(OUT, `e2e-kpi-${lang}-${w}x${h}.png`),
          timeout: 120_000,
        });
      }
      await page.setViewportSize({ width: 1920, height: 1080 });
    }
  });

  it('opens from the console, whose map draws the repeat-report hot spots', async () => {
    const console_ = await page.context().newPage();
    console_.on('pageerror', (e) => errors.push(String(e)));
    await console_.setViewportSize({ width: 1366, height: 768 });
    await console_.goto(baseUrl, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await console_.waitForFunction(() => window.__civictwin?.ready === true, undefined, {
      timeout: 300_000,
    });
    await console_.getByTestId('kpi-open').waitFor({ timeout: 60_000 });
    await console_.getByTestId('kpi-hotspot-toggle').check({ timeout: 120_000 });
    await expect
      .poll(
        () =>
          console_.evaluate(
            () => window.__civictwin!.layers().find((l) => l.id === 'kpi-hotspots')?.count ?? 0,
          ),
        { timeout: 180_000 },
      )
      .toBeGreaterThan(3);
    await console_.screenshot({
      path: join(OUT, 'e2e-kpi-console-1366x768.png'),
      timeout: 120_000,
    });
    await console_.setViewportSize({ width: 1920, height: 1080 });
    await console_.screenshot({
      path: join(OUT, 'e2e-kpi-console-1920x1080.png'),
      timeout: 120_000,
    });
    const [dashboard] = await Promise.all([
      page.context().waitForEvent('page'),
      console_.getByTestId('kpi-open').click(),
    ]);
    expect(dashboard.url()).toMatch(/#kpi=7d$/);
    await dashboard
      .locator('[data-testid="kpi-page"][data-ready="true"]')
      .waitFor({ timeout: 120_000 });
    await dashboard.close();
    await console_.close();
  }, 900_000);

  it('logs no errors in the page', () => {
    expect(errors.filter((e) => !/GPU stall|WebGL-|swiftshader/i.test(e))).toEqual([]);
  });
});
