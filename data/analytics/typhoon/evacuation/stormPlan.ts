/**
 * The evacuation plan for a storm over the twin (issue 11 §5): the rules over the district as the
 * storm and the rain leave it (the force-10 circle from the wind model, homes flooded at ground
 * floor or basement when a rain scenario is given, buildings the command marked), shelters
 * assigned exactly (evacuationPlan.ts), door-knock routes, vehicle trips, pump trucks and boats
 * pre-positioned where the water comes, and the evacuation clock of each grid.
 *
 * Deterministic: the same twin, storm and options give the same plan, to the metre (the plan's
 * `nowUtcMs` is an option, never the wall clock). Households are carried by id, building, floor,
 * size and care needs only: nothing here names anyone.
 */
import type { DuckDbStore } from '../../../store/DuckDbStore.ts';
import { RoadGraph, type RoadLine } from '../../RoadGraph.ts';
import { loadRoadLines, type StoredRoadLine } from '../../roadNetwork.ts';
import { localProjection } from '../../../model/geo.ts';
import { HOUR_MS, windTimeline } from '../windField.ts';
import { readWindTrack } from '../windTrack.ts';
import { designRainStartUtcMs } from '../scenario.ts';
import { readStormTrack } from '../../../store/typhoon/readTracks.ts';
import { runFloodScenario, typhoonRainProfile, type FloodResult, type RoadPiece } from '../flood.ts';
import { evacuationClock, type EvacuationClock } from '../evacuationClock.ts';
import { DEFAULT_EVACUATION_RULES, type EvacuationRule, type RiskConditions } from './rules.ts';
import { planEvacuation, type EvacuationPlan, type UnplacedReason } from './evacuationPlan.ts';
import { loadEvacuationInputs } from './evacuationInputs.ts';
import { joinDanglingEnds } from './roadJoins.ts';
import {
  LocalRoads,
  needsVehicle,
  planDoorKnocks,
  prePositionResources,
  vehicleTrips,
  type DoorKnockPlan,
  type FloodSpot,
  type KnockHousehold,
  type MobileResource,
  type PrePosition,
  type VehicleTrip,
} from './doorKnock.ts';
import { modelNote, NO_TERRAIN_NOTE, planNote, shelterExclusionNote, type PlanNote } from '../../../model/typhoon/notes.ts';

export interface StormPlanOptions {
  /** The plan's moment in the storm's clock (UTC ms): the evacuation clock says late or not against it. */
  nowUtcMs: number;
  /** A rain scenario: total mm over `rainHours` (a typhoon design storm). Null: no flooding in the plan. */
  rainTotalMm: number | null;
  rainHours: number;
  markedBuildingIds: number[];
  dangerousBuildingIds: number[];
  rules: EvacuationRule[];
  walkMinutesPerHousehold: number;
  vehicleMinutesPerHousehold: number;
  householdsPerTrip: number;
  mobilisationMinutes: number;
  /**
   * People knocking on doors with each grid worker (the worker, building leaders 楼组长, property
   * staff, volunteers): the clock divides a grid's door-knocking among them.
   */
  knockersPerWorker: number;
}

export const DEFAULT_STORM_PLAN_OPTIONS: Omit<StormPlanOptions, 'nowUtcMs'> = {
  rainTotalMm: null,
  rainHours: 24,
  markedBuildingIds: [],
  dangerousBuildingIds: [],
  rules: DEFAULT_EVACUATION_RULES.map((r) => ({ ...r })),
  // A door-knock with persuading and seeing the household off: 20 min; carrying someone to a van: 40.
  walkMinutesPerHousehold: 20,
  vehicleMinutesPerHousehold: 40,
  householdsPerTrip: 1,
  mobilisationMinutes: 30,
  knockersPerWorker: 3,
};

/** One household of the plan (columns of the stored plan; no personal data). */
export interface StormPlanHousehold {
  householdId: number;
  buildingId: number;
  gridId: number | null;
  communityId: number | null;
  floor: number;
  size: number;
  careFlags: number;
  ruleIds: string[];
  shelterId: number | null;
  roadDistanceM: number | null;
  unplacedReason: UnplacedReason | null;
  needsVehicle: boolean;
  /** The grid worker whose list holds it, and its place in that list. */
  workerId: number | null;
  order: number | null;
}

