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

interface StagedGroup {
  outcomes: IngestResult[];
  /** First occurrence of each id in the group, with the request it came in. */
  firstOwner: Map<string, { req: number; event: IngestEvent }>;
  inGroupDuplicates: number[];
  files: Partial<Record<TableName, string>>;
  slot: number;
}

export interface IngestOptions {
  bounds?: GeoBounds;
  now?: () => number;
  /** Called after each commit with the events that were new (not duplicates), in arrival order. */
  onCommitted?: (events: IngestEvent[]) => void;
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
const COLUMNS = {
  events: { id: 'VARCHAR', type: 'VARCHAR', ts: 'TIMESTAMP', source: 'VARCHAR', received_at: 'TIMESTAMP', transport: 'VARCHAR', data: 'VARCHAR' },
  incidents: { id: 'VARCHAR', category: 'VARCHAR', severity: 'UTINYINT', lon: 'DOUBLE', lat: 'DOUBLE', building_id: 'INTEGER', reporter: 'VARCHAR', source: 'VARCHAR', description: 'VARCHAR', reported_at: 'TIMESTAMP' },
  incident_steps: { event_id: 'VARCHAR', incident_id: 'VARCHAR', step: 'VARCHAR', ts: 'TIMESTAMP', assignee_kind: 'VARCHAR', assignee_id: 'INTEGER', actor: 'VARCHAR', note: 'VARCHAR', rating: 'UTINYINT' },
  resource_positions: { event_id: 'VARCHAR', resource_id: 'INTEGER', ts: 'TIMESTAMP', lon: 'DOUBLE', lat: 'DOUBLE', heading: 'REAL', speed: 'REAL', status: 'VARCHAR' },
  meter_readings: { event_id: 'VARCHAR', household_id: 'INTEGER', ts: 'TIMESTAMP', interval_min: 'USMALLINT', water_l: 'REAL', power_kwh: 'REAL' },
  sensor_readings: { event_id: 'VARCHAR', sensor_id: 'VARCHAR', kind: 'VARCHAR', ts: 'TIMESTAMP', value: 'DOUBLE', unit: 'VARCHAR', lon: 'DOUBLE', lat: 'DOUBLE' },
  dead_letters: { received_at: 'TIMESTAMP', transport: 'VARCHAR', event_id: 'VARCHAR', line: 'INTEGER', reason: 'VARCHAR', raw: 'VARCHAR' },
} as const;
type TableName = keyof typeof COLUMNS;

/**
 * The SELECT that loads one staging file into `table`. TIMESTAMP columns travel as epoch
 * milliseconds (a number is cheaper to write than an ISO string) and `data` as raw JSON.
 */
/** A file path as an SQL string literal. */
const sqlPath = (file: string): string => `'${file.replaceAll("'", "''")}'`;

const readJson = (file: string, table: TableName): string => {
  const entries = Object.entries(COLUMNS[table]);
  const cols = entries.map(([k, v]) => `${k}: '${v === 'TIMESTAMP' ? 'BIGINT' : v === 'VARCHAR' && k === 'data' ? 'JSON' : v}'`).join(', ');
  const select = entries.map(([k, v]) => (v === 'TIMESTAMP' ? `epoch_ms(${k}) AS ${k}` : k)).join(', ');
  return `SELECT ${select} FROM read_json(${sqlPath(file)}, format = 'newline_delimited', columns = {${cols}}, maximum_object_size = 1048576)`;
};

/** A string (or nothing) as JSON text. */
const q = (v: string | null | undefined): string => (v == null ? 'null' : JSON.stringify(v));

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
  private readonly stagingDir = mkdtempSync(join(tmpdir(), 'civictwin-ingest-'));
  /** Total counts since start, for the freshness/status view. */
  public readonly totals = { accepted: 0, duplicates: 0, rejected: 0, lastCommitMs: 0 };

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
        let staged: StagedGroup;
        try {
          staged = await this.stage(group, slot);
        } catch (err) {
          group.forEach((req) => req.reject(err));
          continue;
        }
        const previous = inFlight;
        inFlight = previous.then(async () => {
          try {
            const out = await this.commit(staged);
            group.forEach((req, i) => req.resolve(out[i]!));
          } catch (err) {
            group.forEach((req) => req.reject(err));
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
    const rows: Record<TableName, string[]> = {
      events: [], incidents: [], incident_steps: [], resource_positions: [], meter_readings: [], sensor_readings: [], dead_letters: [],
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
          rows.dead_letters.push(`{"received_at":${receivedAt},"transport":${transport},"event_id":${q(res.id)},"line":${i + 1},"reason":${q(res.reason)},"raw":${q(req.raws[i]!.slice(0, 16 * 1024))}}`);
          return;
        }
        const e = res.event;
        if (firstOwner.has(e.id)) {
          inGroupDuplicates[r]!++;
          return;
        }
        firstOwner.set(e.id, { req: r, event: e });
        const id = q(e.id);
        const ts = e.tsMs;
        rows.events.push(`{"id":${id},"type":"${e.type}","ts":${ts},"source":${q(e.source)},"received_at":${receivedAt},"transport":${transport},"data":${JSON.stringify(e.data)}}`);
        switch (e.type) {
          case 'incident.reported': {
            const d = e.data;
            rows.incidents.push(`{"id":${q(d.incidentId)},"category":${q(d.category)},"severity":${d.severity},"lon":${d.lon},"lat":${d.lat},"building_id":${d.buildingId ?? null},"reporter":${q(d.reporter)},"source":${q(e.source)},"description":${q(d.description)},"reported_at":${ts}}`);
            rows.incident_steps.push(`{"event_id":${id},"incident_id":${q(d.incidentId)},"step":"reported","ts":${ts},"actor":${q(e.source)},"note":${q(d.description)}}`);
            break;
          }
          case 'incident.status': {
            const d = e.data;
            rows.incident_steps.push(`{"event_id":${id},"incident_id":${q(d.incidentId)},"step":${q(d.status)},"ts":${ts},"assignee_kind":${q(d.assignee?.kind)},"assignee_id":${d.assignee?.id ?? null},"actor":${q(d.actor)},"note":${q(d.note)},"rating":${d.rating ?? null}}`);
            break;
          }
          case 'resource.position': {
            const d = e.data;
            rows.resource_positions.push(`{"event_id":${id},"resource_id":${d.resourceId},"ts":${ts},"lon":${d.lon},"lat":${d.lat},"heading":${d.heading ?? null},"speed":${d.speed ?? null},"status":${q(d.status)}}`);
            break;
          }
          case 'meter.reading': {
            const d = e.data;
            rows.meter_readings.push(`{"event_id":${id},"household_id":${d.householdId},"ts":${ts},"interval_min":${d.intervalMin},"water_l":${d.waterL ?? null},"power_kwh":${d.powerKwh ?? null}}`);
            break;
          }
          case 'sensor.reading': {
            const d = e.data;
            rows.sensor_readings.push(`{"event_id":${id},"sensor_id":${q(d.sensorId)},"kind":${q(d.kind)},"ts":${ts},"value":${d.value},"unit":${q(d.unit)},"lon":${d.lon ?? null},"lat":${d.lat ?? null}}`);
            break;
          }
        }
      });
    });
    const files: Partial<Record<TableName, string>> = {};
    for (const name of Object.keys(rows) as TableName[]) {
      if (rows[name].length === 0) continue;
      files[name] = join(this.stagingDir, `${name}-${slot}.ndjson`);
      await writeFile(files[name], rows[name].join('\n') + '\n');
    }
    return { outcomes, firstOwner, inGroupDuplicates, files, slot };
  }

  private async commit({ outcomes, firstOwner, inGroupDuplicates, files, slot }: StagedGroup): Promise<IngestResult[]> {
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
        // incidents is keyed by the incident's own id: a second report of it is not a new incident.
        if (files.incidents) await this.store.run(`INSERT INTO incidents ${readJson(files.incidents, 'incidents')} ON CONFLICT DO NOTHING`);
        for (const name of ['incident_steps', 'resource_positions', 'meter_readings', 'sensor_readings'] as const) {
          if (files[name]) await this.store.run(`INSERT INTO ${name} SELECT * FROM (${readJson(files[name], name)})${onlyFresh}`);
        }
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
