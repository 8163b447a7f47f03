/**
 * The one contract between the hosts (Electron main, web host) and the renderer. The renderer
 * imports this module as types only; the hosts implement it; the preload and the web client build
 * the same object from it. Channel names are derived from the keys below, never written twice.
 */
import type {
  LiveDelta,
  LiveSnapshot,
  TimelineRange,
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
import { z } from 'zod';
import type { Access } from './access.ts';
import { epochMs, m, NO_ARGS, reason, recordId, type MemberSpec, type MethodSpec } from './sections.ts';

/** A twin's display name: what a wall shows in its title, so one line of printable text. */
const twinName = z
  .string()
  .trim()
  .min(1, 'The name is empty.')
  .max(60, 'A name is at most 60 characters.')
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'A name is one line of printable text.');
import { TYPHOON_SECTION, type TyphoonApi } from './typhoon/contract.ts';
import { DEMO_SECTION, type DemoApi } from './demo/contract.ts';
import { INCIDENTS_SECTION, type IncidentsApi } from './incidents/contract.ts';
import { ALERTS_SECTION, type AlertsApi } from './alerts/contract.ts';
import { SEARCH_SECTION, type SearchApi } from './search/contract.ts';
import { REPORTS_SECTION, type ReportsApi } from './reports/contract.ts';
import { WHISTLE_SECTION, type WhistleApi } from './whistle/contract.ts';
import { KPI_SECTION, type KpiApi } from './kpi/contract.ts';
import { DISPATCH_SECTION, type DispatchApi } from './dispatch/contract.ts';
import { DIRECTOR_SECTION, type DirectorApi } from './director/contract.ts';
import { TRUST_PROPERTY_SECTION, type TrustPropertyApi } from './trustProperty/contract.ts';
import { POINTS_SECTION, type PointsApi } from './points/contract.ts';
import { MICRO_PROJECTS_SECTION, type MicroProjectsApi } from './microProjects/contract.ts';
import type { AuditFilter, AuditPage, AuditVerdict } from './auditLog.ts';

