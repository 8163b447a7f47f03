/**
 * Benchmark page (bench.html, driven by electron/cli/benchBrowser.ts): 10,000 moving resources
 * redrawn at each 1 Hz position update, three ways, in one standalone deck.gl `Deck` (no base map,
 * 1280×720 canvas):
 *
 *   gpu     — the map's own path (renderer/views/map/layers/resourceRecords.ts): positions,
 *             angles and colours packed from typed arrays into one 16-byte record per resource
 *             and written straight into one GPU buffer that the IconLayer reads with strides
 *             (`{buffer, stride, offset}`): one upload per update, nothing for deck.gl's
 *             attribute manager to fill. Positions are float32 lon/lat offsets from the district
 *             origin (LNGLAT_OFFSETS), as the buildings layer does, so no 64-bit split.
 *   typed   — the same records handed to deck.gl as typed arrays with strides (`{value, stride,
 *             offset}`, the documented binary-data path), which deck.gl uploads itself, once per
 *             attribute. What the map does before its deck.gl device exists.
 *   objects — the usual path: a new array of 10,000 new `{id, lon, lat, heading, status}` objects
 *             per update, with accessor functions (`getPosition: d => [d.lon, d.lat]`, default
 *             LNGLAT); deck.gl calls every accessor for every object.
 *
 * All modes draw the same IconLayer (a heading arrow coloured by status) from the same simulated
 * fleet; the simulation step itself is not timed. Timed per update, on the main thread:
 *   update — building the payload + `deck.setProps` + deck's layer update (attribute fill and
 *            buffer upload), run synchronously as deck's render loop would at the next frame;
 *   draw   — `deck.redraw()` (issuing the draw calls; the rasterising happens in the GPU process);
 *   finish — a 1-pixel `readPixels` right after the draw, i.e. waiting for the GPU (here the
 *            software rasteriser) to finish the frame. Informative only.
 * Between updates the page waits two animation frames, so one update's GPU work does not spill
 * into the next measurement.
 *
 * Exposes `window.__bench = { ready, run(mode, updates) }`.
 */
import { COORDINATE_SYSTEM, Deck, type Layer } from '@deck.gl/core';
import { IconLayer } from '@deck.gl/layers';
import { RESOURCE_STATUSES, type ResourceStatus } from '../../data/model/domain.ts';
import { packRgba, ResourceRecords, type RecordDevice } from '../views/map/layers/resourceRecords.ts';

export type BenchMode = 'gpu' | 'typed' | 'objects';

export interface Percentiles {
  median: number;
  p95: number;
  samples: number[];
}

export interface RunResult extends Percentiles {
  mode: BenchMode;
  resources: number;
  /** The same as `median`/`p95`/`samples`: payload + setProps + layer update. */
  update: Percentiles;
  /** Part of `update`: writing the typed arrays or building the objects, and the new layer. */
  payload: Percentiles;
  /** `deck.redraw()` alone. */
  draw: Percentiles;
  /** Waiting for the GPU to finish the frame (1-pixel readPixels). */
  finish: Percentiles;
  /** update + draw: all main-thread work of one update. */
  total: Percentiles;
}

export interface ResourcesBench {
  ready: boolean;
  run(mode: BenchMode, updates: number): Promise<RunResult>;
}

declare global {
  interface Window {
    __bench?: ResourcesBench;
  }
}

const N = 10_000;
const WARMUP = 5;
/** The demo district's extent. */
const BBOX = [121.402, 28.367, 121.437, 28.393] as const;
const M_PER_DEG_LAT = 111_320;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((28.38 * Math.PI) / 180);

const STATUS_COLOURS: Record<ResourceStatus, [number, number, number, number]> = {
  idle: [96, 200, 255, 255],
  en_route: [255, 196, 64, 255],
  on_scene: [255, 90, 90, 255],
  offline: [140, 140, 150, 255],
};
const STATUS_COLOUR_LIST = RESOURCE_STATUSES.map((s) => STATUS_COLOURS[s]);

/** The simulated fleet: what the host would have pushed, as plain columns. */
const sim = {
  lon: new Float64Array(N),
  lat: new Float64Array(N),
  heading: new Float32Array(N),
  speed: new Float32Array(N),
  status: new Uint8Array(N),
};
let seed = 42;
const random = (): number => {
  seed = (seed * 1_664_525 + 1_013_904_223) >>> 0;
  return seed / 2 ** 32;
};
for (let i = 0; i < N; i++) {
  sim.lon[i] = BBOX[0] + random() * (BBOX[2] - BBOX[0]);
  sim.lat[i] = BBOX[1] + random() * (BBOX[3] - BBOX[1]);
  sim.heading[i] = random() * 360;
  sim.speed[i] = 2 + random() * 12;
  sim.status[i] = Math.floor(random() * RESOURCE_STATUSES.length);
}

/** One second of movement: along the heading, turning back at the district's edge. */
function step(): void {
  for (let i = 0; i < N; i++) {
    let h = sim.heading[i]! + (random() - 0.5) * 20;
    const rad = (h * Math.PI) / 180;
    let lon = sim.lon[i]! + (Math.sin(rad) * sim.speed[i]!) / M_PER_DEG_LON;
    let lat = sim.lat[i]! + (Math.cos(rad) * sim.speed[i]!) / M_PER_DEG_LAT;
    if (lon < BBOX[0] || lon > BBOX[2] || lat < BBOX[1] || lat > BBOX[3]) {
      h += 180;
      lon = Math.min(BBOX[2], Math.max(BBOX[0], lon));
      lat = Math.min(BBOX[3], Math.max(BBOX[1], lat));
    }
    sim.heading[i] = ((h % 360) + 360) % 360;
    sim.lon[i] = lon;
    sim.lat[i] = lat;
    if (random() < 0.01) sim.status[i] = Math.floor(random() * RESOURCE_STATUSES.length);
  }
}

