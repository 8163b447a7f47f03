/**
 * Audit that cannot be lost (issue 10): transactions on a shared connection do not interleave, so
 * an audit row survives another caller's rollback; the hash chain names an edited, deleted or
 * reordered row; an action's audit row carries the signed-in user and commits or rolls back with
 * the change; reveals are limited per person and hour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { appendAudit, AuditLimitError, TokenUseLog, verifyAuditChain } from '../../electron/services/audit.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const auditRows = (store: DuckDbStore): Promise<{ id: number; actor: string; action: string; subject: string }[]> =>
  store.all('SELECT id::INTEGER AS id, actor, action, subject FROM audit_log ORDER BY id');

/** Resolves when `condition` holds, checking on each turn of the event loop (no fixed sleeps). */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setImmediate(ok));
  }
}

describe('transactions on a shared connection', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await DuckDbStore.open(tmp.path('tx.duckdb'), { create: true });
  });
  afterAll(() => store.close());

  it('keep an audit row written while another caller’s transaction is open and then rolls back', async () => {
    let inside!: () => void;
    const opened = new Promise<void>((ok) => (inside = ok));
    let rollBack!: () => void;
    const mayRollBack = new Promise<void>((ok) => (rollBack = ok));
    // Caller 1: a change that fails after writing, on the store's own connection.
    const failing = store.transaction(async () => {
      await store.run("UPDATE twin_meta SET value = 'changed' WHERE key = 'name'");
      await store.run(`INSERT INTO twin_meta VALUES ('rolled-back', 'x')`);
      inside();
      await mayRollBack;
      throw new Error('the change failed');
    });
    await opened;
    // Caller 2: an audit row, on the same connection, while caller 1's transaction is open.
    let auditDone = false;
    const audit = appendAudit(store, { actor: 'op-7', action: 'reveal_personal_data', subject: 'household:1', reason: '核实独居老人安全', atMs: Date.now() }).then(() => {
      auditDone = true;
    });
    // Caller 3: a single statement outside any transaction (an autocommit write), same connection.
    const plain = store.run(`INSERT INTO twin_meta VALUES ('written-meanwhile', 'kept')`);
    // It waits for the open transaction rather than joining it…
    for (let i = 0; i < 50; i++) await new Promise((ok) => setImmediate(ok));
    expect(auditDone).toBe(false);
    rollBack();
    await expect(failing).rejects.toThrow('the change failed');
    await Promise.all([audit, plain]);
    // …so the rollback took only caller 1's writes.
    expect((await auditRows(store)).map((r) => [r.actor, r.action])).toEqual([['op-7', 'reveal_personal_data']]);
    expect(await store.one(`SELECT 1 FROM twin_meta WHERE key = 'rolled-back'`)).toBeUndefined();
    expect(await store.one(`SELECT value FROM twin_meta WHERE key = 'written-meanwhile'`)).toEqual({ value: 'kept' });
    // Readers wait too, and see only what committed.
    expect((await verifyAuditChain(store)).ok).toBe(true);
  });

  it('let a transaction’s own statements through and keep kept statements working', async () => {
    const ids = await store.transaction(async () => {
      const out: number[] = [];
      // Concurrent statements of the same transaction (same SQL: one takes the kept statement, one the plain path).
      await Promise.all([1, 2, 3].map(async (k) => {
        await store.run('INSERT INTO twin_meta VALUES ($1, $2)', [`k${k}`, String(k)]);
        out.push(k);
      }));
      // A transaction started inside one joins it.
      await store.transaction(() => store.run('INSERT INTO twin_meta VALUES ($1, $2)', ['k4', '4']));
      return out;
    });
    expect(ids.sort()).toEqual([1, 2, 3]);
    expect((await store.all<{ key: string }>(`SELECT key FROM twin_meta WHERE key LIKE 'k_' ORDER BY key`)).map((r) => r.key)).toEqual(['k1', 'k2', 'k3', 'k4']);
  });

  it('run one after another in the order they asked, with plain statements waiting between them', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    const first = store.transaction(async () => {
      order.push('first begins');
      await held;
      await store.run(`INSERT INTO twin_meta VALUES ('t1', '1')`);
      order.push('first ends');
    });
    await until(() => order.length === 1, 'the first transaction');
    const second = store.transaction(async () => {
      order.push('second begins');
      await store.run(`INSERT INTO twin_meta VALUES ('t2', '2')`);
    });
    const read = store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM twin_meta WHERE key IN ('t1', 't2')`).then((r) => {
      order.push(`read ${r!.n}`);
    });
    release();
    await Promise.all([first, second, read]);
    expect(order.slice(0, 2)).toEqual(['first begins', 'first ends']);
    expect(order).toContain('second begins');
    // The read never saw a transaction half-done: it ran between or after them.
    expect(order.find((o) => o.startsWith('read'))).toMatch(/read [12]/);
  });
});

describe('the hash chain', () => {
  let store: DuckDbStore;
  const file = tmp.path('chain.duckdb');
  beforeAll(async () => {
    store = await DuckDbStore.open(file, { create: true });
    const t0 = Date.parse('2026-11-20T08:00:00Z');
    for (let i = 0; i < 12; i++) {
      await appendAudit(store, { actor: `op-${i % 3}`, action: i % 2 ? 'alert.acknowledge' : 'incident.accept', subject: `incident:I-${i}`, reason: i === 4 ? '电话 “核实”\n第二行' : null, atMs: t0 + i * 60_000 });
    }
  });
  afterAll(() => store.close());

  it('is intact as written', async () => {
    const v = await verifyAuditChain(store);
    expect(v).toMatchObject({ ok: true, rows: 12, problem: null });
    expect(v.headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names a row edited with SQL', async () => {
    await store.run(`UPDATE audit_log SET actor = 'someone-else' WHERE id = 5`);
    const v = await verifyAuditChain(store);
    expect(v).toMatchObject({ ok: false, firstBadId: 5 });
    expect(v.problem).toMatch(/row 5 was edited/);
    await store.run(`UPDATE audit_log SET actor = 'op-1' WHERE id = 5`);
    expect((await verifyAuditChain(store)).ok).toBe(true);
    // A moved timestamp is an edit too.
    await store.run(`UPDATE audit_log SET ts = ts + INTERVAL 1 SECOND WHERE id = 7`);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, firstBadId: 7 });
    await store.run(`UPDATE audit_log SET ts = ts - INTERVAL 1 SECOND WHERE id = 7`);
  });

  it('names a deleted row, the newest rows deleted, and rows swapped', async () => {
    await store.run('CREATE TABLE audit_saved AS SELECT * FROM audit_log');
    await store.run('DELETE FROM audit_log WHERE id = 3');
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, firstBadId: 3, problem: expect.stringMatching(/row 3 is missing/) });
    // Renumbered to hide the gap: row 3 (was 4) no longer follows row 2.
    await store.run('UPDATE audit_log SET id = id - 1 WHERE id > 3');
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, firstBadId: 3, problem: expect.stringMatching(/row 3 does not follow row 2/) });
    await restore(store);
    expect((await verifyAuditChain(store)).ok).toBe(true);

    await store.run('DELETE FROM audit_log WHERE id >= 11');
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, problem: expect.stringMatching(/newest rows are missing.*row 12.*row 10/) });
    await restore(store);

    // Two rows' contents swapped (ids kept).
    await store.run(`UPDATE audit_log SET subject = CASE id WHEN 8 THEN 'incident:I-8' ELSE 'incident:I-7' END WHERE id IN (8, 9)`);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, firstBadId: 8 });
    await restore(store);
    expect((await verifyAuditChain(store)).ok).toBe(true);
  });

  it('chains the rows written before it existed, once, at the next audit row', async () => {
    const legacy = tmp.path('legacy.duckdb');
    const old = await DuckDbStore.open(legacy, { create: true });
    // A twin as migration 7 finds it: rows without hashes, written by the old appendAudit.
    await old.run('DELETE FROM audit_chain');
    for (let i = 1; i <= 3; i++) await old.run(`INSERT INTO audit_log (id, ts, actor, action, subject, reason) VALUES (${i}, TIMESTAMP '2026-11-01 08:00:00' + INTERVAL (${i}) MINUTE, 'operator', 'reveal_personal_data', 'household:${i}', '核实')`);
    await old.run(`INSERT INTO audit_chain SELECT 1, max(id), NULL, 0, '${'0'.repeat(64)}' FROM audit_log`);
    expect(await verifyAuditChain(old)).toMatchObject({ ok: true, rows: 3, unsealed: 3 });
    await appendAudit(old, { actor: 'op-1', action: 'sign_in', subject: 'user:op-1', reason: null, atMs: Date.now() });
    expect(await verifyAuditChain(old)).toMatchObject({ ok: true, rows: 4, unsealed: 0 });
    // Once sealed, a legacy row whose hash is removed is reported, not sealed again.
    await old.run('UPDATE audit_log SET hash = NULL, prev_hash = NULL, reason = $1 WHERE id = 2', ['改过']);
    await appendAudit(old, { actor: 'op-1', action: 'sign_in', subject: 'user:op-1', reason: null, atMs: Date.now() });
    expect(await verifyAuditChain(old)).toMatchObject({ ok: false, firstBadId: 2, problem: expect.stringMatching(/row 2 has no hash/) });
    old.close();
  });
});

/** Puts the audit log back as it was when `saveLog` ran. */
async function restore(store: DuckDbStore): Promise<void> {
  await store.run('DELETE FROM audit_log');
  await store.run('INSERT INTO audit_log SELECT * FROM audit_saved');
}

describe('limits and token use', () => {
  let store: DuckDbStore;
  beforeAll(async () => {
    store = await DuckDbStore.open(tmp.path('limits.duckdb'), { create: true });
  });
  afterAll(() => store.close());

  it('refuses past the limit with when it resets, writing the refusal once per window', async () => {
    const t0 = Date.parse('2026-11-20T08:00:00Z');
    const limit = { max: 3, windowMs: 3600_000, refusedAction: 'reveal_refused', message: (at: number) => `limit reached; resets at ${new Date(at).toISOString()}` };
    for (let i = 0; i < 3; i++) await appendAudit(store, { actor: 'op-1', action: 'reveal_personal_data', subject: `household:${i}`, reason: '核实安全', atMs: t0 + i * 60_000 }, limit);
    const refused = appendAudit(store, { actor: 'op-1', action: 'reveal_personal_data', subject: 'household:9', reason: '核实安全', atMs: t0 + 10 * 60_000 }, limit);
    await expect(refused).rejects.toBeInstanceOf(AuditLimitError);
    await expect(refused).rejects.toThrow('resets at 2026-11-20T09:00:00.000Z');
    await expect(appendAudit(store, { actor: 'op-1', action: 'reveal_personal_data', subject: 'household:9', reason: '核实安全', atMs: t0 + 11 * 60_000 }, limit)).rejects.toThrow(/limit/);
    // Someone else is not limited by op-1's use; op-1 is free again an hour after the first.
    await appendAudit(store, { actor: 'op-2', action: 'reveal_personal_data', subject: 'household:9', reason: '核实安全', atMs: t0 + 12 * 60_000 }, limit);
    await appendAudit(store, { actor: 'op-1', action: 'reveal_personal_data', subject: 'household:9', reason: '核实安全', atMs: t0 + 61 * 60_000 }, limit);
    const actions = (await auditRows(store)).map((r) => `${r.actor} ${r.action} ${r.subject}`);
    expect(actions.filter((a) => a === 'op-1 reveal_refused household:9')).toHaveLength(1);
    expect(actions.filter((a) => a.startsWith('op-1 reveal_personal_data'))).toHaveLength(4);
    expect((await verifyAuditChain(store)).ok).toBe(true);
  });

  it('records a token’s use at most once an hour, with last_used_at', async () => {
    await store.run(`INSERT INTO api_tokens VALUES (1, 'meter head-end', 'ingest', 'h1', now()::TIMESTAMP, 'admin', NULL, NULL, NULL)`);
    let now = Date.parse('2026-11-20T08:00:00Z');
    const uses = new TokenUseLog(store, () => now);
    const token = { tokenId: 1, name: 'meter head-end', kind: 'ingest' as const };
    await uses.note(token, 'source:meter head-end');
    for (let i = 0; i < 100; i++) {
      now += 30_000;
      expect(uses.note(token, 'source:meter head-end')).toBeNull();
    }
    now = Date.parse('2026-11-20T09:00:01Z');
    await uses.note(token, 'source:meter head-end');
    const rows = await store.all<{ ts: string }>(`SELECT strftime(ts, '%H:%M') AS ts FROM audit_log WHERE action = 'token_use' AND subject = 'token:1' ORDER BY id`);
    expect(rows.map((r) => r.ts)).toEqual(['08:00', '09:00']);
    expect((await store.one<{ t: string }>(`SELECT strftime(last_used_at, '%H:%M:%S') AS t FROM api_tokens WHERE id = 1`))!.t).toBe('09:00:01');
  });
});
