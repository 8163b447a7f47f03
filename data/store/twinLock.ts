/**
 * Who holds a twin open, and the messages that refuse to change a twin someone else holds.
 *
 * DuckDB takes an OS lock on the file: one process may write it, and while it does no other
 * process can open it at all. Its error names the holder ("Conflicting lock is held in
 * /usr/bin/node (PID 1234)"); the host's runfile (`<db>.host.json`) says more (which host, its
 * URL). Seed, import, restore and migrate ask first and refuse before changing anything.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readRunfile } from './hostRunfile.ts';

/** An error about a twin's files that the user can fix; its message is one line saying how. */
export class TwinFileError extends Error {
  public override name = 'TwinFileError';
}

export interface TwinHolder {
  pid: number;
  /** "civictwin serve (PID 1234, http://127.0.0.1:8787/)" */
  description: string;
  /** True when the holder runs a control channel (it can make a backup itself). */
  controllable: boolean;
}

/** A twin another process holds open. */
export class TwinBusyError extends TwinFileError {
  public override name = 'TwinBusyError';
  public constructor(
    public readonly path: string,
    public readonly holder: TwinHolder,
    advice: string,
  ) {
    super(`${path} is open in ${holder.description}: ${advice}`);
  }
}

/** The PID and executable DuckDB names in a lock conflict, or null for any other error. */
export function parseLockConflict(err: unknown): { pid: number; executable: string } | null {
  const m = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(String((err as Error)?.message ?? err));
  return m ? { pid: Number(m[2]), executable: m[1]! } : null;
}

/**
 * Names a process as a person would: a CivicTwin host by its command, else its executable.
 * Prefers the twin's runfile (written by the host itself) over /proc.
 */
export function describeHolder(dbPath: string, pid: number, executable = ''): TwinHolder {
  const run = readRunfile(dbPath);
  if (run && run.pid === pid) {
    return { pid, description: `${run.host} (PID ${pid}${run.url ? `, ${run.url}` : ''})`, controllable: true };
  }
  return { pid, description: `${commandOf(pid) ?? (executable || 'another process')} (PID ${pid})`, controllable: false };
}

/** "civictwin serve", "CivicTwin (Electron)", or null when the command line is not one of ours. */
function commandOf(pid: number): string | null {
  const proc = `/proc/${pid}/cmdline`;
  if (!existsSync(proc)) return null;
  let argv: string[];
  try {
    argv = readFileSync(proc, 'utf8').split('\0').filter(Boolean);
  } catch {
    return null;
  }
  const cli = argv.findIndex((a) => /civictwin(\.mjs)?$/.test(a) || a.endsWith('electron/cli/main.ts'));
  if (cli >= 0) {
    const command = argv.slice(cli + 1).find((a) => !a.startsWith('-'));
    return command ? `civictwin ${command}` : 'civictwin';
  }
  if (argv.some((a) => /(^|[/\\])main\.cjs$/.test(a)) || /electron/i.test(basename(argv[0] ?? ''))) return 'CivicTwin (Electron)';
  return argv[0] ? `${basename(argv[0])}${argv[1] ? ` ${basename(argv[1])}` : ''}` : null;
}

/**
 * Which process holds `dbPath` open, or null when none does (or the file does not exist). Asks
 * DuckDB for a shared lock, which fails naming the writer; the runfile then says which host that
 * is. (The lock decides, not the runfile: a killed host's runfile may name a PID that now
 * belongs to another program.) The probe opens read-only: it changes nothing, even with a log to
 * replay, and a twin too damaged to open is simply not held.
 */
export async function findHolder(dbPath: string): Promise<TwinHolder | null> {
  if (!existsSync(dbPath)) return null;
  try {
    const probe = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY' });
    probe.closeSync();
    return null;
  } catch (err) {
    const conflict = parseLockConflict(err);
    return conflict ? describeHolder(dbPath, conflict.pid, conflict.executable) : null;
  }
}

/** Throws TwinBusyError when another process holds `dbPath`. `advice` ends the message. */
export async function assertNotHeld(dbPath: string, advice: string): Promise<void> {
  const holder = await findHolder(dbPath);
  if (holder && holder.pid !== process.pid) throw new TwinBusyError(dbPath, holder, advice);
}

/** What to tell a user whose command needs the twin a host holds. */
export const STOP_HOST_FIRST = 'stop that host first (Ctrl+C in its terminal, or close the app), then run this again';
