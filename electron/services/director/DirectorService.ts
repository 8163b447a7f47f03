/**
 * Director mode (issue 12): the host holds each wall session's scene and clock; every panel of
 * the session follows them. A console pushes a scene, runs a timed tour or blanks the wall; the
 * change reaches every panel over the live push (IPC or WebSocket: `director.onWallChanged`) and
 * each panel re-reads its clock from `joinWall`. Sessions live in memory: a host restart leaves
 * the panels on the live overview until the next push.
 */
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { deleteSavedScene, listSavedScenes, saveScene } from '../../../data/store/director/scenes.ts';
import { clockFor, type Bilingual, type SceneDef } from '../../../data/model/wallScene.ts';
import type { AppApi } from '../../common/contract.ts';
import type { DirectorApi, SceneListItem, TourStep, WallSessionView } from '../../common/director/contract.ts';
import type { WallClock } from '../../../data/model/wallScene.ts';
import { auditName, seesNoOne } from '../../common/access.ts';
import { currentCaller } from '../callContext.ts';
import { appendAudit } from '../audit.ts';
import { SCENE_PROVIDERS } from '../wallScenes.ts';
import { directorScenes } from './builtinScenes.ts';

/** Sessions kept at most; beyond, the longest idle without a scene goes first. */
const MAX_SESSIONS = 32;
/** A panel not heard from for this long is no longer listed. */
const PANEL_GONE_MS = 60_000;

interface Session {
  id: string;
  seq: number;
  blanked: boolean;
  scene: SceneDef | null;
  clock: WallClock;
  tour: { steps: TourStep[]; index: number; loop: boolean; nextAtMs: number | null; timer: NodeJS.Timeout | null; by: string } | null;
  panels: Map<number, number>;
  changedBy: string | null;
  touchedMs: number;
}

export interface DirectorDeps {
  store: DuckDbStore;
  sections: () => AppApi;
  log: (line: string) => void;
  now?: () => number;
}

export class DirectorService implements DirectorApi {
  private readonly sessions = new Map<string, Session>();
  private readonly listeners = new Set<(wall: WallSessionView) => void>();

