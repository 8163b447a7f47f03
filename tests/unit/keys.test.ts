/**
 * Files at rest and key handling: a new twin, its log and its key are 0600; a key others can read
 * is refused with the chmod that fixes it; a missing or wrong key stops the open (and a host's
 * start) with a message that says which and how to fix it; the key can live outside the data
 * folder; `civictwin key rotate` re-encrypts every personal field, the old key stops working, and
 * a rotation cut short is finished or undone at the next open. Real DuckDB files, real processes.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { fieldAad, keyPathFor, readKeyFile, writeKeyFile } from '../../data/store/crypto.ts';
import { rotateTwinKey } from '../../data/store/keyRotation.ts';
import { PERSONAL_FIELDS, nextKeyPathFor } from '../../data/store/twinKey.ts';
import { walPathFor } from '../../data/store/wal.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { tempDir } from './helpers.ts';
import { civictwin, serveHost, startCivictwin } from './twinProcesses.ts';

const tmp = tempDir('civictwin-keys-');
afterAll(() => tmp.cleanup());

const modeOf = (path: string): number => statSync(path).mode & 0o777;

/** A seeded twin (100 buildings) copied with its key for each test. */
let seeded: string;
beforeAll(async () => {
  seeded = tmp.path('seeded.duckdb');
  await seedTwin(seeded, 1, 100, undefined, () => undefined);
});

let copies = 0;
function copyOfSeeded(): string {
  const db = tmp.path(`twin-${++copies}.duckdb`);
  copyFileSync(seeded, db);
  copyFileSync(keyPathFor(seeded), keyPathFor(db));
  return db;
}

/** Runs `fn` with environment variables set (and restores them). */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Decrypts every personal field of the twin with the key it opens with; returns how many. */
async function decryptAll(db: string): Promise<number> {
  const store = await DuckDbStore.open(db);
  try {
    let n = 0;
    for (const { table, column } of PERSONAL_FIELDS) {
      const rows = await store.all<{ id: number; blob: Uint8Array }>(`SELECT id, ${column} AS blob FROM ${table} WHERE ${column} IS NOT NULL`);
      for (const r of rows) {
        expect(JSON.parse(store.cipher.decrypt(r.blob, fieldAad(table, column, r.id)))).toHaveProperty('name');
        n++;
      }
    }
    return n;
  } finally {
    store.close();
  }
}

describe('files at rest', () => {
  it('a new twin, its log and its key are readable by their owner only', async () => {
    const db = tmp.path('fresh.duckdb');
    const store = await DuckDbStore.open(db, { create: true });
    try {
      await store.run("INSERT INTO twin_meta VALUES ('name', 'fresh')");
      expect(existsSync(walPathFor(db))).toBe(true);
      expect(modeOf(db)).toBe(0o600);
      expect(modeOf(walPathFor(db))).toBe(0o600);
      expect(modeOf(keyPathFor(db))).toBe(0o600);
    } finally {
      store.close();
    }
    // The seeded twin the CLI makes (written beside and swapped in) too.
    expect(modeOf(seeded)).toBe(0o600);
    expect(modeOf(keyPathFor(seeded))).toBe(0o600);
  });

  it('a key file others can read is refused with the chmod that fixes it; after the chmod the twin opens', async () => {
    const db = copyOfSeeded();
    chmodSync(keyPathFor(db), 0o644);
    await expect(DuckDbStore.open(db)).rejects.toThrow(`can be read by other users (mode 0644)`);
    await expect(DuckDbStore.open(db)).rejects.toThrow(`Run "chmod 600 ${keyPathFor(db)}"`);
    chmodSync(keyPathFor(db), 0o600);
    expect(await decryptAll(db)).toBeGreaterThan(100);
  });

  it('the key can live outside the data folder (CIVICTWIN_KEY_FILE)', async () => {
    const keyDir = tempDir('civictwin-keys-elsewhere-');
    try {
      const keyFile = keyDir.path('district.key');
      const db = tmp.path('elsewhere.duckdb');
      await withEnv({ CIVICTWIN_KEY_FILE: keyFile, CIVICTWIN_KEY: undefined }, async () => {
        await seedTwin(db, 2, 100, undefined, () => undefined);
        expect(modeOf(keyFile)).toBe(0o600);
        expect(existsSync(keyPathFor(db))).toBe(false); // nothing beside the twin opens it
        expect(await decryptAll(db)).toBeGreaterThan(100);
      });
      await expect(DuckDbStore.open(db)).rejects.toThrow(`The key for ${db} is missing`);
    } finally {
      keyDir.cleanup();
    }
  });
});

