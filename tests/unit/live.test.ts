/**
 * Incidents' closed loop and SLA states, auto-dispatch through the live service, meter-alert
 * handling, and the timeline: the state rebuilt for a past moment equals the state that was live
 * at that moment.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { generateDistrict } from '../../data/seed/generateDistrict.ts';
import { refreshBuildingStats } from '../../data/store/buildingStats.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { slaState, SLA_MINUTES } from '../../data/model/incidents.ts';
import type { LiveDelta } from '../../electron/common/dto.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;

beforeAll(async () => {
  store = await DuckDbStore.open(tmp.path('live.duckdb'), { create: true });
  await generateDistrict(store, { seed: 3, buildings: 300 });
  await refreshBuildingStats(store);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
});
afterAll(() => {
  services.ingest.close();
  store.close();
  tmp.cleanup();
});

const iso = (ms: number): string => new Date(ms).toISOString();

describe('SLA clock', () => {
  it('turns amber after 75 % of the allowance, red when overdue, and met/missed once handled', () => {
    const t0 = Date.parse('2026-11-25T08:00:00Z');
    const min = SLA_MINUTES.garbage * 60_000;
    expect(slaState('garbage', t0, null, t0 + 0.5 * min)).toBe('ok');
    expect(slaState('garbage', t0, null, t0 + 0.8 * min)).toBe('amber');
    expect(slaState('garbage', t0, null, t0 + 1.1 * min)).toBe('red');
    expect(slaState('garbage', t0, t0 + 0.9 * min, t0 + 2 * min)).toBe('met');
    expect(slaState('garbage', t0, t0 + 1.2 * min, t0 + 2 * min)).toBe('missed');
    expect(SLA_MINUTES.fire).toBeLessThan(SLA_MINUTES.streetlight);
  });
});

describe('closed loop', () => {
  it('goes 上报→受理→派发→处置→反馈→评价 with the time of each step, dispatching the road-nearest free worker', async () => {
    const info = await services.api.store.getTwinInfo();
    const [lon, lat] = [(info.bbox[0] + info.bbox[2]) / 2, (info.bbox[1] + info.bbox[3]) / 2];
    const t = Date.now() - 20 * 60_000;
    const report = { id: 'lc-1', type: 'incident.reported', ts: iso(t), source: 'camera-9', data: { incidentId: 'LC-1', category: 'garbage', severity: 2, lon, lat, reporter: 'camera' } };
    expect((await services.ingest.ingestValues([report], 'http')).accepted).toBe(1);
    let incident = await services.api.incidents.getIncident('LC-1');
    expect(incident?.status).toBe('reported');
    expect(incident?.address).toBeNull(); // a camera on a street names no building
    // A resident's report names the building: the queue shows its address.
    const building = (await store.one<{ id: number; address: string }>('SELECT id, address FROM buildings ORDER BY id LIMIT 1'))!;
    await services.ingest.ingestValues([{ ...report, id: 'lc-0', data: { ...report.data, incidentId: 'LC-0', buildingId: building.id, reporter: 'resident' } }], 'http');
    expect((await services.api.incidents.getIncident('LC-0'))?.address).toBe(building.address);

    incident = await services.api.incidents.actOnIncident('LC-1', { action: 'accept' });
    expect(incident?.status).toBe('accepted');
    const options = await services.api.incidents.proposeDispatch('LC-1');
    expect(options.length).toBeGreaterThan(1);
    // Sorted by road distance; road distance is never shorter than the straight line.
    for (let i = 1; i < options.length; i++) expect(options[i]!.roadDistanceM).toBeGreaterThanOrEqual(options[i - 1]!.roadDistanceM);
    for (const o of options) expect(o.roadDistanceM + 1).toBeGreaterThanOrEqual(o.straightDistanceM);
    const chosen = options.find((o) => o.kind === 'grid_worker')!;
    incident = await services.api.incidents.actOnIncident('LC-1', { action: 'dispatch', assignee: { kind: chosen.kind, id: chosen.id } });
    expect(incident?.status).toBe('dispatched');
    expect(incident?.assignee).toMatchObject({ kind: 'grid_worker', id: chosen.id, label: chosen.label });
    // A dispatched worker is no longer proposed for the next incident.
    await services.ingest.ingestValues([{ ...report, id: 'lc-2', data: { ...report.data, incidentId: 'LC-2' } }], 'http');
    expect((await services.api.incidents.proposeDispatch('LC-2')).some((o) => o.kind === 'grid_worker' && o.id === chosen.id)).toBe(false);

    for (const action of ['handle', 'feedback'] as const) await services.api.incidents.actOnIncident('LC-1', { action });
    incident = await services.api.incidents.actOnIncident('LC-1', { action: 'close', rating: 5, note: '已清运' });
    expect(incident?.status).toBe('closed');
    expect(incident?.steps.map((s) => s.step)).toEqual(['reported', 'accepted', 'dispatched', 'handling', 'feedback', 'closed']);
    expect(incident?.steps.every((s, i, all) => i === 0 || s.ts >= all[i - 1]!.ts)).toBe(true);
    expect(incident?.handledAt).not.toBeNull();
    // Refuses a dispatch without an assignee and an unknown incident action, with a reason.
    await expect(services.api.incidents.actOnIncident('LC-2', { action: 'dispatch' })).rejects.toThrow(/assignee/);
  });
});

describe('meter alerts', () => {
  it('are raised from history with a plain explanation, acknowledged, and closed with a visit outcome and reason', async () => {
    const snapshot = await services.api.live.getLiveSnapshot();
    expect(snapshot.alerts.length).toBeGreaterThan(0);
    const alert = snapshot.alerts.find((a) => a.kind === 'no_usage')!;
    expect(alert.explanation.usualWaterL).toBeGreaterThan(20);
    expect(alert.explanation.waterL).toBeLessThan(5);
    const acked = await services.api.alerts.acknowledgeAlert(alert.id);
    expect(acked?.status).toBe('acknowledged');
    await expect(services.api.alerts.recordVisitOutcome(alert.id, 'safe', '  ')).rejects.toThrow(/reason/);
    const closed = await services.api.alerts.recordVisitOutcome(alert.id, 'safe', '老人外出探亲，已电话确认');
    expect(closed).toMatchObject({ status: 'closed', outcome: 'safe', outcomeReason: '老人外出探亲，已电话确认' });
    const audit = await store.all<{ action: string }>(`SELECT action FROM audit_log WHERE subject = 'alert:${alert.id}' ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(['alert.acknowledge', 'alert.outcome']);
  });

  it('are raised from live readings: an elderly resident living alone without use for 24 h reaches every open view', async () => {
    const elder = await store.one<{ id: number }>(
      `SELECT h.id FROM households h WHERE (h.care_flags & 1) <> 0
       AND NOT EXISTS (SELECT 1 FROM meter_alerts a WHERE a.household_id = h.id) ORDER BY h.id LIMIT 1`,
    );
    const now = Date.now();
    // 30 hours of readings: no water, no more than a fridge's standby power.
    const readings = Array.from({ length: 30 }, (_, i) => ({
      id: `mr-live-${i}`,
      type: 'meter.reading',
      ts: iso(now - (30 - i) * 3600_000),
      source: 'head-end',
      data: { householdId: elder!.id, waterL: 0, powerKwh: 0.02, intervalMin: 60 },
    }));
    const pushed: LiveDelta[] = [];
    const off = services.api.live.onLiveDelta((d) => pushed.push(d));
    // The readings are checked at most every 20 s: the check's timer runs on a fake clock.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await services.ingest.ingestValues(readings, 'http');
      await vi.advanceTimersByTimeAsync(20_000);
      await vi.waitFor(
        () => {
          const alert = pushed.flatMap((d) => d.alerts).find((a) => a.householdId === elder!.id);
          expect(alert).toMatchObject({ kind: 'no_usage', status: 'open', elderlyAlone: true });
          expect(alert!.explanation.hours).toBeGreaterThanOrEqual(24);
        },
        { timeout: 10_000, interval: 50 },
      );
    } finally {
      vi.useRealTimers();
      off();
    }
  });
});

describe('timeline', () => {
  it('rebuilds the state at a past moment exactly as it was live then', async () => {
    const base = Date.now() - 10 * 60_000;
    await services.ingest.ingestValues(
      [
        { id: 'tl-1', type: 'incident.reported', ts: iso(base), source: 'hotline', data: { incidentId: 'TL-1', category: 'noise', severity: 1, lon: 121.42, lat: 28.38, reporter: 'hotline' } },
        { id: 'tl-2', type: 'resource.position', ts: iso(base + 1000), source: 'gps', data: { resourceId: 1, lon: 121.421, lat: 28.381, heading: 10, speed: 5, status: 'en_route' } },
      ],
      'http',
    );
    // What the live view shows now, a moment after those events.
    const liveThen = await services.api.live.getStateAt(base + 60_000);
    // Later events must not leak into the past.
    await services.ingest.ingestValues(
      [
        { id: 'tl-3', type: 'incident.status', ts: iso(base + 120_000), source: 'console', data: { incidentId: 'TL-1', status: 'accepted' } },
        { id: 'tl-4', type: 'resource.position', ts: iso(base + 121_000), source: 'gps', data: { resourceId: 1, lon: 121.43, lat: 28.39, status: 'on_scene' } },
      ],
      'http',
    );
    const replayed = await services.api.live.getStateAt(base + 60_000);
    const pick = (s: typeof liveThen) => ({
      incident: s.incidents.find((i) => i.id === 'TL-1'),
      resource1: [s.positions.lon[0], s.positions.lat[0], s.positions.status[0]],
    });
    expect(pick(replayed)).toEqual(pick(liveThen));
    expect(pick(replayed).incident?.status).toBe('reported');
    expect(pick(replayed).resource1).toEqual([121.421, 28.381, 1]);
    const now = await services.api.live.getLiveSnapshot();
    expect(now.incidents.find((i) => i.id === 'TL-1')?.status).toBe('accepted');
  });
});
