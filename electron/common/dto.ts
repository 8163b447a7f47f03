/**
 * Plain, structured-clone-safe payloads that cross the host ↔ renderer boundary. No classes, no
 * getters, no functions. Bulk data is columnar typed arrays (DESIGN.md §3): row objects appear only
 * where a panel shows a handful of rows.
 */
import type { BBox } from '../../data/model/geo.ts';
import type {
  AreaLevel,
  BuildingUse,
  FacilityKind,
  MeterAnomalyKind,
  ResourceKind,
  ResourceStatus,
} from '../../data/model/domain.ts';
import type {
  AssigneeKind,
  IncidentCategory,
  IncidentStatus,
  ReporterKind,
  Severity,
} from '../../data/model/incidents.ts';
import type { LayoutId } from './layouts.ts';

/** What the renderer needs to know about the twin before drawing anything. */
export interface TwinInfo {
  /** Display name of the district, e.g. `光谷示范街道`. */
  name: string;
  /** Origin of the LNGLAT_OFFSETS coordinates in `BuildingColumns.positions`. */
  originLon: number;
  originLat: number;
  bbox: BBox;
  counts: { buildings: number; households: number; persons: number; facilities: number };
  /** `demo` for a generated district, `import` for one built from files. */
  source: 'demo' | 'import';
  /** Data attributions that must stay on screen (ODbL etc.). */
  attribution: string[];
  schemaVersion: number;
}

/** Which host serves the renderer; the renderer never branches on it for data access. */
export interface HostInfo {
  host: 'electron' | 'web';
  version: string;
  /** Wall and demo views never receive personal data, even masked (DESIGN.md §6). */
  personalData: 'masked' | 'none';
  /** The screens' layout the host was started with (`serve --layout/--distance`); a page's own `?layout=` wins. */
  display?: { layout?: LayoutId; distanceM?: number };
}

/**
 * Every building of the twin as columns, ready to be handed to deck.gl as binary attributes.
 * Row `i` of each per-building array describes the same building. A building with a MultiPolygon
 * footprint has several polygons, each pointing back at its building row.
 */
export interface BuildingColumns {
  count: number;
  originLon: number;
  originLat: number;
  id: Int32Array;
  heightM: Float32Array;
  /**
   * Height of each building's base above the ground in metres: 0 for a building, more for a part
   * that starts above it (OSM `min_height`: a tower on its podium), which the map floats there.
   * Absent from sources that have no parts.
   */
  baseM?: Float32Array;
  floors: Uint16Array;
  /** Code into `BUILDING_USES`. */
  use: Uint8Array;
  residents: Uint16Array;
  households: Uint16Array;
  /** Share of residents aged 60 or more, in percent (0–100). */
  elderlyPct: Uint8Array;
  /** Households with at least one care flag (独居老人, 残疾人, 未成年人, 低保). */
  careHouseholds: Uint16Array;
  openIncidents: Uint16Array;
  polygonCount: number;
  /** [polygonCount] building row of each polygon. */
  polygonBuilding: Uint32Array;
  /** [polygonCount + 1] start vertex of each polygon (outer ring, not closed). */
  polygonStart: Uint32Array;
  /** [vertexCount × 2] longitude/latitude offsets (degrees) from the origin. */
  positions: Float32Array;
}

export interface BasemapFeature {
  type: 'Feature';
  geometry:
    | { type: 'LineString'; coordinates: number[][] }
    | { type: 'MultiLineString'; coordinates: number[][][] }
    | { type: 'Polygon'; coordinates: number[][][] }
    | { type: 'MultiPolygon'; coordinates: number[][][][] }
    | { type: 'Point'; coordinates: number[] };
  properties: {
    layer: string;
    kind: string;
    name: string | null;
    /** On an imported road way: its class, one-way rule (1 along the line, −1 against) and bridge/tunnel flags. */
    way?: { roadClass: string; oneway: number; bridge: boolean; tunnel: boolean };
  };
}
/** The offline base map: roads, water, green, boundaries and labels, drawn by maplibre. */
export interface BasemapCollection {
  type: 'FeatureCollection';
  features: BasemapFeature[];
}

export interface Facility {
  id: number;
  kind: FacilityKind;
  name: string;
  lon: number;
  lat: number;
  capacity: number | null;
  status: string;
  buildingId: number | null;
}

export interface AreaRef {
  id: number;
  level: AreaLevel;
  name: string;
}

