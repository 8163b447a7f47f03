/**
 * The evacuation plan's core: who must move (rules.ts), where they go (shelterAssignment.ts) and
 * the households no shelter can take, with the reason. Pure over its inputs; `roadDistanceTable`
 * turns a RoadGraph into the building × shelter distances (one Dijkstra per shelter, not per
 * building: 200 searches instead of 100 000).
 */
import type { RoadGraph } from '../../RoadGraph.ts';
import { selectAtRiskHouseholds, type AtRiskSelection, type EvacuationRule, type RiskBuilding, type RiskConditions, type RiskHousehold } from './rules.ts';
import { nearestShelterAssignment, optimalShelterAssignment, type AssignmentResult, type NearestShelterResult } from './shelterAssignment.ts';

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
  notes: string[];
  solver: {
    status: string;
    provedOptimal: boolean;
    relativeGap: number;
    rounds: number;
    arcs: number;
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
 * Road distance in metres from each building to each shelter, building-major (Infinity when no
 * road joins them), including the straight walk from each point to its nearest road node.
 */
export function roadDistanceTable(
  roads: RoadGraph,
  buildings: readonly { lon: number; lat: number }[],
  shelters: readonly { lon: number; lat: number }[],
): Float32Array {
  const n = buildings.length;
  const m = shelters.length;
  const out = new Float32Array(n * m).fill(Infinity);
  if (roads.nodeCount === 0) return out;
  const bNode = new Int32Array(n);
  const bWalk = new Float64Array(n);
  buildings.forEach((b, i) => {
    const r = roads.nearestNode(b.lon, b.lat);
    bNode[i] = r.node;
    bWalk[i] = r.distanceM;
  });
  shelters.forEach((sh, s) => {
    const from = roads.nearestNode(sh.lon, sh.lat);
    const dist = roads.distancesFrom(from.node);
    for (let i = 0; i < n; i++) {
      const d = dist[bNode[i]!]!;
      if (d !== Infinity) out[i * m + s] = d + bWalk[i]! + from.distanceM;
    }
  });
  return out;
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
  const notes: string[] = [...selection.dataGaps];
  const shelters = input.shelters.filter((s) => s.capacity > 0);
  const skipped = input.shelters.length - shelters.length;
  if (skipped > 0) notes.push(`${skipped} shelter(s) have no capacity recorded and take no one`);
  if (shelters.length > 0 && shelters.every((s) => s.wheelchairAccessible === null))
    notes.push('wheelchair access: the facilities data do not record it, so shelters are not checked for it (无障碍信息缺失)');

  // Sources: buildings with at-risk households, in building order.
  const buildingIndex = new Map<number, number>();
  input.buildings.forEach((b, i) => buildingIndex.set(b.id, i));
  const sourceOfBuilding = new Map<number, number>();
  const sourceBuildings: PlanBuilding[] = [];
  const supply: number[] = [];
  const missing = new Set<number>();
  for (const h of selection.households) {
    let s = sourceOfBuilding.get(h.buildingId);
    if (s === undefined) {
      const bi = buildingIndex.get(h.buildingId);
      if (bi === undefined) {
        missing.add(h.buildingId);
        continue;
      }
      s = sourceBuildings.length;
      sourceOfBuilding.set(h.buildingId, s);
      sourceBuildings.push(input.buildings[bi]!);
      supply.push(0);
    }
    supply[s]! += h.size;
  }
  if (missing.size > 0) notes.push(`${missing.size} building(s) of at-risk households are not in the building list; their households are unplaced`);
  const m = shelters.length;
  const t1 = performance.now();
  let metres: Float32Array;
  if ('metres' in input.roads) {
    metres = new Float32Array(sourceBuildings.length * m);
    for (let i = 0; i < sourceBuildings.length; i++) {
      const bi = buildingIndex.get(sourceBuildings[i]!.id)!;
      metres.set(input.roads.metres.subarray(bi * m, bi * m + m), i * m);
    }
  } else {
    if (input.roads.nodeCount === 0) notes.push('no road network in the twin: no shelter can be reached by road');
    metres = roadDistanceTable(input.roads, sourceBuildings, shelters);
  }
  const t2 = performance.now();
  const problem = { supply, capacity: shelters.map((s) => s.capacity), metres, nearestK: input.nearestK };
  const result: AssignmentResult = await optimalShelterAssignment(problem);
  const nearest: NearestShelterResult = nearestShelterAssignment(problem);

  const t3 = performance.now();
  // Keep households whole.
  const remainingCap = Int32Array.from(shelters, (s) => s.capacity);
  const householdsOfSource: number[][] = Array.from({ length: sourceBuildings.length }, () => []);
  selection.households.forEach((h, j) => {
    const s = sourceOfBuilding.get(h.buildingId);
    if (s !== undefined) householdsOfSource[s]!.push(j);
  });
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
  for (let i = 0; i < sourceBuildings.length; i++) {
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
      planned[j]!.roadDistanceM = metres[i * m + s]!;
    }
  }
  for (const j of misfits) {
    const h = selection.households[j]!;
    const i = sourceOfBuilding.get(h.buildingId);
    if (i === undefined) {
      planned[j]!.unplacedReason = 'unreachable_by_road';
      continue;
    }
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
    planned[j]!.roadDistanceM = metres[i * m + best]!;
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
    notes.push(
      `${unplacedHouseholds} household(s) unplaced: ${short} because shelter places run short (need ${selection.households.reduce((a, h) => a + h.size, 0)} places, ${shelters.reduce((a, s) => a + s.capacity, 0)} open), ${noRoad} with no road to any shelter`,
    );
  }
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
      rounds: result.rounds.length,
      arcs: result.arcsConsidered,
      solveMs: result.solveMs,
      objectivePersonMetres: result.totalPersonMetres,
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
      personMetres: nearest.totalPersonMetres,
      overflowedShelters: nearest.overflowed.length,
      excessPeople: nearest.excessPeople,
      unreachablePeople: nearest.unreachablePeople,
    },
  };
}
