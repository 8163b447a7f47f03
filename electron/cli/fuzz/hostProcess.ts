/**
 * A web host as its own process (`civictwin serve --no-renderer --port 0`), a Mosquitto broker on
 * a free port, and a scratch twin: what the fuzzer, the kill -9 loop and their tests run against.
 * Only the process and its sockets are touched, so this works whatever the host is built with.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { REPO_ROOT } from '../paths.ts';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** Creates an empty twin (schema, origin) at `path` for events to land in. */
export async function createScratchTwin(path: string, lon = 121.42, lat = 28.38): Promise<void> {
  const store = await DuckDbStore.open(path, { create: true });
  await store.run(`INSERT INTO twin_meta VALUES ('name', 'fuzz'), ('origin_lon', '${lon}'), ('origin_lat', '${lat}')`);
  store.close();
}

/**
 * How a client gets in: an ingest token (Authorization: Bearer) for POST /api/v1/events and the
 * ingest stream, and a wall token, signed in for a session cookie, for /api/v1/live.
 */
export interface HostAccess {
  ingestToken: string | null;
  wallToken: string | null;
}

/** A signed-in session: its cookie and the CSRF token contract calls echo. */
export interface HostSession {
  cookie: string;
  csrf: string;
}

/** Creates an ingest and a wall token in a twin no host has open (`civictwin token add`). */
export async function provisionAccess(db: string): Promise<HostAccess> {
  const add = (kind: string): Promise<string | null> =>
    new Promise((ok) => {
      const cli = join(REPO_ROOT, 'electron/cli/civictwin.mjs');
      execFile(process.execPath, [cli, 'token', 'add', '--db', db, '--name', `fuzz ${kind}`, '--kind', kind], (err, stdout) => {
        // "Token #1 (ingest, "fuzz ingest"): ct_ingest_…" — a host without tokens has no such command.
        const m = /\):\s+(\S+)\s*$/m.exec(stdout);
        ok(err || !m ? null : m[1]!);
      });
    });
  return { ingestToken: await add('ingest'), wallToken: await add('wall') };
}

/** Headers that carry the ingest token, if there is one. */
export const ingestHeaders = (access: HostAccess): Record<string, string> => (access.ingestToken ? { authorization: `Bearer ${access.ingestToken}` } : {});

