/**
 * Rows of the typhoon tables and the one function that writes them, for both file imports and
 * ingest events. Every write is idempotent: a storm is upserted by its id, a fix by (storm, time),
 * a bulletin with its positions by (storm, agency, issue time), a landfall by (storm, time). So a
 * file imported twice or a bulletin sent twice under new event ids leaves one copy.
 *
 * Times are epoch milliseconds (UTC) in rows; they travel to DuckDB as one JSON parameter per
 * table and statement.
 */
import type { DuckDbStore } from '../DuckDbStore.ts';
import { QUADRANTS, type TrackPoint, type WindRadii } from '../../model/typhoon/types.ts';

export interface StormRow {
  id: string;
  agency: string;
  number: string | null;
  intl_number: string | null;
  year: number;
  /** null: keep the stored name (an ingest event that does not repeat it); a new storm gets "(nameless)". */
  name: string | null;
  name_zh: string | null;
  serial: number | null;
  end_note: string | null;
  format: string;
  source: string;
}

export interface TrackPointRow {
  storm_id: string;
  is_forecast: boolean;
  agency: string;
  bulletin_at: number | null;
  lead_hours: number | null;
  ts: number;
  lon: number;
  lat: number;
  pressure_hpa: number | null;
  max_wind_ms: number | null;
  grade: string;
  r7_ne: number | null; r7_se: number | null; r7_sw: number | null; r7_nw: number | null;
  r10_ne: number | null; r10_se: number | null; r10_sw: number | null; r10_nw: number | null;
  r12_ne: number | null; r12_se: number | null; r12_sw: number | null; r12_nw: number | null;
  move_direction: string | null;
  move_speed_kmh: number | null;
  event_id: string | null;
}

export interface BulletinRow {
  storm_id: string;
  agency: string;
  issued_at: number;
  points: number;
  source: string;
  received_at: number;
  event_id: string | null;
}

export interface LandfallRow {
  storm_id: string;
  ts: number;
  lon: number;
  lat: number;
  place: string | null;
  pressure_hpa: number | null;
  max_wind_ms: number | null;
  grade: string | null;
  event_id: string | null;
}

/** One write to the typhoon tables. */
export interface TyphoonWrite {
  storms: StormRow[];
  /** Storms whose fixes this write replaces all of (a file holds a storm's whole track). */
  replaceFixesOf: string[];
  /** Storms whose landfalls this write replaces all of. */
  replaceLandfallsOf: string[];
  fixes: TrackPointRow[];
  /** Each replaces a stored bulletin with the same storm, agency and issue time, positions included. */
  bulletins: BulletinRow[];
  /** Positions of `bulletins`, each with its bulletin's storm, agency and `bulletin_at`. */
  forecastPoints: TrackPointRow[];
  landfalls: LandfallRow[];
}

export const emptyWrite = (): TyphoonWrite => ({
  storms: [], replaceFixesOf: [], replaceLandfallsOf: [], fixes: [], bulletins: [], forecastPoints: [], landfalls: [],
});

/** A model track point as a row. */
export function pointRow(stormId: string, agency: string, p: TrackPoint, eventId: string | null = null): TrackPointRow {
  const r = (radii: WindRadii | null, circle: keyof WindRadii, q: (typeof QUADRANTS)[number]): number | null => radii?.[circle]?.[q] ?? null;
  return {
    storm_id: stormId,
    is_forecast: p.isForecast,
    agency: p.agency ?? agency,
    bulletin_at: p.isForecast ? (p.bulletinUtcMs ?? null) : null,
    lead_hours: p.isForecast ? (p.leadHours ?? null) : null,
    ts: p.timeUtcMs,
    lon: p.lon,
    lat: p.lat,
    pressure_hpa: p.pressureHpa,
    max_wind_ms: p.maxWindMs,
    grade: p.grade,
    r7_ne: r(p.radii, 'r7', 'ne'), r7_se: r(p.radii, 'r7', 'se'), r7_sw: r(p.radii, 'r7', 'sw'), r7_nw: r(p.radii, 'r7', 'nw'),
    r10_ne: r(p.radii, 'r10', 'ne'), r10_se: r(p.radii, 'r10', 'se'), r10_sw: r(p.radii, 'r10', 'sw'), r10_nw: r(p.radii, 'r10', 'nw'),
    r12_ne: r(p.radii, 'r12', 'ne'), r12_se: r(p.radii, 'r12', 'se'), r12_sw: r(p.radii, 'r12', 'sw'), r12_nw: r(p.radii, 'r12', 'nw'),
    move_direction: p.moveDirection ?? null,
    move_speed_kmh: p.moveSpeedKmh ?? null,
    event_id: eventId,
  };
}

