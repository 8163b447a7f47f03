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

export class RoadGraph {
  /** Node positions in local metres. */
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  /** CSR adjacency. */
  private readonly adjStart: Uint32Array;
  private readonly adjNode: Uint32Array;
  private readonly adjLen: Float32Array;
  private readonly nodeIndex: Flatbush;
  public readonly proj: LocalProjection;

  private constructor(proj: LocalProjection, xs: Float64Array, ys: Float64Array, edges: [number, number][]) {
    this.proj = proj;
    this.xs = xs;
    this.ys = ys;
    const n = xs.length;
    const degree = new Uint32Array(n + 1);
    for (const [a, b] of edges) {
      degree[a]!++;
      degree[b]!++;
    }
    this.adjStart = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) this.adjStart[i + 1] = this.adjStart[i]! + degree[i]!;
    this.adjNode = new Uint32Array(this.adjStart[n]!);
    this.adjLen = new Float32Array(this.adjStart[n]!);
    const fill = this.adjStart.slice(0, n);
    for (const [a, b] of edges) {
      const len = Math.hypot(xs[a]! - xs[b]!, ys[a]! - ys[b]!);
      this.adjNode[fill[a]!] = b;
      this.adjLen[fill[a]!++] = len;
      this.adjNode[fill[b]!] = a;
      this.adjLen[fill[b]!++] = len;
    }
    this.nodeIndex = new Flatbush(Math.max(1, n));
    for (let i = 0; i < n; i++) this.nodeIndex.add(xs[i]!, ys[i]!, xs[i]!, ys[i]!);
    if (n === 0) this.nodeIndex.add(0, 0, 0, 0);
    this.nodeIndex.finish();
  }

  public get nodeCount(): number {
    return this.xs.length;
  }

  /**
   * The network as CSR adjacency (node u's neighbours are node[start[u]] … node[start[u+1]-1],
   * each edge in both directions, with its length in metres), for callers that run their own
   * searches over many sources (the evacuation plan contracts the chains between junctions).
   * The arrays are the graph's own: read them, never write them.
   */
  public adjacency(): { start: Uint32Array; node: Uint32Array; lengthM: Float32Array } {
    return { start: this.adjStart, node: this.adjNode, lengthM: this.adjLen };
  }

  /** Builds and nodes a graph from road lines given as lists of [lon, lat]. */
  public static fromLines(lines: number[][][]): RoadGraph {
    let sx = 0;
    let sy = 0;
    let count = 0;
    for (const line of lines) {
      for (const p of line) {
        sx += p[0]!;
        sy += p[1]!;
        count++;
      }
    }
    const proj = localProjection(count ? sx / count : 0, count ? sy / count : 0);
    // Segments in metres.
    const segs: { ax: number; ay: number; bx: number; by: number; cuts: number[] }[] = [];
    for (const line of lines) {
      for (let i = 0; i + 1 < line.length; i++) {
        const [ax, ay] = proj.toMetres(line[i]![0]!, line[i]![1]!);
        const [bx, by] = proj.toMetres(line[i + 1]![0]!, line[i + 1]![1]!);
        if (ax === bx && ay === by) continue;
        segs.push({ ax, ay, bx, by, cuts: [] });
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
          if (hit) {
            s.cuts.push(hit[0]);
            t.cuts.push(hit[1]);
          }
        }
      });
    }
    // Nodes keyed by position rounded to 1 cm, so shared vertices and cut points merge.
    const key = (x: number, y: number): string => `${Math.round(x * 100)},${Math.round(y * 100)}`;
    const ids = new Map<string, number>();
    const xs: number[] = [];
    const ys: number[] = [];
    const node = (x: number, y: number): number => {
      const k = key(x, y);
      let id = ids.get(k);
      if (id === undefined) {
        id = xs.length;
        ids.set(k, id);
        xs.push(x);
        ys.push(y);
      }
      return id;
    };
    const edges: [number, number][] = [];
    for (const s of segs) {
      // Extra nodes every STEP_M so a point is never snapped far along a long straight road.
      const len = Math.hypot(s.bx - s.ax, s.by - s.ay);
      const steps = Math.floor(len / STEP_M);
      for (let k = 1; k <= steps; k++) s.cuts.push((k * STEP_M) / len);
      const ts = [0, ...s.cuts.filter((t) => t > 1e-9 && t < 1 - 1e-9).sort((a, b) => a - b), 1];
      let prev = node(s.ax, s.ay);
      for (let k = 1; k < ts.length; k++) {
        const t = ts[k]!;
        const cur = node(s.ax + (s.bx - s.ax) * t, s.ay + (s.by - s.ay) * t);
        if (cur !== prev) edges.push([prev, cur]);
        prev = cur;
      }
    }
    return new RoadGraph(proj, Float64Array.from(xs), Float64Array.from(ys), edges);
  }

  /** Nearest road node to a point, with the straight distance to it in metres. */
  public nearestNode(lon: number, lat: number): { node: number; distanceM: number } {
    const [x, y] = this.proj.toMetres(lon, lat);
    const [node] = this.nodeIndex.neighbors(x, y, 1);
    const n = node ?? 0;
    return { node: n, distanceM: Math.hypot(this.xs[n]! - x, this.ys[n]! - y) };
  }

  /** Position of a node as [lon, lat]. */
  public nodeLonLat(node: number): [number, number] {
    return this.proj.toLonLat(this.xs[node]!, this.ys[node]!);
  }

  /** Dijkstra from one node: road distance in metres to every node (Infinity when unreachable). */
  public distancesFrom(source: number): Float64Array {
    const dist = new Float64Array(this.xs.length).fill(Infinity);
    if (this.xs.length === 0) return dist;
    dist[source] = 0;
    const heap = new MinHeap(this.adjNode.length + 1);
    heap.push(source, 0);
    while (heap.size > 0) {
      const u = heap.pop();
      const d = heap.topKey;
      if (d > dist[u]!) continue;
      for (let e = this.adjStart[u]!; e < this.adjStart[u + 1]!; e++) {
        const v = this.adjNode[e]!;
        const nd = d + this.adjLen[e]!;
        if (nd < dist[v]!) {
          dist[v] = nd;
          heap.push(v, nd);
        }
      }
    }
    return dist;
  }

  /** Ranks candidates by road distance from `lon, lat` (one Dijkstra for all of them). */
  public rankByRoadDistance<C extends DispatchCandidate>(lon: number, lat: number, candidates: C[]): (C & RankedCandidate)[] {
    const from = this.nearestNode(lon, lat);
    const dist = this.distancesFrom(from.node);
    const [x0, y0] = this.proj.toMetres(lon, lat);
    return candidates
      .map((c) => {
        const to = this.nearestNode(c.lon, c.lat);
        const [x1, y1] = this.proj.toMetres(c.lon, c.lat);
        return { ...c, roadDistanceM: from.distanceM + dist[to.node]! + to.distanceM, straightDistanceM: Math.hypot(x1 - x0, y1 - y0) };
      })
      .sort((a, b) => a.roadDistanceM - b.roadDistanceM || a.id - b.id);
  }

  /** The shortest road path between two points as [lon, lat] vertices (empty when unreachable). */
  public path(fromLon: number, fromLat: number, toLon: number, toLat: number): [number, number][] {
    const a = this.nearestNode(fromLon, fromLat).node;
    const b = this.nearestNode(toLon, toLat).node;
    const n = this.xs.length;
    const dist = new Float64Array(n).fill(Infinity);
    const prev = new Int32Array(n).fill(-1);
    dist[a] = 0;
    const heap = new MinHeap(this.adjNode.length + 1);
    heap.push(a, 0);
    while (heap.size > 0) {
      const u = heap.pop();
      const d = heap.topKey;
      if (u === b) break;
      if (d > dist[u]!) continue;
      for (let e = this.adjStart[u]!; e < this.adjStart[u + 1]!; e++) {
        const v = this.adjNode[e]!;
        const nd = d + this.adjLen[e]!;
        if (nd < dist[v]!) {
          dist[v] = nd;
          prev[v] = u;
          heap.push(v, nd);
        }
      }
    }
    if (!Number.isFinite(dist[b]!)) return [];
    const out: [number, number][] = [];
    for (let v = b; v !== -1; v = prev[v]!) out.push(this.proj.toLonLat(this.xs[v]!, this.ys[v]!));
    return out.reverse();
  }
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
