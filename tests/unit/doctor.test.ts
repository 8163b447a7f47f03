/**
 * `civictwin doctor`: a damaged write-ahead log is reported by the host's open path with the way
 * out, doctor says what the log held, --repair sets it aside and replays its intact part, and
 * the twin opens again. Also a healthy twin, a wrong key and a key other users can read.
 * Real DuckDB files and real processes (the log comes from a host killed with SIGKILL).
 */
import { chmodSync, copyFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { keyPathFor } from '../../data/store/crypto.ts';
import { openTwin } from '../../data/store/openTwin.ts';
import { inspectWal, walPathFor } from '../../data/store/wal.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { tempDir } from './helpers.ts';
import { civictwin, postEvents, serveHost } from './twinProcesses.ts';

const tmp = tempDir('civictwin-doctor-');
afterAll(() => tmp.cleanup());

/** A twin whose log holds `batches` acknowledged batches: its host was killed before a checkpoint. */
let crashed: { db: string; acked: string[] };

beforeAll(async () => {
  const db = tmp.path('crashed.duckdb');
  await seedTwin(db, 1, 100, undefined, () => undefined);
  const host = await serveHost(db);
  const acked: string[] = [];
  for (let b = 0; b < 40; b++) {
    const ids = Array.from({ length: 25 }, (_, i) => `d-${b}-${i}`);
    if (await postEvents(host.base, ids)) acked.push(...ids);
  }
  host.child.kill('SIGKILL');
  await host.exited;
  expect(acked).toHaveLength(1000);
  crashed = { db, acked };
});

/** A copy of the crashed twin (database, log, key) to damage. */
function copyOfCrashed(name: string): string {
  const db = tmp.path(name);
  for (const [from, to] of [
    [crashed.db, db],
    [walPathFor(crashed.db), walPathFor(db)],
    [keyPathFor(crashed.db), keyPathFor(db)],
  ] as const) copyFileSync(from, to);
  return db;
}

async function events(db: string): Promise<string[]> {
  const store = await DuckDbStore.open(db);
  try {
    return (await store.all<{ id: string }>('SELECT id FROM events')).map((r) => r.id);
  } finally {
    store.close();
  }
}

describe('a damaged write-ahead log', () => {
  it('the intact log of a killed host is replayed as usual (doctor: ok)', async () => {
    const db = copyOfCrashed('intact.duckdb');
    const report = inspectWal(db)!;
    expect(report.state).toBe('intact');
    expect(report.commits).toBeGreaterThanOrEqual(40);
    expect(report.tables).toMatchObject({ events: expect.any(Number), resource_positions: expect.any(Number) });
    const run = await civictwin(['doctor', '--db', db]);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/ok +log +\d+\.\d KB, \d+ transactions since the last checkpoint .* replayed when the twin is next opened/);
    expect((await events(db)).sort()).toEqual([...crashed.acked].sort());
  });

  it('an entry failing its checksum: the host says how to fix it; doctor --repair recovers what came before; the twin opens', async () => {
    const db = copyOfCrashed('flipped.duckdb');
    const wal = readFileSync(walPathFor(db));
    for (let i = Math.floor(wal.length * 0.6); i < Math.floor(wal.length * 0.6) + 8; i++) wal[i]! ^= 0xff;
    writeFileSync(walPathFor(db), wal);

    // Without the fix DuckDB refuses the twin; the host's open path says what to do, in one line.
    const serve = await civictwin(['serve', '--db', db, '--no-renderer', '--port', '0']);
    expect(serve.code).toBe(1);
    // Before it: what the start cleaned up after the killed host (its runfile, its staging folder).
    expect(serve.out).toMatch(/Removed .*crashed\.duckdb|Removed .*flipped\.duckdb\.host\.json|Removed the ingest staging folder|^civictwin:/m);
    const error = serve.out.trim().split('\n').filter((l) => l.startsWith('civictwin:'));
    expect(error).toHaveLength(1);
    expect(error[0]).toContain(`civictwin: ${db} cannot be opened: its write-ahead log ${db}.wal (`);
    expect(error[0]).toContain(`Run "civictwin doctor --db ${db} --repair"`);

    const check = await civictwin(['doctor', '--db', db]);
    expect(check.code).toBe(1);
    expect(check.out).toMatch(/FAIL +log +.*flipped\.duckdb\.wal \([\d.]+ KB, last written .*\) is damaged: the entry at byte \d+ fails its checksum\. It holds what was committed since the last checkpoint .* Before the damage: \d+ whole transactions .*writes to .*events ×\d+.*, which can be replayed; after it [\d.]+ KB that cannot\./);
    expect(existsSync(walPathFor(db))).toBe(true); // doctor without --repair changes nothing

    const repair = await civictwin(['doctor', '--db', db, '--repair']);
    expect(repair.code, repair.out).toBe(0);
    const recovered = Number(/(\d[\d,]*) events recovered/.exec(repair.out)?.[1]?.replace(/,/g, ''));
    expect(repair.out).toMatch(/fixed +log +.*Set aside as .*flipped\.duckdb\.wal\.damaged-\d{8}T\d{6}Z\./);
    expect(repair.out).toMatch(/Lost: what was committed after the damage, up to .*re-sent event id is a duplicate, never a double/);
    expect(repair.out).toMatch(/ok +schema +version \d+ \(current\)/);

    const after = await events(db);
    expect(after.length).toBe(recovered);
    expect(recovered).toBeGreaterThan(0);
    expect(recovered).toBeLessThan(crashed.acked.length);
    // Whole transactions from the start of the log: a prefix of what was acknowledged, in order.
    expect(after.sort()).toEqual(crashed.acked.slice(0, recovered).sort());
    const aside = readdirSync(tmp.dir).filter((n) => n.startsWith('flipped.duckdb.wal.damaged-'));
    expect(aside).toHaveLength(1);
    expect(statSync(tmp.path(aside[0]!)).size).toBe(wal.length);
    // And the host serves it again.
    const host = await serveHost(db);
    await host.stop();
  });

  it('a damaged header (DuckDB would silently drop the log): refused at open; --repair recovers every event', async () => {
    const db = copyOfCrashed('header.duckdb');
    const wal = readFileSync(walPathFor(db));
    for (let i = 0; i < 6; i++) wal[i]! ^= 0x5a;
    writeFileSync(walPathFor(db), wal);
    const serve = await civictwin(['serve', '--db', db, '--no-renderer', '--port', '0']);
    expect(serve.code).toBe(1);
    expect(serve.out).toMatch(/is damaged: its version header is unreadable; DuckDB would ignore the whole log and overwrite it/);
    const repair = await civictwin(['doctor', '--db', db, '--repair']);
    expect(repair.code, repair.out).toBe(0);
    expect(repair.out).toContain(`${crashed.acked.length.toLocaleString('en-US')} events recovered`);
    expect((await events(db)).sort()).toEqual([...crashed.acked].sort());
  });

  /** Offsets of the log's entries (after the 8-byte version header). */
  function entryOffsets(wal: Buffer): number[] {
    const out: number[] = [];
    for (let off = 8; off + 16 <= wal.length; off += 16 + Number(wal.readBigUInt64LE(off))) out.push(off);
    return out;
  }

  it('a damaged size field (DuckDB would drop the rest unsaid): refused at open; --repair keeps what came before', async () => {
    const db = copyOfCrashed('size.duckdb');
    const wal = readFileSync(walPathFor(db));
    const offsets = entryOffsets(wal);
    wal.writeBigUInt64LE(50_000_000n, offsets[Math.floor(offsets.length / 2)]!);
    writeFileSync(walPathFor(db), wal);
    expect(inspectWal(db)).toMatchObject({ state: 'damaged', problem: expect.stringMatching(/has an impossible size \(50000000 bytes\)/) });
    const serve = await civictwin(['serve', '--db', db, '--no-renderer', '--port', '0']);
    expect(serve.code).toBe(1);
    expect(serve.out).toMatch(/is damaged: the entry at byte \d+ has an impossible size .*; DuckDB would stop there\. Run "civictwin doctor/);
    const repair = await civictwin(['doctor', '--db', db, '--repair']);
    expect(repair.code, repair.out).toBe(0);
    const recovered = await events(db);
    expect(recovered.length).toBeGreaterThan(0);
    expect(recovered.sort()).toEqual(crashed.acked.slice(0, recovered.length).sort());
  });

  it('a torn last entry (a crash mid-write) is not damage: the twin opens with every committed event', async () => {
    const db = copyOfCrashed('torn.duckdb');
    const wal = readFileSync(walPathFor(db));
    const last = entryOffsets(wal).at(-1)!;
    writeFileSync(walPathFor(db), wal.subarray(0, last + 20)); // the last entry cut off
    expect(inspectWal(db)!.state).toBe('intact');
    const store = await openTwin(db);
    store.close();
    expect((await events(db)).length).toBeGreaterThan(crashed.acked.length - 30);
  });
});

describe('doctor on whole twins', () => {
  it('a healthy twin: no problems; it names every check', async () => {
    const db = tmp.path('healthy.duckdb');
    await seedTwin(db, 2, 100, undefined, () => undefined);
    const run = await civictwin(['doctor', '--db', db]);
    expect(run.code, run.out).toBe(0);
    for (const topic of ['host', 'leftovers', 'log', 'schema', 'rows', 'key', 'modes']) expect(run.out).toMatch(new RegExp(`ok +${topic} `));
    expect(run.out).toMatch(/rows +buildings 100, households [\d,]+, persons [\d,]+/);
    expect(run.out).toMatch(/key +.*healthy\.duckdb\.key: decrypts households \d+'s contact_enc/);
    expect(run.out).toMatch(/modes +healthy\.duckdb 0600, key 0600/);
    expect(run.out.trim().split('\n').at(-1)).toBe('No problems found.');
  });

  it("another twin's key, readable by all: reported; --repair makes it private but cannot make it the right key", async () => {
    const db = tmp.path('wrong-key.duckdb');
    const other = tmp.path('other.duckdb');
    await seedTwin(db, 3, 100, undefined, () => undefined);
    await seedTwin(other, 4, 100, undefined, () => undefined);
    copyFileSync(keyPathFor(other), keyPathFor(db));
    chmodSync(keyPathFor(db), 0o644);
    const run = await civictwin(['doctor', '--db', db]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/FAIL +key +.*wrong-key\.duckdb\.key does not decrypt households \d+'s contact_enc: it is another twin's key/);
    expect(run.out).toMatch(/FAIL +modes +.*wrong-key\.duckdb\.key is 0644: other users can read the key; --repair makes it 0600/);
    const repair = await civictwin(['doctor', '--db', db, '--repair']);
    expect(repair.out).toMatch(/fixed +modes +.*was 0644; now 0600/);
    expect(repair.code).toBe(1); // the key is still the wrong one
    expect(statSync(keyPathFor(db)).mode & 0o777).toBe(0o600);
  });
});
