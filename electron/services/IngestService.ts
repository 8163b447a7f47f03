/**
 * Durable, idempotent ingest (DESIGN.md §7). Every transport (HTTP, WebSocket, MQTT) hands its
 * lines here and gets its counts back only after the transaction holding them has committed.
 *
 * Group commit: requests that arrive while a transaction is being written wait and go together
 * into the next one, so a thousand one-event MQTT messages cost a few transactions, not a thousand.
 * Within a transaction: validated events, staged as NDJSON files, are inserted into `events` with
 * ON CONFLICT DO NOTHING (the primary key makes a replayed id a duplicate), and only the fresh ones
 * are projected into incidents, steps, positions and readings. Malformed events go to
 * `dead_letters` in the same transaction, with their reason. The next group is staged while this
 * one commits (see `drain`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { APPLIED_PROJECTIONS, PROJECTION_TABLES, PROJECTORS } from '../../data/store/projections.ts';
import { q, type ColumnType } from '../../data/store/projection.ts';
import {
  nestsDeeperThan,
  parseEventLine,
  parseJsonSafely,
  truncateUtf8,
  validateEvent,
  MAX_EVENT_BYTES,
  type GeoBounds,
  type IngestEvent,
  type ParseResult,
} from '../../data/feed/events.ts';

/** `console`: what a service writes for a person at a console (an evacuation plan's dispatched tasks). */
export type Transport = 'http' | 'ws' | 'mqtt' | 'simulator' | 'replay' | 'console';

export interface RejectedEvent {
  /** 1-based line (NDJSON) or element (JSON array) number within the request. */
  line: number;
  id: string | null;
  reason: string;
}
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: RejectedEvent[];
  /** Set when more events were rejected than the reply lists (all are in `dead_letters`). */
  rejectedTotal?: number;
}

/** Events (lines or array elements) per request, message or payload; more is refused whole. */
export const MAX_EVENTS_PER_REQUEST = 50_000;
/** Rejections listed in a reply; the rest are counted (`rejectedTotal`) and all are dead-lettered. */
export const MAX_REJECTIONS_LISTED = 1_000;
/**
 * A request with at least this many rejections, and more rejected than valid, is refused whole:
 * a producer sending garbage gets one summary, not a line-by-line echo larger than what it sent.
 */
export const GARBAGE_MIN_REJECTIONS = 100;
/**
 * The deepest event is a typhoon bulletin: envelope, data, its forecast points, a point, the
 * point's wind circles, a circle's quadrants (6); a JSON array of them 7. (It was 4, sized for
 * incidents, and refused every bulletin that carried wind circles.)
 */
export const MAX_EVENT_NESTING = 7;
/** Bytes of requests waiting for a commit beyond which new ones are answered "busy" (503). */
const MAX_QUEUED_BYTES = 256 * 1024 * 1024;
/** After the store failed to write (disk full…), new requests are turned away this long before the next try. */
const STORE_RETRY_MS = 5_000;

/**
 * The request was refused whole and nothing of it was committed (beyond one dead letter saying so).
 * `status` is the HTTP status a host answers with.
 */
export class IngestRefusedError extends Error {
  public constructor(
    message: string,
    public readonly status: 413 | 422,
  ) {
    super(message);
    this.name = 'IngestRefusedError';
  }
}

/**
 * The host cannot take events now (disk full, over its memory budget, too much queued); nothing of
 * the request was committed. Answered 503 with Retry-After; MQTT keeps the message and retries.
 */
export class IngestUnavailableError extends Error {
  public constructor(
    message: string,
    public readonly retryAfterS: number,
  ) {
    super(message);
    this.name = 'IngestUnavailableError';
  }
}

