/**
 * `AlertsApi`: what a console does with a meter alert. Acknowledging it and recording the visit's
 * outcome each change `meter_alerts` with a console event and an audit row naming the signed-in
 * person, in one transaction, and reach every view through the live push.
 */
import { randomUUID } from 'node:crypto';
import { listValue } from '@duckdb/node-api';
import { BULK_ACK_MAX, BULK_ACK_REASON, type AlertsApi, type BulkAcknowledgeResult } from '../../common/alerts/contract.ts';
import type { MeterAlert, VisitOutcome } from '../../common/dto.ts';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import type { ConsoleEventData } from '../../../data/feed/events.ts';
import { appendAudit, currentActor } from '../audit.ts';
import { recordConsoleEvent } from '../consoleEvents.ts';
import type { LiveChanges } from '../modules.ts';
import { alertAt } from './alertQueries.ts';
import { closeWorkOrder, createWorkOrder } from './workOrders.ts';
import type { IngestEvent } from '../../../data/feed/events.ts';
import type { AddAwayNoticeResult, AwayNotice, WorkOrderResult } from '../../common/alerts/contract.ts';
import { AWAY_NOTE_MAX, awayRangeProblem, dayOf } from '../../../data/model/alerts/awayNotice.ts';
import { alertsExplainedBy, currentNotices, insertNotice, markCancelled, noticeById } from './awayNotices.ts';

const householdIdOf = (v: unknown): number => {
  const id = Number(v);
  if (!Number.isInteger(id) || id < 0 || id > 2 ** 31 - 1) throw new RangeError('Which household? (an id)');
  return id;
};

export interface AlertServiceOptions {
  /** Where a changed alert goes to be pushed to every view. */
  live: Pick<LiveChanges, 'alertsChanged'> & Partial<Pick<LiveChanges, 'recorded'>>;
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

  /**
   * Acknowledges the open ones of `alertIds` with one reason: per alert an `alert.acknowledged`
   * event carrying the reason and an audit row, all in one transaction, then one push.
   */
  public async acknowledgeAlerts(alertIds: string[], reason: string): Promise<BulkAcknowledgeResult> {
    if (!Array.isArray(alertIds) || alertIds.length === 0) throw new RangeError('Choose the alerts to acknowledge.');
    if (alertIds.length > BULK_ACK_MAX) throw new RangeError(`At most ${BULK_ACK_MAX} alerts are acknowledged at once (${alertIds.length} chosen).`);
    const ids = [...new Set(alertIds.map((a) => String(a).slice(0, 128)))];
    const why = String(reason ?? '').trim();
    if (why.length < BULK_ACK_REASON.min || why.length > BULK_ACK_REASON.max)
      throw new RangeError(`Say why these alerts are acknowledged together (${BULK_ACK_REASON.min}–${BULK_ACK_REASON.max} characters; it goes into the audit log).`);
    const actor = currentActor();
    const at = this.now();
    const acknowledged = await this.store.transaction(async () => {
      const rows = await this.store.all<{ id: string }>(
        `UPDATE meter_alerts SET status = 'acknowledged', acknowledged_at = epoch_ms($t::BIGINT), acknowledged_by = $who
         WHERE list_contains($ids::VARCHAR[], id) AND status = 'open' RETURNING id`,
        { ids: listValue(ids), who: actor, t: at },
      );
      const done = new Set(rows.map((r) => r.id));
      // In the order they were chosen, so the log reads as the operator's list.
      const changed = ids.filter((id) => done.has(id));
      for (const id of changed) {
        await appendAudit(this.store, { actor, action: 'alert.acknowledge', subject: `alert:${id}`, reason: why, atMs: at });
        await recordConsoleEvent(
          this.store,
          `console-${randomUUID()}`,
          'alert.acknowledged',
          { alertId: id, actor, reason: why } satisfies ConsoleEventData['alert.acknowledged'],
          at,
        );
      }
      return changed;
    });
    if (acknowledged.length > 0) this.options.live.alertsChanged(acknowledged);
    const done = new Set(acknowledged);
    return { acknowledged, skipped: ids.filter((id) => !done.has(id)) };
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
    const { state, orderEvents } = await this.store.transaction(() => this.closeIn(id, outcome, why, actor, at));
    if (state === 'closed')
      throw new RangeError(
        `Alert ${id} is already closed: its outcome was recorded before (see the audit log).`,
      );
    if (state === 'changed') this.options.live.alertsChanged([id]);
    if (orderEvents.length > 0) this.options.live.recorded?.(orderEvents);
    return alertAt(this.store, id, this.now() + 1000);
  }

