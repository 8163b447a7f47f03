import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openTwin } from '../../data/store/openTwin.ts';
import { createServices, hostDbThreads } from '../services/index.ts';
import { MqttIngest } from '../services/MqttIngest.ts';
import { startControlChannel } from '../services/ControlSocket.ts';
import { installProcessGuard } from '../services/processGuard.ts';
import { startSimulator } from '../services/simulator/startSimulator.ts';
import { WebHost } from '../web/WebHost.ts';
import { RENDERER_DIST } from './paths.ts';

export interface ServeOptions {
  db: string;
  port: number;
  /** Wall mode: no personal data leaves the host, not even masked. */
  wall: boolean;
  host?: string;
  /** Subscribe to an MQTT broker, e.g. mqtt://127.0.0.1:1883. */
  mqtt?: string;
  /** false: an ingest/API-only host that does not need the renderer build. */
  renderer?: boolean;
  /** Run the built-in feed simulator in this process. */
  simulate?: boolean;
}

/** Opens the twin and serves it; closes the store cleanly on SIGINT/SIGTERM. */
export async function serveTwin(opts: ServeOptions): Promise<{ url: string; host: WebHost }> {
  if (opts.renderer !== false && !existsSync(join(RENDERER_DIST, 'index.html'))) {
    throw new Error('The renderer is not built: run "npm run build" (or "npm start", which builds it).');
  }
  const log = (l: string): void => console.error(l);
  installProcessGuard(log);
  const store = await openTwin(opts.db, { threads: hostDbThreads(), onNote: log }); // cleans killed runs' leftovers; clear errors
  const services = await createServices(store, { host: 'web', personalData: opts.wall ? 'none' : 'masked', simulated: Boolean(opts.simulate), log });
  const { api, ingest } = services;
  const host = new WebHost({ services: api, ingest, staticDir: RENDERER_DIST, port: opts.port, host: opts.host, log });
  const port = await host.listen();
  await startControlChannel(store, { host: 'civictwin serve', url: `http://${opts.host ?? '127.0.0.1'}:${port}/`, log }); // backup, doctor
  const mqtt = opts.mqtt ? await MqttIngest.connect(ingest, { url: opts.mqtt, log }) : null;
  const runner = opts.simulate ? await startSimulator(api, ingest, log) : null;
  // Order: stop producing (feed, MQTT, HTTP), stop timers, let queries finish, close the store.
  const shutdown = (): void => {
    runner?.stop();
    void Promise.all([host.close(), mqtt?.close()])
      .then(() => {
        services.stop();
        return store.closeWhenIdle();
      })
      .then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return { url: `http://${opts.host ?? '127.0.0.1'}:${port}/`, host };
}