/** Several writes as one (an ingest group), later rows winning where keys meet. */
export function mergeWrites(writes: readonly TyphoonWrite[]): TyphoonWrite {
  const out = emptyWrite();
  for (const w of writes) {
    out.storms.push(...w.storms);
    out.replaceFixesOf.push(...w.replaceFixesOf);
    out.replaceLandfallsOf.push(...w.replaceLandfallsOf);
    out.fixes.push(...w.fixes);
    out.bulletins.push(...w.bulletins);
    out.forecastPoints.push(...w.forecastPoints);
    out.landfalls.push(...w.landfalls);
  }
  return out;
}

/** The ids passed as one JSON parameter \`$ids\` (a list of strings), as a subquery for \`IN\`. */
export const ID_LIST = `(SELECT unnest(from_json($ids::JSON, '["VARCHAR"]')))`;

type ColumnType = 'VARCHAR' | 'DOUBLE' | 'INTEGER' | 'BOOLEAN' | 'TIMESTAMP';

const STORM_COLUMNS: Record<string, ColumnType> = {
  id: 'VARCHAR', agency: 'VARCHAR', number: 'VARCHAR', intl_number: 'VARCHAR', year: 'INTEGER', name: 'VARCHAR', name_zh: 'VARCHAR',
  serial: 'INTEGER', end_note: 'VARCHAR', format: 'VARCHAR', source: 'VARCHAR', created_at: 'TIMESTAMP', updated_at: 'TIMESTAMP',
};
const radiusColumns = Object.fromEntries(
  ['r7', 'r10', 'r12'].flatMap((c) => QUADRANTS.map((q) => [`${c}_${q}`, 'DOUBLE' as ColumnType])),
) as Record<string, ColumnType>;
const POINT_COLUMNS: Record<string, ColumnType> = {
  storm_id: 'VARCHAR', is_forecast: 'BOOLEAN', agency: 'VARCHAR', bulletin_at: 'TIMESTAMP', lead_hours: 'DOUBLE', ts: 'TIMESTAMP',
  lon: 'DOUBLE', lat: 'DOUBLE', pressure_hpa: 'DOUBLE', max_wind_ms: 'DOUBLE', grade: 'VARCHAR', ...radiusColumns,
  move_direction: 'VARCHAR', move_speed_kmh: 'DOUBLE', event_id: 'VARCHAR',
};
const BULLETIN_COLUMNS: Record<string, ColumnType> = {
  storm_id: 'VARCHAR', agency: 'VARCHAR', issued_at: 'TIMESTAMP', points: 'INTEGER', source: 'VARCHAR', received_at: 'TIMESTAMP', event_id: 'VARCHAR',
};
const LANDFALL_COLUMNS: Record<string, ColumnType> = {
  storm_id: 'VARCHAR', ts: 'TIMESTAMP', lon: 'DOUBLE', lat: 'DOUBLE', place: 'VARCHAR', pressure_hpa: 'DOUBLE', max_wind_ms: 'DOUBLE',
  grade: 'VARCHAR', event_id: 'VARCHAR',
};

/**
 * A SELECT over rows passed as one JSON parameter `$name`, typed by `columns`; TIMESTAMP columns
 * travel as epoch ms.
 */