export interface StormPlanGrid {
  gridId: number;
  name: string;
  communityId: number | null;
  households: number;
  people: number;
  vulnerable: number;
  vehicleHouseholds: number;
  unplaced: number;
  workers: number;
  arrival7UtcMs: number | null;
  arrival10UtcMs: number | null;
  clock: EvacuationClock;
}

export interface StormPlanCommunity {
  communityId: number;
  name: string;
  households: number;
  people: number;
  vulnerable: number;
  unplaced: number;
}

export interface StormPlanShelter {
  shelterId: number;
  name: string;
  lon: number;
  lat: number;
  capacity: number;
  planned: number;
  nearestShelterLoad: number;
  wheelchairAccessible: boolean | null;
}

export interface StormPlanFlood {
  label: string;
  totalMm: number;
  hours: number;
  buildingsFlooded: number;
  householdsFlooded: number;
  roadsClosedOnFoot: number;
  roadsClosedToCars: number;
  spots: FloodSpot[];
}

export interface StormPlanWorker {
  id: number;
  resourceId: number | null;
  callsign: string;
  gridId: number;
}

export interface StormEvacuationPlan {
  stormId: string;
  options: StormPlanOptions;
  wind: { arrival7UtcMs: number | null; arrival10UtcMs: number | null; buildingsInForce10: number };
  flood: StormPlanFlood | null;
  byRule: EvacuationPlan['selection']['byRule'];
  totals: EvacuationPlan['totals'] & { vehicleHouseholds: number; vehicleTrips: number; lateGrids: number; vulnerable: number };
  comparison: {
    optimalPersonMetres: number;
    nearestPersonMetres: number;
    overflowedShelters: number;
    excessPeople: number;
    unreachablePeople: number;
    solverStatus: string;
    provedOptimal: boolean;
    relativeGap: number;
  };
  grids: StormPlanGrid[];
  communities: StormPlanCommunity[];
  shelters: StormPlanShelter[];
  households: StormPlanHousehold[];
  routes: DoorKnockPlan['routes'];
  workers: StormPlanWorker[];
  vehicleTrips: VehicleTrip[];
  prePositions: PrePosition[];
  notes: PlanNote[];
  /** Where the time went, ms (not part of the plan's numbers: they differ from run to run). */
  timingsMs: Record<'inputs' | 'wind' | 'flood' | 'roads' | 'assignment' | 'routes' | 'prePositions', number>;
}

/** Options with the defaults filled in; a bad figure is a RangeError naming it and what to give. */
export function normaliseStormPlanOptions(given: Partial<StormPlanOptions> & { nowUtcMs: number }): StormPlanOptions {
  const o = { ...DEFAULT_STORM_PLAN_OPTIONS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) } as StormPlanOptions;
  const check = (name: keyof StormPlanOptions, v: number, min: number, max: number): void => {
    if (!(Number.isFinite(v) && v >= min && v <= max)) throw new RangeError(`${name} is ${v}: give a number from ${min} to ${max}`);
  };
  check('nowUtcMs', o.nowUtcMs, 0, 8.64e15);
  if (o.rainTotalMm !== null) check('rainTotalMm', o.rainTotalMm, 0, 2000);
  check('rainHours', o.rainHours, 1, 336);
  check('walkMinutesPerHousehold', o.walkMinutesPerHousehold, 1, 600);
  check('vehicleMinutesPerHousehold', o.vehicleMinutesPerHousehold, 1, 600);
  check('householdsPerTrip', o.householdsPerTrip, 1, 20);
  check('mobilisationMinutes', o.mobilisationMinutes, 0, 1440);
  check('knockersPerWorker', o.knockersPerWorker, 1, 50);
  return {
    ...o,
    rainHours: Math.round(o.rainHours),
    markedBuildingIds: [...new Set(o.markedBuildingIds)].sort((a, b) => a - b),
    dangerousBuildingIds: [...new Set(o.dangerousBuildingIds)].sort((a, b) => a - b),
  };
}


/**
 * The road network without the stretches under water too deep to walk (flood.ts WALK_LIMIT_M):
 * the bits of a road within 20 m of a closed piece's line are left out.
 */
