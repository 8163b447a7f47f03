/**
 * Geometry of the generator. The district is laid out in a "grid frame": metres, u along the
 * east–west streets, v along the north–south ones, origin at the district centre. The street grid
 * is then turned by a small angle (real grids rarely run exactly north) and projected to lon/lat.
 * Working in the grid frame keeps blocks, footprints and their overlap tests axis-aligned.
 */
import { localProjection, type LocalProjection } from '../model/geo.ts';

/** Axis-aligned rectangle in grid-frame metres. */
export interface Rect {
  u0: number;
  v0: number;
  u1: number;
  v1: number;
}

/** A rectangle from its south-west and north-east corners. */
export const rect = (u0: number, v0: number, u1: number, v1: number): Rect => ({ u0, v0, u1, v1 });
/** Centre of a rectangle, [u, v]. */
export const rectCentre = (r: Rect): [number, number] => [(r.u0 + r.u1) / 2, (r.v0 + r.v1) / 2];

/** Grid frame → WGS84. Coordinates are rounded to 1e-7° (about 1 cm): plenty, and smaller files. */
export class DistrictFrame {
  public readonly projection: LocalProjection;
  private readonly cos: number;
  private readonly sin: number;

  public constructor(originLon: number, originLat: number, rotationDeg: number) {
    this.projection = localProjection(originLon, originLat);
    this.cos = Math.cos((rotationDeg * Math.PI) / 180);
    this.sin = Math.sin((rotationDeg * Math.PI) / 180);
  }

  public toLonLat(u: number, v: number): [number, number] {
    const [lon, lat] = this.projection.toLonLat(
      u * this.cos - v * this.sin,
      u * this.sin + v * this.cos,
    );
    return [round7(lon), round7(lat)];
  }

  /** Flat [lon, lat, …] for a ring of grid-frame points. */
  public flatRing(points: readonly (readonly [number, number])[], close: boolean): number[] {
    const out: number[] = [];
    for (const [u, v] of points) out.push(...this.toLonLat(u, v));
    if (close && points.length > 0) out.push(out[0]!, out[1]!);
    return out;
  }

  /** GeoJSON coordinates ([[lon, lat], …]) for grid-frame points. */
  public coords(points: readonly (readonly [number, number])[]): [number, number][] {
    return points.map(([u, v]) => this.toLonLat(u, v));
  }
}

const round7 = (x: number): number => Math.round(x * 1e7) / 1e7;

/** The four corners of a rectangle, counter-clockwise from the south-west. */
export const rectRing = (r: Rect): [number, number][] => [
  [r.u0, r.v0],
  [r.u1, r.v0],
  [r.u1, r.v1],
  [r.u0, r.v1],
];

/**
 * An L-shaped outline: the rectangle `r` with a notch of `notchU × notchV` cut from one corner
 * (0 = south-west, 1 = south-east, 2 = north-east, 3 = north-west). Counter-clockwise.
 */
export function lRing(
  r: Rect,
  notchU: number,
  notchV: number,
  corner: 0 | 1 | 2 | 3,
): [number, number][] {
  const { u0, v0, u1, v1 } = r;
  switch (corner) {
    case 0:
      return [
        [u0 + notchU, v0],
        [u1, v0],
        [u1, v1],
        [u0, v1],
        [u0, v0 + notchV],
        [u0 + notchU, v0 + notchV],
      ];
    case 1:
      return [
        [u0, v0],
        [u1 - notchU, v0],
        [u1 - notchU, v0 + notchV],
        [u1, v0 + notchV],
        [u1, v1],
        [u0, v1],
      ];
    case 2:
      return [
        [u0, v0],
        [u1, v0],
        [u1, v1 - notchV],
        [u1 - notchU, v1 - notchV],
        [u1 - notchU, v1],
        [u0, v1],
      ];
    case 3:
      return [
        [u0, v0],
        [u1, v0],
        [u1, v1],
        [u0 + notchU, v1],
        [u0 + notchU, v1 - notchV],
        [u0, v1 - notchV],
      ];
  }
}

/** Area-weighted centroid and area of a simple polygon (shoelace). */
export function polygonCentroid(ring: readonly (readonly [number, number])[]): {
  u: number;
  v: number;
  area: number;
} {
  let a = 0;
  let cu = 0;
  let cv = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    const cross = x1 * y2 - x2 * y1;
    a += cross;
    cu += (x1 + x2) * cross;
    cv += (y1 + y2) * cross;
  }
  a /= 2;
  return { u: cu / (6 * a), v: cv / (6 * a), area: Math.abs(a) };
}

/**
 * Incremental spatial hash of rectangles, for "does this footprint keep its distance from every
 * footprint placed so far". Flatbush is static (it must be finished before a query), which does
 * not fit placing buildings one by one, so this is a plain uniform grid.
 */
export class CollisionGrid {
  private readonly cells = new Map<number, Rect[]>();

  public constructor(private readonly cellSize = 64) {}

  private *keys(r: Rect): Generator<number> {
    const c0 = Math.floor(r.u0 / this.cellSize);
    const c1 = Math.floor(r.u1 / this.cellSize);
    const d0 = Math.floor(r.v0 / this.cellSize);
    const d1 = Math.floor(r.v1 / this.cellSize);
    for (let c = c0; c <= c1; c++)
      for (let d = d0; d <= d1; d++) yield (c + 32768) * 65536 + (d + 32768);
  }

  /** True when `r`, grown by `gap` metres, touches nothing inserted so far. */
  public isFree(r: Rect, gap: number): boolean {
    const g = rect(r.u0 - gap, r.v0 - gap, r.u1 + gap, r.v1 + gap);
    for (const k of this.keys(g)) {
      const list = this.cells.get(k);
      if (!list) continue;
      for (const o of list)
        if (o.u0 < g.u1 && o.u1 > g.u0 && o.v0 < g.v1 && o.v1 > g.v0) return false;
    }
    return true;
  }

  public insert(r: Rect): void {
    for (const k of this.keys(r)) {
      const list = this.cells.get(k);
      if (list) list.push(r);
      else this.cells.set(k, [r]);
    }
  }
}
