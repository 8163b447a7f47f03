/**
 * Consistent copies of a twin: `civictwin backup` and `restore`.
 *
 * The copy is DuckDB's own `COPY FROM DATABASE src TO dst` (checked with @duckdb/node-api 1.5.6:
 * it carries tables, keys, views and sequences with their current values). It runs as one
 * statement in one transaction, so it sees one snapshot: every transaction committed before it
 * started, nothing of one committed after, whatever the ingest does meanwhile on its own
 * connection. That is why a running host makes the copy itself (no other process can open its
 * file); without a host, the CLI opens the file read-only and copies it the same way.
 *
 * The output is written beside its target as a partial file and swapped in (twinSwap.ts), with
 * the key (mode 0600) beside it: a backup without its key cannot show personal data.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { chmodSync, copyFileSync, existsSync } from 'node:fs';
import { keyPathFor } from './crypto.ts';
import type { DuckDbStore } from './DuckDbStore.ts';
import { TwinBusyError, TwinFileError, describeHolder, parseLockConflict } from './twinLock.ts';
import { partialPathFor, removeTwinFiles, swapInTwin } from './twinSwap.ts';
import { fileInfo } from './wal.ts';

export interface CopyResult {
  out: string;
  bytes: number;
  /** The key file was copied beside the copy; false when the key comes from CIVICTWIN_KEY. */
  keyCopied: boolean;
  ms: number;
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const sqlName = (s: string): string => `"${s.replaceAll('"', '""')}"`;

let copies = 0;

/** COPY FROM DATABASE `source` (a catalog `run` can see) into a new file at `file`. */
async function copyCatalog(run: (sql: string) => Promise<unknown>, source: string, file: string): Promise<void> {
  const alias = `civictwin_copy_${process.pid}_${++copies}`;
  await run(`ATTACH ${sqlString(file)} AS ${sqlName(alias)}`);
  try {
    await run(`COPY FROM DATABASE ${sqlName(source)} TO ${sqlName(alias)}`);
  } finally {
    // Detaching checkpoints and closes the copy: the file is complete and has no log.
    await run(`DETACH ${sqlName(alias)}`);
  }
}

function copyKey(fromDb: string, toDb: string): boolean {
  const key = keyPathFor(fromDb);
  if (!existsSync(key)) return false;
  copyFileSync(key, keyPathFor(toDb));
  chmodSync(keyPathFor(toDb), 0o600);
  return true;
}

/** Refuses to replace an existing file unless asked to. */
function checkOut(out: string, force: boolean, what: string): void {
  if (existsSync(out) && !force) throw new TwinFileError(`${out} already exists. Pass --force to replace it with ${what}.`);
}

/**
 * A backup of the twin this process holds open (the host side of `civictwin backup`), made on a
 * connection of its own so that it neither joins nor waits for the host's other transactions.
 */
export async function backupOpenStore(store: DuckDbStore, out: string, force = false): Promise<CopyResult> {
  checkOut(out, force, 'a new backup');
  const t0 = performance.now();
  const partial = partialPathFor(out);
  removeTwinFiles(partial);
  const handle = await store.connectAgain();
  try {
    const catalog = (await handle.one<{ db: string }>('SELECT current_database() AS db'))!.db;
    await copyCatalog((sql) => handle.run(sql), catalog, partial);
  } catch (err) {
    removeTwinFiles(partial);
    throw err;
  } finally {
    handle.close();
  }
  return finish(store.path, partial, out, t0);
}

/**
 * A consistent copy of a twin no process holds: opened read-only (a log is replayed in memory,
 * the source is not changed). `busyAdvice` ends the message when some process holds it after all.
 */
export async function copyClosedTwin(source: string, out: string, opts: { force: boolean; what: string; busyAdvice: string }): Promise<CopyResult> {
  if (!existsSync(source)) throw new TwinFileError(`${source} does not exist.`);
  checkOut(out, opts.force, opts.what);
  const t0 = performance.now();
  const partial = partialPathFor(out);
  removeTwinFiles(partial);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    try {
      await conn.run(`ATTACH ${sqlString(source)} AS civictwin_source (READ_ONLY)`);
    } catch (err) {
      const conflict = parseLockConflict(err);
      if (conflict) throw new TwinBusyError(source, describeHolder(source, conflict.pid, conflict.executable), opts.busyAdvice);
      throw new TwinFileError(`${source} cannot be read as a twin: ${(err as Error).message.split('\n')[0]}`);
    }
    const hasSchema = await conn.runAndReadAll(
      "SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = 'civictwin_source' AND table_name = 'schema_migrations'",
    );
    if (Number(hasSchema.getRowObjectsJS()[0]!.n) === 0) throw new TwinFileError(`${source} is a DuckDB file but not a CivicTwin twin (no schema_migrations table).`);
    await copyCatalog((sql) => conn.run(sql), 'civictwin_source', partial);
    await conn.run('DETACH civictwin_source');
  } catch (err) {
    removeTwinFiles(partial);
    throw err;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return finish(source, partial, out, t0, opts.busyAdvice);
}

async function finish(source: string, partial: string, out: string, t0: number, busyAdvice = 'stop that host first, or write the backup to another file'): Promise<CopyResult> {
  try {
    const keyCopied = copyKey(source, partial);
    await swapInTwin(partial, out, busyAdvice);
    return { out, bytes: fileInfo(out)?.bytes ?? 0, keyCopied, ms: performance.now() - t0 };
  } catch (err) {
    removeTwinFiles(partial);
    throw err;
  }
}
