/**
 * Where the at-risk people go: a capacity-constrained transportation problem solved exactly by
 * HiGHS (WASM build), with nearest-shelter assignment — today's practice — computed in the same
 * run for comparison.
 *
 * Unit: people. Shelter capacities are places for people, so a building's supply is the number of
 * at-risk people in it (all its at-risk households share one source). Households are kept whole
 * afterwards (`placeHouseholds`).
 *
 * Size: a million households × 200 shelters would be 200 M arcs. Each building starts with arcs to
 * its k nearest shelters by road only; after each solve every other (building, shelter) pair is
 * priced with the duals (reduced cost = distance − building price − shelter price) and the pairs
 * that would lower the cost are added (column generation). When no pair has a negative reduced cost
 * the restricted optimum is the optimum over all arcs; the Lagrangian bound
 * z_restricted + Σ supply·min(0, min reduced cost) is reported per round, so the gap is shown,
 * not claimed.
 *
 * Capacity short or no road: each building also has an "unplaced" column whose cost per person
 * exceeds any chain of reassignments ((shelters + 1) × longest distance), so the optimum places as
 * many people as possible first and then minimises distance.
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
  /** Arcs per source in the first restricted problem (nearest by road). */
  nearestK?: number;
  /** Safety stop for column generation rounds (the gap is reported if it is hit). */
  maxRounds?: number;
  /** Arcs brought in per source and round at most (its most improving ones). */
  columnsPerRound?: number;
  /** Sources above which the boundary method is used (default DIRECT_SOURCES). */
  directSources?: number;
  /** A shelter per source to start from (-1: none): the crash basis uses it where it has room. */
  startShelter?: Int32Array;
}

