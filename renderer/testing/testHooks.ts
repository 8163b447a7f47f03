/**
 * Test hooks for the end-to-end tests and the browser benchmarks that look at what is drawn:
 * `window.__civictwin`. Views register small probes here while they are mounted; the hooks read
 * the stores otherwise.
 *
 * Only in the test build (.build/renderer-test), the dev server and the fake page: every entry
 * point below starts with `if (!import.meta.env.CIVICTWIN_TEST_HOOKS) return`, a constant Vite
 * replaces (renderer/vite.config.ts), so in the production build their bodies, the hooks object
 * and the `window.__civictwin` global are dead code and dropped. A production page offers no
 * handle into its state or camera (tests/unit/productionBuild.test.ts greps the bundle).
 */
import { flyToPreset, type CameraPreset } from '../actions/camera.ts';
import { setLanguage } from '../i18n/index.ts';
import { useTwinStore } from '../state/twinStore.ts';
import { useUiStore, type Language } from '../state/uiStore.ts';
import { useLiveStore, type LiveMode } from '../state/liveStore.ts';
import { lastDeltaSeq } from '../sources/LiveSource.ts';
import { backToLive, seekTo } from '../sources/replay.ts';

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
  /** True while the camera is flying, easing or being dragged. */
  cameraMoving(): boolean;
  /** Incident ids in the last deck frame. */
  incidentIds(): string[];
  /** Resource position as last drawn. */
  resourcePosition(id: number): [number, number] | null;
  resourceScreenPoint(id: number): [number, number] | null;
  /** Resolves after a deck frame that drew the live store at `version` or later. */
  whenDrawn(version: number): Promise<void>;
}

/** Registered by the inspector scene: what it currently shows. */
export interface InspectorProbe {
  buildingId: number;
  floors: number;
  units: number;
  /** CSS-pixel centre of a household's dwelling box on the page, null if not shown or covered. */
  unitScreenPoint(householdId: number): [number, number] | null;
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
  /** True while the camera is moving: tests wait for it to stop instead of sleeping. */
  cameraMoving(): boolean;
  /** Incident ids drawn on the map in the last frame (open ones and closed ones still fading). */
  incidentIds(): string[];
  /** Status of an incident as the view holds it (live, or as of the replayed moment). */
  incidentStatus(id: string): string | null;
  /** A resource's position as drawn (lon, lat). */
  resourcePosition(id: number): [number, number] | null;
  /** CSS-pixel position on the page of a resource marker, or null when off screen or under a panel. */
  resourceScreenPoint(id: number): [number, number] | null;
  /** Open and acknowledged meter alerts the view holds. */
  alertIds(): string[];
  /** CSS-pixel centre of a household's dwelling in the inspector canvas (for a real click). */
  unitScreenPoint(householdId: number): [number, number] | null;
  mode(): LiveMode;
  /** Enters replay at `atMs`; resolves once that moment's state is drawn on the map. */
  replayTo(atMs: number): Promise<void>;
  backToLive(): void;
  /** Set by a test: called the first time each incident id is rendered in a deck frame. */
  onIncidentDrawn?: (id: string, drawnAtMs: number) => void;
  /** `seq` of the last live delta received. */
  lastDeltaSeq(): number;
}

declare global {
  interface Window {
    __civictwin?: CivicTwinTestHooks;
  }
  interface ImportMetaEnv {
    /** True in builds that carry the test hooks (a build-time constant: renderer/vite.config.ts). */
    readonly CIVICTWIN_TEST_HOOKS?: boolean;
  }
}

let mapProbe: MapProbe | null = null;
let inspectorProbe: InspectorProbe | null = null;

export function registerMapProbe(probe: MapProbe | null): void {
  if (!import.meta.env.CIVICTWIN_TEST_HOOKS) return;
  mapProbe = probe;
}
export function setInspectorProbe(probe: InspectorProbe | null): void {
  if (!import.meta.env.CIVICTWIN_TEST_HOOKS) return;
  inspectorProbe = probe;
}

/** Called by the map after a deck frame that drew `id` for the first time. */
export function notifyIncidentDrawn(id: string, drawnAtMs: number): void {
  if (!import.meta.env.CIVICTWIN_TEST_HOOKS) return;
  const hook = window.__civictwin?.onIncidentDrawn;
  if (!hook) return;
  try {
    hook(id, drawnAtMs);
  } catch (err) {
    console.warn('[civictwin] onIncidentDrawn hook failed', err);
  }
}

export function installTestHooks(): void {
  if (!import.meta.env.CIVICTWIN_TEST_HOOKS) return;
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
    inspector: () => (inspectorProbe ? { buildingId: inspectorProbe.buildingId, floors: inspectorProbe.floors, units: inspectorProbe.units } : null),
    selectedBuildingId: () => useUiStore.getState().selectedBuildingId,
    setLanguage: (lng: Language) => setLanguage(lng === 'en' ? 'en' : 'zh-CN'),
    flyTo: (preset: CameraPreset) => flyToPreset(preset),
    cameraMoving: () => mapProbe?.cameraMoving() ?? false,
    incidentIds: () => mapProbe?.incidentIds() ?? [],
    incidentStatus: (id: string) => useLiveStore.getState().incidents[id]?.status ?? null,
    resourcePosition: (id: number) => mapProbe?.resourcePosition(id) ?? null,
    resourceScreenPoint: (id: number) => mapProbe?.resourceScreenPoint(id) ?? null,
    alertIds: () => Object.keys(useLiveStore.getState().alerts),
    unitScreenPoint: (householdId: number) => inspectorProbe?.unitScreenPoint(householdId) ?? null,
    mode: () => useLiveStore.getState().mode,
    replayTo: async (atMs: number) => {
      await seekTo(atMs);
      await mapProbe?.whenDrawn(useLiveStore.getState().version);
    },
    backToLive: () => backToLive(),
    lastDeltaSeq: () => lastDeltaSeq(),
  };
  window.__civictwin = hooks;
}
