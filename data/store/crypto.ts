/**
 * Field-level encryption of personal data with AES-256-GCM (node:crypto). DuckDB's own encryption
 * cannot write without an extension we cannot ship offline (DESIGN.md §6), so names, phone numbers
 * and ID numbers are encrypted before they reach the store.
 *
 * Blob layout: version byte (1) | IV (12) | tag (16) | ciphertext. The additional authenticated
 * data binds a blob to its table, column and row, so a ciphertext copied to another row fails.
 * The 32-byte key lives in a file beside the database (`<db>.key`, mode 0600) or in
 * CIVICTWIN_KEY (base64): never inside the database file.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class FieldCipher {
  private readonly key: Buffer;

  public constructor(key: Buffer) {
    if (key.length !== 32) throw new Error(`Encryption key must be 32 bytes, got ${key.length}.`);
    this.key = key;
  }

  /** Loads the key for `dbPath`, creating one the first time a twin is made. */
  public static forDatabase(dbPath: string, create: boolean): FieldCipher {
    const fromEnv = process.env.CIVICTWIN_KEY;
    if (fromEnv) return new FieldCipher(Buffer.from(fromEnv, 'base64'));
    const keyPath = keyPathFor(dbPath);
    if (existsSync(keyPath)) return new FieldCipher(Buffer.from(readFileSync(keyPath, 'utf8').trim(), 'base64'));
    if (!create) {
      throw new Error(
        `No key for ${dbPath}: expected ${keyPath} or CIVICTWIN_KEY. Personal data cannot be read without it.`,
      );
    }
    const key = randomBytes(32);
    writeFileSync(keyPath, key.toString('base64') + '\n', { mode: 0o600 });
    chmodSync(keyPath, 0o600);
    return new FieldCipher(key);
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
}

export const keyPathFor = (dbPath: string): string => `${dbPath}.key`;

/** AAD for a personal field: binds the ciphertext to where it is stored. */
export const fieldAad = (table: string, column: string, rowId: number): string => `${table}.${column}#${rowId}`;
