import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { blobValue } from '@duckdb/node-api';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../data/store/migrations/index.ts';
import { FieldCipher, fieldAad, keyPathFor } from '../../data/store/crypto.ts';
import { maskIdNumber, maskName, maskPhone } from '../../data/model/masking.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('migrations', () => {
  it('bring a new file to the latest schema version, once', async () => {
    const db = tmp.path('m.duckdb');
    const store = await DuckDbStore.open(db, { create: true });
    expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
    const tables = (await store.all<{ name: string }>('SELECT table_name AS name FROM information_schema.tables')).map((t) => t.name);
    for (const t of ['buildings', 'households', 'persons', 'facilities', 'meter_daily', 'meter_anomaly_labels', 'basemap_features', 'audit_log', 'building_stats']) {
      expect(tables).toContain(t);
    }
    expect(await store.migrate()).toEqual([]); // nothing left to run
    store.close();
    const again = await DuckDbStore.open(db);
    const rows = await again.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    again.close();
  });

  it('upgrades a file made by an older version without touching its data', async () => {
    const db = tmp.path('old.duckdb');
    const store = await DuckDbStore.open(db, { create: true });
    await store.run("INSERT INTO twin_meta VALUES ('name', '旧街道')");
    // Simulate a file from before migration 2.
    await store.run('DROP TABLE building_stats');
    await store.run('DELETE FROM schema_migrations WHERE version = 2');
    store.close();
    const reopened = await DuckDbStore.open(db);
    expect(await reopened.schemaVersion()).toBe(SCHEMA_VERSION);
    expect((await reopened.one<{ value: string }>("SELECT value FROM twin_meta WHERE key = 'name'"))?.value).toBe('旧街道');
    reopened.close();
  });

  it('moves live projections recorded under schema 3 to keyless tables (4) with every row, and stays idempotent', async () => {
    const db = tmp.path('v3.duckdb');
    const store = await DuckDbStore.open(db, { create: true });
    // Rebuild the schema-3 tables (keyed by event id) with rows in them, as a twin from before 4.
    const m3 = MIGRATIONS.find((m) => m.version === 3)!.sql;
    const keyed = (table: string): string => m3.slice(m3.indexOf(`CREATE TABLE ${table} (`), m3.indexOf(');', m3.indexOf(`CREATE TABLE ${table} (`)) + 2);
    for (const table of ['incident_steps', 'resource_positions', 'meter_readings', 'sensor_readings']) {
      await store.run(`DROP TABLE ${table}`);
      await store.run(keyed(table));
    }
    await store.run("INSERT INTO events VALUES ('e1', 'resource.position', '2026-11-25 08:00:00', 'gps', '2026-11-25 08:00:01', 'http', '{}')");
    await store.run("INSERT INTO resource_positions VALUES ('e1', 7, '2026-11-25 08:00:00', 121.42, 28.38, 90, 5, 'en_route')");
    await store.run("INSERT INTO incident_steps VALUES ('e2', 'INC-1', 'reported', '2026-11-25 07:00:00', NULL, NULL, 'camera', NULL, NULL)");
    await store.run('DELETE FROM schema_migrations WHERE version = 4');
    store.close();

    const reopened = await DuckDbStore.open(db);
    expect(await reopened.schemaVersion()).toBe(SCHEMA_VERSION);
    const rows = await reopened.one<{ p: number; s: number }>('SELECT (SELECT count(*) FROM resource_positions)::INTEGER p, (SELECT count(*) FROM incident_steps)::INTEGER s');
    expect(rows).toEqual({ p: 1, s: 1 });
    // No key of its own any more: the event log's key is what keeps a replay out (see ingest tests).
    const keys = await reopened.all<{ t: string }>(
      "SELECT table_name AS t FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' AND table_name IN ('resource_positions', 'incident_steps', 'meter_readings', 'sensor_readings')",
    );
    expect(keys).toEqual([]);
    reopened.close();
  });

  it('refuses to open a missing file without --create, with a message that says what to do', async () => {
    await expect(DuckDbStore.open(tmp.path('missing.duckdb'))).rejects.toThrow(/civictwin seed --out/);
  });

  it('opens with the worker threads a host asks for (one core left to its screen)', async () => {
    const store = await DuckDbStore.open(tmp.path('threads.duckdb'), { create: true, threads: 1 });
    expect(Number((await store.all<{ t: bigint }>("SELECT current_setting('threads') AS t"))[0]!.t)).toBe(1);
    store.close();
  });
});

