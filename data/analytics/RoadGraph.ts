/**
 * A routable road network built from the base map's road lines: used by auto-dispatch (nearest
 * available worker by road distance, not straight line) and by the feed simulator (workers and
 * vehicles move along roads).
 *
 * Lines from real sources often cross without sharing a vertex, so the builder nodes them: every
 * pair of crossing segments (found with a flatbush index) gets a shared node. Distances are metres
 * on a local projection around the network's centre.
 */
import Flatbush from 'flatbush';
import { localProjection, type LocalProjection } from '../model/geo.ts';

/** A candidate for dispatch: a grid worker or a department's unit. */
export interface DispatchCandidate {
  kind: 'grid_worker' | 'department' | 'resource';
  id: number;
  lon: number;
  lat: number;
}
export interface RankedCandidate extends DispatchCandidate {
  /** Road distance in metres, including the walk from each point to the nearest road. */
  roadDistanceM: number;
  straightDistanceM: number;
}

/**
 * Binary min-heap of (node, key) in typed arrays, with lazy deletion (a node may be pushed again
 * with a smaller key; stale entries are skipped by the caller). Sized for one push per directed
 * edge plus the source, so it never grows; no object per entry (the evacuation plan runs one search
 * per shelter over the whole network).
 */
class MinHeap {
  private readonly ids: Int32Array;
  private readonly keys: Float64Array;
  public size = 0;
  /** Key of the entry the last pop() returned. */
  public topKey = 0;
  public constructor(capacity: number) {
    this.ids = new Int32Array(Math.max(1, capacity));
    this.keys = new Float64Array(Math.max(1, capacity));
  }
  public push(id: number, key: number): void {
    const ids = this.ids;
    const keys = this.keys;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! <= key) break;
      ids[i] = ids[p]!;
      keys[i] = keys[p]!;
      i = p;
    }
    ids[i] = id;
    keys[i] = key;
  }
  /** Removes the smallest entry and returns its node (its key in topKey). */
  public pop(): number {
    const ids = this.ids;
    const keys = this.keys;
    const top = ids[0]!;
    this.topKey = keys[0]!;
    const n = --this.size;
    if (n > 0) {
      const id = ids[n]!;
      const key = keys[n]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && keys[r]! < keys[l]! ? r : l;
        if (keys[c]! >= key) break;
        ids[i] = ids[c]!;
        keys[i] = keys[c]!;
        i = c;
      }
      ids[i] = id;
      keys[i] = key;
    }
    return top;
  }
}

/** Spacing of the nodes added along long segments, in metres (snapping error ≤ half of it). */
const STEP_M = 20;

/**
 * A road way with what routing needs to know about it. Lines given as bare coordinate lists are
 * two-way, at ground level and open to vehicles (the demo generator's streets).
 */
export interface RoadLine {
  /** [lon, lat] vertices. */
  coords: number[][];
  /** 1 one-way along the line, −1 against it, 0 both ways (vehicles only: people walk both ways). */
  oneway?: -1 | 0 | 1;
  /**
   * Vertical level: +1 bridge, −1 tunnel, 0 ground. Ways on different levels meet only where
   * they share a vertex (a bridge's ramp), never where one merely crosses over the other.
   */
  level?: number;
  /** False for footways, steps and paths: walked, never driven. */
  motor?: boolean;
}

/**
 * How a route is travelled. `drive`: vehicles (fire engines, ambulances, pump trucks) keep to
 * one-way rules and to ways open to motor traffic; `walk`: grid workers and evacuating residents
 * use every way in both directions.
 */
export type Travel = 'drive' | 'walk';

interface Csr {
  start: Uint32Array;
  node: Uint32Array;
  lengthM: Float32Array;
}

/** Edge i joins edgeA[i] → edgeB[i]; edgeDir[i]: 0 both ways, 1 A→B only, −1 B→A only for vehicles; 2 walking only. */
const WALK_ONLY = 2;

function buildCsr(n: number, count: number, each: (emit: (from: number, to: number, len: number) => void) => void): Csr {
  const degree = new Uint32Array(n + 1);
  each((a) => void degree[a]!++);
  const start = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + degree[i]!;
  const node = new Uint32Array(Math.max(count, start[n]!));
  const lengthM = new Float32Array(node.length);
  const fill = start.slice(0, n);
  each((a, b, len) => {
    node[fill[a]!] = b;
    lengthM[fill[a]!++] = len;
  });
  return { start, node: node.subarray(0, start[n]!), lengthM: lengthM.subarray(0, start[n]!) };
}

