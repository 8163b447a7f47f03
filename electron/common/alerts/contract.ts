/**
 * Meter alerts' contract section (feature module): what a console does with an alert. The alerts
 * themselves reach every view through the live snapshot and its pushes (`live`, the one clock).
 */
import { z } from 'zod';
import type { MeterAlert, VisitOutcome } from '../dto.ts';
import { idText, m, reason, type MemberSpec } from '../sections.ts';

export interface AlertsApi {
  /** Recorded under the signed-in person (an event and an audit row with the change). */
  acknowledgeAlert(alertId: string): Promise<MeterAlert | null>;
  recordVisitOutcome(
    alertId: string,
    outcome: VisitOutcome,
    reason: string,
  ): Promise<MeterAlert | null>;
}

export const ALERTS_SECTION = {
  acknowledgeAlert: m('operator', idText),
  recordVisitOutcome: m('operator', idText, z.enum(['safe', 'needed_help', 'false_alarm']), reason),
} as const satisfies Record<keyof AlertsApi, MemberSpec>;
