/**
 * The one contract between the hosts (Electron main, web host) and the renderer. The renderer
 * imports this module as types only; the hosts implement it; the preload and the web client build
 * the same object from it. Channel names are derived from the keys below, never written twice.
 */
import type {
  DispatchOption,
  IncidentAction,
  IncidentDetail,
  LiveDelta,
  LiveSnapshot,
  MeterAlert,
  TimelineRange,
  VisitOutcome,
  BasemapCollection,
  BuildingColumns,
  BuildingDetail,
  BuildingHit,
  BuildingUnits,
  Facility,
  HostInfo,
  HouseholdRecord,
  TwinInfo,
  SessionInfo,
} from './dto.ts';
import type { Access } from './access.ts';
import type { AuditFilter, AuditPage, AuditVerdict } from './auditLog.ts';

/** Read access to the twin's store. Batch-oriented so it can move to a worker process unchanged. */
export interface StoreApi {
  /** Name, extent, counts and attribution of the open twin. */
  getTwinInfo(): Promise<TwinInfo>;
  /** Every building as typed-array columns (binary attributes for deck.gl). */
  getBuildings(): Promise<BuildingColumns>;
  /** The offline base map. */
  getBasemap(): Promise<BasemapCollection>;
  getFacilities(): Promise<Facility[]>;
  /** The building panel; `null` when no building has this id. */
  getBuildingDetail(buildingId: number): Promise<BuildingDetail | null>;
  /** Floors and dwellings for the building inspector. */
  getBuildingUnits(buildingId: number): Promise<BuildingUnits | null>;
  /** 一户一档, personal data masked. */
  getHousehold(householdId: number): Promise<HouseholdRecord | null>;
  /**
   * 一户一档 with names and phone numbers in full (ID numbers keep digits 7–14 hidden), for an
   * operator at a console who gives a reason. Every call is written to the audit log first, under
   * the signed-in person; at most 30 per person and hour. Refused on wall and demo views, and
   * without a reason.
   */
  revealHousehold(householdId: number, reason: string): Promise<HouseholdRecord | null>;
  /** Address search for "fly to a building". */
  findBuildings(text: string, limit: number): Promise<BuildingHit[]>;
}

/** Live operations: incidents and their closed loop, meter alerts, resources, the timeline. */
export interface LiveApi {
  /** Everything live now. */
  getLiveSnapshot(): Promise<LiveSnapshot>;
  /** The state as it was at `atMs`, rebuilt from the event log (timeline scrub and replay). */
  getStateAt(atMs: number): Promise<LiveSnapshot>;
  getTimelineRange(): Promise<TimelineRange>;
  getIncident(incidentId: string): Promise<IncidentDetail | null>;
  /** Available grid workers and departments, nearest by road first. */
  proposeDispatch(incidentId: string): Promise<DispatchOption[]>;
  /** Accept, dispatch, reassign, close… recorded as an event like any other. */
  actOnIncident(incidentId: string, action: IncidentAction): Promise<IncidentDetail | null>;
  /** Recorded under the signed-in person (an event and an audit row with the change). */
  acknowledgeAlert(alertId: string): Promise<MeterAlert | null>;
  recordVisitOutcome(alertId: string, outcome: VisitOutcome, reason: string): Promise<MeterAlert | null>;
  /**
   * Pushes what changed, coalesced over 50 ms windows. Returns the unsubscribe
   * function: handler identity does not survive Electron's context bridge, so there is no `off`.
   */
  onLiveDelta(listener: (delta: LiveDelta) => void): () => void;
}

export interface WindowApi {
  getHostInfo(): Promise<HostInfo>;
}

/** What `window.app` (Electron) and the web client expose to the renderer. */
export interface AppApi {
  store: StoreApi;
  live: LiveApi;
  window: WindowApi;
  auth: AuthApi;
  audit: AuditApi;
}