export class RoadGraph {
  /** Node positions in local metres. */
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  /** Per node: 1 where a vehicle can start or end a route (a drivable way at ground level meets it). */
  private readonly drivableAtGround: Uint8Array;
  /** Per node: 1 where the node is at ground level (not inside a bridge's or tunnel's span). */
  private readonly atGround: Uint8Array;
  private readonly edgeA: Uint32Array;
  private readonly edgeB: Uint32Array;
  private readonly edgeLen: Float32Array;
  private readonly edgeDir: Int8Array;
  /** Walking network: every edge in both directions. */
  private readonly walk: Csr;
  /** Driving network, forward and reversed; built on first use (evacuation only walks). */
  private driveOut: Csr | null = null;
  private driveIn: Csr | null = null;
  private readonly nodeIndex: Flatbush;
  public readonly proj: LocalProjection;

  private constructor(
    proj: LocalProjection,
    xs: Float64Array,
    ys: Float64Array,
    edges: { a: Uint32Array; b: Uint32Array; dir: Int8Array },
    atGround: Uint8Array,
  ) {
    this.proj = proj;
    this.xs = xs;
    this.ys = ys;
    const n = xs.length;
    const m = edges.a.length;
    this.edgeA = edges.a;
    this.edgeB = edges.b;
    this.edgeDir = edges.dir;
    this.edgeLen = new Float32Array(m);
    this.atGround = atGround;
    this.drivableAtGround = new Uint8Array(n);
    for (let i = 0; i < m; i++) {
      const a = edges.a[i]!;
      const b = edges.b[i]!;
      this.edgeLen[i] = Math.hypot(xs[a]! - xs[b]!, ys[a]! - ys[b]!);
      if (edges.dir[i] !== WALK_ONLY) {
        this.drivableAtGround[a] = atGround[a]!;
        this.drivableAtGround[b] = atGround[b]!;
      }
    }
    this.walk = buildCsr(n, 2 * m, (emit) => {
      for (let i = 0; i < m; i++) {
        emit(this.edgeA[i]!, this.edgeB[i]!, this.edgeLen[i]!);
        emit(this.edgeB[i]!, this.edgeA[i]!, this.edgeLen[i]!);
      }
    });
    this.nodeIndex = new Flatbush(Math.max(1, n));
    for (let i = 0; i < n; i++) this.nodeIndex.add(xs[i]!, ys[i]!, xs[i]!, ys[i]!);
    if (n === 0) this.nodeIndex.add(0, 0, 0, 0);
    this.nodeIndex.finish();
  }

  public get nodeCount(): number {
    return this.xs.length;
  }

  /** Vehicles' edges, `reversed` for searches that end at a point (who can reach the incident soonest). */
  private drive(reversed: boolean): Csr {
    if (!this.driveOut || !this.driveIn) {
      const m = this.edgeA.length;
      const each = (rev: boolean) => (emit: (from: number, to: number, len: number) => void): void => {
        for (let i = 0; i < m; i++) {
          const dir = this.edgeDir[i]!;
          if (dir === WALK_ONLY) continue;
          const a = this.edgeA[i]!;
          const b = this.edgeB[i]!;
          const len = this.edgeLen[i]!;
          // Forward along the line (dir ≥ 0) and back against it (dir ≤ 0); reversed for searches towards a point.
          if (dir >= 0) emit(rev ? b : a, rev ? a : b, len);
          if (dir <= 0) emit(rev ? a : b, rev ? b : a, len);
        }
      };
      this.driveOut = buildCsr(this.xs.length, 2 * m, each(false));
      this.driveIn = buildCsr(this.xs.length, 2 * m, each(true));
    }
    return reversed ? this.driveIn : this.driveOut;
  }

  private csr(travel: Travel, reversed = false): Csr {
    return travel === 'walk' ? this.walk : this.drive(reversed);
  }

  /**
   * The walking network as CSR adjacency (node u's neighbours are node[start[u]] …
   * node[start[u+1]-1], each edge in both directions, with its length in metres), for callers
   * that run their own searches over many sources (the evacuation plan contracts the chains
   * between junctions). The arrays are the graph's own: read them, never write them.
   */
  public adjacency(): { start: Uint32Array; node: Uint32Array; lengthM: Float32Array } {
    return this.walk;
  }

