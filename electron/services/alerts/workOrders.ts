/**
 * A meter alert made a work order in one action (issue 13): an incident `ALERT-<alert id>`
 * (elderly care, reported by the meters, at the household's building, no personal data in its
 * text) accepted and dispatched to the grid worker of the building's grid; the visit outcome later
 * recorded on the alert hands the work order back (反馈) and closes it. Events in the log, steps in
 * the projection and audit rows, in one transaction each, pushed like any console step.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import type { IngestEvent } from '../../../data/feed/events.ts';
import { validateEvent } from '../../../data/feed/events.ts';
import { appendAudit } from '../audit.ts';

export interface WorkOrder {
  incidentId: string;
  /** False when the alert already had its work order (the same one is returned). */
  created: boolean;
  assignee: { kind: 'grid_worker'; id: number; label: string } | null;
}

export const workOrderId = (alertId: string): string => `ALERT-${alertId}`.slice(0, 64);

const SEVERITY: Record<string, 1 | 2 | 3 | 4> = { no_usage: 3, night_flow: 2, sudden_change: 2 };

async function writeEvent(store: DuckDbStore, type: 'incident.reported' | 'incident.status', data: object, at: number): Promise<IngestEvent> {
  const checked = validateEvent({ id: `console-${randomUUID()}`, type, ts: new Date(at).toISOString(), source: 'console', data }, at);
  if (!checked.ok) throw new RangeError(checked.reason);
  await store.run(
    `INSERT INTO events (id, type, ts, source, received_at, transport, data) VALUES ($id, $type, epoch_ms($t::BIGINT), 'console', epoch_ms($t::BIGINT), 'console', $data)`,
    { id: checked.event.id, type, t: at, data: JSON.stringify(data) },
  );
  return checked.event;
}

async function writeStep(store: DuckDbStore, e: IngestEvent, at: number): Promise<void> {
  const d = e.data as { incidentId: string; status?: string; assignee?: { kind: string; id: number }; actor?: string; note?: string };
  await store.run(
    `INSERT INTO incident_steps (event_id, incident_id, step, ts, assignee_kind, assignee_id, actor, note, rating)
     VALUES ($e, $i, $s, epoch_ms($t::BIGINT), $ak, $ai, $a, $n, NULL)`,
    { e: e.id, i: d.incidentId, s: d.status ?? 'reported', t: at, ak: d.assignee?.kind ?? null, ai: d.assignee?.id ?? null, a: d.actor ?? 'console', n: d.note ?? null },
  );
}

export async function createWorkOrder(store: DuckDbStore, alertId: string, actor: string, at: number): Promise<{ order: WorkOrder; events: IngestEvent[] }> {
  const alert = await store.one<{ id: string; kind: string; status: string; building_id: number; lon: number; lat: number }>(
    `SELECT a.id, a.kind, a.status, a.building_id, b.centroid_lon AS lon, b.centroid_lat AS lat
     FROM meter_alerts a JOIN buildings b ON b.id = a.building_id WHERE a.id = $id`,
    { id: alertId },
  );
  if (!alert) throw new RangeError(`No meter alert "${alertId}".`);
  const incidentId = workOrderId(alert.id);
  const worker = await store.one<{ id: number; callsign: string }>(
    `SELECT r.id, r.callsign FROM buildings b JOIN grid_workers g ON g.grid_id = b.grid_id
     JOIN resources r ON r.kind = 'grid_worker' AND r.callsign = g.callsign WHERE b.id = $b ORDER BY r.id LIMIT 1`,
    { b: alert.building_id },
  );
  const assignee = worker ? { kind: 'grid_worker' as const, id: worker.id, label: worker.callsign } : null;
  if (await store.one('SELECT 1 FROM incidents WHERE id = $id', { id: incidentId })) return { order: { incidentId, created: false, assignee }, events: [] };
  if (alert.status === 'closed') throw new RangeError('This alert is closed: its visit outcome is already recorded.');
  const events: IngestEvent[] = [];
  await store.transaction(async () => {
    const reported = await writeEvent(store, 'incident.reported', { incidentId, category: 'elderly_care', severity: SEVERITY[alert.kind] ?? 2, lon: alert.lon, lat: alert.lat, reporter: 'meter', description: `表计告警转工单 · ${alert.kind}`, buildingId: alert.building_id }, at);
    await store.run(
      `INSERT INTO incidents (id, category, severity, lon, lat, building_id, reporter, source, description, reported_at)
       VALUES ($id, 'elderly_care', $sev, $lon, $lat, $b, 'meter', 'console', $d, epoch_ms($t::BIGINT))`,
      { id: incidentId, sev: SEVERITY[alert.kind] ?? 2, lon: alert.lon, lat: alert.lat, b: alert.building_id, d: `表计告警转工单 · ${alert.kind}`, t: at },
    );
    await writeStep(store, reported, at);
    events.push(reported);
    const accepted = await writeEvent(store, 'incident.status', { incidentId, status: 'accepted', actor }, at);
    await writeStep(store, accepted, at);
    events.push(accepted);
    if (assignee) {
      const dispatched = await writeEvent(store, 'incident.status', { incidentId, status: 'dispatched', assignee: { kind: assignee.kind, id: assignee.id }, actor, note: `meter alert ${alert.id}` }, at);
      await writeStep(store, dispatched, at);
      events.push(dispatched);
    }
    await store.run(
      `UPDATE meter_alerts SET status = 'acknowledged', acknowledged_at = epoch_ms($t::BIGINT), acknowledged_by = $who WHERE id = $id AND status = 'open'`,
      { id: alert.id, t: at, who: actor },
    );
    await appendAudit(store, { actor, action: 'alert.work_order', subject: `alert:${alert.id}`, reason: `${incidentId}${assignee ? ` → grid_worker:${assignee.id}` : ''}`, atMs: at });
  });
  return { order: { incidentId, created: true, assignee }, events };
}

/** After a visit outcome: the alert's open work order gets its feedback (the outcome) and is closed. Call inside the outcome's transaction. */
export async function closeWorkOrder(store: DuckDbStore, alertId: string, outcome: string, reason: string, actor: string, at: number): Promise<IngestEvent[]> {
  const incidentId = workOrderId(alertId);
  const open = await store.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM incident_steps WHERE incident_id = $id HAVING bool_and(step NOT IN ('closed', 'evaluated', 'cancelled'))`,
    { id: incidentId },
  );
  if (!open || open.n === 0) return [];
  const note = `${outcome}: ${reason}`.slice(0, 500);
  const feedback = await writeEvent(store, 'incident.status', { incidentId, status: 'feedback', actor, note }, at);
  await writeStep(store, feedback, at);
  const closed = await writeEvent(store, 'incident.status', { incidentId, status: 'closed', actor, note: `visit outcome ${outcome}` }, at);
  await writeStep(store, closed, at);
  return [feedback, closed];
}