function passableLines(lines: StoredRoadLine[], closed: readonly RoadPiece[]): RoadLine[] {
  if (closed.length === 0) return lines;
  const byFeature = new Map<number, RoadPiece[]>();
  for (const p of closed) byFeature.set(p.featureId, [...(byFeature.get(p.featureId) ?? []), p]);
  const out: RoadLine[] = [];
  for (const line of lines) {
    const pieces = byFeature.get(line.featureId);
    if (!pieces) {
      out.push(line);
      continue;
    }
    const proj = localProjection(line.coords[0]![0]!, line.coords[0]![1]!);
    const chords = pieces.map((p) => [...proj.toMetres(p.ends[0], p.ends[1]), ...proj.toMetres(p.ends[2], p.ends[3])] as [number, number, number, number]);
    const nearClosed = (x: number, y: number): boolean => chords.some(([ax, ay, bx, by]) => pointSegmentM(x, y, ax, ay, bx, by) < 20);
    let run: number[][] = [];
    const flush = (): void => {
      if (run.length >= 2) out.push({ ...line, coords: run });
      run = [];
    };
    for (let i = 0; i + 1 < line.coords.length; i++) {
      const [a, b] = [line.coords[i]! as [number, number], line.coords[i + 1]! as [number, number]];
      const [ax, ay] = proj.toMetres(a[0], a[1]);
      const [bx, by] = proj.toMetres(b[0], b[1]);
      const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / 25));
      for (let k = 0; k < steps; k++) {
        const t0 = k / steps;
        const t1 = (k + 1) / steps;
        const mx = ax + (bx - ax) * ((t0 + t1) / 2);
        const my = ay + (by - ay) * ((t0 + t1) / 2);
        if (nearClosed(mx, my)) {
          flush();
          continue;
        }
        const p0 = [a[0] + (b[0] - a[0]) * t0, a[1] + (b[1] - a[1]) * t0];
        const p1 = [a[0] + (b[0] - a[0]) * t1, a[1] + (b[1] - a[1]) * t1];
        if (run.length === 0) run.push(p0);
        run.push(p1);
      }
    }
    flush();
  }
  return out;
}

