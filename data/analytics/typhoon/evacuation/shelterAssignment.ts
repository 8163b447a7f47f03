/**
 * Where the at-risk people go: a capacity-constrained transportation problem solved exactly by
 * HiGHS (WASM build), with nearest-shelter assignment — today's practice — computed in the same
 * run for comparison.
 *
 * Unit: people. Shelter capacities are places for people, so a building's supply is the number of
 * at-risk people in it (all its at-risk households share one source). Households are kept whole
 * afterwards (planEvacuation).
 *
 * Size: a million households × 200 shelters would be 200 M arcs. Each building starts with arcs to
 * its k nearest shelters by road only; after each solve every other (building, shelter) pair is
 * priced with the duals (reduced cost = distance − building price − shelter price) and the pairs
 * that would lower the cost are added (column generation). When no pair has a negative reduced cost
 * the restricted optimum is the optimum over all arcs; the Lagrangian bound
 * z_restricted + Σ supply·min(0, min reduced cost) is reported per round, so the gap is shown,
 * not claimed.
 *
 * Capacity short or no road: every placed person earns a bonus larger than any chain of
 * reassignments ((shelters + 1) × longest distance; arcs cost distance − bonus, a source's row is
 * "at most its people"), so the optimum places as many people as possible first and then
 * minimises distance; a source's unplaced people are its row's slack. Reported objectives add the
 * bonus back (distance + penalty per unplaced person).
 */
import loadHighs from 'highs';

type Highs = Awaited<ReturnType<typeof loadHighs>>;
let highsLoading: Promise<Highs> | null = null;
/** The solver is loaded once per process (a ~3 MB WASM module). */
export function loadSolver(): Promise<Highs> {
  highsLoading ??= loadHighs();
  return highsLoading;
}

export interface AssignmentProblem {
  /** People to move per source (building). */
  supply: ArrayLike<number>;
  /** Places per shelter. */
  capacity: ArrayLike<number>;
  /** Road distance in metres, source-major: metres[i * shelters + s]; Infinity when no road joins them. */
  metres: Float32Array | Float64Array;
  /** Arcs per source in the first restricted problem (cheapest by road at the current prices; default 1). */
  nearestK?: number;
  /** Safety stop for column generation rounds (the gap is reported if it is hit). */
  maxRounds?: number;
  /** Arcs brought in per source and round at most (its most improving ones; default 1). */
  columnsPerRound?: number;
  /** Sources above which the boundary method is used (default DIRECT_SOURCES). */
  directSources?: number;
  /** A shelter per source to start from (-1: none): the crash basis uses it where it has room. */
  startShelter?: Int32Array;
}

export interface AssignmentRound {
  /** 'prices' = the solve over an aggregate of the sources that estimates shelter prices;
   *  'boundary' = the solve over the sources near a boundary between shelters' areas (or all
   *  sources when few). */
  phase: 'prices' | 'boundary';
  sources: number;
  columns: number;
  objectiveM: number;
  lowerBoundM: number;
  added: number;
  /** Solver time of the round, ms. */
  solveMs: number;
  iterations: number;
}

export interface AssignmentResult {
  /** HiGHS model status of the last solve ('Optimal' when proved). */
  status: string;
  /**
   * True when the duality certificate closes: the plan's cost (with the unplaced penalty) equals
   * the dual bound Σ supply·u + Σ capacity·v built from the shelter prices over every
   * (building, shelter) pair, so no assignment of the whole problem is cheaper.
   */
  provedOptimal: boolean;
  /** The dual bound in person-metres (penalty included), for the report. */
  dualBound: number;
  /** Sources HiGHS solved over, and those fixed to their cheapest shelter at the final prices. */
  solvedSources: number;
  fixedSources: number;
  /** Person-metres of the placed people (the objective without the unplaced penalty). */
  totalPersonMetres: number;
  /** Relative gap between the objective and the column-generation lower bound at the end. */
  relativeGap: number;
  placedPeople: number;
  unplacedPeople: number;
  /** Flows per source: [shelter, people][] (integers). */
  flows: [number, number][][];
  /** People per source the solver could not place. */
  unplaced: Int32Array;
  load: Int32Array;
  rounds: AssignmentRound[];
  solveMs: number;
  arcsConsidered: number;
}

