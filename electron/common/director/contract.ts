/**
 * Director mode's contract section (issue 12, feature module): wall sessions that panels join and
 * follow — one scene and one clock — and the director console that lists scenes, pushes one,
 * runs a timed tour and blanks the wall. Listed once in contract.ts SECTIONS; served by
 * electron/services/director/. A wall token may only join and follow; pushing needs an operator.
 */
import { z } from 'zod';
import {
  CAMERA_PRESETS,
  MAX_PANELS,
  MAX_TOUR_STEPS,
  PANEL_ROLES,
  COLOUR_BY_ID,
  SCENE_LAYERS,
  TOUR_STEP_SECONDS,
  WALL_SESSION_ID,
  type Bilingual,
  type SceneDef,
  type WallClock,
} from '../../../data/model/wallScene.ts';
import { epochMs, m, NO_ARGS, type MemberSpec } from '../sections.ts';

export interface TourStep {
  sceneId: string;
  seconds: number;
}

export interface WallTour {
  steps: TourStep[];
  /** The step on the wall now. */
  index: number;
  /** When the next step comes (host time), or null at the end of a tour that does not loop. */
  nextAtMs: number | null;
  loop: boolean;
}

/** A wall session as panels and the console see it. */
export interface WallSessionView {
  id: string;
  /** Bumped on every change: a panel applies a view once, and never an older one. */
  seq: number;
  blanked: boolean;
  /** The scene on the wall, or null before the first push (panels show the live overview). */
  scene: SceneDef | null;
  clock: WallClock;
  tour: WallTour | null;
  /** Panels joined, by index, with when they last asked (host time). */
  panels: { index: number; lastSeenMs: number }[];
  /** Who pushed the scene or blanked the wall; null on a wall. */
  changedBy: string | null;
  /** The host's Date.now() when this view was made (the panels' time reference). */
  hostNowMs: number;
}

/** A scene in the director console's list. */
export interface SceneListItem {
  id: string;
  title: Bilingual;
  origin: string;
  scene: SceneDef;
  /** Who saved it (saved scenes); null for a module's. */
  createdBy: string | null;
}

export interface DirectorApi {
  /** Every scene the modules bring and operators saved. */
  listScenes(): Promise<SceneListItem[]>;
  /** A session's state (made if new); panels call this to join (and again to keep their clock). */
  joinWall(sessionId: string, panel: number): Promise<WallSessionView>;
  getWall(sessionId: string): Promise<WallSessionView>;
  /** Wall sessions with a panel seen in the last minute, or a scene on them. */
  listWalls(): Promise<WallSessionView[]>;
  /** Puts a scene on every panel of the session (ends a tour running there). */
  pushScene(sessionId: string, sceneId: string): Promise<WallSessionView>;
  /** Scenes in turn, each for its seconds; `loop` starts again after the last. */
  runTour(sessionId: string, steps: TourStep[], loop: boolean): Promise<WallSessionView>;
  stopTour(sessionId: string): Promise<WallSessionView>;
  /** A blank wall shows the product's name and nothing else; unblank shows the scene again. */
  setBlank(sessionId: string, blanked: boolean): Promise<WallSessionView>;
  /** Saves a scene (its id is made by the host). */
  saveScene(title: Bilingual, scene: Omit<SceneDef, 'id' | 'origin' | 'title'>): Promise<SceneListItem>;
  deleteScene(sceneId: string): Promise<boolean>;
  /** Pushed when a session changes (each view gets it as getWall would give it). */
  onWallChanged(listener: (wall: WallSessionView) => void): () => void;
}

const sessionId = z.string().regex(WALL_SESSION_ID, 'a wall session id is 1–32 lower-case letters, digits or dashes');
const sceneId = z.string().min(1).max(64);
const title = z.strictObject({ zh: z.string().trim().min(1).max(60), en: z.string().trim().min(1).max(80) });
const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
/** The player's speeds (SCENE_SPEEDS). */
const speed = z.union([z.literal(1), z.literal(5), z.literal(15), z.literal(60)]);
const sceneState = z.strictObject({
  camera: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('preset'), preset: z.enum(CAMERA_PRESETS) }),
    z.strictObject({ kind: z.literal('bounds'), bbox: z.tuple([lon, lat, lon, lat]) }),
  ]),
  layers: z.array(z.enum(SCENE_LAYERS)).max(SCENE_LAYERS.length),
  colourBy: z.string().regex(COLOUR_BY_ID),
  time: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('live') }),
    z.strictObject({ kind: z.literal('at'), atMs: epochMs, speed, playing: z.boolean() }),
    z.strictObject({ kind: z.literal('offset'), offsetMs: z.number().int().min(-30 * 86_400_000).max(10 * 86_400_000), speed, playing: z.boolean() }),
  ]),
  rightPanel: z.string().min(1).max(32).nullable(),
  panels: z.array(z.enum(PANEL_ROLES)).min(1).max(MAX_PANELS).nullable(),
});
const tourSteps = z
  .array(z.strictObject({ sceneId, seconds: z.number().int().min(TOUR_STEP_SECONDS.min).max(TOUR_STEP_SECONDS.max) }))
  .min(1)
  .max(MAX_TOUR_STEPS);

export const DIRECTOR_SECTION = {
  listScenes: NO_ARGS('operator'),
  joinWall: m('view', sessionId, z.number().int().min(0).max(MAX_PANELS - 1)),
  getWall: m('view', sessionId),
  listWalls: NO_ARGS('operator'),
  pushScene: m('operator', sessionId, sceneId),
  runTour: m('operator', sessionId, tourSteps, z.boolean()),
  stopTour: m('operator', sessionId),
  setBlank: m('operator', sessionId, z.boolean()),
  saveScene: m('operator', title, sceneState),
  deleteScene: m('supervisor', sceneId),
  onWallChanged: 'event',
} as const satisfies Record<keyof DirectorApi, MemberSpec>;
