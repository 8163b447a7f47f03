/**
 * The demo to officials (issue 12): a fresh demo twin opens with the backlog of a well-run
 * street and a day behind it in the replay, and the simulated colleagues never act on an incident
 * a person at the console holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { generateDistrict } from '../../data/seed/generateDistrict.ts';
import { refreshBuildingStats } from '../../data/store/buildingStats.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { runAs } from '../../electron/services/callContext.ts';
import { attentionOf } from '../../electron/services/incidents/attention.ts';
import { demoEndDay, prepareDemoTwin } from '../../electron/services/demo/index.ts';
import { DEFAULT_SIMULATOR, FeedSimulator, type WireEvent } from '../../electron/services/simulator/FeedSimulator.ts';
import { loadWorld } from '../../electron/services/simulator/world.ts';
import type { Principal } from '../../electron/common/access.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
const now = Date.now();

beforeAll(async () => {
  store = await DuckDbStore.open(tmp.path('demo.duckdb'), { create: true });
  await generateDistrict(store, { seed: 1, buildings: 400, endDay: demoEndDay(now) });
  await refreshBuildingStats(store);
  services = await createServices(store, { host: 'web', personalData: 'masked', simulated: true });
});
afterAll(() => {
  services.stop();
  store.close();
  tmp.cleanup();
});

const operator: Principal = { kind: 'person', userId: 7, username: 'duty-op', displayName: '值班员', role: 'operator' };

describe('the demo twin', () => {
  it('meter history ends yesterday (Beijing), whatever day the demo is shown', () => {
    expect(demoEndDay(Date.parse('2026-12-02T07:00:00Z'))).toBe('2026-12-01');
    // 23:30 Beijing on 2 December is still 2 December there.
    expect(demoEndDay(Date.parse('2026-12-02T15:30:00Z'))).toBe('2026-12-01');
    expect(demoEndDay(Date.parse('2026-12-02T16:30:00Z'))).toBe('2026-12-02');
  });

  it('opens with the alert backlog of a well-run street: a month of visited alerts, two open from this morning', async () => {
    const before = await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM meter_alerts WHERE status = 'open'");
    expect(before!.n).toBeGreaterThan(10); // the generated history ends with a pile of anomalies
    const backlog = await prepareDemoTwin(store, () => undefined, now);
    expect(backlog.keptOpen).toHaveLength(2);
    const open = await store.all<{ id: string; kind: string; raised: number }>("SELECT id, kind, epoch_ms(raised_at) AS raised FROM meter_alerts WHERE status = 'open'");
    expect(open.map((a) => a.id).sort()).toEqual([...backlog.keptOpen].sort());
    for (const a of open) expect(now - Number(a.raised)).toBeLessThan(90 * 60_000); // "this morning", never "6 days ago"
    expect(open.some((a) => a.kind === 'no_usage')).toBe(true);
    const closed = await store.all<{ raised: number; ack: number; closed: number; outcome: string; reason: string }>(
      "SELECT epoch_ms(raised_at) AS raised, epoch_ms(acknowledged_at) AS ack, epoch_ms(closed_at) AS closed, outcome, outcome_reason AS reason FROM meter_alerts WHERE status = 'closed'",
    );
    expect(closed.length).toBe(backlog.settled);
    for (const a of closed) {
      expect(Number(a.raised)).toBeGreaterThan(now - 31 * 86_400_000);
      expect(Number(a.ack)).toBeGreaterThan(Number(a.raised));
      expect(Number(a.ack) - Number(a.raised)).toBeLessThanOrEqual(30 * 60_000);
      expect(Number(a.closed)).toBeGreaterThanOrEqual(Number(a.ack));
      expect(Number(a.closed)).toBeLessThan(now);
      expect(a.reason.length).toBeGreaterThan(0);
    }
    expect(new Set(closed.map((a) => a.outcome))).toEqual(new Set(['safe', 'needed_help', 'false_alarm']));
    // The audit chain stays intact with the visits written into the past.
    const verdict = await services.api.audit.verify();
    expect(verdict.problem).toBeNull();
    expect(verdict.ok).toBe(true);
    expect(verdict.rows).toBeGreaterThanOrEqual(2 * backlog.settled);
  });

  it('has a day behind it: the replay of yesterday shows incidents, and a well-run street closed them', async () => {
    const world = await loadWorld(services.api);
    const sim = new FeedSimulator(world, { ...DEFAULT_SIMULATOR, incidentsPerHour: 24, runId: 'demo-test' });
    const batches: WireEvent[][] = [];
    const sent = await sim.fastForward(now - 6 * 3_600_000, now - 60_000, 5_000, async (events) => {
      batches.push(events);
      const r = await services.ingest.ingestValues(events, 'simulator');
      expect(r.rejected ?? []).toEqual([]);
    });
    const events = batches.flat();
    expect(sent).toBe(events.length);
    expect(events.every((e) => Date.parse(e.ts) <= now)).toBe(true);
    const reported = events.filter((e) => e.type === 'incident.reported').length;
    expect(reported).toBeGreaterThan(60); // ~24 an hour for 6 h
    const past = await services.api.live.getStateAt(now - 3 * 3_600_000);
    expect(past.incidents.length).toBeGreaterThan(0);
    expect(past.resources.length).toBeGreaterThan(0);
    // Every incident of the first hours has been closed by the colleagues by now.
    const early = await store.one<{ n: number; open: number }>(
      `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM incident_steps s WHERE s.incident_id = i.id AND s.step IN ('feedback', 'evaluated', 'closed')))::INTEGER AS open
         FROM incidents i WHERE i.id LIKE 'INC-demo-test-%' AND i.reported_at < epoch_ms($t::BIGINT)`,
      { t: now - 4 * 3_600_000 },
    );
    expect(early!.n).toBeGreaterThan(10);
    expect(early!.open).toBe(0);
  });

  it('the simulated colleagues never act on an incident a person opened or acted on', async () => {
    const world = await loadWorld(services.api);
    const held = attentionOf(store);
    const sim = new FeedSimulator(world, { ...DEFAULT_SIMULATOR, autoHandleShare: 1, incidentsPerHour: 600, runId: 'held', heldByPerson: (id) => held.heldByPerson(id) });
    const t0 = Date.now();
    const first = sim.step(t0);
    let reported = first.filter((e) => e.type === 'incident.reported');
    for (let t = t0 + 1000; reported.length === 0; t += 1000) reported = sim.step(t).filter((e) => e.type === 'incident.reported');
    await services.ingest.ingestValues(reported, 'simulator');
    const id = String(reported[0]!.data.incidentId);
    // The operator opens it (the dispatch list asks for the incident too).
    await runAs({ caller: operator, via: 'http' }, () => services.api.incidents.proposeDispatch(id));
    expect(held.heldByPerson(id)).toBe(true);
    // A wall or a system call does not hold it.
    await runAs({ caller: { kind: 'wall', tokenId: 1, name: 'wall' }, via: 'http' }, () => services.api.incidents.getIncident(reported[1]?.data.incidentId as string ?? 'none'));
    if (reported[1]) expect(held.heldByPerson(String(reported[1].data.incidentId))).toBe(false);
    const later: WireEvent[] = [];
    for (let t = t0 + 1000; t < t0 + 15 * 60_000; t += 5000) later.push(...sim.step(t));
    const stepsOnHeld = later.filter((e) => e.type === 'incident.status' && e.data.incidentId === id);
    expect(stepsOnHeld).toEqual([]);
    // Others it does take care of.
    expect(later.some((e) => e.type === 'incident.status' && e.data.incidentId !== id)).toBe(true);
  });
});
