/** Selection, hover, colouring and language: the user's choices, independent of any view. */
import { createStore } from './createStore.ts';

/** Building attribute the extruded buildings are coloured by. */
export const COLOUR_BY = ['use', 'residents', 'elderlyPct', 'careHouseholds', 'openIncidents'] as const;
export type ColourBy = (typeof COLOUR_BY)[number];

export type Language = 'zh-CN' | 'en';

export interface UiState {
  /** Building id (not row) shown in the panel and the inspector. */
  selectedBuildingId: number | null;
  /** Building row under the pointer, -1 for none. Read by the map outside React only. */
  hoveredBuildingRow: number;
  /** Household opened from the inspector (一户一档 card). */
  selectedHouseholdId: number | null;
  colourBy: ColourBy;
  language: Language;
}

export const LANGUAGE_KEY = 'civictwin.language';

function initialLanguage(): Language {
  try {
    return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export const useUiStore = createStore<UiState>()(() => ({
  selectedBuildingId: null,
  hoveredBuildingRow: -1,
  selectedHouseholdId: null,
  colourBy: 'use',
  language: initialLanguage(),
}));

//#region pure updaters
export const selectBuilding = (id: number | null): void =>
  useUiStore.setState((s) => (s.selectedBuildingId === id ? s : { selectedBuildingId: id, selectedHouseholdId: null }));
export const selectHousehold = (id: number | null): void => useUiStore.setState({ selectedHouseholdId: id });
export const hoverBuildingRow = (row: number): void =>
  useUiStore.setState((s) => (s.hoveredBuildingRow === row ? s : { hoveredBuildingRow: row }));
export const setColourBy = (colourBy: ColourBy): void => useUiStore.setState({ colourBy });
//#endregion