  /**
   * Closes an alert with an outcome inside the caller's transaction: the change, an audit row, an
   * `alert.outcome` event, and its work order handed back and closed (events returned to push).
   */
  private async closeIn(id: string, outcome: VisitOutcome, why: string, actor: string, at: number): Promise<{ state: 'changed' | 'closed' | 'unknown'; orderEvents: IngestEvent[] }> {
    const rows = await this.store.all(
      `UPDATE meter_alerts SET status = 'closed', outcome = $o, outcome_reason = $r, closed_at = epoch_ms($t::BIGINT),
         acknowledged_at = coalesce(acknowledged_at, epoch_ms($t::BIGINT)), acknowledged_by = coalesce(acknowledged_by, $who)
       WHERE id = $id AND status <> 'closed' RETURNING id`,
      { id, o: outcome, r: why, t: at, who: actor },
    );
    if (rows.length === 0)
      return { state: (await this.store.one('SELECT 1 FROM meter_alerts WHERE id = $id', { id })) ? 'closed' : 'unknown', orderEvents: [] };
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
    // Its work order, if it was made one, is handed back and closed with the same outcome.
    const orderEvents = await closeWorkOrder(this.store, id, outcome, why, actor, at);
    return { state: 'changed', orderEvents };
  }

  public async listAwayNotices(query: { householdId: number }): Promise<AwayNotice[]> {
    return currentNotices(this.store, householdIdOf(query?.householdId), dayOf(this.now()));
  }

  /**
   * Records an announced absence (audit row `away.add`) and, in the same transaction, closes the
   * household's open no-usage alerts it explains (outcome `false_alarm`, reason 出行报备 …), so the
   * operator sees them leave the list.
   */
  public async addAwayNotice(notice: { householdId: number; startDay: string; endDay: string; note?: string }): Promise<AddAwayNoticeResult> {
    const householdId = householdIdOf(notice?.householdId);
    const startDay = String(notice.startDay ?? '');
    const endDay = String(notice.endDay ?? '');
    const at = this.now();
    const problem = awayRangeProblem(startDay, endDay, at);
    if (problem) throw new RangeError(problem);
    const note = String(notice.note ?? '').trim().slice(0, AWAY_NOTE_MAX) || null;
    const actor = currentActor();
    const today = dayOf(at);
    let orderEvents: IngestEvent[] = [];
    const { id, closed } = await this.store.transaction(async () => {
      if (!(await this.store.one('SELECT 1 FROM households WHERE id = $h', { h: householdId })))
        throw new RangeError(`There is no household ${householdId}.`);
      const id = await insertNotice(this.store, { householdId, startDay, endDay, note, actor, atMs: at });
      await appendAudit(this.store, {
        actor,
        action: 'away.add',
        subject: `household:${householdId}`,
        reason: `notice ${id}: ${startDay}–${endDay}${note ? ` (${note})` : ''}`,
        atMs: at,
      });
      const closed: string[] = [];
      const why = `出行报备 / announced absence ${startDay}–${endDay}${note ? `: ${note}` : ''}`;
      for (const alertId of await alertsExplainedBy(this.store, householdId, startDay, endDay, today)) {
        const r = await this.closeIn(alertId, 'false_alarm', why, actor, at);
        if (r.state === 'changed') closed.push(alertId);
        orderEvents = orderEvents.concat(r.orderEvents);
      }
      return { id, closed };
    });
    if (closed.length > 0) this.options.live.alertsChanged(closed);
    if (orderEvents.length > 0) this.options.live.recorded?.(orderEvents);
    return { notice: (await noticeById(this.store, id))!, closedAlerts: closed };
  }

  /** Cancels a notice (audit row `away.cancel`): the detector watches its days again. */
  public async cancelAwayNotice(query: { id: number }): Promise<AwayNotice | null> {
    const id = Number(query?.id);
    if (!Number.isInteger(id) || id < 0) throw new RangeError('Which notice? (an id)');
    const actor = currentActor();
    const at = this.now();
    const state = await this.store.transaction(async () => {
      const before = await noticeById(this.store, id);
      if (!before) return 'unknown';
      if (!(await markCancelled(this.store, id, actor, at))) return 'cancelled';
      await appendAudit(this.store, {
        actor,
        action: 'away.cancel',
        subject: `household:${before.householdId}`,
        reason: `notice ${id}: ${before.startDay}–${before.endDay}`,
        atMs: at,
      });
      return 'changed';
    });
    if (state === 'unknown') return null;
    if (state === 'cancelled') throw new RangeError(`Notice ${id} was cancelled before.`);
    return noticeById(this.store, id);
  }

  public async createWorkOrder(alertId: string): Promise<WorkOrderResult> {
    const id = String(alertId).slice(0, 128);
    const { order, events } = await createWorkOrder(this.store, id, currentActor(), this.now());
    if (events.length > 0) {
      this.options.live.recorded?.(events);
      this.options.live.alertsChanged([id]);
    }
    return order;
  }
}
