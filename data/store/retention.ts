/**
 * Retention: how long each table keeps its rows in the twin, and the run that moves older rows
 * to the Parquet archive (data/store/archive.ts) and deletes them from the twin.
 *
 * Why a row can never be lost: each day of each table is one part, handled in one transaction on
 * a connection of its own. Inside it the rows are counted, written to Parquet, the files flushed
 * to disk and counted back from the files; only if the counts agree are the same rows deleted and
 * the part recorded, and the transaction commits. DuckDB's snapshot isolation makes "the same
 * rows" exact: the COPY and the DELETE see one snapshot, so an event that the host commits
 * meanwhile (even one with an old timestamp) is neither copied nor deleted; the next run takes it.
 *
 * Why re-running never doubles a row in the archive: files are named by their part
 * (`<run id>-<rule>-<day>_<i>.parquet`), and a part exists in the twin only if its transaction
 * committed. A run killed between writing files and committing leaves files with no record while
 * the rows are still in the twin; every run first removes such files (`sweepUnrecordedFiles`) and
 * then archives those rows again under a new part. We chose this over overwriting a day's
 * partition (which would need the day to be complete: late events up to 30 days old are accepted
 * by ingest) and over de-duplicating on every read (which would cost every replay a hash of the
 * archive, and give lakehouse readers duplicates to deal with).
 *
 * What each rule keeps, and its limits, are in RETENTION_RULES; `retention_policy` in the twin
 * overrides the default (set with `civictwin archive --keep rule=days`). Incidents and their steps
 * are case records: never deleted; a copy goes to the archive once nothing can change them.
 *
 * What gives disk space back (measured on DuckDB 1.5.6, see tests/unit/retention.test.ts):
 * DELETE + CHECKPOINT does not shrink the file, and neither does VACUUM. The freed blocks are
 * reused by later inserts, so a twin under a steady feed stops growing once its oldest rows are
 * deleted (measured: a projection table with a 5-day window stayed at 7.1 MB for 20 days of
 * inserts and deletes). The keyed event log (`events`, with its primary-key index) still grows by
 * about a seventh of a day's volume per day after deletes (the index does not give its nodes
 * back). Only a copy shrinks the file: `compactTwin` copies the twin into a new file
 * (`COPY FROM DATABASE`, keeps keys, defaults and sequence values) and swaps it in; measured 94 →
 * 25 MB after deleting three quarters of a keyed 2M-row log. It needs the twin to itself, so the
 * CLI does it (`civictwin archive`), not the host.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { DuckDbStore } from './DuckDbStore.ts';
import { archiveDirFor, fsyncPaths, listArchiveFiles, sqlString, sqlTimestamp, sweepUnrecordedFiles, utcDay } from './archive.ts';
import { partialPathFor } from './twinSwap.ts';

const DAY_MS = 86_400_000;

/** High-rate event types whose raw log follows their readings rather than the case records. */
const TELEMETRY_TYPES = `type IN ('resource.position', 'sensor.reading')`;

export interface RetentionRule {
  /** The policy's name, e.g. `resource_positions`. */
  rule: string;
  table: string;
  /** Folder of the archive the rows go to (several rules may share one table). */
  archive: string;
  /** The column that dates a row (TIMESTAMP or DATE). */
  timeColumn: string;
  /** Narrows the table to this rule's rows (SQL), or null for all. */
  filter: string | null;
  /** False for case records: rows are copied to the archive, never deleted. */
  deletes: boolean;
  defaultDays: number;
  minDays: number;
  maxDays: number;
  /** Why the default and the minimum are what they are (shown by `civictwin archive --show`). */
  why: string;
}

/**
 * The policy. Minimums protect what the twin itself needs: the timeline (24 h), the meter
 * detector's baseline, and idempotent ingest (ingest accepts events up to 30 days old, and the
 * event log's key is what makes a replayed event a duplicate, so the log keeps at least 31 days).
 */
