/**
 * The evacuation plan through the contract (issue 11 §5): Lekima over a seeded demo district, with
 * 300 mm of rain. Every at-risk household placed or said why not, no shelter over capacity, the
 * same numbers twice; one-click dispatch idempotent; progress moves the board; a wall sees counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { importTrackFiles } from '../../data/import/typhoon/importTracks.ts';
import { createServices, dispatch, type Services } from '../../electron/services/index.ts';
import type { CallContext } from '../../electron/services/callContext.ts';
import type { EvacuationPlanView } from '../../electron/common/typhoon/evacuationContract.ts';
import { readSecrets } from './personalData.ts';
import { realDataDir, tempDir } from './helpers.ts';

const real = realDataDir();
const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
let stormId: string;
let plan: EvacuationPlanView;
const LANDFALL_UTC = Date.UTC(2019, 7, 9, 17, 45);
/** A day before landfall: the gales are still hours away. */
const PLAN_AT = LANDFALL_UTC - 30 * 3600_000;

const as = (role: 'viewer' | 'operator' | 'supervisor'): CallContext => ({ caller: { kind: 'person', userId: 7, username: `${role}-7`, displayName: role, role }, via: 'http' });
const wall: CallContext = { caller: { kind: 'wall', tokenId: 3, name: 'hall' }, via: 'http' };
const call = <T>(context: CallContext, method: string, ...args: unknown[]): Promise<T> => dispatch(services.api, 'typhoon', method, args, context) as Promise<T>;

