/**
 * Issue 13: a meter alert becomes a work order for the grid worker of the household's grid in one
 * action, and the visit outcome recorded on the alert closes both. Real twin, alerts raised from
 * its meter history at start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { runAs } from '../../electron/services/callContext.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
const asOperator = <T>(work: () => Promise<T>): Promise<T> =>
  runAs({ caller: { kind: 'person', userId: 1, username: 'duty1', displayName: '值班员', role: 'operator' }, via: 'http' }, work);

beforeAll(async () => {
  const db = tmp.path('workorder.duckdb');
  await seedTwin(db, 3, 300);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
});
afterAll(() => {
  services.stop();
  store.close();
});

describe('a meter alert made a work order', () => {
  it('dispatches the grid worker of the building’s grid, and the visit outcome closes both', async () => {
    const alert = await store.one<{ id: string; building_id: number }>("SELECT id, building_id FROM meter_alerts WHERE status = 'open' ORDER BY id LIMIT 1");
    expect(alert).toBeDefined();
    const order = await asOperator(() => services.api.alerts.createWorkOrder(alert!.id));
    expect(order.created).toBe(true);
    const expected = await store.one<{ id: number }>(
      `SELECT r.id FROM buildings b JOIN grid_workers g ON g.grid_id = b.grid_id JOIN resources r ON r.kind = 'grid_worker' AND r.callsign = g.callsign WHERE b.id = $b`,
      { b: alert!.building_id },
    );
    expect(order.assignee?.id).toBe(expected!.id);
    const incident = await asOperator(() => services.api.incidents.getIncident(order.incidentId));
    expect(incident).toMatchObject({ status: 'dispatched', category: 'elderly_care', reporter: 'meter', buildingId: alert!.building_id });
    expect(incident!.assignee).toMatchObject({ kind: 'grid_worker', id: expected!.id });
    // Once only: the same alert gives the same work order.
    const again = await asOperator(() => services.api.alerts.createWorkOrder(alert!.id));
    expect(again).toMatchObject({ incidentId: order.incidentId, created: false });
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM incidents WHERE id = $id', { id: order.incidentId }))!.n).toBe(1);
    // The grid worker's visit: the outcome on the alert closes the alert and the work order.
    const closed = await asOperator(() => services.api.alerts.recordVisitOutcome(alert!.id, 'needed_help', '老人感冒卧床，已联系家属'));
    expect(closed!.status).toBe('closed');
    const after = await asOperator(() => services.api.incidents.getIncident(order.incidentId));
    expect(after!.status).toBe('closed');
    expect(after!.steps.map((s) => s.step)).toEqual(['reported', 'accepted', 'dispatched', 'feedback', 'closed']);
    expect(after!.steps.find((s) => s.step === 'feedback')!.note).toContain('needed_help');
    const audit = await store.all<{ action: string }>("SELECT action FROM audit_log WHERE actor = 'duty1' ORDER BY id");
    expect(audit.map((a) => a.action)).toEqual(['alert.work_order', 'alert.outcome']);
    // The log holds the work order's events like any console step.
    expect((await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM events WHERE data LIKE $p", { p: `%${order.incidentId}%` }))!.n).toBe(5);
  });
});
