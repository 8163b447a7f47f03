/**
 * The fuzz suite against a real host process (`civictwin serve`), from outside only: HTTP, raw
 * TCP, raw WebSocket frames and a real Mosquitto broker. A bounded seeded run through the same
 * code as `civictwin fuzz`, then one test per input that used to take the host down (issue 9):
 * each time the host survives, the bad connection is closed, and the next request works.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import mqtt from 'mqtt';
import { runFuzz } from '../../electron/cli/fuzz/engine.ts';
import { sendOnFreshSocket } from '../../electron/cli/fuzz/engine.ts';
import { EventCorpus } from '../../electron/cli/fuzz/corpus.ts';
import { Rng } from '../../electron/cli/fuzz/rng.ts';
import { frameAttacks, WS_PATHS } from '../../electron/cli/fuzz/wsFrames.ts';
import {
  Broker, contractCall, createScratchTwin, healthy, HostProcess, ingestHeaders, MOSQUITTO, provisionAccess, signIn, type HostAccess, type HostSession,
} from '../../electron/cli/fuzz/hostProcess.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir('civictwin-fuzz-');
afterAll(() => tmp.cleanup());
const hasMosquitto = existsSync(MOSQUITTO);
const corpus = new EventCorpus(new Rng(9), { lon: 121.42, lat: 28.38, runTag: `fuzz-test-${process.pid}` });

describe('civictwin fuzz (bounded run, fixed seed)', () => {
  it('sends every named attack and thousands of seeded inputs per transport: no crash, health always answered, no 5xx', async () => {
    const db = tmp.path('bounded.duckdb');
    await createScratchTwin(db);
    const count = 30_000;
    const s = await runFuzz({
      db, count, seed: 7, transports: hasMosquitto ? ['http', 'ws', 'mqtt'] : ['http', 'ws'], outDir: tmp.path('bounded-out'),
      heavy: false, maxCrashes: 3, drainTimeoutMs: 30_000, healthEvery: 2000, log: () => undefined,
    });
    const lines = s.crashes.map((c) => `crash ${c.n} (${c.transport}): ${c.reproducedBy ?? c.suspects.slice(0, 3).join('; ')}`);
    expect(lines).toEqual([]);
    expect(s.healthFailureNotes).toEqual([]);
    expect(s.healthChecks).toBeGreaterThan(5);
    for (const t of s.stats) {
      expect(t.malformed, t.transport).toBeGreaterThanOrEqual(count);
      const fiveHundreds = Object.entries(t.answers).filter(([k]) => /^5\d\d$/.test(k));
      expect(fiveHundreds, t.transport).toEqual([]);
    }
    if (hasMosquitto) expect(s.stats.find((t) => t.transport === 'mqtt')!.notes.join(' ')).toMatch(/kept flowing/);
    expect(s.deadLetters).toBeGreaterThan(0);
  }, 240_000);
});

/** One host process for the inputs below, restarted if one of them killed it. */
describe('each input that took the host down (issue 9)', () => {
  let db: string;
  let host: HostProcess;
  let access: HostAccess;
  let session: HostSession | null;
  let crashedBefore: string | null = null;

  const start = async (): Promise<void> => {
    host = await HostProcess.start({ db });
    session = await signIn(host.url, access);
  };
  beforeAll(async () => {
    db = tmp.path('crashes.duckdb');
    await createScratchTwin(db);
    access = await provisionAccess(db);
    await start();
  });
  beforeEach(async () => {
    // A test that killed the host fails on its own; the next one gets a fresh host.
    crashedBefore = host.alive ? null : host.logTail(600);
    if (crashedBefore) await start();
  });
  afterAll(async () => {
    await host.stop();
  });

  const headersFor = (path: string): Record<string, string> => (path === WS_PATHS[1] ? (session ? { cookie: session.cookie } : {}) : ingestHeaders(access));

  /** The host is up, answers health, and commits a valid event. */
  async function nextRequestWorks(): Promise<void> {
    await expect.poll(() => host.alive ? 'alive' : `exited: ${host.logTail(800)}`).toBe('alive');
    expect(await healthy(host.url, 1000)).toBe(true);
    const res = await fetch(`${host.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...ingestHeaders(access) }, body: corpus.incidentLine(`NEXT-${corpus.nextId()}`) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(1);
  }

  const frameCases = WS_PATHS.flatMap((path) => frameAttacks().map((a) => ({ label: `${a.name} on ${path}`, path, frames: a.frames })));
  it.each(frameCases)('WebSocket: $label — the host survives, closes that connection, takes the next request', async ({ path, frames }) => {
    const outcome = await sendOnFreshSocket(host.port, path, frames, 5000, headersFor(path));
    expect(outcome.kind).toMatch(/^closed/);
    await nextRequestWorks();
  });

  it('HTTP: JSON nested 5,000 deep is refused or dead-lettered with a reason, not a 500', async () => {
    const res = await fetch(`${host.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...ingestHeaders(access) }, body: '['.repeat(5000) + ']'.repeat(5000) });
    expect(res.status).toBeLessThan(500);
    const body = (await res.json()) as { error?: string; rejected?: { reason: string }[] };
    expect(body.error ?? body.rejected?.[0]?.reason).toMatch(/\w/);
    await nextRequestWorks();
  });

  it('HTTP: 1 MB of "1\\n" lines gets a short answer (refused whole with a summary), not one line per input', async () => {
    const t0 = performance.now();
    const res = await fetch(`${host.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', ...ingestHeaders(access) }, body: '1\n'.repeat(512 * 1024) });
    const text = await res.text();
    expect(res.status).toBeLessThan(500);
    expect(text.length).toBeLessThan(64 * 1024);
    expect(performance.now() - t0).toBeLessThan(5000);
    await nextRequestWorks();
  });
});

describe.skipIf(!hasMosquitto)('MQTT: a 200 KB deeply nested JSON array', () => {
  it('does not crash the host (or loop it on redelivery); messages after it are committed', async () => {
    const db = tmp.path('mqtt.duckdb');
    await createScratchTwin(db);
    const access = await provisionAccess(db);
    const broker = await Broker.start();
    const host = await HostProcess.start({ db, mqtt: broker.url });
    const pub = await mqtt.connectAsync(broker.url, { clientId: `fuzz-test-${process.pid}` });
    try {
      const session = await signIn(host.url, access);
      await pub.publishAsync('civictwin/events/x', '['.repeat(100_000) + ']'.repeat(100_000), { qos: 1 });
      const incidentId = `AFTER-${corpus.nextId()}`;
      await pub.publishAsync('civictwin/events/x', corpus.incidentLine(incidentId), { qos: 1 });
      await expect
        .poll(async () => {
          if (!host.alive) return `host exited: ${host.logTail(800)}`;
          const r = await contractCall(host.url, access, session, 'incidents.getIncident', [incidentId]).catch(() => null);
          return r && r.status === 200 && r.value !== null ? 'committed' : 'waiting';
        }, { timeout: 30_000, interval: 250 })
        .toBe('committed');
      expect(host.alive).toBe(true);
    } finally {
      await pub.endAsync(true);
      await host.stop();
      await broker.stop();
    }
  });
});