describe.skipIf(!real)('evacuation plan and one-click dispatch', () => {
  beforeAll(async () => {
    const db = tmp.path('evacuation.duckdb');
    await seedTwin(db, 1, 300);
    store = await DuckDbStore.open(db);
    await importTrackFiles(store, [join(real!, 'typhoon')], { storms: ['1909'] });
    services = await createServices(store, { host: 'web', personalData: 'masked' });
    stormId = (await services.api.typhoon.listStorms()).find((s) => s.landfallUtcMs === LANDFALL_UTC)!.id;
    plan = await call<EvacuationPlanView>(as('operator'), 'planEvacuation', stormId, { nowUtcMs: PLAN_AT, rainTotalMm: 300, markedBuildingIds: [5] });
  }, 120_000);
  afterAll(() => {
    services?.stop();
    store?.close();
    tmp.cleanup();
  });

  it('places every at-risk household or says why, keeps every shelter within capacity, and compares with nearest-shelter', async () => {
    expect(plan.households).toBeGreaterThan(0);
    expect(plan.byRule.find((r) => r.ruleId === 'vulnerable-weak-building')!.households).toBeGreaterThan(0);
    expect(plan.byRule.find((r) => r.ruleId === 'building-marked')!.households).toBeGreaterThan(0);
    expect(plan.flood).not.toBeNull();
    expect(plan.byRule.find((r) => r.ruleId === 'flooded-low-floor')!.households).toBeGreaterThan(0);
    // Placed + unplaced (each with a reason) = everyone the rules selected.
    expect(plan.totals.placedPeople + plan.totals.unplacedPeople).toBe(plan.totals.people);
    expect(plan.unplaced.reduce((a, u) => a + u.households, 0)).toBe(plan.totals.unplacedHouseholds);
    for (const u of plan.unplaced) expect(['capacity_short', 'unreachable_by_road']).toContain(u.reason);
    for (const s of plan.shelters) expect(s.planned, s.name).toBeLessThanOrEqual(s.capacity);
    expect(plan.comparison.solverStatus).toBe('Optimal');
    expect(plan.comparison.provedOptimal).toBe(true);
    expect(plan.comparison.optimalPersonMetres).toBeGreaterThanOrEqual(plan.comparison.nearestPersonMetres - 1);
    // Counts per community and grid add up; each grid with households has a clock.
    expect(plan.communities.reduce((a, c) => a + c.households, 0)).toBe(plan.totals.households);
    const withHouseholds = plan.grids.filter((g) => g.households > 0);
    expect(withHouseholds.reduce((a, g) => a + g.households, 0)).toBe(plan.totals.households);
    for (const g of withHouseholds) {
      expect(g.clock.galeArrivalUtcMs, g.name).not.toBeNull();
      expect(g.clock.mustBeDoneByUtcMs!).toBeLessThan(g.clock.galeArrivalUtcMs!);
    }
    // Door-knock routes cover every placed household in a grid with a worker.
    expect(plan.routes.reduce((a, r) => a + r.households, 0)).toBe(plan.totals.households);
    // Pumps and boats wait where the water comes.
    expect(plan.prePositions.some((p) => p.kind === 'pump_truck')).toBe(true);
  });

  it('keeps the plan: read back and made again, the same numbers (deterministic)', async () => {
    const back = (await call<EvacuationPlanView>(wall, 'getEvacuationPlan', plan.planId))!;
    const again = await call<EvacuationPlanView>(as('operator'), 'planEvacuation', stormId, { nowUtcMs: PLAN_AT, rainTotalMm: 300, markedBuildingIds: [5] });
    const numbers = (p: EvacuationPlanView): unknown => ({ totals: p.totals, grids: p.grids, shelters: p.shelters, comparison: p.comparison, routes: p.routes, pre: p.prePositions, unplaced: p.unplaced, byRule: p.byRule });
    expect(numbers(back)).toEqual(numbers(plan));
    expect(numbers(again)).toEqual(numbers(plan));
    expect(again.planId).not.toBe(plan.planId);
    const list = await call<{ planId: string; createdBy: string | null }[]>(as('viewer'), 'listEvacuationPlans', stormId);
    expect(list.map((p) => p.planId).slice(0, 2)).toEqual([again.planId, plan.planId]);
    expect(list[0]!.createdBy).toBe('operator-7');
  });

  it('names households in door-knock lists only for operators; a viewer and a wall get counts, a wall no one', async () => {
    const lists = await call<{ named: boolean; stops: { contactName: string; contactPhone: string; order: number; legM: number }[]; households: number }[]>(as('operator'), 'getDoorKnockLists', plan.planId);
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.every((l) => l.named && l.stops.length === l.households)).toBe(true);
    const stop = lists[0]!.stops[0]!;
    expect(stop.order).toBe(1);
    expect(stop.contactName).toMatch(/^.\*+$/);
    expect(stop.contactPhone).toMatch(/\*{4}/);
    for (const context of [as('viewer'), wall]) {
      const counts = await call<{ named: boolean; stops: unknown[] }[]>(context, 'getDoorKnockLists', plan.planId);
      expect(counts.every((l) => !l.named && l.stops.length === 0)).toBe(true);
    }
    const secrets = await readSecrets(store);
    const seen = JSON.stringify([
      await call(wall, 'getEvacuationPlan', plan.planId),
      await call(wall, 'getDoorKnockLists', plan.planId),
      await call(wall, 'getPlanBoard', plan.planId),
      await call(wall, 'listEvacuationPlans', null),
    ]);
    for (const secret of [...secrets.names, ...secrets.numbers, ...secrets.masked]) expect(seen.includes(secret), secret).toBe(false);
    expect(seen).not.toContain('operator-7');
    await expect(call(wall, 'planEvacuation', stormId, {})).rejects.toThrow(/needs operator/);
  });

  it('one click dispatches tasks into the live queue, and a second click duplicates nothing', async () => {
    await expect(call(as('operator'), 'dispatchPlan', plan.planId)).rejects.toThrow(/needs supervisor/);
    const first = await call<{ created: boolean; tasks: number; incidentIds: string[] }>(as('supervisor'), 'dispatchPlan', plan.planId);
    expect(first.created).toBe(true);
    expect(first.tasks).toBeGreaterThanOrEqual(plan.routes.length);
    const count = async (): Promise<number> => Number((await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM incidents WHERE category = 'typhoon_evacuation'"))!.n);
    const steps = async (): Promise<number> => Number((await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM incident_steps WHERE incident_id LIKE 'EV-%'"))!.n);
    expect(await count()).toBe(first.tasks);
    const stepsAfterFirst = await steps();
    const second = await call<{ created: boolean; tasks: number; incidentIds: string[] }>(as('supervisor'), 'dispatchPlan', plan.planId);
    expect(second.created).toBe(false);
    expect(second.incidentIds).toEqual(first.incidentIds);
    expect(await count()).toBe(first.tasks);
    expect(await steps()).toBe(stepsAfterFirst);
    // In the live snapshot, each grid worker's task assigned to them.
    const snapshot = await services.api.live.getLiveSnapshot();
    const workerTask = snapshot.incidents.find((i) => i.id === first.incidentIds[0]);
    expect(workerTask?.category).toBe('typhoon_evacuation');
    expect(workerTask?.status).toBe('dispatched');
    expect(workerTask?.assignee?.kind).toBe('grid_worker');
    const audit = await store.all<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE action LIKE 'typhoon.%' ORDER BY id");
    expect(audit.filter((a) => a.action === 'typhoon.dispatch')).toEqual([{ action: 'typhoon.dispatch', actor: 'supervisor-7' }]);
  });

  it('progress events (ingest and console) move the board; invalid ones get a clear message', async () => {
    const pushes: { planId: string; gridIds: number[] }[] = [];
    const off = services.api.typhoon.onPlanProgress((c) => pushes.push(c));
    const lists = await call<{ workerId: number; gridId: number; stops: { householdId: number }[] }[]>(as('operator'), 'getDoorKnockLists', plan.planId);
    const list = lists[0]!;
    const board0 = (await call<{ grids: { gridId: number; moved: number; refused: number; left: number; leftList: { householdId: number }[] }[] }>(as('operator'), 'getPlanBoard', plan.planId))!;
    const grid0 = board0.grids.find((g) => g.gridId === list.gridId)!;
    expect(grid0.moved).toBe(0);
    const [a, b] = list.stops;
    const ts = new Date().toISOString();
    const r = await services.ingest.ingestValues(
      [
        { id: 'gw-1', type: 'typhoon.evacuation_progress', ts, source: 'grid-app', data: { planId: plan.planId, householdId: a!.householdId, status: 'moved', gridWorkerId: list.workerId } },
        { id: 'gw-2', type: 'typhoon.evacuation_progress', ts, source: 'grid-app', data: { planId: plan.planId, householdId: b!.householdId, status: 'gone' } },
        { id: 'gw-3', type: 'typhoon.evacuation_progress', ts, source: 'grid-app', data: { planId: 'plan 1', householdId: b!.householdId, status: 'moved' } },
      ],
      'http',
    );
    expect(r.accepted).toBe(1);
    expect(r.rejected.map((x) => x.reason).join('\n')).toMatch(/status must be one of contacted, moved, refused/);
    expect(r.rejected.map((x) => x.reason).join('\n')).toMatch(/planId.*a plan id as the plan board shows it/);
    await expect.poll(() => pushes.some((p) => p.planId === plan.planId && p.gridIds.includes(list.gridId))).toBe(true);
    await call(as('operator'), 'recordEvacuationProgress', plan.planId, b!.householdId, 'refused', '坚持留守');
    await expect(call(as('operator'), 'recordEvacuationProgress', plan.planId, 2 ** 31 - 2, 'moved', null)).rejects.toThrow(/is not in plan/);
    await expect(call(as('viewer'), 'recordEvacuationProgress', plan.planId, b!.householdId, 'moved', null)).rejects.toThrow(/needs operator/);
    const board1 = (await call<typeof board0>(as('operator'), 'getPlanBoard', plan.planId))!;
    const grid1 = board1.grids.find((g) => g.gridId === list.gridId)!;
    expect(grid1.moved).toBe(1);
    expect(grid1.refused).toBe(1);
    expect(grid1.left).toBe(grid0.left - 2);
    expect(grid1.leftList.map((h) => h.householdId)).not.toContain(a!.householdId);
    const wallBoard = (await call<typeof board0>(wall, 'getPlanBoard', plan.planId))!;
    expect(wallBoard.grids.find((g) => g.gridId === list.gridId)!.moved).toBe(1);
    expect(wallBoard.grids.every((g) => g.leftList.length === 0)).toBe(true);
    off();
  });

  it('refuses bad options with what to fix', async () => {
    await expect(call(as('operator'), 'planEvacuation', stormId, { rainTotalMm: -5 })).rejects.toThrow(/rainTotalMm/);
    await expect(call(as('operator'), 'planEvacuation', 'CMA:9999', {})).rejects.toThrow(/No storm "CMA:9999"/);
    await expect(
      call(as('operator'), 'planEvacuation', stormId, { rules: [{ id: 'x', kind: 'vulnerable_weak_building', label: { zh: '', en: '' }, enabled: true, vulnerable: [] }] }),
    ).rejects.toThrow(/vulnerable must list one or more/);
  });
});