export interface NearestShelterResult {
  load: Int32Array;
  totalPersonMetres: number;
  /** Shelters whose nearest-shelter load exceeds capacity, with the excess people. */
  overflowed: { shelter: number; load: number; capacity: number; excess: number }[];
  excessPeople: number;
  unreachablePeople: number;
  /** The nearest reachable shelter per source (-1 when none). */
  nearest: Int32Array;
}

/** Today's practice: everybody to the nearest shelter by road, capacity ignored. */
export function nearestShelterAssignment(p: AssignmentProblem): NearestShelterResult {
  const n = p.supply.length;
  const m = p.capacity.length;
  const load = new Int32Array(m);
  const nearest = new Int32Array(n).fill(-1);
  let total = 0;
  let unreachable = 0;
  for (let i = 0; i < n; i++) {
    const q = p.supply[i]!;
    if (q <= 0) continue;
    let best = -1;
    let bestD = Infinity;
    for (let s = 0; s < m; s++) {
      const d = p.metres[i * m + s]!;
      if (d < bestD) {
        bestD = d;
        best = s;
      }
    }
    nearest[i] = best;
    if (best < 0) {
      unreachable += q;
      continue;
    }
    load[best]! += q;
    total += q * bestD;
  }
  const overflowed: NearestShelterResult['overflowed'] = [];
  let excessPeople = 0;
  for (let s = 0; s < m; s++) {
    const excess = load[s]! - p.capacity[s]!;
    if (excess > 0) {
      overflowed.push({ shelter: s, load: load[s]!, capacity: p.capacity[s]!, excess });
      excessPeople += excess;
    }
  }
  return { load, totalPersonMetres: total, overflowed, excessPeople, unreachablePeople: unreachable, nearest };
}

const STATUS_NAMES: Record<number, string> = {
  0: 'NotSet', 1: 'LoadError', 2: 'ModelError', 3: 'PresolveError', 4: 'SolveError', 5: 'PostsolveError', 6: 'Empty',
  7: 'Optimal', 8: 'Infeasible', 9: 'UnboundedOrInfeasible', 10: 'Unbounded', 11: 'ObjectiveBound', 12: 'ObjectiveTarget',
  13: 'TimeLimit', 14: 'IterationLimit', 15: 'Unknown', 16: 'SolutionLimit', 17: 'Interrupt',
};

/** HiGHS basis status codes (highs.constants.basisStatus). */
const BASIC = 1;
const AT_UPPER = 2;

/** The `k` cheapest shelters of source `i` at prices `v` (reduced distance d − v, nearest first; ties by shelter index). */
function cheapestShelters(metres: Float32Array | Float64Array, i: number, m: number, v: ArrayLike<number> | null, k: number, outS: Int32Array, outR: Float64Array): number {
  let count = 0;
  const row = i * m;
  for (let s = 0; s < m; s++) {
    const d = metres[row + s]!;
    if (d === Infinity) continue;
    const r = v ? d - v[s]! : d;
    if (count === k && r >= outR[k - 1]!) continue;
    let at = count < k ? count++ : k - 1;
    while (at > 0 && outR[at - 1]! > r) {
      outR[at] = outR[at - 1]!;
      outS[at] = outS[at - 1]!;
      at--;
    }
    outR[at] = r;
    outS[at] = s;
  }
  return count;
}

/**
 * One HiGHS model of the transportation problem over a growing set of sources, kept between
 * solves so each solve starts from the last basis.
 *
 * Rows: the shelters first (Σ_i x_is ≤ places left), then one row per source that has joined
 * (0 ≤ Σ_s x_is ≤ people). Each arc costs its distance minus the penalty, so placing a person
 * always pays (the penalty exceeds any chain of reassignments) and a source's unplaced people are
 * its row's slack — no "unplaced" column per source. Arcs come in by column generation.
 */
class RestrictedModel {
  public readonly model: ReturnType<Highs['createModel']>;
  /** Source of each model row after the shelters' rows, and the arcs' source and shelter. */
  public readonly sourceOfRow: number[] = [];
  public readonly colSource: number[] = [];
  public readonly colShelter: number[] = [];
  private readonly rowOf: Int32Array;
  private readonly hasArc: Uint8Array;
  private basis: { colStatus: ArrayLike<number>; rowStatus: ArrayLike<number> } | null = null;
  public status = 0;
  public readonly shelterDual: Float64Array;

