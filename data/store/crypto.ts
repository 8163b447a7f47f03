/**
 * Field-level encryption of personal data with AES-256-GCM (node:crypto). DuckDB's own encryption
 * cannot write without an extension we cannot ship offline (DESIGN.md §6), so names, phone numbers
 * and ID numbers are encrypted before they reach the store.
 *
 * Blob layout: version byte (1) | IV (12) | tag (16) | ciphertext. The additional authenticated
 * data binds a blob to its table, column and row, so a ciphertext copied to another row fails.
 *
 * Where the 32-byte key lives, first match wins (never inside the database file):
 *  1. CIVICTWIN_KEY: the key itself, base64;
 *  2. CIVICTWIN_KEY_FILE: a key file anywhere (another disk, a mounted secret), so the data folder
 *     alone does not open the twin;
 *  3. `<db>.key` beside the database.
 * A key file holds the key in base64, or the key sealed by the Electron app's OS keychain
 * (electron/main/security/keychain.ts; only that app can unseal it). It must be readable by its
 * owner only: a key other users can read is refused, with the chmod that fixes it, because
 * whoever reads it reads every name and phone number in the twin.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** A problem with a twin's key a user can fix; its message says what and how. */
export class TwinKeyError extends Error {
  public override name = 'TwinKeyError';
}

export class FieldCipher {
  private readonly key: Buffer;

  public constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`Encryption key must be ${KEY_BYTES} bytes, got ${key.length}.`);
    this.key = key;
  }

  /**
   * Loads the key for `dbPath` (see the file comment for where it is looked for), creating a key
   * file the first time a twin is made. A key file other users can read is refused.
   */
  public static forDatabase(dbPath: string, create: boolean): FieldCipher {
    return new FieldCipher(loadKey(dbPath, { create }).key);
  }

  /** A short, non-secret name for this key (the start of its SHA-256), to tell keys apart in messages. */
  public get fingerprint(): string {
    return keyFingerprint(this.key);
  }

  /** The raw key, for writing it to a new key file (`civictwin key rotate`). */
  public exportKey(): Buffer {
    return Buffer.from(this.key);
  }

  public encrypt(plain: string, aad: string): Uint8Array {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
  }

  /** Throws when the blob was tampered with, moved to another row, or encrypted with another key. */
  public decrypt(blob: Uint8Array, aad: string): string {
    const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
    if (buf.length < 1 + IV_BYTES + TAG_BYTES || buf[0] !== VERSION) {
      throw new Error('Encrypted field has an unknown format.');
    }
    const iv = buf.subarray(1, 1 + IV_BYTES);
    const tag = buf.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(buf.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /**
   * The twin's key check: a known text encrypted with this key, kept in `twin_key` (twinKey.ts).
   * Opening a twin decrypts it first, so a wrong key is refused at start, not at the first
   * household a user opens.
   */
  public makeKeyCheck(): string {
    return Buffer.from(this.encrypt(KEY_CHECK_TEXT, KEY_CHECK_AAD)).toString('base64');
  }

  /** True when `check` (from `makeKeyCheck`) was made with this key. */
  public opensKeyCheck(check: string): boolean {
    try {
      return this.decrypt(Buffer.from(check, 'base64'), KEY_CHECK_AAD) === KEY_CHECK_TEXT;
    } catch {
      return false;
    }
  }
}

const KEY_CHECK_TEXT = 'civictwin key check v1';
const KEY_CHECK_AAD = 'twin_key.key_check';

export const keyPathFor = (dbPath: string): string => `${dbPath}.key`;

/** AAD for a personal field: binds the ciphertext to where it is stored. */
export const fieldAad = (table: string, column: string, rowId: number): string => `${table}.${column}#${rowId}`;

export const keyFingerprint = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 12);

/** Where the key of `dbPath` is looked for; `file` is null when it comes from CIVICTWIN_KEY. */
export interface KeyLocation {
  source: 'env' | 'env-file' | 'beside';
  file: string | null;
  /** How a message names it: "CIVICTWIN_KEY", "CIVICTWIN_KEY_FILE (/keys/a.key)", "/data/a.duckdb.key". */
  label: string;
}

export function keyLocation(dbPath: string): KeyLocation {
  if (process.env.CIVICTWIN_KEY) return { source: 'env', file: null, label: 'CIVICTWIN_KEY' };
  const envFile = process.env.CIVICTWIN_KEY_FILE;
  if (envFile) return { source: 'env-file', file: envFile, label: `CIVICTWIN_KEY_FILE (${envFile})` };
  const beside = keyPathFor(dbPath);
  return { source: 'beside', file: beside, label: beside };
}

/** The first line of a key file sealed by the Electron app's OS keychain; base64 of the sealed key follows. */
export const SEALED_KEY_HEADER = 'civictwin-sealed-key v1 electron-safeStorage';

/** What a key file holds: the key in base64, or the key sealed by the OS keychain. */
export type KeyFileContent = { kind: 'plain'; key: Buffer } | { kind: 'sealed'; sealed: Buffer };

