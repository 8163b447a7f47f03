/**
 * The evacuation plan and one-click dispatch (台风应急预案 · 一键调度, issue 11 §5): part of the
 * typhoon section (TyphoonApi extends EvacuationPlanApi; TYPHOON_SECTION spreads
 * EVACUATION_PLAN_SECTION). Served by electron/services/typhoon/EvacuationPlanService.ts.
 *
 * What leaves the host about households: a plan is counts per community, grid, shelter and rule.
 * Door-knock lists and "who is still left" name households (address, flat, masked contact) only
 * to people signed in with role operator or above; everyone else, and every wall, gets counts.
 */
import { z } from 'zod';
import { epochMs, m, recordId, type MemberSpec } from '../sections.ts';
import type { PlanNote } from '../../../data/model/typhoon/notes.ts';

export type EvacuationClockStatus = 'late' | 'on-time' | 'no-gale' | 'done' | 'invalid';

/** A grid's evacuation clock: must be done by = force-7 arrival − clearance (HURREVAC's evacuation start time). */
export interface EvacuationClockView {
  status: EvacuationClockStatus;
  late: boolean;
  galeArrivalUtcMs: number | null;
  mustBeDoneByUtcMs: number | null;
  minutesToSpare: number | null;
  /** Null when the grid cannot finish (no worker for its households). */
  clearanceMinutes: number | null;
  bottleneck: 'none' | 'workers' | 'vehicles';
  problem: string | null;
}

export interface EvacuationRuleView {
  id: string;
  kind: 'flooded_low_floor' | 'vulnerable_weak_building' | 'building_marked';
  label: { zh: string; en: string };
  enabled: boolean;
  maxFloor?: number;
  vulnerable?: ('elderly_alone' | 'disabled' | 'bedridden' | 'minors_alone')[];
  walkupBuiltBefore?: number;
  includeUnknownYear?: boolean;
  includeDangerous?: boolean;
  requireForce10?: boolean;
}

export interface EvacuationPlanOptions {
  /**
   * The plan's moment on the storm's clock (UTC ms); default now − `shiftMs`. The clock says which
   * grids are late against it.
   */
  nowUtcMs?: number;
  /** Added to storm times to place them on the wall clock (a rehearsal of a past storm); default 0. */
  shiftMs?: number;
  /** Rain over the plan (mm, a typhoon design storm over `rainHours`): homes flooded at ground floor or basement move. */
  rainTotalMm?: number | null;
  rainHours?: number;
  markedBuildingIds?: number[];
  dangerousBuildingIds?: number[];
  rules?: EvacuationRuleView[];
  walkMinutesPerHousehold?: number;
  vehicleMinutesPerHousehold?: number;
  householdsPerTrip?: number;
  mobilisationMinutes?: number;
  knockersPerWorker?: number;
}

export interface EvacuationPlanSummary {
  planId: string;
  stormId: string;
  createdAtMs: number;
  /** Who made it (sign-in name); null on a wall. */
  createdBy: string | null;
  nowUtcMs: number;
  shiftMs: number;
  households: number;
  people: number;
  unplacedHouseholds: number;
  lateGrids: number;
  dispatchedAtMs: number | null;
  dispatchedBy: string | null;
}

export interface EvacuationGridView {
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
  clock: EvacuationClockView;
}

export interface EvacuationShelterView {
  shelterId: number;
  name: string;
  lon: number;
  lat: number;
  capacity: number;
  planned: number;
  /** What nearest-shelter would send there (may exceed capacity). */
  nearestShelterLoad: number;
  wheelchairAccessible: boolean | null;
}

export interface PrePositionView {
  resourceId: number;
  kind: 'pump_truck' | 'rescue_boat';
  callsign: string;
  spotKind: 'homes' | 'road' | 'underpass';
  label: string;
  lon: number;
  lat: number;
  depthM: number;
  households: number;
  roadDistanceM: number | null;
}

