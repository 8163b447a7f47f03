/**
 * Test hooks for the end-to-end tests that look at what is drawn: `window.__civictwin`. Views
 * register small probes here while they are mounted; the hooks read the stores otherwise. Kept in
 * production builds on purpose: they only read state (and the two setters call the same commands
 * as the UI), and the packaged app is what the e2e tests drive.
 */
import { flyToPreset, type CameraPreset } from '../actions/camera.ts';
import { setLanguage } from '../i18n/index.ts';
import { useTwinStore } from '../state/twinStore.ts';
import { useUiStore, type Language } from '../state/uiStore.ts';

export interface LayerCount {
  id: string;
  count: number;
}

/** Registered by the map view while it is mounted. */
export interface MapProbe {
  /** True after the first deck.gl render that had buildings, base map and facilities. */
  isReady(): boolean;
  layers(): LayerCount[];
  buildingScreenPoint(id: number): [number, number] | null;
}

/** Registered by the inspector scene: what it currently shows. */
export interface InspectorProbe {
  buildingId: number;
  floors: number;
  units: number;
}

export interface CivicTwinTestHooks {
  /** True once buildings, base map and facilities are drawn (first deck render after data). */
  readonly ready: boolean;
  /** Each deck layer id and how many objects it holds; `buildings` counts buildings, not polygons. */
  layers(): { id: string; count: number }[];
  /** CSS-pixel position on the page of the building's roof centre, or null when off screen or under a panel. */
  buildingScreenPoint(id: number): [number, number] | null;
  /** A few building ids (the first 50). */
  buildingIds(): number[];
  /** What the R3F inspector currently shows, or null when it shows nothing. */
  inspector(): { buildingId: number; floors: number; units: number } | null;
  selectedBuildingId(): number | null;
  setLanguage(lng: 'zh-CN' | 'en'): void;
  flyTo(preset: 'overview' | 'oblique' | 'street'): void;
}

declare global {
  interface Window {
    __civictwin?: CivicTwinTestHooks;
  }
}

let mapProbe: MapProbe | null = null;
let inspectorProbe: InspectorProbe | null = null;

export function registerMapProbe(probe: MapProbe | null): void {
  mapProbe = probe;
}
export function setInspectorProbe(probe: InspectorProbe | null): void {
  inspectorProbe = probe;
}

export function installTestHooks(): void {
  const hooks: CivicTwinTestHooks = {
    get ready(): boolean {
      return mapProbe?.isReady() ?? false;
    },
    layers: () => mapProbe?.layers() ?? [],
    buildingScreenPoint: (id: number) => mapProbe?.buildingScreenPoint(id) ?? null,
    buildingIds: () => {
      const cols = useTwinStore.getState().buildings;
      return cols ? Array.from(cols.id.subarray(0, Math.min(50, cols.count))) : [];
    },
    inspector: () => (inspectorProbe ? { ...inspectorProbe } : null),
    selectedBuildingId: () => useUiStore.getState().selectedBuildingId,
    setLanguage: (lng: Language) => setLanguage(lng === 'en' ? 'en' : 'zh-CN'),
    flyTo: (preset: CameraPreset) => flyToPreset(preset),
  };
  window.__civictwin = hooks;
}
