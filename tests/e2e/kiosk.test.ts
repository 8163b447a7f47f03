/**
 * A wall runs for days untouched (issue 12, kiosk): the map's WebGL context lost 100 times
 * (WEBGL_lose_context; most restored, every tenth never) and the map draws the city again each
 * time, and the JavaScript heap stays flat over them; the host stopped and started again, and
 * the wall picks up the live feed by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './fixtures.ts';
import { RENDERER_TEST_DIST } from '../../electron/cli/paths.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import { tempDir } from '../unit/helpers.ts';
import { formatRetainers, heapRetainers } from './heapRetainers.ts';

interface KioskHooks {
  ready: boolean;
  layers(): { id: string; count: number }[];
  incidentIds(): string[];
}
interface KioskWindow {
  __civictwin?: KioskHooks;
  __lostCanvas?: HTMLCanvasElement;
  /** Set once at the start: still there at the end means the page was never reloaded. */
  __sameDocument?: boolean;
  gc?: () => void;
}
const tmp = tempDir('civictwin-kiosk-e2e-');
let store: DuckDbStore;
let services: Services;
let host: WebHost;
let port: number;
let browser: Browser;
let page: Page;
let wallToken: string;

const MAP_CANVAS = '[data-testid="map"] canvas';

beforeAll(async () => {
  const db = tmp.path('kiosk.duckdb');
  await seedTwin(db, 5, 300, undefined, () => undefined);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  wallToken = (await services.auth.addToken('kiosk wall', 'wall', 'test')).token;
  host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: RENDERER_TEST_DIST, port: 0 });
  port = await host.listen();
  browser = await launchBrowser(['--js-flags=--expose-gc']);
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`http://127.0.0.1:${port}/#wall=${wallToken}`);
  await page.waitForFunction(() => (window as unknown as KioskWindow).__civictwin?.ready === true, undefined, { timeout: 120_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  services?.stop();
  store?.close();
  tmp.cleanup();
});

/** Share of the map's pixels that are lit (buildings, roads, labels) rather than the dark ground. */
async function litShare(p: Page): Promise<number> {
  const png = await p.locator(MAP_CANVAS).first().screenshot();
  return p.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = new OffscreenCanvas(img.width, img.height);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, img.width, img.height).data;
    let lit = 0;
    for (let i = 0; i < d.length; i += 16) if (d[i]! + d[i + 1]! + d[i + 2]! > 180) lit++;
    return lit / (d.length / 16);
  }, png.toString('base64'));
}

async function heapMb(p: Page): Promise<number> {
  return p.evaluate(() => {
    (window as unknown as KioskWindow).gc?.();
    return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize / 1e6;
  });
}

describe('a kiosk wall', () => {
  it('draws the map again after each of 100 WebGL context losses, and its heap stays flat', async () => {
    // Recovered in the same document: the page watchdog's reload (gfx/pageWatchdog.ts) would
    // also bring the map back, and hide a leak by starting over.
    await page.evaluate(() => ((window as unknown as KioskWindow).__sameDocument = true));
    const litAtStart = await litShare(page);
    expect(litAtStart).toBeGreaterThan(0.02);
    const heap: number[] = [];
    for (let i = 0; i < 100; i++) {
      // Most losses are restored by the browser (recovered in place); every tenth never is (the view is rebuilt).
      const restore = i % 10 !== 9;
      await page.evaluate(
        ({ selector, restore }) => {
          const canvas = document.querySelector(selector) as HTMLCanvasElement;
          (window as unknown as KioskWindow).__lostCanvas = canvas;
          const ext = (canvas.getContext('webgl2') as WebGL2RenderingContext).getExtension('WEBGL_lose_context')!;
          ext.loseContext();
          if (restore) setTimeout(() => ext.restoreContext(), 50);
        },
        { selector: MAP_CANVAS, restore },
      );
      await page.waitForFunction(
        (selector) => {
          const w = window as unknown as KioskWindow;
          const canvas = document.querySelector(selector);
          return canvas !== null && canvas !== w.__lostCanvas && w.__civictwin?.ready === true && (w.__civictwin.layers().find((l) => l.id === 'buildings')?.count ?? 0) > 0;
        },
        MAP_CANVAS,
        { timeout: 60_000 },
      );
      // What is drawn, not only that it says so: every tenth time, the pixels.
      if (i % 10 === 9) {
        await expect.poll(() => litShare(page), { timeout: 30_000 }).toBeGreaterThan(litAtStart * 0.6);
        heap.push(await heapMb(page));
      }
    }
    expect(heap).toHaveLength(10);
    expect(await page.evaluate(() => (window as unknown as KioskWindow).__sameDocument)).toBe(true);
    console.log(`kiosk: JS heap after every tenth context loss (MB, after GC): ${heap.map((h) => h.toFixed(1)).join(' · ')}`);
    // Flat: after the last loss within 10 MB of the heap after the first ten. A map kept per
    // rebuild is ~0.75 MB (the leak this guards: 37 → 113 MB over 100 losses, each old map held by
    // its style on maplibre's RTL-plugin emitter, views/map/maplibreRelease.ts); 10 MB over 90
    // losses catches anything above ~0.1 MB a loss, and leaves room for what settles after the
    // first rebuilds (shader and glyph caches, JIT code) and for GC timing.
    const growth = heap.at(-1)! - heap[0]!;
    if (growth >= 10) {
      // Say what holds on: the shortest path from a GC root to each WebGL context still alive.
      const report = await heapRetainers(page, (n) => n.name === 'WebGL2RenderingContext' && n.type === 'native');
      console.log(`kiosk: heap grew ${growth.toFixed(1)} MB; WebGL contexts still reachable:\n${formatRetainers(report)}`);
    }
    expect(growth).toBeLessThan(10);
  }, 1_800_000);

  it('comes back by itself when the host is killed and started again', async () => {
    await host.close();
    // The wall shows the host is gone while it waits (the feed banner), then reconnects.
    host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: RENDERER_TEST_DIST, port });
    await host.listen();
    const b = (await store.one<{ lon: number; lat: number }>('SELECT centroid_lon AS lon, centroid_lat AS lat FROM buildings ORDER BY id LIMIT 1'))!;
    const id = `KIOSK-${Date.now()}`;
    const result = await services.ingest.ingestValues(
      [{ id: `${id}-r`, type: 'incident.reported', ts: new Date().toISOString(), source: 'camera-1', data: { incidentId: id, category: 'garbage', severity: 2, lon: b.lon, lat: b.lat, reporter: 'camera' } }],
      'http',
    );
    expect(result.rejected).toEqual([]);
    await page.waitForFunction((incident) => (window as unknown as KioskWindow).__civictwin!.incidentIds().includes(incident), id, { timeout: 90_000 });
  }, 180_000);
});
