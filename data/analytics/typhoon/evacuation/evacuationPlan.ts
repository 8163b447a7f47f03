/**
 * The evacuation plan's core: who must move (rules.ts), where they go (shelterAssignment.ts) and
 * the households no shelter can take, with the reason. Pure over its inputs; `roadDistances`
 * turns a RoadGraph into the building × shelter distances (one search per shelter over the
 * network's junctions, not per building: 200 searches instead of 100 000; roadTable.ts).
 */
import type { RoadGraph } from '../../RoadGraph.ts';
import { selectAtRiskHouseholds, type AtRiskSelection, type EvacuationRule, type RiskBuilding, type RiskConditions, type RiskHousehold } from './rules.ts';
import { shelterDistanceTable } from './roadTable.ts';
import { nearestShelterAssignment, optimalShelterAssignment, type AssignmentResult, type AssignmentRound, type NearestShelterResult } from './shelterAssignment.ts';
import { planNote, type PlanNote } from '../../../model/typhoon/notes.ts';

export interface PlanBuilding extends RiskBuilding {
  lon: number;
  lat: number;
  gridId: number | null;
}

export interface PlanShelter {
  id: number;
  name: string;
  lon: number;
  lat: number;
  /** Places for people. */
  capacity: number;
  /** null when the data do not say (the facilities table has no accessibility field). */
  wheelchairAccessible: boolean | null;
}

export type UnplacedReason = 'capacity_short' | 'unreachable_by_road';

export interface PlannedHousehold {
  householdId: number;
  buildingId: number;
  floor: number;
  size: number;
  ruleIds: string[];
  /** Shelter id, or null when unplaced. */
  shelterId: number | null;
  roadDistanceM: number | null;
  unplacedReason: UnplacedReason | null;
}

export interface ShelterLoad {
  shelterId: number;
  name: string;
  capacity: number;
  planned: number;
  nearestShelterLoad: number;
  wheelchairAccessible: boolean | null;
}

export interface EvacuationPlan {
  selection: AtRiskSelection;
  households: PlannedHousehold[];
  shelters: ShelterLoad[];
  /** Sentences for the plan's header: what was solved, what the data lack. */
  notes: PlanNote[];
  solver: {
    status: string;
    provedOptimal: boolean;
    relativeGap: number;
    rounds: AssignmentRound[];
    arcs: number;
    /** Sources (buildings, or buildings sharing a road node) HiGHS solved over, and those fixed at their cheapest shelter. */
    solvedSources: number;
    fixedSources: number;
    solveMs: number;
    /** Person-metres of the solver's flow (before households are kept whole). */
    objectivePersonMetres: number;
  };
  /** Where the time went, in ms: rules, road distances, solver, keeping households whole. */
  timings: { selectMs: number; distancesMs: number; solveMs: number; placeMs: number };
  totals: {
    households: number;
    people: number;
    placedPeople: number;
    unplacedPeople: number;
    unplacedHouseholds: number;
    /** Person-metres of the plan as households are placed (whole households). */
    planPersonMetres: number;
    /** Households moved off the solver's split to keep them whole (usually 0). */
    householdsRepacked: number;
  };
  nearestShelter: { personMetres: number; overflowedShelters: number; excessPeople: number; unreachablePeople: number };
}

/**
 * Road distances from points (buildings) to shelters. Points that snap to the same road node share
 * a row: their distances to every shelter differ only by their own walk to the road, a constant
 * that cannot change which shelter is best, so they can be one source of the transportation
 * problem (fewer rows for the solver, same optimum). metres[row * shelters + s] is the road
 * distance from the row's node to shelter s including the shelter's walk (Infinity when no road
 * joins them); a point's distance is walkM[point] + that.
 */
export interface RoadDistances {
  rowOfPoint: Int32Array;
  walkM: Float64Array;
  rows: number;
  metres: Float32Array;
}