/** A heading arrow (pointing north), used as a mask so `getColor` tints it. */
function arrowAtlas(): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 64;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.beginPath();
  ctx.moveTo(32, 2);
  ctx.lineTo(58, 60);
  ctx.lineTo(32, 46);
  ctx.lineTo(6, 60);
  ctx.closePath();
  ctx.fill();
  return canvas;
}
const ATLAS = arrowAtlas();
const ICON_MAPPING = { arrow: { x: 0, y: 0, width: 64, height: 64, mask: true } };
const ICON_COMMON = {
  iconAtlas: ATLAS as never,
  iconMapping: ICON_MAPPING,
  getSize: 14,
  sizeUnits: 'pixels' as const,
  billboard: true,
  alphaCutoff: 0.05,
};

// ---- binary modes: the app's own resource records (renderer/views/map/layers/resourceRecords.ts) ----

/** Origin of the float32 offsets (the district's centre). */
const ORIGIN: [number, number] = [121.42, 28.38];
const records = new ResourceRecords(ORIGIN[0], ORIGIN[1]);
const ORDER = Int32Array.from({ length: N }, (_, i) => i);
const STATUS_RGBA = STATUS_COLOUR_LIST.map((c) => packRgba(c[0], c[1], c[2], c[3]));
const statusColour = (slot: number): number => STATUS_RGBA[sim.status[slot]!]!;
const binaryIcon = (): string => 'arrow';

function recordsLayer(mode: 'gpu' | 'typed'): Layer {
  // Exactly what the map's resources layer does per frame: pack, then hand over the records.
  records.pack(sim, ORDER, 0, statusColour);
  const device = mode === 'gpu' ? (deck as unknown as { device: RecordDevice }).device : null;
  return new IconLayer({
    ...ICON_COMMON,
    id: `resources-${mode}`,
    coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
    coordinateOrigin: records.origin,
    data: records.data(device) as never,
    getIcon: binaryIcon,
  });
}

// ---- object mode ------------------------------------------------------------------------------

interface ResourceObject {
  id: number;
  lon: number;
  lat: number;
  heading: number;
  status: ResourceStatus;
}
const getPosition = (d: ResourceObject): [number, number] => [d.lon, d.lat];
const getAngle = (d: ResourceObject): number => -d.heading;
const getColor = (d: ResourceObject): [number, number, number, number] => STATUS_COLOURS[d.status];
const getIcon = (): string => 'arrow';

function objectLayer(): Layer {
  const data: ResourceObject[] = new Array<ResourceObject>(N);
  for (let i = 0; i < N; i++) {
    data[i] = { id: i + 1, lon: sim.lon[i]!, lat: sim.lat[i]!, heading: sim.heading[i]!, status: RESOURCE_STATUSES[sim.status[i]!]! };
  }
  return new IconLayer<ResourceObject>({ ...ICON_COMMON, id: 'resources-objects', data, getIcon, getPosition, getAngle, getColor });
}

// ---- harness ----------------------------------------------------------------------------------

const container = document.getElementById('deck') as HTMLDivElement;
const deck = new Deck({
  parent: container,
  width: 1280,
  height: 720,
  useDevicePixels: false,
  // Zoom 14 fits the whole district (all 10,000 on screen).
  initialViewState: { longitude: (BBOX[0] + BBOX[2]) / 2, latitude: (BBOX[1] + BBOX[3]) / 2, zoom: 14, pitch: 0, bearing: 0 },
  controller: false,
  layers: [],
  onLoad: () => {
    loaded = true;
  },
});
let loaded = false;

/** deck.gl's own per-frame step (Deck._onRenderFrame): apply pending layers now, not next frame. */
const layerManager = (): { updateLayers(): void } => (deck as unknown as { layerManager: { updateLayers(): void } }).layerManager;
const gl = (): WebGL2RenderingContext | undefined => (deck as unknown as { device: { gl?: WebGL2RenderingContext } | null }).device?.gl;

const frame = (): Promise<void> => new Promise((ok) => requestAnimationFrame(() => ok()));
const pixel = new Uint8Array(4);

function percentiles(samples: number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  return { median: s[Math.floor(s.length / 2)] ?? NaN, p95: at(0.95), samples };
}

async function run(mode: BenchMode, updates: number): Promise<RunResult> {
  const make = mode === 'objects' ? objectLayer : () => recordsLayer(mode);
  const payload: number[] = [];
  const update: number[] = [];
  const draw: number[] = [];
  const finish: number[] = [];
  const total: number[] = [];
  for (let k = 0; k < WARMUP + updates; k++) {
    step();
    await frame();
    await frame();
    const t0 = performance.now();
    const layers = [make()];
    const tp = performance.now();
    deck.setProps({ layers });
    layerManager().updateLayers();
    const t1 = performance.now();
    deck.redraw('bench update');
    const t2 = performance.now();
    gl()?.readPixels(640, 360, 1, 1, 0x1908 /* RGBA */, 0x1401 /* UNSIGNED_BYTE */, pixel);
    const t3 = performance.now();
    if (k < WARMUP) continue;
    payload.push(tp - t0);
    update.push(t1 - t0);
    draw.push(t2 - t1);
    finish.push(t3 - t2);
    total.push(t2 - t0);
  }
  const u = percentiles(update);
  return { ...u, mode, resources: N, update: u, payload: percentiles(payload), draw: percentiles(draw), finish: percentiles(finish), total: percentiles(total) };
}

const bench: ResourcesBench = {
  get ready(): boolean {
    return loaded && deck.isInitialized;
  },
  run,
};
window.__bench = bench;