  public constructor(private readonly deps: DirectorDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  public async listScenes(): Promise<SceneListItem[]> {
    const ctx = { store: this.deps.store, sections: this.deps.sections, nowMs: this.now() };
    const fromModules: SceneDef[] = [...directorScenes(ctx)];
    for (const provider of SCENE_PROVIDERS) {
      try {
        fromModules.push(...(await provider(ctx)));
      } catch (err) {
        this.deps.log(`director: a module's scenes could not be listed: ${(err as Error).message}`);
      }
    }
    const saved = await listSavedScenes(this.deps.store);
    return [
      ...fromModules.map((scene) => ({ id: scene.id, title: scene.title, origin: scene.origin, scene, createdBy: null })),
      ...saved.map(({ createdBy, ...scene }) => ({ id: scene.id, title: scene.title, origin: scene.origin, scene, createdBy })),
    ];
  }

  public async joinWall(sessionId: string, panel: number): Promise<WallSessionView> {
    const session = this.session(sessionId);
    const isNew = !session.panels.has(panel);
    session.panels.set(panel, this.now());
    if (isNew) this.changed(session);
    return this.viewFor(session);
  }

  public async getWall(sessionId: string): Promise<WallSessionView> {
    return this.viewFor(this.session(sessionId));
  }

  public async listWalls(): Promise<WallSessionView[]> {
    const now = this.now();
    return [...this.sessions.values()]
      .filter((s) => s.scene !== null || s.blanked || [...s.panels.values()].some((t) => now - t < PANEL_GONE_MS))
      .map((s) => this.viewFor(s));
  }

  public async pushScene(sessionId: string, sceneId: string): Promise<WallSessionView> {
    const session = this.session(sessionId);
    const scene = await this.findScene(sceneId);
    this.endTour(session);
    this.show(session, scene, this.caller());
    await this.audit('wall_scene_pushed', session, sceneId);
    return this.viewFor(session);
  }

  public async runTour(sessionId: string, steps: TourStep[], loop: boolean): Promise<WallSessionView> {
    const session = this.session(sessionId);
    // Every scene is checked before the tour starts: a mistyped id never leaves a wall half-toured.
    const scenes = await this.listScenes();
    for (const step of steps) if (!scenes.some((s) => s.id === step.sceneId)) throw new Error(`No scene ${step.sceneId}: list the scenes for their ids.`);
    this.endTour(session);
    session.tour = { steps: steps.map((s) => ({ ...s })), index: -1, loop, nextAtMs: null, timer: null, by: this.caller() };
    await this.audit('wall_tour_started', session, steps.map((s) => `${s.sceneId}:${s.seconds}s`).join(', ').slice(0, 400));
    await this.tourStep(session, 0);
    return this.viewFor(session);
  }

  public async stopTour(sessionId: string): Promise<WallSessionView> {
    const session = this.session(sessionId);
    if (session.tour) {
      this.endTour(session);
      this.changed(session, this.caller());
    }
    return this.viewFor(session);
  }

  public async setBlank(sessionId: string, blanked: boolean): Promise<WallSessionView> {
    const session = this.session(sessionId);
    if (session.blanked !== blanked) {
      session.blanked = blanked;
      this.changed(session, this.caller());
      await this.audit(blanked ? 'wall_blanked' : 'wall_unblanked', session, null);
    }
    return this.viewFor(session);
  }

  public async saveScene(title: Bilingual, scene: Omit<SceneDef, 'id' | 'origin' | 'title'>): Promise<SceneListItem> {
    const by = auditName(currentCaller() ?? { kind: 'system', name: 'host' });
    const saved = await saveScene(this.deps.store, title, scene, by, this.now());
    await appendAudit(this.deps.store, { actor: by, action: 'wall_scene_saved', subject: `scene:${saved.id}`, reason: title.zh, atMs: this.now() });
    return { id: saved.id, title: saved.title, origin: saved.origin, scene: saved, createdBy: by };
  }

  public async deleteScene(sceneId: string): Promise<boolean> {
    const n = /^saved\.(\d{1,9})$/.exec(sceneId);
    if (!n) throw new Error('Only a saved scene can be deleted (a module brings its own).');
    const deleted = await deleteSavedScene(this.deps.store, Number(n[1]), this.now());
    if (deleted) await appendAudit(this.deps.store, { actor: auditName(currentCaller() ?? { kind: 'system', name: 'host' }), action: 'wall_scene_deleted', subject: `scene:${sceneId}`, reason: null, atMs: this.now() });
    return deleted;
  }

  public onWallChanged(listener: (wall: WallSessionView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  public stop(): void {
    for (const s of this.sessions.values()) this.endTour(s);
    this.listeners.clear();
  }

  /** The session as a caller may see it: a wall is not told who changed it. */
  public viewFor(session: Session, wall = seesNoOne(currentCaller())): WallSessionView {
    const now = this.now();
    return {
      id: session.id,
      seq: session.seq,
      blanked: session.blanked,
      scene: session.scene,
      clock: session.clock,
      tour: session.tour ? { steps: session.tour.steps, index: session.tour.index, nextAtMs: session.tour.nextAtMs, loop: session.tour.loop } : null,
      panels: [...session.panels.entries()].filter(([, t]) => now - t < PANEL_GONE_MS).map(([index, lastSeenMs]) => ({ index, lastSeenMs })).sort((a, b) => a.index - b.index),
      changedBy: wall ? null : session.changedBy,
      hostNowMs: now,
    };
  }

  private session(id: string): Session {
    let s = this.sessions.get(id);
    if (!s) {
      if (this.sessions.size >= MAX_SESSIONS) this.forgetIdlest();
      s = { id, seq: 0, blanked: false, scene: null, clock: { mode: 'live' }, tour: null, panels: new Map(), changedBy: null, touchedMs: this.now() };
      this.sessions.set(id, s);
    }
    s.touchedMs = this.now();
    return s;
  }

  private forgetIdlest(): void {
    const idle = [...this.sessions.values()].filter((s) => !s.tour).sort((a, b) => Number(a.scene !== null) - Number(b.scene !== null) || a.touchedMs - b.touchedMs)[0];
    if (!idle) throw new Error(`This host holds ${MAX_SESSIONS} wall sessions with tours running: stop one first.`);
    this.sessions.delete(idle.id);
  }

  private async findScene(sceneId: string): Promise<SceneDef> {
    const item = (await this.listScenes()).find((s) => s.id === sceneId);
    if (!item) throw new Error(`No scene ${sceneId}: list the scenes for their ids.`);
    return item.scene;
  }

  private show(session: Session, scene: SceneDef, by: string): void {
    session.scene = scene;
    session.clock = clockFor(scene.time, this.now());
    this.changed(session, by);
  }

  private async tourStep(session: Session, index: number): Promise<void> {
    const tour = session.tour;
    if (!tour) return;
    if (index >= tour.steps.length) {
      if (!tour.loop) {
        tour.nextAtMs = null;
        session.tour = null;
        this.changed(session, tour.by);
        return;
      }
      index = 0;
    }
    const step = tour.steps[index]!;
    tour.index = index;
    tour.nextAtMs = this.now() + step.seconds * 1000;
    tour.timer = setTimeout(() => {
      if (session.tour !== tour) return;
      tour.timer = null;
      void this.tourStep(session, index + 1).catch((err: unknown) => this.deps.log(`director: tour step failed: ${(err as Error).message}`));
    }, step.seconds * 1000);
    tour.timer.unref?.();
    try {
      this.show(session, await this.findScene(step.sceneId), tour.by);
    } catch (err) {
      // A saved scene deleted mid-tour: the wall keeps the last one until the next step.
      this.deps.log(`director: tour scene ${step.sceneId}: ${(err as Error).message}`);
      this.changed(session, tour.by);
    }
  }

  private endTour(session: Session): void {
    if (session.tour?.timer) clearTimeout(session.tour.timer);
    session.tour = null;
  }

  private caller(): string {
    return auditName(currentCaller() ?? { kind: 'system', name: 'host' });
  }

  /** `by`: who made the change (a panel joining changes nothing anyone did). */
  private changed(session: Session, by?: string): void {
    session.seq++;
    if (by !== undefined) session.changedBy = by;
    const view = this.viewFor(session, false);
    for (const l of this.listeners) l(view);
  }

  private async audit(action: string, session: Session, reason: string | null): Promise<void> {
    await appendAudit(this.deps.store, { actor: this.caller(), action, subject: `wall:${session.id}`, reason, atMs: this.now() });
  }
}
