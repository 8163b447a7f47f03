/**
 * The append-only audit log (DESIGN.md §6): who did what to which record, when, and why.
 *
 * - Rows are only ever inserted, each in the same transaction as the change it records (callers
 *   run `appendAudit` inside their `store.transaction`), so an action whose audit row could not be
 *   written does not happen, and a rolled-back action leaves no row.
 * - Rows are chained by hash: hash = sha256(prev_hash + canonical JSON of the row). The chain lock
 *   is held from the row's insert until its transaction ends, so the chain has one order even when
 *   audit rows are written from several callers at once. `verifyAuditChain` walks it and names the
 *   first row that was edited, deleted or moved.
 * - `audit_chain` (migration 7) keeps the head (id and hash of the newest row), updated with every
 *   row, so deleting the newest rows is seen too. Rows written before migration 7 are chained once,
 *   in order, by the first row written after it ("sealed"); from then on they are covered like any.
 *
 * What a chain cannot show: someone who can write the file may recompute every hash after an edit.
 * `civictwin audit verify` prints the head hash; noting it elsewhere (a shift log) anchors the
 * chain up to that row.
 *
 * Write audit rows on the store's own connection (all services do): a transaction on another
 * connection that began before the newest row committed cannot see it and fails on the head's
 * update (a conflict), which refuses the action rather than forking the chain.
 */
import { createHash } from 'node:crypto';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { auditName, type Principal } from '../common/access.ts';
import type { AuditVerdict } from '../common/auditLog.ts';
import { currentCaller } from './callContext.ts';

export interface AuditEntry {
  /** Who: `auditName(currentCaller())` (a person's sign-in name, `wall:…`, `source:…`, `system:…`). */
  actor: string;
  action: string;
  /** `kind:id`, e.g. `household:120034` or `alert:A-…`. */
  subject: string;
  reason: string | null;
  atMs: number;
}

/** A row of the log as read back, with its place in the chain. */
export interface AuditRecord {
  id: number;
  /** Microseconds since the epoch, as stored. */
  tsUs: number;
  actor: string;
  action: string;
  subject: string;
  reason: string | null;
  prevHash: string | null;
  hash: string | null;
}

/**
 * At most `max` rows of this actor and action within `windowMs` (counted under the chain lock, so
 * two requests at once cannot both take the last one).
 */
export interface AuditLimit {
  max: number;
  windowMs: number;
  /** Written (once per window) when the limit refuses someone; omitted: nothing is written. */
  refusedAction?: string;
  /** The refusal's message, given when the window frees its next slot. */
  message: (resetsAtMs: number) => string;
}

/** Refused by an `AuditLimit`: hosts answer 429. */
export class AuditLimitError extends Error {
  public readonly statusCode = 429;
  public constructor(
    message: string,
    public readonly resetsAtMs: number,
  ) {
    super(message);
    this.name = 'AuditLimitError';
  }
}

/**
 * Who the audit log records for the contract call being served: the caller the host
 * authenticated, never a name the client sent. `kinds` are the callers who may act at all (an
 * action a wall or a source must not take is refused here too, beside the contract's check).
 */
export function currentActor(kinds: readonly Principal['kind'][] = ['person', 'system']): string {
  const caller = currentCaller();
  if (!caller) throw Object.assign(new Error('Sign in first: this needs a signed-in user.'), { statusCode: 401 });
  if (!kinds.includes(caller.kind)) throw Object.assign(new Error(`A ${caller.kind} may not do this: it needs a person signed in at a console.`), { statusCode: 403 });
  return auditName(caller);
}

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);
const CHAIN_LOCK = 'audit-chain';
const MAX_FIELD = { actor: 64, action: 64, subject: 128, reason: 1000 } as const;

/** The text a row's hash covers: its fields in a fixed order, as JSON (unambiguous, no key order). */
export function canonicalAuditRow(r: Pick<AuditRecord, 'id' | 'tsUs' | 'actor' | 'action' | 'subject' | 'reason'>): string {
  return JSON.stringify([r.id, r.tsUs, r.actor, r.action, r.subject, r.reason]);
}

