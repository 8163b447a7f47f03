/**
 * `civictwin import tickets`: a hotline export (12345, or a 311 export of the same shape) into a
 * twin's incident history, so the KPI views and hot spots work on day one. Each ticket becomes the
 * events the feed would have sent (reported, closed or cancelled, rated) with the ticket's own
 * times, written into the event log and its projections in one transaction: all of a file or none.
 *
 * One import policy (issue 14): strict by default (any row that cannot be read or placed stops the
 * import and nothing is written), `--skip-invalid` imports the rest and writes a report of every
 * skipped row (line, ticket id, reason), `--dry-run` writes nothing. Tickets are placed by their
 * coordinates, or by their address when it is a building's address in the twin; a ticket far from
 * the twin's area is refused with the distance (the export of another city, or swapped columns).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import Flatbush from 'flatbush';
import { localProjection } from '../../data/model/geo.ts';
import { openTwin } from '../../data/store/openTwin.ts';
import { PROJECTION_TABLES, PROJECTORS } from '../../data/store/projections.ts';
import { EVENT_DATA_SCHEMAS, type IngestEvent } from '../../data/feed/events.ts';
import { parseTickets, ticketMappingSchema, type ParsedTickets, type TicketMapping, type TicketProblem, type TicketRecord } from '../../data/import/tickets.ts';
import { readJson } from '../services/IngestService.ts';
import type { ProgressFn } from './progress.ts';
import { addressKey } from '../../data/import/address.ts';

/** A ticket farther than this from the twin's buildings is not the twin's. */
export const TICKET_MARGIN_KM = 30;
/** A ticket within this distance of a building's centroid is that building's. */
const BUILDING_SNAP_M = 40;
/** Files larger than this are refused before they are read (a year of a large city is ~300 MB). */
const MAX_FILE_BYTES = 1024 * 1024 * 1024;

export interface TicketImportOptions {
  /** The export's local time, minutes east of UTC (China +480). */
  offsetMin: number;
  mappingFile?: string;
  skipInvalid?: boolean;
  dryRun?: boolean;
  onProgress?: ProgressFn;
}

export interface TicketImportReport {
  file: string;
  rows: number;
  columns: ParsedTickets['columns'];
  /** Tickets written (or, in a dry run, that would be). */
  imported: number;
  /** Tickets already in the twin from an earlier import of the same file (left as they were). */
  alreadyIn: number;
  placedByAddress: number;
  onBuilding: number;
  skipped: TicketProblem[];
  /** Where the skipped rows were written (`--skip-invalid`), or null. */
  reportPath: string | null;
  /** Source category → [twin category, tickets]. */
  categories: Map<string, [string, number]>;
  dryRun: boolean;
}

interface TwinPlaces {
  near(lon: number, lat: number): { buildingId: number | null; km: number };
  byAddress(address: string): { id: number; lon: number; lat: number } | undefined;
}

async function twinPlaces(store: Awaited<ReturnType<typeof openTwin>>): Promise<TwinPlaces> {
  const rows = await store.all<{ id: number; lon: number; lat: number; address: string }>('SELECT id, centroid_lon AS lon, centroid_lat AS lat, address FROM buildings ORDER BY id');
  const meta = new Map((await store.all<{ key: string; value: string }>('SELECT key, value FROM twin_meta')).map((r) => [r.key, r.value]));
  if (rows.length === 0 && !meta.has('origin_lon')) throw new Error('The twin has no buildings and no origin: import its map data (civictwin import --db …) before its tickets.');
  const originLon = rows.length > 0 ? rows.reduce((s, r) => s + r.lon, 0) / rows.length : Number(meta.get('origin_lon'));
  const originLat = rows.length > 0 ? rows.reduce((s, r) => s + r.lat, 0) / rows.length : Number(meta.get('origin_lat'));
  const proj = localProjection(originLon, originLat);
  const xy = rows.map((r) => proj.toMetres(r.lon, r.lat));
  const index = rows.length > 0 ? new Flatbush(rows.length) : null;
  if (index) {
    for (const [x, y] of xy) index.add(x, y, x, y);
    index.finish();
  }
  // The twin's area: its buildings' extent (or the origin), as the host's ingest bounds.
  const xs = xy.length > 0 ? xy.map((p) => p[0]) : [0];
  const ys = xy.length > 0 ? xy.map((p) => p[1]) : [0];
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const addresses = new Map<string, { id: number; lon: number; lat: number }>();
  for (const r of rows) addresses.set(addressKey(r.address), r);
  return {
    near(lon, lat) {
      const [x, y] = proj.toMetres(lon, lat);
      const dx = Math.max(x0 - x, 0, x - x1);
      const dy = Math.max(y0 - y, 0, y - y1);
      const km = Math.hypot(dx, dy) / 1000;
      const hit = index?.neighbors(x, y, 1, BUILDING_SNAP_M)[0];
      return { buildingId: hit === undefined ? null : rows[hit]!.id, km };
    },
    byAddress: (address) => addresses.get(addressKey(address)),
  };
}

