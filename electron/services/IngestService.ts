/**
 * Durable, idempotent ingest (DESIGN.md §7). Every transport (HTTP, WebSocket, MQTT) hands its
 * lines here and gets its counts back only after the transaction holding them has committed.
 *
 * Group commit: requests that arrive while a transaction is being written wait and go together
 * into the next one, so a thousand one-event MQTT messages cost a few transactions, not a thousand.
 * Within a transaction: validated events are appended to a TEMP staging table (DuckDB appender),
 * inserted into `events` with ON CONFLICT DO NOTHING (the primary key makes a replayed id a
 * duplicate), and only the fresh ones are projected into incidents, steps, positions and readings.
 * Malformed events go to `dead_letters` in the same transaction, with their reason.
 */
import { listValue } from '@duckdb/node-api';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { parseEventLine, parseJsonSafely, validateEvent, type GeoBounds, type IngestEvent, type ParseResult } from '../../data/feed/events.ts';

export type Transport = 'http' | 'ws' | 'mqtt' | 'simulator' | 'replay';

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
}

interface PendingRequest {
  results: ParseResult[];
  raws: string[];
  transport: Transport;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

export interface IngestOptions {
  bounds?: GeoBounds;
  now?: () => number;
  /** Called after each commit with the events that were new (not duplicates), in arrival order. */
  onCommitted?: (events: IngestEvent[]) => void;
}

const STAGING = `CREATE TEMP TABLE IF NOT EXISTS ingest_staging (
  id VARCHAR, type VARCHAR, ts TIMESTAMP, source VARCHAR, received_at TIMESTAMP, transport VARCHAR, data VARCHAR)`;
const DEAD_STAGING = `CREATE TEMP TABLE IF NOT EXISTS ingest_dead (
  received_at TIMESTAMP, transport VARCHAR, event_id VARCHAR, line INTEGER, reason VARCHAR, raw VARCHAR)`;

/** Projections from the (fresh-only) staging table. JSON paths match data/feed/events.ts. */
const PROJECTIONS = [
  `INSERT INTO incidents
   SELECT data->>'$.incidentId', data->>'$.category', (data->>'$.severity')::UTINYINT,
          (data->>'$.lon')::DOUBLE, (data->>'$.lat')::DOUBLE, (data->>'$.buildingId')::INTEGER,
          data->>'$.reporter', source, data->>'$.description', ts
   FROM ingest_staging WHERE type = 'incident.reported'
   QUALIFY row_number() OVER (PARTITION BY data->>'$.incidentId' ORDER BY ts) = 1
   ON CONFLICT DO NOTHING`,
  `INSERT INTO incident_steps
   SELECT id, data->>'$.incidentId', 'reported', ts, NULL, NULL, source, data->>'$.description', NULL
   FROM ingest_staging WHERE type = 'incident.reported'`,
  `INSERT INTO incident_steps
   SELECT id, data->>'$.incidentId', data->>'$.status', ts, data->>'$.assignee.kind',
          (data->>'$.assignee.id')::INTEGER, data->>'$.actor', data->>'$.note', (data->>'$.rating')::UTINYINT
   FROM ingest_staging WHERE type = 'incident.status'`,
  `INSERT INTO resource_positions
   SELECT id, (data->>'$.resourceId')::INTEGER, ts, (data->>'$.lon')::DOUBLE, (data->>'$.lat')::DOUBLE,
          (data->>'$.heading')::REAL, (data->>'$.speed')::REAL, data->>'$.status'
   FROM ingest_staging WHERE type = 'resource.position'`,
  `INSERT INTO meter_readings
   SELECT id, (data->>'$.householdId')::INTEGER, ts, (data->>'$.intervalMin')::USMALLINT,
          (data->>'$.waterL')::REAL, (data->>'$.powerKwh')::REAL
   FROM ingest_staging WHERE type = 'meter.reading'`,
  `INSERT INTO sensor_readings
   SELECT id, data->>'$.sensorId', data->>'$.kind', ts, (data->>'$.value')::DOUBLE, data->>'$.unit',
          (data->>'$.lon')::DOUBLE, (data->>'$.lat')::DOUBLE
   FROM ingest_staging WHERE type = 'sensor.reading'`,
];

/** Marks a blank NDJSON line: neither an event nor a rejection. */
const BLANK: ParseResult = { ok: false, reason: 'blank line', id: null };

/** DuckDB TIMESTAMP text in UTC from epoch milliseconds. */
const sqlTs = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export class IngestService {
  private readonly store: DuckDbStore;
  private readonly options: IngestOptions;
  private queue: PendingRequest[] = [];
  private writing = false;
  private prepared = false;
  /** Total counts since start, for the freshness/status view. */
  public readonly totals = { accepted: 0, duplicates: 0, rejected: 0, lastCommitMs: 0 };

  public constructor(store: DuckDbStore, options: IngestOptions = {}) {
    this.store = store;
    this.options = options;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /**
   * One request body, WebSocket message or MQTT payload: a JSON array is taken as events, any
   * other text as NDJSON (so one malformed line does not sink the rest).
   */
  public ingestText(text: string, transport: Transport): Promise<IngestResult> {
    if (text.trimStart().startsWith('[')) {
      const parsed = parseJsonSafely(text);
      if (parsed.ok && Array.isArray(parsed.value)) return this.ingestValues(parsed.value, transport);
    }
    return this.ingestNdjson(text, transport);
  }

  /** NDJSON text: one event per line; blank lines are skipped but keep the line numbering. */
  public ingestNdjson(body: string, transport: Transport): Promise<IngestResult> {
    const raws = body.split('\n').map((l) => l.replace(/\r$/, ''));
    const now = this.now();
    const results = raws.map((raw): ParseResult =>
      raw.trim() === '' ? BLANK : parseEventLine(raw, now, this.options.bounds),
    );
    return this.enqueue(results, raws, transport);
  }

  /** A parsed JSON array (or one object) of events. */
  public ingestValues(values: unknown[], transport: Transport): Promise<IngestResult> {
    const now = this.now();
    const results = values.map((v) => validateEvent(v, now, this.options.bounds));
    return this.enqueue(results, values.map(safeStringify), transport);
  }

  private enqueue(results: ParseResult[], raws: string[], transport: Transport): Promise<IngestResult> {
    return new Promise<IngestResult>((resolve, reject) => {
      this.queue.push({ results, raws, transport, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        try {
          const out = await this.commitGroup(group);
          group.forEach((req, i) => req.resolve(out[i]!));
        } catch (err) {
          group.forEach((req) => req.reject(err));
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async commitGroup(group: PendingRequest[]): Promise<IngestResult[]> {
    if (!this.prepared) {
      await this.store.run(STAGING);
      await this.store.run(DEAD_STAGING);
      this.prepared = true;
    }
    const receivedAt = sqlTs(this.now());
    const outcomes: IngestResult[] = group.map(() => ({ accepted: 0, duplicates: 0, rejected: [] }));
    // First occurrence of an id in this group wins; later ones are duplicates outright.
    const firstOwner = new Map<string, { req: number; event: IngestEvent }>();
    const inGroupDuplicates: number[] = group.map(() => 0);
    const staging = await this.store.appender('ingest_staging', null, 'temp');
    const dead = await this.store.appender('ingest_dead', null, 'temp');
    let deadCount = 0;
    group.forEach((req, r) => {
      req.results.forEach((res, i) => {
        if (!res.ok) {
          if (res === BLANK) return;
          outcomes[r]!.rejected.push({ line: i + 1, id: res.id, reason: res.reason });
          dead.appendVarchar(receivedAt);
          dead.appendVarchar(req.transport);
          if (res.id === null) dead.appendNull();
          else dead.appendVarchar(res.id);
          dead.appendInteger(i + 1);
          dead.appendVarchar(res.reason);
          dead.appendVarchar(req.raws[i]!.slice(0, 16 * 1024));
          dead.endRow();
          deadCount++;
          return;
        }
        const e = res.event;
        if (firstOwner.has(e.id)) {
          inGroupDuplicates[r]!++;
          return;
        }
        firstOwner.set(e.id, { req: r, event: e });
        staging.appendVarchar(e.id);
        staging.appendVarchar(e.type);
        staging.appendVarchar(sqlTs(e.tsMs));
        staging.appendVarchar(e.source);
        staging.appendVarchar(receivedAt);
        staging.appendVarchar(req.transport);
        staging.appendVarchar(JSON.stringify(e.data));
        staging.endRow();
      });
    });
    staging.flushSync();
    staging.closeSync();
    dead.flushSync();
    dead.closeSync();

    let fresh: string[] = [];
    try {
      fresh = await this.store.transaction(async () => {
        const ids =
          firstOwner.size === 0
            ? []
            : (
                await this.store.all<{ id: string }>(
                  `INSERT INTO events SELECT id, type, ts, source, received_at, transport, data::JSON FROM ingest_staging
                   ON CONFLICT DO NOTHING RETURNING id`,
                )
              ).map((x) => x.id);
        if (ids.length === 0) await this.store.run('DELETE FROM ingest_staging');
        else if (ids.length < firstOwner.size) {
          await this.store.run('DELETE FROM ingest_staging WHERE id NOT IN (SELECT unnest($1::VARCHAR[]))', [listValue(ids)]);
        }
        if (ids.length > 0) for (const sql of PROJECTIONS) await this.store.run(sql);
        if (deadCount > 0) {
          await this.store.run(
            'INSERT INTO dead_letters (received_at, transport, event_id, line, reason, raw) SELECT * FROM ingest_dead',
          );
        }
        return ids;
      });
    } finally {
      await this.store.run('DELETE FROM ingest_staging');
      await this.store.run('DELETE FROM ingest_dead');
    }
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