export function roadDistances(
  roads: RoadGraph,
  points: readonly { lon: number; lat: number }[],
  shelters: readonly { lon: number; lat: number }[],
): RoadDistances {
  const n = points.length;
  const m = shelters.length;
  const rowOfPoint = new Int32Array(n);
  const walkM = new Float64Array(n);
  if (roads.nodeCount === 0) {
    for (let i = 0; i < n; i++) rowOfPoint[i] = i;
    return { rowOfPoint, walkM, rows: n, metres: new Float32Array(n * m).fill(Infinity) };
  }
  const rowOfNode = new Map<number, number>();
  const nodeOfRow: number[] = [];
  points.forEach((pt, i) => {
    const r = roads.nearestNode(pt.lon, pt.lat);
    let row = rowOfNode.get(r.node);
    if (row === undefined) {
      row = nodeOfRow.length;
      rowOfNode.set(r.node, row);
      nodeOfRow.push(r.node);
    }
    rowOfPoint[i] = row;
    walkM[i] = r.distanceM;
  });
  const rows = nodeOfRow.length;
  const shelterNode = new Int32Array(m);
  const shelterWalk = new Float64Array(m);
  shelters.forEach((sh, s) => {
    const at = roads.nearestNode(sh.lon, sh.lat);
    shelterNode[s] = at.node;
    shelterWalk[s] = at.distanceM;
  });
  const metres = shelterDistanceTable(roads, nodeOfRow, shelterNode, shelterWalk);
  return { rowOfPoint, walkM, rows, metres };
}

export interface PlanInput {
  rules: readonly EvacuationRule[];
  conditions: RiskConditions;
  buildings: readonly PlanBuilding[];
  households: readonly RiskHousehold[];
  shelters: readonly PlanShelter[];
  /** Roads to measure distance on; or a precomputed table (building-major over `buildings`). */
  roads: RoadGraph | { metres: Float32Array };
  nearestK?: number;
}

/**
 * Builds the plan. People fill shelter places (supply = at-risk people per building); households
 * stay whole: in each building the largest household goes first to the nearest of the building's
 * shelters with room left in the solver's split; a household that fits no split goes to the nearest
 * shelter with room, or is listed as unplaced.
 */