export interface EvacuationPlanView extends EvacuationPlanSummary {
  options: Required<Omit<EvacuationPlanOptions, 'rules'>> & { rules: EvacuationRuleView[] };
  wind: { arrival7UtcMs: number | null; arrival10UtcMs: number | null; buildingsInForce10: number };
  flood: { label: string; totalMm: number; hours: number; buildingsFlooded: number; householdsFlooded: number; roadsClosedOnFoot: number; roadsClosedToCars: number } | null;
  byRule: { ruleId: string; label: { zh: string; en: string }; households: number; people: number }[];
  totals: {
    households: number;
    people: number;
    placedPeople: number;
    unplacedPeople: number;
    unplacedHouseholds: number;
    vulnerable: number;
    vehicleHouseholds: number;
    vehicleTrips: number;
    lateGrids: number;
  };
  /** The optimal plan against nearest-shelter, in the same run. */
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
  grids: EvacuationGridView[];
  communities: { communityId: number; name: string; households: number; people: number; vulnerable: number; unplaced: number }[];
  shelters: EvacuationShelterView[];
  /** Households no shelter can take, counted per grid and reason. */
  unplaced: { gridId: number | null; reason: 'capacity_short' | 'unreachable_by_road'; households: number; people: number }[];
  /** Each grid worker's list, as counts (the list itself: getDoorKnockLists). */
  routes: { workerId: number; callsign: string; gridId: number; households: number; people: number; buildings: number; vehicleHouseholds: number; routeM: number }[];
  vehicleTripsByGrid: { gridId: number | null; trips: number; people: number }[];
  prePositions: PrePositionView[];
  /** In both languages; `kind: 'model'` marks the wind fit's notes (English, not printed). */
  notes: PlanNote[];
}

export type EvacuationProgressStatus = 'contacted' | 'moved' | 'refused';

export interface DoorKnockStopView {
  order: number;
  /** Null for callers who see counts only. */
  householdId: number;
  buildingId: number;
  address: string;
  unit: string;
  floor: number;
  size: number;
  /** Masked (张*, 138****5678). */
  contactName: string;
  contactPhone: string;
  needsVehicle: boolean;
  shelterName: string | null;
  unplacedReason: 'capacity_short' | 'unreachable_by_road' | null;
  ruleIds: string[];
  legM: number;
  status: EvacuationProgressStatus | null;
}

export interface DoorKnockListView {
  workerId: number;
  resourceId: number | null;
  callsign: string;
  gridId: number;
  gridName: string;
  households: number;
  people: number;
  vehicleHouseholds: number;
  routeM: number;
  /** Empty for callers who see counts only (`named` false). */
  stops: DoorKnockStopView[];
  named: boolean;
}

export interface PlanBoardGrid {
  gridId: number;
  name: string;
  households: number;
  contacted: number;
  moved: number;
  refused: number;
  /** Not moved and not refused. */
  left: number;
  /** Recomputed with the households left, at the board's moment. */
  clock: EvacuationClockView;
  /** The grid's outline [lon, lat][] for the map, or null when the twin has none. */
  ring: [number, number][] | null;
  /** Households still left in list order; empty for callers who see counts only. */
  leftList: {
    householdId: number;
    order: number | null;
    address: string;
    unit: string;
    contactName: string;
    status: EvacuationProgressStatus | null;
    needsVehicle: boolean;
    shelterName: string | null;
  }[];
}

export interface PlanBoard {
  planId: string;
  stormId: string;
  /** The board's moment on the storm's clock. */
  nowUtcMs: number;
  shiftMs: number;
  totals: { households: number; contacted: number; moved: number; refused: number; left: number; lateGrids: number };
  grids: PlanBoardGrid[];
  lastReportAtMs: number | null;
  dispatchedAtMs: number | null;
  named: boolean;
}

export interface PlanDispatchResult {
  planId: string;
  /** False when the plan had been dispatched before: nothing new was made. */
  created: boolean;
  tasks: number;
  incidentIds: string[];
  dispatchedAtMs: number;
  dispatchedBy: string | null;
}

