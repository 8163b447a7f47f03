/**
 * Reading a twin's write-ahead log (`<db>.wal`) without DuckDB, to say what it holds and whether
 * it is intact, and setting a damaged one aside.
 *
 * Why read it ourselves: DuckDB 1.5 refuses to open a twin whose log has an entry that fails its
 * checksum ("Failure while replaying WAL file … Corrupt WAL file"), so the twin is unusable until
 * someone deletes the log by hand, losing every transaction since the last checkpoint. Other
 * damage is worse: with a damaged version header DuckDB opens the twin, ignores the whole log and
 * overwrites it at the next write; with a damaged size field it takes the entry for a torn last
 * write and drops everything after it. Neither says a word (checked on 1.5.6). Walking the
 * entries finds all three before DuckDB touches the file, and tells where the intact part ends,
 * so the transactions before the damage can be replayed.
 *
 * Format (DuckDB 1.5, storage/write_ahead_log.cpp): an unchecksummed version entry, then entries
 * of [u64 size][u64 checksum][payload], little-endian. The checksum is DuckDB's
 * (common/checksum.cpp), reproduced here. A payload is a binary-serialised object whose first
 * field (id 100) is the entry type; the ones we name are below. A commit ends with a WAL_FLUSH
 * entry, so replaying the entries before a damaged one applies whole transactions only.
 */
import { closeSync, existsSync, openSync, readSync, fstatSync, renameSync, statSync } from 'node:fs';

export const walPathFor = (dbPath: string): string => `${dbPath}.wal`;

/** DuckDB's WALType values we report on. */
const USE_TABLE = 25;
const INSERT_TUPLE = 26;
const DELETE_TUPLE = 27;
const UPDATE_TUPLE = 28;
const ROW_GROUP_DATA = 29;
const WAL_VERSION = 98;
const WAL_FLUSH = 100;

/** A log shorter than a header and one entry's frame holds nothing a replay could apply. */
const TOO_SHORT_TO_HOLD_AN_ENTRY = 24;

export interface WalReport {
  path: string;
  bytes: number;
  modified: Date;
  /**
   * intact: every entry checks out (a torn last entry, cut off by a crash mid-write, counts as
   * intact: DuckDB drops it, and it was never acknowledged);
   * damaged: an entry fails its checksum or the chain of entry sizes breaks: DuckDB will not open;
   * bad-header: the version header is unreadable: DuckDB would ignore the whole log.
   */
  state: 'intact' | 'damaged' | 'bad-header';
  /** Bytes from the start that hold whole, checked entries (where a replay can safely stop). */
  intactBytes: number;
  /** Committed transactions in the intact part, and entries after it (unreadable, lost). */
  commits: number;
  /** Rows written per table in the intact part (insert/update/delete entries), by table name. */
  tables: Record<string, number>;
  /** What went wrong, for a person: "entry at byte 40 fails its checksum". */
  problem: string | null;
}

/** Reads `<db>.wal`; null when there is none (a cleanly closed twin) or it is empty. */
export function inspectWal(dbPath: string): WalReport | null {
  const path = walPathFor(dbPath);
  if (!existsSync(path)) return null;
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.size < TOO_SHORT_TO_HOLD_AN_ENTRY) return null;
    // A WAL is bounded by the checkpoint threshold (256 MB in the hosts) plus one group commit;
    // it is read whole.
    const buf = Buffer.allocUnsafe(st.size);
    let read = 0;
    while (read < st.size) {
      const n = readSync(fd, buf, read, st.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { path, bytes: st.size, modified: st.mtime, ...walkEntries(buf.subarray(0, read)) };
  } finally {
    closeSync(fd);
  }
}

