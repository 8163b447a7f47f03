/**
 * Dispatch by kind (issue 13) on a real DuckDB twin: a fire gets a fire engine and a medical call an
 * ambulance, the nearest by road where road and straight line disagree; a dispatched unit's state
 * follows its own position reports (en_route → on_scene → idle, by leaving or by the incident
 * closing) and is pushed; the needs are editable by a supervisor only; a viewer cannot dispatch;
 * the simulator drives a unit a person sent to the scene and never sends it elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { createServices, dispatch, type Services } from '../../electron/services/index.ts';
import type { CallContext } from '../../electron/services/callContext.ts';
import { RoadGraph } from '../../data/analytics/RoadGraph.ts';
import { metresBetween } from '../../data/model/dispatch/index.ts';
import type { ActiveDispatch, CategoryNeeds, DispatchesPush, IncidentProposal } from '../../electron/common/dispatch/contract.ts';
import { DEFAULT_SIMULATOR, FeedSimulator, type WireEvent } from '../../electron/services/simulator/FeedSimulator.ts';
import { loadWorld } from '../../electron/services/simulator/world.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
let graph: RoadGraph;
let seq = 0;

const as = (role: 'viewer' | 'operator' | 'supervisor'): CallContext => ({ caller: { kind: 'person', userId: 9, username: `${role}-9`, displayName: role, role }, via: 'http' });
const wall: CallContext = { caller: { kind: 'wall', tokenId: 3, name: 'hall' }, via: 'http' };
const call = <T>(context: CallContext, api: string, method: string, ...args: unknown[]): Promise<T> => dispatch(services.api, api, method, args, context) as Promise<T>;

const ingest = async (events: { type: string; ts?: number; data: Record<string, unknown> }[]): Promise<void> => {
  const r = await services.ingest.ingestValues(
    events.map((e) => ({ id: `t-${++seq}`, type: e.type, ts: new Date(e.ts ?? Date.now()).toISOString(), source: 'test', data: e.data })),
    'http',
  );
  expect(r.rejected).toEqual([]);
};
const position = (resourceId: number, [lon, lat]: [number, number], status = 'idle', ts?: number) => ({ type: 'resource.position', ts, data: { resourceId, lon, lat, status } });
const stateOf = async (resourceId: number): Promise<string | null> =>
  (await store.one<{ state: string }>('SELECT max_by(state, seq) AS state FROM resource_dispatch_states WHERE resource_id = $r', { r: resourceId }))?.state ?? null;

/**
 * A place X on the road network and two nodes around it where road and straight line disagree:
 * `near` is closer to X in a straight line, `far` closer by road.
 */
function disagreeing(exclude: [number, number][] = []): { x: [number, number]; near: [number, number]; far: [number, number] } {
  for (let node = 0; node < graph.nodeCount; node += 7) {
    const x = graph.nodeLonLat(node);
    if (exclude.some((e) => metresBetween(e[0], e[1], x[0], x[1]) < 800)) continue;
    const dist = graph.distancesFrom(node);
    let best: { n: number; s: number; r: number } | null = null;
    for (let n = 0; n < graph.nodeCount; n++) {
      const [lon, lat] = graph.nodeLonLat(n);
      const s = metresBetween(x[0], x[1], lon, lat);
      const r = dist[n]!;
      if (s < 150 || s > 700 || !Number.isFinite(r)) continue;
      if (!best || r / s > best.r / best.s) best = { n, s, r };
    }
    if (!best || best.r < best.s * 2.2) continue;
    // A node farther in a straight line but nearer by road, by a clear margin both ways.
    for (let n = 0; n < graph.nodeCount; n++) {
      const [lon, lat] = graph.nodeLonLat(n);
      const s = metresBetween(x[0], x[1], lon, lat);
      if (s > best.s + 60 && dist[n]! < best.r - 150) return { x, near: graph.nodeLonLat(best.n), far: [lon, lat] };
    }
  }
  throw new Error('no place where road and straight line disagree');
}