interface PendingRequest {
  results: ParseResult[];
  raws: string[];
  transport: Transport;
  /** Size of the request's text, counted against MAX_QUEUED_BYTES while it waits. */
  bytes: number;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

interface StagedGroup {
  outcomes: IngestResult[];
  /** First occurrence of each id in the group, with the request it came in. */
  firstOwner: Map<string, { req: number; event: IngestEvent }>;
  inGroupDuplicates: number[];
  files: Partial<Record<TableName, string>>;
  slot: number;
  receivedAt: number;
}

export interface IngestOptions {
  bounds?: GeoBounds;
  now?: () => number;
  /** Called after each commit with the events that were new (not duplicates), in arrival order. */
  onCommitted?: (events: IngestEvent[]) => void;
  /** Resident memory (bytes) above which ingest answers "busy" until it falls. Default 4 GiB. */
  memoryBudgetBytes?: number;
  /** Where the host says what happened (disk full, recovered, a poison event isolated). */
  log?: (line: string) => void;
}

/**
 * Column layout of each target table, in order. A commit writes each table's new rows as one
 * NDJSON file (one `JSON.stringify` per row, from the already-validated objects) and DuckDB's
 * built-in JSON reader loads it with these types: typed columns, no JSON extraction in SQL and no
 * appender call per value. NOTE: on this 2-core machine the three designs measured within noise of
 * each other (in-process, 200k mixed events: appender ~30k/s, one JSON staging table with
 * extraction in SQL ~42k/s, this ~36k/s; over HTTP ~36–45k/s either way); the bottleneck is the
 * keyed inserts and commits, not the staging (see the README's benchmark notes).
 * Only the log (`events.id`) is keyed; the projections take the events its insert kept, so a
 * replayed event adds nothing anywhere (migration 4 explains why they carry no key of their own).
 */
const COLUMNS: Readonly<Record<string, Record<string, ColumnType>>> = {
  events: { id: 'VARCHAR', type: 'VARCHAR', ts: 'TIMESTAMP', source: 'VARCHAR', received_at: 'TIMESTAMP', transport: 'VARCHAR', data: 'JSON' },
  dead_letters: { received_at: 'TIMESTAMP', transport: 'VARCHAR', event_id: 'VARCHAR', line: 'INTEGER', reason: 'VARCHAR', raw: 'VARCHAR' },
  // The feature modules' tables (data/store/projections.ts).
  ...Object.fromEntries(Object.entries(PROJECTION_TABLES).map(([name, t]) => [name, t.columns])),
};
type TableName = string;

/**
 * The SELECT that loads one staging file into `table`. TIMESTAMP columns travel as epoch
 * milliseconds (a number is cheaper to write than an ISO string) and `data` as raw JSON.
 */
/** A file path as an SQL string literal. */
const sqlPath = (file: string): string => `'${file.replaceAll("'", "''")}'`;

export const readJson = (file: string, table: TableName): string => {
  const entries = Object.entries(COLUMNS[table]!);
  const cols = entries.map(([k, v]) => `${k}: '${v === 'TIMESTAMP' ? 'BIGINT' : v}'`).join(', ');
  const select = entries.map(([k, v]) => (v === 'TIMESTAMP' ? `epoch_ms(${k}) AS ${k}` : k)).join(', ');
  return `SELECT ${select} FROM read_json(${sqlPath(file)}, format = 'newline_delimited', columns = {${cols}}, maximum_object_size = 1048576)`;
};


/** Marks a blank NDJSON line: neither an event nor a rejection. */
const BLANK: ParseResult = { ok: false, reason: 'blank line', id: null };

export class IngestService {
  private readonly store: DuckDbStore;
  private readonly options: IngestOptions;
  private queue: PendingRequest[] = [];
  private writing = false;
  /** Set while `drain` waits for either the commit in flight or a new request. */
  private wake: (() => void) | null = null;
  /** Alternates the staging file names between the group being committed and the next one. */
  private slot = 0;
  /** Private folder for the commit's staging files (removed on close). */
  private readonly stagingDir = mkdtempSync(join(tmpdir(), `civictwin-ingest-${process.pid}-`)); // PID: a dead host's folder is found (twinSwap.ts)
  /** Total counts since start, for the freshness/status view. */
  public readonly totals = { accepted: 0, duplicates: 0, rejected: 0, lastCommitMs: 0, isolatedPoison: 0, refusedRequests: 0 };
  /** Bytes of requests queued or being staged. */
  private queuedBytes = 0;
  /** Set while the store cannot write: why, and when to try again. */
  private storeDown: { reason: string; retryAtMs: number } | null = null;

