/**
 * Every ingest transport end to end against a real DuckDB file: HTTP, WebSocket, MQTT through a
 * real Mosquitto broker, and a kill -9 of the host process while events stream in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { WebSocket } from 'ws';
import mqtt from 'mqtt';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices } from '../../electron/services/index.ts';
import { IngestService } from '../../electron/services/IngestService.ts';
import { MqttIngest } from '../../electron/services/MqttIngest.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import { REPO_ROOT } from '../../electron/cli/paths.ts';
import { tempDir } from './helpers.ts';
import { freePort } from './twinProcesses.ts';

const tmp = tempDir();
const LON = 121.42;
const LAT = 28.38;
const event = (id: string, minutesAgo = 1): Record<string, unknown> => ({
  id,
  type: 'resource.position',
  ts: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  source: 'gps-test',
  data: { resourceId: 1, lon: LON, lat: LAT, heading: 45, speed: 5, status: 'en_route' },
});


async function twin(name: string): Promise<string> {
  const path = tmp.path(name);
  const store = await DuckDbStore.open(path, { create: true });
  await store.run(`INSERT INTO twin_meta VALUES ('name', 'test'), ('origin_lon', '${LON}'), ('origin_lat', '${LAT}')`);
  store.close();
  return path;
}

const count = async (store: DuckDbStore, table: string): Promise<number> =>
  (await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`))!.n;

describe('ingest transports (in-process host)', () => {
  let store: DuckDbStore;
  let host: WebHost;
  let ingest: IngestService;
  let base: string;

  beforeAll(async () => {
    store = await DuckDbStore.open(await twin('http.duckdb'));
    const services = await createServices(store, { host: 'web', personalData: 'masked' });
    ingest = services.ingest;
    host = new WebHost({ services: services.api, auth: services.auth, ingest, staticDir: tmp.dir, port: 0, openIngest: true });
    base = `http://127.0.0.1:${await host.listen()}`;
  });
  afterAll(async () => {
    await host.close();
    store.close();
  });

  it('HTTP: NDJSON and JSON arrays, answered after commit with accepted/duplicate/rejected counts', async () => {
    const ndjson = [JSON.stringify(event('h1')), 'not json', JSON.stringify(event('h2'))].join('\n');
    let res = await fetch(`${base}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjson });
    expect(res.status).toBe(200);
    const r1 = (await res.json()) as { accepted: number; duplicates: number; rejected: { line: number; reason: string }[] };
    expect(r1.accepted).toBe(2);
    expect(r1.rejected).toEqual([{ line: 2, id: null, reason: expect.stringMatching(/malformed JSON/) }]);
    res = await fetch(`${base}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([event('h2'), event('h3')]) });
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    expect(await count(store, 'events')).toBe(3);
  });

  it('HTTP: an oversized body is refused whole with 413 and a reason', async () => {
    const big = JSON.stringify(event('big')) + '\n' + 'x'.repeat(9 * 1024 * 1024);
    const res = await fetch(`${base}/api/v1/events`, { method: 'POST', body: big });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/split into batches/);
  });

  it('replaying a recording is idempotent: the second replay stores nothing new', async () => {
    const { replayFeed } = await import('../../electron/cli/feed.ts');
    const file = tmp.path('recording.ndjson');
    const start = Date.now() - 60_000;
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ ...event(`rec-${i}`), ts: new Date(start + i * 50).toISOString() }));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, lines.join('\n') + '\n');
    const before = await count(store, 'events');
    await replayFeed(file, base, 60);
    expect(await count(store, 'events')).toBe(before + 40);
    await replayFeed(file, base, 60);
    expect(await count(store, 'events')).toBe(before + 40);
    expect(await count(store, 'resource_positions')).toBeGreaterThanOrEqual(40);
  });

  it('WebSocket: one ack per batch, after commit', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/events/stream`);
    await new Promise((ok) => ws.once('open', ok));
    const acks: unknown[] = [];
    ws.on('message', (m) => acks.push(JSON.parse(m.toString())));
    ws.send(JSON.stringify({ batch: 'b-1', events: [event('w1'), event('w2')] }));
    ws.send([JSON.stringify(event('w2')), JSON.stringify({ ...event('w3'), type: 'bogus' })].join('\n'));
    await expect.poll(() => acks.length, { timeout: 5000 }).toBe(2);
    expect(acks[0]).toEqual({ ack: 'b-1', accepted: 2, duplicates: 0, rejected: [] });
    expect(acks[1]).toMatchObject({ ack: 2, accepted: 0, duplicates: 1, rejected: [{ line: 2, reason: expect.stringMatching(/unknown type/) }] });
    ws.close();
  });
});

describe.skipIf(!existsSync('/usr/sbin/mosquitto'))('MQTT through Mosquitto', () => {
  let broker: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    broker = spawn('/usr/sbin/mosquitto', ['-p', String(port)], { stdio: 'ignore' });
    await new Promise((ok) => setTimeout(ok, 500));
  });
  afterAll(() => broker.kill());

  it('subscribes at QoS 1 and commits what is published', async () => {
    const store = await DuckDbStore.open(await twin('mqtt.duckdb'));
    const ingest = new IngestService(store);
    const sub = await MqttIngest.connect(ingest, { url: `mqtt://127.0.0.1:${port}`, clientId: `ct-test-${port}` });
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`);
    await pub.publishAsync('civictwin/events/gps', JSON.stringify([event('m1'), event('m2')]), { qos: 1 });
    await pub.publishAsync('civictwin/events/gps', JSON.stringify(event('m2')), { qos: 1 }); // replay
    await pub.publishAsync('civictwin/events/hotline', '{"id": "m3", broken', { qos: 1 });
    // The totals move once a transaction has committed; then another connection (which sees only
    // committed rows, unlike the ingestor's own mid-transaction) finds all three.
    await expect.poll(() => ({ ...ingest.totals }), { timeout: 10_000 }).toMatchObject({ accepted: 2, duplicates: 1, rejected: 1 });
    const reader = await store.connectAgain();
    expect((await count(reader, 'events')) + (await count(reader, 'dead_letters'))).toBe(3);
    await pub.endAsync();
    await sub.close();
    store.close();
  });
});

describe('durability', () => {
  it('kill -9 of the host while events stream in: every acknowledged event is in the store', async () => {
    const db = await twin('crash.duckdb');
    const port = await freePort();
    const host = spawn(process.execPath, [`${REPO_ROOT}/electron/cli/civictwin.mjs`, 'serve', '--db', db, '--port', String(port), '--no-renderer', '--open-ingest'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((ok) => host.once('exit', ok));
    let log = '';
    host.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    host.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await expect.poll(() => log, { timeout: 30_000 }).toMatch(/serving/);
    const acked: string[] = [];
    let stop = false;
    // Several concurrent producers, 50 events a request, until the host dies.
    const producer = async (p: number): Promise<void> => {
      for (let b = 0; !stop; b++) {
        const ids = Array.from({ length: 50 }, (_, i) => `k-${p}-${b}-${i}`);
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, { method: 'POST', body: ids.map((id) => JSON.stringify(event(id))).join('\n') });
          const r = (await res.json()) as { accepted: number };
          if (r.accepted === ids.length) acked.push(...ids);
        } catch {
          return; // the host is gone
        }
      }
    };
    const producers = [0, 1, 2, 3].map(producer);
    await expect.poll(() => acked.length, { timeout: 30_000 }).toBeGreaterThan(5000);
    host.kill('SIGKILL');
    stop = true;
    await Promise.all(producers);
    await exited;
    const store = await DuckDbStore.open(db);
    const stored = new Set((await store.all<{ id: string }>('SELECT id FROM events')).map((r) => r.id));
    const lost = acked.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(acked.length);
    store.close();
  });
});
