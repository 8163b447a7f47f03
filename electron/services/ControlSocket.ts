/**
 * The control channel a host opens beside the twin it holds, so that other CivicTwin processes
 * can ask it for things only the holder can do (DuckDB lets no other process open the file).
 *
 * An HTTP server on 127.0.0.1 at a port the OS picks, announced in the runfile `<db>.host.json`
 * (mode 0600) with a random token every request must carry (`Authorization: Bearer …`). Loopback
 * plus a token readable only by the twin's owner works the same on Linux, macOS and Windows
 * (a Unix socket path next to the twin could exceed the 108-byte limit). Requests:
 *   GET  /v1/status                       → who holds the twin, its schema version, row counts, key check
 *   POST /v1/backup {"out": …, "force"?}  → a consistent copy of the twin while the host runs
 *   GET  /v1/memory                       → the process's RSS and V8 heap, and DuckDB's own share (the kiosk soak)
 * The runfile goes when the process exits; a killed host leaves it, and readers check its PID.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isAbsolute, resolve } from 'node:path';
import { backupOpenStore } from '../../data/store/backup.ts';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { removeRunfile, writeRunfile } from '../../data/store/hostRunfile.ts';
import { summariseWith } from '../../data/store/twinCheck.ts';
import { TwinFileError } from '../../data/store/twinLock.ts';

export interface ControlChannelOptions {
  /** How the host is named in messages: "civictwin serve", "CivicTwin (Electron)". */
  host: string;
  /** Where operators reach it (web host). */
  url?: string;
  log?: (line: string) => void;
  /**
   * Further requests this host answers, `POST /v1/<name>` with a JSON body: e.g. `auth` for
   * account and token administration (electron/services/authOps.ts), which must change the
   * holder's in-memory sessions and tokens.
   */
  routes?: Record<string, (body: Record<string, unknown>) => Promise<unknown>>;
}

export interface ControlChannel {
  port: number;
  close(): Promise<void>;
}

/** Bodies are a path and a flag; anything longer is not a control request. */
const MAX_BODY = 16 * 1024;

export async function startControlChannel(store: DuckDbStore, opts: ControlChannelOptions): Promise<ControlChannel> {
  const token = randomBytes(32).toString('hex');
  const dbPath = store.path;
  let backupRunning = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!authorised(req, token)) return reply(res, 401, { error: 'missing or wrong token (read it from the runfile)' });
    const url = new URL(req.url ?? '/', 'http://control');
    if (req.method === 'GET' && url.pathname === '/v1/status') {
      const summary = await summariseWith((sql) => store.all(sql), dbPath);
      return reply(res, 200, { pid: process.pid, host: opts.host, url: opts.url ?? null, db: dbPath, ...summary });
    }
    if (req.method === 'GET' && url.pathname === '/v1/memory') {
      // DuckDB's buffer manager is bounded by its memory_limit; the rest of the RSS is the host's own.
      const db = (await store.all<{ b: bigint | null; lim: string }>("SELECT sum(memory_usage_bytes)::BIGINT AS b, current_setting('memory_limit') AS lim FROM duckdb_memory()"))[0];
      const m = process.memoryUsage();
      return reply(res, 200, { rssBytes: m.rss, heapUsedBytes: m.heapUsed, externalBytes: m.external, duckdbBytes: Number(db?.b ?? 0), duckdbLimit: db?.lim ?? null });
    }
    if (req.method === 'POST' && url.pathname === '/v1/backup') {
      const body = await readJson(req);
      const out = typeof body?.out === 'string' ? body.out : null;
      if (!out || !isAbsolute(out)) return reply(res, 400, { error: 'give "out" as an absolute path' });
      if (resolve(out) === resolve(dbPath)) return reply(res, 400, { error: `the backup cannot be written over the twin itself (${dbPath})` });
      if (backupRunning) return reply(res, 409, { error: 'a backup is already running in this host; try again when it has finished' });
      backupRunning = true;
      try {
        const r = await backupOpenStore(store, out, body?.force === true);
        opts.log?.(`Backed up ${dbPath} to ${r.out} (${r.bytes} bytes, ${r.ms.toFixed(0)} ms) at the request of the CLI.`);
        return reply(res, 200, r);
      } catch (err) {
        const known = err instanceof TwinFileError;
        if (!known) opts.log?.(`Backup to ${out} failed: ${(err as Error).message}`);
        return reply(res, known ? 409 : 500, { error: (err as Error).message });
      } finally {
        backupRunning = false;
      }
    }
    const route = req.method === 'POST' && url.pathname.startsWith('/v1/') ? opts.routes?.[url.pathname.slice(4)] : undefined;
    if (route && Object.hasOwn(opts.routes!, url.pathname.slice(4))) {
      const body = await readJson(req);
      if (!body) return reply(res, 400, { error: 'send a JSON object' });
      try {
        return reply(res, 200, (await route(body)) ?? null);
      } catch (err) {
        const status = (err as { status?: number }).status;
        return reply(res, typeof status === 'number' && status < 500 ? 409 : 500, { error: (err as Error).message });
      }
    }
    return reply(res, 404, { error: `no such request: ${req.method} ${url.pathname}` });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => reply(res, 500, { error: (err as Error).message }));
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 0; // a backup of a large twin takes as long as it takes
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  server.unref(); // the host's own servers decide when it exits
  const port = (server.address() as { port: number }).port;
  writeRunfile(dbPath, {
    version: 1, pid: process.pid, host: opts.host, url: opts.url, db: dbPath, controlPort: port, token, startedAt: new Date().toISOString(),
  });
  const removeOnExit = (): void => removeRunfile(dbPath, process.pid);
  process.once('exit', removeOnExit);
  return {
    port,
    close: async () => {
      process.off('exit', removeOnExit);
      removeOnExit();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

function authorised(req: IncomingMessage, token: string): boolean {
  const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk);
  }
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
