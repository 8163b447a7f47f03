/** Selection, hover, colouring and language: the user's choices, independent of any view. */
import { createStore } from './createStore.ts';

export type Language = 'zh-CN' | 'en';

/** What the right-hand column shows: the incident queue, the meter alerts or the building record. */
/** A right-hand panel's id (the feature modules' panels, renderer/features/registry.ts). */
export type RightPanel = 'incidents' | 'alerts' | 'building' | (string & {});

/** Live map layers the operator can hide. */
export const LIVE_LAYERS = ['incidents', 'resources', 'alerts'] as const;
export type LiveLayer = (typeof LIVE_LAYERS)[number];

export interface UiState {
  /** Building id (not row) shown in the panel and the inspector. */
  selectedBuildingId: number | null;
  /** Building row under the pointer, -1 for none. Read by the map outside React only. */
  hoveredBuildingRow: number;
  /** Household opened from the inspector (一户一档 card). */
  selectedHouseholdId: number | null;
  /**
   * What the extruded buildings are coloured by: the id of a channel a feature module registers
   * (COLOUR_BY_DEFS, renderer/features/registry.ts). Set through `setColourBy`
   * (renderer/features/colourBy.ts), which keeps it to a registered id ('use' otherwise).
   */
  colourBy: string;
  language: Language;
  rightPanel: RightPanel;
  /** Incident open in the detail view. */
  selectedIncidentId: string | null;
  /** Meter alert chosen in the list (its building is selected, its dwelling glows). */
  selectedAlertId: string | null;
  /** Household whose dwelling glows in the inspector (the selected alert's). */
  glowHouseholdId: number | null;
  liveLayers: Record<LiveLayer, boolean>;
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
  rightPanel: 'incidents',
  selectedIncidentId: null,
  selectedAlertId: null,
  glowHouseholdId: null,
  liveLayers: { incidents: true, resources: true, alerts: true },
}));

//#region pure updaters
export const selectBuilding = (id: number | null): void =>
  useUiStore.setState((s) => {
    if (s.selectedBuildingId === id) return s;
    // Leaving the building record for nothing goes back to the incident queue; another building
    // keeps the alert's glow only if it is the alert's building (set again by `selectAlert`).
    const rightPanel = id === null && s.rightPanel === 'building' ? 'incidents' : s.rightPanel;
    return { selectedBuildingId: id, selectedHouseholdId: null, glowHouseholdId: null, rightPanel };
  });
/** A building chosen on the map or in the search: select it and show its record. */
export const showBuilding = (id: number | null): void => {
  selectBuilding(id);
  if (id !== null) useUiStore.setState({ rightPanel: 'building', selectedAlertId: null });
};
export const setRightPanel = (rightPanel: RightPanel): void => useUiStore.setState({ rightPanel });
export const selectIncidentId = (id: string | null): void =>
  useUiStore.setState(id === null ? { selectedIncidentId: null } : { selectedIncidentId: id, rightPanel: 'incidents' });
export const toggleLiveLayer = (layer: LiveLayer): void =>
  useUiStore.setState((s) => ({ liveLayers: { ...s.liveLayers, [layer]: !s.liveLayers[layer] } }));
export const selectHousehold = (id: number | null): void => useUiStore.setState({ selectedHouseholdId: id });
export const hoverBuildingRow = (row: number): void =>
  useUiStore.setState((s) => (s.hoveredBuildingRow === row ? s : { hoveredBuildingRow: row }));
//#endregion
