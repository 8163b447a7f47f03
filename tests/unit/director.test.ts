/**
 * Director mode (issue 12): the host's wall sessions. Panels join a session and follow the one
 * scene and clock the host holds; an operator pushes a scene, runs a timed tour (in order, looping
 * or not), blanks and unblanks the wall; a wall token may join and follow but never push, tour or
 * blank; saved scenes stay in the twin; a wall is not told who pushed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { DirectorService } from '../../electron/services/director/DirectorService.ts';
import { dispatch, AccessDeniedError } from '../../electron/services/index.ts';
import { runAs } from '../../electron/services/callContext.ts';
import { WALL_VIEW_OF_EVENT } from '../../electron/services/wallView.ts';
import type { AppApi } from '../../electron/common/contract.ts';
import type { WallSessionView } from '../../electron/common/director/contract.ts';
import type { Principal } from '../../electron/common/access.ts';
import { playerTimeAt } from '../../data/model/wallScene.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir('civictwin-director-');
const HOUR = 3_600_000;
const operator: Principal = { kind: 'person', userId: 2, username: 'duty1', displayName: '值班员', role: 'operator' };
const viewer: Principal = { kind: 'person', userId: 4, username: 'looker', displayName: '观察员', role: 'viewer' };
const wall: Principal = { kind: 'wall', tokenId: 7, name: 'hall wall' };
const as = <T>(caller: Principal, work: () => Promise<T>): Promise<T> => runAs({ caller, via: 'http' }, work);

let store: DuckDbStore;
let nowMs = Date.UTC(2026, 8, 1, 2, 0, 0);
const landfallMs = nowMs + 10 * HOUR;
/** The typhoon section as the scenes provider reads it: one storm coming now. */
const sections = (): AppApi =>
  ({
    typhoon: {
      listStorms: async () => [
        { id: 'CMA:2609', agency: 'CMA', number: '2609', year: 2026, name: 'LEKIMA', nameZh: '利奇马', fixes: 3, firstUtcMs: nowMs - 30 * HOUR, lastUtcMs: nowMs - HOUR, peakWindMs: 52, peakGrade: 'SuperTY', landfallUtcMs: landfallMs, landfallPlace: '温岭', closestKm: 20, hasForecast: true },
      ],
      getStormTrack: async () => ({
        storm: { id: 'CMA:2609', agency: 'CMA', number: '2609', year: 2026, name: 'LEKIMA', nameZh: '利奇马' },
        fixes: [{ lon: 124, lat: 26 }, { lon: 123, lat: 27 }],
        forecast: [{ lon: 121.5, lat: 28.3 }],
        landfalls: [],
      }),
    },
  }) as unknown as AppApi;

let director: DirectorService;
const events: WallSessionView[] = [];

beforeAll(async () => {
  store = await DuckDbStore.open(tmp.path('director.duckdb'), { create: true });
  director = new DirectorService({ store, sections, log: () => undefined, now: () => nowMs });
  director.onWallChanged((v) => events.push(v));
}, 60_000);
afterEach(() => vi.useRealTimers());
afterAll(() => {
  director.stop();
  store.close();
  tmp.cleanup();
});

describe('scenes', () => {
  it('lists the director’s own scenes and the typhoon module’s, made of the storm coming now', async () => {
    const scenes = await as(operator, () => director.listScenes());
    const ids = scenes.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['director.live', 'director.lastHour', 'typhoon.approach', 'typhoon.landfall']));
    const approach = scenes.find((s) => s.id === 'typhoon.approach')!.scene;
    expect(approach.title.zh).toContain('利奇马');
    expect(approach.layers).toContain('typhoon');
    expect(approach.time).toEqual({ kind: 'at', atMs: landfallMs - 6 * HOUR, speed: 15, playing: true });
    // The camera takes in the track and its forecast.
    expect(approach.camera.kind).toBe('bounds');
    if (approach.camera.kind === 'bounds') expect(approach.camera.bbox[0]).toBeLessThan(121.5);
  });

  it('keeps scenes an operator saves in the twin (another host on it lists them), and deletes them for a supervisor only', async () => {
    const saved = await as(operator, () =>
      director.saveScene({ zh: '夜间巡查', en: 'Night watch' }, { camera: { kind: 'preset', preset: 'street' }, layers: ['resources'], colourBy: 'careHouseholds', time: { kind: 'live' }, rightPanel: null, panels: ['overview', 'overview'] }),
    );
    expect(saved.id).toMatch(/^saved\.\d+$/);
    expect(saved.createdBy).toBe('duty1');
    const again = new DirectorService({ store, sections, log: () => undefined, now: () => nowMs });
    const listed = (await as(operator, () => again.listScenes())).find((s) => s.id === saved.id)!;
    expect(listed.scene.colourBy).toBe('careHouseholds');
    expect(listed.scene.panels).toEqual(['overview', 'overview']);
    const api = { director } as unknown as AppApi;
    await expect(dispatch(api, 'director', 'deleteScene', [saved.id], { caller: operator, via: 'http' })).rejects.toBeInstanceOf(AccessDeniedError);
    const supervisor: Principal = { ...operator, username: 'chief', role: 'supervisor' };
    expect(await dispatch(api, 'director', 'deleteScene', [saved.id], { caller: supervisor, via: 'http' })).toBe(true);
    expect((await as(operator, () => director.listScenes())).some((s) => s.id === saved.id)).toBe(false);
  });
});

