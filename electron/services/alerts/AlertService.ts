/**
 * `AlertsApi`: what a console does with a meter alert. Acknowledging it and recording the visit's
 * outcome each change `meter_alerts` with a console event and an audit row naming the signed-in
 * person, in one transaction, and reach every view through the live push.
 */
import { randomUUID } from 'node:crypto';
import type { AlertsApi } from '../../common/alerts/contract.ts';
import type { MeterAlert, VisitOutcome } from '../../common/dto.ts';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import type { ConsoleEventData } from '../../../data/feed/events.ts';
import { appendAudit, currentActor } from '../audit.ts';
import { recordConsoleEvent } from '../consoleEvents.ts';
import type { LiveChanges } from '../modules.ts';
import { alertAt } from './alertQueries.ts';

export interface AlertServiceOptions {
  /** Where a changed alert goes to be pushed to every view. */
  live: Pick<LiveChanges, 'alertsChanged'>;
  now?: () => number;
}

export class AlertService implements AlertsApi {
  public constructor(
    private readonly store: DuckDbStore,
    private readonly options: AlertServiceOptions,
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Marks an open alert as being looked into by the signed-in person (event + audit row, one transaction). */
  public async acknowledgeAlert(alertId: string): Promise<MeterAlert | null> {
    const id = String(alertId).slice(0, 128);
    const actor = currentActor();
    const at = this.now();
    const changed = await this.store.transaction(async () => {
      const rows = await this.store.all(
        `UPDATE meter_alerts SET status = 'acknowledged', acknowledged_at = epoch_ms($t::BIGINT), acknowledged_by = $who
         WHERE id = $id AND status = 'open' RETURNING id`,
        { id, who: actor, t: at },
      );
      // Unknown, or already acknowledged: nothing happened, so nothing is recorded.
      if (rows.length === 0) return false;
      await appendAudit(this.store, {
        actor,
        action: 'alert.acknowledge',
        subject: `alert:${id}`,
        reason: null,
        atMs: at,
      });
      await recordConsoleEvent(
        this.store,
        `console-${randomUUID()}`,
        'alert.acknowledged',
        { alertId: id, actor } satisfies ConsoleEventData['alert.acknowledged'],
        at,
      );
      return true;
    });
    if (changed) this.options.live.alertsChanged([id]);
    return alertAt(this.store, id, this.now() + 1000);
  }

  /** Closes an alert with what the visit found (event + audit row, one transaction). */
  public async recordVisitOutcome(
    alertId: string,
    outcome: VisitOutcome,
    reason: string,
  ): Promise<MeterAlert | null> {
    const id = String(alertId).slice(0, 128);
    if (!['safe', 'needed_help', 'false_alarm'].includes(outcome))
      throw new RangeError(`Unknown outcome: ${String(outcome)}`);
    const why = String(reason ?? '')
      .trim()
      .slice(0, 500);
    if (why.length === 0)
      throw new RangeError('Say what was found at the visit (a reason is required).');
    const actor = currentActor();
    const at = this.now();
    const state = await this.store.transaction(async () => {
      const rows = await this.store.all(
        `UPDATE meter_alerts SET status = 'closed', outcome = $o, outcome_reason = $r, closed_at = epoch_ms($t::BIGINT),
           acknowledged_at = coalesce(acknowledged_at, epoch_ms($t::BIGINT)), acknowledged_by = coalesce(acknowledged_by, $who)
         WHERE id = $id AND status <> 'closed' RETURNING id`,
        { id, o: outcome, r: why, t: at, who: actor },
      );
      if (rows.length === 0)
        return (await this.store.one('SELECT 1 FROM meter_alerts WHERE id = $id', { id }))
          ? 'closed'
          : 'unknown';
      await appendAudit(this.store, {
        actor,
        action: 'alert.outcome',
        subject: `alert:${id}`,
        reason: `${outcome}: ${why}`,
        atMs: at,
      });
      await recordConsoleEvent(
        this.store,
        `console-${randomUUID()}`,
        'alert.outcome',
        { alertId: id, actor, outcome, reason: why } satisfies ConsoleEventData['alert.outcome'],
        at,
      );
      return 'changed';
    });
    if (state === 'closed')
      throw new RangeError(
        `Alert ${id} is already closed: its outcome was recorded before (see the audit log).`,
      );
    if (state === 'changed') this.options.live.alertsChanged([id]);
    return alertAt(this.store, id, this.now() + 1000);
  }
}