/** An incident id of at most 64 characters that is the same for the same file name and ticket. */
function incidentId(sourceName: string, ticketId: string): string {
  const id = `T:${sourceName}:${ticketId}`;
  // Event ids use letters, digits and . : - / _ only (data/feed/events.ts): others are hashed.
  return id.length <= 64 && /^[\w.:/-]+$/.test(id) ? id : `T:${sourceName}:h${createHash('sha256').update(ticketId).digest('hex').slice(0, 20)}`;
}

function readMapping(file: string | undefined): TicketMapping | undefined {
  if (!file) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not a JSON mapping file (${(err as Error).message}). Example: {"columns": {"created": "受理时间"}, "categories": {"环境卫生": "garbage"}}.`);
  }
  const parsed = ticketMappingSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}.`);
  return parsed.data;
}

/** The events a ticket stands for, in the feed's own shapes (checked against their schemas). */
function ticketEvents(r: TicketRecord, id: string, source: string, place: { lon: number; lat: number; buildingId: number | null }): IngestEvent[] {
  const ev = (suffix: string, type: IngestEvent['type'], tsMs: number, data: object): IngestEvent => {
    const checked = EVENT_DATA_SCHEMAS[type].parse(data);
    return { id: `${id}:${suffix}`, type, ts: new Date(tsMs).toISOString(), tsMs, source, data: checked } as IngestEvent;
  };
  const out = [
    ev('r', 'incident.reported', r.createdMs, {
      incidentId: id,
      category: r.category,
      severity: 2,
      lon: place.lon,
      lat: place.lat,
      reporter: 'hotline',
      description: [r.sourceCategory, r.detail].filter(Boolean).join(' · ').slice(0, 500),
      ...(place.buildingId !== null ? { buildingId: place.buildingId } : {}),
      sourceCategory: r.sourceCategory,
    }),
  ];
  if (r.cancelled) out.push(ev('x', 'incident.status', r.closedMs ?? r.createdMs, { incidentId: id, status: 'cancelled', actor: source }));
  else if (r.closedMs !== null) out.push(ev('c', 'incident.status', r.closedMs, { incidentId: id, status: 'closed', actor: source }));
  if (r.rating !== null && !r.cancelled) out.push(ev('e', 'incident.status', r.closedMs ?? r.createdMs, { incidentId: id, status: 'evaluated', actor: 'resident', rating: r.rating }));
  return out;
}

