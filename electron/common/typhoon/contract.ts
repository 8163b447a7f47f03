/**
 * Typhoon planning's contract section (feature module): the storms in the twin, a storm's track
 * with its current forecast, and when gales reach the district's grids. Listed once in
 * contract.ts SECTIONS; served by electron/services/typhoon/.
 *
 * Everything here is about a storm and places (grids, the district), never a household: a wall may
 * view all of it.
 */
import { z } from 'zod';
import type { Landfall, TrackPoint } from '../../../data/model/typhoon/types.ts';
import type { TcGrade } from '../../../data/model/typhoon/scales.ts';
import { m, NO_ARGS, type MemberSpec } from '../sections.ts';
import { EVACUATION_PLAN_SECTION, type EvacuationPlanApi } from './evacuationContract.ts';
import { rainChoice, whatIfScenario, type FloodUnavailable, type FloodView, type RainChoice, type ScenarioComparison, type WhatIfScenario } from './flood.ts';
import type { BriefPdf, TyphoonBrief } from './brief.ts';

export interface StormListItem {
  id: string;
  agency: string;
  number: string | null;
  year: number;
  name: string;
  nameZh: string | null;
  fixes: number;
  firstUtcMs: number | null;
  lastUtcMs: number | null;
  peakWindMs: number | null;
  peakGrade: TcGrade | null;
  /** The first landfall, if the data has one. */
  landfallUtcMs: number | null;
  landfallPlace: string | null;
  /** Closest approach of the track to the twin's centre, km. */
  closestKm: number | null;
  hasForecast: boolean;
}

export interface StormTrackView {
  storm: { id: string; agency: string; number: string | null; year: number; name: string; nameZh: string | null };
  /** Observed positions, in time order. */
  fixes: TrackPoint[];
  /** The current bulletin's positions beyond the last fix, in time order (empty without one). */
  forecast: TrackPoint[];
  forecastIssuedUtcMs: number | null;
  forecastAgency: string | null;
  landfalls: Landfall[];
}

/** One grid (网格) of the district under a storm. */
export interface GridWind {
  gridId: number;
  name: string;
  centroid: [number, number];
  buildings: number;
  /** When force 7 / 10 first reaches one of its buildings, UTC ms (null: not within the track). */
  arrival7UtcMs: number | null;
  arrival10UtcMs: number | null;
  maxForce: number;
}

/** The wind the storm brings to the district, hour by hour, in storm time. */
export interface DistrictWind {
  stormId: string;
  startUtcMs: number;
  stepMs: number;
  hours: number;
  /** Per step: the highest Beaufort force at any building, and the warning signal (0 none, 1 blue … 4 red). */
  force: number[];
  signal: number[];
  arrival7UtcMs: number | null;
  arrival10UtcMs: number | null;
  peakForce: number;
  peakUtcMs: number | null;
  grids: GridWind[];
  /**
   * Each building's peak Beaufort force over the whole track and forecast, from the same wind
   * model as the grids' timing (the map's "colour by peak wind" shows exactly what the plan uses).
   * `ids` ascending; `peakForce[i]` belongs to building `ids[i]`.
   */
  buildings: { ids: Int32Array; peakForce: Uint8Array };
  /** What the planner should know (skipped buildings, radii the fit left out). */
  notes: string[];
}

/** The evacuation plan and one-click dispatch are part of the section (evacuationContract.ts). */
export interface TyphoonApi extends EvacuationPlanApi {
  /** Storms in the twin, nearest to the district first. */
  listStorms(): Promise<StormListItem[]>;
  /** A storm's fixes, its current forecast and its landfalls. */
  getStormTrack(stormId: string): Promise<StormTrackView | null>;
  /** Wind, warning signals and gale arrival per grid, over the storm's track and forecast. */
  getDistrictWind(stormId: string): Promise<DistrictWind | null>;
  /** Pushed when a fix or bulletin arrives: the storm ids it changed. Returns the unsubscribe. */
  onStormsChanged(listener: (change: { stormIds: string[] }) => void): () => void;
  /**
   * The flood a rain scenario brings (electron/common/typhoon/flood.ts): water depth per step as a
   * raster for the map, flooded roads and buildings with household counts and each place's reason.
   * A design storm peaks at the storm's landfall (storm clock); without a storm, from the next hour.
   * Says so when the twin has no terrain model or the gauges no readings.
   */
  getFlood(stormId: string | null, rain: RainChoice): Promise<FloodView | FloodUnavailable>;
  /** Two scenarios side by side (rain, track shifted north/south): households at risk, shelter load, roads cut. Counts only. */
  compareScenarios(stormId: string, a: WhatIfScenario, b: WhatIfScenario): Promise<ScenarioComparison | null>;
  /**
   * A briefing on the storm (electron/common/typhoon/brief.ts): track and timing, counts per grid,
   * shelters, resources, and the previous briefing's figures. Each call is a briefing made: its key
   * figures are kept, so the next one can say what changed. Null for an unknown storm.
   */
  makeBrief(stormId: string): Promise<TyphoonBrief | null>;
  /**
   * The briefing as an A4 PDF, printed by the host from its own briefing page for the caller (a
   * person): what the 生成简报 button saves. Makes a briefing (its figures are kept).
   */
  printBrief(stormId: string): Promise<BriefPdf>;
}

const stormId = z.string().min(3).max(64).regex(/^[A-Z][A-Z0-9_-]{1,15}:[\w-]{1,40}$/, 'a storm id is <agency>:<number>, e.g. CMA:1909');

export const TYPHOON_SECTION = {
  ...EVACUATION_PLAN_SECTION,
  listStorms: NO_ARGS('view'),
  getStormTrack: m('view', stormId),
  getDistrictWind: m('view', stormId),
  onStormsChanged: 'event',
  getFlood: m('view', stormId.nullable(), rainChoice),
  compareScenarios: m('view', stormId, whatIfScenario, whatIfScenario),
  makeBrief: m('viewer', stormId),
  printBrief: m('viewer', stormId),
} as const satisfies Record<keyof TyphoonApi, MemberSpec>;