export interface AssignmentRound {
  /** 'prices' = the sample solve that estimates shelter prices; 'boundary' = the solve over the
   *  sources near a boundary between shelters' areas (or all sources when few). */
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

interface TransportSolution extends AssignmentResult {
  /** Shelter rows' duals (≤ 0) at the last solve. */
  shelterDual: Float64Array;
}

/** One HiGHS model over every source of `p`, grown by column generation. */
async function solveTransportation(p: AssignmentProblem, penaltyPerPerson?: number): Promise<TransportSolution> {
  const highs = await loadSolver();
  const t0 = performance.now();
  const n = p.supply.length;
  const m = p.capacity.length;
  const k = Math.max(1, Math.min(m, p.nearestK ?? 4));
  const maxRounds = p.maxRounds ?? 200;
  const perRound = Math.max(1, p.columnsPerRound ?? 3);
  let maxD = 0;
  for (let j = 0; j < p.metres.length; j++) {
    const d = p.metres[j]!;
    if (d !== Infinity && d > maxD) maxD = d;
  }
  // Per person unplaced; larger than any augmenting chain's cost so placing comes first.
  const penalty = penaltyPerPerson ?? (m + 1) * (maxD + 1);
  const shelterDual = new Float64Array(m);

  // Columns: per source one "unplaced" column then its arcs. colSource/colShelter (-1 = unplaced).
  const colSource: number[] = [];
  const colShelter: number[] = [];
  const hasArc = new Uint8Array(n * m);
  const sources: number[] = [];
  for (let i = 0; i < n; i++) if (p.supply[i]! > 0) sources.push(i);
  if (sources.length === 0) {
    // Nobody to move (HiGHS would call the empty model 'Empty', not 'Optimal').
    return {
      status: 'Optimal', provedOptimal: true, dualBound: 0, solvedSources: 0, fixedSources: 0, totalPersonMetres: 0, relativeGap: 0,
      placedPeople: 0, unplacedPeople: 0, flows: Array.from({ length: n }, () => []), unplaced: new Int32Array(n), load: new Int32Array(m),
      rounds: [], solveMs: 0, arcsConsidered: 0, shelterDual,
    };
  }

  const cost: number[] = [];
  const starts: number[] = [0];
  const indices: number[] = [];
  const pushCol = (i: number, s: number): void => {
    colSource.push(i);
    colShelter.push(s);
    if (s >= 0) {
      hasArc[i * m + s] = 1;
      cost.push(p.metres[i * m + s]!);
      indices.push(i, n + s);
    } else {
      cost.push(penalty);
      indices.push(i);
    }
    starts.push(indices.length);
  };
  const nearestOf = new Int32Array(k);
  for (const i of sources) {
    pushCol(i, -1);
    // The k nearest by road, nearest first (insertion into a k-long list; ties by shelter index).
    const row = i * m;
    let count = 0;
    for (let s = 0; s < m; s++) {
      const d = p.metres[row + s]!;
      if (d === Infinity) continue;
      if (count === k && d >= p.metres[row + nearestOf[k - 1]!]!) continue;
      let at = count < k ? count++ : k - 1;
      while (at > 0 && p.metres[row + nearestOf[at - 1]!]! > d) {
        nearestOf[at] = nearestOf[at - 1]!;
        at--;
      }
      nearestOf[at] = s;
    }
    for (let j = 0; j < count; j++) pushCol(i, nearestOf[j]!);
    const start = p.startShelter?.[i] ?? -1;
    if (start >= 0 && p.metres[row + start]! !== Infinity && !hasArc[row + start]) pushCol(i, start);
  }
  const rowLower = new Float64Array(n + m);
  const rowUpper = new Float64Array(n + m);
  for (let i = 0; i < n; i++) rowLower[i] = rowUpper[i] = p.supply[i]!;
  for (let s = 0; s < m; s++) {
    rowLower[n + s] = -highs.infinity;
    rowUpper[n + s] = Math.max(0, p.capacity[s]!);
  }
  const model = highs.createModel({
    numCols: colSource.length,
    numRows: n + m,
    colCost: Float64Array.from(cost),
    colLower: new Float64Array(colSource.length),
    colUpper: new Float64Array(colSource.length).fill(highs.infinity),
    rowLower,
    rowUpper,
    matrix: { format: 'csc', numRows: n + m, numCols: colSource.length, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: new Float64Array(indices.length).fill(1) },
  });
  try {
    // A starting basis from a greedy feasible assignment (sources with most to lose from their
    // nearest shelter choose first; a source that fits none of its first arcs starts unplaced):
    // one basic column per source plus every shelter row's slack is a triangular, primal feasible
    // basis, so simplex starts near the optimum instead of from "everybody unplaced".
    const colStatus = new Int32Array(colSource.length);
    const rowStatus = new Int32Array(n + m);
    for (let s = 0; s < m; s++) rowStatus[n + s] = 1;
    const firstCol = new Int32Array(n).fill(-1);
    const colEnd = new Int32Array(n);
    for (let c = 0; c < colSource.length; c++) {
      const i = colSource[c]!;
      if (firstCol[i] === -1) firstCol[i] = c;
      colEnd[i] = c + 1;
    }
    const regret = (i: number): number => {
      const a = firstCol[i]! + 1;
      if (colEnd[i]! - a < 2) return Infinity;
      return p.metres[i * m + colShelter[a + 1]!]! - p.metres[i * m + colShelter[a]!]!;
    };
    const roomLeft = Float64Array.from({ length: m }, (_, s) => Math.max(0, p.capacity[s]!));
    const byRegret = sources.slice().sort((a, b) => regret(b) - regret(a) || a - b);
    for (const i of byRegret) {
      let chosen = firstCol[i]!;
      const start = p.startShelter?.[i] ?? -1;
      if (start >= 0 && roomLeft[start]! >= p.supply[i]!) {
        for (let c = firstCol[i]! + 1; c < colEnd[i]!; c++) {
          if (colShelter[c] === start) {
            chosen = c;
            roomLeft[start]! -= p.supply[i]!;
            break;
          }
        }
      }
      for (let c = firstCol[i]! + 1; chosen === firstCol[i]! && c < colEnd[i]!; c++) {
        if (roomLeft[colShelter[c]!]! >= p.supply[i]!) {
          chosen = c;
          roomLeft[colShelter[c]!]! -= p.supply[i]!;
          break;
        }
      }
      colStatus[chosen] = 1;
    }
    // Simplex returns a vertex, and a transportation problem's vertices are integral. Primal
    // simplex (strategy 4) keeps the crash basis feasible and continues from it after columns are
    // added; presolve off so the basis carries over between rounds.
    model.options.set({ output_flag: false, solver: 'simplex', presolve: 'off', simplex_strategy: 4 });
    model.setBasis({ colStatus, rowStatus });
    const rounds: AssignmentRound[] = [];
    let status = 0;
    let provedOptimal = false;
    let objective = 0;
    let bound = -Infinity;
    for (let round = 0; round < maxRounds; round++) {
      const r0 = performance.now();
      status = model.run().modelStatus;
      const roundMs = performance.now() - r0;
      const iterations = Number(model.info.get('simplex_iteration_count'));
      if (status !== highs.constants.modelStatus.optimal) break;
      objective = model.getObjectiveValue();
      const dual = model.getSolution().rowDual;
      for (let s = 0; s < m; s++) shelterDual[s] = Math.min(0, dual[n + s]!);
      // Price every pair not yet in the model; bring in each source's few most improving ones
      // (bringing in all of them floods the model: a source short of places prices every shelter).
      const addSource: number[] = [];
      const addShelter: number[] = [];
      let boundTerm = 0;
      const pickS = new Int32Array(perRound);
      const pickR = new Float64Array(perRound);
      for (const i of sources) {
        const u = dual[i]!;
        let picked = 0;
        const row = i * m;
        for (let s = 0; s < m; s++) {
          if (hasArc[row + s]) continue;
          const d = p.metres[row + s]!;
          if (d === Infinity) continue;
          const reduced = d - u - dual[n + s]!;
          if (reduced >= -1e-7 * (1 + Math.abs(d))) continue;
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
        if (picked > 0) boundTerm += p.supply[i]! * pickR[0]!;
      }
      bound = objective + boundTerm;
      rounds.push({ phase: 'boundary', sources: sources.length, columns: colSource.length, objectiveM: objective, lowerBoundM: bound, added: addSource.length, solveMs: roundMs, iterations });
      if (addSource.length === 0) {
        provedOptimal = true;
        break;
      }
      const aStarts = new Int32Array(addSource.length + 1);
      const aIdx = new Int32Array(addSource.length * 2);
      const aCost = new Float64Array(addSource.length);
      for (let j = 0; j < addSource.length; j++) {
        const i = addSource[j]!;
        const s = addShelter[j]!;
        colSource.push(i);
        colShelter.push(s);
        hasArc[i * m + s] = 1;
        aCost[j] = p.metres[i * m + s]!;
        aIdx[2 * j] = i;
        aIdx[2 * j + 1] = n + s;
        aStarts[j + 1] = 2 * (j + 1);
      }
      model.addCols({
        cost: aCost,
        lower: new Float64Array(addSource.length),
        upper: new Float64Array(addSource.length).fill(highs.infinity),
        matrix: { format: 'csc', numRows: n + m, numCols: addSource.length, starts: aStarts, indices: aIdx, values: new Float64Array(aIdx.length).fill(1) },
      });
    }
    const flows: [number, number][][] = Array.from({ length: n }, () => []);
    const unplaced = new Int32Array(n);
    const load = new Int32Array(m);
    let total = 0;
    let placed = 0;
    let unplacedPeople = 0;
    if (status === highs.constants.modelStatus.optimal) {
      const x = model.getSolution().colValue;
      for (let c = 0; c < colSource.length; c++) {
        const v = Math.round(x[c]!);
        if (v <= 0) continue;
        const i = colSource[c]!;
        const s = colShelter[c]!;
        if (s < 0) {
          unplaced[i]! += v;
          unplacedPeople += v;
        } else {
          flows[i]!.push([s, v]);
          load[s]! += v;
          placed += v;
          total += v * p.metres[i * m + s]!;
        }
      }
      for (const f of flows) f.sort((a, b) => a[0] - b[0]);
    }
    const penaltyPart = unplacedPeople * penalty;
    const gap = Number.isFinite(bound) ? Math.max(0, objective - bound) / Math.max(1, Math.abs(objective - penaltyPart)) : Infinity;
    return {
      status: STATUS_NAMES[status] ?? String(status),
      provedOptimal,
      dualBound: bound,
      solvedSources: sources.length,
      fixedSources: 0,
      totalPersonMetres: total,
      relativeGap: provedOptimal ? 0 : gap,
      placedPeople: placed,
      unplacedPeople,
      flows,
      unplaced,
      load,
      rounds,
      solveMs: performance.now() - t0,
      arcsConsidered: colSource.length - sources.length,
      shelterDual,
    };
  } finally {
    model.dispose();
  }
}

/** Above this many sources, those far from any boundary between shelters' areas are fixed first. */
const DIRECT_SOURCES = 2500;
/** Width of the distance bins sources are aggregated in to estimate shelter prices. */
const AGGREGATE_BIN_M = 250;
/** Share of the sources kept free (smallest margins between their best and second-best shelter). */
const FREE_SHARE = 0.15;

/** `p` restricted to `sources`, with `capacity` instead of p's. */
function subProblem(p: AssignmentProblem, sources: readonly number[], capacity: ArrayLike<number>, start?: Int32Array): AssignmentProblem {
  const m = p.capacity.length;
  const metres = new Float32Array(sources.length * m);
  const supply = new Float64Array(sources.length);
  sources.forEach((i, j) => {
    supply[j] = p.supply[i]!;
    for (let s = 0; s < m; s++) metres[j * m + s] = p.metres[i * m + s]!;
  });
  return { ...p, supply, capacity, metres, startShelter: start ? Int32Array.from(sources, (i) => start[i]!) : undefined };
}

/**
 * Minimum-total-distance assignment with no shelter over capacity, solved exactly by HiGHS.
 *
 * A district's problem has tens of thousands of sources but only the sources near a boundary
 * between two shelters' areas are in question. Above DIRECT_SOURCES: shelter prices are estimated
 * by solving an aggregate of the sources (same two nearest shelters, similar distances); every source whose best
 * shelter at those prices beats its second best by a wide margin is fixed to it; HiGHS solves the
 * rest exactly over the capacity left; a fixed source whose shelter is no longer its cheapest at the
 * new prices is freed and the rest solved again. The result is checked, not assumed: the duality
 * certificate over every pair (`provedOptimal`, `relativeGap`) closes only at the optimum.
 */
export async function optimalShelterAssignment(p: AssignmentProblem): Promise<AssignmentResult> {
  const t0 = performance.now();
  const n = p.supply.length;
  const m = p.capacity.length;
  let maxD = 0;
  for (let j = 0; j < p.metres.length; j++) {
    const d = p.metres[j]!;
    if (d !== Infinity && d > maxD) maxD = d;
  }
  const penalty = (m + 1) * (maxD + 1);
  const active: number[] = [];
  for (let i = 0; i < n; i++) if (p.supply[i]! > 0) active.push(i);
  const rounds: AssignmentRound[] = [];
  const flows: [number, number][][] = Array.from({ length: n }, () => []);
  const unplaced = new Int32Array(n);
  let status = 'Optimal';
  let arcs = 0;
  let solved = 0;
  let fixedCount = 0;
  let v: Float64Array;

  if (active.length <= (p.directSources ?? DIRECT_SOURCES) || m < 2) {
    const r = await solveTransportation(p, penalty);
    rounds.push(...r.rounds);
    r.flows.forEach((f, i) => (flows[i] = f));
    unplaced.set(r.unplaced);
    status = r.status;
    arcs = r.arcsConsidered;
    solved = active.length;
    v = r.shelterDual;
  } else {
    // 1. Prices from an aggregate: sources with the same nearest and second-nearest shelter and
    // similar distances form one (supply-weighted mean distances, summed supply), so the LP that
    // sets the prices sees the whole district's demand at a fraction of its size.
    const clusterOf = new Map<string, number>();
    const clusterSupply: number[] = [];
    const clusterSum: number[][] = [];
    for (const i of active) {
      let s1 = -1;
      let s2 = -1;
      for (let s = 0; s < m; s++) {
        const d = p.metres[i * m + s]!;
        if (d === Infinity) continue;
        if (s1 < 0 || d < p.metres[i * m + s1]!) {
          s2 = s1;
          s1 = s;
        } else if (s2 < 0 || d < p.metres[i * m + s2]!) s2 = s;
      }
      const d1 = s1 < 0 ? 0 : p.metres[i * m + s1]!;
      const d2 = s2 < 0 ? d1 : p.metres[i * m + s2]!;
      const key = `${s1},${s2},${Math.min(20, Math.floor((d2 - d1) / AGGREGATE_BIN_M))},${Math.min(20, Math.floor(d1 / (2 * AGGREGATE_BIN_M)))}`;
      let c = clusterOf.get(key);
      if (c === undefined) {
        c = clusterSupply.length;
        clusterOf.set(key, c);
        clusterSupply.push(0);
        clusterSum.push(new Array<number>(m).fill(0));
      }
      const q = p.supply[i]!;
      clusterSupply[c]! += q;
      const sum = clusterSum[c]!;
      for (let s = 0; s < m; s++) sum[s]! += q * p.metres[i * m + s]!;
    }
    const aggMetres = new Float64Array(clusterSupply.length * m);
    clusterSum.forEach((sum, c) => {
      for (let s = 0; s < m; s++) aggMetres[c * m + s] = sum[s]! / clusterSupply[c]!;
    });
    const pricing = await solveTransportation({ ...p, supply: clusterSupply, metres: aggMetres, startShelter: undefined }, penalty);
    rounds.push(...pricing.rounds.map((r) => ({ ...r, phase: 'prices' as const })));
    v = pricing.shelterDual;

    // 2. Margins at those prices; the widest are fixed to their best shelter.
    const best = new Int32Array(n).fill(-1);
    const margin = new Float64Array(n).fill(-Infinity);
    for (const i of active) {
      let b1 = Infinity;
      let b2 = Infinity;
      let s1 = -1;
      for (let s = 0; s < m; s++) {
        const d = p.metres[i * m + s]!;
        if (d === Infinity) continue;
        const r = d - v[s]!;
        if (r < b1) {
          b2 = b1;
          b1 = r;
          s1 = s;
        } else if (r < b2) b2 = r;
      }
      if (s1 < 0 || b1 >= penalty) continue;
      best[i] = s1;
      margin[i] = b2 - b1;
    }
    const sortedMargins = active.map((i) => margin[i]!).sort((a, b) => a - b);
    const threshold = sortedMargins[Math.floor(sortedMargins.length * FREE_SHARE)]!;
    const fixed = new Uint8Array(n);
    for (const i of active) if (best[i]! >= 0 && margin[i]! > threshold) fixed[i] = 1;

    // 3. Solve the free sources over the capacity the fixed ones leave; free violators; repeat.
    // Each solve starts from the last one's answer (newly freed sources from their fixed shelter).
    const start = Int32Array.from(best);
    for (let pass = 0; ; pass++) {
      const fixedLoad = new Float64Array(m);
      for (const i of active) if (fixed[i]) fixedLoad[best[i]!]! += p.supply[i]!;
      // A shelter the fixed sources alone overfill frees its narrowest-margin sources.
      for (let s = 0; s < m; s++) {
        if (fixedLoad[s]! <= p.capacity[s]!) continue;
        const mine = active.filter((i) => fixed[i] && best[i] === s).sort((a, b) => margin[a]! - margin[b]! || a - b);
        for (const i of mine) {
          if (fixedLoad[s]! <= p.capacity[s]!) break;
          fixed[i] = 0;
          fixedLoad[s]! -= p.supply[i]!;
        }
      }
      const free = active.filter((i) => !fixed[i]);
      const r = await solveTransportation(subProblem(p, free, Float64Array.from({ length: m }, (_, s) => Math.max(0, p.capacity[s]! - fixedLoad[s]!)), start), penalty);
      free.forEach((i, j) => {
        const f = r.flows[j]!;
        if (f.length > 0) start[i] = f.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
      });
      rounds.push(...r.rounds);
      status = r.status;
      arcs = r.arcsConsidered + (active.length - free.length);
      solved = free.length;
      v = r.shelterDual;
      if (status !== 'Optimal') break;
      // A fixed source must still be at its cheapest shelter at the new prices.
      let freed = 0;
      for (const i of active) {
        if (!fixed[i]) continue;
        const own = p.metres[i * m + best[i]!]! - v[best[i]!]!;
        let cheapest = penalty;
        for (let s = 0; s < m; s++) {
          const d = p.metres[i * m + s]!;
          if (d !== Infinity) cheapest = Math.min(cheapest, d - v[s]!);
        }
        if (own > cheapest + 1e-3) {
          fixed[i] = 0;
          freed++;
        }
      }
      if (freed === 0 || pass >= 8) {
        for (let j = 0; j < free.length; j++) {
          flows[free[j]!] = r.flows[j]!;
          unplaced[free[j]!] = r.unplaced[j]!;
        }
        for (const i of active) if (fixed[i]) flows[i] = [[best[i]!, p.supply[i]!]];
        fixedCount = active.length - free.length;
        break;
      }
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
    for (let s = 0; s < m; s++) {
      const d = p.metres[i * m + s]!;
      if (d !== Infinity) u = Math.min(u, d - v[s]!);
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