describe('a wall session', () => {
  it('puts a pushed scene and its clock on every panel that joined', async () => {
    for (const panel of [0, 1, 2, 3]) await as(wall, () => director.joinWall('lobby', panel));
    const before = events.length;
    const pushed = await as(operator, () => director.pushScene('lobby', 'typhoon.approach'));
    expect(pushed.scene?.id).toBe('typhoon.approach');
    expect(pushed.panels.map((p) => p.index)).toEqual([0, 1, 2, 3]);
    expect(pushed.changedBy).toBe('duty1');
    // One clock: the forecast hour at the host's now, running at 15×.
    expect(pushed.clock).toEqual({ mode: 'replay', anchorMs: landfallMs - 6 * HOUR, anchorHostMs: nowMs, speed: 15, playing: true });
    expect(playerTimeAt(pushed.clock, nowMs + 2000)).toBe(landfallMs - 6 * HOUR + 30_000);
    // Pushed once to every view; what each panel reads is the same scene, seq and clock.
    const pushes = events.slice(before);
    expect(pushes).toHaveLength(1);
    for (const panel of [0, 1, 2, 3]) {
      const view = await as(wall, () => director.joinWall('lobby', panel));
      expect(view.seq).toBe(pushed.seq);
      expect(view.clock).toEqual(pushed.clock);
      expect(view.scene?.id).toBe('typhoon.approach');
      // A wall is not told who pushed.
      expect(view.changedBy).toBeNull();
    }
    expect((WALL_VIEW_OF_EVENT['director.onWallChanged']!(pushes[0]) as WallSessionView).changedBy).toBeNull();
    // A live scene: the host's own now.
    const live = await as(operator, () => director.pushScene('lobby', 'director.live'));
    expect(live.clock).toEqual({ mode: 'live' });
  });

  it('blanks and unblanks the wall, keeping the scene for after', async () => {
    const blank = await as(operator, () => director.setBlank('lobby', true));
    expect(blank.blanked).toBe(true);
    expect(events.at(-1)!.blanked).toBe(true);
    expect((await as(wall, () => director.getWall('lobby'))).blanked).toBe(true);
    const back = await as(operator, () => director.setBlank('lobby', false));
    expect(back.blanked).toBe(false);
    expect(back.scene?.id).toBe('director.live');
  });

  it('runs a tour in its order, each scene for its seconds, and loops; pushing a scene ends it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const shown: string[] = [];
    const off = director.onWallChanged((v) => v.id === 'tour' && v.scene && shown.at(-1) !== v.scene.id && shown.push(v.scene.id));
    const steps = [
      { sceneId: 'director.live', seconds: 10 },
      { sceneId: 'typhoon.approach', seconds: 5 },
      { sceneId: 'director.care', seconds: 20 },
    ];
    const started = await as(operator, () => director.runTour('tour', steps, true));
    expect(started.tour).toMatchObject({ index: 0, loop: true, nextAtMs: nowMs + 10_000 });
    const advance = async (ms: number): Promise<void> => {
      const had = shown.length;
      nowMs += ms;
      await vi.advanceTimersByTimeAsync(ms);
      // The step's scene is read from the twin: let that finish.
      for (let i = 0; i < 2000 && shown.length === had; i++) await new Promise((r) => setImmediate(r));
    };
    await advance(10_000);
    await advance(5_000);
    await advance(20_000);
    expect(shown).toEqual(['director.live', 'typhoon.approach', 'director.care', 'director.live']);
    expect((await director.getWall('tour')).tour?.index).toBe(0);
    await as(operator, () => director.pushScene('tour', 'director.care'));
    expect((await director.getWall('tour')).tour).toBeNull();
    off();
  });

  it('ends a tour that does not loop on its last scene', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await as(operator, () => director.runTour('once', [{ sceneId: 'director.lastHour', seconds: 5 }, { sceneId: 'director.live', seconds: 5 }], false));
    for (const ms of [5000, 5000]) {
      nowMs += ms;
      await vi.advanceTimersByTimeAsync(ms);
      await vi.waitFor(async () => expect((await director.getWall('once')).scene?.id).toBe('director.live'), { timeout: 5000 });
    }
    await vi.waitFor(async () => expect((await director.getWall('once')).tour).toBeNull(), { timeout: 5000 });
    expect((await director.getWall('once')).scene?.id).toBe('director.live');
  });

  it('refuses a tour with a scene that does not exist before anything changes', async () => {
    const before = (await director.getWall('lobby')).seq;
    await expect(as(operator, () => director.runTour('lobby', [{ sceneId: 'director.live', seconds: 5 }, { sceneId: 'nope', seconds: 5 }], false))).rejects.toThrow(/No scene nope/);
    expect((await director.getWall('lobby')).seq).toBe(before);
  });
});

