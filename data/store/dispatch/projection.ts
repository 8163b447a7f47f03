/**
 * Dispatched units' states, projected at ingest (listed once in data/store/projections.ts; the
 * tables are made by ./migration.ts). A unit (a resource: fire engine, ambulance, pump truck…, or a
 * grid worker) sent to an incident (`incident.status` dispatched/reassigned with a `resource` or
 * `grid_worker` assignee) is en_route; its own position reports make it on_scene once within
 * ON_SCENE_RADIUS_M of the incident, and idle once it has left (beyond LEFT_SCENE_RADIUS_M) or the
 * incident releases it (feedback, evaluated, closed, cancelled).
 *
 * Applied in the commit's transaction (ingest), and in a console step's transaction
 * (IncidentService), so a unit's state and the step that changed it are written together.
 */
import type { IngestEvent } from '../../feed/events.ts';
import type { DuckDbStore } from '../DuckDbStore.ts';
import type { ProjectionModule } from '../projection.ts';
import {
  LEFT_SCENE_RADIUS_M,
  metresBetween,
  ON_SCENE_RADIUS_M,
  RELEASING_STEPS,
  type DispatchState,
} from '../../model/dispatch/index.ts';

type StatusEvent = IngestEvent & { type: 'incident.status' };
type PositionEvent = IngestEvent & { type: 'resource.position' };

interface Out {
  incidentId: string;
  state: DispatchState;
  sinceMs: number;
  lon: number;
  lat: number;
}

const TRACKED_ASSIGNEES = new Set(['resource', 'grid_worker']);
const RELEASING = new Set<string>(RELEASING_STEPS);

const sendsUnit = (e: StatusEvent): boolean =>
  (e.data.status === 'dispatched' || e.data.status === 'reassigned') &&
  e.data.assignee !== undefined &&
  TRACKED_ASSIGNEES.has(e.data.assignee.kind);