export function auditRowHash(prevHash: string, r: Pick<AuditRecord, 'id' | 'tsUs' | 'actor' | 'action' | 'subject' | 'reason'>): string {
  return createHash('sha256').update(prevHash).update(canonicalAuditRow(r)).digest('hex');
}

/**
 * Appends one audit row. Inside a transaction on `store` it joins it (the row commits or rolls back
 * with the change); outside, it runs in one of its own. With `limit`, throws AuditLimitError when
 * the actor has used up the window (the caller's transaction then rolls back: the action does not
 * happen).
 */
export async function appendAudit(store: DuckDbStore, e: AuditEntry, limit?: AuditLimit): Promise<void> {
  const entry = {
    actor: clean(e.actor, MAX_FIELD.actor) || 'unknown',
    action: clean(e.action, MAX_FIELD.action),
    subject: clean(e.subject, MAX_FIELD.subject),
    reason: e.reason === null ? null : clean(e.reason, MAX_FIELD.reason),
    tsUs: Math.round(e.atMs) * 1000,
  };
  let refusal: AuditLimitError | null = null;
  await store.transaction(async () => {
    await holdChain(store);
    if (limit) {
      const used = await store.one<{ n: number; oldest: number | null; refused: number }>(
        `SELECT count(*) FILTER (WHERE action = $act)::INTEGER AS n, min(epoch_ms(ts)) FILTER (WHERE action = $act)::DOUBLE AS oldest,
                count(*) FILTER (WHERE action = $refused)::INTEGER AS refused
         FROM audit_log WHERE actor = $a AND ts > make_timestamp($since::BIGINT)`,
        { a: entry.actor, act: entry.action, refused: limit.refusedAction ?? '', since: (Math.round(e.atMs) - limit.windowMs) * 1000 },
      );
      if (used && used.n >= limit.max) {
        const resetsAtMs = Number(used.oldest ?? e.atMs) + limit.windowMs;
        refusal = new AuditLimitError(limit.message(resetsAtMs), resetsAtMs);
        if (limit.refusedAction && used.refused === 0) {
          // The refusal is recorded (once per window) and committed; the action itself is not done.
          await insertRow(store, { ...entry, action: limit.refusedAction, reason: `limit ${limit.max} per ${Math.round(limit.windowMs / 60_000)} min reached; ${entry.reason ?? ''}`.trim() });
        }
        return;
      }
    }
    await insertRow(store, entry);
  });
  if (refusal) throw refusal;
}

type NewRow = Omit<AuditRecord, 'id' | 'prevHash' | 'hash'>;

async function insertRow(store: DuckDbStore, row: NewRow): Promise<void> {
  const head = await chainHead(store);
  const id = head.id + 1;
  const hash = auditRowHash(head.hash, { id, ...row });
  await store.run(
    `INSERT INTO audit_log (id, ts, actor, action, subject, reason, prev_hash, hash) VALUES ($id, make_timestamp($us::BIGINT), $a, $act, $s, $r, $prev, $hash)`,
    { id, us: row.tsUs, a: row.actor, act: row.action, s: row.subject, r: row.reason, prev: head.hash, hash },
  );
  await store.run('UPDATE audit_chain SET head_id = $id, head_hash = $hash WHERE id = 1', { id, hash });
}

/**
 * Takes the chain lock for the rest of the caller's transaction: rows are numbered and hashed in
 * the order they commit. Re-entrant within one transaction.
 */
async function holdChain(store: DuckDbStore): Promise<void> {
  if (chainHolders.has(store)) return;
  const release = await store.lock(CHAIN_LOCK);
  chainHolders.add(store);
  store.afterTransaction(() => {
    chainHolders.delete(store);
    release();
  });
}
/** Handles whose open transaction holds the chain lock (one transaction per handle at a time). */
const chainHolders = new WeakSet<DuckDbStore>();