/** Signs a wall token in (`auth.signInWithToken`) for a session cookie; null if the host has no sign-in. */
export async function signIn(baseUrl: string, access: HostAccess): Promise<HostSession | null> {
  if (!access.wallToken) return null;
  try {
    const res = await fetch(`${baseUrl}/api/rpc/auth.signInWithToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-civictwin-csrf': '1' },
      body: JSON.stringify({ args: [access.wallToken] }),
      signal: AbortSignal.timeout(10_000),
    });
    const info = (await res.json()) as { csrfToken?: string };
    const cookie = /^([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    return res.status === 200 && cookie ? { cookie, csrf: info.csrfToken ?? '1' } : null;
  } catch {
    return null;
  }
}

/** A contract call from outside, with whatever access there is (session, else ingest token). */
export async function contractCall(baseUrl: string, access: HostAccess, session: HostSession | null, call: string, args: unknown[], timeoutMs = 5000): Promise<{ status: number; value: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-civictwin-csrf': session?.csrf ?? '1' };
  if (session) headers.cookie = session.cookie;
  else Object.assign(headers, ingestHeaders(access));
  const res = await fetch(`${baseUrl}/api/rpc/${call}`, { method: 'POST', headers, body: JSON.stringify({ args }), signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let value: unknown = null;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  return { status: res.status, value };
}

export interface HostExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One `civictwin serve` child process. */
export class HostProcess {
  public readonly child: ChildProcess;
  public readonly url: string;
  public readonly port: number;
  public readonly exited: Promise<HostExit>;
  private exitInfo: HostExit | null = null;
  private log: string;

  private constructor(child: ChildProcess, url: string, log: { text: string }) {
    this.child = child;
    this.url = url;
    this.port = Number(new URL(url).port);
    this.log = log.text;
    child.stdout!.on('data', (d: Buffer) => this.append(d));
    child.stderr!.on('data', (d: Buffer) => this.append(d));
    this.exited = new Promise((ok) => {
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        this.exitInfo = { code, signal };
        ok(this.exitInfo);
      };
      if (child.exitCode !== null || child.signalCode !== null) done(child.exitCode, child.signalCode);
      else child.once('exit', done);
    });
  }

  /** Starts a host on `db` and resolves once it prints the URL it serves at. */
  public static start(opts: { db: string; mqtt?: string; port?: number; timeoutMs?: number }): Promise<HostProcess> {
    const args = [join(REPO_ROOT, 'electron/cli/civictwin.mjs'), 'serve', '--db', opts.db, '--no-renderer', '--port', String(opts.port ?? 0)];
    if (opts.mqtt) args.push('--mqtt', opts.mqtt);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CIVICTWIN_DEBUG: '1' } });
    const log = { text: '' };
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        fail(new Error(`the host did not start within ${(opts.timeoutMs ?? 60_000) / 1000} s: ${tail(log.text)}`));
      }, opts.timeoutMs ?? 60_000);
      const onData = (d: Buffer): void => {
        log.text = tail(log.text + d.toString(), 64 * 1024);
        const m = /(http:\/\/[^\s/]+)/.exec(log.text);
        if (!m) return;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        child.off('exit', onExit);
        ok(new HostProcess(child, m[1]!, log));
      };
      const onExit = (code: number | null, signal: string | null): void => {
        clearTimeout(timer);
        fail(new Error(`the host exited before serving (code ${code}, signal ${signal}): ${tail(log.text)}`));
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', onExit);
    });
  }

  public get alive(): boolean {
    return this.exitInfo === null && this.child.exitCode === null && this.child.signalCode === null;
  }

  public get exit(): HostExit | null {
    return this.exitInfo;
  }

  /** The last lines the host printed (its crash message, when it crashed). */
  public logTail(chars = 4000): string {
    return tail(this.log, chars);
  }

  public async kill9(): Promise<HostExit> {
    if (this.alive) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM (the host closes its store cleanly), SIGKILL after `graceMs`. */
  public async stop(graceMs = 15_000): Promise<HostExit> {
    if (!this.alive) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const e = await this.exited;
    clearTimeout(timer);
    return e;
  }

  private append(d: Buffer): void {
    this.log = tail(this.log + d.toString(), 64 * 1024);
  }
}

function tail(text: string, chars = 2000): string {
  return text.length > chars ? text.slice(text.length - chars) : text;
}

/**
 * A Mosquitto broker on a free loopback port, configured from a temp file: no persistence (a
 * restart empties its queues, which is how the fuzzer ends an MQTT crash loop) and no queue limit
 * (so an outage of the host drops nothing).
 */
export class Broker {
  public readonly port: number;
  private readonly dir: string;
  private child: ChildProcess | null = null;

  private constructor(port: number) {
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), 'civictwin-broker-'));
  }

  public static available(): boolean {
    return existsSync(MOSQUITTO);
  }

  public static async start(): Promise<Broker> {
    if (!Broker.available()) throw new Error(`MQTT fuzzing needs Mosquitto at ${MOSQUITTO} (apt-get install mosquitto), or --mqtt URL of a broker the host uses.`);
    const b = new Broker(await freePort());
    await b.launch();
    return b;
  }

  public get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Stops and starts the broker on the same port, dropping every queued message. */
  public async restart(): Promise<void> {
    await this.halt();
    await this.launch();
  }

  public async stop(): Promise<void> {
    await this.halt();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(conf, [`listener ${this.port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'max_queued_messages 0', 'max_queued_bytes 0', ''].join('\n'));
    const child = spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
    this.child = child;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited at start (code ${child.exitCode}); is port ${this.port} taken?`);
      if (await canConnect(this.port)) return;
      if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${this.port} within 10 s`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }

  private async halt(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((ok) => child.once('exit', ok));
    child.kill('SIGTERM');
    await gone;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      ok(true);
    });
    s.once('error', () => ok(false));
  });
}

/** GET /api/health: true when it answers 200 within `timeoutMs`. */
export async function healthy(baseUrl: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}
