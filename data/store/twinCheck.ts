/**
 * What a twin file holds, read without changing it: schema version, row counts of the main
 * tables, and whether its key opens its personal data. Used by `doctor`, and to verify a backup or
 * a restore before saying it worked.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { FieldCipher, fieldAad, keyLocation, keyPathFor, loadKey } from './crypto.ts';
import { SCHEMA_VERSION } from './migrations/index.ts';
import { fileInfo } from './wal.ts';

/** The tables a person checking a twin cares about, in the order they are reported. */
export const MAIN_TABLES = [
  'buildings', 'households', 'persons', 'facilities', 'basemap_features', 'resources',
  'events', 'incidents', 'incident_steps', 'resource_positions', 'meter_readings', 'sensor_readings',
  'meter_alerts', 'dead_letters', 'audit_log',
] as const;

export interface KeyCheck {
  /**
   * ok: decrypts a personal field; mismatch: a key, but not this twin's; missing: no key and
   * personal data to read; unused: the twin holds no personal data (any key will do); unreadable:
   * the key file is not a key.
   */
  state: 'ok' | 'mismatch' | 'missing' | 'unused' | 'unreadable';
  /** Where the key comes from: the key file, or CIVICTWIN_KEY. */
  source: 'file' | 'env' | null;
  keyPath: string;
  /** Permission bits of the key file. */
  mode: number | null;
  detail: string;
}

export interface TwinSummary {
  schemaVersion: number;
  latestSchemaVersion: number;
  counts: Partial<Record<(typeof MAIN_TABLES)[number], number>>;
  key: KeyCheck;
}

/** Opens `path` read-only (a log is replayed in memory, the file is untouched) and summarises it. */
export async function summariseTwin(path: string): Promise<TwinSummary> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  try {
    const conn = await instance.connect();
    try {
      return await summariseWith(async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJS(), path);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** Runs a query, returning row objects with JS values (DuckDbStore.all, or a raw connection's). */
export type RowReader = (sql: string) => Promise<Record<string, unknown>[]>;

/** The summary through any reader of the twin: a read-only instance here, a host's own store. */
export async function summariseWith(read: RowReader, path: string): Promise<TwinSummary> {
  const rows = async <T>(sql: string): Promise<T[]> => (await read(sql)) as T[];
  const present = new Set(
    (await rows<{ t: string }>("SELECT table_name AS t FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()")).map((r) => r.t),
  );
  const schemaVersion = present.has('schema_migrations')
    ? Number((await rows<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations'))[0]?.v ?? 0)
    : 0;
  const counts: TwinSummary['counts'] = {};
  for (const t of MAIN_TABLES) {
    if (present.has(t)) counts[t] = Number((await rows<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`))[0]!.n);
  }
  // One personal field is enough to tell whether the key is this twin's (GCM authenticates it).
  let sample: PersonalSample | null = null;
  for (const [table, column] of [['households', 'contact_enc'], ['persons', 'pii_enc'], ['grid_workers', 'pii_enc']] as const) {
    if (!present.has(table)) continue;
    const r = (await rows<{ id: number; blob: Uint8Array }>(`SELECT id, ${column} AS blob FROM ${table} WHERE ${column} IS NOT NULL LIMIT 1`))[0];
    if (r) {
      sample = { table, column, id: Number(r.id), blob: r.blob };
      break;
    }
  }
  return { schemaVersion, latestSchemaVersion: SCHEMA_VERSION, counts, key: checkKey(path, sample) };
}

export interface PersonalSample {
  table: string;
  column: string;
  id: number;
  blob: Uint8Array;
}

/**
 * Whether the key `path` would load (CIVICTWIN_KEY, CIVICTWIN_KEY_FILE, else `<db>.key`; see
 * crypto.ts) decrypts `sample`. The key file's mode is reported by the caller, not refused here.
 */
export function checkKey(path: string, sample: PersonalSample | null): KeyCheck {
  const location = keyLocation(path);
  const keyPath = location.file ?? keyPathFor(path);
  const source = location.source === 'env' ? 'env' : existsSync(keyPath) ? 'file' : null;
  const mode = fileInfo(keyPath)?.mode ?? null;
  const base = { source, keyPath, mode } as const;
  if (source === null) {
    return sample
      ? { ...base, state: 'missing', detail: `no key: ${keyPath} is absent and CIVICTWIN_KEY is not set, so personal data cannot be read` }
      : { ...base, state: 'unused', detail: `no key, and no personal data that would need one` };
  }
  let cipher: FieldCipher;
  try {
    cipher = new FieldCipher(loadKey(path, { create: false, checkMode: false }).key);
  } catch (err) {
    return { ...base, state: 'unreadable', detail: `the key ${source === 'env' ? 'in CIVICTWIN_KEY' : `in ${keyPath}`} is not a key: ${(err as Error).message}` };
  }
  if (!sample) return { ...base, state: 'unused', detail: 'present; the twin holds no personal data yet' };
  try {
    cipher.decrypt(sample.blob, fieldAad(sample.table, sample.column, sample.id));
    return { ...base, state: 'ok', detail: `decrypts ${sample.table} ${sample.id}'s ${sample.column}` };
  } catch {
    return {
      ...base,
      state: 'mismatch',
      detail: `${source === 'env' ? 'CIVICTWIN_KEY' : keyPath} does not decrypt ${sample.table} ${sample.id}'s ${sample.column}: it is another twin's key`,
    };
  }
}