describe('personal data', () => {
  it('encrypts with AES-256-GCM and round-trips, with the key outside the database', async () => {
    const db = tmp.path('enc.duckdb');
    const store = await DuckDbStore.open(db, { create: true });
    const secret = JSON.stringify({ name: '王秀英', phone: '13812345678' });
    const blob = store.cipher.encrypt(secret, fieldAad('households', 'contact_enc', 7));
    await store.run(
      "INSERT INTO households (id, building_id, floor, slot, unit, size, contact_enc) VALUES (7, 1, 3, 1, '302', 1, $1)",
      [blobValue(blob)],
    );
    await store.checkpoint();
    const stored = await store.one<{ c: Uint8Array }>('SELECT contact_enc AS c FROM households WHERE id = 7');
    expect(store.cipher.decrypt(stored!.c, fieldAad('households', 'contact_enc', 7))).toBe(secret);
    store.close();
    // The clear text is nowhere in the database file; the key is a separate 0600 file.
    const raw = readFileSync(db);
    expect(raw.includes(Buffer.from('王秀英'))).toBe(false);
    expect(raw.includes(Buffer.from('13812345678'))).toBe(false);
    expect(statSync(keyPathFor(db)).mode & 0o777).toBe(0o600);
  });

  it('refuses a ciphertext moved to another row, tampered with, or read with another key', () => {
    const cipher = new FieldCipher(Buffer.alloc(32, 1));
    const blob = cipher.encrypt('110105199003071234', fieldAad('persons', 'pii_enc', 1));
    expect(() => cipher.decrypt(blob, fieldAad('persons', 'pii_enc', 2))).toThrow();
    const tampered = Uint8Array.from(blob);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => cipher.decrypt(tampered, fieldAad('persons', 'pii_enc', 1))).toThrow();
    expect(() => new FieldCipher(Buffer.alloc(32, 2)).decrypt(blob, fieldAad('persons', 'pii_enc', 1))).toThrow();
  });

  it('masks phone numbers, ID numbers (digits 7–14 never shown) and names', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('138-1234-5678')).toBe('138****5678');
    const masked = maskIdNumber('110105199003071234');
    expect(masked).toBe('110105********1234');
    expect(masked.slice(6, 14)).not.toMatch(/\d/);
    expect(maskIdNumber('33108119900307123X')).toBe('331081********123X');
    expect(maskName('张伟')).toBe('张*');
    expect(maskName('欧阳明月')).toBe('欧***');
    expect(maskIdNumber('12345')).toBe('*****');
  });
});