/**
 * The rows of JSON array `json` as a subquery with `columns`' types, as SQL literals in a VALUES
 * list. NOTE: not `unnest(from_json(…))`: rows inserted from it were read back garbled once the
 * process had done other work (an e2e run stored a storm "J" of agency "E" whose year changed from
 * read to read: strings pointing into freed memory), so typhoon rows go in as plain values.
 */
function jsonRows(columns: Record<string, ColumnType>, json: string): string {
  const rows = JSON.parse(json) as Record<string, unknown>[];
  const names = Object.keys(columns);
  const literal = (v: unknown, type: ColumnType): string => {
    if (v === null || v === undefined) return type === 'TIMESTAMP' ? 'NULL::TIMESTAMP' : `NULL::${type}`;
    switch (type) {
      case 'VARCHAR':
        return `'${String(v).replaceAll("'", "''")}'`;
      case 'BOOLEAN':
        return v ? 'TRUE' : 'FALSE';
      case 'TIMESTAMP':
        return Number.isFinite(Number(v)) ? `epoch_ms(${Math.round(Number(v))}::BIGINT)` : 'NULL::TIMESTAMP';
      default:
        return Number.isFinite(Number(v)) ? `${Number(v)}::${type}` : `NULL::${type}`;
    }
  };
  if (rows.length === 0) return `(SELECT ${names.map((n) => `${literal(null, columns[n]!)} AS ${n}`).join(', ')} WHERE false)`;
  const values = rows.map((r) => `(${names.map((n) => literal(r[n], columns[n]!)).join(', ')})`).join(',\n');
  return `(SELECT * FROM (VALUES ${values}) AS t(${names.join(', ')}))`;
}

/** Rows of `rows` with the last one of each key kept, in first-seen order of the keys. */
function lastByKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const r of rows) {
    const k = key(r);
    byKey.delete(k); // re-inserted at the end: a later row wins
    byKey.set(k, r);
  }
  return [...byKey.values()];
}

/**
 * Writes `w` in one transaction (or in the caller's, when one is open on this connection, as the
 * ingest commit's is). `nowMs` stamps storms' `updated_at` (and `created_at` when new).
 */
