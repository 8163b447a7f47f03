import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTwin } from '../../data/store/openTwin.ts';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, hostDbThreads, hostDbMemoryLimit, type Services } from '../services/index.ts';
import { MqttIngest } from '../services/MqttIngest.ts';
import { startControlChannel } from '../services/ControlSocket.ts';
import { authRoutes } from '../services/authOps.ts';
import { installProcessGuard } from '../services/processGuard.ts';
import { startSimulator, type StartSimulatorOptions } from '../services/simulator/startSimulator.ts';
import { attentionOf } from '../services/incidents/attention.ts';
import { WebHost } from '../web/WebHost.ts';
import { servedRendererDir } from './paths.ts';
import type { HostInfo } from '../common/dto.ts';
import { chromiumBriefPrinter } from '../web/briefPrinter.ts';
import { briefControlRoutes, setBriefPrinter } from '../services/typhoon/briefPdf.ts';

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
  /** The simulator's past and pace (the demo). */
  simulation?: Pick<StartSimulatorOptions, 'historyHours' | 'pace'>;
  /** Runs on the open twin after the services started, before the feed (the demo's backlog). */
  beforeFeed?: (store: DuckDbStore, log: (line: string) => void) => Promise<unknown>;
  /** Accept ingest without a token (a lab). */
  openIngest?: boolean;
  /** HTTPS with these PEM files; required (or `insecureLan`) when `host` is not loopback. */
  tls?: { cert: string; key: string };
  /** Serve plain HTTP on a non-loopback address anyway, knowingly. */
  insecureLan?: boolean;
  /** Further names the host is reached by (Host/Origin check). */
  allowHosts?: string[];
  /** The screens' layout and viewing distance (m) the renderer starts with, unless a page asks for its own. */
  display?: HostInfo['display'];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Where this machine reaches its own host: loopback unless the host listens on one address only. */
const printAddress = (host: string | undefined): string =>
  !host || LOOPBACK.has(host) || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

/** A host reachable from other machines says what it exposes, and needs TLS or an explicit choice. */
function checkExposure(opts: ServeOptions, log: (line: string) => void): void {
  const host = opts.host ?? '127.0.0.1';
  if (LOOPBACK.has(host)) return;
  if (!opts.tls && !opts.insecureLan) {
    throw new Error(
      `--host ${host} makes the twin reachable from other machines: pass --tls CERT KEY to serve HTTPS, or --insecure-lan to serve plain HTTP on a network you trust.`,
    );
  }
  log(
    `Exposed on ${host} (${opts.tls ? 'HTTPS' : 'plain HTTP: passwords and session cookies cross the network readable'}): ` +
      `${opts.wall ? 'the wall view (aggregates only, view-only)' : 'sign-in, the console for signed-in users'}` +
      `${opts.openIngest ? ', and ingest WITHOUT tokens (--open-ingest)' : ', and ingest for token holders'}.`,
  );
}

/** Opens the twin and serves it; closes the store cleanly on SIGINT/SIGTERM. */
export async function serveTwin(opts: ServeOptions): Promise<{ url: string; host: WebHost; services: Services }> {
  const rendererDir = servedRendererDir();
  if (opts.renderer !== false && !existsSync(join(rendererDir, 'index.html'))) {
    throw new Error('The renderer is not built: run "npm run build" (or "npm start", which builds it).');
  }
  const log = (l: string): void => console.error(l);
  installProcessGuard(log);
  checkExposure(opts, log);
  const tls = opts.tls ? { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) } : undefined;
  // A wall shows no one: it opens without the key (a wrong one is still refused).
  const store = await openTwin(opts.db, { threads: hostDbThreads(), memoryLimit: hostDbMemoryLimit(), onNote: log, withoutKey: Boolean(opts.wall) }); // cleans killed runs' leftovers; clear errors
  const services = await createServices(store, { host: 'web', personalData: opts.wall ? 'none' : 'masked', simulated: Boolean(opts.simulate), feedConfigured: Boolean(opts.mqtt), log, display: opts.display });
  const { api, ingest } = services;
  const host = new WebHost({
    services: api, auth: services.auth, ingest, staticDir: rendererDir, port: opts.port, host: opts.host, log,
    openIngest: opts.openIngest, wall: opts.wall, allowedHosts: opts.allowHosts, tls,
  });
  const port = await host.listen();
  // The 生成简报 button: this host prints its own briefing page (not on a wall: it makes none).
  if (!opts.wall) setBriefPrinter(chromiumBriefPrinter(`${tls ? 'https' : 'http'}://${printAddress(opts.host)}:${port}/`, services.auth));
  await startControlChannel(store, { host: 'civictwin serve', url: `http://${opts.host ?? '127.0.0.1'}:${port}/`, log, routes: { ...authRoutes(services, store), ...briefControlRoutes(services, store) } }); // backup, doctor, users, tokens, briefings
  const mqtt = opts.mqtt ? await MqttIngest.connect(ingest, { url: opts.mqtt, log }) : null;
  await opts.beforeFeed?.(store, log);
  // The simulated colleagues leave alone what a person at a console holds; a demo gets a past.
  const runner = opts.simulate
    ? await startSimulator(api, ingest, log, { heldByPerson: (id) => attentionOf(store).heldByPerson(id), ...opts.simulation })
    : null;
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
  const scheme = tls ? 'https' : 'http';
  const shown = opts.host && opts.host.includes(':') ? `[${opts.host}]` : (opts.host ?? '127.0.0.1');
  return { url: `${scheme}://${shown}:${port}/`, host, services };
}
