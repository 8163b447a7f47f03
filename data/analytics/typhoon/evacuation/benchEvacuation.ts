/**
 * Benchmark of the evacuation plan: a district of `buildings` buildings (~10 households each, so
 * 100 000 buildings ≈ 1 M households) to 200 shelters, the whole district inside the force-10
 * circle, the low quarter's ground floors flooded. Target ≤ 5 s for the plan (rules, road
 * distances, the exact solve, households kept whole), against nearest-shelter in the same run.
 *
 * The instance is synthetic — seeding 100 000 buildings through the demo generator takes minutes
 * and the benchmark needs no twin file — but shaped like the demo district: ~10 × 10 km, buildings
 * in neighbourhood clusters over a thinner background, old walk-ups (1980s–90s) a little over half
 * of them with the seed's shares of elderly living alone, disabled and minors; a road grid every
 * 200 m measured with the real RoadGraph; shelters (schools, parks) spread evenly, with 1.15 × the
 * at-risk people's places in total, so the places exist but not where nearest-shelter sends people.
 */
import type { BenchRow as EvacuationBenchRow } from '../../benchRow.ts';
import { BUILDING_USES, CareFlag } from '../../../model/domain.ts';
import { RoadGraph } from '../../RoadGraph.ts';
import { DEFAULT_EVACUATION_RULES, selectAtRiskHouseholds, type RiskConditions, type RiskHousehold } from './rules.ts';
import { planEvacuation, type PlanBuilding, type PlanShelter } from './evacuationPlan.ts';

/** Same shape as the CLI bench table's rows (electron/cli/benchLive.ts BenchRow). */
export type { BenchRow as EvacuationBenchRow } from '../../benchRow.ts';

const ORIGIN_LON = 121.42;
const ORIGIN_LAT = 28.38;
const SIDE_KM = 10;
const SHELTERS = 200;
const TARGET_MS = 5000;
const WALKUP = BUILDING_USES.indexOf('residential_walkup');
const HIGHRISE = BUILDING_USES.indexOf('residential_highrise');

export interface SyntheticEvacuationInstance {
  buildings: PlanBuilding[];
  households: RiskHousehold[];
  shelters: PlanShelter[];
  roads: RoadGraph;
  conditions: RiskConditions;
}

/** A deterministic district shaped like the demo one (see the file comment). */
export function syntheticEvacuationInstance(buildingCount: number): SyntheticEvacuationInstance {
  let seed = 0x1909_0810;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 0x1_0000_0000;
  };
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const kmLon = 111.195 * Math.cos((ORIGIN_LAT * Math.PI) / 180);
  const toLonLat = (x: number, y: number): [number, number] => [ORIGIN_LON + x / kmLon, ORIGIN_LAT + y / 111.195];
  const clamp = (v: number): number => Math.max(-SIDE_KM / 2, Math.min(SIDE_KM / 2, v));

  const clusters = Array.from({ length: 40 }, () => ({ x: (rnd() - 0.5) * SIDE_KM * 0.9, y: (rnd() - 0.5) * SIDE_KM * 0.9, r: 0.3 + rnd() * 0.6 }));
  const buildings: PlanBuilding[] = [];
  const households: RiskHousehold[] = [];
  const flooded = new Map<number, number[]>();
  let householdId = 0;
  for (let id = 1; id <= buildingCount; id++) {
    let x: number;
    let y: number;
    if (rnd() < 0.7) {
      const c = clusters[Math.floor(rnd() * clusters.length)]!;
      x = clamp(c.x + gauss() * c.r);
      y = clamp(c.y + gauss() * c.r);
    } else {
      x = (rnd() - 0.5) * SIDE_KM;
      y = (rnd() - 0.5) * SIDE_KM;
    }
    const [lon, lat] = toLonLat(x, y);
    const walkup = rnd() < 0.55;
    const useCode = walkup ? WALKUP : HIGHRISE;
    const yearBuilt = walkup ? (rnd() < 0.85 ? 1980 + Math.floor(rnd() * 20) : 2000 + Math.floor(rnd() * 10)) : 1995 + Math.floor(rnd() * 28);
    buildings.push({ id, useCode, yearBuilt, lon, lat, gridId: Math.min(9, Math.floor(x + 5)) + 10 * Math.min(9, Math.floor(y + 5)) });
    // The low quarter along the river (a band in the south-west) floods its ground floors.
    if (y < -2.5 && x < 0 && rnd() < 0.6) flooded.set(id, [0, 1]);
    const count = walkup ? 6 + Math.floor(rnd() * 8) : 8 + Math.floor(rnd() * 8);
    for (let k = 0; k < count; k++) {
      const floor = 1 + Math.floor(k / 2);
      const u = rnd();
      const elderlyAlone = u < (walkup ? 0.15 : 0.05);
      const size = elderlyAlone ? 1 : 1 + Math.floor(rnd() * 4);
      let careFlags = elderlyAlone ? CareFlag.ElderlyAlone | CareFlag.Elderly : 0;
      if (rnd() < 0.04) careFlags |= CareFlag.Disabled;
      const minorsAlone = !elderlyAlone && rnd() < 0.002;
      if (minorsAlone) careFlags |= CareFlag.Minor;
      households.push({ id: ++householdId, buildingId: id, floor, size, careFlags, minorsAlone, bedridden: null });
    }
  }
  const marked = new Set<number>();
  for (let id = 1; id <= buildingCount; id += 997) marked.add(id);
  const conditions: RiskConditions = {
    floodedFloors: flooded,
    force10: new Map(buildings.map((b) => [b.id, true])),
    dangerousBuildings: new Set(),
    markedBuildings: marked,
  };

  // Roads: a grid every 200 m (lines cross without shared vertices; RoadGraph nodes them).
  const lines: number[][][] = [];
  for (let k = 0; k <= SIDE_KM * 5; k++) {
    const v = -SIDE_KM / 2 + k * 0.2;
    lines.push([toLonLat(-SIDE_KM / 2, v), toLonLat(SIDE_KM / 2, v)]);
    lines.push([toLonLat(v, -SIDE_KM / 2), toLonLat(v, SIDE_KM / 2)]);
  }
  const roads = RoadGraph.fromLines(lines);

  // Shelters spread evenly; places = 1.15 × the at-risk people, in proportion to random sizes.
  const selection = selectAtRiskHouseholds(DEFAULT_EVACUATION_RULES, buildings, households, conditions);
  const atRiskPeople = selection.households.reduce((a, h) => a + h.size, 0);
  const weights = Array.from({ length: SHELTERS }, () => 0.3 + rnd());
  const weightSum = weights.reduce((a, w) => a + w, 0);
  const shelters: PlanShelter[] = weights.map((w, s) => {
    const [lon, lat] = toLonLat((rnd() - 0.5) * SIDE_KM, (rnd() - 0.5) * SIDE_KM);
    return { id: 100_000 + s, name: `避难场所 ${s + 1}`, lon, lat, capacity: Math.max(50, Math.round((1.15 * atRiskPeople * w) / weightSum)), wheelchairAccessible: null };
  });
  return { buildings, households, shelters, roads, conditions };
}

