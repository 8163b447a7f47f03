/**
 * Issue 13, 吹哨报到: the street whistles on an incident and summons three departments with a
 * 30-minute deadline; two report in on time (one from its own app over ingest, with its way
 * there), one does not and is escalated by the host once; the scoreboard ranks it last with its
 * lateness and escalation. Real twin, real ingest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { WhistleService } from '../../electron/services/whistle/WhistleService.ts';
import { runAs } from '../../electron/services/callContext.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
let clock = 0;
let whistle: WhistleService;
const MIN = 60_000;
const asOperator = <T>(work: () => Promise<T>): Promise<T> =>
  runAs({ caller: { kind: 'person', userId: 1, username: 'duty1', displayName: '值班员', role: 'operator' }, via: 'http' }, work);
const ingest = async (events: object[]): Promise<void> => {
  const r = await services.ingest.ingestValues(events, 'http');
  expect(r.rejected).toEqual([]);
};

beforeAll(async () => {
  const db = tmp.path('whistle.duckdb');
  await seedTwin(db, 7, 200);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  whistle = new WhistleService(store, { ingest: services.ingest, personalData: 'masked', now: () => clock });
});
afterAll(() => {
  services.stop();
  store.close();
});

describe('a whistle summons three departments', () => {
  it('times each report-in, escalates the late one once, and the scoreboard ranks it last', async () => {
    const now = Date.now();
    const info = await services.api.store.getTwinInfo();
    const lon = (info.bbox[0] + info.bbox[2]) / 2;
    const lat = (info.bbox[1] + info.bbox[3]) / 2;
    await ingest([{ id: 'wi-1', type: 'incident.reported', ts: new Date(now - 50 * MIN).toISOString(), source: 'test', data: { incidentId: 'INC-W1', category: 'facility_damage', severity: 3, lon, lat, reporter: 'grid_worker', description: '路面塌陷，需城管、水务、交通联合处置' } }]);
    const departments = await whistle.listDepartments();
    expect(departments.length).toBeGreaterThanOrEqual(3);
    const [a, b, c] = departments.map((d) => d.id) as [number, number, number];
    clock = now - 45 * MIN;
    const blown = await asOperator(() => whistle.blowWhistle({ incidentId: 'INC-W1', kind: 'emergency', departmentIds: [a, b, c] }));
    expect(blown.summons.map((s) => s.state)).toEqual(['summoned', 'summoned', 'summoned']);
    expect(blown.deadlineMin).toBe(30);
    // A second whistle on the same open case is refused.
    await expect(asOperator(() => whistle.blowWhistle({ incidentId: 'INC-W1', kind: 'daily', departmentIds: [a, b] }))).rejects.toThrow(/already blew/);
    // A phones in at +10 min (console); B's own app reports its way and its arrival at +25 min.
    clock = now - 35 * MIN;
    await asOperator(() => whistle.recordSummonsStep(blown.id, a, 'reported_in', null, ''));
    await ingest([
      { id: 'wb-1', type: 'whistle.step', ts: new Date(now - 30 * MIN).toISOString(), source: 'water-app', data: { whistleId: blown.id, departmentId: b, step: 'en_route', lon: lon + 0.004, lat, etaMin: 10 } },
      { id: 'wb-2', type: 'whistle.step', ts: new Date(now - 20 * MIN).toISOString(), source: 'water-app', data: { whistleId: blown.id, departmentId: b, step: 'reported_in' } },
    ]);
    clock = now - 20 * MIN;
    const midway = (await whistle.listWhistles(0)).find((w) => w.id === blown.id)!;
    expect(midway.summons.find((s) => s.departmentId === a)!.state).toBe('on_site');
    expect(midway.summons.find((s) => s.departmentId === c)!.state).toBe('summoned');
    // Past the deadline: C has not come. The host escalates it, once.
    clock = now;
    expect(await whistle.escalateLate()).toBe(1);
    expect(await whistle.escalateLate()).toBe(0);
    const escalated = await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM events WHERE type = 'whistle.step' AND data LIKE '%escalated%'");
    expect(escalated!.n).toBe(1);
    const late = (await whistle.listWhistles(0)).find((w) => w.id === blown.id)!;
    const cState = late.summons.find((s) => s.departmentId === c)!;
    expect(cState.state).toBe('late');
    expect(cState.escalatedAt).toBe(now);
    // A and B finish their parts; the street rates them.
    await asOperator(() => whistle.recordSummonsStep(blown.id, a, 'part_done', 'resolved', '围挡已设'));
    await asOperator(() => whistle.rateDepartment(blown.id, a, 5));
    await asOperator(() => whistle.recordSummonsStep(blown.id, b, 'part_done', 'partial', ''));
    const board = await whistle.getScoreboard(now - 24 * 60 * MIN, now + MIN);
    expect(board.whistles).toBe(1);
    expect(board.incidents).toBeGreaterThanOrEqual(1);
    expect(board.departments.map((d) => d.departmentId)).toEqual([a, b, c]);
    expect(board.departments[0]).toMatchObject({ onTime: 1, late: 0, avgReportInMin: 10, avgRating: 5, partsDone: 1 });
    expect(board.departments[1]).toMatchObject({ onTime: 1, avgReportInMin: 25 });
    expect(board.departments[2]).toMatchObject({ summoned: 1, reportedIn: 0, late: 1, escalations: 1, avgReportInMin: null });
    // Who did what is in the audit log under the person, not a name the client chose.
    const audit = await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM audit_log WHERE actor = 'duty1' AND action LIKE 'whistle.%'");
    expect(audit!.n).toBe(5);
  });
});