  public constructor(store: DuckDbStore, options: IngestOptions = {}) {
    this.store = store;
    this.options = options;
  }

  /** Removes the staging folder. The store stays open (it belongs to the caller). */
  public close(): void {
    rmSync(this.stagingDir, { recursive: true, force: true });
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /**
   * One request body, WebSocket message or MQTT payload: a JSON array is taken as events, any
   * other text as NDJSON (so one malformed line does not sink the rest).
   */
  public async ingestText(text: string, transport: Transport): Promise<IngestResult> {
    this.admit();
    if (text.trimStart().startsWith('[')) {
      const parsed = parseJsonSafely(text);
      if (parsed.ok && Array.isArray(parsed.value)) return this.ingestValues(parsed.value, transport, text.length);
    }
    return this.ingestNdjson(text, transport);
  }

  /** NDJSON text: one event per line; blank lines are skipped but keep the line numbering. */
  public async ingestNdjson(body: string, transport: Transport): Promise<IngestResult> {
    this.admit();
    const lines = countLines(body, MAX_EVENTS_PER_REQUEST + 1);
    if (lines > MAX_EVENTS_PER_REQUEST) return this.refuse(body, transport, `more than ${MAX_EVENTS_PER_REQUEST} lines in one request: send at most ${MAX_EVENTS_PER_REQUEST} events per request`, 413);
    const raws = body.split('\n').map((l) => l.replace(/\r$/, ''));
    const now = this.now();
    const results = raws.map((raw): ParseResult =>
      raw.trim() === '' ? BLANK : parseEventLine(raw, now, this.options.bounds),
    );
    return this.enqueueChecked(results, raws, transport, body.length, body);
  }

  /** A parsed JSON array (or one object) of events. */
  public async ingestValues(values: unknown[], transport: Transport, bytes = 0): Promise<IngestResult> {
    this.admit();
    const summary = (): string => `a JSON array of ${values.length} elements`;
    if (values.length > MAX_EVENTS_PER_REQUEST) return this.refuse(summary(), transport, `more than ${MAX_EVENTS_PER_REQUEST} events in one request: send at most ${MAX_EVENTS_PER_REQUEST} per request`, 413);
    const now = this.now();
    const raws: string[] = [];
    const results = values.map((v): ParseResult => {
      // Checked before anything recursive (JSON.stringify, String) touches the value.
      if (nestsDeeperThan(v, MAX_EVENT_NESTING)) {
        raws.push(`(a value nested more than ${MAX_EVENT_NESTING} levels deep)`);
        return { ok: false, reason: `nested more than ${MAX_EVENT_NESTING} levels deep: no event type nests its data that deep (the deepest, typhoon.forecast, has points → radii → quadrants)`, id: null };
      }
      raws.push(safeStringify(v));
      return validateEvent(v, now, this.options.bounds);
    });
    return this.enqueueChecked(results, raws, transport, bytes, summary());
  }

  /**
   * Turns a request away before any work when the host cannot take it: the store failed to write a
   * moment ago (disk full), too much is waiting for commits, or the process is over its memory budget.
   */
  private admit(): void {
    const down = this.storeDown;
    if (down && this.now() < down.retryAtMs) {
      throw new IngestUnavailableError(`the host cannot write to its store (${down.reason}); nothing was committed — retry later`, Math.ceil(STORE_RETRY_MS / 1000));
    }
    if (this.queuedBytes > MAX_QUEUED_BYTES) {
      throw new IngestUnavailableError(`the host has ${Math.round(this.queuedBytes / 2 ** 20)} MB of events waiting to be committed; nothing was committed — retry in a second`, 1);
    }
    const budget = this.options.memoryBudgetBytes ?? 4 * 2 ** 30;
    const rss = process.memoryUsage.rss();
    if (rss > budget) {
      throw new IngestUnavailableError(`the host is over its memory budget (${Math.round(rss / 2 ** 20)} of ${Math.round(budget / 2 ** 20)} MB); nothing was committed — retry later`, 5);
    }
  }

  /**
   * Queues a validated request, unless it is mostly garbage: then only one dead letter summarising
   * it is written, and the producer hears why (IngestRefusedError), instead of a dead letter and a
   * reply line for each of thousands of broken lines.
   */
  private async enqueueChecked(results: ParseResult[], raws: string[], transport: Transport, bytes: number, text: string): Promise<IngestResult> {
    let rejected = 0;
    let events = 0;
    for (const r of results) {
      if (r === BLANK) continue;
      events++;
      if (!r.ok) rejected++;
    }
    if (rejected >= GARBAGE_MIN_REJECTIONS && rejected * 2 > events) {
      return this.refuse(text, transport, `${rejected} of ${events} events are invalid (${topReasons(results)}): nothing in this request was committed; fix the producer and send again`, 422);
    }
    return this.enqueue(results, raws, transport, bytes);
  }

  /** A payload larger than the transport takes: one dead letter saying so, and IngestRefusedError (413). */
  public refuseOversized(summary: string, transport: Transport, limit: number): Promise<never> {
    return this.refuse(summary, transport, `larger than ${limit} bytes: send at most ${limit} bytes per message (split into batches)`, 413);
  }

  /** Writes one dead letter for a request refused whole, then throws the refusal. */
  private async refuse(text: string, transport: Transport, reason: string, status: 413 | 422): Promise<never> {
    this.totals.refusedRequests++;
    await this.enqueue([{ ok: false, reason: `request refused: ${reason}`, id: null }], [text.slice(0, 1024)], transport, 1024);
    throw new IngestRefusedError(reason, status);
  }

  private enqueue(results: ParseResult[], raws: string[], transport: Transport, bytes: number): Promise<IngestResult> {
    this.queuedBytes += bytes;
    return new Promise<IngestResult>((resolve, reject) => {
      this.queue.push({ results, raws, transport, bytes, resolve, reject });
      const wake = this.wake;
      this.wake = null;
      wake?.();
      void this.drain();
    });
  }

  /**
   * Double-buffered: while one group's transaction is being written by DuckDB (on its own
   * threads), the main thread validates, serializes and stages the next group. Commits stay strictly
   * in order, one at a time, so a replayed id in a later group still meets the earlier row's key.
   * At most one staged group waits behind the commit in flight, so memory stays bounded.
   */
  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    let inFlight: Promise<void> = Promise.resolve();
    try {
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        const slot = this.slot++ % 2;
        const release = (): void => {
          for (const req of group) this.queuedBytes -= req.bytes;
        };
        let staged: StagedGroup;
        try {
          staged = await this.stage(group, slot);
        } catch (err) {
          release();
          const failure = this.storeFailure(err);
          group.forEach((req) => req.reject(failure));
          continue;
        }
        const previous = inFlight;
        inFlight = previous.then(async () => {
          try {
            const out = await this.commitIsolating(group, staged, slot);
            if (this.storeDown) {
              this.options.log?.(`ingest: the store is writable again (it had failed: ${this.storeDown.reason})`);
              this.storeDown = null;
            }
            group.forEach((req, i) => req.resolve(capRejections(out[i]!)));
          } catch (err) {
            const failure = this.storeFailure(err);
            group.forEach((req) => req.reject(failure));
          } finally {
            release();
          }
        });
        // Stage the next group only once the commit before this one is done: one in flight, one ready.
        await previous;
        // Nothing waiting: stage the next request as soon as it arrives (while this commit runs),
        // or stop when the commit is done and none came.
        if (this.queue.length === 0) {
          await Promise.race([inFlight, new Promise<void>((ok) => (this.wake = ok))]);
          this.wake = null;
        }
      }
    } finally {
      await inFlight;
      this.writing = false;
      if (this.queue.length > 0) void this.drain();
    }
  }

