/**
 * Typhoon planning's "colour buildings by" channels: the strongest wind each building sees over
 * the storm being planned for (Beaufort classes, the wind circles' colours), and the water at each
 * building at the player's moment (the flood tab's rain scenario). Without a storm, or without a
 * terrain model, the legend says so over the buildings' use colours.
 */
import type { BuildingColumns } from '../../../electron/common/dto.ts';
import type { FloodView } from '../../../electron/common/typhoon/flood.ts';
import type { DistrictWind } from '../../../electron/common/typhoon/contract.ts';
import { playerNow, useLiveStore } from '../../state/liveStore.ts';
import { rampColouring, useColouring, type BuildingColouring, type LegendText, type Rgb } from '../../views/map/layers/buildingColours.ts';
import type { BuildingGeometry } from '../../views/map/layers/buildingGeometry.ts';
import type { ColourByDef } from '../feature.ts';
import { useTyphoonStore } from './store.ts';
import { floodMoment, loadFlood, useFloodStore } from './floodStore.ts';

/** Wind classes: below gales, then the circles' yellow (7), orange (10), red (12) and beyond. */
export const WIND_CLASSES: { from: number; to: number | null; colour: Rgb }[] = [
  { from: 0, to: 6, colour: [70, 96, 124] },
  { from: 7, to: 7, colour: [255, 226, 110] },
  { from: 8, to: 9, colour: [255, 190, 50] },
  { from: 10, to: 11, colour: [255, 130, 30] },
  { from: 12, to: 13, colour: [232, 40, 50] },
  { from: 14, to: null, colour: [196, 46, 170] },
];

export function windClassOf(force: number): number {
  for (let i = WIND_CLASSES.length - 1; i > 0; i--) if (force >= WIND_CLASSES[i]!.from) return i;
  return 0;
}

function classText(i: number, count: number): LegendText {
  const c = WIND_CLASSES[i]!;
  if (c.to === null) return { key: 'typhoon.colourBy.forceAbove', values: { force: c.from, count } };
  if (c.from === 0) return { key: 'typhoon.colourBy.forceBelow', values: { force: c.to, count } };
  if (c.from === c.to) return { key: 'typhoon.colourBy.forceOne', values: { force: c.from, count } };
  return { key: 'typhoon.colourBy.forceRange', values: { from: c.from, to: c.to, count } };
}

/**
 * Buildings coloured by their peak Beaufort force (one per column row; the host's wind model,
 * DistrictWind.buildings); the legend lists the classes that occur, with how many buildings.
 */
export function windColouring(peakForce: Uint8Array): BuildingColouring {
  const n = peakForce.length;
  const out = new Uint8Array(n * 4);
  const counts = new Array<number>(WIND_CLASSES.length).fill(0);
  for (let r = 0; r < n; r++) {
    const k = windClassOf(peakForce[r]!);
    counts[k]!++;
    const c = WIND_CLASSES[k]!.colour;
    out[4 * r] = c[0];
    out[4 * r + 1] = c[1];
    out[4 * r + 2] = c[2];
    out[4 * r + 3] = 255;
  }
  const items = WIND_CLASSES.flatMap((c, i) => (counts[i]! > 0 ? [{ colour: c.colour, text: classText(i, counts[i]!), testId: `legend-wind-${c.from}` }] : []));
  return { rowColours: out, legend: { kind: 'classes', items, note: { key: 'typhoon.colourBy.windNote' } } };
}

/** The host's per-building peaks in the columns' row order (a building the host did not rate: 0). */
export function peakForceByRow(wind: DistrictWind, cols: BuildingColumns): Uint8Array {
  const out = new Uint8Array(cols.count);
  const { ids, peakForce } = wind.buildings;
  const rowOf = new Map<number, number>();
  for (let r = 0; r < cols.count; r++) rowOf.set(cols.id[r]!, r);
  for (let i = 0; i < ids.length; i++) {
    const r = rowOf.get(ids[i]!);
    if (r !== undefined) out[r] = peakForce[i]!;
  }
  return out;
}

/** The use colours, with the legend saying why the channel has nothing to show. */
const fallbackCache = new WeakMap<BuildingColumns, Map<string, BuildingColouring>>();
function fallback(cols: BuildingColumns, key: string): BuildingColouring {
  let m = fallbackCache.get(cols);
  if (!m) fallbackCache.set(cols, (m = new Map()));
  let c = m.get(key);
  if (!c) {
    const base = useColouring(cols);
    m.set(key, (c = { rowColours: base.rowColours, legend: { kind: 'message', text: { key }, base: base.legend } }));
  }
  return c;
}

