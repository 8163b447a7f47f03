/**
 * The twin's Parquet archive: where retention puts rows it removes from the twin, and how the
 * twin's readers get them back.
 *
 * Layout: `<db>.archive/<table>/day=YYYY-MM-DD/<part>_<i>.parquet`, written by DuckDB's
 * `COPY … (FORMAT parquet, PARTITION_BY (day))`: Hive partitions that DuckDB, Spark, Trino and
 * the lakehouse table formats read as they are. Days are UTC days (the twin stores UTC). The
 * partition column is not inside the files; a reader gets it from the folder name
 * (`hive_partitioning = true`), which is also how `meter_daily.day` travels.
 *
 * Each file belongs to one archive part (`archive_parts.prefix`), recorded in the same
 * transaction that deleted its rows from the twin. A file whose part has no record was written by
 * a run that never committed: its rows are still in the twin, so it is removed (see
 * `sweepUnrecordedFiles`), and the archive never holds a row twice.
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDbStore } from './DuckDbStore.ts';

/** The archive folder of a twin: beside it, `<db>.archive/`. */
export const archiveDirFor = (dbPath: string): string => `${dbPath}.archive`;

/** A string as an SQL literal. */
export const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** An epoch-ms time as an SQL TIMESTAMP literal (UTC). */
export const sqlTimestamp = (ms: number): string => `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;

/** `YYYY-MM-DD` of an epoch-ms time (UTC). */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const PART_FILE = /^(.+)_\d+\.parquet$/;

/** One Parquet file of the archive. */
export interface ArchiveFile {
  path: string;
  /** The archive part it belongs to (`archive_parts.prefix`). */
  prefix: string;
  /** Its partition, `YYYY-MM-DD`. */
  day: string;
}

/** Every Parquet file of one archived table, by partition. */
export function listArchiveFiles(archiveDir: string, table: string): ArchiveFile[] {
  const root = join(archiveDir, table);
  if (!existsSync(root)) return [];
  const out: ArchiveFile[] = [];
  for (const dayDir of readdirSync(root, { withFileTypes: true })) {
    if (!dayDir.isDirectory() || !dayDir.name.startsWith('day=')) continue;
    for (const f of readdirSync(join(root, dayDir.name))) {
      const m = PART_FILE.exec(f);
      if (m) out.push({ path: join(root, dayDir.name, f), prefix: m[1]!, day: dayDir.name.slice(4) });
    }
  }
  return out;
}

/** Flushes files and the folders holding them to the disk (before the twin lets go of their rows). */
export function fsyncPaths(paths: Iterable<string>): void {
  for (const p of paths) {
    const fd = openSync(p, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** Removes the files of archive parts that have no record in the twin; returns how many. */
export async function sweepUnrecordedFiles(store: DuckDbStore, archiveDir: string, tables: Iterable<string>): Promise<number> {
  if (!existsSync(archiveDir)) return 0;
  const recorded = new Set((await store.all<{ prefix: string }>('SELECT prefix FROM archive_parts')).map((r) => r.prefix));
  let removed = 0;
  for (const table of new Set(tables)) {
    for (const f of listArchiveFiles(archiveDir, table)) {
      if (recorded.has(f.prefix)) continue;
      rmSync(f.path, { force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * The newest moment before which rows of `table` were removed from the twin into the archive
 * (epoch ms), or null when none were. Reads of an earlier period must include the archive.
 */
export async function archivedThrough(store: DuckDbStore, table: string): Promise<number | null> {
  try {
    const row = await store.one<{ t: number | null }>('SELECT epoch_ms(max(to_ts)) AS t FROM archive_parts WHERE archive = $a AND deleted', { a: table });
    return row?.t === null || row?.t === undefined ? null : Number(row.t);
  } catch {
    return null; // a twin opened read-only before migration 5: nothing was archived from it
  }
}

/**
 * `table`'s rows of the period [fromMs, toMs] as something to select `columns` from: the table
 * itself while the twin still holds that period, or the table together with its archived rows
 * when the period reaches back before what the twin holds. The two never share a row (a row is
 * in the archive only once its deletion from the twin has committed). The archive is read for
 * the partitions of the period only. A missing archive folder is reported through `onMissing`
 * and the twin's own rows are used.
 */
export async function historySource(
  store: DuckDbStore,
  table: string,
  columns: readonly string[],
  fromMs: number,
  toMs: number,
  onMissing?: (message: string) => void,
): Promise<string> {
  if (store.path === ':memory:') return table;
  const through = await archivedThrough(store, table);
  if (through === null || fromMs >= through) return table;
  const dir = join(archiveDirFor(store.path), table);
  if (!existsSync(dir)) {
    onMissing?.(`The archive of ${table} (${dir}) is missing: rows before ${new Date(through).toISOString()} cannot be shown. Put the folder back beside the twin.`);
    return table;
  }
  const cols = columns.join(', ');
  const glob = sqlString(join(dir, '*', '*.parquet'));
  return `(SELECT ${cols} FROM ${table} UNION ALL
    SELECT ${cols} FROM read_parquet(${glob}, hive_partitioning = true, hive_types = {'day': DATE})
    WHERE day BETWEEN DATE '${utcDay(fromMs)}' AND DATE '${utcDay(Math.min(toMs, through))}')`;
}
