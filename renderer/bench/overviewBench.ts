/**
 * Benchmark page (overview-bench.html, driven by electron/cli/benchOverview.ts), issue 12: the 3D
 * overview of the 100,000-building demo district with 10,000 moving resources at 3840×2160, drawn
 * two ways from the same footprints, heights and fleet, with the same oblique camera:
 *
 *   twin     — the app's own map layers, on the app's two canvases: the city (the buildings' binary
 *              extruded polygons with their material, renderer/views/map/layers/buildLayers.ts)
 *              on the map's canvas, drawn once, and the resources as packed GPU records
 *              (resourceRecords.ts) on the live canvas over it, which alone a position update
 *              redraws (MapController.ts does the same; resources are drawn on top of buildings);
 *   maplibre — the peer a user would pick: maplibre-gl's `fill-extrusion` from a GeoJSON source of
 *              the footprints, and a `circle` layer from a GeoJSON source of the fleet, updated
 *              with `setData`.
 *
 * One frame = one second of fleet movement: the update (packing the records, or building the
 * GeoJSON and `setData`), the draw, and waiting for the GPU to finish it (a 1-pixel readPixels;
 * maplibre: its `idle` event, after its worker has tiled the new data and the map has drawn it).
 * Between frames the page waits two animation frames. Nothing else runs in the page.
 *
 * Exposes `window.__overview = { ready, load(district), run(mode, frames) }`.
 */
import { COORDINATE_SYSTEM, Deck, WebMercatorViewport, type Layer } from '@deck.gl/core';
import { IconLayer } from '@deck.gl/layers';
import maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { BuildingColumns } from '../../electron/common/dto.ts';
import { BUILDING_USES } from '../../data/model/domain.ts';
import { buildBuildingGeometry } from '../views/map/layers/buildingGeometry.ts';
import { buildLayers } from '../views/map/layers/buildLayers.ts';
import { USE_COLOURS, useColouring } from '../views/map/layers/buildingColours.ts';
import { packRgba, ResourceRecords, type RecordDevice } from '../views/map/layers/resourceRecords.ts';

export type OverviewMode = 'twin' | 'maplibre';

/** The district as the driver sends it: typed arrays in base64 (one polygon per building). */
export interface DistrictPayload {
  count: number;
  originLon: number;
  originLat: number;
  heightM: string;
  use: string;
  polygonStart: string;
  positions: string;
}

export interface OverviewRun {
  mode: OverviewMode;
  buildings: number;
  movers: number;
  width: number;
  height: number;
  /** ms per frame: update + draw + GPU finished. */
  frameMs: number[];
  /** ms from the page's first call to the first complete frame (layers built, GPU buffers uploaded). */
  firstFrameMs: number;
  /** Twin only: ms of a frame that redraws the city too (a camera move), not a position update. */
  cityMs?: number[];
}

export interface OverviewBench {
  /** True once this module has run (the page is ready for `load`). */
  ready: boolean;
  load(district: DistrictPayload, movers: number): void;
  run(mode: OverviewMode, frames: number): Promise<OverviewRun>;
}

declare global {
  interface Window {
    __overview?: OverviewBench;
  }
}

const WIDTH = 3840;
const HEIGHT = 2160;
const WARMUP = 2;
const M_PER_DEG_LAT = 111_320;

const bytes = (b64: string): ArrayBuffer => {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out.buffer;
};

let columns: BuildingColumns | null = null;
let bbox: [number, number, number, number] = [0, 0, 0, 0];