/** How to fix a key file that others can read, in one line. */
export function looseKeyMessage(file: string, mode: number): string {
  return (
    `The key file ${file} can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); whoever reads it reads every name and phone number in the twin. ` +
    `Run "chmod 600 ${file}" (as its owner), then start again.`
  );
}

/**
 * Reads and parses a key file. `checkMode` refuses a file group or others can read (POSIX; on
 * Windows the folder's ACL decides and there are no mode bits to check).
 */
export function readKeyFile(file: string, checkMode = true): KeyFileContent {
  const st = statSync(file);
  if (!st.isFile()) throw new TwinKeyError(`The key file ${file} is not a file.`);
  if (checkMode && process.platform !== 'win32' && (st.mode & 0o077) !== 0) throw new TwinKeyError(looseKeyMessage(file, st.mode));
  const text = readFileSync(file, 'utf8');
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines[0] === SEALED_KEY_HEADER) return { kind: 'sealed', sealed: Buffer.from(lines[1] ?? '', 'base64') };
  return { kind: 'plain', key: parseKey(lines[0] ?? '', file) };
}

/** A base64 key as found in a key file or CIVICTWIN_KEY; refused unless it is 32 bytes. */
export function parseKey(base64: string, where: string): Buffer {
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? Buffer.from(base64, 'base64') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) {
    throw new TwinKeyError(`${where} does not hold a CivicTwin key: expected ${KEY_BYTES} bytes in base64, found ${base64 ? `${key.length} bytes` : 'nothing'}.`);
  }
  return key;
}

/**
 * Writes a key file atomically (a temporary file, fsynced, renamed over), mode 0600 from the
 * start: a reader sees the old key or the new one, and no other user sees either.
 */
export function writeKeyFile(file: string, content: KeyFileContent): void {
  const text = content.kind === 'plain' ? content.key.toString('base64') + '\n' : `${SEALED_KEY_HEADER}\n${content.sealed.toString('base64')}\n`;
  const tmp = `${file}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600); // an unusual umask cannot loosen it
  renameSync(tmp, file);
  fsyncDir(dirname(file));
}

export interface LoadedKey {
  key: Buffer;
  location: KeyLocation;
  /** The key file was made now. */
  created: boolean;
}

/**
 * The key of `dbPath`. With `create`, a missing key file is made (0600). A key file sealed by the
 * Electron app cannot be opened here (only that app, as the user who sealed it, can): the error
 * says so.
 */
export function loadKey(dbPath: string, opts: { create: boolean; checkMode?: boolean }): LoadedKey {
  const location = keyLocation(dbPath);
  if (location.file === null) return { key: parseKey(process.env.CIVICTWIN_KEY!.trim(), 'CIVICTWIN_KEY'), location, created: false };
  const file = location.file;
  if (existsSync(file)) {
    const content = readKeyFile(file, opts.checkMode ?? true);
    if (content.kind === 'sealed') {
      throw new TwinKeyError(
        `The key file ${file} is sealed by the CivicTwin app's OS keychain (CIVICTWIN_KEY_KEYCHAIN): only the app, run by the user who sealed it, can open ${dbPath}'s personal data.`,
      );
    }
    return { key: content.key, location, created: false };
  }
  if (!opts.create) throw new TwinKeyError(missingKeyMessage(dbPath, location));
  const key = randomBytes(KEY_BYTES);
  writeKeyFile(file, { kind: 'plain', key });
  return { key, location, created: true };
}

/** "The key for X is missing: …" with every way to provide it. */
export function missingKeyMessage(dbPath: string, location: KeyLocation): string {
  const where = location.source === 'env-file' ? `CIVICTWIN_KEY_FILE names ${location.file}, which does not exist` : `${location.file} does not exist and neither CIVICTWIN_KEY nor CIVICTWIN_KEY_FILE is set`;
  return (
    `The key for ${dbPath} is missing: ${where}. The twin's personal data was encrypted with its key and cannot be read without it. ` +
    `Put the twin's key file back as ${keyPathFor(dbPath)} (mode 0600), or point CIVICTWIN_KEY_FILE=/path/to/key at it, or set CIVICTWIN_KEY=<base64 key>; a backup has its key beside it as <backup>.key.`
  );
}

/** "The key for X does not match: …" naming where the wrong key came from. */
export function wrongKeyMessage(dbPath: string, location: KeyLocation, what: string): string {
  return (
    `The key for ${dbPath} does not match: ${location.label} does not decrypt ${what}, so it is another twin's key (or an old one replaced by "civictwin key rotate"). ` +
    `Use this twin's own key: the .key file made with it (a backup keeps its key beside it as <backup>.key); ` +
    (location.source === 'beside' ? `if CIVICTWIN_KEY or CIVICTWIN_KEY_FILE should point at it, set that.` : `or unset ${location.source === 'env' ? 'CIVICTWIN_KEY' : 'CIVICTWIN_KEY_FILE'} to use ${keyPathFor(dbPath)}.`)
  );
}

/** Makes renames in `dir` durable across a power loss (a no-op where directories cannot be opened). */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Windows and some file systems refuse fsync on a directory; the renames stand regardless.
  } finally {
    closeSync(fd);
  }
}