  public constructor(
    private readonly highs: Highs,
    private readonly p: AssignmentProblem,
    private readonly penalty: number,
    placesLeft: ArrayLike<number>,
  ) {
    const n = p.supply.length;
    const m = p.capacity.length;
    this.rowOf = new Int32Array(n).fill(-1);
    this.hasArc = new Uint8Array(n * m);
    this.shelterDual = new Float64Array(m);
    this.model = highs.createModel({
      numCols: 0,
      numRows: m,
      colCost: new Float64Array(0),
      colLower: new Float64Array(0),
      colUpper: new Float64Array(0),
      rowLower: new Float64Array(m).fill(-highs.infinity),
      rowUpper: Float64Array.from({ length: m }, (_, s) => Math.max(0, placesLeft[s]!)),
      matrix: { format: 'csc', numRows: m, numCols: 0, starts: new Int32Array(1), indices: new Int32Array(0), values: new Float64Array(0) },
    });
    // Simplex returns a vertex, and a transportation problem's vertices are integral. Primal
    // simplex (strategy 4) keeps the crash basis feasible and continues from it after arcs or
    // sources are added; presolve off so the basis carries over between solves.
    this.model.options.set({ output_flag: false, solver: 'simplex', presolve: 'off', simplex_strategy: 4 });
  }

  public get sources(): number {
    return this.sourceOfRow.length;
  }

  public dispose(): void {
    this.model.dispose();
  }

  /** Shelter rows' bounds: the places left once the sources outside the model are counted. */
  public setPlacesLeft(placesLeft: ArrayLike<number>): void {
    const m = this.p.capacity.length;
    this.model.changeRowsBounds({ kind: 'range', from: 0, to: m - 1 }, new Float64Array(m).fill(-this.highs.infinity), Float64Array.from({ length: m }, (_, s) => Math.max(0, placesLeft[s]!)));
  }

  /**
   * Adds sources with their candidate shelters. Each starts basic on `start(i)` when given (its
   * people must fit there: the caller counts them in the places left) or else on the first
   * candidate with `room`, otherwise unplaced; the rest of the basis is the last solve's.
   */
  public addSources(sources: readonly number[], candidates: (i: number) => ArrayLike<number>, start: (i: number) => number, room: Float64Array | null): void {
    const m = this.p.capacity.length;
    const supply = this.p.supply;
    const firstRow = this.sourceOfRow.length;
    const L = sources.length;
    const upper = new Float64Array(L);
    sources.forEach((i, j) => {
      this.rowOf[i] = m + firstRow + j;
      this.sourceOfRow.push(i);
      upper[j] = supply[i]!;
    });
    this.model.addRows({ lower: new Float64Array(L), upper, matrix: { format: 'csr', numRows: L, numCols: this.colSource.length, starts: new Int32Array(L + 1), indices: new Int32Array(0), values: new Float64Array(0) } });
    const firstCol = this.colSource.length;
    const arcSource: number[] = [];
    const arcShelter: number[] = [];
    const basicCol: number[] = [];
    const placed = new Uint8Array(L);
    sources.forEach((i, j) => {
      const q = supply[i]!;
      const list = candidates(i);
      const st = start(i);
      let pick = st;
      for (let c = 0; pick < 0 && room && c < list.length; c++) if (room[list[c]!]! >= q) pick = list[c]!;
      const add = (s: number): void => {
        if (this.hasArc[i * m + s]) return;
        this.hasArc[i * m + s] = 1;
        if (s === pick) basicCol.push(firstCol + arcShelter.length);
        arcSource.push(i);
        arcShelter.push(s);
      };
      if (pick >= 0) add(pick);
      for (let c = 0; c < list.length; c++) add(list[c]!);
      if (pick >= 0) {
        if (room && st < 0) room[pick]! -= q;
        placed[j] = 1;
      }
    });
    this.addArcs(arcSource, arcShelter);
    const cols = this.colSource.length;
    const rows = m + this.sourceOfRow.length;
    const colStatus = new Int32Array(cols);
    const rowStatus = new Int32Array(rows);
    if (this.basis) {
      colStatus.set(this.basis.colStatus);
      rowStatus.set(this.basis.rowStatus);
    } else rowStatus.fill(BASIC, 0, m);
    for (const c of basicCol) colStatus[c] = BASIC;
    for (let j = 0; j < L; j++) rowStatus[m + firstRow + j] = placed[j] ? AT_UPPER : BASIC;
    this.model.setBasis({ colStatus, rowStatus });
  }