/** Read access to the twin's store. Batch-oriented so it can move to a worker process unchanged. */
export interface StoreApi {
  /** Name, extent, counts and attribution of the open twin. */
  getTwinInfo(): Promise<TwinInfo>;
  /** Renames the twin (a street office's own district, not the folder it was imported into); audited. */
  renameTwin(name: string): Promise<TwinInfo>;
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

/**
 * The live picture on the one clock: incidents, meter alerts and resources now or at any past
 * moment, the timeline's range, and the pushes of what changed. What a console does with one
 * incident or alert is in that module's section (`incidents`, `alerts`).
 */
export interface LiveApi {
  /** Everything live now. */
  getLiveSnapshot(): Promise<LiveSnapshot>;
  /** The state as it was at `atMs`, rebuilt from the event log (timeline scrub and replay). */
  getStateAt(atMs: number): Promise<LiveSnapshot>;
  getTimelineRange(): Promise<TimelineRange>;
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
  /** Typhoon planning (feature module: electron/common/typhoon/contract.ts). */
  typhoon: TyphoonApi;
  /** The demo to officials: its story (electron/common/demo/contract.ts). */
  demo: DemoApi;
  /** One incident's closed loop (feature module: electron/common/incidents/contract.ts). */
  incidents: IncidentsApi;
  /** Acting on meter alerts (feature module: electron/common/alerts/contract.ts). */
  alerts: AlertsApi;
  /** Search over addresses, households (masked), incidents and facilities (electron/common/search/contract.ts). */
  search: SearchApi;
  /** The KPI dashboard's figures (feature module: electron/common/kpi/contract.ts). */
  kpi: KpiApi;
  /** Dispatch by kind: what each category needs, the nearest unit of each kind, units out (electron/common/dispatch/contract.ts). */
  dispatch: DispatchApi;
  /** Residents' reports through the public form, with receipt codes and their rating (electron/common/reports/contract.ts). */
  reports: ReportsApi;
  /** 吹哨报到: whistles, summoned departments and their scoreboard (electron/common/whistle/contract.ts). */
  whistle: WhistleApi;
  /** Director mode: wall sessions, scenes, tours, blanking (electron/common/director/contract.ts). */
  director: DirectorApi;
  /** 信托制物业: compounds' trust funds, their public ledgers and council votes (electron/common/trustProperty/contract.ts). */
  /** 积分制: residents' participation points as aggregates (electron/common/points/contract.ts). */
  trustProperty: TrustPropertyApi;
  points: PointsApi;
  /** 民生微实事: communities' micro-projects, their council votes, awards, milestones and ratings (electron/common/microProjects/contract.ts). */
  microProjects: MicroProjectsApi;
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

const auditFilter = z.strictObject({
  fromMs: epochMs.nullable().optional(),
  toMs: epochMs.nullable().optional(),
  actor: z.string().max(128).nullable().optional(),
  action: z.string().max(128).nullable().optional(),
  subject: z.string().max(128).nullable().optional(),
  limit: z.number().int().min(1).max(500).optional(),
  offset: z.number().int().min(0).max(10_000_000).optional(),
});

/**
 * The contract's sections: one line per feature module (its section lives in its own file and is
 * listed here). Checked against the interfaces by the compiler: a method without a spec, or a
 * spec without a method, does not build.
 */
export const SECTIONS = {
  store: {
    getTwinInfo: NO_ARGS('view'),
    renameTwin: m('supervisor', twinName),
    getBuildings: NO_ARGS('view'),
    getBasemap: NO_ARGS('view'),
    getFacilities: NO_ARGS('view'),
    getBuildingDetail: m('view', recordId),
    getBuildingUnits: m('viewer', recordId),
    getHousehold: m('viewer', recordId),
    revealHousehold: m('operator', recordId, reason),
    findBuildings: m('view', z.string().max(100), z.number().int().min(1).max(100)),
  } satisfies Record<keyof StoreApi, MemberSpec>,
  live: {
    getLiveSnapshot: NO_ARGS('view'),
    getStateAt: m('view', epochMs),
    getTimelineRange: NO_ARGS('view'),
    onLiveDelta: 'event',
  } satisfies Record<keyof LiveApi, MemberSpec>,
  window: { getHostInfo: NO_ARGS('public') } satisfies Record<keyof WindowApi, MemberSpec>,
  auth: {
    signIn: m('public', z.string().max(64), z.string().max(256)),
    signInWithToken: m('public', z.string().max(200)),
    signOut: NO_ARGS('public'),
    whoAmI: NO_ARGS('public'),
  } satisfies Record<keyof AuthApi, MemberSpec>,
  audit: {
    query: m('supervisor', auditFilter),
    exportCsv: m('supervisor', auditFilter),
    verify: NO_ARGS('supervisor'),
  } satisfies Record<keyof AuditApi, MemberSpec>,
  typhoon: TYPHOON_SECTION satisfies Record<keyof TyphoonApi, MemberSpec>,
  demo: DEMO_SECTION satisfies Record<keyof DemoApi, MemberSpec>,
  incidents: INCIDENTS_SECTION satisfies Record<keyof IncidentsApi, MemberSpec>,
  alerts: ALERTS_SECTION satisfies Record<keyof AlertsApi, MemberSpec>,
  search: SEARCH_SECTION satisfies Record<keyof SearchApi, MemberSpec>,
  kpi: KPI_SECTION satisfies Record<keyof KpiApi, MemberSpec>,
  dispatch: DISPATCH_SECTION satisfies Record<keyof DispatchApi, MemberSpec>,
  reports: REPORTS_SECTION satisfies Record<keyof ReportsApi, MemberSpec>,
  whistle: WHISTLE_SECTION satisfies Record<keyof WhistleApi, MemberSpec>,
  director: DIRECTOR_SECTION satisfies Record<keyof DirectorApi, MemberSpec>,
  trustProperty: TRUST_PROPERTY_SECTION satisfies Record<keyof TrustPropertyApi, MemberSpec>,
  points: POINTS_SECTION satisfies Record<keyof PointsApi, MemberSpec>,
  microProjects: MICRO_PROJECTS_SECTION satisfies Record<keyof MicroProjectsApi, MemberSpec>,
} as const;

/** Every member of every section with who may call it (`event` for pushed members). */
export const CONTRACT = Object.fromEntries(
  Object.entries(SECTIONS).map(([api, members]) => [api, Object.fromEntries(Object.entries(members).map(([k, v]) => [k, v === 'event' ? 'event' : v.access]))]),
) as { [A in keyof typeof SECTIONS]: { [K in keyof (typeof SECTIONS)[A]]: Access | 'event' } };

/** The spec of `api.method`; null for a name outside the contract or an event. */
export function specOf(api: string, method: string): MethodSpec | null {
  if (!Object.hasOwn(SECTIONS, api)) return null;
  const members = SECTIONS[api as ApiName] as Record<string, MemberSpec>;
  if (!Object.hasOwn(members, method)) return null;
  const spec = members[method]!;
  return spec === 'event' ? null : spec;
}

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

export type { MemberSpec, MethodSpec } from './sections.ts';
