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
