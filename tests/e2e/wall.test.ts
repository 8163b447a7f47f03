/**
 * Issue 10's acceptance test for "the wall shows no one", in a real browser: a web host over a
 * seeded twin, a wall token, and the app opened at `<base>#wall=<token>` as a wall display is.
 * Everything the page receives — every HTTP response (JSON and binary columnar bodies, the page
 * and its scripts) and every WebSocket frame (decoded) — is recorded while incidents naming a
 * resident (name, ID number, phone, flat) arrive, a resource moves and an operator acknowledges
 * a meter alert elsewhere; then searched for the twin's residents' names, ID numbers and phones
 * (read from the store with its key), masked or not, household ids and household attributes.
 * None is there. The page shows the incident masked, the alerts as counts, no inspector or
 * household card, and its badge says it holds no personal data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signInOverHttp, type ApiSession } from './fixtures.ts';
import { REPO_ROOT, RENDERER_TEST_DIST } from '../../electron/cli/paths.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { COLUMNS_CONTENT_TYPE, decodeColumns } from '../../data/feed/columnar.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import { tempDir } from '../unit/helpers.ts';
import { findPersonalData, readSecrets, typedReport, type Secrets } from '../unit/personalData.ts';

const OUT = join(REPO_ROOT, 'test-results');

/** The live part of the renderer's test hooks (renderer/testing/testHooks.ts) this test reads. */
interface WallHooks {
  incidentIds(): string[];
  alertIds(): string[];
}
const tmp = tempDir('civictwin-wall-e2e-');
const PASSWORD = 'correct horse battery';

let store: DuckDbStore;
let services: Services;
let host: WebHost;
let base: string;
let secrets: Secrets;
let browser: Browser;
let page: Page;
let operator: ApiSession;
/** Everything the wall page received, decoded. */
const received: { what: string; value: unknown }[] = [];
const requests: string[] = [];
let framesReceived = 0;

/** Reports an incident whose description and first step name a resident, as typed. */
async function reportIncident(incidentId: string): Promise<void> {
  const { description, note } = typedReport(secrets.resident);
  const b = (await store.one<{ lon: number; lat: number }>('SELECT centroid_lon AS lon, centroid_lat AS lat FROM buildings WHERE id = $1', [secrets.resident.buildingId]))!;
  const now = Date.now();
  const result = await services.ingest.ingestValues(
    [
      { id: `${incidentId}-r`, type: 'incident.reported', ts: new Date(now - 60_000).toISOString(), source: 'hotline-12345', data: { incidentId, category: 'elderly_care', severity: 3, lon: b.lon, lat: b.lat, reporter: 'hotline', description, buildingId: secrets.resident.buildingId } },
      { id: `${incidentId}-a`, type: 'incident.status', ts: new Date(now - 30_000).toISOString(), source: 'hotline-12345', data: { incidentId, status: 'accepted', actor: 'operator1', note } },
    ],
    'http',
  );
  expect(result.rejected).toEqual([]);
}

/** Records what the page receives: response bodies that are data or text, and socket frames. */
function record(p: Page): void {
  p.on('request', (r) => requests.push(r.url()));
  p.on('response', async (r) => {
    const type = r.headers()['content-type'] ?? '';
    const what = `HTTP ${r.request().method()} ${new URL(r.url()).pathname} → ${r.status()}`;
    let body: Buffer;
    try {
      body = await r.body();
    } catch {
      return; // a redirect or an aborted request has no body
    }
    if (type.startsWith(COLUMNS_CONTENT_TYPE)) received.push({ what, value: decodeColumns(new Uint8Array(body).slice().buffer) });
    else if (/json|text|javascript|css|svg/.test(type)) {
      const text = body.toString('utf8');
      let value: unknown = text;
      if (type.includes('json')) {
        try {
          value = JSON.parse(text) as unknown;
        } catch {
          value = text;
        }
      }
      received.push({ what, value });
    }
    // Fonts and images carry no text a person could read off the wall.
  });
  p.on('websocket', (ws) => {
    ws.on('framereceived', ({ payload }) => {
      framesReceived++;
      const value = typeof payload === 'string' ? payload : decodeColumns(new Uint8Array(payload).slice().buffer);
      received.push({ what: `WS ${new URL(ws.url()).pathname}`, value });
    });
  });
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const db = tmp.path('wall.duckdb');
  await seedTwin(db, 23, 300, undefined, () => undefined);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  await services.auth.addUser('operator1', '值班员', 'operator', PASSWORD);
  const wallToken = (await services.auth.addToken('lobby wall', 'wall', 'test')).token;
  host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: RENDERER_TEST_DIST, port: 0 });
  base = `http://127.0.0.1:${await host.listen()}/`;
  secrets = await readSecrets(store);
  operator = await signInOverHttp(base, { username: 'operator1', password: PASSWORD });
  // One report before the wall opens (it comes in the snapshot), one after (it comes pushed).
  await reportIncident('INC-WALL-SNAP');

  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  record(page);
  await page.goto(`${base}#wall=${wallToken}`);
  await page.waitForFunction(() => window.__civictwin?.ready === true, undefined, { timeout: 120_000 });

  await reportIncident('INC-WALL-PUSH');
  const r = (await store.one<{ id: number; lon: number; lat: number }>('SELECT id, lon, lat FROM resources ORDER BY id LIMIT 1'))!;
  await services.ingest.ingestValues([{ id: `pos-${Date.now()}`, type: 'resource.position', ts: new Date().toISOString(), source: 'gps', data: { resourceId: r.id, lon: r.lon + 0.0005, lat: r.lat, status: 'en_route' } }], 'http');
  const alert = (await store.one<{ id: string }>(`SELECT id FROM meter_alerts WHERE status = 'open' ORDER BY id LIMIT 1`))!;
  await operator.call('alerts', 'acknowledgeAlert', [alert.id]);
  await page.waitForFunction(() => (window.__civictwin as unknown as WallHooks).incidentIds().includes('INC-WALL-PUSH'), undefined, { timeout: 30_000 });
  // The acknowledged alert reaches the wall as its building's counts.
  for (const until = Date.now() + 30_000; !received.some((c) => c.what.startsWith('WS') && JSON.stringify(c.value).includes('"alertCounts"')); ) {
    if (Date.now() > until) throw new Error('the wall received no alert counts within 30 s');
    await page.waitForTimeout(50);
  }
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  services?.stop();
  store?.close();
  tmp.cleanup();
});

