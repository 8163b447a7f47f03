/**
 * What the audit viewer reads (issue 10): the audit log's rows for supervisors, filtered, and the
 * state of its hash chain. Types only; shared by the hosts (electron/services/AuditService.ts) and
 * the renderer (renderer/components/audit).
 */

/** Filters of the audit viewer; every one is optional. Text filters match part of the field, any case. */
export interface AuditFilter {
  /** From this moment (epoch ms), inclusive. */
  fromMs?: number | null;
  /** Up to this moment (epoch ms), exclusive. */
  toMs?: number | null;
  /** Who (part of the sign-in name, `wall:…`, `source:…`). */
  actor?: string | null;
  /** Exactly this action (`reveal_personal_data`, `incident.dispatch`, …). */
  action?: string | null;
  /** What (part of `household:120034`, `incident:I-…`, …). */
  subject?: string | null;
  /** Rows per page (1–500, default 100). */
  limit?: number;
  offset?: number;
}

export interface AuditLogRow {
  id: number;
  atMs: number;
  actor: string;
  action: string;
  subject: string;
  reason: string | null;
}

export interface AuditPage {
  /** Newest first. */
  rows: AuditLogRow[];
  /** Rows matching the filters (all pages). */
  total: number;
  /** The actions in the log, for the viewer's action filter. */
  actions: string[];
  /** Who appears in the log, for the viewer's person filter. */
  actors: string[];
  /**
   * Reveals of personal data in the last hour per person, most first (the limit per person and
   * hour is `revealLimitPerHour`), so a supervisor sees who is close to it.
   */
  revealsLastHour: { actor: string; count: number }[];
  revealLimitPerHour: number;
}

/** The hash chain, as `civictwin audit verify` and the viewer report it. */
export interface AuditVerdict {
  ok: boolean;
  /** Rows in the log. */
  rows: number;
  /** The newest row's hash (anchor it elsewhere, e.g. in a shift log, to detect a full rewrite). */
  headHash: string;
  /** Rows written before the chain existed and not yet chained (the host chains them at its next audit row). */
  unsealed: number;
  /** The first break, for a person: which row, and what happened to it. */
  problem: string | null;
  /** The id of the first row that does not check out (null when intact). */
  firstBadId: number | null;
}

/** At most this many rows in one CSV export. */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;