  /**
   * Drops arcs that are out of the basis and far from entering it (reduced cost above `above`
   * metres): every simplex iteration scans the columns, and most generated arcs never enter. An
   * arc dropped too early is priced back in like any other.
   */
  private dropIdleArcs(above: number): void {
    const reduced = this.model.getSolution().colDual;
    const basis = this.model.getBasis();
    const cols = this.colSource.length;
    const m = this.p.capacity.length;
    const drop = new Int32Array(cols);
    let kept = 0;
    for (let c = 0; c < cols; c++) {
      if (basis.colStatus[c] !== BASIC && reduced[c]! > above) {
        drop[c] = 1;
        this.hasArc[this.colSource[c]! * m + this.colShelter[c]!] = 0;
      } else {
        this.colSource[kept] = this.colSource[c]!;
        this.colShelter[kept] = this.colShelter[c]!;
        kept++;
      }
    }
    if (kept === cols) return;
    const colStatus = new Int32Array(kept);
    for (let c = 0, k = 0; c < cols; c++) if (!drop[c]) colStatus[k++] = basis.colStatus[c]!;
    this.colSource.length = kept;
    this.colShelter.length = kept;
    this.model.deleteCols({ kind: 'mask', mask: drop });
    this.model.setBasis({ colStatus, rowStatus: Int32Array.from(basis.rowStatus) });
  }

  private addArcs(arcSource: readonly number[], arcShelter: readonly number[]): void {
    const L = arcSource.length;
    if (L === 0) return;
    const m = this.p.capacity.length;
    const starts = new Int32Array(L + 1);
    const indices = new Int32Array(2 * L);
    const cost = new Float64Array(L);
    for (let j = 0; j < L; j++) {
      const i = arcSource[j]!;
      const s = arcShelter[j]!;
      this.hasArc[i * m + s] = 1;
      this.colSource.push(i);
      this.colShelter.push(s);
      cost[j] = this.p.metres[i * m + s]! - this.penalty;
      indices[2 * j] = s;
      indices[2 * j + 1] = this.rowOf[i]!;
      starts[j + 1] = 2 * (j + 1);
    }
    this.model.addCols({
      cost,
      lower: new Float64Array(L),
      upper: new Float64Array(L).fill(this.highs.infinity),
      matrix: { format: 'csc', numRows: m + this.sourceOfRow.length, numCols: L, starts, indices, values: new Float64Array(2 * L).fill(1) },
    });
  }

