/**
 * What QoS 1 over MQTT is worth depends on the broker's settings (README "MQTT broker settings").
 * The host is down, producers keep publishing, and the broker itself restarts before the host is
 * back: with Mosquitto's defaults (no persistence, 1,000 queued messages per offline session)
 * events the broker had acknowledged are gone; with the README's settings none is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { IngestService } from '../../electron/services/IngestService.ts';
import { MqttIngest } from '../../electron/services/MqttIngest.ts';
import { tempDir } from './helpers.ts';
import { freePort } from './twinProcesses.ts';

const tmp = tempDir();
const MOSQUITTO = '/usr/sbin/mosquitto';
/** Published while the host is down: more than Mosquitto's default queue of 1,000. */
const PUBLISHED = 3_000;

/** The settings the README gives for Mosquitto (a 1 s autosave keeps a crash's loss to one second). */
const durableConfig = (port: number, dir: string): string => `
listener ${port} 127.0.0.1
allow_anonymous true
persistence true
persistence_location ${dir}/
autosave_interval 1
max_queued_messages 1000000
max_queued_bytes 0
persistent_client_expiration 2d
`;
const defaultConfig = (port: number): string => `listener ${port} 127.0.0.1\nallow_anonymous true\n`;


let running: ChildProcess | null = null;
async function startBroker(config: string, port: number): Promise<ChildProcess> {
  const file = tmp.path(`mosquitto-${port}-${Date.now()}.conf`);
  writeFileSync(file, config);
  const broker = spawn(MOSQUITTO, ['-c', file], { stdio: 'ignore' });
  running = broker;
  for (let tries = 0; tries < 100; tries++) {
    const up = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 }).then((c) => c.endAsync()).then(() => true, () => false);
    if (up) return broker;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error('mosquitto did not start');
}
/** A graceful restart: SIGTERM, which makes Mosquitto write its persistence file, then start again. */
async function stopBroker(broker: ChildProcess): Promise<void> {
  const exited = new Promise((ok) => broker.once('exit', ok));
  broker.kill('SIGTERM');
  await exited;
}

async function outageAcrossBrokerRestart(config: (port: number) => string): Promise<{ committed: number }> {
  const port = await freePort();
  const db = tmp.path(`broker-${port}.duckdb`);
  const store = await DuckDbStore.open(db, { create: true });
  await store.run(`INSERT INTO twin_meta VALUES ('name', 'test'), ('origin_lon', '121.42'), ('origin_lat', '28.38')`);
  let broker = await startBroker(config(port), port);
  const clientId = `ct-host-${port}`;
  // The host subscribes once (its persistent session), then goes down.
  let ingest = new IngestService(store);
  let host = await MqttIngest.connect(ingest, { url: `mqtt://127.0.0.1:${port}`, clientId });
  await host.close();
  const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `producer-${port}` });
  const ts = new Date(Date.now() - 60_000).toISOString();
  for (let i = 0; i < PUBLISHED; i++) {
    const event = { id: `outage-${i}`, type: 'sensor.reading', ts, source: 'gauge', data: { sensorId: 'rain-1', kind: 'rain', value: i } };
    await pub.publishAsync('civictwin/events/rain', JSON.stringify(event), { qos: 1 }); // PUBACK: the broker has it
  }
  await pub.endAsync();
  await stopBroker(broker);
  broker = await startBroker(config(port), port);
  ingest = new IngestService(store);
  host = await MqttIngest.connect(ingest, { url: `mqtt://127.0.0.1:${port}`, clientId });
  // A marker published now reaches the host after whatever the broker kept for it (a session's
  // queue is delivered in order), so once the marker is in, everything that will arrive has.
  const marker = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `marker-${port}` });
  await marker.publishAsync('civictwin/events/rain', JSON.stringify({ id: 'marker', type: 'sensor.reading', ts, source: 'gauge', data: { sensorId: 'rain-1', kind: 'rain', value: 0 } }), { qos: 1 });
  await marker.endAsync();
  const seen = await store.connectAgain();
  // The backlog drains one message per commit (MqttIngest: about 60 a second on a quiet machine, so
  // 3,000 take most of a minute, more under load): wait up to three minutes for the marker.
  for (let i = 0; i < 1800; i++) {
    if ((await seen.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM events WHERE id = 'marker'`))!.n > 0) break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  await host.close();
  await stopBroker(broker);
  running = null;
  const reader = await store.connectAgain();
  const committed = (await reader.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM events WHERE id LIKE 'outage-%'`))!.n;
  store.close();
  return { committed };
}

describe.skipIf(!existsSync(MOSQUITTO))('MQTT: the broker restarts while the host is down', () => {
  afterEach(() => {
    running?.kill('SIGKILL');
    running = null;
  });

  it("with Mosquitto's defaults, events the broker acknowledged are lost", async () => {
    const { committed } = await outageAcrossBrokerRestart(defaultConfig);
    // Without persistence the session and its queue die with the broker.
    expect(committed).toBeLessThan(PUBLISHED);
  }, 240_000);

  it('with the README settings (persistence, unlimited queue), every acknowledged event arrives', async () => {
    // Started as root, Mosquitto drops to its own user: its persistence folder must be writable
    // by that user (Debian's package uses /var/lib/mosquitto, owned by mosquitto).
    const dir = mkdtempSync(join(tmpdir(), 'civictwin-mosquitto-'));
    chmodSync(dir, 0o777);
    const { committed } = await outageAcrossBrokerRestart((port) => durableConfig(port, dir));
    expect(committed).toBe(PUBLISHED);
  }, 240_000);
});