const fmtKm = (personMetres: number, people: number): string => `${(personMetres / 1000).toLocaleString('en-US', { maximumFractionDigits: 0 })} person-km (${(personMetres / Math.max(1, people)).toFixed(0)} m/person)`;

/** Runs the benchmark for `buildings` buildings (the bench uses 100 000) and returns its rows. */
export async function benchEvacuation(buildings: number): Promise<EvacuationBenchRow[]> {
  const n = Math.max(10, Math.floor(buildings));
  const instance = syntheticEvacuationInstance(n);
  // Warm-up: loads the WASM solver and compiles the hot paths on a small district.
  const warm = syntheticEvacuationInstance(500);
  await planEvacuation({ rules: DEFAULT_EVACUATION_RULES, ...warm });

  const t0 = performance.now();
  const plan = await planEvacuation({ rules: DEFAULT_EVACUATION_RULES, ...instance });
  const ms = performance.now() - t0;

  const overCapacity = plan.shelters.filter((s) => s.planned > s.capacity).length;
  const people = plan.totals.people;
  return [
    {
      name: `evacuation plan: ${n.toLocaleString('en-US')} bldg, ${instance.households.length.toLocaleString('en-US')} hh → ${instance.shelters.length} shelters (synthetic district)`,
      value: `${ms.toFixed(0)} ms`,
      baseline: `rules ${plan.timings.selectMs.toFixed(0)} · roads ${plan.timings.distancesMs.toFixed(0)} · HiGHS ${plan.timings.solveMs.toFixed(0)} · households ${plan.timings.placeMs.toFixed(0)} ms`,
      target: `≤ ${TARGET_MS} ms`,
      pass: ms <= TARGET_MS,
    },
    {
      name: '  at risk (rules) → placed',
      value: `${plan.totals.households.toLocaleString('en-US')} hh, ${people.toLocaleString('en-US')} people`,
      baseline: `${plan.totals.placedPeople.toLocaleString('en-US')} placed, ${plan.totals.unplacedHouseholds} hh unplaced, ${plan.totals.householdsRepacked} hh repacked`,
      ratio: plan.selection.byRule.map((r) => `${r.ruleId} ${r.households.toLocaleString('en-US')}`).join(', '),
    },
    {
      name: '  HiGHS (nearest by road + column generation; boundary sources)',
      value: `${plan.solver.status}${plan.solver.provedOptimal ? ', proved' : ', NOT proved'}, gap ${plan.solver.relativeGap.toExponential(1)}`,
      baseline: `${plan.solver.solvedSources.toLocaleString('en-US')} sources solved, ${plan.solver.fixedSources.toLocaleString('en-US')} fixed; ${plan.solver.rounds.length} LP solves, ${plan.solver.arcs.toLocaleString('en-US')} arcs`,
      target: 'Optimal, 0 over capacity',
      pass: plan.solver.status === 'Optimal' && plan.solver.provedOptimal && overCapacity === 0,
    },
    {
      name: '  optimal vs nearest-shelter (total road distance)',
      value: fmtKm(plan.totals.planPersonMetres, plan.totals.placedPeople),
      baseline: `nearest ${fmtKm(plan.nearestShelter.personMetres, people)}: ${plan.nearestShelter.overflowedShelters} shelters overflow by ${plan.nearestShelter.excessPeople.toLocaleString('en-US')} people`,
      ratio: `${overCapacity} over capacity`,
    },
  ];
}
