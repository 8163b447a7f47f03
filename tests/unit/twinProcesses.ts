/**
 * Real `civictwin` processes for the twin-file tests: run a command to its end, or start a host
 * and post events to it, as an operator and a producer would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { REPO_ROOT } from '../../electron/cli/paths.ts';

const CLI = `${REPO_ROOT}/electron/cli/civictwin.mjs`;

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

/** Runs `civictwin …` to its end. */
export function civictwin(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code, signal) => ok({ code, signal, out }));
  });
}

/** Starts `civictwin …` and hands back the process with its output so far. */
export function startCivictwin(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return { child, output: () => out, exited };
}

export async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export interface Host {
  child: ChildProcess;
  port: number;
  base: string;
  output: () => string;
  exited: Promise<number | null>;
  /** SIGTERM and wait: the host closes the store cleanly. */
  stop(): Promise<void>;
}

/**
 * These tests post events as a lab producer would: hosts that require ingest tokens take
 * `--open-ingest` for that (checked in the CLI's source, so the tests run before and after it).
 */
const OPEN_INGEST = readFileSync(`${REPO_ROOT}/electron/cli/main.ts`, 'utf8').includes("'--open-ingest'") ? ['--open-ingest'] : [];

/** `civictwin serve --db FILE --no-renderer` on a free port, once it says it is serving. */
export async function serveHost(db: string): Promise<Host> {
  const port = await freePort();
  const run = startCivictwin(['serve', '--db', db, '--port', String(port), '--no-renderer', ...OPEN_INGEST]);
  // Waits on the host's own output (it says when it serves) or its exit, whichever comes first.
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the host did not start in 60 s: ${run.output()}`)), 60_000);
    const check = (): void => {
      if (!/serving/.test(run.output())) return;
      clearTimeout(timer);
      ok();
    };
    run.child.stdout!.on('data', check);
    void run.exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`the host exited: ${run.output()}`));
    });
  });
  return {
    ...run,
    port,
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      run.child.kill('SIGTERM');
      await run.exited;
    },
  };
}

/** A resource fix near the demo district's origin (the seeded twin's bbox). */
export const positionEvent = (id: string): Record<string, unknown> => ({
  id,
  type: 'resource.position',
  ts: new Date(Date.now() - 60_000).toISOString(),
  source: 'gps-test',
  data: { resourceId: 1, lon: 121.42, lat: 28.38, heading: 45, speed: 5, status: 'en_route' },
});

/** Posts events; true when every one was accepted (the host answers after the commit). */
export async function postEvents(base: string, ids: string[]): Promise<boolean> {
  const res = await fetch(`${base}/api/v1/events`, { method: 'POST', body: ids.map((id) => JSON.stringify(positionEvent(id))).join('\n') });
  if (!res.ok) return false;
  const r = (await res.json()) as { accepted: number };
  return r.accepted === ids.length;
}

/**
 * Producers posting batches until `stop()`; `acked` lists every id the host acknowledged, in
 * order. A failed request stops that producer (the host is gone or refused).
 */
export function produce(base: string, producers = 2, batch = 50): { acked: string[]; failures: string[]; stop: () => Promise<void> } {
  const acked: string[] = [];
  const failures: string[] = [];
  let stopping = false;
  const run = async (p: number): Promise<void> => {
    for (let b = 0; !stopping; b++) {
      const ids = Array.from({ length: batch }, (_, i) => `p${p}-${b}-${i}-${Math.random().toString(36).slice(2, 8)}`);
      try {
        if (await postEvents(base, ids)) acked.push(...ids);
        else failures.push(`batch ${p}/${b} not accepted`);
      } catch (err) {
        failures.push(String(err));
        return;
      }
    }
  };
  const all = Array.from({ length: producers }, (_, p) => run(p));
  return {
    acked,
    failures,
    stop: async () => {
      stopping = true;
      await Promise.all(all);
    },
  };
}
