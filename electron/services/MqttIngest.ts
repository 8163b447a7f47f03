/**
 * MQTT ingest (`civictwin serve --mqtt mqtt://HOST:PORT`): subscribes to `civictwin/events/#` at
 * QoS 1 with a persistent session, and sends each PUBACK only after the message's events have
 * committed (mqtt.js `customHandleAcks`). A host killed before the commit never acknowledged the
 * message, so the broker delivers it again on reconnect; the event id makes that a duplicate.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { IngestService } from './IngestService.ts';

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
      customHandleAcks: (_topic, message, _packet, done) => {
        ingest
          .ingestText(message.toString('utf8'), 'mqtt')
          .then((r) => {
            if (r.rejected.length > 0) log(`mqtt: ${r.rejected.length} rejected event(s), first: ${r.rejected[0]!.reason}`);
            done(0);
          })
          .catch((err: unknown) => {
            // Not committed: withhold the PUBACK so the broker redelivers after reconnect.
            log(`mqtt: commit failed (${(err as Error).message}); message left unacknowledged`);
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