/** The fleet: plain columns, moved one simulated second per frame (not timed). */
const fleet = { lon: new Float64Array(0), lat: new Float64Array(0), heading: new Float32Array(0), speed: new Float32Array(0), status: new Uint8Array(0) };
let seed = 7;
const random = (): number => {
  seed = (seed * 1_664_525 + 1_013_904_223) >>> 0;
  return seed / 2 ** 32;
};
function makeFleet(n: number): void {
  fleet.lon = new Float64Array(n);
  fleet.lat = new Float64Array(n);
  fleet.heading = new Float32Array(n);
  fleet.speed = new Float32Array(n);
  fleet.status = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    fleet.lon[i] = bbox[0] + random() * (bbox[2] - bbox[0]);
    fleet.lat[i] = bbox[1] + random() * (bbox[3] - bbox[1]);
    fleet.heading[i] = random() * 360;
    fleet.speed[i] = 2 + random() * 12;
    fleet.status[i] = Math.floor(random() * 4);
  }
}
function step(): void {
  const mPerDegLon = M_PER_DEG_LAT * Math.cos((((bbox[1] + bbox[3]) / 2) * Math.PI) / 180);
  for (let i = 0; i < fleet.lon.length; i++) {
    let h = fleet.heading[i]! + (random() - 0.5) * 20;
    const rad = (h * Math.PI) / 180;
    let lon = fleet.lon[i]! + (Math.sin(rad) * fleet.speed[i]!) / mPerDegLon;
    let lat = fleet.lat[i]! + (Math.cos(rad) * fleet.speed[i]!) / M_PER_DEG_LAT;
    if (lon < bbox[0] || lon > bbox[2] || lat < bbox[1] || lat > bbox[3]) {
      h += 180;
      lon = Math.min(bbox[2], Math.max(bbox[0], lon));
      lat = Math.min(bbox[3], Math.max(bbox[1], lat));
    }
    fleet.heading[i] = ((h % 360) + 360) % 360;
    fleet.lon[i] = lon;
    fleet.lat[i] = lat;
  }
}

const STATUS_RGB: [number, number, number][] = [
  [96, 200, 255],
  [255, 196, 64],
  [255, 90, 90],
  [140, 140, 150],
];

function load(d: DistrictPayload, movers: number): void {
  const n = d.count;
  const polygonStart = new Uint32Array(bytes(d.polygonStart));
  const positions = new Float32Array(bytes(d.positions));
  columns = {
    count: n,
    originLon: d.originLon,
    originLat: d.originLat,
    id: Int32Array.from({ length: n }, (_, i) => i + 1),
    heightM: new Float32Array(bytes(d.heightM)),
    floors: new Uint16Array(n),
    use: new Uint8Array(bytes(d.use)),
    residents: new Uint16Array(n),
    households: new Uint16Array(n),
    elderlyPct: new Uint8Array(n),
    careHouseholds: new Uint16Array(n),
    openIncidents: new Uint16Array(n),
    polygonCount: n,
    polygonBuilding: Uint32Array.from({ length: n }, (_, i) => i),
    polygonStart,
    positions,
  };
  let [w, s, e, nn] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i += 2) {
    const lon = d.originLon + positions[i]!;
    const lat = d.originLat + positions[i + 1]!;
    w = Math.min(w, lon);
    e = Math.max(e, lon);
    s = Math.min(s, lat);
    nn = Math.max(nn, lat);
  }
  bbox = [w, s, e, nn];
  makeFleet(movers);
}

/** The overview both draw: the whole district, pitched 45°, turned a little, as on the wall. */
function camera(): { longitude: number; latitude: number; zoom: number; pitch: number; bearing: number } {
  const fit = new WebMercatorViewport({ width: WIDTH, height: HEIGHT }).fitBounds(
    [
      [bbox[0], bbox[1]],
      [bbox[2], bbox[3]],
    ],
    { padding: 120 },
  );
  return { longitude: fit.longitude, latitude: fit.latitude, zoom: fit.zoom + 0.3, pitch: 45, bearing: -15 };
}

const container = document.getElementById('view') as HTMLDivElement;
const frame = (): Promise<void> => new Promise((ok) => requestAnimationFrame(() => ok()));
const pixel = new Uint8Array(4);

