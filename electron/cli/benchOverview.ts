/**
 * The 4K overview (issue 12): frame time of the 3D overview at 3840×2160 with the demo district's
 * buildings (100,000 in a full run) and 10,000 moving resources, drawn by the app's own map layers
 * against maplibre-gl's fill-extrusion + GeoJSON sources drawing the same buildings and movers —
 * the peer a user would pick — in the same browser, on the same software GL, one after the other
 * (renderer/bench/overviewBench.ts says what a frame includes: as in the app, a position update
 * redraws only the live canvas over the city). Target: at least 2× the peer's frame rate. A frame
 * that redraws the city too (a camera move) is printed beside it.
 *
 * The buildings are the demo generator's own layout (data/seed/layout.ts), footprints and heights
 * as the twin stores them, sent to the page once as typed arrays. The page is served from the test
 * build (`npx vite build --config renderer/vite.config.ts --mode test`) by a static route here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import Fastify from 'fastify';
import type { BenchRow } from '../../data/analytics/benchRow.ts';
import { layoutDistrict } from '../../data/seed/layout.ts';
import { DistrictFrame } from '../../data/seed/frame.ts';
import { DEMO_ORIGIN } from '../../data/seed/generateDistrict.ts';
import { BUILDING_USES } from '../../data/model/domain.ts';
import { launchChromium } from './benchBrowser.ts';
import { RENDERER_TEST_DIST } from './paths.ts';

const WIDTH = 3840;
const HEIGHT = 2160;
const MOVERS = 10_000;
const TARGET_RATIO = 2;

/** Mirrors renderer/bench/overviewBench.ts (the driver is compiled without DOM types). */
interface OverviewRun {
  mode: 'twin' | 'maplibre';
  buildings: number;
  movers: number;
  frameMs: number[];
  firstFrameMs: number;
  cityMs?: number[];
}
interface DistrictPayload {
  count: number;
  originLon: number;
  originLat: number;
  heightM: string;
  use: string;
  polygonStart: string;
  positions: string;
}
interface OverviewPage {
  __overview?: { ready: boolean; load(d: DistrictPayload, movers: number): void; run(mode: 'twin' | 'maplibre', frames: number): Promise<OverviewRun> };
}

const b64 = (a: ArrayBufferView): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** The demo district's buildings as the twin holds them: one outer ring each, offsets from its origin. */
export function districtPayload(buildings: number): DistrictPayload {
  const layout = layoutDistrict(1, buildings);
  const frame = new DistrictFrame(DEMO_ORIGIN.lon, DEMO_ORIGIN.lat, layout.plan.rotationDeg);
  const n = layout.buildings.length;
  const heightM = new Float32Array(n);
  const use = new Uint8Array(n);
  const polygonStart = new Uint32Array(n + 1);
  const coords: number[] = [];
  layout.buildings.forEach((b, i) => {
    heightM[i] = b.heightM;
    use[i] = Math.max(0, BUILDING_USES.indexOf(b.use));
    polygonStart[i] = coords.length / 2;
    for (const [u, v] of b.ring) {
      const [lon, lat] = frame.toLonLat(u, v);
      coords.push(lon - DEMO_ORIGIN.lon, lat - DEMO_ORIGIN.lat);
    }
  });
  polygonStart[n] = coords.length / 2;
  return {
    count: n,
    originLon: DEMO_ORIGIN.lon,
    originLat: DEMO_ORIGIN.lat,
    heightM: b64(heightM),
    use: b64(use),
    polygonStart: b64(polygonStart),
    positions: b64(Float32Array.from(coords)),
  };
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.wasm': 'application/wasm' };

/** The test build's files, for the benchmark page only (loopback, GET, no directory listing). */
async function serveTestBuild(): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  app.get('/*', async (req, reply) => {
    const rel = normalize(decodeURIComponent(req.url.split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    const file = join(RENDERER_TEST_DIST, rel);
    if (!file.startsWith(RENDERER_TEST_DIST) || !existsSync(file)) return reply.code(404).send('not found');
    return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').send(readFileSync(file));
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function benchOverview(buildings: number, quick: boolean): Promise<BenchRow[]> {
  if (!existsSync(join(RENDERER_TEST_DIST, 'overview-bench.html'))) {
    return [{ name: '4K overview', value: 'not measured: build the test renderer first (npx vite build --config renderer/vite.config.ts --mode test)', pass: false, target: 'runs' }];
  }
  const district = districtPayload(buildings);
  const server = await serveTestBuild();
  const { browser, gl, close } = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT }, deviceScaleFactor: 1 });
    await page.goto(`${server.url}/overview-bench.html`);
    await page.waitForFunction(() => (globalThis as unknown as OverviewPage).__overview?.ready === true, undefined, { timeout: 120_000 });
    await page.evaluate(([d, movers]) => (globalThis as unknown as OverviewPage).__overview!.load(d, movers), [district, MOVERS] as const);
    const frames = quick ? 4 : 10;
    // The peer first, then the twin, then the peer again: a drift of the machine shows as two different peer figures.
    const peerA = await page.evaluate((n) => (globalThis as unknown as OverviewPage).__overview!.run('maplibre', n), frames);
    const twin = await page.evaluate((n) => (globalThis as unknown as OverviewPage).__overview!.run('twin', n), frames);
    const peerB = quick ? peerA : await page.evaluate((n) => (globalThis as unknown as OverviewPage).__overview!.run('maplibre', n), frames);
    const twinMs = median(twin.frameMs);
    const peerMs = median([...peerA.frameMs, ...peerB.frameMs]);
    const ratio = peerMs / twinMs;
    const fps = (ms: number): string => `${(1000 / ms).toFixed(2)} fps`;
    return [
      { name: `4K overview: Chromium, software WebGL2 by ${gl}`, value: '' },
      {
        name: `4K overview ${WIDTH}×${HEIGHT}: ${twin.buildings.toLocaleString('en')} bldg + ${twin.movers.toLocaleString('en')} moving, frame (update → drawn)`,
        value: `${twinMs.toFixed(0)} ms (${fps(twinMs)})`,
        baseline: `maplibre fill-extrusion + GeoJSON ${peerMs.toFixed(0)} ms (${fps(peerMs)})`,
        ratio: `${ratio.toFixed(2)}×`,
        target: `≥ ${TARGET_RATIO}× peer fps`,
        pass: ratio >= TARGET_RATIO,
      },
      { name: '  twin frame that redraws the city too (camera move), vs the peer', value: `${median(twin.cityMs ?? []).toFixed(0)} ms`, baseline: `${peerMs.toFixed(0)} ms`, ratio: `${(peerMs / median(twin.cityMs ?? [])).toFixed(2)}×` },
      { name: '  first complete frame: twin · maplibre', value: `${(twin.firstFrameMs / 1000).toFixed(1)} s · ${(peerA.firstFrameMs / 1000).toFixed(1)} s` },
      ...(quick ? [] : [{ name: '  maplibre, before and after the twin (drift)', value: `${median(peerA.frameMs).toFixed(0)} ms · ${median(peerB.frameMs).toFixed(0)} ms` }]),
    ];
  } finally {
    await close();
    await server.close();
  }
}