function walkEntries(buf: Buffer): Pick<WalReport, 'state' | 'intactBytes' | 'commits' | 'tables' | 'problem'> {
  const header = readObjectField100(buf, 0, buf.length);
  if (header?.value === WAL_VERSION) return walkFrom(buf, header.end);
  // DuckDB ignores the whole log then. If the entries after a header of the usual length check
  // out, the log can still be replayed behind a rewritten header (see `walForReplay`).
  const after = walkFrom(buf, VERSION_HEADER.length);
  return {
    ...after,
    state: 'bad-header',
    problem:
      'its version header (the first bytes) is unreadable, so DuckDB would ignore the whole log and overwrite it at the next write' +
      (after.commits > 0 ? `; the ${after.commits} transactions after it check out` : ''),
  };
}

/**
 * The version header DuckDB 1.5 writes (WAL_VERSION, version 2), for replaying entries whose own
 * header was damaged. Used only when the entries after it pass their checksums.
 */
const VERSION_HEADER = Buffer.from([0x64, 0x00, WAL_VERSION, 0x65, 0x00, 0x02, 0xff, 0xff]);

/** The bytes of a log DuckDB can replay: its intact transactions, behind a sound header. */
export function walForReplay(log: Buffer, report: Pick<WalReport, 'state' | 'intactBytes'>): Buffer {
  const intact = log.subarray(0, report.intactBytes);
  return report.state === 'bad-header' ? Buffer.concat([VERSION_HEADER, intact.subarray(VERSION_HEADER.length)]) : intact;
}

function walkFrom(buf: Buffer, first: number): Pick<WalReport, 'state' | 'intactBytes' | 'commits' | 'tables' | 'problem'> {
  const tables: Record<string, number> = {};
  let off = first;
  let commits = 0;
  let intactBytes = off;
  let table = '?';
  while (off < buf.length) {
    if (off + 16 > buf.length) break; // torn entry header at the very end
    const size = buf.readBigUInt64LE(off);
    const stored = buf.readBigUInt64LE(off + 8);
    if (size > BigInt(buf.length - off - 16)) {
      // Either the last entry was cut off by a crash mid-write (harmless: it was never committed),
      // or a damaged size field. Only the first can be followed by nothing else.
      return isTornTail(buf, off)
        ? { state: 'intact', intactBytes, commits, tables, problem: null }
        : { state: 'damaged', intactBytes, commits, tables, problem: `the entry at byte ${off} has an impossible size (${size} bytes)` };
    }
    const start = off + 16;
    const end = start + Number(size);
    if (checksum(buf, start, end - start) !== stored) {
      return { state: 'damaged', intactBytes, commits, tables, problem: `the entry at byte ${off} fails its checksum` };
    }
    const type = readObjectField100(buf, start, end)?.value;
    if (type === USE_TABLE) table = readUseTable(buf, start, end) ?? '?';
    else if (type === INSERT_TUPLE || type === DELETE_TUPLE || type === UPDATE_TUPLE || type === ROW_GROUP_DATA) tables[table] = (tables[table] ?? 0) + 1;
    else if (type === WAL_FLUSH) {
      commits++;
      intactBytes = end; // a replay that stops here applies whole transactions
    }
    off = end;
  }
  // Entries after the last flush belong to a transaction that never committed: DuckDB drops them.
  return { state: 'intact', intactBytes, commits, tables, problem: null };
}

/**
 * A size running past the end is a torn write (the process died mid-write) when nothing whole
 * follows it; if a checked entry can be found further on, the size field itself was damaged.
 */
function isTornTail(buf: Buffer, off: number): boolean {
  // Bounded: the next entry starts within one group commit's bytes, and random candidates must
  // not make a large tail quadratic.
  const end = Math.min(buf.length, off + 64 * 1024 * 1024);
  let budget = 256 * 1024 * 1024;
  for (let p = off + 16; p + 18 <= end && budget > 0; p++) {
    if (buf[p + 16] !== 0x64 || buf[p + 17] !== 0x00) continue; // every payload starts with field 100
    const size = buf.readBigUInt64LE(p);
    if (size > BigInt(buf.length - p - 16)) continue;
    budget -= Number(size);
    if (checksum(buf, p + 16, Number(size)) === buf.readBigUInt64LE(p + 8)) return false;
  }
  return true;
}

