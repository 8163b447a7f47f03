/**
 * Scenarios for the typhoon plan (issue 11 §4–5): a rain scenario placed on the storm's clock, and
 * the what-if — one storm under two assumptions (150 mm or 300 mm of rain; the track as forecast or
 * shifted N km north or south) — with what changes for the plan: households the evacuation rules
 * select, the shelter load of the plan that places them, the roads the water cuts.
 *
 * Pure over what it is given (the district read once, a flood run, the storm's track), so the same
 * scenario gives the same numbers every time.
 */
import type { TrackPoint } from '../../model/typhoon/types.ts';
import type { DuckDbStore } from '../../store/DuckDbStore.ts';
import { RoadGraph, type RoadLine } from '../RoadGraph.ts';
import { loadRoadLines, type StoredRoadLine } from '../roadNetwork.ts';
import {
  DEFAULT_EVACUATION_RULES,
  loadEvacuationInputs,
  planEvacuation,
  type EvacuationInputs,
  type EvacuationRule,
} from './evacuation/index.ts';
import { joinDanglingEnds } from './evacuation/roadJoins.ts';
import { DEFAULT_PUMP_REACH_M, prepareFlood, readFloodInputs, type FloodResult, type PreparedFlood } from './flood.ts';
import { HOUR_MS, windTimeline } from './windField.ts';
import type { ScenarioOutcome } from '../../model/typhoon/whatIf.ts';
import { NO_TERRAIN_NOTE, planNote, type PlanNote } from '../../model/typhoon/notes.ts';

/** Hours without rain after a scenario's rain: the drainage takes the water down again, and the map shows it. */
export const RECESSION_HOURS = 12;
/** km per degree of latitude (mean Earth radius 6371.0 km). */
export const KM_PER_DEG_LAT = (6371.0 * Math.PI) / 180;
/** A track may be shifted this far at most, km. */
export const MAX_TRACK_SHIFT_KM = 500;

/**
 * The track moved `northKm` km north (negative: south), every point by the same distance, times
 * unchanged: "the same storm, 30 km further south". Wind radii and intensities stay as forecast.
 */
export function shiftTrack(points: readonly TrackPoint[], northKm: number): TrackPoint[] {
  if (!Number.isFinite(northKm) || Math.abs(northKm) > MAX_TRACK_SHIFT_KM)
    throw new RangeError(`A track shift must be a number of km from −${MAX_TRACK_SHIFT_KM} (south) to ${MAX_TRACK_SHIFT_KM} (north), got ${northKm}.`);
  if (northKm === 0) return points.slice();
  const dLat = northKm / KM_PER_DEG_LAT;
  return points.map((p) => ({ ...p, lat: Math.max(-89.9, Math.min(89.9, p.lat + dLat)) }));
}

/**
 * When a design storm's rain starts on the storm's clock: its peak hour (the middle of the rain,
 * typhoonRainProfile's default) falls on the hour of the storm's anchor (landfall, else the
 * strongest wind over the district).
 */
export function designRainStartUtcMs(anchorUtcMs: number, rainHours: number): number {
  return Math.floor(anchorUtcMs / HOUR_MS) * HOUR_MS - Math.floor(rainHours / 2) * HOUR_MS;
}

/** The rain's hours followed by RECESSION_HOURS dry ones. */
export const withRecession = (hourlyMm: readonly number[]): number[] => [...hourlyMm, ...new Array<number>(RECESSION_HOURS).fill(0)];

/** What the what-if reads from the twin once: the flood model's terrain (or why there is none) and the plan's inputs. */
export interface WhatIfDistrict {
  flood: PreparedFlood | null;
  noTerrain: string | null;
  evacuation: EvacuationInputs;
  /** The road lines by base-map feature; the footpaths that join lanes stopping short of the street to it; the graph over all. */
  roadLines: StoredRoadLine[];
  connectors: number[][][];
  roads: RoadGraph;
}

export async function readWhatIfDistrict(store: DuckDbStore): Promise<WhatIfDistrict> {
  const read = await readFloodInputs(store);
  const evacuation = await loadEvacuationInputs(store);
  const roadLines = await loadRoadLines(store);
  // Lanes that stop short of the street are joined to it on foot, as the evacuation plan does. The
  // joins are made once over every road: made again after a flood cut, they could bridge the cut.
  const connectors = joinDanglingEnds(roadLines.map((l) => l.coords)).lines.slice(roadLines.length);
  const roads = RoadGraph.fromLines([...roadLines, ...connectors]);
  if ('noTerrain' in read) return { flood: null, noTerrain: read.noTerrain, evacuation, roadLines, connectors, roads };
  return { flood: prepareFlood(read, DEFAULT_PUMP_REACH_M), noTerrain: null, evacuation, roadLines, connectors, roads };
}

/** One side of a what-if. */
export interface WhatIfRun {
  label: string;
  /** The flood under this scenario's rain; null without terrain. */
  flood: FloodResult | null;
  rainMm: number;
  trackShiftKm: number;
  /** The storm's track as forecast (it is shifted here). */
  track: readonly TrackPoint[];
  /** The hours the wind is modelled over (the storm's whole track). */
  windStartUtcMs: number;
  windHours: number;
  rules?: readonly EvacuationRule[];
}


/**
 * Roads for the plan under a flood: every road line, less the stretches closed on foot at any hour
 * (a household moves before or during the worst, so a road cut at its worst is no route).
 */
