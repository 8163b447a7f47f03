/**
 * Depressions of a DEM and how they fill: the engine of the waterlogging model (flood.ts).
 *
 * - `priorityFloodFill`: Barnes, Lehman & Mulla (2014), "Priority-Flood: An optimal
 *   depression-filling and watershed-labeling algorithm" (Algorithm 2: a priority queue from the
 *   edges, a plain queue for cells inside depressions). Each cell's result is the level its water
 *   stands at when every depression is full: its pour point's elevation.
 * - `buildDepressions`: the same answer kept as a tree (a depression hierarchy, as in Barnes,
 *   Callaghan & Wickert 2020, "Computing water flow through complex landscapes, part 2"): cells in
 *   rising order (a counting sort on millimetres) are merged with a union-find; a cell with no
 *   lower neighbour starts a depression (a leaf), a cell joining two or more depressions is a pour
 *   point where they merge into a parent, a cell on the edge (or next to no-data) joins the outside.
 *   Each depression keeps its spill level, the volume it holds up to it, and its stage–volume
 *   curve (one breakpoint per cell), so a water volume gives a level in O(log cells). Every cell
 *   also knows the depression its water runs to (steepest-descent receiver, same rising order).
 * - `FillState`: volume bookkeeping over time (fill–spill–merge): water poured into a full
 *   depression spills over its pour point into the neighbour that shares it, or, when all
 *   neighbours are full, raises the merged lake; a depression that pours to the outside loses its
 *   overflow (it runs off the district). Drainage takes water back out of the lake surface first.
 *
 * Elevations are ordered by (millimetre, cell index), so flats have a definite order and every
 * cell but the lowest of a depression has a lower neighbour to drain to.
 */

/** The raster the engine needs: row-major elevations, NaN = no data (outside). */
export interface ElevationGrid {
  cols: number;
  rows: number;
  cellM: number;
  elevM: Float32Array;
}

/** The node id of "outside the raster": water that reaches it has left the district. */
export const OUTSIDE = 0;

/** Barnes et al. 2014, Priority-Flood (Algorithm 2): the filled surface (every depression full to its pour point). */
export function priorityFloodFill(grid: ElevationGrid): Float32Array {
  const { cols, rows, elevM } = grid;
  const n = cols * rows;
  const filled = Float32Array.from(elevM);
  const closed = new Uint8Array(n);
  const heap = new MinHeap(Math.max(16, 2 * (cols + rows)));
  const pit: number[] = [];
  for (let c = 0; c < n; c++) {
    if (elevM[c] !== elevM[c]) {
      closed[c] = 1;
      continue;
    }
    const col = c % cols;
    const row = (c - col) / cols;
    if (col === 0 || row === 0 || col === cols - 1 || row === rows - 1 || nextToNoData(grid, c)) {
      closed[c] = 1;
      heap.push(filled[c]!, c);
    }
  }
  let pitHead = 0;
  while (heap.size > 0 || pitHead < pit.length) {
    let c: number;
    if (pitHead < pit.length) c = pit[pitHead++]!;
    else c = heap.pop();
    if (pitHead === pit.length && pitHead > 4096) {
      pit.length = 0;
      pitHead = 0;
    }
    const col = c % cols;
    const row = (c - col) / cols;
    const z = filled[c]!;
    for (let k = 0; k < 8; k++) {
      const nc = col + DC[k]!;
      const nr = row + DR[k]!;
      if (nc < 0 || nr < 0 || nc >= cols || nr >= rows) continue;
      const nb = nr * cols + nc;
      if (closed[nb]) continue;
      closed[nb] = 1;
      if (filled[nb]! <= z) {
        filled[nb] = z;
        pit.push(nb);
      } else heap.push(filled[nb]!, nb);
    }
  }
  return filled;
}

const DC = [-1, 0, 1, -1, 1, -1, 0, 1];
const DR = [-1, -1, -1, 0, 0, 1, 1, 1];