function pointSegmentM(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Flooded homes grouped in 150 m cells, and the roads closed to cars, as places to send pumps and boats. */
function floodSpots(flood: FloodResult, buildingPos: ReadonlyMap<number, { lon: number; lat: number }>): FloodSpot[] {
  const spots: FloodSpot[] = [];
  const cells = new Map<string, { lon: number; lat: number; n: number; households: number; depthM: number; fromHour: number | null; buildings: number[] }>();
  const origin = buildingPos.values().next().value ?? { lon: 0, lat: 0 };
  const proj = localProjection(origin.lon, origin.lat);
  for (const b of flood.floodedBuildings) {
    const households = (b.groundFloorFromHour !== null ? b.groundFloorHouseholds : 0) + (b.basementFromHour !== null ? b.basementHouseholds : 0);
    if (households === 0) continue;
    const pos = buildingPos.get(b.buildingId);
    if (!pos) continue;
    const [x, y] = proj.toMetres(pos.lon, pos.lat);
    const key = `${Math.floor(x / 150)},${Math.floor(y / 150)}`;
    const c = cells.get(key) ?? { lon: 0, lat: 0, n: 0, households: 0, depthM: 0, fromHour: null, buildings: [] };
    c.lon += pos.lon;
    c.lat += pos.lat;
    c.n++;
    c.households += households;
    c.depthM = Math.max(c.depthM, b.maxDepthM);
    const from = Math.min(b.groundFloorFromHour ?? Infinity, b.basementFromHour ?? Infinity);
    if (Number.isFinite(from)) c.fromHour = c.fromHour === null ? from : Math.min(c.fromHour, from);
    c.buildings.push(b.buildingId);
    cells.set(key, c);
  }
  for (const [key, c] of [...cells].sort(([a], [b]) => a.localeCompare(b))) {
    spots.push({
      id: `homes:${key}`,
      kind: 'homes',
      lon: c.lon / c.n,
      lat: c.lat / c.n,
      depthM: Math.round(c.depthM * 100) / 100,
      households: c.households,
      fromHour: c.fromHour,
      label: `${c.n} 栋楼 ${c.households} 户进水`,
    });
  }
  for (const r of flood.floodedRoads) {
    if (r.closedToCarsFromHour === null) continue;
    spots.push({
      id: `road:${r.road.id}`,
      kind: r.underpass ? 'underpass' : 'road',
      lon: r.deepestAt[0],
      lat: r.deepestAt[1],
      depthM: Math.round(r.maxDepthM * 100) / 100,
      households: 0,
      fromHour: r.closedToCarsFromHour,
      label: r.underpass ?? r.road.name ?? r.road.id,
    });
  }
  return spots;
}

/** Builds the plan for `stormId`; null when the twin has no such storm. */
export async function planStormEvacuation(store: DuckDbStore, stormId: string, options: StormPlanOptions): Promise<StormEvacuationPlan | null> {
  const track = await readWindTrack(store, stormId);
  if (track === null) return null;
  const notes: PlanNote[] = [];
  const timingsMs: StormEvacuationPlan['timingsMs'] = { inputs: 0, wind: 0, flood: 0, roads: 0, assignment: 0, routes: 0, prePositions: 0 };
  let mark = performance.now();
  const lap = (phase: keyof StormEvacuationPlan['timingsMs']): void => {
    const now = performance.now();
    timingsMs[phase] += Math.round(now - mark);
    mark = now;
  };
  const inputs = await loadEvacuationInputs(store);
  for (const s of inputs.excludedShelters) notes.push(shelterExclusionNote(s.name, s.why));
  const buildings = inputs.buildings;

  // Grids, communities, workers.
  const areaRows = await store.all<{ id: number; parent_id: number | null; level: string; name: string }>(
    "SELECT id, parent_id, level, name FROM areas WHERE level IN ('grid', 'community') ORDER BY id",
  );
  const gridRows = areaRows.filter((a) => a.level === 'grid');
  const communityName = new Map(areaRows.filter((a) => a.level === 'community').map((a) => [a.id, a.name]));
  const communityOfGrid = new Map(gridRows.map((g) => [g.id, g.parent_id]));
  const gridIndex = new Map(gridRows.map((g, i) => [g.id, i]));
  const communityOfBuilding = new Map(
    (await store.all<{ id: number; c: number | null }>('SELECT id, community_id AS c FROM buildings ORDER BY id')).map((r) => [r.id, r.c]),
  );
  const workerRows = await store.all<{ id: number; grid_id: number; callsign: string; lon: number | null; lat: number | null; resource_id: number | null }>(
    `SELECT w.id, w.grid_id, w.callsign, w.lon, w.lat, min(r.id) AS resource_id
       FROM grid_workers w LEFT JOIN resources r ON r.kind = 'grid_worker' AND r.callsign = w.callsign
      GROUP BY ALL ORDER BY w.id`,
  );
  const buildingById = new Map(buildings.map((b) => [b.id, b]));

  // Wind: when force 7 and 10 reach each building and grid.
  let arrival7: Float64Array = new Float64Array(buildings.length).fill(NaN);
  let arrival10: Float64Array = new Float64Array(buildings.length).fill(NaN);
  let grid7: Float64Array = new Float64Array(gridRows.length).fill(NaN);
  let grid10: Float64Array = new Float64Array(gridRows.length).fill(NaN);
  /** When the wind over the district is strongest (the rain's anchor when the storm makes no landfall). */
  let peakUtcMs: number | null = null;
  if (track.length >= 2) {
    const start = Math.ceil(track[0]!.timeUtcMs / HOUR_MS) * HOUR_MS;
    const hours = Math.max(1, Math.floor((track[track.length - 1]!.timeUtcMs - start) / HOUR_MS) + 1);
    const t = windTimeline({
      track,
      lon: Float64Array.from(buildings, (b) => b.lon),
      lat: Float64Array.from(buildings, (b) => b.lat),
      startUtcMs: start,
      hours,
      gridOfPoint: Int32Array.from(buildings, (b) => (b.gridId === null ? -1 : (gridIndex.get(b.gridId) ?? -1))),
      gridCount: gridRows.length,
    });
    arrival7 = t.arrival7UtcMs;
    arrival10 = t.arrival10UtcMs;
    grid7 = t.grids!.arrival7UtcMs;
    grid10 = t.grids!.arrival10UtcMs;
    let peak = -1;
    t.peakSpeedMs.forEach((v, i) => {
      if (v > peak && Number.isFinite(t.peakUtcMs[i]!)) {
        peak = v;
        peakUtcMs = t.peakUtcMs[i]!;
      }
    });
    notes.push(...t.notes.map(modelNote));
  } else
    notes.push(
      planNote(`台风 ${stormId} 的位置少于两个：没有风场，因此没有楼栋在 10 级风圈内`, `the storm ${stormId} has fewer than two positions: no wind field, so no building is inside the force-10 circle`),
    );
  lap('inputs');
  const force10 = new Map<number, number>();
  buildings.forEach((b, i) => {
    if (Number.isFinite(arrival10[i]!)) force10.set(b.id, arrival10[i]!);
  });
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
  const minOf = (a: Float64Array): number | null => finite(a.reduce((m, v) => (v < m ? v : m), Infinity));

  lap('wind');
  // Flood: homes with water at ground floor or basement, roads too deep to walk.
  let flood: FloodResult | null = null;
  let floodSummary: StormPlanFlood | null = null;
  const floodedFloors = new Map<number, number[]>();
  let closedOnFoot: RoadPiece[] = [];
  if (options.rainTotalMm !== null && options.rainTotalMm > 0) {
    const label = `${options.rainTotalMm} mm / ${options.rainHours} h`;
    // As the flood map and the what-if place a design storm: its peak hour on the landfall, else on the strongest wind.
    const anchor = (await readStormTrack(store, stormId))?.landfalls[0]?.timeUtcMs ?? peakUtcMs;
    const result = await runFloodScenario(store, {
      label,
      hourlyMm: typhoonRainProfile(options.rainTotalMm, options.rainHours),
      ...(anchor !== null ? { startUtcMs: designRainStartUtcMs(anchor, options.rainHours) } : {}),
    });
    if ('noTerrain' in result) notes.push(NO_TERRAIN_NOTE);
    else {
      flood = result;
      for (const b of result.floodedBuildings) {
        const floors: number[] = [];
        if (b.basementFromHour !== null) floors.push(0);
        if (b.groundFloorFromHour !== null) floors.push(1);
        if (floors.length > 0) floodedFloors.set(b.buildingId, floors);
      }
      closedOnFoot = result.floodedRoads.filter((r) => r.closedOnFootFromHour !== null).map((r) => r.road);
      if (closedOnFoot.length > 0)
        notes.push(planNote(`${closedOnFoot.length} 段积水超过 0.5 米的道路不计入步行去避难场所的路线`, `${closedOnFoot.length} road stretch(es) deeper than 0.5 m are left out of the walking routes to shelters`));
      const peak = result.perHour.reduce((a, h) => (h.householdsFlooded > a.householdsFlooded ? h : a), result.perHour[0]!);
      floodSummary = {
        label,
        totalMm: options.rainTotalMm,
        hours: options.rainHours,
        buildingsFlooded: result.floodedBuildings.length,
        householdsFlooded: peak?.householdsFlooded ?? 0,
        roadsClosedOnFoot: closedOnFoot.length,
        roadsClosedToCars: result.floodedRoads.filter((r) => r.closedToCarsFromHour !== null).length,
        spots: [],
      };
    }
  }

  lap('flood');
  // The network people walk: lanes joined to the street they stop short of, flooded stretches left out.
  const passable = passableLines(await loadRoadLines(store), closedOnFoot);
  const joinedLines = joinDanglingEnds(passable.map((l) => l.coords));
  if (joinedLines.joined > 0)
    notes.push(planNote(`${joinedLines.joined} 处未接上道路的巷道端点按步行接到最近道路（80 米内）`, `${joinedLines.joined} lane end(s) that stop short of a road are joined to it on foot (within 80 m)`));
  // The lines keep their bridge/tunnel levels; the joins (past the lines) are footpaths at ground level.
  const roads = RoadGraph.fromLines([...passable, ...joinedLines.lines.slice(passable.length)]);
  lap('roads');
  const known = new Set(buildings.map((b) => b.id));
  const unknownMarked = [...options.markedBuildingIds, ...options.dangerousBuildingIds].filter((id) => !known.has(id));
  if (unknownMarked.length > 0)
    notes.push(planNote(`标记的楼栋 ${unknownMarked.slice(0, 10).join('、')} 不在孪生中`, `building(s) ${unknownMarked.slice(0, 10).join(', ')} marked in the options are not in the twin`));
  const conditions: RiskConditions = {
    floodedFloors,
    force10,
    dangerousBuildings: new Set(options.dangerousBuildingIds),
    markedBuildings: new Set(options.markedBuildingIds),
  };
  const plan = await planEvacuation({ rules: options.rules, conditions, buildings, households: inputs.households, shelters: inputs.shelters, roads });
  notes.push(...plan.notes);
  lap('assignment');

  // Households of the plan, with care needs.
  const careOf = new Map<number, { careFlags: number; bedridden: boolean | null }>();
  const atRisk = new Set(plan.households.map((h) => h.householdId));
  for (const h of inputs.households) if (atRisk.has(h.id)) careOf.set(h.id, { careFlags: h.careFlags, bedridden: h.bedridden });
  const knock: KnockHousehold[] = plan.households.map((h) => ({
    householdId: h.householdId,
    buildingId: h.buildingId,
    floor: h.floor,
    size: h.size,
    needsVehicle: needsVehicle(careOf.get(h.householdId)?.careFlags ?? 0, careOf.get(h.householdId)?.bedridden ?? null),
    shelterId: h.shelterId,
    roadDistanceM: h.roadDistanceM,
  }));
  const workers = workerRows
    .filter((w) => w.lon !== null && w.lat !== null)
    .map((w) => ({ id: w.id, resourceId: w.resource_id, callsign: w.callsign, gridId: w.grid_id, lon: w.lon!, lat: w.lat! }));
  const knocks = planDoorKnocks(new LocalRoads(joinedLines.lines), workers, buildings, knock);
  if (knocks.unassigned.length > 0)
    notes.push(
      planNote(`${knocks.unassigned.length} 户不在任何网格员的入户清单中（所在楼栋没有网格，或网格没有网格员）`, `${knocks.unassigned.length} household(s) are in no grid worker's list (their building has no grid, or the grid no worker)`),
    );
  const placeOf = new Map<number, { workerId: number; order: number }>();
  for (const r of knocks.routes) for (const s of r.stops) placeOf.set(s.householdId, { workerId: r.workerId, order: s.order });
  const gridOf = (buildingId: number): number | null => buildingById.get(buildingId)?.gridId ?? null;
  const trips = vehicleTrips(knock, gridOf, options.householdsPerTrip);
  lap('routes');

  // Pumps and boats where the water comes.
  let prePositions: PrePosition[] = [];
  if (flood && floodSummary) {
    const spots = floodSpots(flood, new Map(buildings.map((b) => [b.id, b])));
    floodSummary.spots = spots;
    const mobile = await store.all<{ id: number; kind: 'pump_truck' | 'rescue_boat'; callsign: string; lon: number; lat: number; department_id: number | null }>(
      "SELECT id, kind, callsign, lon, lat, department_id FROM resources WHERE kind IN ('pump_truck', 'rescue_boat') AND status <> 'offline' ORDER BY id",
    );
    prePositions = prePositionResources(
      roads,
      spots,
      mobile.map((r): MobileResource => ({ id: r.id, kind: r.kind, callsign: r.callsign, lon: r.lon, lat: r.lat, departmentId: r.department_id })),
    );
  }

  lap('prePositions');
  const households: StormPlanHousehold[] = plan.households.map((h, i) => {
    const b = buildingById.get(h.buildingId);
    const place = placeOf.get(h.householdId);
    return {
      householdId: h.householdId,
      buildingId: h.buildingId,
      gridId: b?.gridId ?? null,
      communityId: communityOfBuilding.get(h.buildingId) ?? null,
      floor: h.floor,
      size: h.size,
      careFlags: careOf.get(h.householdId)?.careFlags ?? 0,
      ruleIds: h.ruleIds,
      shelterId: h.shelterId,
      roadDistanceM: h.roadDistanceM === null ? null : Math.round(h.roadDistanceM),
      unplacedReason: h.unplacedReason,
      needsVehicle: knock[i]!.needsVehicle,
      workerId: place?.workerId ?? null,
      order: place?.order ?? null,
    };
  });

  // Per grid and community.
  const vulnerableMask = 1 | 2; // CareFlag.ElderlyAlone | CareFlag.Disabled
  const workersOfGrid = new Map<number, number>();
  for (const w of workers) workersOfGrid.set(w.gridId, (workersOfGrid.get(w.gridId) ?? 0) + 1);
  const gridAgg = new Map<number, { households: number; people: number; vulnerable: number; vehicle: number; unplaced: number }>();
  const communityAgg = new Map<number, { households: number; people: number; vulnerable: number; unplaced: number }>();
  for (const h of households) {
    const vulnerable = (h.careFlags & vulnerableMask) !== 0 ? 1 : 0;
    if (h.gridId !== null) {
      const g = gridAgg.get(h.gridId) ?? { households: 0, people: 0, vulnerable: 0, vehicle: 0, unplaced: 0 };
      g.households++;
      g.people += h.size;
      g.vulnerable += vulnerable;
      g.vehicle += h.needsVehicle ? 1 : 0;
      g.unplaced += h.shelterId === null ? 1 : 0;
      gridAgg.set(h.gridId, g);
    }
    if (h.communityId !== null) {
      const c = communityAgg.get(h.communityId) ?? { households: 0, people: 0, vulnerable: 0, unplaced: 0 };
      c.households++;
      c.people += h.size;
      c.vulnerable += vulnerable;
      c.unplaced += h.shelterId === null ? 1 : 0;
      communityAgg.set(h.communityId, c);
    }
  }
  const grids: StormPlanGrid[] = gridRows.map((g, i) => {
    const a = gridAgg.get(g.id) ?? { households: 0, people: 0, vulnerable: 0, vehicle: 0, unplaced: 0 };
    const gale = finite(grid7[i]!);
    return {
      gridId: g.id,
      name: g.name,
      communityId: communityOfGrid.get(g.id) ?? null,
      households: a.households,
      people: a.people,
      vulnerable: a.vulnerable,
      vehicleHouseholds: a.vehicle,
      unplaced: a.unplaced,
      workers: workersOfGrid.get(g.id) ?? 0,
      arrival7UtcMs: gale,
      arrival10UtcMs: finite(grid10[i]!),
      clock: evacuationClock(gridClockPlan(options, a.households, a.vehicle, workersOfGrid.get(g.id) ?? 0), gale, options.nowUtcMs),
    };
  });
  const communities: StormPlanCommunity[] = [...communityAgg]
    .sort(([a], [b]) => a - b)
    .map(([id, c]) => ({ communityId: id, name: communityName.get(id) ?? `#${id}`, ...c }));
  const shelterPos = new Map(inputs.shelters.map((s) => [s.id, s]));
  return {
    stormId,
    options,
    wind: { arrival7UtcMs: minOf(arrival7), arrival10UtcMs: minOf(arrival10), buildingsInForce10: force10.size },
    flood: floodSummary,
    byRule: plan.selection.byRule,
    totals: {
      ...plan.totals,
      vehicleHouseholds: households.filter((h) => h.needsVehicle).length,
      vehicleTrips: trips.length,
      lateGrids: grids.filter((g) => g.clock.late).length,
      vulnerable: households.filter((h) => (h.careFlags & vulnerableMask) !== 0).length,
    },
    comparison: {
      optimalPersonMetres: Math.round(plan.totals.planPersonMetres),
      nearestPersonMetres: Math.round(plan.nearestShelter.personMetres),
      overflowedShelters: plan.nearestShelter.overflowedShelters,
      excessPeople: plan.nearestShelter.excessPeople,
      unreachablePeople: plan.nearestShelter.unreachablePeople,
      solverStatus: plan.solver.status,
      provedOptimal: plan.solver.provedOptimal,
      relativeGap: plan.solver.relativeGap,
    },
    grids,
    communities,
    shelters: plan.shelters.map((s) => ({ ...s, lon: shelterPos.get(s.shelterId)?.lon ?? 0, lat: shelterPos.get(s.shelterId)?.lat ?? 0 })),
    households,
    routes: knocks.routes,
    workers: workers.map((w) => ({ id: w.id, resourceId: w.resourceId, callsign: w.callsign, gridId: w.gridId })),
    vehicleTrips: trips,
    prePositions,
    notes,
    timingsMs,
  };
}

/** The clock's figures for a grid with `households` still to move. */
export function gridClockPlan(options: StormPlanOptions, households: number, vehicleHouseholds: number, workers: number) {
  return {
    householdsToMove: households,
    vehicleHouseholds: Math.min(vehicleHouseholds, households),
    gridWorkers: workers * options.knockersPerWorker,
    walkMinutesPerHousehold: options.walkMinutesPerHousehold,
    vehicleMinutesPerHousehold: options.vehicleMinutesPerHousehold,
    mobilisationMinutes: options.mobilisationMinutes,
  };
}
