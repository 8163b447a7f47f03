/**
 * The append-only audit log (DESIGN.md §6): who did what to which record, when, and why. Rows are
 * only ever inserted; no service updates or deletes them. Written before the action's result is
 * returned, so an action whose audit row could not be written does not happen.
 */
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  /** `kind:id`, e.g. `household:120034` or `alert:A-…`. */
  subject: string;
  reason: string | null;
  atMs: number;
}

export async function appendAudit(store: DuckDbStore, e: AuditEntry): Promise<void> {
  await store.run(`INSERT INTO audit_log SELECT coalesce(max(id), 0) + 1, $t::TIMESTAMP, $a, $act, $s, $r FROM audit_log`, {
    t: new Date(e.atMs).toISOString(),
    a: e.actor.trim().slice(0, 64) || 'operator',
    act: e.action,
    s: e.subject,
    r: e.reason,
  });
}