//#region twin
async function runTwin(frames: number): Promise<OverviewRun> {
  const cols = columns!;
  const t0 = performance.now();
  const geometry = buildBuildingGeometry(cols);
  const buildings = buildLayers({
    columns: cols,
    geometry,
    colouring: useColouring(cols),
    selectedRow: -1,
    hoveredRow: -1,
    facilities: [],
    atlas: null,
    labels: null,
    showFacilityNames: false,
    zoom: 14,
  }).layers;
  const origin = [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2] as const;
  const records = new ResourceRecords(origin[0], origin[1]);
  const order = Int32Array.from({ length: fleet.lon.length }, (_, i) => i);
  const statusRgba = STATUS_RGB.map((c) => packRgba(c[0], c[1], c[2], 255));
  const atlas = document.createElement('canvas');
  atlas.width = 32;
  atlas.height = 32;
  const ctx = atlas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.beginPath();
  ctx.arc(16, 16, 14, 0, Math.PI * 2);
  ctx.fill();
  // As the app draws it (renderer/views/map/MapController.ts): the city on the map's canvas, the
  // moving resources on the live canvas over it, which alone is redrawn when positions change.
  const cityDiv = document.createElement('div');
  const liveDiv = document.createElement('div');
  for (const d of [cityDiv, liveDiv]) d.style.cssText = `position:absolute;left:0;top:0;width:${WIDTH}px;height:${HEIGHT}px`;
  liveDiv.style.pointerEvents = 'none';
  container.append(cityDiv, liveDiv);
  type Internals = { device: RecordDevice & { gl?: WebGL2RenderingContext }; layerManager: { updateLayers(): void } };
  const makeDeck = async (parent: HTMLDivElement): Promise<{ deck: Deck; internals: Internals }> => {
    let loaded = false;
    const deck = new Deck({
      parent,
      width: WIDTH,
      height: HEIGHT,
      useDevicePixels: false,
      initialViewState: camera(),
      controller: false,
      layers: [],
      onLoad: () => {
        loaded = true;
      },
    });
    while (!loaded) await frame();
    return { deck, internals: deck as unknown as Internals };
  };
  const city = await makeDeck(cityDiv);
  const live = await makeDeck(liveDiv);
  const finish = (i: Internals): void => void i.device.gl?.readPixels(WIDTH / 2, HEIGHT / 2, 1, 1, 0x1908, 0x1401, pixel);
  const drawCity = (): void => {
    city.deck.setProps({ layers: buildings });
    city.internals.layerManager.updateLayers();
    city.deck.redraw('bench city');
    finish(city.internals);
  };
  const drawLive = (): void => {
    records.pack(fleet, order, 0, (slot) => statusRgba[fleet.status[slot]!]!);
    const resources: Layer = new IconLayer({
      id: 'resources',
      data: records.data(live.internals.device) as never,
      coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
      coordinateOrigin: records.origin,
      iconAtlas: atlas as never,
      iconMapping: { dot: { x: 0, y: 0, width: 32, height: 32, mask: true } },
      getIcon: () => 'dot',
      getSize: 8,
      sizeUnits: 'pixels',
      billboard: true,
      parameters: { depthCompare: 'always', depthWriteEnabled: false },
    });
    live.deck.setProps({ layers: [resources] });
    live.internals.layerManager.updateLayers();
    live.deck.redraw('bench frame');
    finish(live.internals);
  };
  drawCity();
  drawLive();
  const firstFrameMs = performance.now() - t0;
  const frameMs: number[] = [];
  const cityMs: number[] = [];
  for (let k = 0; k < WARMUP + frames; k++) {
    step();
    await frame();
    await frame();
    const a = performance.now();
    drawLive();
    if (k >= WARMUP) frameMs.push(performance.now() - a);
  }
  // For the record: a frame that redraws the city too (a camera move, a scene change).
  for (let k = 0; k < 2; k++) {
    await frame();
    const a = performance.now();
    drawCity();
    cityMs.push(performance.now() - a);
  }
  records.dispose();
  city.deck.finalize();
  live.deck.finalize();
  container.replaceChildren();
  return { mode: 'twin', buildings: cols.count, movers: fleet.lon.length, width: WIDTH, height: HEIGHT, frameMs, firstFrameMs, cityMs };
}
//#endregion

