/**
 * The one contract between the hosts (Electron main, web host) and the renderer. The renderer
 * imports this module as types only; the hosts implement it; the preload and the web client build
 * the same object from it. Channel names are derived from the keys below, never written twice.
 */
import type {
  BasemapCollection,
  BuildingColumns,
  BuildingDetail,
  BuildingHit,
  BuildingUnits,
  Facility,
  HostInfo,
  HouseholdRecord,
  TwinInfo,
} from './dto.ts';

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
  /** Address search for "fly to a building". */
  findBuildings(text: string, limit: number): Promise<BuildingHit[]>;
}

export interface WindowApi {
  getHostInfo(): Promise<HostInfo>;
}

/** What `window.app` (Electron) and the web client expose to the renderer. */
export interface AppApi {
  store: StoreApi;
  window: WindowApi;
}

/** Runtime list of every method of every API, checked against the interfaces by the compiler. */
export const CONTRACT = {
  store: {
    getTwinInfo: true,
    getBuildings: true,
    getBasemap: true,
    getFacilities: true,
    getBuildingDetail: true,
    getBuildingUnits: true,
    getHousehold: true,
    findBuildings: true,
  } satisfies Record<keyof StoreApi, true>,
  window: { getHostInfo: true } satisfies Record<keyof WindowApi, true>,
} as const;

export type ApiName = keyof AppApi;
export type MethodOf<A extends ApiName> = keyof AppApi[A] & string;

/** `app:store.getBuildings`: every channel is `app:`-prefixed so a generic path can be gated. */
export const channelOf = (api: ApiName, method: string): string => `app:${api}.${method}`;
export const isAppChannel = (channel: string): boolean => channel.startsWith('app:');

/** Every (api, method) pair, for hosts that register handlers and clients that build proxies. */
export function contractMethods(): { api: ApiName; method: string }[] {
  const out: { api: ApiName; method: string }[] = [];
  for (const api of Object.keys(CONTRACT) as ApiName[]) {
    for (const method of Object.keys(CONTRACT[api])) out.push({ api, method });
  }
  return out;
}
