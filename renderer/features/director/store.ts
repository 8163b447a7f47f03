/**
 * Director mode on this screen (issue 12). Two parts:
 *  - a panel of a wall session (`?wall=<session>&panel=<i>`, signed in with a wall token): joins
 *    the session, estimates the host's clock from the round trip of its joins (the sample with the
 *    shortest round trip wins), and applies every scene the host pushes — camera, layers,
 *    colour-by, the right tab, and the player's clock — so that all panels show one moment;
 *  - the director console (an operator's tab): scenes, walls, push, tour, blank, save.
 */
import { createStore } from '../../state/createStore.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostCall } from '../../actions/hostCall.ts';
import { flyToBounds, flyToPreset } from '../../actions/camera.ts';
import { setRightPanel, useUiStore, type UiState } from '../../state/uiStore.ts';
import { playerNow, replayNow, useLiveStore } from '../../state/liveStore.ts';
import { setFutureHorizon } from '../../state/player.ts';
import { backToLive, seekTo } from '../../sources/replay.ts';
import { canDo, useSessionStore } from '../../state/sessionStore.ts';
import { FEATURES } from '../registry.ts';
import { WALL_SESSION_ID, MAX_PANELS, panelRole, playerTimeAt, type PanelRole, type SceneDef, type WallClock } from '../../../data/model/wallScene.ts';
import type { SceneListItem, TourStep, WallSessionView } from '../../../electron/common/director/contract.ts';

/** This page's place on a wall, from its address; null at a console. */
export function panelOfAddress(search: string): { sessionId: string; panel: number } | null {
  const q = new URLSearchParams(search);
  const sessionId = q.get('wall');
  const panel = Number(q.get('panel') ?? '0');
  if (!sessionId || !WALL_SESSION_ID.test(sessionId) || !Number.isInteger(panel) || panel < 0 || panel >= MAX_PANELS) return null;
  return { sessionId, panel };
}
export const PANEL = typeof window === 'undefined' ? null : panelOfAddress(window.location.search);

export interface DirectorState {
  /** The session this panel follows (null at a console). */
  wall: WallSessionView | null;
  /** This panel's role under the scene. */
  role: PanelRole;
  /** Host clock minus this page's clock, ms, and the round trip it was measured over. */
  offsetMs: number;
  rttMs: number;
  /** The console: the session it directs, the scenes and the walls. */
  sessionId: string;
  scenes: SceneListItem[];
  walls: WallSessionView[];
  busy: boolean;
}

export const useDirectorStore = createStore<DirectorState>()(() => ({
  wall: null,
  role: 'overview',
  offsetMs: 0,
  rttMs: Infinity,
  sessionId: PANEL?.sessionId ?? 'main',
  scenes: [],
  walls: [],
  busy: false,
}));

//#region panel
let appliedSeq = -1;
let appliedScene: SceneDef | null = null;
let appliedClock: WallClock | null = null;

