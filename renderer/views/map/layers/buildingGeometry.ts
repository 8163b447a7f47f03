/**
 * Turns the host's `BuildingColumns` into what deck.gl's SolidPolygonLayer takes as binary data,
 * once per load, without a row object per building (DESIGN.md §3).
 *
 * The host sends open outer rings in whatever winding the source had. deck.gl's own normalisation
 * (`_normalize: true`) closes and rewinds them in JavaScript on every data change and then cannot use
 * per-vertex attributes directly, so we do it here once: every ring is closed (first vertex
 * repeated) and wound clockwise, which is what deck.gl expects with `_normalize: false` and
 * `_windingOrder: 'CW'`. Measured on the fake district (≈400 buildings) this takes < 1 ms; the
 * loop is linear in vertices, so 100k buildings stay in the tens of milliseconds.
 *
 * Per-vertex attributes (elevation, colour, building row) are expanded from per-building values
 * by walking polygons: `polygonBuilding[p]` gives the building row of polygon `p`.
 */
import type { BuildingColumns } from '../../../../electron/common/dto.ts';

export interface BuildingGeometry {
  /** Number of buildings (rows), as `BuildingColumns.count`. */
  count: number;
  polygonCount: number;
  /** [polygonCount + 1] start vertex of each closed ring in `positions`. */
  startIndices: Uint32Array;
  /** [vertexCount × 2] closed, clockwise rings as lon/lat offsets from the origin. */
  positions: Float32Array;
  vertexCount: number;
  /** [vertexCount] building row of each vertex, as float for the shader. */
  vertexRow: Float32Array;
  /** [vertexCount] extrusion height in metres (from the base to the top). */
  vertexElevation: Float32Array;
  /**
   * [vertexCount] height of the base above the ground (a building part on a podium), or null when
   * every building stands on the ground.
   */
  vertexBase: Float32Array | null;
  /** [count × 2] roof/footprint centre per building row, absolute lon/lat. */
  centroids: Float64Array;
  /** Building id → row. */
  rowOfId: Map<number, number>;
}

export function buildBuildingGeometry(cols: BuildingColumns): BuildingGeometry {
  const P = cols.polygonCount;
  const srcStart = cols.polygonStart;
  const src = cols.positions;
  const vertexCount = (srcStart[P] ?? 0) + P;
  const startIndices = new Uint32Array(P + 1);
  const positions = new Float32Array(vertexCount * 2);
  const vertexRow = new Float32Array(vertexCount);
  const vertexElevation = new Float32Array(vertexCount);
  let vertexBase: Float32Array | null = null;
  // Area-weighted centroid accumulators per building (metres are not needed: only the ratio).
  const accX = new Float64Array(cols.count);
  const accY = new Float64Array(cols.count);
  const accA = new Float64Array(cols.count);
  const cosLat = Math.cos((cols.originLat * Math.PI) / 180);

  let out = 0;
  for (let p = 0; p < P; p++) {
    const s = srcStart[p]!;
    const e = srcStart[p + 1]!;
    const n = e - s;
    const row = cols.polygonBuilding[p]!;
    const top = cols.heightM[row] ?? 0;
    const base = Math.min(top, cols.baseM?.[row] ?? 0);
    const h = top - base;
    if (base > 0) vertexBase ??= new Float32Array(vertexCount);
    startIndices[p] = out;
    // Shoelace over the ring (x scaled by cos(lat) so the centroid weights are true areas).
    let a2 = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < n; i++) {
      const j = i + 1 < n ? i + 1 : 0;
      const x1 = src[2 * (s + i)]! * cosLat;
      const y1 = src[2 * (s + i) + 1]!;
      const x2 = src[2 * (s + j)]! * cosLat;
      const y2 = src[2 * (s + j) + 1]!;
      const cross = x1 * y2 - x2 * y1;
      a2 += cross;
      cx += (x1 + x2) * cross;
      cy += (y1 + y2) * cross;
    }
    if (a2 !== 0) {
      const w = Math.abs(a2);
      accX[row]! += (cx / (3 * a2)) * w;
      accY[row]! += (cy / (3 * a2)) * w;
      accA[row]! += w;
    } else if (n > 0) {
      accX[row]! += src[2 * s]! * cosLat * 1e-12;
      accY[row]! += src[2 * s + 1]! * 1e-12;
      accA[row]! += 1e-12;
    }
    // Counter-clockwise (positive area, y up) rings are written backwards.
    const reverse = a2 > 0;
    for (let i = 0; i <= n; i++) {
      const k = i === n ? (reverse ? n - 1 : 0) : reverse ? n - 1 - i : i;
      positions[2 * out] = src[2 * (s + k)]!;
      positions[2 * out + 1] = src[2 * (s + k) + 1]!;
      vertexRow[out] = row;
      vertexElevation[out] = h;
      if (base > 0) vertexBase![out] = base;
      out++;
    }
  }
  startIndices[P] = out;

  const centroids = new Float64Array(cols.count * 2);
  const rowOfId = new Map<number, number>();
  for (let r = 0; r < cols.count; r++) {
    rowOfId.set(cols.id[r]!, r);
    const a = accA[r]!;
    centroids[2 * r] = cols.originLon + (a > 0 ? accX[r]! / a / cosLat : 0);
    centroids[2 * r + 1] = cols.originLat + (a > 0 ? accY[r]! / a : 0);
  }
  return {
    count: cols.count,
    polygonCount: P,
    startIndices,
    positions,
    vertexCount: out,
    vertexRow,
    vertexElevation,
    vertexBase,
    centroids,
    rowOfId,
  };
}

/**
 * Positions for deck.gl: the 2D offsets as they are when every building stands on the ground, else
 * x, y, base interleaved, so a part is extruded from its base (deck.gl adds the elevation to z).
 */
export function polygonPositions(geom: BuildingGeometry): { value: Float32Array; size: 2 | 3 } {
  const base = geom.vertexBase;
  if (!base) return { value: geom.positions, size: 2 };
  const out = new Float32Array(geom.vertexCount * 3);
  for (let v = 0; v < geom.vertexCount; v++) {
    out[3 * v] = geom.positions[2 * v]!;
    out[3 * v + 1] = geom.positions[2 * v + 1]!;
    out[3 * v + 2] = base[v]!;
  }
  return { value: out, size: 3 };
}

/** Expands one RGBA colour per building row into the per-vertex colour buffer. */
export function expandRowColours(geom: BuildingGeometry, rowColours: Uint8Array): Uint8Array {
  const out = new Uint8Array(geom.vertexCount * 4);
  const rows = geom.vertexRow;
  if (rowColours.byteOffset % 4 === 0) {
    // One 32-bit copy per vertex instead of four byte copies (800k vertices at 100k buildings).
    const out32 = new Uint32Array(out.buffer);
    const src32 = new Uint32Array(rowColours.buffer, rowColours.byteOffset, rowColours.length >> 2);
    for (let v = 0; v < geom.vertexCount; v++) out32[v] = src32[rows[v]!]!;
    return out;
  }
  for (let v = 0; v < geom.vertexCount; v++) {
    const r = rows[v]! * 4;
    out[4 * v] = rowColours[r]!;
    out[4 * v + 1] = rowColours[r + 1]!;
    out[4 * v + 2] = rowColours[r + 2]!;
    out[4 * v + 3] = rowColours[r + 3]!;
  }
  return out;
}