export async function importTickets(db: string, file: string, opts: TicketImportOptions): Promise<TicketImportReport> {
  const size = statSync(file).size;
  if (size > MAX_FILE_BYTES) throw new Error(`${file} is ${(size / 2 ** 20).toFixed(0)} MB; at most 1 GB per import. Split it by month.`);
  const mapping = readMapping(opts.mappingFile);
  opts.onProgress?.('read', 0, 1);
  const parsed = parseTickets(readFileSync(file, 'utf8'), { offsetMin: opts.offsetMin, mapping });
  opts.onProgress?.('read', 1, 1);
  const sourceName = basename(file, extname(file)).replace(/[^\w.-]+/g, '_').slice(0, 30) || 'tickets';
  const source = `import:${sourceName}`;
  // The twin must exist: tickets without a map would have nowhere to be.
  const store = await openTwin(db, { busyAdvice: 'stop that host first, then import again' });
  try {
    const places = await twinPlaces(store);
    const problems: TicketProblem[] = [...parsed.problems];
    const events: IngestEvent[] = [];
    const ids: string[] = [];
    const categories = new Map<string, [string, number]>();
    let placedByAddress = 0;
    let onBuilding = 0;
    for (const r of parsed.records) {
      let place: { lon: number; lat: number; buildingId: number | null } | null = null;
      if (r.lon !== null && r.lat !== null) {
        const near = places.near(r.lon, r.lat);
        if (near.km > TICKET_MARGIN_KM) {
          problems.push({ line: r.line, id: r.sourceId, reason: `its place ${r.lat}, ${r.lon} is ${Math.round(near.km)} km from the twin's area (at most ${TICKET_MARGIN_KM} km): a file of another city, or latitude and longitude swapped` });
          continue;
        }
        place = { lon: r.lon, lat: r.lat, buildingId: near.buildingId };
      } else if (r.address !== null) {
        const b = places.byAddress(r.address);
        if (!b) {
          problems.push({ line: r.line, id: r.sourceId, reason: `no coordinates, and its address "${r.address.slice(0, 60)}" is no building's address in the twin` });
          continue;
        }
        place = { lon: b.lon, lat: b.lat, buildingId: b.id };
        placedByAddress++;
      }
      if (!place) continue; // parseTickets reports rows with neither
      if (place.buildingId !== null) onBuilding++;
      const id = incidentId(sourceName, r.sourceId);
      ids.push(id);
      events.push(...ticketEvents(r, id, source, place));
      const c = categories.get(r.sourceCategory) ?? [r.category, 0];
      c[1]++;
      categories.set(r.sourceCategory, c);
    }
    problems.sort((a, b) => a.line - b.line);
    if (problems.length > 0 && !opts.skipInvalid) {
      const shown = problems.slice(0, 10).map((p) => `  line ${p.line}${p.id ? ` (ticket ${p.id})` : ''}: ${p.reason}`);
      throw new Error(
        `${basename(file)}: ${problems.length} of ${parsed.rows} rows cannot be imported, so nothing was:\n${shown.join('\n')}${problems.length > 10 ? `\n  … and ${problems.length - 10} more` : ''}\n` +
          'Fix those rows, or import the others with --skip-invalid (a report lists every skipped row).',
      );
    }
    const duplicateIds = new Set(
      ids.length === 0
        ? []
        : (await store.all<{ id: string }>(`SELECT id FROM incidents WHERE id LIKE $p`, { p: `T:${sourceName}:%` })).map((r) => r.id),
    );
    const fresh = events.filter((e) => !duplicateIds.has((e.data as { incidentId: string }).incidentId));
    const alreadyIn = ids.filter((id) => duplicateIds.has(id)).length;
    let reportPath: string | null = null;
    if (!opts.dryRun) {
      if (problems.length > 0) {
        reportPath = join(dirname(db), `${basename(db, extname(db))}.tickets-${sourceName}.skipped.csv`);
        const csv = ['line,ticket_id,reason', ...problems.map((p) => `${p.line},${JSON.stringify(p.id ?? '')},${JSON.stringify(p.reason)}`)];
        writeFileSync(reportPath, `${csv.join('\n')}\n`);
      }
      await writeEvents(store, fresh, opts.onProgress);
      await store.checkpoint();
    }
    return {
      file,
      rows: parsed.rows,
      columns: parsed.columns,
      imported: ids.length - alreadyIn,
      alreadyIn,
      placedByAddress,
      onBuilding,
      skipped: problems,
      reportPath,
      categories,
      dryRun: opts.dryRun ?? false,
    };
  } finally {
    store.close();
  }
}

/** The events and their projection rows, staged as NDJSON and loaded in one transaction (as the ingest host does). */
async function writeEvents(store: Awaited<ReturnType<typeof openTwin>>, events: readonly IngestEvent[], onProgress?: ProgressFn): Promise<void> {
  if (events.length === 0) return;
  const dir = mkdtempSync(join(tmpdir(), 'civictwin-tickets-'));
  try {
    const rows = new Map<string, string[]>();
    const write = (table: string, json: string): void => {
      let list = rows.get(table);
      if (!list) rows.set(table, (list = []));
      list.push(json);
    };
    const receivedAt = Date.now();
    onProgress?.('stage', 0, events.length);
    for (const [i, e] of events.entries()) {
      const id = JSON.stringify(e.id);
      write('events', `{"id":${id},"type":${JSON.stringify(e.type)},"ts":${e.tsMs},"source":${JSON.stringify(e.source)},"received_at":${receivedAt},"transport":"replay","data":${JSON.stringify(e.data)}}`);
      (PROJECTORS[e.type] as ((ev: IngestEvent, id: string, w: typeof write) => void) | undefined)?.(e, id, write);
      if (i % 10_000 === 0) onProgress?.('stage', i, events.length);
    }
    onProgress?.('stage', events.length, events.length);
    const files = new Map<string, string>();
    for (const [table, list] of rows) {
      const f = join(dir, `${table}.ndjson`);
      writeFileSync(f, `${list.join('\n')}\n`);
      files.set(table, f);
    }
    onProgress?.('write', 0, 1);
    await store.transaction(async () => {
      await store.run(`INSERT INTO events ${readJson(files.get('events')!, 'events')} ON CONFLICT DO NOTHING`);
      for (const [name, table] of Object.entries(PROJECTION_TABLES)) {
        const f = files.get(name);
        if (!f) continue;
        await store.run(`INSERT INTO ${name} ${readJson(f, name)}${table.conflict === 'own-key' ? ' ON CONFLICT DO NOTHING' : ''}`);
      }
    });
    onProgress?.('write', 1, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