  /**
   * Solves, prices every pair of the sources in the model with the duals and brings in each
   * source's few most improving arcs, until none improves (then the restricted optimum is the
   * optimum over all arcs of these sources) or `maxRounds` is hit.
   */
  public solve(phase: AssignmentRound['phase'], rounds: AssignmentRound[], maxRounds: number, perRound: number): boolean {
    const m = this.p.capacity.length;
    const metres = this.p.metres;
    const supply = this.p.supply;
    const optimal = this.highs.constants.modelStatus.optimal;
    const pickS = new Int32Array(perRound);
    const pickR = new Float64Array(perRound);
    let people = 0;
    for (const i of this.sourceOfRow) people += supply[i]!;
    for (let round = 0; round < maxRounds; round++) {
      // No arc yet (no shelter, or none reachable): HiGHS calls that model 'Empty'; its optimum is
      // everybody unplaced with zero duals, and pricing still brings in any arc that exists.
      const empty = this.colSource.length === 0;
      const r0 = performance.now();
      this.status = empty ? optimal : this.model.run().modelStatus;
      const roundMs = performance.now() - r0;
      const iterations = empty ? 0 : Number(this.model.info.get('simplex_iteration_count'));
      if (this.status !== optimal) return false;
      const objective = empty ? 0 : this.model.getObjectiveValue();
      const dual = empty ? new Float64Array(m + this.sourceOfRow.length) : this.model.getSolution().rowDual;
      for (let s = 0; s < m; s++) this.shelterDual[s] = Math.min(0, dual[s]!);
      const addSource: number[] = [];
      const addShelter: number[] = [];
      let boundTerm = 0;
      const rows = this.sourceOfRow.length;
      for (let r = 0; r < rows; r++) {
        const i = this.sourceOfRow[r]!;
        // reduced cost of (i, s) = d − penalty − u_i − v_s; compare d − v_s with penalty + u_i.
        const limit = this.penalty + dual[m + r]!;
        const row = i * m;
        let picked = 0;
        for (let s = 0; s < m; s++) {
          if (this.hasArc[row + s]) continue;
          const d = metres[row + s]!;
          const reduced = d - dual[s]! - limit;
          if (!(reduced < -1e-7 * (1 + d))) continue;
          // Keep the `perRound` most negative, sorted ascending (insertion into a tiny array).
          let at = picked < perRound ? picked++ : perRound;
          if (at === perRound && reduced >= pickR[perRound - 1]!) continue;
          if (at === perRound) at = perRound - 1;
          while (at > 0 && pickR[at - 1]! > reduced) {
            pickR[at] = pickR[at - 1]!;
            pickS[at] = pickS[at - 1]!;
            at--;
          }
          pickR[at] = reduced;
          pickS[at] = s;
        }
        for (let j = 0; j < picked; j++) {
          addSource.push(i);
          addShelter.push(pickS[j]!);
        }
        if (picked > 0) boundTerm += supply[i]! * pickR[0]!;
      }
      // Reported with the penalty per unplaced person (the objective without the placing bonus).
      rounds.push({ phase, sources: rows, columns: this.colSource.length, objectiveM: objective + this.penalty * people, lowerBoundM: objective + boundTerm + this.penalty * people, added: addSource.length, solveMs: roundMs, iterations });
      if (addSource.length === 0) {
        if (!empty) this.basis = this.model.getBasis();
        return true;
      }
      if (this.colSource.length > 2 * rows) this.dropIdleArcs(IDLE_ARC_M);
      this.addArcs(addSource, addShelter);
    }
    return false;
  }

  /** Integral flows of the sources in the model (a vertex of a transportation problem is integral). */
  public flows(into: [number, number][][], unplaced: Int32Array): void {
    const x = this.colSource.length === 0 ? [] : this.model.getSolution().colValue;
    const placedOf = new Float64Array(this.sourceOfRow.length);
    for (let c = 0; c < this.colSource.length; c++) {
      const v = Math.round(x[c]!);
      if (v <= 0) continue;
      const i = this.colSource[c]!;
      into[i]!.push([this.colShelter[c]!, v]);
      placedOf[this.rowOf[i]! - this.p.capacity.length]! += v;
    }
    this.sourceOfRow.forEach((i, r) => {
      into[i]!.sort((a, b) => a[0] - b[0]);
      unplaced[i] = Math.max(0, Math.round(this.p.supply[i]! - placedOf[r]!));
    });
  }
}

/** Above this many sources, those far from any boundary between shelters' areas are fixed first. */
const DIRECT_SOURCES = 2500;
/** Width of the distance bins sources are aggregated in to estimate shelter prices. */
const AGGREGATE_BIN_M = 250;
/** Share of the sources kept free (smallest margins between their best and second-best shelter). */
const FREE_SHARE = 0.2;
/** Arcs out of the basis whose reduced cost exceeds this (metres) are dropped between rounds. */
const IDLE_ARC_M = 20;
/** Rounds of freeing violators before giving up (the certificate then shows the gap). */
const MAX_PASSES = 12;

/**
 * Minimum-total-distance assignment with no shelter over capacity, solved exactly by HiGHS.
 *
 * A district's problem has tens of thousands of sources but only the sources near a boundary
 * between two shelters' areas are in question. Above DIRECT_SOURCES: shelter prices are estimated
 * by solving an aggregate of the sources (same two nearest shelters, similar distances); every
 * source whose best shelter at those prices beats its second best by a wide margin is fixed to it;
 * HiGHS solves the rest exactly over the capacity left; a fixed source whose shelter is no longer
 * its cheapest at the new prices joins the same model (starting on its fixed shelter, the last
 * basis kept) and it is solved again. The result is checked, not assumed: the duality certificate
 * over every pair (`provedOptimal`, `relativeGap`) closes only at the optimum.
 */
