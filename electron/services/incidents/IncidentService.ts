/**
 * `IncidentsApi`: one incident with its closed loop, the grid workers and departments nearest by
 * road, and the operator's steps. Each step is an `incident.status` event in the log (with its
 * projection and audit row, one transaction) and reaches every view through the live push.
 */
import { randomUUID } from 'node:crypto';
import type { IncidentsApi } from '../../common/incidents/contract.ts';
import type { DispatchOption, HostInfo, IncidentAction, IncidentDetail } from '../../common/dto.ts';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { validateEvent, type IngestEvent } from '../../../data/feed/events.ts';
import type { AssigneeKind } from '../../../data/model/incidents.ts';
import { twinRoadGraph } from '../../../data/analytics/roadNetwork.ts';
import { APPLIED_PROJECTIONS } from '../../../data/store/projections.ts';
import { appendAudit, currentActor } from '../audit.ts';
import { recordConsoleEvent } from '../consoleEvents.ts';
import type { LiveChanges } from '../modules.ts';
import { servingWall, wallIncidentDetail } from '../wallView.ts';
import { INCIDENTS_AT, STEP_RANK, toIncident, type IncidentRow } from './incidentQueries.ts';
import { attentionOf } from './attention.ts';

/** Travel speeds for ETAs, m/s: grid workers on e-bikes, vehicles in town traffic. */
const SPEED_MS: Record<AssigneeKind, number> = { grid_worker: 3.5, department: 7, resource: 7 };

export interface IncidentServiceOptions {
  /** `none` on a wall host: every caller gets the wall view (wallView.ts). */
  personalData: HostInfo['personalData'];
  /** Where a recorded step goes to be pushed to every view. */
  live: Pick<LiveChanges, 'recorded'>;
  now?: () => number;
}

export class IncidentService implements IncidentsApi {