export function passableRoads(district: WhatIfDistrict, flood: FloodResult | null): RoadGraph {
  if (!district.flood || !flood) return district.roads;
  const closed = new Set<string>();
  for (const r of flood.floodedRoads) if (r.closedOnFootFromHour !== null) closed.add(r.road.id);
  if (closed.size === 0) return district.roads;
  const piecesOf = new Map<number, typeof flood.roads>();
  for (const p of flood.roads) {
    const list = piecesOf.get(p.featureId);
    if (list) list.push(p);
    else piecesOf.set(p.featureId, [p]);
  }
  const lines: RoadLine[] = [];
  const cut = new Set<number>();
  for (const [featureId, pieces] of piecesOf) if (pieces.some((p) => closed.has(p.id))) cut.add(featureId);
  const flagsOf = new Map(district.roadLines.map((r) => [r.featureId, r]));
  for (const road of district.roadLines) if (!cut.has(road.featureId)) lines.push(road);
  for (const featureId of cut) {
    const { level, oneway, motor } = flagsOf.get(featureId) ?? {};
    for (const p of piecesOf.get(featureId)!) if (!closed.has(p.id)) lines.push({ coords: [[p.ends[0], p.ends[1]], [p.ends[2], p.ends[3]]], level, oneway, motor });
  }
  return RoadGraph.fromLines([...lines, ...district.connectors]);
}

/** Households at risk, the plan's shelter load and the roads cut under one scenario. */
export async function whatIfOutcome(district: WhatIfDistrict, run: WhatIfRun): Promise<ScenarioOutcome> {
  const ev = district.evacuation;
  const notes: PlanNote[] = [];
  if (district.noTerrain) notes.push(NO_TERRAIN_NOTE);
  const track = shiftTrack(run.track, run.trackShiftKm);
  const lon = Float64Array.from(ev.buildings, (b) => b.lon);
  const lat = Float64Array.from(ev.buildings, (b) => b.lat);
  const wind = windTimeline({ track, lon, lat, startUtcMs: run.windStartUtcMs, hours: Math.max(1, run.windHours) });
  const force10 = new Map<number, number>();
  let peakForce = 0;
  let arrival10 = Infinity;
  let inForce10 = 0;
  ev.buildings.forEach((b, i) => {
    const t = wind.arrival10UtcMs[i]!;
    force10.set(b.id, t);
    if (Number.isFinite(t)) {
      inForce10++;
      if (t < arrival10) arrival10 = t;
    }
    if (wind.peakForce[i]! > peakForce) peakForce = wind.peakForce[i]!;
  });
  const floodedFloors = new Map<number, number[]>();
  let flood: ScenarioOutcome['flood'] = null;
  if (run.flood) {
    const f = run.flood;
    let ground = 0;
    let basement = 0;
    for (const b of f.floodedBuildings) {
      const floors: number[] = [];
      if (b.basementFromHour !== null) floors.push(0);
      if (b.groundFloorFromHour !== null) floors.push(1);
      if (floors.length > 0) floodedFloors.set(b.buildingId, floors);
      ground += b.groundFloorHouseholds;
      basement += b.basementHouseholds;
    }
    const cars = f.floodedRoads.filter((r) => r.closedToCarsFromHour !== null);
    const foot = f.floodedRoads.filter((r) => r.closedOnFootFromHour !== null);
    flood = {
      buildings: floodedFloors.size,
      groundFloorHouseholds: ground,
      basementHouseholds: basement,
      roadsClosedToCars: cars.length,
      roadsClosedOnFoot: foot.length,
      closedToCarsM: Math.round(cars.reduce((s, r) => s + r.road.lengthM, 0)),
      closedOnFootM: Math.round(foot.reduce((s, r) => s + r.road.lengthM, 0)),
    };
  }
  const plan = await planEvacuation({
    rules: run.rules ?? DEFAULT_EVACUATION_RULES,
    conditions: { floodedFloors, force10, dangerousBuildings: new Set(), markedBuildings: new Set() },
    buildings: ev.buildings,
    households: ev.households,
    shelters: ev.shelters,
    roads: passableRoads(district, run.flood),
  });
  notes.push(...plan.notes);
  if (run.flood && flood && flood.roadsClosedOnFoot > 0)
    notes.push(
      planNote(`路线避开任一时刻积水阻断步行的 ${flood.roadsClosedOnFoot} 段道路`, `routes avoid the ${flood.roadsClosedOnFoot} road stretch(es) the water closes on foot at any hour`),
    );
  return {
    label: run.label,
    rainMm: Math.round(run.rainMm * 10) / 10,
    trackShiftKm: run.trackShiftKm,
    households: plan.totals.households,
    people: plan.totals.people,
    byRule: plan.selection.byRule,
    flood,
    wind: { peakForce, arrival10UtcMs: Number.isFinite(arrival10) ? arrival10 : null, buildingsInForce10: inForce10 },
    shelters: {
      open: plan.shelters.length,
      places: plan.shelters.reduce((s, x) => s + x.capacity, 0),
      placedPeople: plan.totals.placedPeople,
      unplacedPeople: plan.totals.unplacedPeople,
      unplacedHouseholds: plan.totals.unplacedHouseholds,
      nearestOverflowed: plan.nearestShelter.overflowedShelters,
      loads: plan.shelters.map((s) => ({ shelterId: s.shelterId, name: s.name, capacity: s.capacity, planned: s.planned })),
    },
    notes,
  };
}
