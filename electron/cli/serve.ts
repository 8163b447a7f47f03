import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices } from '../services/index.ts';
import { WebHost } from '../web/WebHost.ts';
import { RENDERER_DIST } from './paths.ts';

export interface ServeOptions {
  db: string;
  port: number;
  /** Wall mode: no personal data leaves the host, not even masked. */
  wall: boolean;
  host?: string;
}

/** Opens the twin and serves it; closes the store cleanly on SIGINT/SIGTERM. */
export async function serveTwin(opts: ServeOptions): Promise<{ url: string; host: WebHost }> {
  if (!existsSync(join(RENDERER_DIST, 'index.html'))) {
    throw new Error('The renderer is not built: run "npm run build" (or "npm start", which builds it).');
  }
  const store = await DuckDbStore.open(opts.db);
  const services = createServices(store, 'web', opts.wall ? 'none' : 'masked');
  const host = new WebHost({ services, staticDir: RENDERER_DIST, port: opts.port, host: opts.host, log: (l) => console.error(l) });
  const port = await host.listen();
  const shutdown = (): void => {
    void host.close().then(() => {
      store.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return { url: `http://${opts.host ?? '127.0.0.1'}:${port}/`, host };
}
