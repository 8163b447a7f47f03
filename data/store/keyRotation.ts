/**
 * `civictwin key rotate`: a new key for a twin, every encrypted field re-encrypted with it.
 *
 * The twin and its key file cannot change in one step, so the order keeps one of the two keys
 * usable at every instant:
 *  1. the new key is written beside the key file as `<key>.next` (0600, fsynced);
 *  2. one transaction re-encrypts every personal field and replaces the twin's key check
 *     (twin_key.key_check) with one made by the new key;
 *  3. `<key>.next` is renamed over the key file.
 * Killed before 2 commits, the twin still opens with the old key and the next open deletes the
 * unused new one; killed between 2 and 3, the key check opens with `<key>.next` and the next open
 * moves it into place (twinKey.ts). The old key is not kept: it no longer opens the twin, and a
 * backup made before keeps its own copy of the key it needs (`<backup>.key`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { FieldCipher, KEY_BYTES, TwinKeyError, fieldAad, fsyncDir, keyLocation, writeKeyFile } from './crypto.ts';
import type { DuckDbStore } from './DuckDbStore.ts';
import { openTwin } from './openTwin.ts';
import { assertNotHeld } from './twinLock.ts';
import { PERSONAL_FIELDS, nextKeyPathFor, readKeyCheck, writeKeyCheck } from './twinKey.ts';

export interface RotateResult {
  db: string;
  keyFile: string;
  /** Fields re-encrypted, per table and column. */
  fields: { table: string; column: string; rows: number }[];
  oldFingerprint: string;
  newFingerprint: string;
  ms: number;
}

export interface RotateOptions {
  /** Ends the message when a host holds the twin. */
  busyAdvice: string;
  onNote?: (line: string) => void;
  onProgress?: (stage: string, done: number, total: number) => void;
  /** Test seam: called after the transaction committed, before the new key is moved into place. */
  afterCommit?: () => void;
}

/** Rows re-encrypted per read: bounds the memory a million-household twin needs. */
const BATCH_ROWS = 20_000;

export async function rotateTwinKey(db: string, opts: RotateOptions): Promise<RotateResult> {
  const t0 = performance.now();
  const location = keyLocation(db);
  if (location.file === null) {
    throw new TwinKeyError(
      `The key of ${db} comes from CIVICTWIN_KEY, which "key rotate" cannot change. Put the key in a file first ` +
        `(CIVICTWIN_KEY_FILE=/path/to/key, or ${db}.key, mode 0600), unset CIVICTWIN_KEY, and rotate again.`,
    );
  }
  const keyFile = location.file;
  if (!existsSync(db)) throw new TwinKeyError(`Twin database not found: ${db}.`);
  await assertNotHeld(db, opts.busyAdvice);
  // Opening checks the key (and finishes a rotation killed earlier).
  const store = await openTwin(db, { busyAdvice: opts.busyAdvice, onNote: opts.onNote });
  const next = nextKeyPathFor(keyFile);
  try {
    const oldCipher = store.cipher;
    const newKey = randomBytes(KEY_BYTES);
    const newCipher = new FieldCipher(newKey);
    writeKeyFile(next, { kind: 'plain', key: newKey });
    const fields = await store.transaction(async () => {
      const done: RotateResult['fields'] = [];
      for (const f of PERSONAL_FIELDS) done.push({ ...f, rows: await reencrypt(store, f.table, f.column, oldCipher, newCipher, opts.onProgress) });
      await writeKeyCheck(store, newCipher, true);
      return done;
    });
    await store.checkpoint();
    opts.afterCommit?.();
    renameSync(next, keyFile);
    fsyncDir(dirname(keyFile));
    return { db, keyFile, fields, oldFingerprint: oldCipher.fingerprint, newFingerprint: newCipher.fingerprint, ms: performance.now() - t0 };
  } catch (err) {
    // Before the commit the twin is on the old key and the new one is of no use; after it, the
    // next open moves `<key>.next` into place (see the file comment), so it stays.
    if (existsSync(next) && (await keyCheckOpensWith(store, keyFile))) rmSync(next, { force: true });
    throw err;
  } finally {
    store.close();
  }
}

/** Whether the twin's key check still opens with the key file (the rotation did not commit). */
async function keyCheckOpensWith(store: DuckDbStore, keyFile: string): Promise<boolean> {
  try {
    const check = await readKeyCheck(store);
    return check !== null && FieldCipher.forDatabase(store.path, false).opensKeyCheck(check) && existsSync(keyFile);
  } catch {
    return false;
  }
}

/**
 * Re-encrypts one column inside the caller's transaction: reads it in id order in batches,
 * appends the new blobs to a temporary table and writes them back in one UPDATE.
 */
async function reencrypt(
  store: DuckDbStore,
  table: string,
  column: string,
  from: FieldCipher,
  to: FieldCipher,
  onProgress?: (stage: string, done: number, total: number) => void,
): Promise<number> {
  const total = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${table} WHERE ${column} IS NOT NULL`))!.n);
  if (total === 0) return 0;
  const temp = `rekey_${table}_${column}`;
  await store.run(`CREATE OR REPLACE TEMP TABLE ${temp} (id INTEGER, blob BLOB)`);
  const stage = `re-encrypt ${table}.${column}`;
  let lastId = -(2 ** 31);
  let done = 0;
  for (;;) {
    const rows = await store.all<{ id: number; blob: Uint8Array }>(
      `SELECT id, ${column} AS blob FROM ${table} WHERE ${column} IS NOT NULL AND id > $1 ORDER BY id LIMIT ${BATCH_ROWS}`,
      [lastId],
    );
    if (rows.length === 0) break;
    const appender = await store.appender(temp, null, 'temp');
    for (const r of rows) {
      const aad = fieldAad(table, column, r.id);
      let plain: string;
      try {
        plain = from.decrypt(r.blob, aad);
      } catch {
        throw new TwinKeyError(`${table} ${r.id}'s ${column} does not decrypt with the twin's key (it was damaged or copied from another row); nothing was changed.`);
      }
      appender.appendInteger(r.id);
      appender.appendBlob(to.encrypt(plain, aad));
      appender.endRow();
    }
    appender.closeSync();
    lastId = rows[rows.length - 1]!.id;
    done += rows.length;
    onProgress?.(stage, done, total);
  }
  await store.run(`UPDATE ${table} SET ${column} = r.blob FROM ${temp} r WHERE ${table}.id = r.id`);
  await store.run(`DROP TABLE ${temp}`);
  return done;
}