export const RETENTION_RULES: readonly RetentionRule[] = [
  {
    rule: 'resource_positions', table: 'resource_positions', archive: 'resource_positions', timeColumn: 'ts', filter: null, deletes: true,
    defaultDays: 7, minDays: 1, maxDays: 3660,
    why: 'raw GPS fixes; the timeline replays the last 24 h, and older moments read the archive',
  },
  {
    rule: 'sensor_readings', table: 'sensor_readings', archive: 'sensor_readings', timeColumn: 'ts', filter: null, deletes: true,
    defaultDays: 30, minDays: 1, maxDays: 3660,
    why: 'water level, rain, wind and smoke readings; a month covers a flood season review',
  },
  {
    rule: 'meter_readings', table: 'meter_readings', archive: 'meter_readings', timeColumn: 'ts', filter: null, deletes: true,
    defaultDays: 400, minDays: 90, maxDays: 3660,
    why: 'hourly meter readings; 400 days compare a household with the same month last year; the detector needs 90 days (baseline days -35…-8, evaluation window 90)',
  },
  {
    rule: 'meter_daily', table: 'meter_daily', archive: 'meter_daily', timeColumn: 'day', filter: null, deletes: true,
    defaultDays: 400, minDays: 90, maxDays: 3660,
    why: 'daily meter totals the detector reads; at least its 90-day window',
  },
  {
    rule: 'events_telemetry', table: 'events', archive: 'events', timeColumn: 'ts', filter: TELEMETRY_TYPES, deletes: true,
    defaultDays: 31, minDays: 31, maxDays: 3660,
    why: 'the raw log of position and sensor events (most of the volume: ~20 GB a day at 2,000 ev/s); kept 31 days so a replayed event stays a duplicate',
  },
  {
    rule: 'events', table: 'events', archive: 'events', timeColumn: 'ts', filter: `NOT (${TELEMETRY_TYPES})`, deletes: true,
    defaultDays: 365, minDays: 31, maxDays: 3660,
    why: 'the raw log of incident and meter events, a year for audits and disputes',
  },
  {
    rule: 'dead_letters', table: 'dead_letters', archive: 'dead_letters', timeColumn: 'received_at', filter: null, deletes: true,
    defaultDays: 30, minDays: 1, maxDays: 3660,
    why: 'rejected input, for fixing a producer; a month is enough to find and fix one',
  },
  {
    rule: 'incidents', table: 'incidents', archive: 'incidents', timeColumn: 'reported_at', filter: null, deletes: false,
    defaultDays: 31, minDays: 31, maxDays: 3660,
    why: 'case records, never deleted: copied to the archive once no event can change the day (31 days)',
  },
  {
    rule: 'incident_steps', table: 'incident_steps', archive: 'incident_steps', timeColumn: 'ts', filter: null, deletes: false,
    defaultDays: 31, minDays: 31, maxDays: 3660,
    why: 'the closed loop of each case, never deleted: copied to the archive once no event can change the day',
  },
];

const ruleNamed = (name: string): RetentionRule => {
  const rule = RETENTION_RULES.find((r) => r.rule === name);
  if (!rule) throw new RangeError(`Unknown retention rule "${name}"; use one of ${RETENTION_RULES.map((r) => r.rule).join(', ')}.`);
  return rule;
};

export interface PolicyEntry {
  rule: RetentionRule;
  keepDays: number;
  /** `default`, or who set it and when. */
  source: 'default' | { by: string; atMs: number };
}

/** The policy in force on this twin: each rule's days, the twin's setting or the default. */
export async function readPolicy(store: DuckDbStore): Promise<PolicyEntry[]> {
  const set = new Map(
    (await store.all<{ rule: string; keep_days: number; set_by: string; at: number }>('SELECT rule, keep_days, set_by, epoch_ms(set_at) AS at FROM retention_policy')).map((r) => [r.rule, r]),
  );
  return RETENTION_RULES.map((rule) => {
    const s = set.get(rule.rule);
    // A setting outside today's limits (limits tightened since) is clamped, not obeyed.
    return s ? { rule, keepDays: clampDays(rule, s.keep_days), source: { by: s.set_by, atMs: Number(s.at) } } : { rule, keepDays: rule.defaultDays, source: 'default' };
  });
}

const clampDays = (rule: RetentionRule, days: number): number => Math.min(rule.maxDays, Math.max(rule.minDays, days));