describe('who may direct the wall', () => {
  const api = (): AppApi => ({ director }) as unknown as AppApi;
  const call = (caller: Principal, method: string, args: unknown[]): Promise<unknown> => dispatch(api(), 'director', method, args, { caller, via: 'http' });

  it('a wall token joins and follows, and can neither push, tour, blank nor list scenes', async () => {
    expect(((await call(wall, 'joinWall', ['lobby', 5])) as WallSessionView).id).toBe('lobby');
    const seq = (await director.getWall('lobby')).seq;
    for (const [method, args] of [
      ['pushScene', ['lobby', 'typhoon.approach']],
      ['runTour', ['lobby', [{ sceneId: 'director.live', seconds: 5 }], true]],
      ['setBlank', ['lobby', true]],
      ['stopTour', ['lobby']],
      ['saveScene', [{ zh: '墙', en: 'Wall' }, { camera: { kind: 'preset', preset: 'overview' }, layers: [], colourBy: 'use', time: { kind: 'live' }, rightPanel: null, panels: null }]],
      ['listScenes', []],
    ] as const) {
      await expect(call(wall, method, [...args]), method).rejects.toMatchObject({ status: 403 });
    }
    await expect(call(viewer, 'pushScene', ['lobby', 'director.live'])).rejects.toMatchObject({ status: 403 });
    expect((await director.getWall('lobby')).seq).toBe(seq);
    expect((await director.getWall('lobby')).blanked).toBe(false);
  });

  it('an operator pushes; arguments out of bounds are refused before the service runs', async () => {
    expect(((await call(operator, 'pushScene', ['lobby', 'director.care'])) as WallSessionView).scene?.id).toBe('director.care');
    await expect(call(operator, 'pushScene', ['Lobby Wall!', 'director.care'])).rejects.toThrow(/wall session id/);
    await expect(call(wall, 'joinWall', ['lobby', 99])).rejects.toThrow(/argument 2/);
    await expect(call(operator, 'runTour', ['lobby', [{ sceneId: 'director.live', seconds: 1 }], false])).rejects.toThrow(/argument 2/);
    await expect(
      call(operator, 'saveScene', [{ zh: 'x', en: 'x' }, { camera: { kind: 'preset', preset: 'overview' }, layers: ['everything'], colourBy: 'use', time: { kind: 'live' }, rightPanel: null, panels: null }]),
    ).rejects.toThrow(/argument 2/);
  });

  it('the audit log records who pushed, toured and blanked which wall', async () => {
    const rows = await store.all<{ actor: string; action: string; subject: string }>(`SELECT actor, action, subject FROM audit_log WHERE action LIKE 'wall_%' ORDER BY id`);
    expect(rows).toEqual(expect.arrayContaining([
      { actor: 'duty1', action: 'wall_scene_pushed', subject: 'wall:lobby' },
      { actor: 'duty1', action: 'wall_blanked', subject: 'wall:lobby' },
      { actor: 'duty1', action: 'wall_tour_started', subject: 'wall:tour' },
    ]));
    expect(rows.some((r) => r.actor.startsWith('wall:'))).toBe(false);
  });
});