export async function writeTyphoonRows(store: DuckDbStore, w: TyphoonWrite, nowMs: number): Promise<void> {
  const storms = mergeStormRows(w.storms);
  const fixes = lastByKey(w.fixes, (r) => `${r.storm_id}\u0000${r.ts}`);
  const bulletins = lastByKey(w.bulletins, (r) => `${r.storm_id}\u0000${r.agency}\u0000${r.issued_at}`);
  const bulletinKeys = new Set(bulletins.map((b) => `${b.storm_id}\u0000${b.agency}\u0000${b.issued_at}`));
  // Positions of a bulletin sent twice in one group: only the last copy's (its event id decides).
  const lastEventOf = new Map(bulletins.map((b) => [`${b.storm_id}\u0000${b.agency}\u0000${b.issued_at}`, b.event_id]));
  const forecastPoints = w.forecastPoints.filter((p) => {
    const k = `${p.storm_id}\u0000${p.agency}\u0000${p.bulletin_at}`;
    return bulletinKeys.has(k) && lastEventOf.get(k) === p.event_id;
  });
  const landfalls = lastByKey(w.landfalls, (r) => `${r.storm_id}\u0000${r.ts}`);
  const replaceFixes = [...new Set(w.replaceFixesOf)];
  const replaceLandfalls = [...new Set(w.replaceLandfallsOf)];

  await store.transaction(async () => {
    if (storms.length > 0) await upsertStorms(store, storms, nowMs);
    if (replaceFixes.length > 0) {
      await store.run(`DELETE FROM typhoon_track_points WHERE NOT is_forecast AND storm_id IN ${ID_LIST}`, { ids: JSON.stringify(replaceFixes) });
    }
    if (fixes.length > 0) {
      const json = JSON.stringify(fixes);
      await store.run(
        `DELETE FROM typhoon_track_points t USING ${jsonRows({ storm_id: 'VARCHAR', ts: 'TIMESTAMP' }, json)} r
         WHERE NOT t.is_forecast AND t.storm_id = r.storm_id AND t.ts = r.ts`,
      );
      await store.run(`INSERT INTO typhoon_track_points BY NAME ${jsonRows(POINT_COLUMNS, json)}`);
    }
    if (bulletins.length > 0) {
      const json = JSON.stringify(bulletins);
      const keys = jsonRows({ storm_id: 'VARCHAR', agency: 'VARCHAR', issued_at: 'TIMESTAMP' }, json);
      await store.run(
        `DELETE FROM typhoon_track_points t USING ${keys} r
         WHERE t.is_forecast AND t.storm_id = r.storm_id AND t.agency = r.agency AND t.bulletin_at = r.issued_at`,
      );
      await store.run(`DELETE FROM typhoon_bulletins t USING ${keys} r WHERE t.storm_id = r.storm_id AND t.agency = r.agency AND t.issued_at = r.issued_at`);
      await store.run(`INSERT INTO typhoon_bulletins BY NAME ${jsonRows(BULLETIN_COLUMNS, json)}`);
      if (forecastPoints.length > 0) {
        await store.run(`INSERT INTO typhoon_track_points BY NAME ${jsonRows(POINT_COLUMNS, JSON.stringify(forecastPoints))}`);
      }
    }
    if (replaceLandfalls.length > 0) {
      await store.run(`DELETE FROM typhoon_landfalls WHERE storm_id IN ${ID_LIST}`, { ids: JSON.stringify(replaceLandfalls) });
    }
    if (landfalls.length > 0) {
      const json = JSON.stringify(landfalls);
      await store.run(`DELETE FROM typhoon_landfalls t USING ${jsonRows({ storm_id: 'VARCHAR', ts: 'TIMESTAMP' }, json)} r WHERE t.storm_id = r.storm_id AND t.ts = r.ts`);
      await store.run(`INSERT INTO typhoon_landfalls BY NAME ${jsonRows(LANDFALL_COLUMNS, json)}`);
    }
  });
}

/** One row per storm id; a later row's known fields win over an earlier one's. */
function mergeStormRows(rows: readonly StormRow[]): StormRow[] {
  const byId = new Map<string, StormRow>();
  for (const r of rows) {
    const before = byId.get(r.id);
    byId.set(r.id, before ? mergeStorm(before, r) : r);
  }
  return [...byId.values()];
}

function mergeStorm(before: StormRow, after: StormRow): StormRow {
  return {
    ...after,
    number: after.number ?? before.number,
    intl_number: after.intl_number ?? before.intl_number,
    name: after.name ?? before.name,
    name_zh: after.name_zh ?? before.name_zh,
    serial: after.serial ?? before.serial,
    end_note: after.end_note ?? before.end_note,
  };
}

async function upsertStorms(store: DuckDbStore, rows: StormRow[], nowMs: number): Promise<void> {
  const stored = await store.all<Record<string, unknown>>(
    `SELECT id, agency, number, intl_number, year, name, name_zh, serial, end_note, format, source, epoch_ms(created_at)::DOUBLE AS created_at
     FROM typhoon_storms WHERE id IN ${ID_LIST}`,
    { ids: JSON.stringify(rows.map((r) => r.id)) },
  );
  const byId = new Map(stored.map((s) => [s.id as string, s]));
  const merged = rows.map((r) => {
    const old = byId.get(r.id) as (StormRow & { created_at: number }) | undefined;
    const row = old ? mergeStorm(old, r) : r;
    return { ...row, name: row.name ?? '(nameless)', created_at: old?.created_at ?? nowMs, updated_at: nowMs };
  });
  // DuckDB lets a transaction delete a key and insert it again (as the GeoJSON import relies on).
  await store.run(`DELETE FROM typhoon_storms WHERE id IN ${ID_LIST}`, { ids: JSON.stringify(rows.map((r) => r.id)) });
  await store.run(`INSERT INTO typhoon_storms BY NAME ${jsonRows(STORM_COLUMNS, JSON.stringify(merged))}`);
}
