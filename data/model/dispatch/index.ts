/**
 * Dispatch by kind (issue 13): which kinds of responder each incident category needs, how fast
 * each kind travels (for ETAs), and when a dispatched unit counts as on scene. Pure: shared by the
 * store's projection, the dispatch service and the renderer.
 */
import { RESOURCE_KINDS, type ResourceKind } from '../domain.ts';
import { INCIDENT_CATEGORIES, type IncidentCategory } from '../incidents.ts';

/**
 * The departments' kinds (`departments.kind`), as the seed and imports name them. A need for a
 * department is met by the department of that kind (its base is where it comes from).
 */
export const DEPARTMENT_KINDS = [
  'emergency',
  'grid_management',
  'urban_management',
  'sanitation',
  'municipal',
  'water',
  'power',
  'fire',
  'medical',
  'civil_affairs',
  'police',
] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

/**
 * A kind of responder: a unit that moves (a resource kind: `fire_engine`, `ambulance`…) or a
 * department by its kind (`department:water`).
 */
export type ResponderKind = ResourceKind | `department:${DepartmentKind}`;
export const RESPONDER_KINDS: readonly ResponderKind[] = [
  ...RESOURCE_KINDS,
  ...DEPARTMENT_KINDS.map((k) => `department:${k}` as const),
];
export const isResourceKind = (k: ResponderKind): k is ResourceKind => !k.startsWith('department:');
export const departmentKindOf = (k: ResponderKind): DepartmentKind | null =>
  k.startsWith('department:') ? (k.slice('department:'.length) as DepartmentKind) : null;

/** Most kinds one category may need (the editor's and the contract's limit). */
export const MAX_NEEDS_PER_CATEGORY = 6;

/**
 * What each category needs by default, in the order they are proposed. Following how a street's
 * command centre (综合指挥中心) sends: a fire gets the fire station's engine and the grid worker who
 * knows the building (and clears the stairwell); a medical call an ambulance (120); waterlogging a
 * pump truck and the water department (水务) who owns the drains; an elderly person alone the grid
 * worker and a doctor — this twin has no community-doctor unit, so the health department (卫健)
 * stands for it. City-management cases go to the grid worker and the department that owns them.
 * A supervisor changes these (stored overrides, `dispatch.setNeeds`).
 */
export const DEFAULT_NEEDS: Record<IncidentCategory, readonly ResponderKind[]> = {
  fire: ['fire_engine', 'grid_worker'],
  medical: ['ambulance'],
  waterlogging: ['pump_truck', 'department:water'],
  elderly_care: ['grid_worker', 'department:medical'],
  street_vending: ['grid_worker', 'department:urban_management'],
  garbage: ['grid_worker', 'department:sanitation'],
  streetlight: ['department:municipal'],
  noise: ['grid_worker'],
  facility_damage: ['grid_worker', 'department:municipal'],
  typhoon_evacuation: ['grid_worker'],
  other: ['grid_worker'],
};

/**
 * Travel speed per kind for ETAs, m/s, over road distance. Why these: emergency vehicles with
 * lights in an old town's streets average 30–35 km/h (ambulance 9 m/s, fire engine 8 m/s — heavier,
 * slower round corners); a pump truck tows its pump and drives without priority, ~22 km/h
 * (6 m/s); a rescue boat is trailered to the water, then moves at flood-water pace, ~15 km/h
 * (4 m/s); a grid worker rides an e-bike, ~12.5 km/h (3.5 m/s); a volunteer team walks (1.3 m/s).
 * A department's crew drives a works van in traffic, ~25 km/h (7 m/s). The simulator moves its
 * vehicles at the same speeds, so the ETA it is measured against is the one proposed.
 */
export const SPEED_MS: Record<ResourceKind | 'department', number> = {
  ambulance: 9,
  fire_engine: 8,
  pump_truck: 6,
  rescue_boat: 4,
  grid_worker: 3.5,
  volunteer_team: 1.3,
  department: 7,
};
export const speedOf = (k: ResponderKind): number =>
  isResourceKind(k) ? SPEED_MS[k] : SPEED_MS.department;
/**
 * How a kind moves on the road network: vehicles drive (one-way rules, no footways); grid workers'
 * e-bikes and volunteer teams take lanes and footpaths in either direction.
 */
export const travelOf = (k: ResponderKind): 'drive' | 'walk' => (k === 'grid_worker' || k === 'volunteer_team' ? 'walk' : 'drive');
/** Minutes to cover `roadDistanceM` for a kind, at least 1. */
export const etaMinutes = (k: ResponderKind, roadDistanceM: number): number =>
  Math.max(1, Math.round(roadDistanceM / speedOf(k) / 60));

/**
 * A dispatched unit is on scene once a position report puts it within this many metres of the
 * incident. An incident's point is a building's centroid; a vehicle stops on the road in front,
 * 20–60 m away in the seeded and imported districts, so 80 m.
 */
export const ON_SCENE_RADIUS_M = 80;
/**
 * A unit on scene that reports itself this far away has left (idle). Wider than the arrival
 * radius so that GPS jitter of tens of metres around the scene does not flip it back and forth.
 */
export const LEFT_SCENE_RADIUS_M = 300;

/** A dispatched unit's state (the `resource_dispatch_states` rows). */
export const DISPATCH_STATES = ['en_route', 'on_scene', 'idle'] as const;
export type DispatchState = (typeof DISPATCH_STATES)[number];

/** Incident steps that release the units sent to it (handling over, closed, cancelled). */
export const RELEASING_STEPS = ['feedback', 'evaluated', 'closed', 'cancelled'] as const;

/** Metres between two points (equirectangular; fine at a district's scale). */
export function metresBetween(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const kx = 111_320 * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  return Math.hypot((lon2 - lon1) * kx, (lat2 - lat1) * 110_574);
}

/** The needs of every category: the defaults with the stored overrides over them. */
export function needsWith(
  overrides: Partial<Record<IncidentCategory, readonly ResponderKind[]>>,
): Record<IncidentCategory, readonly ResponderKind[]> {
  const out = {} as Record<IncidentCategory, readonly ResponderKind[]>;
  for (const c of INCIDENT_CATEGORIES) out[c] = overrides[c] ?? DEFAULT_NEEDS[c];
  return out;
}
