/**
 * Director mode (issue 12): a wall of panels that follow one scene and one clock. A scene is saved
 * state — camera, visible layers, colour-by, time (live, or a replayed or forecast moment and its
 * speed) and what each panel shows. Feature modules bring scenes of their own (the typhoon's
 * "approach"); operators save more. Pure: types, limits and the clock's arithmetic.
 */

export interface Bilingual {
  zh: string;
  en: string;
}

/**
 * A "colour buildings by" channel's id (the feature modules register them in the renderer; a
 * panel that knows no such channel colours by use).
 */
export const COLOUR_BY_ID = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;

/** Layers a scene turns on (every other one off): the live layers and the modules' map layers. */
export const SCENE_LAYERS = ['incidents', 'resources', 'alerts', 'typhoon'] as const;
export type SceneLayer = (typeof SCENE_LAYERS)[number];

export const CAMERA_PRESETS = ['overview', 'oblique', 'street'] as const;
export type SceneCamera =
  | { kind: 'preset'; preset: (typeof CAMERA_PRESETS)[number] }
  /** [west, south, east, north] seen whole from above (a storm's track with the district). */
  | { kind: 'bounds'; bbox: [number, number, number, number] };

/** The player's speeds (the timeline's 1×–60×). */
export const SCENE_SPEEDS = [1, 5, 15, 60] as const;
export type SceneSpeed = (typeof SCENE_SPEEDS)[number];

export type SceneTime =
  | { kind: 'live' }
  /** A fixed moment (a replay of this morning, a forecast hour). */
  | { kind: 'at'; atMs: number; speed: SceneSpeed; playing: boolean }
  /** A moment relative to when the scene is pushed (−1 h: "the last hour again"; +6 h: the forecast). */
  | { kind: 'offset'; offsetMs: number; speed: SceneSpeed; playing: boolean };

/** What a panel of the wall shows: the 3D overview or one board (renderer/layout CellRole). */
export const PANEL_ROLES = ['overview', 'incidents', 'typhoon', 'kpis', 'resources', 'camera'] as const;
export type PanelRole = (typeof PANEL_ROLES)[number];
/** Panels a wall session holds at most (a 4×2 wall, two rows of a 3×3 with spares). */
export const MAX_PANELS = 16;
/** What panels show when a scene says nothing about them: the overview on the first, boards beside it. */
export const DEFAULT_PANEL_ROLES: readonly PanelRole[] = ['overview', 'kpis', 'incidents', 'typhoon', 'resources', 'overview'];

export interface SceneDef {
  /** `<module>.<name>` for a module's scene, `saved.<n>` for an operator's. */
  id: string;
  title: Bilingual;
  /** The module that brought it, or `saved`. */
  origin: string;
  camera: SceneCamera;
  layers: SceneLayer[];
  colourBy: string;
  time: SceneTime;
  /** The right column's tab on panels that show the overview with panels (console layouts), or null. */
  rightPanel: string | null;
  /** Role per panel index; null: DEFAULT_PANEL_ROLES. */
  panels: PanelRole[] | null;
}

/** The one clock every panel of a session follows. */
export type WallClock =
  | { mode: 'live' }
  /** Player time `anchorMs` at the host's `anchorHostMs` (its Date.now), running at `speed` while playing. */
  | { mode: 'replay'; anchorMs: number; anchorHostMs: number; speed: SceneSpeed; playing: boolean };

/** The clock a scene starts when pushed at the host's `hostNowMs`. */
export function clockFor(time: SceneTime, hostNowMs: number): WallClock {
  if (time.kind === 'live') return { mode: 'live' };
  const anchorMs = time.kind === 'at' ? time.atMs : hostNowMs + time.offsetMs;
  return { mode: 'replay', anchorMs, anchorHostMs: hostNowMs, speed: time.speed, playing: time.playing };
}

/** The player's moment on `clock` at the host's `hostNowMs`. */
export function playerTimeAt(clock: WallClock, hostNowMs: number): number {
  if (clock.mode === 'live') return hostNowMs;
  return clock.playing ? clock.anchorMs + (hostNowMs - clock.anchorHostMs) * clock.speed : clock.anchorMs;
}

/** The role of panel `index` under `scene`. */
export function panelRole(scene: Pick<SceneDef, 'panels'> | null, index: number): PanelRole {
  const roles = scene?.panels ?? DEFAULT_PANEL_ROLES;
  return roles[index] ?? (scene?.panels ? 'overview' : DEFAULT_PANEL_ROLES[index % DEFAULT_PANEL_ROLES.length]!);
}

/** A wall session's id: what a panel's URL carries (`?wall=lobby&panel=0`). */
export const WALL_SESSION_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Tours: each step holds its scene this long, s. */
export const TOUR_STEP_SECONDS = { min: 5, max: 3600 } as const;
export const MAX_TOUR_STEPS = 50;