/** Checks a `rule=days` setting against the rule's limits; the message says the allowed range. */
export function parseKeepSetting(text: string): { rule: string; days: number } {
  const m = /^\s*([a-z_]+)\s*=\s*(\d+)\s*d?\s*$/.exec(text);
  if (!m) throw new RangeError(`--keep "${text}": write rule=days, e.g. resource_positions=14.`);
  const rule = ruleNamed(m[1]!);
  const days = Number(m[2]);
  if (days < rule.minDays || days > rule.maxDays) {
    throw new RangeError(`--keep ${rule.rule}=${days}: must be from ${rule.minDays} to ${rule.maxDays} days (${rule.why}).`);
  }
  return { rule: rule.rule, days };
}

/** Stores a rule's days in the twin (validated as `parseKeepSetting` does). */
export async function setPolicy(store: DuckDbStore, rule: string, days: number, by: string, atMs = Date.now()): Promise<void> {
  const checked = parseKeepSetting(`${rule}=${days}`);
  await store.run(
    `INSERT INTO retention_policy VALUES ($rule, $days, $at::TIMESTAMP, $by)
     ON CONFLICT (rule) DO UPDATE SET keep_days = excluded.keep_days, set_at = excluded.set_at, set_by = excluded.set_by`,
    { rule: checked.rule, days: checked.days, at: new Date(atMs).toISOString(), by: by.slice(0, 64) },
  );
}

/** One day of one rule, archived (and deleted, for a deleting rule) in one transaction. */
export interface ArchivedPart {
  rule: string;
  archive: string;
  day: string;
  rows: number;
  deleted: boolean;
}

export interface RetentionReport {
  runId: string;
  archiveDir: string;
  dryRun: boolean;
  /** Per rule: the cutoff (rows dated before it leave the twin) and the rows archived. */
  rules: { rule: string; keepDays: number; cutoffMs: number; rows: number; days: number; deletes: boolean }[];
  parts: ArchivedPart[];
  archivedRows: number;
  deletedRows: number;
  /** Files of runs that never committed, removed before this run. */
  sweptFiles: number;
  /** The twin file before and after (after the checkpoint), and its blocks free for reuse. */
  fileBytesBefore: number;
  fileBytesAfter: number;
  freeBytesAfter: number;
  durationMs: number;
}

export interface RetentionOptions {
  /** The clock (tests run the policy at a chosen moment). */
  now?: number;
  /** Count what would be archived; change nothing. */
  dryRun?: boolean;
  /** Days per rule for this run only, over the twin's policy (a dry run of a new setting). */
  keep?: Record<string, number>;
  /** Told of each part as it is archived. */
  onPart?: (part: ArchivedPart, done: number, total: number) => void;
}

/** One run at a time per twin in this process (the host's schedule and a test, say). */
const running = new Map<string, Promise<unknown>>();