/** The building panel. */
export interface BuildingDetail {
  id: number;
  name: string | null;
  address: string;
  use: BuildingUse;
  heightM: number;
  floors: number;
  /** Where the height came from: measured, derived from levels, or the documented default. */
  heightSource: 'measured' | 'levels' | 'default' | 'generated';
  /** True when an import found no storey count and estimated `floors` from the height by use. */
  floorsEstimated?: boolean;
  yearBuilt: number | null;
  community: AreaRef | null;
  grid: AreaRef | null;
  gridWorker: string | null;
  centroid: [number, number];
  households: number;
  residents: number;
  /** Residents per `AGE_BANDS` entry. */
  ageBands: number[];
  care: { elderlyAlone: number; disabled: number; minors: number; lowIncome: number };
  /** Rented households / all households, 0–1. */
  rentalShare: number;
  facilities: Facility[];
  /**
   * Set on a wall view when the building has too few households to count without pointing at one
   * (`residents`, `ageBands`, `care` and `rentalShare` are then zero and mean nothing).
   */
  peopleWithheld?: boolean;
}

/** One dwelling of the building inspector. */
export interface DwellingUnit {
  householdId: number;
  floor: number;
  /** Room number as written on the door, e.g. `302`. */
  unit: string;
  /** Position of the dwelling along the floor, 0-based. */
  slot: number;
  size: number;
  careFlags: number;
  isRental: boolean;
}
export interface BuildingUnits {
  buildingId: number;
  floors: number;
  unitsPerFloor: number;
  units: DwellingUnit[];
}

/** 一户一档: one household's record, personal fields already masked by the service. */
export interface HouseholdRecord {
  id: number;
  buildingId: number;
  address: string;
  floor: number;
  unit: string;
  size: number;
  isRental: boolean;
  careFlags: number;
  contactName: string;
  contactPhone: string;
  members: HouseholdMember[];
  /** Daily use over the last 14 days, for the sparkline. */
  recentUse: { day: string; waterL: number; powerKwh: number }[];
  /** Names and phone numbers are in full (`revealHousehold`, audited); otherwise masked. */
  revealed: boolean;
}
export interface HouseholdMember {
  name: string;
  idNumber: string;
  phone: string;
  ageBand: number;
  sex: 'F' | 'M';
  careFlags: number;
  relation: string;
}

export interface BuildingHit {
  id: number;
  address: string;
  name: string | null;
  centroid: [number, number];
}

export interface ResourceRef {
  id: number;
  kind: ResourceKind;
  callsign: string;
  status: ResourceStatus;
  lon: number;
  lat: number;
}

//#region Live operations (incidents, resources, meter alerts, timeline)

/** Times are epoch milliseconds (UTC); the renderer shows them in Asia/Shanghai. */
export type EpochMs = number;

export interface Assignee {
  kind: AssigneeKind;
  id: number;
  /** Callsign or department name, e.g. `网格员-03-02`, `城管执法中队`. */
  label: string;
}

/** One incident as the map, the queue and the detail panel show it. */
export interface Incident {
  id: string;
  category: IncidentCategory;
  severity: Severity;
  lon: number;
  lat: number;
  buildingId: number | null;
  /** The building's address, when the incident names a building. */
  address: string | null;
  reporter: ReporterKind;
  source: string;
  description: string | null;
  status: IncidentStatus;
  reportedAt: EpochMs;
  updatedAt: EpochMs;
  /** When handling (处置) must be complete. */
  slaDueAt: EpochMs;
  /** When feedback (反馈) or a later step arrived; null while still being handled. */
  handledAt: EpochMs | null;
  assignee: Assignee | null;
}

export interface IncidentStepRecord {
  step: string;
  ts: EpochMs;
  actor: string | null;
  note: string | null;
  assignee: Assignee | null;
  rating: number | null;
}
export interface IncidentDetail extends Incident {
  /** The closed loop so far, oldest first. */
  steps: IncidentStepRecord[];
}

/** What an operator does from the console. Each becomes an `incident.status` event. */
export interface IncidentAction {
  action: 'accept' | 'dispatch' | 'reassign' | 'handle' | 'feedback' | 'close' | 'cancel';
  assignee?: { kind: AssigneeKind; id: number };
  note?: string;
  /** 1–5, with `close` (评价). The host records who acts: the signed-in person, never a name sent here. */
  rating?: number;
}

/** An auto-dispatch proposal: who is nearest by road and free. */
export interface DispatchOption extends Assignee {
  roadDistanceM: number;
  straightDistanceM: number;
  /** Estimated minutes to arrive (walking or driving speed by kind). */
  etaMin: number;
}

export interface MeterAlertExplanation {
  /** Days in the episode so far (hours = days × 24 for daily data, or measured hours for live). */
  days: number;
  hours: number;
  waterL: number;
  /** null: the home has only a water meter (nothing to say about power). */
  powerKwh: number | null;
  usualWaterL: number;
  usualPowerKwh: number | null;
  nightMinL: number;
}
export type VisitOutcome = 'safe' | 'needed_help' | 'false_alarm';
export interface MeterAlert {
  id: string;
  householdId: number;
  buildingId: number;
  address: string;
  unit: string;
  kind: MeterAnomalyKind;
  /** The household has an elderly resident living alone: these go first. */
  elderlyAlone: boolean;
  raisedAt: EpochMs;
  status: 'open' | 'acknowledged' | 'closed';
  explanation: MeterAlertExplanation;
  acknowledgedBy: string | null;
  acknowledgedAt: EpochMs | null;
  outcome: VisitOutcome | null;
  outcomeReason: string | null;
  /** The household's care flags (`CareFlag` bits): the list's vulnerable-group filter. */
  careFlags?: number;
  /** The building's grid (网格), for the list's grid filter. */
  gridId?: number | null;
  gridName?: string | null;
}