//#region maplibre
function buildingsGeoJson(): GeoJSON.FeatureCollection {
  const cols = columns!;
  const features: GeoJSON.Feature[] = new Array(cols.count);
  for (let b = 0; b < cols.count; b++) {
    const ring: [number, number][] = [];
    for (let v = cols.polygonStart[b]!; v < cols.polygonStart[b + 1]!; v++) ring.push([cols.originLon + cols.positions[2 * v]!, cols.originLat + cols.positions[2 * v + 1]!]);
    ring.push(ring[0]!);
    const [r, g, bl] = USE_COLOURS[BUILDING_USES[cols.use[b]!] ?? 'other'];
    features[b] = { type: 'Feature', properties: { h: cols.heightM[b], c: `rgb(${r},${g},${bl})` }, geometry: { type: 'Polygon', coordinates: [ring] } };
  }
  return { type: 'FeatureCollection', features };
}

function fleetGeoJson(): GeoJSON.FeatureCollection {
  const n = fleet.lon.length;
  const features: GeoJSON.Feature[] = new Array(n);
  for (let i = 0; i < n; i++) {
    features[i] = { type: 'Feature', properties: { s: fleet.status[i] }, geometry: { type: 'Point', coordinates: [fleet.lon[i]!, fleet.lat[i]!] } };
  }
  return { type: 'FeatureCollection', features };
}

async function runMaplibre(frames: number): Promise<OverviewRun> {
  const t0 = performance.now();
  const cam = camera();
  const map = new maplibregl.Map({
    container,
    style: {
      version: 8,
      sources: {
        buildings: { type: 'geojson', data: buildingsGeoJson() },
        fleet: { type: 'geojson', data: fleetGeoJson() },
      },
      layers: [
        { id: 'background', type: 'background', paint: { 'background-color': '#0b1020' } },
        { id: 'buildings', type: 'fill-extrusion', source: 'buildings', paint: { 'fill-extrusion-color': ['get', 'c'], 'fill-extrusion-height': ['get', 'h'], 'fill-extrusion-opacity': 1 } },
        {
          id: 'fleet',
          type: 'circle',
          source: 'fleet',
          paint: {
            'circle-radius': 4,
            'circle-color': ['match', ['get', 's'], 0, '#60c8ff', 1, '#ffc440', 2, '#ff5a5a', '#8c8c96'],
            'circle-pitch-alignment': 'map',
          },
        },
      ],
    },
    center: [cam.longitude, cam.latitude],
    zoom: cam.zoom,
    pitch: cam.pitch,
    bearing: cam.bearing,
    interactive: false,
    attributionControl: false,
    fadeDuration: 0,
    // deck.gl draws device pixels 1:1 here too (useDevicePixels: false).
    pixelRatio: 1,
  });
  const idle = (): Promise<void> => new Promise((ok) => map.once('idle', () => ok()));
  await idle();
  const gl = (map as unknown as { painter: { context: { gl: WebGL2RenderingContext } } }).painter.context.gl;
  gl.readPixels(WIDTH / 2, HEIGHT / 2, 1, 1, 0x1908, 0x1401, pixel);
  const firstFrameMs = performance.now() - t0;
  const source = map.getSource('fleet') as maplibregl.GeoJSONSource;
  const frameMs: number[] = [];
  for (let k = 0; k < WARMUP + frames; k++) {
    step();
    await frame();
    await frame();
    const a = performance.now();
    const drawn = idle();
    source.setData(fleetGeoJson());
    await drawn;
    gl.readPixels(WIDTH / 2, HEIGHT / 2, 1, 1, 0x1908, 0x1401, pixel);
    if (k >= WARMUP) frameMs.push(performance.now() - a);
  }
  map.remove();
  container.replaceChildren();
  return { mode: 'maplibre', buildings: columns!.count, movers: fleet.lon.length, width: WIDTH, height: HEIGHT, frameMs, firstFrameMs };
}
//#endregion

const bench: OverviewBench = {
  ready: true,
  load,
  run: (mode, frames) => (mode === 'twin' ? runTwin(frames) : runMaplibre(frames)),
};
window.__overview = bench;
