/**
 * Waterlogging and what-if in the typhoon contract section (issue 11 §4, §5 "What-if"): a rain
 * scenario's flood over the district, step by step, for the map (a compact depth raster) and the
 * plan (flooded roads and buildings, each with its reason), and two scenarios side by side.
 *
 * Aggregates only: counts of households per building (a wall sees none for a building with fewer
 * than 3 households), never a household.
 */
import { z } from 'zod';

import type { RuleLabel, ScenarioOutcome } from '../../../data/model/typhoon/whatIf.ts';

export type { RuleLabel };
/** One side of a what-if, in counts (one shape with the analytics that compute it). */
export type ScenarioOutcomeView = ScenarioOutcome;

/** How much rain: a design storm (total over hours, peaking at the storm's landfall), or the rain gauges' last hours. */
export type RainChoice =
  | { source: 'design'; totalMm: number; hours: number; sewerMmPerHour?: number; runoffCoefficient?: number }
  | { source: 'gauges'; hours: number; sewerMmPerHour?: number; runoffCoefficient?: number };

const drainage = {
  /** Sewer capacity, mm/h (default 36: a 1-year design storm). */
  sewerMmPerHour: z.number().finite().min(0).max(300).optional(),
  runoffCoefficient: z.number().finite().min(0).max(1).optional(),
};
export const rainChoice = z.discriminatedUnion('source', [
  z.object({ source: z.literal('design'), totalMm: z.number().finite().min(0).max(2000), hours: z.number().int().min(1).max(96), ...drainage }).strict(),
  z.object({ source: z.literal('gauges'), hours: z.number().int().min(1).max(96), ...drainage }).strict(),
]);

/** One side of a what-if: the rain, and the track moved north (+) or south (−) by km. */
export interface WhatIfScenario {
  label?: string;
  rain: RainChoice;
  trackShiftKm: number;
}
export const whatIfScenario = z.object({ label: z.string().max(40).optional(), rain: rainChoice, trackShiftKm: z.number().finite().min(-500).max(500) }).strict();

/** Why a place is under water, in figures a planner can check (data/analytics/typhoon/flood.ts FloodReason). */
export interface FloodWhy {
  /** Step of the place's deepest water. */
  step: number;
  rainMm: number;
  soakedMm: number;
  drainedMm: number;
  drainageMmPerHour: number;
  drainage: string;
  /** The pump station that limits the drainage there, or null (sewers at capacity). */
  pumpStation: string | null;
  catchmentHa: number;
  lowPointElevM: number;
  groundElevM: number;
  waterLevelM: number;
  depthM: number;
}

export interface FloodedRoadView {
  id: string;
  name: string | null;
  kind: string;
  underpass: string | null;
  /** [lon, lat, lon, lat] of the stretch's ends. */
  ends: [number, number, number, number];
  lengthM: number;
  maxDepthM: number;
  /** First step deeper than 0.3 m (cars) / 0.5 m (on foot), or null. */
  closedToCarsFromStep: number | null;
  closedOnFootFromStep: number | null;
  why: FloodWhy;
}

export interface FloodedBuildingView {
  buildingId: number;
  /** The building's street address (门牌), as the map's search gives it. */
  address: string | null;
  lon: number;
  lat: number;
  maxDepthM: number;
  groundFloorFromStep: number | null;
  basementFromStep: number | null;
  /** Households on a flooded ground floor / in a flooded basement; null on a wall for a building of fewer than 3 households. */
  groundFloorHouseholds: number | null;
  basementHouseholds: number | null;
  why: FloodWhy;
}

/**
 * The water surface, sparse: the cells that are ever wet (row × cols + col, row 0 the northern
 * edge) and their depth per step, steps × cells.length bytes, depth = byte × depthUnitM.
 */
export interface FloodRasterView {
  cols: number;
  rows: number;
  cellM: number;
  /** [lon, lat]: south-west, north-west, north-east, south-east. */
  corners: [[number, number], [number, number], [number, number], [number, number]];
  depthUnitM: number;
  cells: Uint32Array;
  depth: Uint8Array;
  maxDepthM: number;
}

export interface FloodView {
  stormId: string | null;
  label: string;
  source: RainChoice['source'];
  /** `storm`: startUtcMs is on the storm's clock (a rehearsal shifts it); `real`: on the wall clock (gauges). */
  clock: 'storm' | 'real';
  /** Step s is the water at startUtcMs + (s + 1) × stepMs (the end of its hour); before the first step the ground is dry. */
  startUtcMs: number;
  stepMs: number;
  steps: number;
  /** Rain per step, mm (the last steps are dry: the water drains away). */
  hourlyMm: number[];
  totalMm: number;
  settings: { sewerMmPerHour: number; runoffCoefficient: number; pumpReachM: number; pumps: number };
  perStep: { pondedM3: number; roadsClosedToCars: number; roadsClosedOnFoot: number; householdsFlooded: number; buildingsFlooded: number }[];
  /** Null when no cell ever holds 1 cm. */
  raster: FloodRasterView | null;
  /** Flooded road stretches, deepest first (at most 200), and their depth per step: roadDepth[road × steps + step] bytes as in the raster. */
  roads: FloodedRoadView[];
  roadDepth: Uint8Array;
  /** Flooded buildings, deepest first (at most 200). */
  buildings: FloodedBuildingView[];
  totals: {
    floodedBuildings: number;
    groundFloorBuildings: number;
    basementBuildings: number;
    groundFloorHouseholds: number;
    basementHouseholds: number;
    roadsClosedToCars: number;
    roadsClosedOnFoot: number;
    peakPondedM3: number;
  };
  notes: string[];
}

/** Why there is no flood to show: no terrain model, or no rain gauge readings. The message says what to do. */
export interface FloodUnavailable {
  unavailable: 'no_terrain' | 'no_gauges';
  message: string;
}


export interface ScenarioComparison {
  stormId: string;
  a: ScenarioOutcomeView;
  b: ScenarioOutcomeView;
  /** Set when the district has no terrain: the flood rows are empty in both. */
  noTerrain: string | null;
}