function nextToNoData(grid: ElevationGrid, c: number): boolean {
  const { cols, rows, elevM } = grid;
  const col = c % cols;
  const row = (c - col) / cols;
  for (let k = 0; k < 8; k++) {
    const nc = col + DC[k]!;
    const nr = row + DR[k]!;
    if (nc < 0 || nr < 0 || nc >= cols || nr >= rows) continue;
    const z = elevM[nr * cols + nc]!;
    if (z !== z) return true;
  }
  return false;
}

/** The depression hierarchy of a DEM (see the file's comment). Node 0 is the outside. */
export interface DepressionTree {
  grid: ElevationGrid;
  cellAreaM2: number;
  /** Elevations as ordered (rounded to the millimetre). */
  z: Float32Array;
  /** Node a cell joined when it was reached: the depression whose lake covers it once the water is above it. */
  joinNode: Int32Array;
  /** Leaf depression a cell's rain runs to (OUTSIDE for the edge and what drains to it). */
  catchLeaf: Int32Array;
  nodeCount: number;
  parent: Int32Array;
  firstChild: Int32Array;
  nextSibling: Int32Array;
  isLeaf: Uint8Array;
  /** Volume (m³) a node holds when full to its spill level (its pour point); Infinity for none. */
  capM3: Float64Array;
  spillZ: Float64Array;
  spillCell: Int32Array;
  /** Lowest ground in the node's depression (its pit, or its children's lowest), and that cell. */
  minZ: Float64Array;
  pitCell: Int32Array;
  /** Where water arriving over the parent's pour point into this node ends up (a leaf inside it). */
  entryLeaf: Int32Array;
  /** Cells whose rain reaches the node (its leaves' catchments), summed over its subtree. */
  catchCells: Float64Array;
  /** Stage–volume breakpoints, grouped by node: entries entStart[x] … entStart[x+1]−1, rising. */
  entStart: Int32Array;
  entZ: Float64Array;
  entN: Float64Array;
  entS: Float64Array;
}

class NodeArrays {
  public size = 1; // node 0 = outside
  public parent: Int32Array;
  public uf: Int32Array;
  public isLeaf: Uint8Array;
  public n: Float64Array;
  public sumZ: Float64Array;
  public cap: Float64Array;
  public spillZ: Float64Array;
  public spillCell: Int32Array;
  public minZ: Float64Array;
  public pitCell: Int32Array;
  public entryLeaf: Int32Array;
  public constructor(private capacity: number) {
    this.parent = new Int32Array(capacity).fill(-1);
    this.uf = new Int32Array(capacity);
    this.isLeaf = new Uint8Array(capacity);
    this.n = new Float64Array(capacity);
    this.sumZ = new Float64Array(capacity);
    this.cap = new Float64Array(capacity).fill(Infinity);
    this.spillZ = new Float64Array(capacity).fill(Infinity);
    this.spillCell = new Int32Array(capacity).fill(-1);
    this.minZ = new Float64Array(capacity);
    this.pitCell = new Int32Array(capacity).fill(-1);
    this.entryLeaf = new Int32Array(capacity).fill(-1);
  }
  public add(): number {
    if (this.size === this.capacity) this.grow();
    const id = this.size++;
    this.uf[id] = id;
    return id;
  }
  private grow(): void {
    const c = this.capacity * 2;
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T, fill: number): T => {
      const b = new (a.constructor as new (n: number) => T)(c);
      b.fill(fill);
      b.set(a);
      return b;
    };
    this.parent = g(this.parent, -1);
    this.uf = g(this.uf, 0);
    this.isLeaf = g(this.isLeaf, 0);
    this.n = g(this.n, 0);
    this.sumZ = g(this.sumZ, 0);
    this.cap = g(this.cap, Infinity);
    this.spillZ = g(this.spillZ, Infinity);
    this.spillCell = g(this.spillCell, -1);
    this.minZ = g(this.minZ, 0);
    this.pitCell = g(this.pitCell, -1);
    this.entryLeaf = g(this.entryLeaf, -1);
    this.capacity = c;
  }
  public find(x: number): number {
    const uf = this.uf;
    while (uf[x] !== x) {
      uf[x] = uf[uf[x]!]!;
      x = uf[x]!;
    }
    return x;
  }
}