describe('columnar reads', () => {
  // Over 2,048 rows so several chunks are walked; NULLs in places; every path compared with the
  // row objects DuckDB gives for the same query.
  const N = 5000;

  it('columns() and forEachChunk read numbers, dates and NULLs (as 0) exactly as row reads do', async () => {
    const store = await DuckDbStore.open(tmp.path('cols.duckdb'), { create: true });
    const sql = `SELECT i::INTEGER AS id, (i * 0.5)::FLOAT AS h, CASE WHEN i % 7 = 0 THEN NULL ELSE i % 300 END::USMALLINT AS n,
                        (DATE '2025-01-01' + (i % 90)::INTEGER) AS day, (i / 3.0)::DOUBLE AS x,
                        CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1000003 END::BIGINT AS big FROM range(${N}) t(i) ORDER BY i`;
    const rows = await store.all<{ id: number; h: number; n: number | null; x: number; big: bigint | null }>(sql);
    const cols = await store.columns(sql, { id: Int32Array, h: Float32Array, n: Uint16Array, day: Int32Array, x: Float64Array, big: Float64Array });
    expect(cols.rowCount).toBe(N);
    for (const i of [0, 1, 7, 2047, 2048, 4999]) {
      expect(cols.id[i]).toBe(rows[i]!.id);
      expect(cols.h[i]).toBeCloseTo(rows[i]!.h, 5);
      expect(cols.n[i]).toBe(rows[i]!.n ?? 0);
      expect(cols.day[i]).toBe(Math.round(Date.UTC(2025, 0, 1) / 86_400_000) + (i % 90));
      expect(cols.x[i]).toBe(rows[i]!.x);
      expect(cols.big[i]).toBe(Number(rows[i]!.big ?? 0)); // BIGINT (a count, a length) widened
    }
    // Chunk by chunk (the spec names every column, in order), converted where the wanted array
    // differs from DuckDB's storage.
    const seen: number[] = [];
    let nulls = 0;
    await store.forEachChunk(sql, { id: Int32Array, h: Float32Array, n: Float64Array, day: Int32Array, x: Float64Array, big: Float64Array }, (c, count) => {
      for (let i = 0; i < count; i++) {
        seen.push(c.id[i]!);
        if (c.n[i] === 0 && c.id[i]! % 7 === 0) nulls++;
      }
    });
    expect(seen).toEqual(rows.map((r) => r.id));
    expect(nulls).toBe(rows.filter((r) => r.n === null).length);
    store.close();
  });

  it('flatLists() walks lists and lists of lists (footprint rings), with NULL lists as empty, on both read paths', async () => {
    const store = await DuckDbStore.open(tmp.path('lists.duckdb'), { create: true });
    await store.run(`CREATE TABLE shapes AS SELECT i AS id,
        CASE WHEN i % 11 = 5 THEN NULL ELSE [[i, i + 0.5, i + 1], [-i]] END AS rings FROM range(${N}) t(i)`);
    const expected = (await store.all<{ rings: number[][] | null }>('SELECT rings FROM shapes ORDER BY id')).flatMap((r) => r.rings ?? []);
    // DOUBLE[][] takes the raw path; BIGINT[][] (no plain 64-bit float storage) node-api's public one.
    for (const cast of ['DOUBLE[][]', 'BIGINT[][]']) {
      const { starts, values } = await store.flatLists(`SELECT CAST(rings AS ${cast}) FROM shapes ORDER BY id`, 'float64');
      expect(starts.length - 1, cast).toBe(expected.length);
      const back = Array.from({ length: expected.length }, (_, k) => Array.from(values.subarray(starts[k]!, starts[k + 1]!)));
      expect(back, cast).toEqual(expected.map((ring) => ring.map((v) => (cast === 'BIGINT[][]' ? Math.round(v) : v))));
    }
    // One level, with the index-in-list transform the footprint reader uses for its origin shift.
    const flat = await store.flatLists('SELECT rings[1] FROM shapes ORDER BY id', 'float32', undefined, (v, j) => (j === 0 ? v - 1000 : v));
    expect(flat.starts.length - 1).toBe(N);
    expect(Array.from(flat.values.subarray(flat.starts[3]!, flat.starts[4]!))).toEqual([3 - 1000, 3.5, 4]);
    expect(flat.starts[6]! - flat.starts[5]!).toBe(0); // row 5 is NULL
    store.close();
  });
});

describe('statements', () => {
  it('a query with nothing to bind sees the rows written after its first run (no kept statement returns stale or freed rows)', async () => {
    const tmp = tempDir();
    const store = await DuckDbStore.open(tmp.path('stmt.duckdb'), { create: true });
    await store.run('CREATE TABLE storms (id VARCHAR, year INTEGER)');
    const read = (): Promise<{ id: string; year: number }[]> => store.all('SELECT id, year FROM storms ORDER BY id', {});
    expect(await read()).toEqual([]);
    await store.transaction(async () => {
      await store.run(`DELETE FROM storms WHERE id IN ('CMA:2699')`);
      await store.run(`INSERT INTO storms VALUES ('CMA:2699', 2026)`);
    });
    for (let i = 0; i < 3; i++) expect(await read()).toEqual([{ id: 'CMA:2699', year: 2026 }]);
    store.close();
    tmp.cleanup();
  });
});
