/**
 * Road distances from many road nodes (where at-risk buildings meet the road) to a few shelters.
 *
 * A road network is mostly chains: the base map's lines are cut into nodes every 20 m, so most
 * nodes have exactly two neighbours. A shortest path from a shelter to a node inside a chain
 * enters the chain at one of its two ends, so the distance is min(a + D(A), b + D(B)) with a, b the
 * lengths along the chain to its ends A and B. The searches therefore run over the junctions only
 * (nodes with other than two neighbours, and the shelters' own nodes), one per shelter, and every
 * chain node's distance follows from its chain's two ends — the same distances as one search per
 * shelter over every node, at a fraction of the work.
 */
import type { RoadGraph } from '../../RoadGraph.ts';

/** Binary min-heap of (junction, distance) in typed arrays, lazy deletion. */
class JunctionHeap {
  private readonly ids: Int32Array;
  private readonly keys: Float64Array;
  public size = 0;
  public topKey = 0;
  public constructor(capacity: number) {
    this.ids = new Int32Array(Math.max(1, capacity));
    this.keys = new Float64Array(Math.max(1, capacity));
  }
  public push(id: number, key: number): void {
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p]! <= key) break;
      this.ids[i] = this.ids[p]!;
      this.keys[i] = this.keys[p]!;
      i = p;
    }
    this.ids[i] = id;
    this.keys[i] = key;
  }
  public pop(): number {
    const top = this.ids[0]!;
    this.topKey = this.keys[0]!;
    const n = --this.size;
    if (n > 0) {
      const id = this.ids[n]!;
      const key = this.keys[n]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const c = l + 1 < n && this.keys[l + 1]! < this.keys[l]! ? l + 1 : l;
        if (this.keys[c]! >= key) break;
        this.ids[i] = this.ids[c]!;
        this.keys[i] = this.keys[c]!;
        i = c;
      }
      this.ids[i] = id;
      this.keys[i] = key;
    }
    return top;
  }
}

/**
 * metres[row * shelters + s] = road distance from rowNodes[row] to shelterNodes[s] plus
 * shelterWalkM[s] (the shelter's own walk to the road); Infinity when no road joins them.
 */
export function shelterDistanceTable(
  roads: RoadGraph,
  rowNodes: ArrayLike<number>,
  shelterNodes: ArrayLike<number>,
  shelterWalkM: ArrayLike<number>,
): Float32Array {
  const { start, node, lengthM } = roads.adjacency();
  const N = roads.nodeCount;
  const rows = rowNodes.length;
  const m = shelterNodes.length;
  const metres = new Float32Array(rows * m).fill(Infinity);
  if (N === 0 || rows === 0 || m === 0) return metres;

  // Junctions: dead ends, crossings, nodes whose two edges lead to the same node, shelters' nodes.
  const junctionOf = new Int32Array(N).fill(-1);
  const junctionNode: number[] = [];
  const makeJunction = (u: number): void => {
    if (junctionOf[u]! >= 0) return;
    junctionOf[u] = junctionNode.length;
    junctionNode.push(u);
  };
  for (let u = 0; u < N; u++) {
    const deg = start[u + 1]! - start[u]!;
    if (deg !== 2 || node[start[u]!] === node[start[u]! + 1]) makeJunction(u);
  }
  for (let s = 0; s < m; s++) makeJunction(shelterNodes[s]!);

  // Chains: each interior node gets its chain's two ends and its lengths to them.
  const endA = new Int32Array(N).fill(-1);
  const endB = new Int32Array(N).fill(-1);
  const toA = new Float64Array(N);
  const toB = new Float64Array(N);
  const edgeFrom: number[] = [];
  const edgeTo: number[] = [];
  const edgeLen: number[] = [];
  const walkFrom = (j: number): void => {
    const ju = junctionNode[j]!;
    for (let p = start[ju]!; p < start[ju + 1]!; p++) {
      let prev = ju;
      let cur = node[p]!;
      let along = lengthM[p]!;
      const interior: number[] = [];
      const fromHere: number[] = [];
      while (junctionOf[cur]! < 0) {
        interior.push(cur);
        fromHere.push(along);
        const q = start[cur]!;
        const next = node[q] === prev ? q + 1 : q;
        prev = cur;
        cur = node[next]!;
        along += lengthM[next]!;
      }
      const end = junctionOf[cur]!;
      if (end !== j) {
        edgeFrom.push(j);
        edgeTo.push(end);
        edgeLen.push(along);
      }
      // Each chain is walked from both ends; the first walk records its interior nodes.
      if (interior.length > 0 && endA[interior[0]!]! < 0) {
        interior.forEach((x, k) => {
          endA[x] = j;
          endB[x] = end;
          toA[x] = fromHere[k]!;
          toB[x] = along - fromHere[k]!;
        });
      }
    }
  };
  for (let j = 0; j < junctionNode.length; j++) walkFrom(j);
  // Loops with no junction on them (a ring road touching nothing): one node of each becomes one.
  for (let u = 0; u < N; u++) {
    if (junctionOf[u]! >= 0 || endA[u]! >= 0) continue;
    makeJunction(u);
    walkFrom(junctionOf[u]!);
  }

  // The junction graph in CSR.
  const J = junctionNode.length;
  const jStart = new Int32Array(J + 1);
  for (const f of edgeFrom) jStart[f + 1]!++;
  for (let j = 0; j < J; j++) jStart[j + 1]! += jStart[j]!;
  const jNode = new Int32Array(edgeFrom.length);
  const jLen = new Float64Array(edgeFrom.length);
  const fill = jStart.slice(0, J);
  for (let e = 0; e < edgeFrom.length; e++) {
    const at = fill[edgeFrom[e]!]!++;
    jNode[at] = edgeTo[e]!;
    jLen[at] = edgeLen[e]!;
  }

  const dist = new Float64Array(J);
  const heap = new JunctionHeap(edgeFrom.length + 1);
  for (let s = 0; s < m; s++) {
    dist.fill(Infinity);
    const source = junctionOf[shelterNodes[s]!]!;
    dist[source] = 0;
    heap.size = 0;
    heap.push(source, 0);
    while (heap.size > 0) {
      const u = heap.pop();
      const d = heap.topKey;
      if (d > dist[u]!) continue;
      for (let e = jStart[u]!; e < jStart[u + 1]!; e++) {
        const v = jNode[e]!;
        const nd = d + jLen[e]!;
        if (nd < dist[v]!) {
          dist[v] = nd;
          heap.push(v, nd);
        }
      }
    }
    const walk = shelterWalkM[s]!;
    for (let r = 0; r < rows; r++) {
      const u = rowNodes[r]!;
      const j = junctionOf[u]!;
      const d = j >= 0 ? dist[j]! : Math.min(toA[u]! + dist[endA[u]!]!, toB[u]! + dist[endB[u]!]!);
      if (d !== Infinity) metres[r * m + s] = d + walk;
    }
  }
  return metres;
}