  /** Validated rows of one group, serialized to NDJSON staging files, ready for one transaction. */
  private async stage(group: PendingRequest[], slot: number): Promise<StagedGroup> {
    const receivedAt = this.now();
    const outcomes: IngestResult[] = group.map(() => ({ accepted: 0, duplicates: 0, rejected: [] }));
    // First occurrence of an id in this group wins; later ones are duplicates outright.
    const firstOwner = new Map<string, { req: number; event: IngestEvent }>();
    const inGroupDuplicates: number[] = group.map(() => 0);
    const rows: Record<TableName, string[]> = { events: [], dead_letters: [] };
    const write = (table: string, json: string): void => {
      (rows[table] ??= []).push(json);
    };
    // Rows are written as JSON text straight from the validated values: numbers are already
    // checked finite, strings go through JSON.stringify, times are epoch milliseconds. This is the
    // hottest loop of the host (every event, twice), so no intermediate row objects are built.
    group.forEach((req, r) => {
      const transport = q(req.transport);
      req.results.forEach((res, i) => {
        if (!res.ok) {
          if (res === BLANK) return;
          outcomes[r]!.rejected.push({ line: i + 1, id: res.id, reason: res.reason });
          rows.dead_letters!.push(`{"received_at":${receivedAt},"transport":${transport},"event_id":${q(res.id === null ? null : truncateUtf8(res.id, 256))},"line":${i + 1},"reason":${q(truncateUtf8(res.reason, 2048))},"raw":${q(truncateUtf8(req.raws[i]!, MAX_EVENT_BYTES))}}`);
          return;
        }
        const e = res.event;
        if (firstOwner.has(e.id)) {
          inGroupDuplicates[r]!++;
          return;
        }
        firstOwner.set(e.id, { req: r, event: e });
        const id = q(e.id);
        rows.events!.push(`{"id":${id},"type":"${e.type}","ts":${e.tsMs},"source":${q(e.source)},"received_at":${receivedAt},"transport":${transport},"data":${JSON.stringify(e.data)}}`);
        // The event's feature module writes its rows (data/store/projections.ts).
        (PROJECTORS[e.type] as ((event: IngestEvent, id: string, write: (table: string, json: string) => void) => void) | undefined)?.(e, id, write);
      });
    });
    const files: Partial<Record<TableName, string>> = {};
    for (const name of Object.keys(rows)) {
      if (rows[name]!.length === 0) continue;
      const file = join(this.stagingDir, `${name}-${slot}.ndjson`);
      files[name] = file;
      await writeFile(file, rows[name]!.join('\n') + '\n');
    }
    return { outcomes, firstOwner, inGroupDuplicates, files, slot, receivedAt };
  }