let windCache: { wind: DistrictWind; cols: BuildingColumns; colouring: BuildingColouring } | null = null;

export const windColourBy: ColourByDef = {
  id: 'typhoonWind',
  labelKey: 'typhoon.colourBy.wind',
  order: 20,
  subscribe(onChange) {
    return useTyphoonStore.subscribe((s, prev) => {
      if (s.wind !== prev.wind || s.selectedId !== prev.selectedId || s.loading !== prev.loading) onChange();
    });
  },
  colour({ columns }) {
    const { wind, selectedId, loading } = useTyphoonStore.getState();
    if (selectedId === null) return fallback(columns, 'typhoon.colourBy.noStorm');
    if (loading || !wind) return fallback(columns, loading ? 'typhoon.colourBy.loading' : 'typhoon.colourBy.noStorm');
    if (windCache && windCache.wind === wind && windCache.cols === columns) return windCache.colouring;
    const colouring = windColouring(peakForceByRow(wind, columns));
    windCache = { wind, cols: columns, colouring };
    return colouring;
  },
};

//#region flood depth
/** Where each building stands in the flood raster: the sparse cells under its footprint and centre (CSR). */
interface BuildingCells {
  start: Uint32Array;
  cells: Uint32Array;
}

/** Column and row of a lon/lat in the raster, whose corners are [sw, nw, ne, se] (row 0 the north edge). */
function cellOf(r: NonNullable<FloodView['raster']>, lon: number, lat: number): number {
  const [sw, nw, ne] = r.corners;
  const ux = ne[0] - nw[0];
  const uy = ne[1] - nw[1];
  const vx = sw[0] - nw[0];
  const vy = sw[1] - nw[1];
  const det = ux * vy - uy * vx;
  if (det === 0) return -1;
  const dx = lon - nw[0];
  const dy = lat - nw[1];
  const u = (dx * vy - dy * vx) / det;
  const v = (ux * dy - uy * dx) / det;
  if (u < 0 || u >= 1 || v < 0 || v >= 1) return -1;
  return Math.floor(v * r.rows) * r.cols + Math.floor(u * r.cols);
}

export function buildingCells(flood: FloodView, cols: BuildingColumns, geometry: BuildingGeometry): BuildingCells {
  const n = cols.count;
  const start = new Uint32Array(n + 1);
  const r = flood.raster;
  if (!r) return { start, cells: new Uint32Array(0) };
  const sparse = new Map<number, number>();
  for (let k = 0; k < r.cells.length; k++) sparse.set(r.cells[k]!, k);
  const perRow: number[][] = Array.from({ length: n }, () => []);
  const add = (row: number, lon: number, lat: number): void => {
    const k = sparse.get(cellOf(r, lon, lat));
    if (k !== undefined && !perRow[row]!.includes(k)) perRow[row]!.push(k);
  };
  for (let row = 0; row < n; row++) add(row, geometry.centroids[2 * row]!, geometry.centroids[2 * row + 1]!);
  for (let p = 0; p < cols.polygonCount; p++) {
    const row = cols.polygonBuilding[p]!;
    for (let v = cols.polygonStart[p]!; v < cols.polygonStart[p + 1]!; v++) add(row, cols.originLon + cols.positions[2 * v]!, cols.originLat + cols.positions[2 * v + 1]!);
  }
  const out: number[] = [];
  for (let row = 0; row < n; row++) {
    start[row] = out.length;
    out.push(...perRow[row]!);
  }
  start[n] = out.length;
  return { start, cells: Uint32Array.from(out) };
}

/** Water at each building (the deepest of its cells), m, at a moment between two steps. */
export function depthAtBuildings(flood: FloodView, where: BuildingCells, m: { from: number; to: number; mix: number } | null): Float32Array {
  const n = where.start.length - 1;
  const depth = new Float32Array(n);
  const r = flood.raster;
  if (!r || !m) return depth;
  const cellsN = r.cells.length;
  for (let row = 0; row < n; row++) {
    let best = 0;
    for (let j = where.start[row]!; j < where.start[row + 1]!; j++) {
      const k = where.cells[j]!;
      const a = m.from >= 0 ? r.depth[m.from * cellsN + k]! : 0;
      const b = r.depth[m.to * cellsN + k]!;
      const d = (a + (b - a) * m.mix) * r.depthUnitM;
      if (d > best) best = d;
    }
    depth[row] = best;
  }
  return depth;
}