/** Builds the depression hierarchy of `grid` (see the file's comment). O(cells · α) after an O(cells) sort. */
export function buildDepressions(grid: ElevationGrid): DepressionTree {
  const { cols, rows, elevM, cellM } = grid;
  const n = cols * rows;
  const area = cellM * cellM;
  // Counting sort on whole millimetres: rising elevation, then cell index.
  let zmin = Infinity;
  let zmax = -Infinity;
  for (let c = 0; c < n; c++) {
    const z = elevM[c]!;
    if (z !== z) continue;
    if (z < zmin) zmin = z;
    if (z > zmax) zmax = z;
  }
  const q = new Int32Array(n).fill(-1);
  const buckets = zmax >= zmin ? Math.round((zmax - zmin) * 1000) + 2 : 1;
  const counts = new Int32Array(buckets + 1);
  let valid = 0;
  for (let c = 0; c < n; c++) {
    const z = elevM[c]!;
    if (z !== z) continue;
    const k = Math.round((z - zmin) * 1000);
    q[c] = k;
    counts[k + 1]!++;
    valid++;
  }
  for (let k = 0; k < buckets; k++) counts[k + 1]! += counts[k]!;
  const order = new Int32Array(valid);
  for (let c = 0; c < n; c++) if (q[c]! >= 0) order[counts[q[c]!]!++] = c;
  const rank = new Int32Array(n).fill(-1);
  const z = new Float32Array(n).fill(NaN);
  for (let i = 0; i < valid; i++) {
    const c = order[i]!;
    rank[c] = i;
    z[c] = zmin + q[c]! / 1000;
  }

  const nodes = new NodeArrays(Math.max(64, Math.ceil(valid / 64)));
  const joinNode = new Int32Array(n);
  const catchLeaf = new Int32Array(n);
  // Stage–volume breakpoints of the depressions (cells joining the outside need none).
  let entCap = Math.max(1024, valid >> 2);
  let entNode = new Int32Array(entCap);
  let entCell = new Int32Array(entCap);
  let entN = new Int32Array(entCap);
  let entS = new Float64Array(entCap);
  let entries = 0;
  const tops = new Int32Array(9);
  const topLow = new Int32Array(9); // lowest neighbour of the cell inside each top
  const offsets = DC.map((dc, k) => DR[k]! * cols + dc);
  let uf = nodes.uf; // refreshed when the node arrays grow
  for (let i = 0; i < valid; i++) {
    const c = order[i]!;
    const col = c % cols;
    const row = (c - col) / cols;
    const zc = z[c]!;
    let nTops = 0;
    const border = col === 0 || row === 0 || col === cols - 1 || row === rows - 1;
    let edge = border;
    let receiver = -1;
    let receiverRank = i;
    let lastJoin = -1;
    let lastTop = -1;
    for (let k = 0; k < 8; k++) {
      if (border) {
        const nc = col + DC[k]!;
        const nr = row + DR[k]!;
        if (nc < 0 || nr < 0 || nc >= cols || nr >= rows) continue;
      }
      const nb = c + offsets[k]!;
      const rn = rank[nb]!;
      if (rn < 0) {
        edge = true;
        continue;
      }
      if (rn >= i) continue; // not reached yet: higher
      if (rn < receiverRank) {
        receiver = nb;
        receiverRank = rn;
      }
      const jn = joinNode[nb]!;
      let t: number;
      if (jn === lastJoin) t = lastTop;
      else {
        t = jn;
        while (uf[t] !== t) {
          uf[t] = uf[uf[t]!]!;
          t = uf[t]!;
        }
        lastJoin = jn;
        lastTop = t;
      }
      let j = 0;
      while (j < nTops && tops[j] !== t) j++;
      if (j === nTops) {
        tops[nTops] = t;
        topLow[nTops++] = nb;
      } else if (rn < rank[topLow[j]!]!) topLow[j] = nb;
    }
    let outside = edge;
    for (let j = 0; j < nTops; j++) if (tops[j] === OUTSIDE) outside = true;
    let join: number;
    if (outside) {
      // Everything touching this cell now drains off the raster over it.
      for (let j = 0; j < nTops; j++) {
        const x = tops[j]!;
        if (x === OUTSIDE) continue;
        closeNode(nodes, x, OUTSIDE, zc, c, area);
        uf[x] = OUTSIDE;
      }
      joinNode[c] = OUTSIDE;
      catchLeaf[c] = edge || receiver < 0 ? OUTSIDE : catchLeaf[receiver]!;
      continue;
    } else if (nTops === 0) {
      join = nodes.add();
      uf = nodes.uf;
      nodes.isLeaf[join] = 1;
      nodes.minZ[join] = zc;
      nodes.pitCell[join] = c;
      nodes.n[join] = 1;
      nodes.sumZ[join] = zc;
      catchLeaf[c] = join;
    } else if (nTops === 1) {
      join = tops[0]!;
      nodes.n[join]! += 1;
      nodes.sumZ[join]! += zc;
      catchLeaf[c] = catchLeaf[receiver]!;
    } else {
      const p = nodes.add();
      uf = nodes.uf;
      let cnt = 1;
      let sum = zc;
      let low = Infinity;
      let pitCell = -1;
      for (let j = 0; j < nTops; j++) {
        const x = tops[j]!;
        closeNode(nodes, x, p, zc, c, area);
        nodes.entryLeaf[x] = catchLeaf[topLow[j]!]!;
        nodes.uf[x] = p;
        cnt += nodes.n[x]!;
        sum += nodes.sumZ[x]!;
        if (nodes.minZ[x]! < low) {
          low = nodes.minZ[x]!;
          pitCell = nodes.pitCell[x]!;
        }
      }
      nodes.n[p] = cnt;
      nodes.sumZ[p] = sum;
      nodes.minZ[p] = low;
      nodes.pitCell[p] = pitCell;
      join = p;
      catchLeaf[c] = catchLeaf[receiver]!;
    }
    joinNode[c] = join;
    if (entries === entCap) {
      entCap *= 2;
      entNode = growInt(entNode, entCap);
      entCell = growInt(entCell, entCap);
      entN = growInt(entN, entCap);
      const s2 = new Float64Array(entCap);
      s2.set(entS);
      entS = s2;
    }
    entNode[entries] = join;
    entCell[entries] = c;
    entN[entries] = nodes.n[join]!;
    entS[entries++] = nodes.sumZ[join]!;
  }

  const count = nodes.size;
  // Children lists (ascending id) and catchment sizes.
  const firstChild = new Int32Array(count).fill(-1);
  const nextSibling = new Int32Array(count).fill(-1);
  for (let x = count - 1; x >= 1; x--) {
    const p = nodes.parent[x]!;
    if (p <= 0) continue;
    nextSibling[x] = firstChild[p]!;
    firstChild[p] = x;
  }
  const catchCells = new Float64Array(count);
  for (let c = 0; c < n; c++) if (rank[c]! >= 0) catchCells[catchLeaf[c]!]! += 1;
  for (let x = 1; x < count; x++) {
    const p = nodes.parent[x]!;
    if (p > 0) catchCells[p]! += catchCells[x]!;
  }
  // Group the stage–volume breakpoints by node, keeping their rising order (stable counting sort).
  const entStart = new Int32Array(count + 1);
  for (let i = 0; i < entries; i++) entStart[entNode[i]! + 1]!++;
  for (let x = 0; x < count; x++) entStart[x + 1]! += entStart[x]!;
  const fill = entStart.slice(0, count);
  const gz = new Float64Array(entries);
  const gn = new Float64Array(entries);
  const gs = new Float64Array(entries);
  for (let i = 0; i < entries; i++) {
    const k = fill[entNode[i]!]!++;
    gz[k] = z[entCell[i]!]!;
    gn[k] = entN[i]!;
    gs[k] = entS[i]!;
  }
  return {
    grid,
    cellAreaM2: area,
    z,
    joinNode,
    catchLeaf,
    nodeCount: count,
    parent: nodes.parent.slice(0, count),
    firstChild,
    nextSibling,
    isLeaf: nodes.isLeaf.slice(0, count),
    capM3: nodes.cap.slice(0, count),
    spillZ: nodes.spillZ.slice(0, count),
    spillCell: nodes.spillCell.slice(0, count),
    minZ: nodes.minZ.slice(0, count),
    pitCell: nodes.pitCell.slice(0, count),
    entryLeaf: nodes.entryLeaf.slice(0, count),
    catchCells,
    entStart,
    entZ: gz,
    entN: gn,
    entS: gs,
  };
}

