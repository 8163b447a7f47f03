import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { IngestService } from '../../electron/services/IngestService.ts';
import type { IngestEvent } from '../../data/feed/events.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const NOW = Date.parse('2026-11-25T08:00:00Z');
const ts = (minutes = 0): string => new Date(NOW + minutes * 60_000).toISOString();
const bounds = { minLon: 121.4, minLat: 28.36, maxLon: 121.45, maxLat: 28.4, marginKm: 20 };

const reported = (id: string, incidentId: string) => ({
  id, type: 'incident.reported', ts: ts(-30), source: 'camera-7',
  data: { incidentId, category: 'garbage', severity: 2, lon: 121.42, lat: 28.38, reporter: 'camera' },
});

async function open(name: string): Promise<{ store: DuckDbStore; ingest: IngestService; committed: IngestEvent[] }> {
  const store = await DuckDbStore.open(tmp.path(name), { create: true });
  const committed: IngestEvent[] = [];
  const ingest = new IngestService(store, { bounds, now: () => NOW, onCommitted: (e) => committed.push(...e) });
  return { store, ingest, committed };
}

describe('ingest', () => {
  it('commits valid events, projects them, and counts a replayed id as a duplicate', async () => {
    const { store, ingest, committed } = await open('a.duckdb');
    const body = [
      JSON.stringify(reported('e1', 'INC-1')),
      JSON.stringify({ id: 'e2', type: 'incident.status', ts: ts(-20), source: 'console', data: { incidentId: 'INC-1', status: 'accepted', actor: 'op1' } }),
      JSON.stringify({ id: 'e3', type: 'resource.position', ts: ts(-1), source: 'gps', data: { resourceId: 3, lon: 121.43, lat: 28.37, heading: 90, speed: 8, status: 'en_route' } }),
      '',
      JSON.stringify({ id: 'e4', type: 'meter.reading', ts: ts(-5), source: 'head-end', data: { householdId: 12, waterL: 14.5, intervalMin: 60 } }),
      JSON.stringify({ id: 'e5', type: 'sensor.reading', ts: ts(-2), source: 'iot', data: { sensorId: 'WL-1', kind: 'water_level', value: 2.31, unit: 'm' } }),
    ].join('\n');
    expect(await ingest.ingestNdjson(body, 'http')).toEqual({ accepted: 5, duplicates: 0, rejected: [] });
    expect(committed.map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    // Replay: the same ids again, plus one in-request repeat.
    const again = await ingest.ingestNdjson(body + '\n' + JSON.stringify(reported('e1', 'INC-1')), 'http');
    expect(again).toEqual({ accepted: 0, duplicates: 6, rejected: [] });
    const n = await store.one<{ e: number; i: number; s: number; p: number; m: number; r: number }>(
      `SELECT (SELECT count(*) FROM events)::INTEGER e, (SELECT count(*) FROM incidents)::INTEGER i,
              (SELECT count(*) FROM incident_steps)::INTEGER s, (SELECT count(*) FROM resource_positions)::INTEGER p,
              (SELECT count(*) FROM meter_readings)::INTEGER m, (SELECT count(*) FROM sensor_readings)::INTEGER r`,
    );
    expect(n).toEqual({ e: 5, i: 1, s: 2, p: 1, m: 1, r: 1 });
    // A producer that resends after a lost ack mixes old and new ids in one request: only the new
    // ones reach the projections, each once.
    const position = (id: string, resourceId: number) => JSON.stringify({ id, type: 'resource.position', ts: ts(-1), source: 'gps', data: { resourceId, lon: 121.43, lat: 28.37 } });
    const mixed = await ingest.ingestNdjson([body, position('e6', 4), position('e3', 3), position('e7', 5)].join('\n'), 'http');
    expect(mixed).toEqual({ accepted: 2, duplicates: 6, rejected: [] });
    const positions = await store.all<{ event_id: string }>('SELECT event_id FROM resource_positions ORDER BY event_id');
    expect(positions.map((p) => p.event_id)).toEqual(['e3', 'e6', 'e7']);
    expect((await store.one<{ s: number }>('SELECT count(*)::INTEGER s FROM incident_steps'))!.s).toBe(2);
    store.close();
  });

  it('dead-letters each bad line with a reason and keeps every good one', async () => {
    const { store, ingest } = await open('b.duckdb');
    const good = JSON.stringify(reported('g1', 'INC-9'));
    const bad = [
      '{"id":"x1","type":',
      JSON.stringify({ id: 'x2', type: 'incident.teleported', ts: ts(), source: 's', data: {} }),
      JSON.stringify({ id: 'x3', type: 'resource.position', ts: ts(), source: 's', data: { resourceId: 'seven', lon: 121.42, lat: 28.38 } }),
      JSON.stringify({ id: 'x4', type: 'resource.position', ts: ts(), source: 's', data: { resourceId: 7, lon: 121.42, lat: 128.38 } }),
      JSON.stringify({ id: 'x5', type: 'resource.position', ts: ts(), source: 's', data: { resourceId: 7, lon: 2.35, lat: 48.85 } }),
      JSON.stringify({ id: 'x6', type: 'resource.position', ts: '2031-01-01T00:00:00Z', source: 's', data: { resourceId: 7, lon: 121.42, lat: 28.38 } }),
      '{"id":"x7","type":"resource.position","ts":"' + ts() + '","source":"s","data":{"resourceId":7,"lon":121.42,"lat":28.38,"__proto__":{"admin":true}}}',
      JSON.stringify({ id: 'x8', type: 'resource.position', ts: ts(), source: 's', data: { resourceId: 7, lon: 121.42, lat: 28.38, extra: 1 } }),
      'x'.repeat(20_000),
    ];
    const res = await ingest.ingestNdjson([good, ...bad].join('\n'), 'http');
    expect(res.accepted).toBe(1);
    expect(res.rejected.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const reasons = res.rejected.map((r) => r.reason);
    expect(reasons[0]).toMatch(/malformed JSON/);
    expect(reasons[1]).toMatch(/unknown type "incident.teleported"/);
    expect(reasons[2]).toMatch(/data.resourceId/);
    expect(reasons[3]).toMatch(/data.lat/);
    expect(reasons[4]).toMatch(/outside the twin's area/);
    expect(reasons[5]).toMatch(/future/);
    expect(reasons[6]).toMatch(/__proto__/);
    expect(reasons[7]).toMatch(/extra/);
    expect(reasons[8]).toMatch(/larger than/);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    const dl = await store.all<{ line: number; reason: string }>('SELECT line, reason FROM dead_letters ORDER BY id');
    expect(dl.map((d) => d.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER n FROM events'))!.n).toBe(1);
    store.close();
  });

  it('groups concurrent requests into shared commits and answers each with its own counts', async () => {
    const { store, ingest } = await open('c.duckdb');
    const requests = Array.from({ length: 50 }, (_, r) =>
      ingest.ingestValues(
        Array.from({ length: 20 }, (_, i) => ({
          id: `c-${r}-${i % 15}`, // 5 in-request repeats each
          type: 'resource.position', ts: ts(), source: 'gps',
          data: { resourceId: r, lon: 121.42, lat: 28.38 },
        })),
        'mqtt',
      ),
    );
    const results = await Promise.all(requests);
    for (const r of results) expect(r).toEqual({ accepted: 15, duplicates: 5, rejected: [] });
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER n FROM resource_positions'))!.n).toBe(750);
    store.close();
  });
});