describe('dispatch by kind', () => {
  beforeAll(async () => {
    const db = tmp.path('dispatch.duckdb');
    await seedTwin(db, 3, 400, undefined, () => undefined);
    store = await DuckDbStore.open(db);
    services = await createServices(store, { host: 'web', personalData: 'masked' });
    const rows = await store.all<{ g: string }>("SELECT geometry::VARCHAR AS g FROM basemap_features WHERE layer = 'road'");
    const lines: number[][][] = [];
    for (const r of rows) {
      const g = JSON.parse(r.g) as { type: string; coordinates: number[][] | number[][][] };
      if (g.type === 'LineString') lines.push(g.coordinates as number[][]);
      else if (g.type === 'MultiLineString') lines.push(...(g.coordinates as number[][][]));
    }
    graph = RoadGraph.fromLines(lines);
  }, 180_000);
  afterAll(() => {
    services?.stop();
    store?.close();
    tmp.cleanup();
  });

  const units = async (kind: string): Promise<number[]> =>
    (await store.all<{ id: number }>('SELECT id FROM resources WHERE kind = $k ORDER BY id', { k: kind })).map((r) => r.id);

  /** Two units of `kind` placed where road and straight line disagree around a new incident; the others off duty. */
  async function scene(kind: string, category: string, exclude: [number, number][] = []): Promise<{ incidentId: string; x: [number, number]; nearId: number; farId: number }> {
    const ids = await units(kind);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const { x, near, far } = disagreeing(exclude);
    const [nearId, farId, ...rest] = ids;
    await ingest([position(nearId!, near), position(farId!, far), ...rest.map((id) => position(id, far, 'offline'))]);
    const incidentId = `T-${category}-${seq}`;
    await ingest([{ type: 'incident.reported', data: { incidentId, category, severity: 4, lon: x[0], lat: x[1], reporter: 'hotline' } }]);
    return { incidentId, x, nearId: nearId!, farId: farId! };
  }

  let fire: Awaited<ReturnType<typeof scene>> & { proposedRoadM?: number };
  let medical: Awaited<ReturnType<typeof scene>>;

  it('proposes a fire engine (and a grid worker) for a fire, the nearest by road, not by straight line', async () => {
    fire = await scene('fire_engine', 'fire');
    const p = (await call<IncidentProposal>(as('operator'), 'dispatch', 'proposeByKind', fire.incidentId))!;
    expect(p.kinds.map((k) => k.kind)).toEqual(['fire_engine', 'grid_worker']);
    const engine = p.kinds[0]!;
    expect(engine.proposal!.assignee).toEqual({ kind: 'resource', id: fire.farId });
    fire.proposedRoadM = engine.proposal!.roadDistanceM;
    const other = engine.alternatives.find((a) => a.assignee.id === fire.nearId)!;
    expect(other.straightDistanceM).toBeLessThan(engine.proposal!.straightDistanceM);
    expect(other.roadDistanceM).toBeGreaterThan(engine.proposal!.roadDistanceM);
    // ETA at the fire engine's 8 m/s.
    expect(engine.proposal!.etaMin).toBe(Math.max(1, Math.round(engine.proposal!.roadDistanceM / 8 / 60)));
    expect(p.kinds[1]!.proposal!.assignee.kind).toBe('grid_worker');
  });

  it('proposes an ambulance for a medical call, the nearest by road', async () => {
    medical = await scene('ambulance', 'medical', [fire.x]);
    const p = (await call<IncidentProposal>(as('operator'), 'dispatch', 'proposeByKind', medical.incidentId))!;
    expect(p.kinds.map((k) => k.kind)).toEqual(['ambulance']);
    expect(p.kinds[0]!.proposal!.assignee).toEqual({ kind: 'resource', id: medical.farId });
    expect(p.kinds[0]!.alternatives[0]!.straightDistanceM).toBeLessThan(p.kinds[0]!.proposal!.straightDistanceM);
  });

  it('refuses a viewer and a wall the proposal and the dispatch', async () => {
    const send = { action: 'dispatch', assignee: { kind: 'resource', id: fire.farId } };
    await expect(call(as('viewer'), 'incidents', 'actOnIncident', fire.incidentId, send)).rejects.toThrow(/needs operator/);
    await expect(call(wall, 'incidents', 'actOnIncident', fire.incidentId, send)).rejects.toThrow(/needs operator/);
    await expect(call(as('viewer'), 'dispatch', 'proposeByKind', fire.incidentId)).rejects.toThrow(/needs operator/);
    expect(await stateOf(fire.farId)).toBeNull();
  });

  it("follows the dispatched unit's own position reports: en_route → on_scene → idle when it leaves; pushed with its road route", async () => {
    const pushes: DispatchesPush[] = [];
    const off = services.api.dispatch.onDispatchesChanged((p) => pushes.push(p));
    await call(as('operator'), 'incidents', 'actOnIncident', fire.incidentId, { action: 'accept' });
    const detail = await call<{ status: string; steps: { step: string; assignee: { kind: string; id: number; label: string } | null }[] }>(
      as('operator'), 'incidents', 'actOnIncident', fire.incidentId, { action: 'dispatch', assignee: { kind: 'resource', id: fire.farId } },
    );
    // The step records the unit like a person.
    expect(detail.status).toBe('dispatched');
    expect(detail.steps.at(-1)!.assignee).toMatchObject({ kind: 'resource', id: fire.farId });
    expect(detail.steps.at(-1)!.assignee!.label).toMatch(/^消防-/);
    expect(await stateOf(fire.farId)).toBe('en_route');
    const out = (await call<ActiveDispatch[]>(wall, 'dispatch', 'getActiveDispatches')).find((d) => d.resourceId === fire.farId)!;
    expect(out).toMatchObject({ incidentId: fire.incidentId, state: 'en_route', resourceKind: 'fire_engine' });
    expect(out.route.length).toBeGreaterThanOrEqual(6);
    expect(out.route.slice(-2)).toEqual(fire.x);
    // The route drawn is the road distance proposed (the proposal adds the walk to the nearest road node).
    expect(Math.abs(out.roadDistanceM - fire.proposedRoadM!)).toBeLessThan(60);
    await vi.waitFor(() => expect(pushes.at(-1)?.dispatches.find((d) => d.resourceId === fire.farId)?.state).toBe('en_route'), { timeout: 5000 });
    // No longer proposed: it is out.
    const again = (await call<IncidentProposal>(as('operator'), 'dispatch', 'proposeByKind', fire.incidentId))!;
    expect(again.kinds[0]!.proposal!.assignee.id).not.toBe(fire.farId);
    expect(again.kinds[0]!.sent).toMatchObject([{ resourceId: fire.farId, state: 'en_route' }]);
    // Half way along the route: still en route.
    const mid = Math.floor(out.route.length / 4) * 2;
    await ingest([position(fire.farId, [out.route[mid]!, out.route[mid + 1]!], 'en_route')]);
    expect(await stateOf(fire.farId)).toBe('en_route');
    // 30 m from the incident: on scene (its reported status is not what decides).
    await ingest([position(fire.farId, [fire.x[0] + 0.0003, fire.x[1]], 'en_route')]);
    expect(await stateOf(fire.farId)).toBe('on_scene');
    await vi.waitFor(() => expect(pushes.at(-1)?.dispatches.find((d) => d.resourceId === fire.farId)?.state).toBe('on_scene'), { timeout: 5000 });
    // Jitter of 150 m keeps it on scene; 600 m away it has left.
    await ingest([position(fire.farId, [fire.x[0] + 0.0015, fire.x[1]], 'on_scene')]);
    expect(await stateOf(fire.farId)).toBe('on_scene');
    await ingest([position(fire.farId, [fire.x[0] + 0.006, fire.x[1]], 'idle')]);
    expect(await stateOf(fire.farId)).toBe('idle');
    await vi.waitFor(() => expect(pushes.at(-1)?.dispatches.some((d) => d.resourceId === fire.farId)).toBe(false), { timeout: 5000 });
    off();
  });

  it('releases a unit when its incident closes', async () => {
    await call(as('operator'), 'incidents', 'actOnIncident', medical.incidentId, { action: 'accept' });
    await call(as('operator'), 'incidents', 'actOnIncident', medical.incidentId, { action: 'dispatch', assignee: { kind: 'resource', id: medical.farId } });
    await ingest([position(medical.farId, medical.x, 'on_scene')]);
    expect(await stateOf(medical.farId)).toBe('on_scene');
    await call(as('operator'), 'incidents', 'actOnIncident', medical.incidentId, { action: 'close', rating: 5 });
    expect(await stateOf(medical.farId)).toBe('idle');
    // Available again.
    const p = (await call<IncidentProposal>(as('operator'), 'dispatch', 'proposeByKind', fire.incidentId))!;
    expect(p.kinds[0]!.kind).toBe('fire_engine');
    expect((await call<ActiveDispatch[]>(as('viewer'), 'dispatch', 'getActiveDispatches')).some((d) => d.resourceId === medical.farId)).toBe(false);
  });

  it('lets a supervisor change what a category needs (audited), and no one else', async () => {
    const needs = await call<CategoryNeeds[]>(wall, 'dispatch', 'getNeeds');
    expect(needs.find((n) => n.category === 'waterlogging')).toMatchObject({ needs: ['pump_truck', 'department:water'], isDefault: true });
    expect(needs.find((n) => n.category === 'elderly_care')!.needs).toEqual(['grid_worker', 'department:medical']);
    await expect(call(as('operator'), 'dispatch', 'setNeeds', 'medical', ['ambulance', 'grid_worker'])).rejects.toThrow(/needs supervisor/);
    await expect(call(as('supervisor'), 'dispatch', 'setNeeds', 'medical', ['ambulance', 'helicopter'])).rejects.toThrow();
    await expect(call(as('supervisor'), 'dispatch', 'setNeeds', 'medical', ['ambulance', 'ambulance'])).rejects.toThrow();
    const set = await call<CategoryNeeds[]>(as('supervisor'), 'dispatch', 'setNeeds', 'medical', ['ambulance', 'grid_worker']);
    expect(set.find((n) => n.category === 'medical')).toMatchObject({ needs: ['ambulance', 'grid_worker'], isDefault: false, setBy: 'supervisor-9' });
    const p = (await call<IncidentProposal>(as('operator'), 'dispatch', 'proposeByKind', medical.incidentId))!;
    expect(p.kinds.map((k) => k.kind)).toEqual(['ambulance', 'grid_worker']);
    const audit = await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM audit_log WHERE action = 'dispatch.setNeeds' AND actor = 'supervisor-9'");
    expect(audit!.n).toBe(1);
    const back = await call<CategoryNeeds[]>(as('supervisor'), 'dispatch', 'setNeeds', 'medical', null);
    expect(back.find((n) => n.category === 'medical')).toMatchObject({ needs: ['ambulance'], isDefault: true });
  });

  it('the simulator drives a unit a person sent to the scene, keeps it there until released, and never sends it elsewhere', async () => {
    const t0 = Date.now() - 40 * 60_000;
    const world = await loadWorld(services.api);
    const engineId = (await units('fire_engine'))[3]!;
    const engine = world.resources.find((r) => r.id === engineId)!;
    // Somewhere 1–3 km away by road.
    const dist = graph.distancesFrom(graph.nearestNode(engine.lon, engine.lat).node);
    let target = 0;
    for (let n = 0; n < graph.nodeCount; n++) if (dist[n]! > 1000 && dist[n]! < 2000) target = n;
    const x = graph.nodeLonLat(target);
    const incidentId = `T-sim-fire-${seq}`;
    await ingest([
      position(engineId, [engine.lon, engine.lat], 'idle', t0 - 1000),
      { type: 'incident.reported', ts: t0, data: { incidentId, category: 'fire', severity: 4, lon: x[0], lat: x[1], reporter: 'hotline' } },
      // Sent by someone else (a console in another host): the simulator only sees the dispatch.
      { type: 'incident.status', ts: t0 + 1000, data: { incidentId, status: 'dispatched', assignee: { kind: 'resource', id: engineId }, actor: 'operator-9' } },
    ]);
    let out: ActiveDispatch[] = [];
    // Many fires, so the simulated colleagues look for free fire engines while this one is out.
    const sim = new FeedSimulator(world, { ...DEFAULT_SIMULATOR, incidentsPerHour: 300, runId: 'disp', unitsOut: () => out });
    const sentElsewhere: WireEvent[] = [];
    let arrivedAt: number | null = null;
    for (let t = t0 + 5000; t < t0 + 20 * 60_000 && (arrivedAt === null || t < arrivedAt + 3 * 60_000); t += 5000) {
      out = await services.api.dispatch.getActiveDispatches();
      const events = sim.step(t);
      sentElsewhere.push(...events.filter((e) => e.type === 'incident.status' && (e.data.assignee as { id?: number } | undefined)?.id === engineId));
      await services.ingest.ingestValues(events, 'simulator');
      if (arrivedAt === null && (await stateOf(engineId)) === 'on_scene') arrivedAt = t;
    }
    expect(arrivedAt).not.toBeNull();
    expect(await stateOf(engineId)).toBe('on_scene');
    expect(sentElsewhere).toEqual([]);
    // The simulated colleagues dispatched their own fire engines as resources meanwhile.
    const own = await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM resource_dispatch_states WHERE event_id LIKE 'sim-disp-%' AND state = 'en_route'");
    expect(own!.n).toBeGreaterThan(0);
    // Released (the incident closed): the simulator brings it home, and its state is idle.
    await ingest([{ type: 'incident.status', ts: t0 + 20 * 60_000, data: { incidentId, status: 'closed', actor: 'operator-9' } }]);
    expect(await stateOf(engineId)).toBe('idle');
    out = await services.api.dispatch.getActiveDispatches();
    const home = sim.step(t0 + 20 * 60_000 + 2000).filter((e) => e.type === 'resource.position' && e.data.resourceId === engineId);
    expect(home.every((e) => e.data.status === 'idle')).toBe(true);
  }, 400_000);
});
