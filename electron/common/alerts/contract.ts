/**
 * Meter alerts' contract section (feature module): what a console does with an alert. The alerts
 * themselves reach every view through the live snapshot and its pushes (`live`, the one clock).
 */
import { z } from 'zod';
import type { MeterAlert, VisitOutcome } from '../dto.ts';
import { idText, m, reason, recordId, type MemberSpec } from '../sections.ts';
import { BULK_ACK_MAX, BULK_ACK_REASON } from '../../../data/model/alerts/limits.ts';
import { AWAY_NOTE_MAX, awayRangeProblem } from '../../../data/model/alerts/awayNotice.ts';

export interface AlertsApi {
  /** Recorded under the signed-in person (an event and an audit row with the change). */
  acknowledgeAlert(alertId: string): Promise<MeterAlert | null>;
  recordVisitOutcome(
    alertId: string,
    outcome: VisitOutcome,
    reason: string,
  ): Promise<MeterAlert | null>;
  /**
   * Acknowledges several open alerts at once with one reason (an event and an audit row per
   * alert, one transaction). Alerts no longer open are left as they are and listed as skipped.
   */
  acknowledgeAlerts(alertIds: string[], reason: string): Promise<BulkAcknowledgeResult>;
  /** In one action, a work order for the grid worker of the household's grid; its visit outcome closes both. */
  createWorkOrder(alertId: string): Promise<WorkOrderResult>;
  /** 出行报备: the household's announced absences that have not ended (today's and future ones), first first. */
  listAwayNotices(query: { householdId: number }): Promise<AwayNotice[]>;
  /**
   * Records an announced absence under the signed-in person (an audit row). The no-usage alert
   * stays silent on those days; an open no-usage alert of the household over them is closed as an
   * announced absence (listed in `closedAlerts`).
   */
  addAwayNotice(notice: { householdId: number; startDay: string; endDay: string; note?: string }): Promise<AddAwayNoticeResult>;
  /** Cancels a notice (an audit row): its days are watched again. Null when there is no such notice. */
  cancelAwayNotice(query: { id: number }): Promise<AwayNotice | null>;
}

/** An absence a household announced (出行报备); days are `YYYY-MM-DD`, both ends included. */
export interface AwayNotice {
  id: number;
  householdId: number;
  startDay: string;
  endDay: string;
  note: string | null;
  /** Who recorded it (a username; null for notices from before recording was kept). */
  recordedBy: string | null;
  recordedAt: number | null;
  cancelled: boolean;
}

export interface AddAwayNoticeResult {
  notice: AwayNotice;
  /** Ids of the open no-usage alerts this notice closed (outcome `false_alarm`, reason 出行报备 …). */
  closedAlerts: string[];
}

const awayDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');
/** A notice's days and note: end ≥ start, at most 90 days, starting at most 30 days ago. */
const awayNoticeInput = z
  .object({ householdId: recordId, startDay: awayDay, endDay: awayDay, note: z.string().trim().max(AWAY_NOTE_MAX).optional() })
  .strict()
  .superRefine((v, ctx) => {
    const problem = awayRangeProblem(v.startDay, v.endDay, Date.now());
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['endDay'] });
  });

export interface WorkOrderResult {
  incidentId: string;
  /** False when the alert already had one (the same is returned). */
  created: boolean;
  assignee: { kind: 'grid_worker'; id: number; label: string } | null;
}

export { BULK_ACK_MAX, BULK_ACK_REASON };

export interface BulkAcknowledgeResult {
  acknowledged: string[];
  /** Unknown, or no longer open (acknowledged or closed before). */
  skipped: string[];
}

export const ALERTS_SECTION = {
  acknowledgeAlert: m('operator', idText),
  recordVisitOutcome: m('operator', idText, z.enum(['safe', 'needed_help', 'false_alarm']), reason),
  acknowledgeAlerts: m(
    'operator',
    z.array(idText).min(1).max(BULK_ACK_MAX),
    z.string().trim().min(BULK_ACK_REASON.min).max(BULK_ACK_REASON.max),
  ),
  createWorkOrder: m('operator', idText),
  // Who is away and when is personal: people at a console only (a wall sees aggregates).
  listAwayNotices: m('viewer', z.object({ householdId: recordId }).strict()),
  addAwayNotice: m('operator', awayNoticeInput),
  cancelAwayNotice: m('operator', z.object({ id: recordId }).strict()),
} as const satisfies Record<keyof AlertsApi, MemberSpec>;