/** The host's now, as this page estimates it. */
export function hostNow(): number {
  return Date.now() + useDirectorStore.getState().offsetMs;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function applyClock(clock: WallClock): void {
  if (clock.mode === 'live') {
    setFutureHorizon('director', null);
    backToLive();
    return;
  }
  const offset = useDirectorStore.getState().offsetMs;
  const at = playerTimeAt(clock, hostNow());
  // A scene in the forecast future: the timeline reaches it whatever a module has loaded yet.
  setFutureHorizon('director', clock.anchorMs > hostNow() || at > hostNow() ? Math.max(at, clock.anchorMs) + 24 * 3_600_000 : null);
  void seekTo(at);
  // The host's anchor, on this page's clock: every panel computes the same moment from it.
  useLiveStore.setState({ replay: { anchorMs: clock.anchorMs, anchorWallMs: clock.anchorHostMs - offset, playing: clock.playing, speed: clock.speed } });
}

function applyScene(scene: SceneDef): void {
  const layers = new Set<string>(scene.layers);
  useUiStore.setState({
    liveLayers: { incidents: layers.has('incidents'), resources: layers.has('resources'), alerts: layers.has('alerts') },
    // A channel this screen does not know colours by use (renderer/features/colourBy.ts).
    colourBy: scene.colourBy as UiState['colourBy'],
  });
  for (const f of FEATURES) f.applyScene?.({ layers: scene.layers });
  if (scene.rightPanel) setRightPanel(scene.rightPanel);
  if (scene.camera.kind === 'preset') flyToPreset(scene.camera.preset);
  else flyToBounds(scene.camera.bbox);
}

/** Applies a session's state once per change (a push, or a join that brought news). */
export function followWall(view: WallSessionView): void {
  if (!PANEL || view.id !== PANEL.sessionId || view.seq <= appliedSeq) return;
  appliedSeq = view.seq;
  useDirectorStore.setState({ wall: view, role: panelRole(view.scene, PANEL.panel) });
  if (view.scene && !sameJson(view.scene, appliedScene)) {
    appliedScene = view.scene;
    applyScene(view.scene);
  }
  if (!sameJson(view.clock, appliedClock)) {
    appliedClock = view.clock;
    applyClock(view.clock);
  }
}

/** Joins (or re-joins) the session: one round trip, its clock sample kept if it is the best so far. */
async function join(): Promise<WallSessionView | null> {
  if (!PANEL) return null;
  const api = getAppApi().director;
  const t0 = Date.now();
  const view = await api.joinWall(PANEL.sessionId, PANEL.panel);
  const t1 = Date.now();
  const rtt = t1 - t0;
  const s = useDirectorStore.getState();
  // Each estimate is within rtt/2 of the truth; a later, slower one does not replace a better one
  // (the clocks of one machine do not drift apart in minutes).
  if (rtt <= s.rttMs) {
    useDirectorStore.setState({ offsetMs: view.hostNowMs - (t0 + t1) / 2, rttMs: rtt });
    // A better estimate moves the anchor of the clock already applied.
    const clock = appliedClock;
    if (clock?.mode === 'replay') useLiveStore.setState({ replay: { anchorMs: clock.anchorMs, anchorWallMs: clock.anchorHostMs - useDirectorStore.getState().offsetMs, playing: clock.playing, speed: clock.speed } });
  }
  return view;
}

async function startPanel(): Promise<void> {
  const api = getAppApi().director;
  api.onWallChanged((view) => followWall(view));
  // Clock samples: ten quick joins, then one every 2 s for a minute (a busy page answers some
  // slowly; the shortest round trip of them is kept), then one every 20 s (the host lists the
  // panels it heard from).
  let view: WallSessionView | null = null;
  for (let i = 0; i < 10; i++) {
    try {
      view = (await join()) ?? view;
      if (i === 0 && view) followWall(view);
    } catch (err) {
      console.warn('[civictwin] could not join the wall session', err);
      await new Promise((r) => setTimeout(r, 2000));
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (view) followWall(view);
  const rejoin = (): void => {
    void join()
      .then((v) => v && followWall(v))
      .catch(() => undefined);
  };
  let quick = 0;
  const early = setInterval(() => {
    rejoin();
    if (++quick >= 30) clearInterval(early);
  }, 2000);
  setInterval(rejoin, 20_000);
}
//#endregion

//#region console
export async function loadDirector(): Promise<void> {
  const api = getAppApi().director;
  const [scenes, walls] = await Promise.all([hostCall(() => api.listScenes(), useDirectorStore.getState().scenes), hostCall(() => api.listWalls(), useDirectorStore.getState().walls)]);
  useDirectorStore.setState({ scenes, walls });
}

function mergeWall(view: WallSessionView): void {
  const walls = useDirectorStore.getState().walls.filter((w) => w.id !== view.id);
  useDirectorStore.setState({ walls: [...walls, view].sort((a, b) => a.id.localeCompare(b.id)) });
}

async function act(work: () => Promise<WallSessionView | null>): Promise<void> {
  if (useDirectorStore.getState().busy) return;
  useDirectorStore.setState({ busy: true });
  try {
    const view = await hostCall(work, null);
    if (view) mergeWall(view);
  } finally {
    useDirectorStore.setState({ busy: false });
  }
}

export const setConsoleSession = (sessionId: string): void => useDirectorStore.setState({ sessionId });
const session = (): string => useDirectorStore.getState().sessionId;
export const pushScene = (sceneId: string): Promise<void> => act(() => getAppApi().director.pushScene(session(), sceneId));
export const runTour = (steps: TourStep[], loop: boolean): Promise<void> => act(() => getAppApi().director.runTour(session(), steps, loop));
export const stopTour = (): Promise<void> => act(() => getAppApi().director.stopTour(session()));
export const setBlank = (blanked: boolean): Promise<void> => act(() => getAppApi().director.setBlank(session(), blanked));

/** Saves what this console shows now — layers, colour-by, the right tab, the player's moment — with a camera preset. */
export async function saveCurrentView(title: string, camera: 'overview' | 'oblique' | 'street'): Promise<void> {
  const ui = useUiStore.getState();
  const live = useLiveStore.getState();
  const layers = (['incidents', 'resources', 'alerts'] as const).filter((l) => ui.liveLayers[l]);
  const scene: Omit<SceneDef, 'id' | 'origin' | 'title'> = {
    camera: { kind: 'preset', preset: camera },
    layers: [...layers, 'typhoon'],
    colourBy: ui.colourBy,
    time: live.mode === 'live' ? { kind: 'live' } : { kind: 'at', atMs: Math.round(replayNow()), speed: live.replay.speed, playing: live.replay.playing },
    rightPanel: ui.rightPanel === 'director' ? null : ui.rightPanel,
    panels: null,
  };
  const text = title.trim().slice(0, 60);
  if (!text) return;
  const saved = await hostCall(() => getAppApi().director.saveScene({ zh: text, en: text }, scene), null);
  if (saved) useDirectorStore.setState((s) => ({ scenes: [...s.scenes, saved] }));
}

export async function deleteScene(sceneId: string): Promise<void> {
  const ok = await hostCall(() => getAppApi().director.deleteScene(sceneId), false);
  if (ok) useDirectorStore.setState((s) => ({ scenes: s.scenes.filter((x) => x.id !== sceneId) }));
}
//#endregion

/** Test and benchmark probe (test builds only): what this panel shows, and its clock, sampled now. */
export interface WallProbe {
  panel: { sessionId: string; panel: number } | null;
  seq(): number;
  blanked(): boolean;
  role(): PanelRole;
  sceneId(): string | null;
  /** This page's Date.now() and the player's moment at it (what the time bar shows). */
  sample(): { localMs: number; playerMs: number; mode: string; speed: number; offsetMs: number; rttMs: number };
}
declare global {
  interface Window {
    __civictwinWall?: WallProbe;
  }
}

function installProbe(): void {
  if (!import.meta.env.CIVICTWIN_TEST_HOOKS) return;
  window.__civictwinWall = {
    panel: PANEL,
    seq: () => appliedSeq,
    blanked: () => useDirectorStore.getState().wall?.blanked ?? false,
    role: () => useDirectorStore.getState().role,
    sceneId: () => useDirectorStore.getState().wall?.scene?.id ?? null,
    sample: () => {
      const localMs = Date.now();
      const live = useLiveStore.getState();
      const s = useDirectorStore.getState();
      return { localMs, playerMs: playerNow(), mode: live.mode, speed: live.replay.speed, offsetMs: s.offsetMs, rttMs: s.rttMs };
    },
  };
}

export function startDirector(): void {
  installProbe();
  if (PANEL) {
    void startPanel();
    return;
  }
  if (!canDo(useSessionStore.getState().session, 'operator')) return;
  void loadDirector();
  getAppApi().director.onWallChanged((view) => mergeWall(view));
}
