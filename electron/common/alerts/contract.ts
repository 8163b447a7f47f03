/**
 * Meter alerts' contract section (feature module): what a console does with an alert. The alerts
 * themselves reach every view through the live snapshot and its pushes (`live`, the one clock).
 */
import { z } from 'zod';
import type { MeterAlert, VisitOutcome } from '../dto.ts';
import { idText, m, reason, type MemberSpec } from '../sections.ts';
import { BULK_ACK_MAX, BULK_ACK_REASON } from '../../../data/model/alerts/limits.ts';

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
}

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
} as const satisfies Record<keyof AlertsApi, MemberSpec>;
