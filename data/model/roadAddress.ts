/**
 * Road addresses for places that are not a building (an incident on a road: a pothole, a blocked
 * drain, a crash): the nearest named road and where along it, by the nearest crossing road
 * ("解放路，距中山路口约 120 米", "at the junction of …"). Pure code over the base map's road lines,
 * so the host (search results) and the renderer (queue, detail) give the same address.
 */

/** A named road line as the base map holds it (layer `road`). */
export interface RoadFeatureLike {
  geometry: { type: string; coordinates: unknown };
  properties: { layer: string; kind?: string; name: string | null };
}

export interface RoadAddress {
  /** The nearest named road. */
  road: string;
  /** Metres from the place to that road (rounded). */
  offsetM: number;
  /** The nearest other named road crossing near the place, if one is within reach. */
  cross: string | null;
  /** Metres from the place (on its road) to that crossing road, rounded to 10 m; 0 = at the junction. */
  fromCrossM: number | null;
}

interface Segment {
  road: number;
  ax: number;
  ay: number;
  bx: number;
  by: number;
}

const M_PER_DEG = 111_320;
/** Grid cell of the segment buckets, metres. */
const CELL_M = 100;
/** A place further than this from any named road has no road address. */
export const ROAD_REACH_M = 80;
/** A crossing road further than this from the place is not named. */
const CROSS_REACH_M = 300;
/** Closer than this to the crossing road, the place is at the junction. */
const JUNCTION_M = 15;

export class RoadIndex {
  private readonly names: string[] = [];
  private readonly segments: Segment[] = [];
  private readonly cells = new Map<string, number[]>();
  private readonly lon0: number;
  private readonly lat0: number;
  private readonly kx: number;

  private constructor(lines: { name: string; points: number[][] }[]) {
    const first = lines.find((l) => l.points.length > 0)?.points[0];
    this.lon0 = first?.[0] ?? 0;
    this.lat0 = first?.[1] ?? 0;
    this.kx = M_PER_DEG * Math.cos((this.lat0 * Math.PI) / 180);
    const roadOf = new Map<string, number>();
    for (const line of lines) {
      let road = roadOf.get(line.name);
      if (road === undefined) {
        road = this.names.push(line.name) - 1;
        roadOf.set(line.name, road);
      }
      for (let i = 1; i < line.points.length; i++) {
        const [ax, ay] = this.xy(line.points[i - 1]![0]!, line.points[i - 1]![1]!);
        const [bx, by] = this.xy(line.points[i]![0]!, line.points[i]![1]!);
        const index = this.segments.push({ road, ax, ay, bx, by }) - 1;
        const x0 = Math.floor(Math.min(ax, bx) / CELL_M);
        const x1 = Math.floor(Math.max(ax, bx) / CELL_M);
        const y0 = Math.floor(Math.min(ay, by) / CELL_M);
        const y1 = Math.floor(Math.max(ay, by) / CELL_M);
        for (let cx = x0; cx <= x1; cx++) {
          for (let cy = y0; cy <= y1; cy++) {
            const key = `${cx},${cy}`;
            const bucket = this.cells.get(key);
            if (bucket) bucket.push(index);
            else this.cells.set(key, [index]);
          }
        }
      }
    }
  }

  /** The named road lines of a base map (other layers and unnamed roads are left out). */
  public static fromFeatures(features: readonly RoadFeatureLike[]): RoadIndex {
    const lines: { name: string; points: number[][] }[] = [];
    for (const f of features) {
      const name = f.properties.name?.trim();
      if (f.properties.layer !== 'road' || !name) continue;
      if (f.geometry.type === 'LineString') lines.push({ name, points: f.geometry.coordinates as number[][] });
      else if (f.geometry.type === 'MultiLineString') for (const part of f.geometry.coordinates as number[][][]) lines.push({ name, points: part });
    }
    return new RoadIndex(lines);
  }

  public get roadCount(): number {
    return this.names.length;
  }

  private xy(lon: number, lat: number): [number, number] {
    return [(lon - this.lon0) * this.kx, (lat - this.lat0) * M_PER_DEG];
  }

  /** Segments whose cells lie within `reach` of (x, y). */
  private near(x: number, y: number, reach: number): Set<number> {
    const out = new Set<number>();
    const r = Math.ceil(reach / CELL_M);
    const cx = Math.floor(x / CELL_M);
    const cy = Math.floor(y / CELL_M);
    for (let i = cx - r; i <= cx + r; i++) {
      for (let j = cy - r; j <= cy + r; j++) for (const s of this.cells.get(`${i},${j}`) ?? []) out.add(s);
    }
    return out;
  }

  /** The road address of a place, or null when no named road is within ROAD_REACH_M. */
  public locate(lon: number, lat: number, reachM = ROAD_REACH_M): RoadAddress | null {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || this.segments.length === 0) return null;
    const [x, y] = this.xy(lon, lat);
    let best: { d: number; road: number; px: number; py: number } | null = null;
    for (const s of this.near(x, y, reachM)) {
      const seg = this.segments[s]!;
      const [px, py, d] = closest(seg, x, y);
      if (d <= reachM && (!best || d < best.d)) best = { d, road: seg.road, px, py };
    }
    if (!best) return null;
    // The crossing road: the nearest other named road to the place's point on its own road.
    let cross: { d: number; road: number } | null = null;
    for (const s of this.near(best.px, best.py, CROSS_REACH_M)) {
      const seg = this.segments[s]!;
      if (seg.road === best.road) continue;
      const d = closest(seg, best.px, best.py)[2];
      if (d <= CROSS_REACH_M && (!cross || d < cross.d)) cross = { d, road: seg.road };
    }
    return {
      road: this.names[best.road]!,
      offsetM: Math.round(best.d),
      cross: cross ? this.names[cross.road]! : null,
      fromCrossM: cross ? (cross.d < JUNCTION_M ? 0 : Math.max(10, Math.round(cross.d / 10) * 10)) : null,
    };
  }
}

/** The point of `seg` closest to (x, y), and its distance. */
function closest(seg: Segment, x: number, y: number): [number, number, number] {
  const dx = seg.bx - seg.ax;
  const dy = seg.by - seg.ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - seg.ax) * dx + (y - seg.ay) * dy) / len2));
  const px = seg.ax + t * dx;
  const py = seg.ay + t * dy;
  return [px, py, Math.hypot(x - px, y - py)];
}
