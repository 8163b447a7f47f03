/**
 * The water surface for the map: depth per cell and hour from a flood run's depression levels
 * (simulateFlood with `keepLevels`), cropped to the cells that are ever wet, sparse (only those
 * cells, listed once) and quantised to one byte a cell and hour (2 cm steps: 0 = dry, 255 = 5.1 m
 * or deeper): a day and a half of hourly steps over the demo district at its full 10 m is a few
 * hundred kilobytes, where a dense raster per hour would be megabytes. Where it is still larger
 * than asked, cells are merged in blocks keeping the deepest (a narrow underpass stays visible).
 */
import { localProjection } from '../../model/geo.ts';
import { OUTSIDE } from './depressions.ts';
import { REPORT_MIN_DEPTH_M, type FloodResult, type PreparedFlood } from './flood.ts';

/** One raster byte is this much water. */
export const RASTER_DEPTH_UNIT_M = 0.02;
/** Default size limit of a raster (all steps), bytes. */
export const RASTER_MAX_BYTES = 512 * 1024;

export interface FloodRaster {
  cols: number;
  rows: number;
  /** Side of a raster cell, m (the terrain's cell times the merge factor). */
  cellM: number;
  /** Terrain cells merged into one raster cell along each side (1 = none). */
  merge: number;
  /** [lon, lat] of the raster's corners: south-west, north-west, north-east, south-east. */
  corners: [[number, number], [number, number], [number, number], [number, number]];
  steps: number;
  depthUnitM: number;
  /** The cells that are ever wet, as row × cols + col (row 0 the northern edge), ascending. */
  cells: Uint32Array;
  /** steps × cells.length bytes: depth / depthUnitM, rounded, at most 255. */
  depth: Uint8Array;
  /** Deepest water anywhere, m (before the byte's cap). */
  maxDepthM: number;
}

/** Quantises a depth in metres to the raster's byte. */
export const depthByte = (depthM: number): number => (depthM <= 0 ? 0 : Math.min(255, Math.round(depthM / RASTER_DEPTH_UNIT_M)));

/**
 * The raster of a flood run; null when no cell ever holds a centimetre of water. Throws when the
 * run was made without `keepLevels` (a programming error, not a user's).
 */
export function floodDepthRaster(prep: PreparedFlood, result: FloodResult, maxBytes = RASTER_MAX_BYTES): FloodRaster | null {
  const levels = result.nodeLevelM;
  if (!levels) throw new Error('floodDepthRaster needs a flood run made with { keepLevels: true }');
  const { tree } = prep;
  const r = prep.inputs.terrain.raster;
  const nodes = tree.nodeCount;
  const steps = result.hours;
  // The highest level each node reaches: a cell below it is wet at some hour.
  const top = new Float32Array(nodes).fill(-Infinity);
  for (let h = 0; h < steps; h++) {
    const row = h * nodes;
    for (let x = 1; x < nodes; x++) if (levels[row + x]! > top[x]!) top[x] = levels[row + x]!;
  }
  // Puddles (under 5 cm, flood.ts REPORT_MIN_DEPTH_M) are not drawn: a cell is listed once it floods.
  const half = REPORT_MIN_DEPTH_M;
  let c0 = r.cols;
  let c1 = -1;
  let r0 = r.rows;
  let r1 = -1;
  let maxDepthM = 0;
  let wet = 0;
  for (let row = 0; row < r.rows; row++) {
    for (let col = 0; col < r.cols; col++) {
      const c = row * r.cols + col;
      const node = tree.joinNode[c]!;
      if (node === OUTSIDE) continue;
      const d = top[node]! - tree.z[c]!;
      if (!(d >= half)) continue;
      if (d > maxDepthM) maxDepthM = d;
      wet++;
      if (col < c0) c0 = col;
      if (col > c1) c1 = col;
      if (row < r0) r0 = row;
      if (row > r1) r1 = row;
    }
  }
  if (c1 < 0) return null;
  const cropCols = c1 - c0 + 1;
  const cropRows = r1 - r0 + 1;
  // Merging k × k cells leaves at least wet / k² of them, more where the water is scattered: start
  // from that bound and count the merged cells until they fit.
  const isWet = (row: number, col: number): boolean => {
    const c = row * r.cols + col;
    const node = tree.joinNode[c]!;
    return node !== OUTSIDE && top[node]! - tree.z[c]! >= half;
  };
  let merge = 1;
  while ((wet / (merge * merge)) * (steps + 4) > maxBytes) merge++;
  for (;;) {
    const mc = Math.ceil(cropCols / merge);
    const mark = new Uint8Array(mc * Math.ceil(cropRows / merge));
    let count = 0;
    for (let row = r0; row <= r1; row++)
      for (let col = c0; col <= c1; col++) {
        const k = Math.floor((row - r0) / merge) * mc + Math.floor((col - c0) / merge);
        if (!mark[k] && isWet(row, col)) {
          mark[k] = 1;
          count++;
        }
      }
    if (count * (steps + 4) <= maxBytes) break;
    merge = Math.max(merge + 1, Math.floor(merge * Math.sqrt((count * (steps + 4)) / maxBytes)));
  }
  const cols = Math.ceil(cropCols / merge);
  const rows = Math.ceil(cropRows / merge);
  // Raster cells that are ever wet, ascending; then each one's deepest terrain cell per step.
  const slot = new Int32Array(rows * cols).fill(-1);
  for (let row = r0; row <= r1; row++)
    for (let col = c0; col <= c1; col++) {
      if (isWet(row, col)) slot[Math.floor((row - r0) / merge) * cols + Math.floor((col - c0) / merge)] = 0;
    }
  const list: number[] = [];
  for (let k = 0; k < slot.length; k++) if (slot[k] === 0) slot[k] = list.push(k) - 1;
  const cells = Uint32Array.from(list);
  const n = cells.length;
  const depth = new Uint8Array(steps * n);
  for (let row = r0; row <= r1; row++) {
    const out = Math.floor((row - r0) / merge) * cols;
    for (let col = c0; col <= c1; col++) {
      const c = row * r.cols + col;
      const node = tree.joinNode[c]!;
      if (node === OUTSIDE || !(top[node]! - tree.z[c]! >= half)) continue;
      const k = slot[out + Math.floor((col - c0) / merge)]!;
      for (let h = 0; h < steps; h++) {
        const b = depthByte(levels[h * nodes + node]! - tree.z[c]!);
        const at = h * n + k;
        if (b > depth[at]!) depth[at] = b;
      }
    }
  }
  const proj = localProjection(r.originLon, r.originLat);
  const cellM = r.cellM * merge;
  const west = r.westM + c0 * r.cellM;
  const north = r.northM - r0 * r.cellM;
  const east = west + cols * cellM;
  const south = north - rows * cellM;
  const ll = (x: number, y: number): [number, number] => {
    const [lon, lat] = proj.toLonLat(x, y);
    return [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7];
  };
  return {
    cols,
    rows,
    cellM,
    merge,
    corners: [ll(west, south), ll(west, north), ll(east, north), ll(east, south)],
    steps,
    depthUnitM: RASTER_DEPTH_UNIT_M,
    cells,
    depth,
    maxDepthM: Math.round(maxDepthM * 100) / 100,
  };
}
