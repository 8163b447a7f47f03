/**
 * MQTT ingest (`civictwin serve --mqtt mqtt://HOST:PORT`): subscribes to `civictwin/events/#` at
 * QoS 1 with a persistent session, and sends each PUBACK only after the message's events have
 * committed (mqtt.js `customHandleAcks`). A host killed before the commit never acknowledged the
 * message, so the broker delivers it again on reconnect; the event id makes that a duplicate.
 *
 * mqtt.js hands over the next message only after the last one's PUBACK decision, so messages
 * commit one after another (~15 ms each here, ~60 messages/s): a producer with a high rate sends
 * many events per message (NDJSON or a JSON array), as the README says. What survives a broker
 * restart depends on the broker's settings (README "MQTT broker settings", tests/unit/mqttBroker).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { IngestRefusedError, IngestUnavailableError, type IngestService } from './IngestService.ts';

/** Payloads above this are refused whole (one dead letter) and acknowledged, like a 413 over HTTP. */
export const MAX_MQTT_PAYLOAD = 8 * 1024 * 1024;
/** While the store cannot write, a message is retried in the host (not redelivered) at most this far apart. */
const MAX_RETRY_MS = 30_000;

export const MQTT_TOPIC = 'civictwin/events/#';

export interface MqttIngestOptions {
  url: string;
  clientId?: string;
  log?: (line: string) => void;
}

export class MqttIngest {
  private readonly client: MqttClient;

  private constructor(client: MqttClient) {
    this.client = client;
  }

  public static connect(ingest: IngestService, options: MqttIngestOptions): Promise<MqttIngest> {
    const log = options.log ?? (() => undefined);
    const client = mqtt.connect(options.url, {
      clientId: options.clientId ?? 'civictwin-host',
      // MQTT 5: mqtt.js honours customHandleAcks only on v5. Clean start off plus a session expiry
      // keeps the subscription and unacknowledged messages across a host restart.
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 24 * 3600 },
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      customHandleAcks: (topic, message, _packet, done) => {
        // mqtt.js takes the next packet only after `done`: with an error it goes on without a
        // PUBACK (the broker redelivers the message on the next session), never stalling the stream.
        void ingestMessage(ingest, topic, message, log).then((acknowledge) => {
          if (acknowledge) done(0);
          else done(new Error(`message on ${topic} not committed; left for redelivery`));
        });
      },
    });
    return new Promise((ok, fail) => {
      const onError = (err: Error): void => fail(new Error(`Cannot connect to MQTT broker ${options.url}: ${err.message}`));
      client.once('error', onError);
      client.once('connect', () => {
        client.off('error', onError);
        client.on('error', (err) => log(`mqtt: ${err.message}`));
        // Subscribing again on a resumed session is harmless and covers a broker that lost it.
        // Resolve only once the broker has confirmed, so nothing published after start is missed.
        client.subscribe(MQTT_TOPIC, { qos: 1 }, (err) => {
          if (err) {
            client.end(true);
            fail(new Error(`MQTT subscribe to ${MQTT_TOPIC} failed: ${err.message}`));
            return;
          }
          log(`mqtt: subscribed to ${MQTT_TOPIC} on ${options.url}`);
          ok(new MqttIngest(client));
        });
      });
    });
  }

  public close(): Promise<void> {
    return new Promise((ok) => this.client.end(false, {}, () => ok()));
  }
}

/**
 * Takes one MQTT message to a decision on its PUBACK. Acknowledged once its events are committed
 * and once it is dead-lettered (rejected events, or the whole payload refused as garbage): the
 * broker must stop redelivering a message that will never be better. While the store cannot write
 * (disk full, memory budget) the message is retried here with backoff until it commits, so a full
 * disk delays the stream instead of dropping or crash-looping it. Any other failure withholds the
 * PUBACK: the broker redelivers after reconnect and the event id makes a committed part a duplicate.
 * Never throws.
 */
export async function ingestMessage(ingest: IngestService, topic: string, message: Buffer, log: (line: string) => void): Promise<boolean> {
  let delay = 500;
  for (;;) {
    try {
      const text = message.length > MAX_MQTT_PAYLOAD
        ? `(payload of ${message.length} bytes on ${topic}, larger than ${MAX_MQTT_PAYLOAD})`
        : message.toString('utf8');
      if (message.length > MAX_MQTT_PAYLOAD) await ingest.refuseOversized(text, 'mqtt', MAX_MQTT_PAYLOAD);
      const r = await ingest.ingestText(text, 'mqtt');
      const rejected = r.rejectedTotal ?? r.rejected.length;
      if (rejected > 0) log(`mqtt: ${rejected} rejected event(s) on ${topic}, first: ${r.rejected[0]!.reason}`);
      return true;
    } catch (err) {
      if (err instanceof IngestRefusedError) {
        log(`mqtt: message on ${topic} refused and dead-lettered: ${err.message}`);
        return true;
      }
      if (err instanceof IngestUnavailableError) {
        await new Promise((ok) => setTimeout(ok, Math.max(delay, err.retryAfterS * 1000)));
        delay = Math.min(delay * 2, MAX_RETRY_MS);
        continue;
      }
      log(`mqtt: commit failed (${(err as Error)?.message ?? String(err)}); message on ${topic} left unacknowledged for redelivery`);
      return false;
    }
  }
}