/** Runs `work` after any run in progress on the same twin, and makes later runs wait for it. */
async function exclusive<T>(store: DuckDbStore, work: () => Promise<T>): Promise<T> {
  const key = store.path;
  const mine = (running.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
  running.set(key, mine);
  try {
    return await mine;
  } finally {
    if (running.get(key) === mine) running.delete(key);
  }
}

/** Removes archive files of runs that never committed (see the header); returns how many. */
export function sweepArchive(store: DuckDbStore): Promise<number> {
  if (store.path === ':memory:') return Promise.resolve(0);
  return exclusive(store, () => sweepUnrecordedFiles(store, archiveDirFor(store.path), RETENTION_RULES.map((r) => r.archive)));
}

/**
 * Runs the policy once: every rule's rows dated before its cutoff (UTC midnight, `keep` days ago)
 * go to the archive, day by day, and are deleted from the twin (case records are only copied);
 * then a checkpoint writes the deletions into the file, whose freed blocks later inserts reuse.
 */
export function runRetention(store: DuckDbStore, options: RetentionOptions = {}): Promise<RetentionReport> {
  return exclusive(store, () => runOnce(store, options));
}

async function runOnce(store: DuckDbStore, options: RetentionOptions): Promise<RetentionReport> {
  if (store.path === ':memory:') throw new Error('Retention needs a twin file (its archive lives beside it).');
  const t0 = performance.now();
  const now = options.now ?? Date.now();
  const dryRun = Boolean(options.dryRun);
  const archiveDir = archiveDirFor(store.path);
  const runId = `${new Date(now).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z-${randomBytes(3).toString('hex')}`;
  const fileBytesBefore = fileSize(store.path);
  // Its own connection: these transactions must neither take in nor hold up the consoles' writes.
  const conn = await store.connectAgain();
  try {
    const sweptFiles = dryRun ? 0 : await sweepUnrecordedFiles(conn, archiveDir, RETENTION_RULES.map((r) => r.archive));
    const policy = (await readPolicy(conn)).map((p) => {
      const days = options.keep?.[p.rule.rule];
      return days === undefined ? p : { ...p, keepDays: parseKeepSetting(`${p.rule.rule}=${days}`).days };
    });
    const rules: RetentionReport['rules'] = [];
    const plan: { rule: RetentionRule; day: string; rows: number }[] = [];
    for (const { rule, keepDays } of policy) {
      const cutoffMs = Math.floor((now - keepDays * DAY_MS) / DAY_MS) * DAY_MS;
      // A copy-only rule continues from where the last copy ended; a deleting rule takes
      // everything still in the twin before its cutoff (late events included).
      const from = rule.deletes ? null : await copiedThrough(conn, rule.rule);
      const days = await conn.all<{ day: string; n: bigint | number }>(
        `SELECT strftime(${rule.timeColumn}, '%Y-%m-%d') AS day, count(*) AS n FROM ${rule.table}
         WHERE ${rule.timeColumn} < ${sqlTimestamp(cutoffMs)} ${from === null ? '' : `AND ${rule.timeColumn} >= ${sqlTimestamp(from)}`}
           ${rule.filter ? `AND ${rule.filter}` : ''}
         GROUP BY 1 ORDER BY 1`,
      );
      for (const d of days) plan.push({ rule, day: d.day, rows: Number(d.n) });
      rules.push({ rule: rule.rule, keepDays, cutoffMs, rows: days.reduce((s, d) => s + Number(d.n), 0), days: days.length, deletes: rule.deletes });
    }
    const parts: ArchivedPart[] = [];
    if (!dryRun) {
      for (const p of plan) {
        const part = await archiveDay(conn, archiveDir, runId, p.rule, p.day);
        if (part) parts.push(part);
        options.onPart?.(part ?? { rule: p.rule.rule, archive: p.rule.archive, day: p.day, rows: 0, deleted: p.rule.deletes }, parts.length, plan.length);
      }
    }
    const archivedRows = dryRun ? rules.reduce((s, r) => s + r.rows, 0) : parts.reduce((s, p) => s + p.rows, 0);
    const deletedRows = parts.filter((p) => p.deleted).reduce((s, p) => s + p.rows, 0);
    if (!dryRun) {
      // The deletions reach the file (and its freed blocks become reusable) at a checkpoint.
      if (deletedRows > 0) await conn.checkpoint();
      await conn.run(
        'INSERT INTO retention_runs VALUES ($id, $start::TIMESTAMP, now()::TIMESTAMP, $archived, $deleted, $note)',
        { id: runId, start: new Date(now).toISOString(), archived: archivedRows, deleted: deletedRows, note: `${parts.length} parts, ${sweptFiles} unrecorded files removed` },
      );
    }
    const free = await conn.one<{ free_blocks: bigint | number; block_size: bigint | number }>('SELECT free_blocks, block_size FROM pragma_database_size()');
    return {
      runId, archiveDir, dryRun, rules, parts, archivedRows, deletedRows, sweptFiles,
      fileBytesBefore, fileBytesAfter: fileSize(store.path), freeBytesAfter: free ? Number(free.free_blocks) * Number(free.block_size) : 0,
      durationMs: performance.now() - t0,
    };
  } finally {
    conn.close();
  }
}

/** End of the last copy of a copy-only rule (epoch ms), or null before the first. */
async function copiedThrough(store: DuckDbStore, rule: string): Promise<number | null> {
  const row = await store.one<{ t: number | null }>('SELECT epoch_ms(max(to_ts)) AS t FROM archive_parts WHERE rule = $r', { r: rule });
  return row?.t === null || row?.t === undefined ? null : Number(row.t);
}

/**
 * One day of one rule: count, write, flush, count the files back, delete, record — one
 * transaction. Any failure rolls the twin back and removes the part's files.
 */
async function archiveDay(store: DuckDbStore, archiveDir: string, runId: string, rule: RetentionRule, day: string): Promise<ArchivedPart | null> {
  const fromMs = Date.parse(`${day}T00:00:00Z`);
  const toMs = fromMs + DAY_MS;
  const where = `${rule.timeColumn} >= ${sqlTimestamp(fromMs)} AND ${rule.timeColumn} < ${sqlTimestamp(toMs)}${rule.filter ? ` AND ${rule.filter}` : ''}`;
  const prefix = `${runId}-${rule.rule}-${day.replaceAll('-', '')}`;
  const target = join(archiveDir, rule.archive);
  const partFiles = (): string[] => listArchiveFiles(archiveDir, rule.archive).filter((f) => f.prefix === prefix).map((f) => f.path);
  mkdirSync(target, { recursive: true });
  try {
    return await store.transaction(async () => {
      const n = await countRows(store, `SELECT count(*) AS n FROM ${rule.table} WHERE ${where}`);
      if (n === 0) return null; // taken by a run in between, or a cutoff moved
      // The time column of a DATE table becomes the partition itself (`meter_daily.day`).
      const select = rule.timeColumn === 'day' ? `* EXCLUDE (day), strftime(day, '%Y-%m-%d') AS day` : `*, strftime(${rule.timeColumn}, '%Y-%m-%d') AS day`;
      await store.run(
        `COPY (SELECT ${select} FROM ${rule.table} WHERE ${where}) TO ${sqlString(target)}
         (FORMAT parquet, PARTITION_BY (day), FILENAME_PATTERN ${sqlString(`${prefix}_{i}`)}, OVERWRITE_OR_IGNORE true, COMPRESSION zstd)`,
      );
      const files = partFiles();
      if (files.length === 0) throw new Error(`archive ${rule.rule} ${day}: DuckDB wrote no file under ${target}`);
      fsyncPaths([...files, join(target, `day=${day}`), target, archiveDir]);
      const written = await countRows(store, `SELECT count(*) AS n FROM read_parquet(${sqlString(join(target, `day=${day}`, `${prefix}_*.parquet`))})`);
      if (written !== n) throw new Error(`archive ${rule.rule} ${day}: ${n} rows selected but ${written} read back from the Parquet files; nothing deleted`);
      if (rule.deletes) {
        await store.run(`DELETE FROM ${rule.table} WHERE ${where}`);
        const left = await countRows(store, `SELECT count(*) AS n FROM ${rule.table} WHERE ${where}`);
        if (left !== 0) throw new Error(`archive ${rule.rule} ${day}: ${left} rows still there after the delete; rolled back`);
      }
      await store.run(
        'INSERT INTO archive_parts VALUES ($prefix, $run, $rule, $archive, $from::TIMESTAMP, $to::TIMESTAMP, $rows, $deleted)',
        { prefix, run: runId, rule: rule.rule, archive: rule.archive, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), rows: n, deleted: rule.deletes },
      );
      return { rule: rule.rule, archive: rule.archive, day, rows: n, deleted: rule.deletes };
    });
  } catch (err) {
    for (const f of partFiles()) rmSync(f, { force: true });
    throw err;
  }
}