  /**
   * Commits a staged group; if the store refuses something in it that validation let through, the
   * group is split until the event it refuses is alone. The others commit, that one is
   * dead-lettered with the database's reason, and each request hears only about its own events.
   * A failure of the store itself (disk full, I/O) is not split: nothing of the group is committed.
   */
  private async commitIsolating(group: PendingRequest[], staged: StagedGroup, slot: number): Promise<IngestResult[]> {
    try {
      return await this.commit(staged);
    } catch (err) {
      if (!isRefusedInput(err)) throw err;
      const merged: IngestResult[] = group.map(() => ({ accepted: 0, duplicates: 0, rejected: [] }));
      const entries: [number, number][] = [];
      group.forEach((req, r) => req.results.forEach((res, i) => res.ok && entries.push([r, i])));
      await this.commitPart(group, entries, true, slot, merged);
      for (const o of merged) o.rejected.sort((a, b) => a.line - b.line);
      return merged;
    }
  }

  /** Commits `entries` of `group` (and its validation rejections when `withRejections`), splitting on refusal. */
  private async commitPart(group: PendingRequest[], entries: [number, number][], withRejections: boolean, slot: number, merged: IngestResult[]): Promise<void> {
    const keep = new Set(entries.map(([r, i]) => `${r}:${i}`));
    const part = group.map((req, r) => ({
      ...req,
      results: req.results.map((res, i) => (res.ok ? (keep.has(`${r}:${i}`) ? res : BLANK) : withRejections ? res : BLANK)),
    }));
    try {
      mergeInto(merged, await this.commit(await this.stage(part, slot)));
      return;
    } catch (err) {
      if (!isRefusedInput(err)) throw err;
      if (entries.length > 1) {
        const half = entries.length >> 1;
        await this.commitPart(group, entries.slice(0, half), withRejections, slot, merged);
        await this.commitPart(group, entries.slice(half), false, slot, merged);
        return;
      }
      if (entries.length === 0) throw err; // the dead letters themselves were refused: the store is failing
      const [r, i] = entries[0]!;
      const refused = group[r]!.results[i]!;
      const id = refused.ok ? refused.event.id : refused.id;
      const reason = `the store refused this event: ${firstLine((err as Error).message)}`;
      this.totals.isolatedPoison++;
      this.options.log?.(`ingest: event ${id ?? '(no id)'} (line ${i + 1}) passed validation but the store refused it; dead-lettered: ${firstLine((err as Error).message)}`);
      const alone = group.map((req, k) => ({
        ...req,
        results: req.results.map((res, j): ParseResult => (k === r && j === i ? { ok: false, reason, id } : withRejections && !res.ok ? res : BLANK)),
      }));
      mergeInto(merged, await this.commit(await this.stage(alone, slot)));
    }
  }