  /**
   * Builds and nodes a graph from road lines: bare lists of [lon, lat] (two-way, ground level,
   * drivable) or RoadLines with their flags.
   */
  public static fromLines(input: readonly (number[][] | RoadLine)[]): RoadGraph {
    const lines: RoadLine[] = input.map((l) => (Array.isArray(l) ? { coords: l } : l));
    let sx = 0;
    let sy = 0;
    let count = 0;
    for (const line of lines) {
      for (const p of line.coords) {
        sx += p[0]!;
        sy += p[1]!;
        count++;
      }
    }
    const proj = localProjection(count ? sx / count : 0, count ? sy / count : 0);
    // Segments in metres.
    // aLevel/bLevel: the level of the segment's end vertices: a line's own ends are at ground (where
    // a bridge lands), its inner vertices at the line's level.
    const segs: { ax: number; ay: number; bx: number; by: number; cuts: number[]; level: number; dir: number; aLevel: number; bLevel: number }[] = [];
    for (const line of lines) {
      const level = Math.round(line.level ?? 0);
      const dir = line.motor === false ? WALK_ONLY : (line.oneway ?? 0);
      const last = line.coords.length - 1;
      for (let i = 0; i < last; i++) {
        const [ax, ay] = proj.toMetres(line.coords[i]![0]!, line.coords[i]![1]!);
        const [bx, by] = proj.toMetres(line.coords[i + 1]![0]!, line.coords[i + 1]![1]!);
        if (ax === bx && ay === by) continue;
        segs.push({ ax, ay, bx, by, cuts: [], level, dir, aLevel: i === 0 ? 0 : level, bLevel: i + 1 === last ? 0 : level });
      }
    }
    if (segs.length > 0) {
      const index = new Flatbush(segs.length);
      for (const s of segs) index.add(Math.min(s.ax, s.bx), Math.min(s.ay, s.by), Math.max(s.ax, s.bx), Math.max(s.ay, s.by));
      index.finish();
      segs.forEach((s, i) => {
        for (const j of index.search(Math.min(s.ax, s.bx), Math.min(s.ay, s.by), Math.max(s.ax, s.bx), Math.max(s.ay, s.by))) {
          if (j <= i) continue;
          const t = segs[j]!;
          const hit = intersect(s, t);
          // A bridge over a street, or a tunnel under it, crosses without a junction; where a
          // bridge lands on a street (its end at ground level) the two meet.
          if (hit && levelAt(s, hit[0]) === levelAt(t, hit[1])) {
            s.cuts.push(hit[0]);
            t.cuts.push(hit[1]);
          }
        }
      });
    }
    // Nodes keyed by position rounded to 1 cm, so shared vertices and cut points merge. A line's
    // ends merge across levels (that is where a bridge lands on the street); every other node of a
    // bridge or tunnel carries its level, so it never merges with a street's node below or above.
    const key = (x: number, y: number, level: number): string => `${Math.round(x * 100)},${Math.round(y * 100)}${level ? `@${level}` : ''}`;
    const ids = new Map<string, number>();
    const xs: number[] = [];
    const ys: number[] = [];
    const ground: number[] = [];
    const node = (x: number, y: number, level: number): number => {
      const k = key(x, y, level);
      let id = ids.get(k);
      if (id === undefined) {
        id = xs.length;
        ids.set(k, id);
        xs.push(x);
        ys.push(y);
        ground.push(level === 0 ? 1 : 0);
      }
      return id;
    };
    const ea: number[] = [];
    const eb: number[] = [];
    const ed: number[] = [];
    for (const s of segs) {
      // Extra nodes every STEP_M so a point is never snapped far along a long straight road.
      const len = Math.hypot(s.bx - s.ax, s.by - s.ay);
      const steps = Math.floor(len / STEP_M);
      for (let k = 1; k <= steps; k++) s.cuts.push((k * STEP_M) / len);
      const ts = [0, ...s.cuts.filter((t) => t > 1e-9 && t < 1 - 1e-9).sort((a, b) => a - b), 1];
      let prev = node(s.ax, s.ay, s.aLevel);
      for (let k = 1; k < ts.length; k++) {
        const t = ts[k]!;
        const cur = k === ts.length - 1 ? node(s.bx, s.by, s.bLevel) : node(s.ax + (s.bx - s.ax) * t, s.ay + (s.by - s.ay) * t, s.level);
        if (cur !== prev) {
          ea.push(prev);
          eb.push(cur);
          ed.push(s.dir);
        }
        prev = cur;
      }
    }
    return new RoadGraph(
      proj,
      Float64Array.from(xs),
      Float64Array.from(ys),
      { a: Uint32Array.from(ea), b: Uint32Array.from(eb), dir: Int8Array.from(ed) },
      Uint8Array.from(ground),
    );
  }

  /**
   * Nearest road node to a point where a route may start or end, with the straight distance to it
   * in metres: at ground level (a house is not reached from inside a tunnel), and for `drive` on a
   * way open to vehicles. Falls back to any node when no such node exists.
   */
  public nearestNode(lon: number, lat: number, travel: Travel = 'walk'): { node: number; distanceM: number } {
    const [x, y] = this.proj.toMetres(lon, lat);
    const usable = travel === 'drive' ? this.drivableAtGround : this.atGround;
    const [node] = this.nodeIndex.neighbors(x, y, 1, Infinity, (i) => usable[i] === 1);
    const n = node ?? this.nodeIndex.neighbors(x, y, 1)[0] ?? 0;
    return { node: n, distanceM: this.xs.length ? Math.hypot(this.xs[n]! - x, this.ys[n]! - y) : 0 };
  }

