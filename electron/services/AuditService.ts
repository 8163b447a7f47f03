/**
 * `AuditApi`: the audit log for supervisors (the contract asks for the role): rows filtered by
 * period, person, action and subject, a CSV export (itself audited: the log holds reasons that
 * name people's circumstances), and the hash chain's state.
 */
import type { AuditApi } from '../common/contract.ts';
import { AUDIT_EXPORT_MAX_ROWS, type AuditFilter, type AuditLogRow, type AuditPage, type AuditVerdict } from '../common/auditLog.ts';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { appendAudit, currentActor, verifyAuditChain } from './audit.ts';
import { REVEALS_PER_HOUR } from './StoreService.ts';

const MAX_PAGE = 500;

interface Where {
  sql: string;
  params: Record<string, string | number>;
}

/** The filters as SQL, every value a parameter. Bad values are refused with what to send instead. */
function whereOf(filter: AuditFilter | null | undefined): Where {
  const f = filter ?? {};
  if (typeof f !== 'object') throw new TypeError('The filter must be an object such as { fromMs, toMs, actor, action, subject }.');
  const parts: string[] = [];
  const params: Record<string, string | number> = {};
  const time = (name: 'fromMs' | 'toMs'): number | null => {
    const v = f[name];
    if (v === undefined || v === null) return null;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > 8.64e15) throw new RangeError(`${name} must be a time in milliseconds since 1970 (got ${String(v).slice(0, 40)}).`);
    return Math.floor(n);
  };
  const from = time('fromMs');
  const to = time('toMs');
  if (from !== null) {
    parts.push('ts >= epoch_ms($from::BIGINT)');
    params.from = from;
  }
  if (to !== null) {
    parts.push('ts < epoch_ms($to::BIGINT)');
    params.to = to;
  }
  const text = (name: 'actor' | 'action' | 'subject'): string | null => {
    const v = f[name];
    if (v === undefined || v === null) return null;
    const s = String(v).trim().slice(0, 128);
    return s === '' ? null : s;
  };
  const actor = text('actor');
  if (actor !== null) {
    parts.push(`actor ILIKE $actor ESCAPE '\\'`);
    params.actor = `%${likeEscape(actor)}%`;
  }
  const action = text('action');
  if (action !== null) {
    parts.push('action = $action');
    params.action = action;
  }
  const subject = text('subject');
  if (subject !== null) {
    parts.push(`subject ILIKE $subject ESCAPE '\\'`);
    params.subject = `%${likeEscape(subject)}%`;
  }
  return { sql: parts.length ? parts.join(' AND ') : 'true', params };
}

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export class AuditService implements AuditApi {
  public constructor(
    private readonly store: DuckDbStore,
    private readonly now: () => number = Date.now,
  ) {}

  public async query(filter: AuditFilter): Promise<AuditPage> {
    const where = whereOf(filter);
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(Number(filter?.limit ?? 100)) || 100));
    const offset = Math.max(0, Math.floor(Number(filter?.offset ?? 0)) || 0);
    const rows = await this.rows(where, limit, offset);
    const total = Number((await this.store.one<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM audit_log WHERE ${where.sql}`, where.params))?.n ?? 0);
    const actions = (await this.store.all<{ action: string }>('SELECT DISTINCT action FROM audit_log ORDER BY action')).map((r) => r.action);
    const actors = (await this.store.all<{ actor: string }>('SELECT actor FROM audit_log GROUP BY actor ORDER BY count(*) DESC, actor LIMIT 200')).map((r) => r.actor);
    const reveals = await this.store.all<{ actor: string; n: number }>(
      `SELECT actor, count(*)::INTEGER AS n FROM audit_log WHERE action = 'reveal_personal_data' AND ts > epoch_ms($since::BIGINT)
       GROUP BY actor ORDER BY n DESC, actor LIMIT 50`,
      { since: this.now() - 3600_000 },
    );
    return {
      rows,
      total,
      actions,
      actors,
      revealsLastHour: reveals.map((r) => ({ actor: r.actor, count: r.n })),
      revealLimitPerHour: REVEALS_PER_HOUR,
    };
  }

  /**
   * The filtered rows as CSV (oldest first, at most AUDIT_EXPORT_MAX_ROWS), UTF-8 with a byte-order
   * mark so spreadsheet programs read the Chinese text; cells that a spreadsheet would run as a
   * formula are prefixed with `'`. The export is audited with its filters.
   */
  public async exportCsv(filter: AuditFilter): Promise<string> {
    const where = whereOf(filter);
    const rows = await this.store.all<{ id: number; at: string; actor: string; action: string; subject: string; reason: string | null }>(
      `SELECT id::DOUBLE AS id, strftime(ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS at, actor, action, subject, reason
       FROM audit_log WHERE ${where.sql} ORDER BY id LIMIT ${AUDIT_EXPORT_MAX_ROWS}`,
      where.params,
    );
    const described = Object.entries(filter ?? {})
      .filter(([k, v]) => v !== null && v !== undefined && v !== '' && k !== 'limit' && k !== 'offset')
      .map(([k, v]) => `${k}=${k.endsWith('Ms') ? new Date(Number(v)).toISOString() : String(v)}`)
      .join(', ');
    await appendAudit(this.store, { actor: currentActor(), action: 'audit.export', subject: 'audit_log', reason: `${rows.length} rows${described ? `; ${described}` : ''}`, atMs: this.now() });
    const lines = [['id', 'time_utc', 'actor', 'action', 'subject', 'reason'].join(',')];
    for (const r of rows) lines.push([String(r.id), r.at, r.actor, r.action, r.subject, r.reason ?? ''].map(csvCell).join(','));
    return `\uFEFF${lines.join('\r\n')}\r\n`;
  }

  public verify(): Promise<AuditVerdict> {
    return verifyAuditChain(this.store);
  }

  private async rows(where: Where, limit: number, offset: number): Promise<AuditLogRow[]> {
    const rows = await this.store.all<{ id: number; at: number; actor: string; action: string; subject: string; reason: string | null }>(
      `SELECT id::DOUBLE AS id, epoch_ms(ts)::DOUBLE AS at, actor, action, subject, reason FROM audit_log
       WHERE ${where.sql} ORDER BY id DESC LIMIT ${limit} OFFSET ${offset}`,
      where.params,
    );
    return rows.map((r) => ({ id: r.id, atMs: r.at, actor: r.actor, action: r.action, subject: r.subject, reason: r.reason }));
  }
}

/** One CSV cell (RFC 4180), defused against spreadsheet formula injection. */
export function csvCell(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
