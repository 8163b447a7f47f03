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
  ResourceKind,
  ResourceStatus,
} from '../../data/model/domain.ts';

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
  properties: { layer: string; kind: string; name: string | null };
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