/** Water ramp: shallow light blue to deep navy; dry buildings stay a quiet slate. */
export const WATER_RAMP: Rgb[] = [
  [150, 220, 255],
  [60, 150, 240],
  [30, 80, 200],
  [40, 30, 140],
];
export const DRY: Rgb = [78, 88, 104];
/** Water shallower than this is not coloured (a wet pavement). */
const WET_M = 0.05;
/** The moment moves the colours in steps of a twelfth of an hour (5 minutes). */
const MIX_STEPS = 12;

let cellsCache: { flood: FloodView; cols: BuildingColumns; cells: BuildingCells } | null = null;
let depthCache: { key: string; flood: FloodView; cols: BuildingColumns; colouring: BuildingColouring } | null = null;

export const floodColourBy: ColourByDef = {
  id: 'typhoonFlood',
  labelKey: 'typhoon.colourBy.flood',
  order: 21,
  subscribe(onChange) {
    // The scenario's flood is asked for when the channel is chosen and none is there yet.
    const f = useFloodStore.getState();
    if (!f.flood && !f.unavailable && !f.loading) void loadFlood();
    const offFlood = useFloodStore.subscribe((s, prev) => {
      if (s.flood !== prev.flood || s.unavailable !== prev.unavailable || s.loading !== prev.loading) onChange();
    });
    const offStorm = useTyphoonStore.subscribe((s, prev) => {
      if (s.shiftMs !== prev.shiftMs || s.selectedId !== prev.selectedId) onChange();
    });
    const offLive = useLiveStore.subscribe((s, prev) => {
      if (s.mode !== prev.mode || s.replay !== prev.replay) onChange();
    });
    // The water rises with the clock (live, or replay playing).
    let last = '';
    const timer = setInterval(() => {
      const { flood } = useFloodStore.getState();
      if (!flood) return;
      const m = floodMoment(flood, playerNow());
      const key = m ? `${m.from}:${m.to}:${Math.round(m.mix * MIX_STEPS)}` : 'dry';
      if (key !== last) {
        last = key;
        onChange();
      }
    }, 1000);
    return () => {
      offFlood();
      offStorm();
      offLive();
      clearInterval(timer);
    };
  },
  colour({ columns, geometry, timeMs }) {
    const { flood, unavailable, loading } = useFloodStore.getState();
    if (!flood) {
      if (unavailable) return fallback(columns, unavailable.unavailable === 'no_terrain' ? 'typhoon.colourBy.noTerrain' : 'typhoon.colourBy.noGauges');
      return fallback(columns, loading ? 'typhoon.colourBy.floodLoading' : 'typhoon.colourBy.noFlood');
    }
    const m = floodMoment(flood, timeMs);
    const quantised = m ? { ...m, mix: Math.round(m.mix * MIX_STEPS) / MIX_STEPS } : null;
    const key = quantised ? `${quantised.from}:${quantised.to}:${quantised.mix}` : 'dry';
    if (depthCache && depthCache.flood === flood && depthCache.cols === columns && depthCache.key === key) return depthCache.colouring;
    if (!cellsCache || cellsCache.flood !== flood || cellsCache.cols !== columns) cellsCache = { flood, cols: columns, cells: buildingCells(flood, columns, geometry) };
    const depth = depthAtBuildings(flood, cellsCache.cells, quantised);
    // The scale is the scenario's deepest water, so the colours of one hour compare with the next.
    const max = Math.max(0.1, Math.ceil((flood.raster?.maxDepthM ?? 0.1) * 10) / 10);
    const colouring = rampColouring(depth, (row) => depth[row]! >= WET_M, {
      ramp: WATER_RAMP,
      max,
      unit: { key: 'typhoon.colourBy.metres' },
      special: { colour: DRY, meaning: { key: 'typhoon.colourBy.dry' } },
    });
    depthCache = { key, flood, cols: columns, colouring };
    return colouring;
  },
};
//#endregion

export const typhoonColourBy: readonly ColourByDef[] = [windColourBy, floodColourBy];