  public constructor(
    private readonly store: DuckDbStore,
    private readonly options: IncidentServiceOptions,
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  public async getIncident(incidentId: string): Promise<IncidentDetail | null> {
    const id = String(incidentId).slice(0, 64);
    attentionOf(this.store).note(id, false);
    const t = new Date(this.now() + 1000).toISOString();
    const row = await this.store.one<IncidentRow>(INCIDENTS_AT('i.id = $id', 'incident_id = $id'), {
      t,
      id,
    });
    if (!row) return null;
    const steps = await this.store.all<{
      step: string;
      ts: number;
      actor: string | null;
      note: string | null;
      assignee_kind: string | null;
      assignee_id: number | null;
      label: string | null;
      rating: number | null;
    }>(
      `SELECT s.step, epoch_ms(s.ts) AS ts, s.actor, s.note, s.assignee_kind, s.assignee_id, s.rating,
              CASE s.assignee_kind WHEN 'grid_worker' THEN r.callsign WHEN 'resource' THEN r.callsign WHEN 'department' THEN d.name END AS label
       FROM incident_steps s LEFT JOIN resources r ON s.assignee_kind IN ('grid_worker', 'resource') AND r.id = s.assignee_id
       LEFT JOIN departments d ON s.assignee_kind = 'department' AND d.id = s.assignee_id
       WHERE s.incident_id = $id ORDER BY s.ts, ${STEP_RANK.replaceAll('step', 's.step')}`,
      { id },
    );
    const detail: IncidentDetail = {
      ...toIncident(row),
      steps: steps.map((s) => ({
        step: s.step,
        ts: Number(s.ts),
        actor: s.actor,
        note: s.note,
        rating: s.rating,
        assignee:
          s.assignee_kind && s.assignee_id !== null
            ? { kind: s.assignee_kind as AssigneeKind, id: s.assignee_id, label: s.label ?? '' }
            : null,
      })),
    };
    return servingWall(this.options.personalData) ? wallIncidentDetail(detail) : detail;
  }


  public async proposeDispatch(incidentId: string): Promise<DispatchOption[]> {
    const incident = await this.getIncident(incidentId);
    if (!incident) return [];
    const snapshot = await this.store.all<{
      id: number;
      callsign: string;
      lon: number;
      lat: number;
    }>(/* sql */ `
      WITH p AS (SELECT resource_id, max_by(lon, ts) lon, max_by(lat, ts) lat, max_by(status, ts) status FROM resource_positions
                 WHERE ts >= now()::TIMESTAMP - INTERVAL 6 HOUR GROUP BY resource_id),
      busy AS (SELECT DISTINCT assignee_id FROM (
                 SELECT s.incident_id, max_by(s.assignee_id, epoch_ms(s.ts)) FILTER (WHERE s.assignee_kind = 'grid_worker') AS assignee_id,
                        bool_or(s.step IN ('feedback', 'evaluated', 'closed', 'cancelled')) AS done
                 FROM incident_steps s GROUP BY s.incident_id) WHERE NOT done AND assignee_id IS NOT NULL)
      SELECT r.id, r.callsign, coalesce(p.lon, r.lon) AS lon, coalesce(p.lat, r.lat) AS lat
      FROM resources r LEFT JOIN p ON p.resource_id = r.id
      WHERE r.kind = 'grid_worker' AND coalesce(p.status, r.status) IN ('idle')
        AND r.id NOT IN (SELECT assignee_id FROM busy)`);
    const departments = await this.store.all<{
      id: number;
      name: string;
      lon: number;
      lat: number;
    }>('SELECT id, name, lon, lat FROM departments WHERE lon IS NOT NULL AND lat IS NOT NULL');
    const graph = await twinRoadGraph(this.store);
    // Grid workers ride e-bikes over every way; departments' crews drive (one-way streets count),
    // as dispatch's travelOf says (this module may not import dispatch's model).
    const ranked = [
      ...graph.rankByRoadDistance(incident.lon, incident.lat, snapshot.map((w) => ({ kind: 'grid_worker' as const, id: w.id, lon: w.lon, lat: w.lat, label: w.callsign })), 'walk'),
      ...graph.rankByRoadDistance(incident.lon, incident.lat, departments.map((d) => ({ kind: 'department' as const, id: d.id, lon: d.lon, lat: d.lat, label: d.name })), 'drive'),
    ].sort((a, b) => a.roadDistanceM - b.roadDistanceM || a.id - b.id);
    return ranked
      .filter((c) => Number.isFinite(c.roadDistanceM))
      .slice(0, 8)
      .map((c) => ({
        kind: c.kind as AssigneeKind,
        id: c.id,
        label: c.label,
        roadDistanceM: Math.round(c.roadDistanceM),
        straightDistanceM: Math.round(c.straightDistanceM),
        etaMin: Math.max(1, Math.round(c.roadDistanceM / SPEED_MS[c.kind as AssigneeKind] / 60)),
      }));
  }

  /**
   * An operator's step in an incident's closed loop. Recorded as an `incident.status` event in the
   * log like any other, with its projection (the step) and its audit row naming the signed-in
   * person, all in one transaction on the store's connection: if any part cannot be written,
   * none is. The actor is the caller the host authenticated, never one the client names.
   */
  public async actOnIncident(
    incidentId: string,
    action: IncidentAction,
  ): Promise<IncidentDetail | null> {
    const status = (
      {
        accept: 'accepted',
        dispatch: 'dispatched',
        reassign: 'reassigned',
        handle: 'handling',
        feedback: 'feedback',
        close: 'closed',
        cancel: 'cancelled',
      } as const
    )[action?.action];
    if (!status) throw new RangeError(`Unknown action: ${String(action?.action)}`);
    if ((status === 'dispatched' || status === 'reassigned') && !action.assignee)
      throw new RangeError('Dispatch needs an assignee.');
    const actor = currentActor();
    const id = String(incidentId).slice(0, 64);
    attentionOf(this.store).note(id, true);
    const at = this.now();
    // A resident who reported through the form rates it themselves (评价, reports module): the console's rating is not taken.
    const rating = action.rating && !(await this.store.one('SELECT 1 FROM resident_reports WHERE incident_id = $id', { id })) ? action.rating : undefined;
    const checked = validateEvent(
      {
        id: `console-${randomUUID()}`,
        type: 'incident.status',
        ts: new Date(at).toISOString(),
        source: 'console',
        data: {
          incidentId: id,
          status,
          ...(action.assignee ? { assignee: action.assignee } : {}),
          actor,
          ...(action.note ? { note: String(action.note).slice(0, 500) } : {}),
          ...(rating ? { rating } : {}),
        },
      },
      at,
    );
    if (!checked.ok) throw new RangeError(checked.reason);
    const event = checked.event as IngestEvent & { type: 'incident.status' };
    const d = event.data;
    if (d.assignee?.kind === 'resource' && !(await this.store.one('SELECT 1 FROM resources WHERE id = $r', { r: d.assignee.id })))
      throw new RangeError(`No resource #${d.assignee.id}.`);
    const known = await this.store.transaction(async () => {
      if (!(await this.store.one('SELECT 1 FROM incidents WHERE id = $id', { id }))) return false;
      const reason =
        [
          d.assignee ? `${d.assignee.kind}:${d.assignee.id}` : null,
          d.rating ? `rating ${d.rating}` : null,
          d.note ?? null,
        ]
          .filter(Boolean)
          .join('; ') || null;
      await appendAudit(this.store, {
        actor,
        action: `incident.${action.action}`,
        subject: `incident:${id}`,
        reason,
        atMs: at,
      });
      await recordConsoleEvent(this.store, event.id, 'incident.status', d, at);
      await this.store.run(
        `INSERT INTO incident_steps (event_id, incident_id, step, ts, assignee_kind, assignee_id, actor, note, rating)
         VALUES ($e, $i, $s, epoch_ms($t::BIGINT), $ak, $ai, $a, $n, $r)`,
        {
          e: event.id,
          i: id,
          s: d.status,
          t: at,
          ak: d.assignee?.kind ?? null,
          ai: d.assignee?.id ?? null,
          a: actor,
          n: d.note ?? null,
          r: d.rating ?? null,
        },
      );
      // Projections applied at ingest (a dispatched unit's state, data/store/dispatch) take the step too.
      for (const module of APPLIED_PROJECTIONS) await module.apply!(this.store, [event], at);
      return true;
    });
    if (!known)
      throw new RangeError(
        `No incident "${id}": it may have been archived, or the id is mistyped.`,
      );
    this.options.live.recorded([event]);
    return this.getIncident(id);
  }
}
