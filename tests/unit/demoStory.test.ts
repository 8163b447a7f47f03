/**
 * The demo's story (issue 12): a presenter steps through it and each step happens in the twin —
 * a resident's report closes its loop, a quiet elderly resident is visited, a storm comes in with
 * its bulletin, the evacuation plan is made and dispatched, progress arrives — while a wall sees
 * the steps' titles and never the presenter's notes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { generateDistrict } from '../../data/seed/generateDistrict.ts';
import { refreshBuildingStats } from '../../data/store/buildingStats.ts';
import { createServices, dispatch, type Services } from '../../electron/services/index.ts';
import { runAs } from '../../electron/services/callContext.ts';
import { demoEndDay, prepareDemoTwin } from '../../electron/services/demo/index.ts';
import { DEMO_STORM_ID } from '../../electron/services/demo/demoStorm.ts';
import { DEMO_STORY } from '../../data/model/demo/story.ts';
import type { Principal } from '../../electron/common/access.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
const presenter: Principal = { kind: 'person', userId: 3, username: 'presenter', displayName: '演示人', role: 'operator' };
const wall: Principal = { kind: 'wall', tokenId: 9, name: 'hall' };
const asPresenter = <T>(work: () => Promise<T>): Promise<T> => runAs({ caller: presenter, via: 'http' }, work);
const step = (id: string): number => DEMO_STORY.findIndex((s) => s.id === id);

beforeAll(async () => {
  store = await DuckDbStore.open(tmp.path('story.duckdb'), { create: true });
  await generateDistrict(store, { seed: 1, buildings: 400, endDay: demoEndDay() });
  await refreshBuildingStats(store);
  services = await createServices(store, { host: 'web', personalData: 'masked', simulated: true });
}, 120_000);
afterAll(() => {
  services.stop();
  store.close();
  tmp.cleanup();
});

describe('the demo story', () => {
  it('is not there on a twin that is not the demo', async () => {
    expect(await asPresenter(() => services.api.demo.getStory())).toBeNull();
    expect(await asPresenter(() => services.api.demo.goToStep(3))).toBeNull();
  });

  it('walks through every step, each happening in the twin; a wall sees titles, never notes', async () => {
    await prepareDemoTwin(store, () => undefined);
    const pushed: number[] = [];
    services.api.demo.onStoryStep((s) => pushed.push(s.current));
    const first = await asPresenter(() => services.api.demo.goToStep(0));
    expect(first?.current).toBe(0);
    expect(first?.notes?.zh.length).toBeGreaterThan(10);
    // Only an operator may drive it: a viewer is refused at the contract.
    await expect(dispatch(services.api, 'demo', 'goToStep', [1], { caller: { ...presenter, role: 'viewer' }, via: 'http' })).rejects.toThrow(/needs operator/);

    // The resident's report: dispatched to the nearest free grid worker, then the loop closes.
    const reported = await asPresenter(() => services.api.demo.goToStep(step('resident_report')));
    const focus = reported?.view?.focus;
    expect(focus?.kind).toBe('incident');
    const incidentId = focus?.kind === 'incident' ? focus.id : '';
    const dispatched = await services.api.incidents.getIncident(incidentId);
    expect(dispatched?.status).toBe('dispatched');
    await asPresenter(() => services.api.demo.goToStep(step('report_closed')));
    const closed = await services.api.incidents.getIncident(incidentId);
    expect(closed?.steps.map((s) => s.step)).toEqual(expect.arrayContaining(['reported', 'accepted', 'dispatched', 'handling', 'feedback', 'evaluated']));

    // The quiet meters and the visit: the alert closes with what the visit found.
    const quiet = await asPresenter(() => services.api.demo.goToStep(step('meters_quiet')));
    const alertId = quiet?.view?.focus?.kind === 'alert' ? quiet.view.focus.id : '';
    expect(alertId).not.toBe('');
    await asPresenter(() => services.api.demo.goToStep(step('grid_worker_visit')));
    const alert = await store.one<{ status: string; outcome: string }>('SELECT status, outcome FROM meter_alerts WHERE id = $id', { id: alertId });
    expect(alert).toEqual({ status: 'closed', outcome: 'needed_help' });

    // The storm: fixes and a bulletin through ingest; force 10 reaches the district ahead of now.
    const storm = await asPresenter(() => services.api.demo.goToStep(step('typhoon_approaches')));
    expect(storm?.problem).toBeNull();
    expect(storm?.view?.focus?.kind).toBe('bounds');
    const track = await services.api.typhoon.getStormTrack(DEMO_STORM_ID);
    expect(track?.fixes.length).toBeGreaterThan(10);
    expect(track?.forecast.length).toBeGreaterThan(3);
    const wind = await services.api.typhoon.getDistrictWind(DEMO_STORM_ID);
    expect(wind?.arrival10UtcMs).toBeGreaterThan(Date.now());
    expect(wind?.arrival10UtcMs).toBeLessThan(Date.now() + 30 * 3_600_000);

    // The plan, dispatched in one step: tasks in the queue; then progress moves the board.
    const planned = await asPresenter(() => services.api.demo.goToStep(step('evacuation_plan')));
    expect(planned?.problem).toBeNull();
    const plans = await services.api.typhoon.listEvacuationPlans(DEMO_STORM_ID);
    expect(plans.length).toBe(1);
    const tasks = await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM incidents WHERE category = 'typhoon_evacuation'");
    expect(tasks!.n).toBeGreaterThan(0);
    const progressed = await asPresenter(() => services.api.demo.goToStep(step('evacuation_progress')));
    expect(progressed?.problem).toBeNull();
    const board = await services.api.typhoon.getPlanBoard(plans[0]!.planId);
    const moved = board!.grids.reduce((s, g) => s + g.moved, 0);
    const left = board!.grids.reduce((s, g) => s + g.left, 0);
    expect(moved).toBeGreaterThan(0);
    expect(left).toBeGreaterThan(0);

    // Back shows an earlier step again and undoes nothing; the last step ends the story.
    const back = await asPresenter(() => services.api.demo.goToStep(step('resident_report')));
    expect(back?.current).toBe(step('resident_report'));
    expect((await services.api.typhoon.listEvacuationPlans(DEMO_STORM_ID)).length).toBe(1);
    const end = await asPresenter(() => services.api.demo.goToStep(99));
    expect(end?.current).toBe(DEMO_STORY.length - 1);
    // Going forward again does not run a step twice.
    expect((await services.api.typhoon.listEvacuationPlans(DEMO_STORM_ID)).length).toBe(1);
    expect(pushed.at(-1)).toBe(DEMO_STORY.length - 1);

    // A wall: the titles and the step, not what the presenter says.
    const onWall = await runAs({ caller: wall, via: 'http' }, () => services.api.demo.getStory());
    expect(onWall?.current).toBe(DEMO_STORY.length - 1);
    expect(onWall?.notes).toBeNull();
    expect(onWall?.steps[0]?.title.zh).toBe('平常的早晨');
  }, 300_000);
});
