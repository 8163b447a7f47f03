/**
 * The twin's bulk data as the host sent it, plus what the renderer derives once from it (closed
 * rings, per-vertex building rows, centroids). Views read from here, so a view remounted after a
 * WebGL context loss rebuilds every GPU resource without asking the host again.
 */
import type { BasemapCollection, BuildingColumns, Facility, HostInfo, TwinInfo } from '../../electron/common/dto.ts';
import { createStore } from './createStore.ts';
import type { BuildingGeometry } from '../views/map/layers/buildingGeometry.ts';

/** The loading steps shown on the start screen, in order. */
export const LOAD_STEPS = ['info', 'buildings', 'basemap', 'facilities'] as const;
export type LoadStep = (typeof LOAD_STEPS)[number];

export interface TwinState {
  /** `loading` until every step is done; `error` keeps the message of the failed step. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Steps finished so far. */
  done: LoadStep[];
  error: string | null;
  info: TwinInfo | null;
  host: HostInfo | null;
  buildings: BuildingColumns | null;
  geometry: BuildingGeometry | null;
  basemap: BasemapCollection | null;
  facilities: Facility[];
}

export const useTwinStore = createStore<TwinState>()(() => ({
  status: 'idle',
  done: [],
  error: null,
  info: null,
  host: null,
  buildings: null,
  geometry: null,
  basemap: null,
  facilities: [],
}));