  /** Position of a node as [lon, lat]. */
  public nodeLonLat(node: number): [number, number] {
    return this.proj.toLonLat(this.xs[node]!, this.ys[node]!);
  }

  /** Dijkstra over a CSR: distance in metres to every node (Infinity when unreachable), and the predecessors. */
  private search(g: Csr, source: number, stopAt = -1): { dist: Float64Array; prev: Int32Array } {
    const n = this.xs.length;
    const dist = new Float64Array(n).fill(Infinity);
    const prev = new Int32Array(n).fill(-1);
    if (n === 0) return { dist, prev };
    dist[source] = 0;
    const heap = new MinHeap(g.node.length + 1);
    heap.push(source, 0);
    while (heap.size > 0) {
      const u = heap.pop();
      const d = heap.topKey;
      if (u === stopAt) break;
      if (d > dist[u]!) continue;
      for (let e = g.start[u]!; e < g.start[u + 1]!; e++) {
        const v = g.node[e]!;
        const nd = d + g.lengthM[e]!;
        if (nd < dist[v]!) {
          dist[v] = nd;
          prev[v] = u;
          heap.push(v, nd);
        }
      }
    }
    return { dist, prev };
  }

  /** Road distance in metres from one node to every node (Infinity when unreachable). */
  public distancesFrom(source: number, travel: Travel = 'walk'): Float64Array {
    return this.search(this.csr(travel), source).dist;
  }

  /** Road distance in metres from every node to one node: how far each unit is from an incident. */
  public distancesTo(target: number, travel: Travel = 'walk'): Float64Array {
    return this.search(this.csr(travel, true), target).dist;
  }

  /**
   * Ranks candidates by their road distance to `lon, lat` (one search for all of them, run
   * backwards from the point so one-way streets count in the direction the units travel).
   */
  public rankByRoadDistance<C extends DispatchCandidate>(lon: number, lat: number, candidates: C[], travel: Travel = 'drive'): (C & RankedCandidate)[] {
    const to = this.nearestNode(lon, lat, travel);
    const dist = this.distancesTo(to.node, travel);
    const [x0, y0] = this.proj.toMetres(lon, lat);
    return candidates
      .map((c) => {
        const from = this.nearestNode(c.lon, c.lat, travel);
        const [x1, y1] = this.proj.toMetres(c.lon, c.lat);
        return { ...c, roadDistanceM: from.distanceM + dist[from.node]! + to.distanceM, straightDistanceM: Math.hypot(x1 - x0, y1 - y0) };
      })
      .sort((a, b) => a.roadDistanceM - b.roadDistanceM || a.id - b.id);
  }

  /** The shortest road path between two points as [lon, lat] vertices (empty when unreachable). */
  public path(fromLon: number, fromLat: number, toLon: number, toLat: number, travel: Travel = 'drive'): [number, number][] {
    const a = this.nearestNode(fromLon, fromLat, travel).node;
    const b = this.nearestNode(toLon, toLat, travel).node;
    const { dist, prev } = this.search(this.csr(travel), a, b);
    if (!Number.isFinite(dist[b]!)) return [];
    const out: [number, number][] = [];
    for (let v = b; v !== -1; v = prev[v]!) out.push(this.proj.toLonLat(this.xs[v]!, this.ys[v]!));
    return out.reverse();
  }
}

/** The level of a point at parameter `t` along a segment: its ends' levels, or the segment's between them. */
function levelAt(seg: { level: number; aLevel: number; bLevel: number }, t: number): number {
  return t < 1e-6 ? seg.aLevel : t > 1 - 1e-6 ? seg.bLevel : seg.level;
}

/** Intersection parameters (t on s, u on t) of two segments, or null. */
function intersect(
  s: { ax: number; ay: number; bx: number; by: number },
  t: { ax: number; ay: number; bx: number; by: number },
): [number, number] | null {
  const rx = s.bx - s.ax;
  const ry = s.by - s.ay;
  const qx = t.bx - t.ax;
  const qy = t.by - t.ay;
  const den = rx * qy - ry * qx;
  if (Math.abs(den) < 1e-12) return null;
  const wx = t.ax - s.ax;
  const wy = t.ay - s.ay;
  const a = (wx * qy - wy * qx) / den;
  const b = (wx * ry - wy * rx) / den;
  if (a < -1e-9 || a > 1 + 1e-9 || b < -1e-9 || b > 1 + 1e-9) return null;
  return [Math.min(1, Math.max(0, a)), Math.min(1, Math.max(0, b))];
}
