/**
 * Replacing a twin atomically (`seed --force`, `restore`, a backup's output), and cleaning up what
 * a killed run leaves behind.
 *
 * A new twin is always written beside the target first, as `<db>.partial-<pid>` with its key
 * `<db>.partial-<pid>.key`, checkpointed and closed. The swap then renames it over the target: a
 * rename is atomic, so the path holds the old twin or the new one, never half of either.
 *
 * The key is a second file, and two renames cannot be one. So the swap writes a journal first
 * (`<db>.swap-<pid>`), renames the database, then the key, then removes the journal. A run killed
 * between the two renames leaves the journal, and the next start finishes the job: the new
 * database is in place (its partial file is gone), so its key, still under the partial name, is
 * moved beside it. A run killed before the database rename leaves the partial file: it is
 * deleted and the old twin, key and log were never touched. The old twin's log (`<db>.wal`) must
 * not meet the new database (DuckDB would replay it into the wrong file); it is moved to
 * `<db>.swap-<pid>.wal` under the journal, and put back if the swap did not happen.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { keyPathFor } from './crypto.ts';
import { processAlive, readRunfile, runfilePathFor } from './hostRunfile.ts';
import { TwinBusyError, describeHolder, parseLockConflict } from './twinLock.ts';
import { walPathFor } from './wal.ts';

export const partialPathFor = (target: string, pid = process.pid): string => `${target}.partial-${pid}`;
const journalPathFor = (target: string, pid: number): string => `${target}.swap-${pid}`;
const movedWalPathFor = (target: string, pid: number): string => `${target}.swap-${pid}.wal`;

/** Deletes a twin file with its log and key (a partial file a run gave up on). */
export function removeTwinFiles(path: string): void {
  for (const f of [path, walPathFor(path), keyPathFor(path)]) rmSync(f, { force: true });
}

/**
 * Moves the finished twin at `partial` (checkpointed and closed, key beside it) over `target`.
 * Refuses, changing nothing, when another process holds `target`: the old file is held with a
 * shared lock from that check until the rename, so no host can open it in between.
 */
export async function swapInTwin(partial: string, target: string, busyAdvice: string): Promise<void> {
  if (existsSync(walPathFor(partial))) throw new Error(`${partial} still has a log; close its store before swapping it in.`);
  // The twin holds addresses and event details in clear (personal fields are encrypted): it is
  // its owner's, like its key.
  chmodSync(partial, 0o600);
  fsyncFile(partial);
  if (existsSync(keyPathFor(partial))) fsyncFile(keyPathFor(partial));
  let held: DuckDBInstance | null = null;
  if (existsSync(target)) {
    try {
      held = await DuckDBInstance.create(target, { access_mode: 'READ_ONLY' });
    } catch (err) {
      const conflict = parseLockConflict(err);
      if (conflict) throw new TwinBusyError(target, describeHolder(target, conflict.pid, conflict.executable), busyAdvice);
      // Not a DuckDB file, or too damaged to open: it is being replaced, which is what was asked.
    }
  }
  const pid = process.pid;
  try {
    const hasKey = existsSync(keyPathFor(partial));
    writeFileSync(journalPathFor(target, pid), JSON.stringify({ partial, target, hasKey, startedAt: new Date().toISOString() }) + '\n');
    fsyncFile(journalPathFor(target, pid));
    // Windows cannot rename over an open file; the window without the lock is a few milliseconds.
    if (process.platform === 'win32') held = closeHeld(held);
    if (existsSync(walPathFor(target))) renameSync(walPathFor(target), movedWalPathFor(target, pid));
    renameSync(partial, target);
  } finally {
    closeHeld(held);
  }
  if (existsSync(keyPathFor(partial))) renameSync(keyPathFor(partial), keyPathFor(target));
  else rmSync(keyPathFor(target), { force: true }); // key from CIVICTWIN_KEY: no file, and no stale one
  rmSync(movedWalPathFor(target, pid), { force: true });
  fsyncDir(dirname(target));
  rmSync(journalPathFor(target, pid), { force: true });
}

function closeHeld(held: DuckDBInstance | null): null {
  held?.closeSync();
  return null;
}

export interface Leftover {
  path: string;
  kind: 'partial' | 'swap' | 'staging' | 'runfile';
  /** The process that made it; null when the name does not say. */
  pid: number | null;
  /** That process still runs: the file is in use, not a leftover yet. */
  alive: boolean;
  bytes: number;
}

/**
 * What killed runs left beside `target`: partial twins and their keys and logs, swap journals, a
 * stale runfile; and ingest staging folders in the temp folder whose host is gone.
 */