export async function planEvacuation(input: PlanInput): Promise<EvacuationPlan> {
  const t0 = performance.now();
  const selection = selectAtRiskHouseholds(input.rules, input.buildings, input.households, input.conditions);
  const notes: PlanNote[] = [...selection.dataGaps];
  const shelters = input.shelters.filter((s) => s.capacity > 0);
  const skipped = input.shelters.length - shelters.length;
  if (skipped > 0) notes.push(planNote(`${skipped} 个避难场所没有登记容量，不接收人员`, `${skipped} shelter(s) have no capacity recorded and take no one`));
  if (shelters.length > 0 && shelters.every((s) => s.wheelchairAccessible === null))
    notes.push(planNote('无障碍：设施数据没有记录轮椅通行，避难场所未按此核对', 'wheelchair access: the facilities data do not record it, so shelters are not checked for it'));

  // At-risk buildings, in order of first appearance; then sources = their rows of the distance table.
  const buildingIndex = new Map<number, number>();
  input.buildings.forEach((b, i) => buildingIndex.set(b.id, i));
  const riskBuildingOf = new Map<number, number>();
  const riskBuildings: PlanBuilding[] = [];
  const missing = new Set<number>();
  for (const h of selection.households) {
    if (riskBuildingOf.has(h.buildingId)) continue;
    const bi = buildingIndex.get(h.buildingId);
    if (bi === undefined) {
      missing.add(h.buildingId);
      continue;
    }
    riskBuildingOf.set(h.buildingId, riskBuildings.length);
    riskBuildings.push(input.buildings[bi]!);
  }
  if (missing.size > 0)
    notes.push(planNote(`${missing.size} 栋需转移住户所在楼栋不在楼栋清单中，其住户未安置`, `${missing.size} building(s) of at-risk households are not in the building list; their households are unplaced`));
  const m = shelters.length;
  const t1 = performance.now();
  let table: RoadDistances;
  if ('metres' in input.roads) {
    // A precomputed table over input.buildings: one source per building, no walk.
    const rows = riskBuildings.length;
    const metres = new Float32Array(rows * m);
    for (let i = 0; i < rows; i++) {
      const bi = buildingIndex.get(riskBuildings[i]!.id)!;
      metres.set(input.roads.metres.subarray(bi * m, bi * m + m), i * m);
    }
    table = { rowOfPoint: Int32Array.from(riskBuildings, (_, i) => i), walkM: new Float64Array(rows), rows, metres };
  } else {
    if (input.roads.nodeCount === 0) notes.push(planNote('孪生中没有路网：无法经道路到达任何避难场所', 'no road network in the twin: no shelter can be reached by road'));
    table = roadDistances(input.roads, riskBuildings, shelters);
  }
  const { metres, walkM, rowOfPoint } = table;
  const supply = new Float64Array(table.rows);
  /** Walk to the road per source row, person-metres (added to the nearest-shelter total where it places people). */
  const walkOfRow = new Float64Array(table.rows);
  const householdsOfSource: number[][] = Array.from({ length: table.rows }, () => []);
  selection.households.forEach((h, j) => {
    const b = riskBuildingOf.get(h.buildingId);
    if (b === undefined) return;
    supply[rowOfPoint[b]!]! += h.size;
    walkOfRow[rowOfPoint[b]!]! += h.size * walkM[b]!;
    householdsOfSource[rowOfPoint[b]!]!.push(j);
  });
  const walkOf = (j: number): number => walkM[riskBuildingOf.get(selection.households[j]!.buildingId)!]!;
  const t2 = performance.now();
  const problem = { supply, capacity: shelters.map((s) => s.capacity), metres, nearestK: input.nearestK };
  const result: AssignmentResult = await optimalShelterAssignment(problem);
  const nearest: NearestShelterResult = nearestShelterAssignment(problem);

  const t3 = performance.now();
  // Keep households whole.
  const remainingCap = Int32Array.from(shelters, (s) => s.capacity);
  const planned: PlannedHousehold[] = selection.households.map((h) => ({
    householdId: h.householdId,
    buildingId: h.buildingId,
    floor: h.floor,
    size: h.size,
    ruleIds: h.ruleIds,
    shelterId: null,
    roadDistanceM: null,
    unplacedReason: null,
  }));
  const misfits: number[] = [];
  let repacked = 0;
  for (let i = 0; i < table.rows; i++) {
    const quota = new Map<number, number>(result.flows[i]!.map(([s, q]) => [s, q]));
    const byDistance = [...quota.keys()].sort((a, b) => metres[i * m + a]! - metres[i * m + b]! || a - b);
    const hs = householdsOfSource[i]!.slice().sort((a, b) => selection.households[b]!.size - selection.households[a]!.size || a - b);
    for (const j of hs) {
      const size = selection.households[j]!.size;
      const s = byDistance.find((x) => quota.get(x)! >= size && remainingCap[x]! >= size);
      if (s === undefined) {
        misfits.push(j);
        continue;
      }
      quota.set(s, quota.get(s)! - size);
      remainingCap[s]! -= size;
      planned[j]!.shelterId = shelters[s]!.id;
      planned[j]!.roadDistanceM = walkOf(j) + metres[i * m + s]!;
    }
  }
  for (const j of misfits) {
    const h = selection.households[j]!;
    const b = riskBuildingOf.get(h.buildingId);
    if (b === undefined) {
      planned[j]!.unplacedReason = 'unreachable_by_road';
      continue;
    }
    const i = rowOfPoint[b]!;
    let best = -1;
    let reachable = false;
    for (let s = 0; s < m; s++) {
      const d = metres[i * m + s]!;
      if (d === Infinity) continue;
      reachable = true;
      if (remainingCap[s]! >= h.size && (best < 0 || d < metres[i * m + best]!)) best = s;
    }
    if (best < 0) {
      planned[j]!.unplacedReason = reachable ? 'capacity_short' : 'unreachable_by_road';
      continue;
    }
    // Placed, but not where the solver's split put its people (a household cannot be split).
    if (result.unplaced[i]! < h.size) repacked++;
    remainingCap[best]! -= h.size;
    planned[j]!.shelterId = shelters[best]!.id;
    planned[j]!.roadDistanceM = walkOf(j) + metres[i * m + best]!;
  }
  let placedPeople = 0;
  let unplacedPeople = 0;
  let unplacedHouseholds = 0;
  let planPersonMetres = 0;
  const plannedLoad = new Map<number, number>();
  for (const h of planned) {
    if (h.shelterId === null) {
      unplacedPeople += h.size;
      unplacedHouseholds++;
    } else {
      placedPeople += h.size;
      planPersonMetres += h.size * h.roadDistanceM!;
      plannedLoad.set(h.shelterId, (plannedLoad.get(h.shelterId) ?? 0) + h.size);
    }
  }
  if (unplacedHouseholds > 0) {
    const short = planned.filter((h) => h.unplacedReason === 'capacity_short').length;
    const noRoad = unplacedHouseholds - short;
    const need = selection.households.reduce((acc, h) => acc + h.size, 0);
    const open = shelters.reduce((acc, sh) => acc + sh.capacity, 0);
    notes.push(
      planNote(
        `${unplacedHouseholds} 户未安置：${short} 户因避难场所床位不足（需 ${need} 个，开放 ${open} 个），${noRoad} 户无道路可达任何避难场所`,
        `${unplacedHouseholds} household(s) unplaced: ${short} because shelter places run short (need ${need} places, ${open} open), ${noRoad} with no road to any shelter`,
      ),
    );
  }
  // The walks to the road of the people the solver placed (its objective leaves the constant out).
  const placedWalk = (unplacedPerRow: Int32Array): number => {
    let w = 0;
    for (const h of planned) {
      const b = riskBuildingOf.get(h.buildingId);
      if (b !== undefined && unplacedPerRow[rowOfPoint[b]!] === 0) w += h.size * walkM[b]!;
    }
    return w;
  };
  const t4 = performance.now();
  return {
    selection,
    households: planned,
    shelters: shelters.map((s, k) => ({
      shelterId: s.id,
      name: s.name,
      capacity: s.capacity,
      planned: plannedLoad.get(s.id) ?? 0,
      nearestShelterLoad: nearest.load[k]!,
      wheelchairAccessible: s.wheelchairAccessible,
    })),
    notes,
    solver: {
      status: result.status,
      provedOptimal: result.provedOptimal,
      relativeGap: result.relativeGap,
      rounds: result.rounds,
      arcs: result.arcsConsidered,
      solvedSources: result.solvedSources,
      fixedSources: result.fixedSources,
      solveMs: result.solveMs,
      objectivePersonMetres: result.totalPersonMetres + placedWalk(result.unplaced),
    },
    totals: {
      households: planned.length,
      people: placedPeople + unplacedPeople,
      placedPeople,
      unplacedPeople,
      unplacedHouseholds,
      planPersonMetres,
      householdsRepacked: repacked,
    },
    timings: { selectMs: t1 - t0, distancesMs: t2 - t1, solveMs: t3 - t2, placeMs: t4 - t3 },
    nearestShelter: {
      personMetres: nearest.totalPersonMetres + walkOfRow.reduce((a, w, r) => a + (nearest.nearest[r]! >= 0 ? w : 0), 0),
      overflowedShelters: nearest.overflowed.length,
      excessPeople: nearest.excessPeople,
      unreachablePeople: nearest.unreachablePeople,
    },
  };
}
