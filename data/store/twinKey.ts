/**
 * A twin's key, checked when the twin is opened, so that a missing or wrong key is one clear error
 * at start and never a generic failure at the first household a user opens (or, worse, personal
 * data written with the wrong key next to data written with the right one).
 *
 * The check is `twin_key.key_check` (migration 8): a known text encrypted with the twin's key
 * (FieldCipher.makeKeyCheck), written when the twin is created. Twins made before it existed get one the
 * first time they are opened with a key that decrypts one of their personal fields; until then
 * that field is the check. A twin without personal data and without a check opens without its key.
 *
 * A key rotation (keyRotation.ts) writes the new key as `<key>.next` before it commits the
 * re-encrypted twin, and renames it over the key afterwards. A run killed in between leaves
 * `<key>.next`; the key check says which of the two keys the twin is now encrypted with, and
 * opening the twin finishes or undoes the rotation accordingly.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  FieldCipher, TwinKeyError, fieldAad, fsyncDir, keyLocation, loadKey, readKeyFile, wrongKeyMessage, type KeyLocation,
} from './crypto.ts';
import type { DuckDbStore } from './DuckDbStore.ts';

/** The pending new key of a rotation in progress (see the file comment). */
export const nextKeyPathFor = (keyFile: string): string => `${keyFile}.next`;

/** Every encrypted column, with the table's id column that its AAD names. */
export const PERSONAL_FIELDS = [
  { table: 'households', column: 'contact_enc' },
  { table: 'persons', column: 'pii_enc' },
  { table: 'grid_workers', column: 'pii_enc' },
] as const;

export interface SettleKeyOptions {
  /** The file was created by this open: its key was made (or loaded) for it. */
  created: boolean;
  /** The key the twin was created with, or the one the host got elsewhere (the OS keychain). */
  cipher: FieldCipher | null;
  readOnly: boolean;
  /** Open even when the key is missing (work that never reads personal data); a wrong key is still refused. */
  withoutKey: boolean;
  onNote?: (line: string) => void;
}

/**
 * Checks the twin's key against the twin and returns the cipher to use, or null when the twin
 * needs no key (no personal data, no key check) or the caller opens it `withoutKey` and there is
 * none. Throws TwinKeyError with the fix when the key is missing or is not the twin's.
 */
export async function settleTwinKey(store: DuckDbStore, opts: SettleKeyOptions): Promise<FieldCipher | null> {
  const location = keyLocation(store.path);
  const tables = new Set(
    (await store.all<{ t: string }>("SELECT table_name AS t FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()")).map((r) => r.t),
  );
  const hasTable = tables.has('twin_key');
  const check = hasTable ? await readKeyCheck(store) : null;
  if (!opts.readOnly && location.file) finishInterruptedRotation(store.path, location.file, check, opts.onNote);

  if (opts.created) {
    const cipher = opts.cipher ?? FieldCipher.forDatabase(store.path, true);
    if (hasTable && !opts.readOnly) await writeKeyCheck(store, cipher);
    return cipher;
  }

  const sample = check === null ? await personalSample(store, tables) : null;
  if (check === null && !sample) {
    // Nothing to check against: the key (when there is one) is loaded when it is first needed,
    // and the check is written now so that data encrypted later is bound to this key.
    const cipher = opts.cipher ?? loadCipher(store.path, location, true);
    if (cipher && hasTable && !opts.readOnly) await writeKeyCheck(store, cipher);
    return cipher;
  }

  const cipher = opts.cipher ?? loadCipher(store.path, location, opts.withoutKey);
  if (!cipher) return null;
  if (check !== null) {
    if (!cipher.opensKeyCheck(check)) throw new TwinKeyError(wrongKeyMessage(store.path, labelled(location, opts), 'its key check (twin_key.key_check)'));
    return cipher;
  }
  try {
    cipher.decrypt(sample!.blob, fieldAad(sample!.table, sample!.column, sample!.id));
  } catch {
    throw new TwinKeyError(wrongKeyMessage(store.path, labelled(location, opts), `${sample!.table} ${sample!.id}'s ${sample!.column}`));
  }
  // A twin from before key checks: it gets one now, with the key just proven right.
  if (hasTable && !opts.readOnly) await writeKeyCheck(store, cipher);
  return cipher;
}

/** Writes the key check for `cipher`; `rotated` records a rotation (keyRotation.ts). */
export async function writeKeyCheck(store: DuckDbStore, cipher: FieldCipher, rotated = false): Promise<void> {
  await store.run(
    `INSERT INTO twin_key VALUES (1, $1, now()::TIMESTAMP, ${rotated ? 'now()::TIMESTAMP' : 'NULL'})
     ON CONFLICT (id) DO UPDATE SET key_check = excluded.key_check, written_at = excluded.written_at, rotated_at = ${rotated ? 'excluded.rotated_at' : 'twin_key.rotated_at'}`,
    [cipher.makeKeyCheck()],
  );
}

/** The twin's key check, or null when it has none yet. */
export async function readKeyCheck(store: DuckDbStore): Promise<string | null> {
  return (await store.one<{ check: string }>('SELECT key_check AS "check" FROM twin_key WHERE id = 1'))?.check ?? null;
}

interface PersonalSample {
  table: string;
  column: string;
  id: number;
  blob: Uint8Array;
}

async function personalSample(store: DuckDbStore, tables: Set<string>): Promise<PersonalSample | null> {
  for (const { table, column } of PERSONAL_FIELDS) {
    if (!tables.has(table)) continue;
    const r = await store.one<{ id: number; blob: Uint8Array }>(`SELECT id, ${column} AS blob FROM ${table} WHERE ${column} IS NOT NULL LIMIT 1`);
    if (r) return { table, column, id: Number(r.id), blob: r.blob };
  }
  return null;
}

/**
 * The key from where `location` says, or null when it is absent and `absentIsFine`. A key file
 * that exists but cannot be used (others can read it, not a key, sealed) is always an error.
 */
function loadCipher(dbPath: string, location: KeyLocation, absentIsFine: boolean): FieldCipher | null {
  if (absentIsFine && location.file !== null && !existsSync(location.file)) return null;
  return new FieldCipher(loadKey(dbPath, { create: false }).key);
}

function labelled(location: KeyLocation, opts: SettleKeyOptions): KeyLocation {
  return opts.cipher ? { ...location, label: `the key unsealed from ${location.label} by the OS keychain` } : location;
}

/**
 * A rotation killed between its commit and its rename left `<key>.next`: when the twin's key check
 * opens with it, the commit happened and the new key is moved into place; otherwise the twin is
 * still on the old key and the unused new one is deleted. Without a key check the rotation had
 * not committed (it writes the check in its transaction).
 */
function finishInterruptedRotation(dbPath: string, keyFile: string, check: string | null, onNote?: (line: string) => void): void {
  const next = nextKeyPathFor(keyFile);
  if (!existsSync(next)) return;
  let nextOpens = false;
  try {
    const content = readKeyFile(next);
    nextOpens = check !== null && content.kind === 'plain' && new FieldCipher(content.key).opensKeyCheck(check);
  } catch {
    nextOpens = false;
  }
  if (nextOpens) {
    renameSync(next, keyFile);
    fsyncDir(dirname(keyFile));
    onNote?.(`A key rotation of ${dbPath} was interrupted after the twin was re-encrypted: its new key ${next} was moved into place as ${keyFile}.`);
  } else {
    rmSync(next, { force: true });
    onNote?.(`A key rotation of ${dbPath} was interrupted before it committed: the twin still uses ${keyFile}; the unused new key ${next} was removed.`);
  }
}
