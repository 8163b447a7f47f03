/**
 * `civictwin doctor --repair` for a damaged write-ahead log: keep the log, replay what is intact,
 * open the twin again.
 *
 * The log holds every transaction committed since the last checkpoint. When one entry is damaged
 * DuckDB refuses the whole log; the entries before it are whole transactions (each commit ends
 * with a flush entry, and `inspectWal` stops at the last one before the damage), so a copy of the
 * log cut there replays exactly as if the process had died at that commit. What came after is
 * lost from this twin; producers that keep what they sent can send it again (event ids make a
 * re-sent event a duplicate, never a double).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { closeSync, existsSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { inspectWal, setWalAside, walForReplay, walPathFor, type WalReport } from './wal.ts';

export interface WalRepair {
  /** Where the damaged log now is: `<db>.wal.damaged-<time>`. */
  asidePath: string;
  report: WalReport | null;
  /** Last checkpoint (the database file's last write) and last commit (the log's last write). */
  lastCheckpoint: Date;
  lastLogWrite: Date;
  /** Bytes of the log replayed, and the transactions and events they held. */
  replayedBytes: number;
  replayedCommits: number;
  eventsRecovered: number;
  /** Why the intact part was not replayed, when it was not. */
  replayProblem: string | null;
}

/** Sets the damaged log aside, replays its intact part, and says what was recovered. */
export async function repairDamagedWal(dbPath: string): Promise<WalRepair> {
  const walPath = walPathFor(dbPath);
  const report = inspectWal(dbPath);
  const lastCheckpoint = statSync(dbPath).mtime;
  const lastLogWrite = statSync(walPath).mtime;
  const asidePath = setWalAside(dbPath);
  const eventsBefore = await countEvents(dbPath);
  const out: WalRepair = {
    asidePath, report, lastCheckpoint, lastLogWrite, replayedBytes: 0, replayedCommits: 0, eventsRecovered: 0, replayProblem: null,
  };
  const intact = report && report.state !== 'intact' && report.commits > 0 ? report.intactBytes : 0;
  if (intact === 0) {
    out.replayProblem = !report
      ? 'the log is empty'
      : report.state === 'intact'
        ? 'every entry checks out, yet DuckDB could not replay it; nothing was replayed'
        : 'no transaction committed before the damage';
    return out;
  }
  writeFileSync(walPath, walForReplay(readPrefix(asidePath, intact), report!));
  try {
    // Opening read-write replays the log into the database and checkpoints it.
    const instance = await DuckDBInstance.create(dbPath);
    const conn = await instance.connect();
    await conn.run('CHECKPOINT');
    conn.closeSync();
    instance.closeSync();
    out.replayedBytes = intact;
    out.replayedCommits = report!.commits;
    out.eventsRecovered = Math.max(0, (await countEvents(dbPath)) - eventsBefore);
  } catch (err) {
    rmSync(walPath, { force: true });
    out.replayProblem = `DuckDB could not replay even the intact part (${(err as Error).message}); the twin opens at its last checkpoint`;
  }
  if (existsSync(walPath) && statSync(walPath).size === 0) rmSync(walPath, { force: true });
  return out;
}

function readPrefix(path: string, bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  const fd = openSync(path, 'r');
  try {
    let read = 0;
    while (read < bytes) {
      const n = readSync(fd, buf, read, bytes - read, read);
      if (n === 0) break;
      read += n;
    }
    return buf.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Rows in `events`, reading the file without changing it; 0 when the table is absent. */
async function countEvents(dbPath: string): Promise<number> {
  const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY' });
  try {
    const conn = await instance.connect();
    try {
      const r = await conn.runAndReadAll("SELECT count(*)::BIGINT AS n FROM duckdb_tables() WHERE table_name = 'events' AND schema_name = 'main'");
      if (Number(r.getRowObjectsJS()[0]!.n) === 0) return 0;
      return Number((await conn.runAndReadAll('SELECT count(*)::BIGINT AS n FROM events')).getRowObjectsJS()[0]!.n);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