/** The newest row's id and hash; seals the rows written before the chain existed, once. */
async function chainHead(store: DuckDbStore): Promise<{ id: number; hash: string }> {
  const chain = await store.one<{ legacy_through: number; sealed: boolean; head_id: number; head_hash: string }>(
    'SELECT legacy_through::DOUBLE AS legacy_through, sealed_at IS NOT NULL AS sealed, head_id::DOUBLE AS head_id, head_hash FROM audit_chain WHERE id = 1',
  );
  if (!chain) throw new Error('The audit chain record is missing (audit_chain): the twin was altered outside CivicTwin; run "civictwin audit verify" and restore from a backup.');
  if (chain.sealed || chain.legacy_through === 0) return { id: chain.head_id, hash: chain.head_hash };
  // Rows from before migration 7: chained now, in id order, exactly as they are.
  const legacy = await readRows(store, 'id <= $through', { through: chain.legacy_through });
  let prev = GENESIS_HASH;
  let last = 0;
  for (const r of legacy) {
    const hash = auditRowHash(prev, r);
    await store.run('UPDATE audit_log SET prev_hash = $p, hash = $h WHERE id = $id', { p: prev, h: hash, id: r.id });
    prev = hash;
    last = r.id;
  }
  await store.run('UPDATE audit_chain SET sealed_at = now()::TIMESTAMP, head_id = $id, head_hash = $h WHERE id = 1', { id: last, h: prev });
  return { id: last, hash: prev };
}

/** Rows matching `where`, in id order, at most `limit`. */
async function readRows(store: DuckDbStore, where: string, params: Record<string, number>, limit: number | null = null): Promise<AuditRecord[]> {
  const rows = await store.all<{ id: number; ts_us: number; actor: string; action: string; subject: string; reason: string | null; prev_hash: string | null; hash: string | null }>(
    `SELECT id::DOUBLE AS id, epoch_us(ts)::DOUBLE AS ts_us, actor, action, subject, reason, prev_hash, hash FROM audit_log WHERE ${where} ORDER BY id${limit === null ? '' : ` LIMIT ${Math.floor(limit)}`}`,
    params,
  );
  return rows.map((r) => ({ id: r.id, tsUs: r.ts_us, actor: r.actor, action: r.action, subject: r.subject, reason: r.reason, prevHash: r.prev_hash, hash: r.hash }));
}

/** Text fit for a VARCHAR column and a log: trimmed, bounded, no control characters. */
function clean(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return String(text ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, max);
}

//#region verify
/**
 * Walks the chain in id order and reports the first row that was edited (its hash no longer
 * matches its content), deleted (a gap, or the next row no longer follows), reordered or inserted
 * (a row that does not follow the one before it), and the newest rows deleted (the head record
 * names a row that is gone). Reads in pages, so a long log is not held in memory.
 */