export interface EvacuationPlanApi {
  /** Makes a plan for the storm and keeps it (plan id, storm, options, who, when). Operators. */
  planEvacuation(stormId: string, options: EvacuationPlanOptions): Promise<EvacuationPlanView>;
  /** Plans kept for a storm (all storms when null), newest first. */
  listEvacuationPlans(stormId: string | null): Promise<EvacuationPlanSummary[]>;
  getEvacuationPlan(planId: string): Promise<EvacuationPlanView | null>;
  /** Each grid worker's ordered door-knock list; households named for operators and above only. */
  getDoorKnockLists(planId: string): Promise<DoorKnockListView[]>;
  /** One click: the plan's tasks for grid workers, departments and resources into the live queue. Idempotent. Supervisors. */
  dispatchPlan(planId: string): Promise<PlanDispatchResult>;
  /** An operator records a household's progress for a grid worker (a `typhoon.evacuation_progress` event). */
  recordEvacuationProgress(planId: string, householdId: number, status: EvacuationProgressStatus, note: string | null): Promise<PlanBoard>;
  /** Progress per grid against the evacuation clock, and who is still left. */
  getPlanBoard(planId: string): Promise<PlanBoard | null>;
  /** Pushed when progress arrives or a plan is made or dispatched: which plan, which grids. */
  onPlanProgress(listener: (change: { planId: string; gridIds: number[] }) => void): () => void;
}

export const planId = z.string().regex(/^EP-[A-Za-z0-9-]{4,40}$/, 'a plan id, e.g. EP-mfa1b2c3-x7k2');
const stormIdArg = z.string().min(3).max(64).regex(/^[A-Z][A-Z0-9_-]{1,15}:[\w-]{1,40}$/, 'a storm id is <agency>:<number>, e.g. CMA:1909');
const label = z.strictObject({ zh: z.string().max(200), en: z.string().max(300) });
const rule = z.strictObject({
  id: z.string().min(1).max(64),
  kind: z.enum(['flooded_low_floor', 'vulnerable_weak_building', 'building_marked']),
  label,
  enabled: z.boolean(),
  maxFloor: z.number().int().min(0).max(10).optional(),
  vulnerable: z.array(z.enum(['elderly_alone', 'disabled', 'bedridden', 'minors_alone'])).max(4).optional(),
  walkupBuiltBefore: z.number().int().min(1800).max(2200).optional(),
  includeUnknownYear: z.boolean().optional(),
  includeDangerous: z.boolean().optional(),
  requireForce10: z.boolean().optional(),
});
const minutes = z.number().finite().min(0).max(1440);
export const evacuationPlanOptions = z.strictObject({
  nowUtcMs: epochMs.optional(),
  shiftMs: z.number().int().min(-100 * 365 * 86_400_000).max(100 * 365 * 86_400_000).optional(),
  rainTotalMm: z.number().finite().min(0).max(2000).nullable().optional(),
  rainHours: z.number().int().min(1).max(336).optional(),
  markedBuildingIds: z.array(recordId).max(5000).optional(),
  dangerousBuildingIds: z.array(recordId).max(5000).optional(),
  rules: z.array(rule).min(1).max(20).optional(),
  walkMinutesPerHousehold: minutes.min(1).optional(),
  vehicleMinutesPerHousehold: minutes.min(1).optional(),
  householdsPerTrip: z.number().int().min(1).max(20).optional(),
  mobilisationMinutes: minutes.optional(),
  knockersPerWorker: z.number().int().min(1).max(50).optional(),
});

export const EVACUATION_PLAN_SECTION = {
  planEvacuation: m('operator', stormIdArg, evacuationPlanOptions),
  listEvacuationPlans: m('view', stormIdArg.nullable()),
  getEvacuationPlan: m('view', planId),
  getDoorKnockLists: m('view', planId),
  dispatchPlan: m('supervisor', planId),
  recordEvacuationProgress: m('operator', planId, recordId, z.enum(['contacted', 'moved', 'refused']), z.string().max(200).nullable()),
  getPlanBoard: m('view', planId),
  onPlanProgress: 'event',
} as const satisfies Record<keyof EvacuationPlanApi, MemberSpec>;