/** The audit log, for supervisors (electron/common/auditLog.ts). */
export interface AuditApi {
  /** Rows matching the filters, newest first, a page at a time, with the filters' choices. */
  query(filter: AuditFilter): Promise<AuditPage>;
  /** The matching rows (oldest first, at most 100,000) as CSV text; the export is itself audited. */
  exportCsv(filter: AuditFilter): Promise<string>;
  /** Walks the hash chain: intact, or the first row edited, deleted or reordered. */
  verify(): Promise<AuditVerdict>;
}

/**
 * Signing in and out. The host keeps the session (an HttpOnly cookie in browser mode, the main
 * process in Electron); the renderer never holds a credential beyond the CSRF token it echoes.
 */
export interface AuthApi {
  signIn(username: string, password: string): Promise<SessionInfo>;
  /** A wall's token, or the one-time link `civictwin start` opens the app with. */
  signInWithToken(token: string): Promise<SessionInfo>;
  signOut(): Promise<void>;
  /** The signed-in caller, or null: the renderer shows the sign-in form. */
  whoAmI(): Promise<SessionInfo | null>;
}

/**
 * Every method of every API with who may call it (electron/common/access.ts), checked against the
 * interfaces by the compiler and enforced in one place (`dispatch`) for both hosts. `event`
 * members are pushed by the host to callers who may `view`.
 */
export const CONTRACT = {
  store: {
    getTwinInfo: 'view',
    getBuildings: 'view',
    getBasemap: 'view',
    getFacilities: 'view',
    getBuildingDetail: 'view',
    getBuildingUnits: 'viewer',
    getHousehold: 'viewer',
    revealHousehold: 'operator',
    findBuildings: 'view',
  } satisfies Record<keyof StoreApi, Access>,
  live: {
    getLiveSnapshot: 'view',
    getStateAt: 'view',
    getTimelineRange: 'view',
    getIncident: 'view',
    proposeDispatch: 'operator',
    actOnIncident: 'operator',
    acknowledgeAlert: 'operator',
    recordVisitOutcome: 'operator',
    onLiveDelta: 'event',
  } satisfies Record<keyof LiveApi, Access | 'event'>,
  window: { getHostInfo: 'public' } satisfies Record<keyof WindowApi, Access>,
  auth: { signIn: 'public', signInWithToken: 'public', signOut: 'public', whoAmI: 'public' } satisfies Record<keyof AuthApi, Access>,
  audit: { query: 'supervisor', exportCsv: 'supervisor', verify: 'supervisor' } satisfies Record<keyof AuditApi, Access>,
} as const;

/** Who may call `api.method`; null for a name outside the contract or an event. */
export function accessOf(api: string, method: string): Access | null {
  if (!Object.hasOwn(CONTRACT, api)) return null;
  const members = CONTRACT[api as ApiName] as Record<string, Access | 'event'>;
  if (!Object.hasOwn(members, method)) return null;
  const access = members[method]!;
  return access === 'event' ? null : access;
}

export type ApiName = keyof AppApi;
export type MethodOf<A extends ApiName> = keyof AppApi[A] & string;

/** `app:store.getBuildings`: every channel is `app:`-prefixed so a generic path can be gated. */
export const channelOf = (api: ApiName, method: string): string => `app:${api}.${method}`;
export const isAppChannel = (channel: string): boolean => channel.startsWith('app:');

/** Every (api, method) pair, for hosts that register handlers and clients that build proxies. */
export function contractMethods(): { api: ApiName; method: string }[] {
  return contractMembers('method');
}
/** Every (api, event) pair: `onX` members that push from host to renderer. */
export function contractEvents(): { api: ApiName; method: string }[] {
  return contractMembers('event');
}
function contractMembers(kind: 'method' | 'event'): { api: ApiName; method: string }[] {
  const out: { api: ApiName; method: string }[] = [];
  for (const api of Object.keys(CONTRACT) as ApiName[]) {
    for (const [method, k] of Object.entries(CONTRACT[api])) if ((k === 'event') === (kind === 'event')) out.push({ api, method });
  }
  return out;
}

/** The web host's push channel for contract events (WebSocket). */
export const LIVE_SOCKET_PATH = '/api/v1/live';