describe('a missing or wrong key is refused at open', () => {
  it('a wrong key (another twin\'s) says it does not match, and where it came from', async () => {
    const other = tmp.path('other.duckdb');
    (await DuckDbStore.open(other, { create: true })).close();
    const db = copyOfSeeded();
    copyFileSync(keyPathFor(other), keyPathFor(db));
    await expect(DuckDbStore.open(db)).rejects.toThrow(`The key for ${db} does not match: ${keyPathFor(db)} does not decrypt its key check`);
    // The same through CIVICTWIN_KEY, and for a wall-style open that does not need the key.
    const wrong = readKeyFile(keyPathFor(other));
    await withEnv({ CIVICTWIN_KEY: wrong.kind === 'plain' ? wrong.key.toString('base64') : '' }, async () => {
      await expect(DuckDbStore.open(copyOfSeeded(), { withoutKey: true })).rejects.toThrow(/does not match: CIVICTWIN_KEY does not decrypt/);
    });
  });

  it('a missing key says so and how to provide it; without personal data to read, a twin opens withoutKey', async () => {
    const db = copyOfSeeded();
    writeFileSync(keyPathFor(db), ''); // an emptied key file: not a key
    chmodSync(keyPathFor(db), 0o600);
    await expect(DuckDbStore.open(db)).rejects.toThrow(/does not hold a CivicTwin key/);
    rmSync(keyPathFor(db));
    await expect(DuckDbStore.open(db)).rejects.toThrow(
      new RegExp(`The key for ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is missing: .*CIVICTWIN_KEY_FILE=/path/to/key.*CIVICTWIN_KEY=<base64 key>`),
    );
    const store = await DuckDbStore.open(db, { withoutKey: true });
    expect(() => store.cipher).toThrow(/is missing/);
    store.close();
  });

  it('a twin from before key checks gets one at its first open with the right key; a wrong key is caught by its personal data', async () => {
    const db = copyOfSeeded();
    const s = await DuckDbStore.open(db);
    await s.run('DELETE FROM twin_key');
    s.close();
    const other = tmp.path('other2.duckdb');
    (await DuckDbStore.open(other, { create: true })).close();
    const own = readFileSync(keyPathFor(db));
    copyFileSync(keyPathFor(other), keyPathFor(db));
    await expect(DuckDbStore.open(db)).rejects.toThrow(/does not match: .* does not decrypt households \d+'s contact_enc/);
    writeFileSync(keyPathFor(db), own);
    const store = await DuckDbStore.open(db);
    expect((await store.one<{ check: string }>('SELECT key_check AS "check" FROM twin_key'))?.check).toBeTruthy();
    store.close();
  });

  it('a host refuses to start on a wrong key or a key others can read, saying why', async () => {
    const db = copyOfSeeded();
    const other = tmp.path('other3.duckdb');
    (await DuckDbStore.open(other, { create: true })).close();
    const own = readFileSync(keyPathFor(db));
    copyFileSync(keyPathFor(other), keyPathFor(db));
    const wrong = await civictwin(['serve', '--db', db, '--no-renderer', '--port', '0']);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain(`civictwin: The key for ${db} does not match`);
    expect(wrong.out).not.toMatch(/serving/);
    writeFileSync(keyPathFor(db), own);
    chmodSync(keyPathFor(db), 0o640);
    const loose = await civictwin(['serve', '--db', db, '--no-renderer', '--port', '0']);
    expect(loose.code).toBe(1);
    expect(loose.out).toContain(`chmod 600 ${keyPathFor(db)}`);
  });
});

describe('a wall host', () => {
  it('starts without the key (it shows no one), but not with a wrong one', async () => {
    const db = copyOfSeeded();
    const own = readFileSync(keyPathFor(db));
    rmSync(keyPathFor(db));
    const run = startCivictwin(['serve', '--db', db, '--wall', '--no-renderer', '--port', '0']);
    try {
      await expect.poll(run.output, { timeout: 60_000 }).toMatch(/serving|civictwin:/);
      expect(run.output()).toMatch(/CivicTwin serving/);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    const other = tmp.path('other4.duckdb');
    (await DuckDbStore.open(other, { create: true })).close();
    copyFileSync(keyPathFor(other), keyPathFor(db));
    const wrong = await civictwin(['serve', '--db', db, '--wall', '--no-renderer', '--port', '0']);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('does not match');
    writeFileSync(keyPathFor(db), own);
  });
});

describe('civictwin key rotate', () => {
  it('re-encrypts every personal field with a new key; households still decrypt; the old key no longer opens the twin', async () => {
    const db = copyOfSeeded();
    const before = await decryptAll(db);
    const oldKey = tmp.path('old.key');
    copyFileSync(keyPathFor(db), oldKey);
    const run = await civictwin(['key', 'rotate', '--db', db]);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/Rotated the key of .* households\.contact_enc [\d,]+, persons\.pii_enc [\d,]+, grid_workers\.pii_enc \d+ re-encrypted/);
    expect(readFileSync(keyPathFor(db), 'utf8')).not.toBe(readFileSync(oldKey, 'utf8'));
    expect(modeOf(keyPathFor(db))).toBe(0o600);
    expect(existsSync(nextKeyPathFor(keyPathFor(db)))).toBe(false);
    expect(await decryptAll(db)).toBe(before);
    const store = await DuckDbStore.open(db, { readOnly: true });
    expect((await store.one<{ at: unknown }>('SELECT rotated_at AS at FROM twin_key'))?.at).toBeTruthy();
    store.close();
    await withEnv({ CIVICTWIN_KEY_FILE: oldKey }, async () => {
      await expect(DuckDbStore.open(db)).rejects.toThrow(/does not match/);
    });
  });

  it('is refused while a host holds the twin, naming the host; the key is unchanged', async () => {
    const db = copyOfSeeded();
    const key = readFileSync(keyPathFor(db), 'utf8');
    const host = await serveHost(db);
    try {
      const run = await civictwin(['key', 'rotate', '--db', db]);
      expect(run.code).toBe(1);
      expect(run.out).toMatch(new RegExp(`is open in civictwin serve \\(PID ${host.child.pid}`));
      expect(run.out).toContain('stop that host first');
    } finally {
      await host.stop();
    }
    expect(readFileSync(keyPathFor(db), 'utf8')).toBe(key);
  });

  it('a rotation cut short after its commit is finished at the next open; one cut short before is undone', async () => {
    const db = copyOfSeeded();
    const before = await decryptAll(db);
    await expect(
      rotateTwinKey(db, {
        busyAdvice: 'stop it',
        afterCommit: () => {
          throw new Error('killed after the commit');
        },
      }),
    ).rejects.toThrow('killed after the commit');
    expect(existsSync(nextKeyPathFor(keyPathFor(db)))).toBe(true); // the twin is on the new key now
    const notes: string[] = [];
    const store = await DuckDbStore.open(db, { onNote: (l) => notes.push(l) });
    store.close();
    expect(notes.join('\n')).toMatch(/interrupted after the twin was re-encrypted: its new key .* was moved into place/);
    expect(existsSync(nextKeyPathFor(keyPathFor(db)))).toBe(false);
    expect(await decryptAll(db)).toBe(before);

    // Killed before the commit: a new key was written, the twin is still on the old one.
    writeKeyFile(nextKeyPathFor(keyPathFor(db)), { kind: 'plain', key: randomBytes(32) });
    const notes2: string[] = [];
    (await DuckDbStore.open(db, { onNote: (l) => notes2.push(l) })).close();
    expect(notes2.join('\n')).toMatch(/interrupted before it committed: the twin still uses .*; the unused new key .* was removed/);
    expect(existsSync(nextKeyPathFor(keyPathFor(db)))).toBe(false);
    expect(await decryptAll(db)).toBe(before);
  });

  it('is one transaction: a field that does not decrypt stops it with nothing changed, on the old key', async () => {
    const db = copyOfSeeded();
    const store = await DuckDbStore.open(db);
    // households are re-encrypted first; a damaged person's field stops the rotation after them.
    const damaged = (await store.one<{ id: number }>('SELECT max(id) AS id FROM persons WHERE pii_enc IS NOT NULL'))!.id;
    await store.run('UPDATE persons SET pii_enc = (SELECT pii_enc FROM persons WHERE id = (SELECT min(id) FROM persons)) WHERE id = $1', [damaged]);
    const households = async (s: DuckDbStore): Promise<string> =>
      (await s.all<{ blob: Uint8Array }>('SELECT contact_enc AS blob FROM households ORDER BY id')).map((r) => Buffer.from(r.blob ?? []).toString('hex')).join();
    const before = await households(store);
    store.close();
    const key = readFileSync(keyPathFor(db), 'utf8');
    const run = await civictwin(['key', 'rotate', '--db', db]);
    expect(run.code).toBe(1);
    expect(run.out).toContain(`persons ${damaged}'s pii_enc does not decrypt with the twin's key`);
    expect(readFileSync(keyPathFor(db), 'utf8')).toBe(key);
    expect(existsSync(nextKeyPathFor(keyPathFor(db)))).toBe(false);
    const after = await DuckDbStore.open(db);
    expect(await households(after)).toBe(before);
    after.close();
  });

  it('refuses a key that comes from CIVICTWIN_KEY, saying how to rotate it', async () => {
    const db = copyOfSeeded();
    const run = await civictwin(['key', 'rotate', '--db', db], { CIVICTWIN_KEY: randomBytes(32).toString('base64') });
    expect(run.code).toBe(1);
    expect(run.out).toContain('comes from CIVICTWIN_KEY, which "key rotate" cannot change');
  });
});
