/**
 * The runfile a host keeps beside the twin it holds open: `<db>.host.json`, mode 0600.
 *
 * DuckDB lets one process write a file, and another process cannot even read it meanwhile. The
 * runfile says which host that is (its kind, PID, URL) and how to reach its control channel (a
 * loopback port and a random token; see electron/services/ControlSocket.ts), so the CLI can ask
 * the holder to make a backup, and a refusal can name the host precisely. Only the user who owns
 * the twin can read the token: the mode is 0600 like the key's.
 */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

export interface HostRunfile {
  version: 1;
  pid: number;
  /** What holds the twin, as a person would say it: "civictwin serve", "CivicTwin (Electron)". */
  host: string;
  /** Where operators reach the host (web host only). */
  url?: string;
  db: string;
  /** Loopback port of the control channel. */
  controlPort: number;
  /** Bearer token the control channel requires. */
  token: string;
  startedAt: string;
}

export const runfilePathFor = (dbPath: string): string => `${dbPath}.host.json`;

/** Writes the runfile atomically (a reader never sees half of it), readable by its owner only. */
export function writeRunfile(dbPath: string, info: HostRunfile): void {
  const path = runfilePathFor(dbPath);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** The runfile as written, or null when absent or unreadable (a half-written one is never seen). */
export function readRunfile(dbPath: string): HostRunfile | null {
  const path = runfilePathFor(dbPath);
  if (!existsSync(path)) return null;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as Partial<HostRunfile>;
    if (r.version !== 1 || !Number.isInteger(r.pid) || !Number.isInteger(r.controlPort) || typeof r.token !== 'string') return null;
    return r as HostRunfile;
  } catch {
    return null;
  }
}

/** The runfile when the process that wrote it is still running; a killed host leaves a stale one. */
export function liveRunfile(dbPath: string): HostRunfile | null {
  const r = readRunfile(dbPath);
  return r && processAlive(r.pid) ? r : null;
}

/** Removes the runfile if it is the one `pid` wrote (a newer host's runfile is left alone). */
export function removeRunfile(dbPath: string, pid: number): void {
  const r = readRunfile(dbPath);
  if (r && r.pid === pid) rmSync(runfilePathFor(dbPath), { force: true });
}

/**
 * True when a process with this PID exists. A PID reused by an unrelated process reads as alive:
 * the cautious answer, since callers then leave files alone rather than delete someone's work.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