async function countRows(store: DuckDbStore, sql: string): Promise<number> {
  return Number((await store.one<{ n: bigint | number }>(sql))?.n ?? 0);
}

const fileSize = (path: string): number => (existsSync(path) ? statSync(path).size : 0);

/** When the policy last ran to the end on this twin (epoch ms), or null. */
export async function lastRetentionRun(store: DuckDbStore): Promise<number | null> {
  const row = await store.one<{ t: number | null }>('SELECT epoch_ms(max(finished_at)) AS t FROM retention_runs');
  return row?.t === null || row?.t === undefined ? null : Number(row.t);
}

/** One line saying what a run did, for the host's log and the CLI. */
export function describeRun(r: RetentionReport): string {
  const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;
  const moved = r.rules.filter((x) => x.rows > 0).map((x) => `${x.rule} ${x.rows.toLocaleString('en-US')} (before ${utcDay(x.cutoffMs)})`);
  const what = moved.length ? moved.join(', ') : 'nothing older than the policy';
  if (r.dryRun) return `retention (dry run): would archive ${what} to ${r.archiveDir}`;
  return (
    `retention: archived ${r.archivedRows.toLocaleString('en-US')} rows (${what}) to ${r.archiveDir}, ` +
    `deleted ${r.deletedRows.toLocaleString('en-US')} from the twin in ${(r.durationMs / 1000).toFixed(1)} s; ` +
    `file ${mb(r.fileBytesBefore)} → ${mb(r.fileBytesAfter)}, ${mb(r.freeBytesAfter)} free for reuse` +
    (r.sweptFiles ? `; removed ${r.sweptFiles} files of an unfinished run` : '')
  );
}