  /** What a transport should answer for a failed commit: the store failing is "unavailable, retry". */
  private storeFailure(err: unknown): unknown {
    if (err instanceof IngestUnavailableError || err instanceof IngestRefusedError) return err;
    const message = firstLine((err as Error)?.message ?? String(err));
    const diskFull = (err as NodeJS.ErrnoException)?.code === 'ENOSPC' || /No space left|ENOSPC|disk is full/i.test(message);
    const reason = diskFull ? 'the disk is full' : message;
    if (!this.storeDown) this.options.log?.(`ingest: cannot write to the store (${message}); refusing events with 503 until it can`);
    this.storeDown = { reason, retryAtMs: this.now() + STORE_RETRY_MS };
    return new IngestUnavailableError(`the host cannot write to its store (${reason}); nothing was committed — retry later`, Math.ceil(STORE_RETRY_MS / 1000));
  }

  private async commit({ outcomes, firstOwner, inGroupDuplicates, files, slot, receivedAt }: StagedGroup): Promise<IngestResult[]> {
    const fresh = await this.store.transaction(async () => {
      const ids = files.events
        ? (await this.store.all<{ id: string }>(`INSERT INTO events ${readJson(files.events, 'events')} ON CONFLICT DO NOTHING RETURNING id`)).map((x) => x.id)
        : [];
      if (ids.length > 0) {
        // The log's key decided which events are new; the projections take exactly those. In the
        // usual case (no replays) that is every staged row and no filter is needed.
        let onlyFresh = '';
        if (ids.length < firstOwner.size) {
          const kept = new Set(ids);
          const replayed = [...firstOwner.keys()].filter((id) => !kept.has(id));
          const file = join(this.stagingDir, `replayed-${slot}.ndjson`);
          await writeFile(file, replayed.map((id) => `{"id":${q(id)}}`).join('\n') + '\n');
          onlyFresh = ` WHERE event_id NOT IN (SELECT id FROM read_json(${sqlPath(file)}, format = 'newline_delimited', columns = {id: 'VARCHAR'}))`;
        }
        for (const [name, table] of Object.entries(PROJECTION_TABLES)) {
          const file = files[name];
          if (!file) continue;
          // A table keyed by the domain's own id (an incident's) lets its key drop a second report.
          if (table.conflict === 'own-key') await this.store.run(`INSERT INTO ${name} ${readJson(file, name)} ON CONFLICT DO NOTHING`);
          else await this.store.run(`INSERT INTO ${name} SELECT * FROM (${readJson(file, name)})${onlyFresh}`);
        }
      }
      // Modules whose projection replaces rows (typhoon fixes, bulletins) apply their fresh events here.
      if (ids.length > 0 && APPLIED_PROJECTIONS.length > 0) {
        const kept = new Set(ids);
        const fresh = [...firstOwner.values()].filter((o) => kept.has(o.event.id)).map((o) => o.event);
        for (const module of APPLIED_PROJECTIONS) await module.apply!(this.store, fresh, receivedAt);
      }
      if (files.dead_letters) {
        await this.store.run(`INSERT INTO dead_letters (received_at, transport, event_id, line, reason, raw) ${readJson(files.dead_letters, 'dead_letters')}`);
      }
      return ids;
    });
    const freshSet = new Set(fresh);
    const freshEvents: IngestEvent[] = [];
    for (const [id, { req, event }] of firstOwner) {
      if (freshSet.has(id)) {
        outcomes[req]!.accepted++;
        freshEvents.push(event);
      } else outcomes[req]!.duplicates++;
    }
    outcomes.forEach((o, r) => (o.duplicates += inGroupDuplicates[r]!));
    for (const o of outcomes) {
      this.totals.accepted += o.accepted;
      this.totals.duplicates += o.duplicates;
      this.totals.rejected += o.rejected.length;
    }
    this.totals.lastCommitMs = this.now();
    if (freshEvents.length > 0) this.options.onCommitted?.(freshEvents);
    return outcomes;
  }
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** DuckDB errors that mean "this data" (a value it cannot convert or hold), not "this store". */
function isRefusedInput(err: unknown): boolean {
  const message = (err as Error)?.message ?? '';
  return /^(Invalid Input Error|Conversion Error|Constraint Error|Out of Range Error|Mismatch Type Error)/m.test(message) || /Malformed JSON|JSON transform error/.test(message);
}

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).slice(0, 300);
}

function mergeInto(into: IngestResult[], part: IngestResult[]): void {
  part.forEach((o, r) => {
    into[r]!.accepted += o.accepted;
    into[r]!.duplicates += o.duplicates;
    into[r]!.rejected.push(...o.rejected);
  });
}

/** Counts lines (newlines + 1), stopping at `stopAt`. */
function countLines(text: string, stopAt: number): number {
  let n = 1;
  for (let at = text.indexOf('\n'); at >= 0 && n < stopAt; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

/** The most common rejection reasons of a request, for its summary: "malformed JSON … (×5000), …". */
function topReasons(results: ParseResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) {
    if (r.ok || r === BLANK) continue;
    const key = r.reason.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N').slice(0, 120);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${k} ×${n}`).join('; ');
}

/** A reply lists at most MAX_REJECTIONS_LISTED rejections and counts the rest. */
function capRejections(result: IngestResult): IngestResult {
  if (result.rejected.length <= MAX_REJECTIONS_LISTED) return result;
  return { ...result, rejectedTotal: result.rejected.length, rejected: result.rejected.slice(0, MAX_REJECTIONS_LISTED) };
}