export async function verifyAuditChain(store: DuckDbStore): Promise<AuditVerdict> {
  const chain = await store.one<{ legacy_through: number; sealed: boolean; head_id: number; head_hash: string }>(
    'SELECT legacy_through::DOUBLE AS legacy_through, sealed_at IS NOT NULL AS sealed, head_id::DOUBLE AS head_id, head_hash FROM audit_chain WHERE id = 1',
  );
  const total = Number((await store.one<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM audit_log'))?.n ?? 0);
  const verdict = (problem: string | null, firstBadId: number | null, headHash: string, unsealed = 0): AuditVerdict => ({
    ok: problem === null,
    rows: total,
    headHash,
    unsealed,
    problem,
    firstBadId,
  });
  if (!chain) return verdict('the chain record (audit_chain) is missing: the twin was altered outside CivicTwin', null, '');
  let prev = GENESIS_HASH;
  let expectedId = 1;
  let unsealed = 0;
  const page = 5_000;
  for (let after = 0; ; ) {
    const rows = await readRows(store, 'id > $after', { after }, page);
    for (const r of rows) {
      if (r.id !== expectedId) {
        return r.id > expectedId
          ? verdict(`row ${expectedId}${r.id - 1 > expectedId ? `–${r.id - 1}` : ''} is missing (deleted); the log continues at row ${r.id}`, expectedId, prev)
          : verdict(`row ${r.id} appears twice or out of order`, r.id, prev);
      }
      expectedId++;
      if (!chain.sealed && r.id <= chain.legacy_through && r.hash === null && r.prevHash === null) {
        unsealed++;
        continue;
      }
      if (r.hash === null || r.prevHash === null) return verdict(`row ${r.id} has no hash: it was written outside CivicTwin's audit service, or its hash was removed`, r.id, prev);
      if (r.prevHash !== prev) {
        return verdict(`row ${r.id} does not follow row ${r.id - 1}: a row before it was deleted, replaced or reordered (its prev_hash ${short(r.prevHash)} ≠ ${short(prev)})`, r.id, prev);
      }
      if (auditRowHash(prev, r) !== r.hash) {
        return verdict(`row ${r.id} was edited: its content (${describeRow(r)}) no longer matches its hash`, r.id, prev);
      }
      prev = r.hash;
    }
    if (rows.length < page) break;
    after = rows[rows.length - 1]!.id;
  }
  const lastId = expectedId - 1;
  // Until the rows from before the chain are sealed, the head record names no row.
  if (chain.sealed || chain.legacy_through === 0) {
    if (chain.head_id !== lastId || chain.head_hash !== prev) {
      return chain.head_id > lastId
        ? verdict(`the newest rows are missing: the chain's head is row ${chain.head_id} but the log ends at row ${lastId}`, lastId + 1, prev)
        : verdict(`the log has rows after its recorded head (row ${chain.head_id}): they were added outside CivicTwin's audit service`, chain.head_id + 1, prev);
    }
  }
  return verdict(null, null, prev, unsealed);
}

const short = (hash: string): string => `${hash.slice(0, 12)}…`;
const describeRow = (r: AuditRecord): string =>
  `${new Date(r.tsUs / 1000).toISOString()} ${r.actor} ${r.action} ${r.subject}${r.reason ? ` "${r.reason.slice(0, 60)}"` : ''}`;
//#endregion

//#region token use
/**
 * Records that a machine token was used: at most one audit row per token per hour (an ingest
 * source sends thousands of requests an hour; the log needs to show that it was active, not each
 * request), with `api_tokens.last_used_at`, in one transaction. `note` answers from memory and
 * writes in the background, so it costs an ingest request nothing; a failed write is logged and
 * tried again at the token's next use.
 */
export class TokenUseLog {
  private readonly lastRecorded = new Map<number, number>();
  public static readonly INTERVAL_MS = 3600_000;

  public constructor(
    private readonly store: DuckDbStore,
    private readonly now: () => number = Date.now,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

  /** Call with every request a token authenticated. Returns the write when one was started (tests). */
  public note(token: { tokenId: number; name: string; kind: 'ingest' | 'wall' }, actor: string): Promise<void> | null {
    const at = this.now();
    const last = this.lastRecorded.get(token.tokenId);
    if (last !== undefined && at - last < TokenUseLog.INTERVAL_MS) return null;
    this.lastRecorded.set(token.tokenId, at);
    return this.store
      .transaction(async () => {
        await this.store.run('UPDATE api_tokens SET last_used_at = make_timestamp($us::BIGINT) WHERE id = $id', { id: token.tokenId, us: at * 1000 });
        await appendAudit(this.store, { actor, action: 'token_use', subject: `token:${token.tokenId}`, reason: `${token.kind} token "${token.name}" in use (recorded at most hourly)`, atMs: at });
      })
      .catch((err: unknown) => {
        this.lastRecorded.delete(token.tokenId);
        this.log(`audit: could not record the use of token ${token.tokenId}: ${(err as Error).message}`);
      });
  }
}
//#endregion
