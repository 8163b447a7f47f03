/**
 * Row objects for the handful of things a panel shows: the selected building's detail, its
 * dwellings (inspector) and the open household record. Each slot remembers which id it holds so a
 * late answer for a previous selection is dropped.
 */
import type { BuildingDetail, BuildingUnits, HouseholdRecord } from '../../electron/common/dto.ts';
import { createStore } from './createStore.ts';

export interface Slot<T> {
  /** Id requested; `null` when nothing is selected. */
  id: number | null;
  loading: boolean;
  /** `null` while loading, when nothing is selected, or when the host has no such record. */
  value: T | null;
}
export interface DetailState {
  building: Slot<BuildingDetail>;
  units: Slot<BuildingUnits>;
  household: Slot<HouseholdRecord>;
}
const empty = <T,>(): Slot<T> => ({ id: null, loading: false, value: null });
export const useDetailStore = createStore<DetailState>()(() => ({
  building: empty(),
  units: empty(),
  household: empty(),
}));