export interface RetentionSchedule {
  /** When the first run is due (epoch ms), once the last run has been looked up. */
  firstRunAt: Promise<number>;
  stop(): void;
}

/**
 * The host's daily run: a minute after start when the last run is a day old or more (or there was
 * none), then a day after each run. Timers never keep the process alive; a failed run is logged
 * and tried again the next day (nothing is lost by a failure: see the header).
 */
export function scheduleRetention(
  store: DuckDbStore,
  options: { log?: (line: string) => void; startDelayMs?: number; intervalMs?: number } = {},
): RetentionSchedule {
  const log = options.log ?? ((line: string) => console.log(line));
  const interval = options.intervalMs ?? DAY_MS;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const arm = (delay: number): void => {
    if (stopped) return;
    timer = setTimeout(() => void run(), Math.max(0, delay));
    timer.unref();
  };
  const run = async (): Promise<void> => {
    timer = null;
    try {
      log(describeRun(await runRetention(store)));
    } catch (err) {
      if (!stopped) log(`retention failed (nothing was lost; the next run retries): ${(err as Error).message}`);
    }
    arm(interval);
  };
  const startDelay = options.startDelayMs ?? 60_000;
  // Files a killed run left would show twice to replay and to lakehouse readers until the next
  // run; they go at start, before anyone reads the archive.
  void sweepArchive(store).then(
    (n) => n > 0 && log(`retention: removed ${n} archive files of a run that never committed (their rows are still in the twin)`),
    (err: unknown) => log(`retention: could not check the archive for unfinished runs: ${(err as Error).message}`),
  );
  const firstRunAt = lastRetentionRun(store).then(
    (last) => (last === null || Date.now() - last >= interval ? Date.now() + startDelay : last + interval),
    () => Date.now() + startDelay,
  );
  void firstRunAt.then((at) => arm(at - Date.now()));
  return {
    firstRunAt,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/**
 * Shrinks the twin file: copies it into a new file beside it (`COPY FROM DATABASE`, which keeps
 * keys, defaults and sequence values) and renames that over it. Run with no other process on the
 * twin (the CLI holds its lock). The rename happens while this process still holds the old file,
 * so no host can open the old file in between and write into a file that is being replaced.
 * Closes `store`. Returns the sizes before and after.
 */
export async function compactTwin(store: DuckDbStore): Promise<{ before: number; after: number }> {
  const path = store.path;
  const before = fileSize(path);
  // The name of every twin being written beside its target: a killed run's file is removed at the next open (twinSwap cleanLeftovers).
  const partial = partialPathFor(path);
  rmSync(partial, { force: true });
  rmSync(`${partial}.wal`, { force: true });
  try {
    const name = (await store.one<{ db: string }>('SELECT current_database() AS db'))!.db;
    await store.checkpoint();
    await store.run(`ATTACH ${sqlString(partial)} AS civictwin_compact`);
    try {
      await store.run(`COPY FROM DATABASE "${name.replaceAll('"', '""')}" TO civictwin_compact`);
    } finally {
      await store.run('DETACH civictwin_compact');
    }
    if (existsSync(`${partial}.wal`)) throw new Error(`${partial} still has a log after closing; the twin was left as it was.`);
    fsyncPaths([partial]);
    renameSync(partial, path);
  } catch (err) {
    rmSync(partial, { force: true });
    rmSync(`${partial}.wal`, { force: true });
    store.close();
    throw err;
  }
  store.close();
  return { before, after: fileSize(path) };
}
