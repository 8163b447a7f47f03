/**
 * Audit that cannot be lost (issue 10): transactions on a shared connection do not interleave, so
 * an audit row survives another caller's rollback; the hash chain names an edited, deleted or
 * reordered row; an action's audit row carries the signed-in user and commits or rolls back with
 * the change; reveals are limited per person and hour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { generateDistrict } from '../../data/seed/generateDistrict.ts';
import { refreshBuildingStats } from '../../data/store/buildingStats.ts';
import { appendAudit, AuditLimitError, TokenUseLog, verifyAuditChain } from '../../electron/services/audit.ts';
import { createServices, dispatch, type Services } from '../../electron/services/index.ts';
import { runAs } from '../../electron/services/callContext.ts';
import { AuthService } from '../../electron/services/AuthService.ts';
import { REVEALS_PER_HOUR } from '../../electron/services/StoreService.ts';
import { civictwin, serveHost } from './twinProcesses.ts';
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

/** Reads until `done` holds (each read is a round trip to DuckDB; no fixed sleeps). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
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

describe('civictwin audit verify', () => {
  it('says "N rows, chain intact" with the head hash, and names an edited row with exit 1; asks the host that holds the twin', async () => {
    const db = tmp.path('cli.duckdb');
    const store = await DuckDbStore.open(db, { create: true });
    await generateDistrict(store, { seed: 6, buildings: 100 });
    for (let i = 0; i < 5; i++) await appendAudit(store, { actor: 'op-1', action: 'incident.accept', subject: `incident:C-${i}`, reason: null, atMs: Date.now() - (5 - i) * 1000 });
    store.close();
    const intact = await civictwin(['audit', 'verify', '--db', db]);
    expect(intact.code).toBe(0);
    expect(intact.out).toMatch(/^5 rows, chain intact\. Head hash [0-9a-f]{64}\.\n$/);

    const edit = await DuckDbStore.open(db);
    await edit.run(`UPDATE audit_log SET reason = 'nothing to see' WHERE id = 3`);
    edit.close();
    const tampered = await civictwin(['audit', 'verify', '--db', db]);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toMatch(/the audit log has been tampered with: row 3 was edited: its content \(.* op-1 incident\.accept incident:C-2 "nothing to see"\) no longer matches its hash/);

    // While a host holds the twin, the host walks the chain (the file is locked to others).
    const host = await serveHost(db);
    try {
      const viaHost = await civictwin(['audit', 'verify', '--db', db]);
      expect(viaHost.code).toBe(1);
      expect(viaHost.out).toMatch(/row 3 was edited/);
      const json = await civictwin(['audit', 'verify', '--db', db, '--json']);
      expect(JSON.parse(json.out)).toMatchObject({ ok: false, firstBadId: 3 });
    } finally {
      await host.stop();
    }
    const missing = await civictwin(['audit', 'verify', '--db', tmp.path('absent.duckdb')]);
    expect(missing.code).toBe(1);
    expect(missing.out.trim().split('\n')).toHaveLength(1);
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

describe('token use through the auth service', () => {
  it('is audited once an hour per token as the hosts resolve it, with last_used_at', async () => {
    const store = await DuckDbStore.open(tmp.path('tokens.duckdb'), { create: true });
    try {
      const auth = await AuthService.open(store);
      const { token, row } = await auth.addToken('水务表计平台', 'ingest', 'cli:admin');
      for (let i = 0; i < 20; i++) expect(auth.resolveToken(token, 'ingest')).toMatchObject({ kind: 'source', tokenId: row.id });
      const used = async (): Promise<{ actor: string; n: number }[]> =>
        store.all(`SELECT actor, count(*)::INTEGER AS n FROM audit_log WHERE action = 'token_use' GROUP BY actor`);
      // Written in the background: wait for it, then check no second one follows.
      await eventually(used, (rows) => rows.length > 0, 'the token_use row');
      expect(await used()).toEqual([{ actor: 'source:水务表计平台', n: 1 }]);
      expect((await auth.listTokens())[0]!.lastUsedAt).not.toBeNull();
    } finally {
      await store.closeWhenIdle();
    }
  });
});

describe('actions at a console', () => {
  let store: DuckDbStore;
  let services: Services;
  let incidentId: string;
  const operator = { kind: 'person', userId: 7, username: 'wang.li', displayName: '王丽', role: 'operator' } as const;
  const asOperator = <T>(work: () => Promise<T>): Promise<T> => runAs({ caller: operator, via: 'http' }, work);

  beforeAll(async () => {
    store = await DuckDbStore.open(tmp.path('actions.duckdb'), { create: true });
    await generateDistrict(store, { seed: 4, buildings: 120 });
    await refreshBuildingStats(store);
    services = await createServices(store, { host: 'web', personalData: 'masked' });
    const info = await services.api.store.getTwinInfo();
    incidentId = 'AU-1';
    const report = {
      id: 'au-1', type: 'incident.reported', ts: new Date(Date.now() - 60_000).toISOString(), source: 'hotline',
      data: { incidentId, category: 'garbage', severity: 2, lon: (info.bbox[0] + info.bbox[2]) / 2, lat: (info.bbox[1] + info.bbox[3]) / 2, reporter: 'hotline' },
    };
    expect((await services.ingest.ingestValues([report], 'http')).accepted).toBe(1);
  });
  afterAll(async () => {
    services.stop();
    await store.closeWhenIdle();
  });

  it('record an incident step under the signed-in person, with its event and audit row in one transaction', async () => {
    // A name the client sends is not taken (the contract no longer has one; a stale client's is ignored).
    const detail = await asOperator(() => services.api.incidents.actOnIncident(incidentId, { action: 'accept', actor: 'someone-else' } as never));
    expect(detail?.status).toBe('accepted');
    expect(detail?.steps.at(-1)).toMatchObject({ step: 'accepted', actor: 'wang.li' });
    const audit = await store.all<{ actor: string; action: string; subject: string }>(`SELECT actor, action, subject FROM audit_log WHERE subject = 'incident:${incidentId}'`);
    expect(audit).toEqual([{ actor: 'wang.li', action: 'incident.accept', subject: `incident:${incidentId}` }]);
    const events = await store.all<{ type: string; source: string; actor: string }>(
      `SELECT type, source, data->>'actor' AS actor FROM events WHERE data->>'incidentId' = '${incidentId}' AND type = 'incident.status'`,
    );
    expect(events).toEqual([{ type: 'incident.status', source: 'console', actor: 'wang.li' }]);
  });

  it('leave neither the audit row nor the step when the change fails after the audit row was written', async () => {
    const before = await counts(store, incidentId);
    // The step's table cannot be written: the audit row and the event went in first, in the same transaction.
    await store.run('ALTER TABLE incident_steps RENAME TO incident_steps_away');
    try {
      await expect(asOperator(() => services.api.incidents.actOnIncident(incidentId, { action: 'handle' }))).rejects.toThrow(/incident_steps/);
    } finally {
      await store.run('ALTER TABLE incident_steps_away RENAME TO incident_steps');
    }
    expect(await counts(store, incidentId)).toEqual(before);
    expect((await verifyAuditChain(store)).ok).toBe(true);
    // And the next action records normally.
    expect((await asOperator(() => services.api.incidents.actOnIncident(incidentId, { action: 'handle' })))?.status).toBe('handling');
    expect((await counts(store, incidentId)).audit).toBe(before.audit + 1);
  });

  it('refuse an unknown incident and a caller that is not a person', async () => {
    const before = await counts(store, 'NOPE');
    await expect(asOperator(() => services.api.incidents.actOnIncident('NOPE', { action: 'accept' }))).rejects.toThrow(/No incident "NOPE"/);
    const wall = { caller: { kind: 'wall', tokenId: 1, name: 'hall' } as const, via: 'http' as const };
    await expect(runAs(wall, () => services.api.incidents.actOnIncident(incidentId, { action: 'feedback' }))).rejects.toThrow(/wall may not/);
    expect(await counts(store, 'NOPE')).toEqual(before);
  });

  it('make alert actions events, audited under the person, and refuse closing twice', async () => {
    const alert = (await services.api.live.getLiveSnapshot()).alerts[0]!;
    expect(alert).toBeDefined();
    expect(await asOperator(() => services.api.alerts.acknowledgeAlert(alert.id))).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'wang.li' });
    // A second acknowledgement changes nothing and records nothing.
    await asOperator(() => services.api.alerts.acknowledgeAlert(alert.id));
    expect(await asOperator(() => services.api.alerts.recordVisitOutcome(alert.id, 'safe', '已上门，老人在家安好'))).toMatchObject({ status: 'closed', outcome: 'safe' });
    await expect(asOperator(() => services.api.alerts.recordVisitOutcome(alert.id, 'false_alarm', '改一下'))).rejects.toThrow(/already closed/);
    const audit = await store.all<{ actor: string; action: string; reason: string | null }>(`SELECT actor, action, reason FROM audit_log WHERE subject = 'alert:${alert.id}' ORDER BY id`);
    expect(audit).toEqual([
      { actor: 'wang.li', action: 'alert.acknowledge', reason: null },
      { actor: 'wang.li', action: 'alert.outcome', reason: 'safe: 已上门，老人在家安好' },
    ]);
    const events = await store.all<{ type: string; actor: string }>(`SELECT type, data->>'actor' AS actor FROM events WHERE data->>'alertId' = '${alert.id}' ORDER BY ts, type`);
    expect(events).toEqual([
      { type: 'alert.acknowledged', actor: 'wang.li' },
      { type: 'alert.outcome', actor: 'wang.li' },
    ]);
    // A producer cannot forge one: the ingest refuses the console's own event types.
    const forged = await services.ingest.ingestValues([{ id: 'forged-1', type: 'alert.acknowledged', ts: new Date().toISOString(), source: 'x', data: { alertId: alert.id, actor: 'x' } }], 'http');
    expect(forged.rejected[0]?.reason).toMatch(/unknown type/);
  });

  it(`limit reveals to ${REVEALS_PER_HOUR} per person and hour, saying when the next is possible, and show them to a supervisor`, async () => {
    const households = (await store.all<{ id: number }>(`SELECT id FROM households ORDER BY id LIMIT ${REVEALS_PER_HOUR + 1}`)).map((h) => h.id);
    for (const id of households.slice(0, REVEALS_PER_HOUR)) {
      expect((await asOperator(() => services.api.store.revealHousehold(id, '核实独居老人安全')))?.revealed).toBe(true);
    }
    const over = asOperator(() => services.api.store.revealHousehold(households.at(-1)!, '核实独居老人安全'));
    await expect(over).rejects.toThrow(new RegExp(`${REVEALS_PER_HOUR} times in the last hour.*next reveal is possible at \\d\\d:\\d\\d Beijing time \\(in (59|60) min\\)`));
    await expect(over).rejects.toMatchObject({ statusCode: 429 });
    // Another operator is not held up by wang.li's reveals.
    const other = { caller: { ...operator, userId: 8, username: 'zhao.min' }, via: 'http' as const };
    expect((await runAs(other, () => services.api.store.revealHousehold(households.at(-1)!, '核实独居老人安全')))?.revealed).toBe(true);

    const supervisor = { caller: { ...operator, userId: 9, username: 'chen.jie', role: 'supervisor' as const }, via: 'http' as const };
    const page = await runAs(supervisor, () => services.api.audit.query({ actor: 'wang', action: 'reveal_personal_data', limit: 10 }));
    expect(page.total).toBe(REVEALS_PER_HOUR);
    expect(page.rows).toHaveLength(10);
    expect(page.rows[0]!.id).toBeGreaterThan(page.rows[9]!.id); // newest first
    expect(page.revealsLastHour[0]).toEqual({ actor: 'wang.li', count: REVEALS_PER_HOUR });
    expect(page.revealLimitPerHour).toBe(REVEALS_PER_HOUR);
    expect(page.actions).toEqual(expect.arrayContaining(['reveal_personal_data', 'reveal_refused', 'incident.accept', 'alert.outcome']));
    const refused = await runAs(supervisor, () => services.api.audit.query({ action: 'reveal_refused' }));
    expect(refused.rows.map((r) => [r.actor, r.subject])).toEqual([['wang.li', `household:${households.at(-1)}`]]);
  });

  it('export the filtered rows as CSV for a supervisor, audited, and refuse the viewer to anyone below supervisor', async () => {
    const supervisor = { caller: { ...operator, userId: 9, username: 'chen.jie', role: 'supervisor' as const }, via: 'http' as const };
    await appendAudit(store, { actor: '=cmd|calc', action: 'sign_in_failed', subject: 'user:=cmd', reason: 'from 10.0.0.9, "quoted"', atMs: Date.now() });
    const csv = await dispatch(services.api, 'audit', 'exportCsv', [{ action: 'sign_in_failed' }], supervisor);
    expect(typeof csv).toBe('string');
    const lines = String(csv).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,time_utc,actor,action,subject,reason');
    expect(lines.at(-1)).toMatch(/^\d+,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,'=cmd\|calc,sign_in_failed,user:=cmd,"from 10\.0\.0\.9, ""quoted"""$/);
    const exported = await store.one<{ actor: string; reason: string }>(`SELECT actor, reason FROM audit_log WHERE action = 'audit.export' ORDER BY id DESC LIMIT 1`);
    expect(exported).toEqual({ actor: 'chen.jie', reason: `${lines.length - 1} rows; action=sign_in_failed` });
    await expect(dispatch(services.api, 'audit', 'query', [{}], { caller: operator, via: 'http' })).rejects.toMatchObject({ status: 403 });
    await expect(dispatch(services.api, 'audit', 'query', [{}], { caller: null, via: 'http' })).rejects.toMatchObject({ status: 401 });
    expect(await dispatch(services.api, 'audit', 'verify', [], supervisor)).toMatchObject({ ok: true, problem: null });
  });
});

async function counts(store: DuckDbStore, incidentId: string): Promise<{ audit: number; events: number; steps: number }> {
  const row = await store.one<{ audit: number; events: number; steps: number }>(
    `SELECT (SELECT count(*) FROM audit_log WHERE subject = $s)::INTEGER AS audit,
            (SELECT count(*) FROM events WHERE data->>'incidentId' = $i)::INTEGER AS events,
            (SELECT count(*) FROM incident_steps WHERE incident_id = $i)::INTEGER AS steps`,
    { s: `incident:${incidentId}`, i: incidentId },
  );
  return row!;
}