export function findLeftovers(target: string): Leftover[] {
  const out: Leftover[] = [];
  const dir = dirname(target);
  const base = basename(target);
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escaped}\\.(partial|swap)-(\\d+)(\\.wal|\\.key)?$`);
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    out.push({ path: join(dir, name), kind: m[1] as 'partial' | 'swap', pid, alive: processAlive(pid), bytes: sizeOf(join(dir, name)) });
  }
  const run = readRunfile(target);
  if (run && !processAlive(run.pid)) out.push({ path: runfilePathFor(target), kind: 'runfile', pid: run.pid, alive: false, bytes: sizeOf(runfilePathFor(target)) });
  out.push(...findStagingLeftovers());
  return out;
}

/**
 * Ingest staging folders: `civictwin-ingest-<pid>-XXXXXX` in the temp folder (IngestService).
 * Folders without a PID (made by an older version) are listed with pid null.
 */
export function findStagingLeftovers(): Leftover[] {
  const dir = tmpdir();
  const out: Leftover[] = [];
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    if (!name.startsWith(INGEST_STAGING_PREFIX)) continue;
    const m = /^(\d+)-/.exec(name.slice(INGEST_STAGING_PREFIX.length));
    const pid = m ? Number(m[1]) : null;
    const path = join(dir, name);
    out.push({ path, kind: 'staging', pid, alive: pid === null ? true : processAlive(pid), bytes: sizeOf(path) });
  }
  return out;
}

/** Prefix of the ingest's staging folders; the PID after it tells whose a folder is. */
export const INGEST_STAGING_PREFIX = 'civictwin-ingest-';
/** The prefix for this process's staging folder (mkdtemp adds a random suffix). */
export const ingestStagingPrefix = (): string => join(tmpdir(), `${INGEST_STAGING_PREFIX}${process.pid}-`);

/**
 * Finishes or undoes what dead runs left beside `target` (see the file comment), removes their
 * files and dead hosts' staging folders, and returns one line per thing done. Files of running
 * processes are left alone.
 */
export function cleanLeftovers(target: string): string[] {
  const notes: string[] = [];
  const found = findLeftovers(target).filter((l) => !l.alive);
  // Journals first: they decide what the partial files beside them mean.
  for (const j of found.filter((l) => l.kind === 'swap' && l.path === journalPathFor(target, l.pid!))) {
    const pid = j.pid!;
    const partial = partialPathFor(target, pid);
    if (existsSync(partial)) {
      if (existsSync(movedWalPathFor(target, pid)) && !existsSync(walPathFor(target))) {
        renameSync(movedWalPathFor(target, pid), walPathFor(target));
      }
      notes.push(`A replacement of ${target} by process ${pid} was killed before the swap: the old twin is intact; its files were removed.`);
    } else {
      if (existsSync(keyPathFor(partial))) renameSync(keyPathFor(partial), keyPathFor(target));
      else if (readJournal(j.path)?.hasKey === false) rmSync(keyPathFor(target), { force: true });
      notes.push(`A replacement of ${target} by process ${pid} was killed between moving the database and its key: the new key was put beside it.`);
    }
    rmSync(movedWalPathFor(target, pid), { force: true });
    removeTwinFiles(partial);
    rmSync(j.path, { force: true });
  }
  const partials = new Map<number, number>();
  for (const l of found) {
    if (!existsSync(l.path)) continue; // handled with its journal
    if (l.kind === 'staging' && l.pid === null) continue; // cannot tell whose: reported by doctor
    rmSync(l.path, { recursive: true, force: true });
    if (l.kind === 'partial') partials.set(l.pid!, (partials.get(l.pid!) ?? 0) + l.bytes);
    else if (l.kind === 'staging') notes.push(`Removed the ingest staging folder ${l.path} of a host that is gone (PID ${l.pid}).`);
    else if (l.kind === 'runfile') notes.push(`Removed ${l.path}: the host that wrote it (PID ${l.pid}) is gone.`);
  }
  for (const [pid, bytes] of partials) {
    notes.push(`Removed ${partialPathFor(target, pid)} (${formatBytes(bytes)}), left by a run that was killed (PID ${pid}).`);
  }
  return notes;
}

function readJournal(path: string): { hasKey?: boolean } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { hasKey?: boolean };
  } catch {
    return null;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function sizeOf(path: string): number {
  try {
    const st = statSync(path);
    if (!st.isDirectory()) return st.size;
    return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
  } catch {
    return 0;
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes renames in `dir` durable across a power loss (a no-op where directories cannot be opened). */
function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Windows and some file systems refuse fsync on a directory; the renames stand regardless.
  } finally {
    closeSync(fd);
  }
}