/** Live positions of resources as columns (one row per resource). */
export interface ResourcePositions {
  count: number;
  resourceId: Int32Array;
  lon: Float64Array;
  lat: Float64Array;
  heading: Float32Array;
  speed: Float32Array;
  /** Code into `RESOURCE_STATUSES`. */
  status: Uint8Array;
  /** When the fix was taken; 0 for a resource still at its depot with no fix yet. */
  tsMs: Float64Array;
}

/** The fleet: static facts, sent once per snapshot. */
export interface ResourceInfo {
  id: number;
  kind: ResourceKind;
  callsign: string;
  /** How often this resource reports; older fixes fade as stale. */
  expectedIntervalS: number;
}

/** Per-layer freshness, and whether the feed is the built-in simulator. */
export interface FeedStatus {
  simulated: boolean;
  /**
   * A live feed is set up: the simulator runs, an MQTT broker or an ingest token is configured, or
   * events have come in through the ingest. False for a twin built from imports only: its silence
   * is not an interruption.
   */
  configured: boolean;
  serverNowMs: EpochMs;
  lastEventMs: { incidents: EpochMs | null; resources: EpochMs | null; meters: EpochMs | null; sensors: EpochMs | null };
  totals: { accepted: number; duplicates: number; rejected: number };
}

/** The whole live picture at one moment (now, or a past moment for the timeline). */
export interface LiveSnapshot {
  atMs: EpochMs;
  incidents: Incident[];
  alerts: MeterAlert[];
  resources: ResourceInfo[];
  positions: ResourcePositions;
  /** Recent fixes per resource for trails, as flat [lon, lat, tsMs…] triples, oldest first. */
  trails: Record<number, number[]>;
  feed: FeedStatus;
  /**
   * Present when more incidents were open than a snapshot lists one by one: `incidents` then
   * holds the most urgent (by SLA, then severity), and the rest are counted here by grid.
   */
  incidentOverflow?: IncidentOverflow;
  /**
   * Meter alerts not yet closed, counted per building and kind. A wall gets these instead of
   * `alerts` (which is then empty): a household's alert is a single household's attribute.
   */
  alertCounts?: BuildingAlertCount[];
}

/** Meter alerts of one kind not yet closed in one building: all a wall is told of them. */
export interface BuildingAlertCount {
  buildingId: number;
  kind: MeterAnomalyKind;
  count: number;
}

/** Open incidents a snapshot summarised instead of listing them (see `LiveSnapshot`). */
export interface IncidentOverflow {
  /** Open incidents listed one by one in `incidents`. */
  listed: number;
  /** Open incidents counted in `byGrid` only. */
  summarised: number;
  /** Largest count first. */
  byGrid: IncidentGridSummary[];
}
export interface IncidentGridSummary {
  /** The grid (网格) the incident lies in, or null outside every grid. */
  gridId: number | null;
  gridName: string | null;
  count: number;
  maxSeverity: Severity;
  /** Report time of the oldest. */
  oldestReportedAt: EpochMs;
  /** Of them, past their SLA at the snapshot's moment. */
  overdue: number;
}

/** What changed since the last push; coalesced over 50 ms windows before it is pushed. */
export interface LiveDelta {
  seq: number;
  incidents: Incident[];
  alerts: MeterAlert[];
  positions: ResourcePositions;
  feed: FeedStatus;
  /**
   * When alerts changed: the counts of every kind (0 included) in each building whose alerts
   * changed, replacing what a wall holds for those buildings (see `LiveSnapshot.alertCounts`).
   */
  alertCounts?: BuildingAlertCount[];
}

/** The span the timeline can scrub over. */
export interface TimelineRange {
  fromMs: EpochMs;
  toMs: EpochMs;
}
//#endregion

/** The signed-in caller as the renderer sees it (to greet them and hide what their role cannot do). */
export interface SessionInfo {
  kind: 'person' | 'wall' | 'system';
  /** Sign-in name (a person) or the wall's name. */
  name: string;
  displayName: string;
  /** A person's role; `wall` for a wall display. */
  role: 'viewer' | 'operator' | 'supervisor' | 'admin' | 'wall' | 'system';
  /** Echoed by the web client in `x-civictwin-csrf` on every call (absent in Electron). */
  csrfToken?: string;
  expiresAtMs: number;
}