function growInt(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

function closeNode(nodes: NodeArrays, x: number, parent: number, zc: number, cell: number, area: number): void {
  nodes.parent[x] = parent;
  nodes.spillZ[x] = zc;
  nodes.spillCell[x] = cell;
  nodes.cap[x] = Math.max(0, nodes.n[x]! * zc - nodes.sumZ[x]!) * area;
}

/** The water level of node `x` holding `volumeM3` (at most its spill level). */
export function levelForVolume(t: DepressionTree, x: number, volumeM3: number): number {
  const v = volumeM3 / t.cellAreaM2;
  let lo = t.entStart[x]!;
  let hi = t.entStart[x + 1]! - 1;
  if (hi < lo) return t.minZ[x]!;
  // Largest k with V(z_k) ≤ v; V(z_k) = n_k z_k − S_k rises with k.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t.entN[mid]! * t.entZ[mid]! - t.entS[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  const h = (v + t.entS[lo]!) / t.entN[lo]!;
  return Math.min(h, t.spillZ[x]!);
}

const EPS_M3 = 1e-6;

/** Water in the depressions over time (fill–spill–merge), with what left the district. */
export class FillState {
  /** Water held in each node's subtree, m³. */
  public readonly volM3: Float64Array;
  public outflowM3 = 0;
  /** Water each leaf passed on over its pour point, m³ (to a neighbour or out). */
  public readonly spilledM3: Float64Array;
  private readonly level: Float64Array;
  private readonly allChildrenFull: Uint8Array;

  public constructor(private readonly t: DepressionTree) {
    this.volM3 = new Float64Array(t.nodeCount);
    this.spilledM3 = new Float64Array(t.nodeCount);
    this.level = new Float64Array(t.nodeCount).fill(-Infinity);
    this.allChildrenFull = new Uint8Array(t.nodeCount);
  }

  private full(x: number): boolean {
    return this.volM3[x]! >= this.t.capM3[x]! - EPS_M3;
  }

  private addUp(x: number, v: number): void {
    const parent = this.t.parent;
    for (let y = x; y > 0; y = parent[y]!) this.volM3[y]! += v;
  }

  /** Pours `v` m³ of runoff into leaf `leaf`: it fills, spills into a neighbour or raises the merged lake. */
  public pour(leaf: number, v: number): void {
    const t = this.t;
    let x = leaf;
    while (v > EPS_M3) {
      if (x <= OUTSIDE) {
        this.outflowM3 += v;
        return;
      }
      const room = t.capM3[x]! - this.volM3[x]!;
      if (v <= room) {
        this.addUp(x, v);
        return;
      }
      if (room > 0) {
        this.addUp(x, room);
        v -= room;
      }
      if (t.isLeaf[x]) this.spilledM3[x]! += v;
      const p = t.parent[x]!;
      if (p <= OUTSIDE) {
        this.outflowM3 += v;
        return;
      }
      // Over the pour point into a neighbour that still has room, else the merged lake rises.
      let s = t.firstChild[p]!;
      while (s >= 0 && (s === x || this.full(s))) s = t.nextSibling[s]!;
      x = s >= 0 ? t.entryLeaf[s]! : p;
    }
  }

  /** Takes up to `v` m³ out of the water over leaf `leaf` (drains lower the lake surface first); returns what was taken. */
  public drain(leaf: number, v: number): number {
    const t = this.t;
    let taken = 0;
    while (v > EPS_M3) {
      // The lake surface over this leaf: the highest ancestor holding water above its children's pour points.
      let top = leaf;
      let y = leaf;
      while (this.full(y)) {
        const p = t.parent[y]!;
        if (p <= OUTSIDE) break;
        let sumCaps = 0;
        for (let s = t.firstChild[p]!; s >= 0; s = t.nextSibling[s]!) sumCaps += t.capM3[s]!;
        if (this.volM3[p]! - sumCaps <= EPS_M3) break;
        top = p;
        y = p;
      }
      let avail: number;
      if (top === leaf) avail = this.volM3[leaf]!;
      else {
        let sumCaps = 0;
        for (let s = t.firstChild[top]!; s >= 0; s = t.nextSibling[s]!) sumCaps += t.capM3[s]!;
        avail = this.volM3[top]! - sumCaps;
      }
      if (avail <= EPS_M3) break;
      const take = Math.min(v, avail);
      this.addUp(top, -take);
      v -= take;
      taken += take;
    }
    return taken;
  }

  /** Recomputes every node's water level; call after the pours and drains of a step. Returns how many nodes hold water. */
  public settle(): number {
    const t = this.t;
    const n = t.nodeCount;
    const acf = this.allChildrenFull;
    acf.fill(1);
    for (let x = 1; x < n; x++) {
      const p = t.parent[x]!;
      if (p > 0 && !this.full(x)) acf[p] = 0;
    }
    const level = this.level;
    level[OUTSIDE] = -Infinity;
    let wet = 0;
    for (let x = n - 1; x >= 1; x--) {
      const vol = this.volM3[x]!;
      if (vol <= EPS_M3 || (!t.isLeaf[x] && !acf[x])) {
        level[x] = -Infinity;
        continue;
      }
      wet++;
      const p = t.parent[x]!;
      if (this.full(x)) level[x] = p > 0 && acf[p] ? Math.max(t.spillZ[x]!, level[p]!) : t.spillZ[x]!;
      else level[x] = levelForVolume(t, x, vol);
    }
    return wet;
  }

  /** Water level over node `x` after `settle` (−∞ when dry). */
  public levelOf(x: number): number {
    return this.level[x]!;
  }

  /** Water depth at a cell after `settle`, metres. */
  public depthAt(cell: number): number {
    const d = this.level[this.t.joinNode[cell]!]! - this.t.z[cell]!;
    return d > 0 ? d : 0;
  }

  /** The node whose lake surface stands over a cell (for its reason): the highest full ancestor's lake, or the cell's own node. */
  public lakeOf(cell: number): number {
    const t = this.t;
    let x = t.joinNode[cell]!;
    while (x > 0 && this.full(x)) {
      const p = t.parent[x]!;
      if (p <= 0 || this.level[p] === -Infinity) break;
      x = p;
    }
    return x;
  }
}

/** A binary min-heap of (key, value) pairs in typed arrays. */
class MinHeap {
  private keys: Float64Array;
  private vals: Int32Array;
  public size = 0;
  public constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.vals = new Int32Array(capacity);
  }
  public push(key: number, val: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.size * 2);
      k.set(this.keys);
      const v = new Int32Array(this.size * 2);
      v.set(this.vals);
      this.keys = k;
      this.vals = v;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p]! <= key) break;
      this.keys[i] = this.keys[p]!;
      this.vals[i] = this.vals[p]!;
      i = p;
    }
    this.keys[i] = key;
    this.vals[i] = val;
  }
  public pop(): number {
    const top = this.vals[0]!;
    const key = this.keys[--this.size]!;
    const val = this.vals[this.size]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && this.keys[c + 1]! < this.keys[c]!) c++;
      if (this.keys[c]! >= key) break;
      this.keys[i] = this.keys[c]!;
      this.vals[i] = this.vals[c]!;
      i = c;
    }
    this.keys[i] = key;
    this.vals[i] = val;
    return top;
  }
}