/** Applies `events` (any types, in any order) to the dispatched units' states. */
export async function applyDispatchStates(
  store: DuckDbStore,
  events: readonly IngestEvent[],
): Promise<void> {
  const statuses: StatusEvent[] = [];
  let positions = 0;
  for (const e of events) {
    if (e.type === 'incident.status' && (sendsUnit(e) || RELEASING.has(e.data.status))) statuses.push(e);
    else if (e.type === 'resource.position') positions++;
  }
  if (statuses.length === 0 && positions === 0) return;
  const current = await store.all<{
    resource_id: number;
    incident_id: string;
    state: DispatchState;
    since: number;
    incident_lon: number;
    incident_lat: number;
  }>(
    'SELECT resource_id, incident_id, state, epoch_ms(since) AS since, incident_lon, incident_lat FROM resource_dispatch_current',
  );
  const out = new Map<number, Out>();
  for (const r of current)
    out.set(r.resource_id, {
      incidentId: r.incident_id,
      state: r.state,
      sinceMs: Number(r.since),
      lon: r.incident_lon,
      lat: r.incident_lat,
    });
  const sent = statuses.filter(sendsUnit);
  // Nothing is out and nothing is sent: a commit of positions only (the usual one) ends here.
  if (out.size === 0 && sent.length === 0) return;

  // Where each incident is, and where each unit sent was (its last fix, else its base).
  const places = new Map<string, [number, number]>();
  const starts = new Map<string, [number, number]>();
  if (sent.length > 0) {
    const ids = [...new Set(sent.map((e) => e.data.incidentId))];
    for (const id of ids) {
      const r = await store.one<{ lon: number; lat: number }>('SELECT lon, lat FROM incidents WHERE id = $id', { id });
      if (r) places.set(id, [r.lon, r.lat]);
    }
    for (const e of sent) {
      const r = await store.one<{ lon: number; lat: number }>(
        `SELECT coalesce(p.lon, r.lon) AS lon, coalesce(p.lat, r.lat) AS lat FROM resources r
         LEFT JOIN (SELECT resource_id, max_by(lon, ts) AS lon, max_by(lat, ts) AS lat FROM resource_positions
                    WHERE resource_id = $r AND ts <= epoch_ms($t::BIGINT) AND ts >= epoch_ms($t::BIGINT) - INTERVAL 6 HOUR
                    GROUP BY resource_id) p ON p.resource_id = r.id
         WHERE r.id = $r`,
        { r: e.data.assignee!.id, t: e.tsMs },
      );
      if (r) starts.set(e.id, [r.lon, r.lat]);
    }
  }

  const rows: {
    eventId: string;
    resourceId: number;
    incidentId: string;
    state: DispatchState;
    tsMs: number;
    from: [number, number] | null;
    reason: string;
  }[] = [];
  const changed = new Set<number>();
  const ordered = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.tsMs - b.e.tsMs || a.i - b.i)
    .map((x) => x.e);
  for (const e of ordered) {
    if (e.type === 'incident.status') {
      if (sendsUnit(e)) {
        const place = places.get(e.data.incidentId);
        const from = starts.get(e.id);
        if (!place || !from) continue; // an unknown incident or unit: the step says so, no state
        const resourceId = e.data.assignee!.id;
        out.set(resourceId, { incidentId: e.data.incidentId, state: 'en_route', sinceMs: e.tsMs, lon: place[0], lat: place[1] });
        changed.add(resourceId);
        rows.push({ eventId: e.id, resourceId, incidentId: e.data.incidentId, state: 'en_route', tsMs: e.tsMs, from, reason: `sent (${e.data.status})` });
      } else if (RELEASING.has(e.data.status)) {
        for (const [resourceId, o] of out) {
          if (o.incidentId !== e.data.incidentId || e.tsMs < o.sinceMs) continue;
          out.delete(resourceId);
          changed.add(resourceId);
          rows.push({ eventId: e.id, resourceId, incidentId: o.incidentId, state: 'idle', tsMs: e.tsMs, from: null, reason: `incident ${e.data.status}` });
        }
      }
    } else if (e.type === 'resource.position') {
      const p = e as PositionEvent;
      const o = out.get(p.data.resourceId);
      if (!o || p.tsMs < o.sinceMs) continue;
      const d = metresBetween(p.data.lon, p.data.lat, o.lon, o.lat);
      if (o.state === 'en_route' && d <= ON_SCENE_RADIUS_M) {
        o.state = 'on_scene';
        o.sinceMs = p.tsMs;
        changed.add(p.data.resourceId);
        rows.push({ eventId: p.id, resourceId: p.data.resourceId, incidentId: o.incidentId, state: 'on_scene', tsMs: p.tsMs, from: null, reason: `reported ${Math.round(d)} m from the incident` });
      } else if (o.state === 'on_scene' && d > LEFT_SCENE_RADIUS_M) {
        out.delete(p.data.resourceId);
        changed.add(p.data.resourceId);
        rows.push({ eventId: p.id, resourceId: p.data.resourceId, incidentId: o.incidentId, state: 'idle', tsMs: p.tsMs, from: null, reason: `left the scene (reported ${Math.round(d)} m away)` });
      }
    }
  }
  if (changed.size === 0) return;
  for (const r of rows)
    await store.run(
      `INSERT INTO resource_dispatch_states (event_id, resource_id, incident_id, state, ts, from_lon, from_lat, reason)
       VALUES ($e, $r, $i, $s, epoch_ms($t::BIGINT), $fx, $fy, $why)`,
      { e: r.eventId, r: r.resourceId, i: r.incidentId, s: r.state, t: r.tsMs, fx: r.from?.[0] ?? null, fy: r.from?.[1] ?? null, why: r.reason },
    );
  const ids = [...changed];
  await store.run(`DELETE FROM resource_dispatch_current WHERE resource_id IN (${ids.map(Number).join(',')})`);
  for (const id of ids) {
    const o = out.get(id);
    if (!o) continue;
    await store.run(
      `INSERT INTO resource_dispatch_current VALUES ($r, $i, $s, epoch_ms($t::BIGINT), $x, $y)`,
      { r: id, i: o.incidentId, s: o.state, t: o.sinceMs, x: o.lon, y: o.lat },
    );
  }
}

export const dispatchProjection: ProjectionModule = {
  tables: {},
  project: {},
  apply: (store, events) => applyDispatchStates(store, events),
};