describe('a wall display (#wall=<token>)', () => {
  it('receives no name, ID number, phone, household id or household attribute in anything it loads', async () => {
    // Open what a wall can open: the incident, the alerts, a building found by its address.
    await page.getByTestId('tab-incidents').click();
    await page.locator('[data-testid="incident-row"][data-incident-id="INC-WALL-PUSH"]').click({ timeout: 15_000 });
    await page.getByTestId('incident-detail').waitFor();
    await page.getByTestId('tab-alerts').click();
    await page.getByTestId('search-input').fill(secrets.resident.address);
    await page.getByTestId('search-results').locator('button').first().click({ timeout: 15_000 });
    await page.getByTestId('building-panel').waitFor({ timeout: 15_000 });

    // Bodies are read after their responses arrive: wait for the last ones opened above.
    for (const rpc of ['store.getBuildings', 'live.getLiveSnapshot', 'incidents.getIncident', 'store.findBuildings', 'store.getBuildingDetail']) {
      await expect.poll(() => received.some((c) => c.what.includes(`/api/rpc/${rpc} `)), { timeout: 15_000 }).toBe(true);
    }
    expect(framesReceived).toBeGreaterThan(0);
    expect(received.flatMap((c) => findPersonalData(c.value, secrets, c.what))).toEqual([]);
    // The page never asks for dwellings or households.
    expect(requests.filter((u) => /getBuildingUnits|getHousehold|revealHousehold/.test(u))).toEqual([]);
  });

  it('shows the incident with the name, ID number, phone and flat masked', async () => {
    await page.getByTestId('tab-incidents').click();
    if (await page.getByTestId('detail-back').count()) await page.getByTestId('detail-back').click();
    await page.locator('[data-testid="incident-row"][data-incident-id="INC-WALL-SNAP"]').click({ timeout: 15_000 });
    const detail = page.getByTestId('incident-detail');
    await expect.poll(() => detail.textContent(), { timeout: 10_000 }).toContain('[证件号]');
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain(`${secrets.resident.name[0]}某`);
    expect(text).toContain('[电话]');
    expect(text).toContain('[门牌]');
    const page_ = (await page.locator('body').innerText()) ?? '';
    for (const secret of [secrets.resident.name, secrets.resident.idNumber, secrets.resident.phone, secrets.resident.phone.slice(3)]) expect(page_).not.toContain(secret);
  });

  it('shows meter alerts as counts by kind, and no alert of a household', async () => {
    await page.getByTestId('tab-alerts').click();
    const list = page.getByTestId('alert-list');
    await list.waitFor();
    expect(await list.getByTestId('alert-kind-count').count()).toBeGreaterThan(0);
    expect(await list.getByTestId('alert-row').count()).toBe(0);
    expect(await page.evaluate(() => (window.__civictwin as unknown as WallHooks).alertIds())).toEqual([]);
    const beacons = (await page.evaluate(() => window.__civictwin!.layers())).find((l) => l.id === 'alert-buildings');
    expect(beacons?.count ?? 0).toBeGreaterThan(0);
  });

  it('has no inspector of dwellings and no household card, and its badge says no personal data', async () => {
    expect(await page.evaluate(() => window.__civictwin!.selectedBuildingId())).not.toBeNull();
    expect(await page.evaluate(() => window.__civictwin!.inspector())).toBeNull();
    await expect.poll(() => page.getByTestId('inspector').getAttribute('aria-hidden')).toBe('true');
    expect(await page.getByTestId('household-card').count()).toBe(0);
    expect(await page.getByTestId('personal-data-badge').textContent()).toBe('大屏模式 · 不含个人信息');
    await page.screenshot({ path: join(OUT, 'e2e-wall.png') });
  });
});