/**
 * Reads field 100 of a serialised object starting at `off`: [u16 field id][varint value].
 * Returns the value and where the field ends; null when the bytes do not start that way.
 */
function readObjectField100(buf: Buffer, off: number, end: number): { value: number; end: number } | null {
  if (off + 3 > end || buf.readUInt16LE(off) !== 100) return null;
  const v = readVarint(buf, off + 2, end);
  if (!v) return null;
  // The version header is the whole object: its fields, then the object terminator 0xFFFF.
  if (v.value === WAL_VERSION && off === 0) {
    let p = v.end;
    while (p + 2 <= end && buf.readUInt16LE(p) !== 0xffff) {
      const field = readVarint(buf, p + 2, end);
      if (!field) return null;
      p = field.end;
    }
    return p + 2 <= end ? { value: v.value, end: p + 2 } : null;
  }
  return v;
}

function readVarint(buf: Buffer, off: number, end: number): { value: number; end: number } | null {
  let value = 0;
  let shift = 0;
  for (let p = off; p < end && shift < 49; p++) {
    const b = buf[p]!;
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return { value, end: p + 1 };
  }
  return null;
}

/** USE_TABLE: field 101 schema, field 102 table, both varint-length strings. */
function readUseTable(buf: Buffer, start: number, end: number): string | null {
  const type = readVarint(buf, start + 2, end);
  if (!type) return null;
  let p = type.end;
  const names: string[] = [];
  for (const id of [101, 102]) {
    if (p + 2 > end || buf.readUInt16LE(p) !== id) return null;
    const len = readVarint(buf, p + 2, end);
    if (!len || len.end + len.value > end) return null;
    names.push(buf.toString('utf8', len.end, len.end + len.value));
    p = len.end + len.value;
  }
  return names[0] === 'main' ? names[1]! : names.join('.');
}

const M64 = (1n << 64n) - 1n;
const mul = (a: bigint, b: bigint): bigint => (a * b) & M64;

/** DuckDB's block/WAL checksum: a multiply-xor over 8-byte words, a murmur-style remainder. */
function checksum(buf: Buffer, off: number, size: number): bigint {
  let result = 5381n;
  const words = Math.floor(size / 8);
  for (let i = 0; i < words; i++) result ^= mul(buf.readBigUInt64LE(off + i * 8), 0xbf58476d1ce4e5b9n);
  const rest = size - words * 8;
  if (rest > 0) {
    const M = 0xc6a4a7935bd1e995n;
    let h = 0xe17a1465n ^ mul(BigInt(rest), M);
    for (let i = rest - 1; i >= 0; i--) h ^= BigInt(buf[off + words * 8 + i]!) << BigInt(8 * i);
    h = mul(h, M);
    h ^= h >> 47n;
    h = mul(h, M);
    h ^= h >> 47n;
    result ^= h;
  }
  return result;
}

/** `20261125T081403Z`: a timestamp that sorts and is safe in a file name on every system. */
export const fileStamp = (d = new Date()): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/**
 * Moves a damaged log out of DuckDB's way, keeping it: `<db>.wal.damaged-<time>`. Returns its new
 * path. The twin then opens at its last checkpoint.
 */
export function setWalAside(dbPath: string, now = new Date()): string {
  const aside = `${walPathFor(dbPath)}.damaged-${fileStamp(now)}`;
  renameSync(walPathFor(dbPath), aside);
  return aside;
}

/** Size and modification time of a file, or null. */
export function fileInfo(path: string): { bytes: number; modified: Date; mode: number } | null {
  if (!existsSync(path)) return null;
  const st = statSync(path);
  return { bytes: st.size, modified: st.mtime, mode: st.mode & 0o777 };
}