export async function optimalShelterAssignment(p: AssignmentProblem): Promise<AssignmentResult> {
  const highs = await loadSolver();
  const t0 = performance.now();
  const n = p.supply.length;
  const m = p.capacity.length;
  let maxD = 0;
  for (let j = 0; j < p.metres.length; j++) {
    const d = p.metres[j]!;
    if (d !== Infinity && d > maxD) maxD = d;
  }
  // Per person unplaced; larger than any augmenting chain's cost so placing comes first.
  const penalty = (m + 1) * (maxD + 1);
  // Few arcs per source: each simplex iteration scans every column, so a lean model with more
  // pricing rounds is faster than a wide one (bench 100k: k 4 → 1 and 3 → 1 per round, −30 %).
  const k = Math.max(1, Math.min(m, p.nearestK ?? 1));
  const maxRounds = p.maxRounds ?? 200;
  const perRound = Math.max(1, p.columnsPerRound ?? 1);
  const active: number[] = [];
  for (let i = 0; i < n; i++) if (p.supply[i]! > 0) active.push(i);
  const rounds: AssignmentRound[] = [];
  const flows: [number, number][][] = Array.from({ length: n }, () => []);
  const unplaced = new Int32Array(n);
  let status = 'Optimal';
  let arcs = 0;
  let solved = 0;
  let fixedCount = 0;
  let v = new Float64Array(m);
  const candS = new Int32Array(Math.max(k, 2));
  const candR = new Float64Array(Math.max(k, 2));
  /** Sources' cheapest shelters at prices `w`, as a fresh array (candidate arcs). */
  const cheapestAt = (q: AssignmentProblem, w: ArrayLike<number> | null) => (i: number): Int32Array =>
    candS.slice(0, cheapestShelters(q.metres, i, m, w, k, candS, candR));
  /**
   * Greedy start: sources with most to lose from their cheapest shelter at `w` choose first, each
   * the cheapest with room (any shelter, not only its candidates); -1 when none has room.
   */
  const crash = (q: AssignmentProblem, sources: readonly number[], w: ArrayLike<number> | null, room: Float64Array, preferred?: Int32Array): Int32Array => {
    const regret = new Float64Array(q.supply.length);
    for (const i of sources) regret[i] = cheapestShelters(q.metres, i, m, w, 2, candS, candR) > 1 ? candR[1]! - candR[0]! : Infinity;
    const order = sources.slice().sort((a, b) => regret[b]! - regret[a]! || a - b);
    const start = new Int32Array(q.supply.length).fill(-1);
    for (const i of order) {
      const need = q.supply[i]!;
      const pref = preferred?.[i] ?? -1;
      let best = pref >= 0 && room[pref]! >= need && q.metres[i * m + pref]! !== Infinity ? pref : -1;
      if (best < 0) {
        let bestR = Infinity;
        for (let s = 0; s < m; s++) {
          const d = q.metres[i * m + s]!;
          if (d === Infinity || room[s]! < need) continue;
          const r = w ? d - w[s]! : d;
          if (r < bestR) {
            bestR = r;
            best = s;
          }
        }
      }
      if (best >= 0) {
        start[i] = best;
        room[best]! -= need;
      }
    }
    return start;
  };

  if (active.length === 0) {
    // Nobody to move (HiGHS would call the empty model 'Empty', not 'Optimal').
  } else if (active.length <= (p.directSources ?? DIRECT_SOURCES) || m < 2) {
    const model = new RestrictedModel(highs, p, penalty, p.capacity);
    try {
      const start = crash(p, active, null, Float64Array.from({ length: m }, (_, s) => Math.max(0, p.capacity[s]!)), p.startShelter);
      model.addSources(active, cheapestAt(p, null), (i) => start[i]!, null);
      model.solve('boundary', rounds, maxRounds, perRound);
      status = STATUS_NAMES[model.status] ?? String(model.status);
      if (status === 'Optimal') model.flows(flows, unplaced);
      arcs = model.colSource.length;
      solved = active.length;
      v = Float64Array.from(model.shelterDual);
    } finally {
      model.dispose();
    }
  } else {
    // 1. Prices from an aggregate: sources with the same two cheapest shelters and similar
    // distances form one (summed people, people-weighted mean distances), so the LP that sets the
    // prices sees the whole district's demand at a fraction of its size. Twice: first grouped by
    // plain distance, then along the boundaries those prices draw (the margin between a source's
    // two cheapest shelters at the prices, in finer steps where it is small), solved from the
    // first prices; the second prices are closer to the optimum's, so fewer sources stay free.
    const aggregateAt = (w: ArrayLike<number> | null, marginBin: (margin: number) => number, distanceBinM: number): AssignmentProblem => {
      const clusterOf = new Map<number, number>();
      const clusterSupply: number[] = [];
      const clusterSum: Float64Array[] = [];
      for (const i of active) {
        const found = cheapestShelters(p.metres, i, m, w, 2, candS, candR);
        const s1 = found > 0 ? candS[0]! : m;
        const s2 = found > 1 ? candS[1]! : m;
        const d1 = found > 0 ? p.metres[i * m + s1]! : 0;
        const key = ((s1 * (m + 1) + s2) * 32 + Math.min(31, marginBin(found > 1 ? candR[1]! - candR[0]! : Infinity))) * 21 + Math.min(20, Math.floor(d1 / distanceBinM));
        let c = clusterOf.get(key);
        if (c === undefined) {
          c = clusterSupply.length;
          clusterOf.set(key, c);
          clusterSupply.push(0);
          clusterSum.push(new Float64Array(m));
        }
        const q = p.supply[i]!;
        clusterSupply[c]! += q;
        const sum = clusterSum[c]!;
        const row = i * m;
        for (let s = 0; s < m; s++) sum[s]! += q * p.metres[row + s]!;
      }
      const aggMetres = new Float64Array(clusterSupply.length * m);
      clusterSum.forEach((sum, c) => {
        for (let s = 0; s < m; s++) aggMetres[c * m + s] = sum[s]! / clusterSupply[c]!;
      });
      return { ...p, supply: clusterSupply, metres: aggMetres, startShelter: undefined };
    };
    const pricesOf = (aggregate: AssignmentProblem, w: ArrayLike<number> | null): Float64Array<ArrayBuffer> => {
      const pricing = new RestrictedModel(highs, aggregate, penalty, p.capacity);
      try {
        const clusters = Array.from({ length: aggregate.supply.length }, (_, c) => c);
        const start = crash(aggregate, clusters, w, Float64Array.from({ length: m }, (_, s) => Math.max(0, p.capacity[s]!)));
        pricing.addSources(clusters, cheapestAt(aggregate, w), (c) => start[c]!, null);
        pricing.solve('prices', rounds, maxRounds, perRound);
        return Float64Array.from(pricing.shelterDual);
      } finally {
        pricing.dispose();
      }
    };
    const firstPrices = pricesOf(aggregateAt(null, (margin) => Math.floor(margin / AGGREGATE_BIN_M), 2 * AGGREGATE_BIN_M), null);
    const fine = AGGREGATE_BIN_M / 10;
    v = pricesOf(aggregateAt(firstPrices, (margin) => (margin < 12 * fine ? Math.floor(margin / fine) : 12 + Math.floor(margin / (16 * fine))), 700), firstPrices);

    // 2. Margins at those prices; the widest are fixed to their best shelter.
    const best = new Int32Array(n).fill(-1);
    const margin = new Float64Array(n).fill(-Infinity);
    for (const i of active) {
      const found = cheapestShelters(p.metres, i, m, v, 2, candS, candR);
      if (found === 0 || candR[0]! >= penalty) continue;
      best[i] = candS[0]!;
      margin[i] = found > 1 ? candR[1]! - candR[0]! : Infinity;
    }
    const sortedMargins = active.map((i) => margin[i]!).sort((a, b) => a - b);
    const threshold = sortedMargins[Math.floor(sortedMargins.length * FREE_SHARE)]!;
    const fixed = new Uint8Array(n);
    for (const i of active) if (best[i]! >= 0 && margin[i]! > threshold) fixed[i] = 1;
    // A shelter the fixed sources alone overfill frees its narrowest-margin sources.
    const fixedLoad = new Float64Array(m);
    for (const i of active) if (fixed[i]) fixedLoad[best[i]!]! += p.supply[i]!;
    const fixedAt: number[][] = Array.from({ length: m }, () => []);
    for (const i of active) if (fixed[i]) fixedAt[best[i]!]!.push(i);
    for (let s = 0; s < m; s++) {
      if (fixedLoad[s]! <= p.capacity[s]!) continue;
      const mine = fixedAt[s]!.sort((a, b) => margin[a]! - margin[b]! || a - b);
      for (const i of mine) {
        if (fixedLoad[s]! <= p.capacity[s]!) break;
        fixed[i] = 0;
        fixedLoad[s]! -= p.supply[i]!;
      }
    }

    // 3. Solve the free sources over the capacity the fixed ones leave; the fixed sources whose
    // shelter is no longer their cheapest at the new prices join the model; repeat.
    const placesLeft = Float64Array.from({ length: m }, (_, s) => p.capacity[s]! - fixedLoad[s]!);
    const model = new RestrictedModel(highs, p, penalty, placesLeft);
    try {
      const free = active.filter((i) => !fixed[i]);
      const start = crash(p, free, v, Float64Array.from(placesLeft, (c) => Math.max(0, c)), p.startShelter);
      model.addSources(free, cheapestAt(p, v), (i) => start[i]!, null);
      for (let pass = 0; ; pass++) {
        model.solve('boundary', rounds, maxRounds, perRound);
        status = STATUS_NAMES[model.status] ?? String(model.status);
        v = Float64Array.from(model.shelterDual);
        if (status !== 'Optimal') break;
        // A fixed source must still be at its cheapest shelter at the new prices.
        const joining: number[] = [];
        for (const i of active) {
          if (!fixed[i]) continue;
          const row = i * m;
          const own = p.metres[row + best[i]!]! - v[best[i]!]!;
          let cheapest = penalty;
          for (let s = 0; s < m; s++) {
            const r = p.metres[row + s]! - v[s]!;
            if (r < cheapest) cheapest = r;
          }
          if (own > cheapest + 1e-3) joining.push(i);
        }
        if (joining.length === 0 || pass >= MAX_PASSES) break;
        // Each joins on its fixed shelter, whose places it gives back: the basis stays feasible.
        for (const i of joining) {
          fixed[i] = 0;
          placesLeft[best[i]!]! += p.supply[i]!;
        }
        model.setPlacesLeft(placesLeft);
        model.addSources(joining, cheapestAt(p, v), (i) => best[i]!, null);
      }
      if (status === 'Optimal') model.flows(flows, unplaced);
      for (const i of active) if (fixed[i]) flows[i] = [[best[i]!, p.supply[i]!]];
      solved = model.sources;
      fixedCount = active.length - model.sources;
      arcs = model.colSource.length + fixedCount;
    } finally {
      model.dispose();
    }
  }

  // The certificate: primal cost against the dual bound over every pair.
  const load = new Int32Array(m);
  let total = 0;
  let placed = 0;
  let unplacedPeople = 0;
  let dual = 0;
  for (const i of active) {
    for (const [s, q] of flows[i]!) {
      load[s]! += q;
      placed += q;
      total += q * p.metres[i * m + s]!;
    }
    unplacedPeople += unplaced[i]!;
    let u = penalty;
    const row = i * m;
    for (let s = 0; s < m; s++) {
      const r = p.metres[row + s]! - v[s]!;
      if (r < u) u = r;
    }
    dual += p.supply[i]! * u;
  }
  for (let s = 0; s < m; s++) dual += Math.max(0, p.capacity[s]!) * v[s]!;
  const primal = total + unplacedPeople * penalty;
  const relativeGap = Math.max(0, primal - dual) / Math.max(1, Math.abs(primal));
  return {
    status,
    provedOptimal: status === 'Optimal' && relativeGap <= 1e-7,
    dualBound: dual,
    solvedSources: solved,
    fixedSources: fixedCount,
    totalPersonMetres: total,
    relativeGap,
    placedPeople: placed,
    unplacedPeople,
    flows,
    unplaced,
    load,
    rounds,
    solveMs: performance.now() - t0,
    arcsConsidered: arcs,
  };
}
