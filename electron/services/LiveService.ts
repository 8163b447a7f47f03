/**
 * `LiveApi`: the live picture (incidents, meter alerts, resources) now or at any past moment,
 * the operator's actions, auto-dispatch, and coalesced pushes to every open view.
 *
 * State is always read back from the store's projections, never kept only in memory, so the
 * timeline can rebuild any moment (the last step / fix at or before it) and a restarted host
 * shows exactly what it had acknowledged.
 */
import { randomUUID } from 'node:crypto';
import { listValue, type DuckDBListValue } from '@duckdb/node-api';
import type { LiveApi } from '../common/contract.ts';
import type {
  DispatchOption,
  FeedStatus,
  HostInfo,
  Incident,
  IncidentAction,
  IncidentGridSummary,
  IncidentOverflow,
  IncidentDetail,
  LiveDelta,
  LiveSnapshot,
  MeterAlert,
  MeterAlertExplanation,
  ResourceInfo,
  ResourcePositions,
  TimelineRange,
  VisitOutcome,
} from '../common/dto.ts';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { historySource } from '../../data/store/archive.ts';
import { appendAudit, currentActor } from './audit.ts';
import { validateEvent, type ConsoleEventData, type ConsoleEventType, type IngestEvent } from '../../data/feed/events.ts';
import { RESOURCE_STATUSES, type MeterAnomalyKind, type ResourceKind } from '../../data/model/domain.ts';
import { isOpenStatus, SLA_MINUTES, type AssigneeKind, type IncidentCategory, type IncidentStatus, type ReporterKind, type Severity } from '../../data/model/incidents.ts';
import { RoadGraph } from '../../data/analytics/RoadGraph.ts';
import type { IngestService } from './IngestService.ts';
import { countsForBuildings, servingWall, wallIncidentDetail, wallSnapshot, wallViewOfDelta } from './wallView.ts';

/** How often each kind reports its position (s); a fix older than twice this is stale. */
const EXPECTED_INTERVAL_S: Record<ResourceKind, number> = {
  ambulance: 5,
  fire_engine: 5,
  rescue_boat: 10,
  pump_truck: 10,
  volunteer_team: 30,
  grid_worker: 15,
};
/** Travel speeds for ETAs, m/s: grid workers on e-bikes, vehicles in town traffic. */
const SPEED_MS: Record<AssigneeKind, number> = { grid_worker: 3.5, department: 7 };

const STEP_RANK = `CASE step WHEN 'reported' THEN 0 WHEN 'accepted' THEN 1 WHEN 'dispatched' THEN 2 WHEN 'reassigned' THEN 2
  WHEN 'handling' THEN 3 WHEN 'feedback' THEN 4 WHEN 'evaluated' THEN 5 WHEN 'closed' THEN 6 WHEN 'cancelled' THEN 6 END`;

/**
 * Incidents as of `$t`: status = the latest step at or before `$t`. `stepsWhere` narrows the steps
 * read before they are grouped (a push for a few incidents must not aggregate every step ever
 * recorded).
 */
const INCIDENTS_AT = (where: string, stepsWhere = 'true'): string => /* sql */ `
  WITH s AS (
    SELECT incident_id,
      max_by(step, epoch_ms(ts) * 10 + ${STEP_RANK}) AS step,
      max(ts) AS updated_at,
      min(ts) FILTER (WHERE step IN ('feedback', 'evaluated', 'closed')) AS handled_at,
      max_by(assignee_kind, CASE WHEN assignee_id IS NOT NULL THEN epoch_ms(ts) END) AS assignee_kind,
      max_by(assignee_id, CASE WHEN assignee_id IS NOT NULL THEN epoch_ms(ts) END) AS assignee_id
    FROM incident_steps WHERE ts <= $t AND ${stepsWhere} GROUP BY incident_id
  )
  SELECT i.id, i.category, i.severity, i.lon, i.lat, i.building_id, b.address, i.reporter, i.source, i.description,
    CASE s.step WHEN 'reassigned' THEN 'dispatched' ELSE s.step END AS status,
    epoch_ms(i.reported_at) AS reported_at, epoch_ms(s.updated_at) AS updated_at, epoch_ms(s.handled_at) AS handled_at,
    s.assignee_kind, s.assignee_id,
    CASE s.assignee_kind WHEN 'grid_worker' THEN r.callsign WHEN 'department' THEN d.name END AS assignee_label
  FROM incidents i JOIN s ON s.incident_id = i.id
  LEFT JOIN buildings b ON b.id = i.building_id
  LEFT JOIN resources r ON s.assignee_kind = 'grid_worker' AND r.id = s.assignee_id
  LEFT JOIN departments d ON s.assignee_kind = 'department' AND d.id = s.assignee_id
  WHERE i.reported_at <= $t AND ${where}
  ORDER BY i.severity DESC, i.reported_at`;

interface IncidentRow {
  id: string; category: string; severity: number; lon: number; lat: number; building_id: number | null; address: string | null; reporter: string;
  source: string; description: string | null; status: string; reported_at: number; updated_at: number; handled_at: number | null;
  assignee_kind: string | null; assignee_id: number | null; assignee_label: string | null;
}

const toIncident = (r: IncidentRow): Incident => ({
  id: r.id,
  category: r.category as IncidentCategory,
  severity: r.severity as Severity,
  lon: r.lon,
  lat: r.lat,
  buildingId: r.building_id,
  address: r.address,
  reporter: r.reporter as ReporterKind,
  source: r.source,
  description: r.description,
  status: r.status as IncidentStatus,
  reportedAt: Number(r.reported_at),
  updatedAt: Number(r.updated_at),
  slaDueAt: Number(r.reported_at) + SLA_MINUTES[r.category as IncidentCategory] * 60_000,
  handledAt: r.handled_at === null ? null : Number(r.handled_at),
  assignee:
    r.assignee_kind && r.assignee_id !== null
      ? { kind: r.assignee_kind as AssigneeKind, id: r.assignee_id, label: r.assignee_label ?? `#${r.assignee_id}` }
      : null,
});

const ALERTS_AT = (where: string): string => /* sql */ `
  SELECT a.id, a.household_id, a.building_id, b.address, h.unit, a.kind, (h.care_flags & 1) <> 0 AS elderly_alone,
    epoch_ms(a.raised_at) AS raised_at,
    CASE WHEN a.closed_at IS NOT NULL AND a.closed_at <= $t THEN 'closed'
         WHEN a.acknowledged_at IS NOT NULL AND a.acknowledged_at <= $t THEN 'acknowledged' ELSE 'open' END AS status,
    a.explanation, a.acknowledged_by, epoch_ms(a.acknowledged_at) AS acknowledged_at, a.outcome, a.outcome_reason
  FROM meter_alerts a JOIN households h ON h.id = a.household_id JOIN buildings b ON b.id = a.building_id
  WHERE a.raised_at <= $t AND ${where}
  ORDER BY elderly_alone DESC, CASE a.kind WHEN 'no_usage' THEN 0 WHEN 'night_flow' THEN 1 ELSE 2 END, a.raised_at`;

interface AlertRow {
  id: string; household_id: number; building_id: number; address: string; unit: string; kind: string; elderly_alone: boolean;
  raised_at: number; status: string; explanation: string; acknowledged_by: string | null; acknowledged_at: number | null;
  outcome: string | null; outcome_reason: string | null;
}
const toAlert = (r: AlertRow): MeterAlert => ({
  id: r.id,
  householdId: r.household_id,
  buildingId: r.building_id,
  address: r.address,
  unit: r.unit,
  kind: r.kind as MeterAnomalyKind,
  elderlyAlone: r.elderly_alone,
  raisedAt: Number(r.raised_at),
  status: r.status as MeterAlert['status'],
  explanation: JSON.parse(r.explanation) as MeterAlertExplanation,
  acknowledgedBy: r.acknowledged_by,
  acknowledgedAt: r.acknowledged_at === null ? null : Number(r.acknowledged_at),
  outcome: r.outcome as VisitOutcome | null,
  outcomeReason: r.outcome_reason,
});

const emptyPositions = (): ResourcePositions => ({
  count: 0,
  resourceId: new Int32Array(0),
  lon: new Float64Array(0),
  lat: new Float64Array(0),
  heading: new Float32Array(0),
  speed: new Float32Array(0),
  status: new Uint8Array(0),
  tsMs: new Float64Array(0),
});

export interface LiveServiceOptions {
  ingest: IngestService | null;
  simulated: boolean;
  /** `none` on a wall host: every caller gets the wall view (wallView.ts), and so does every push. */
  personalData?: HostInfo['personalData'];
  now?: () => number;
  /** Coalescing window for pushes, ms. */
  pushIntervalMs?: number;
}

export class LiveService implements LiveApi {
  private readonly store: DuckDbStore;
  private readonly options: LiveServiceOptions;
  private readonly listeners = new Set<(delta: LiveDelta) => void>();
  private roads: RoadGraph | null = null;
  private seq = 0;
  private pendingIncidents = new Set<string>();
  private pendingPositions: IngestEvent[] = [];
  private pendingAlerts = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushDue = 0;
  private flushing = false;
  /** Something changed while a push was being built: push again when it is done. */
  private flushAgain = false;
  private readonly lastEventMs: FeedStatus['lastEventMs'] = { incidents: null, resources: null, meters: null, sensors: null };

  public constructor(store: DuckDbStore, options: LiveServiceOptions) {
    this.store = store;
    this.options = options;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Reads the freshness of each layer from the event log (after a restart). */
  public async init(): Promise<void> {
    const rows = await this.store.all<{ type: string; at: number }>('SELECT type, epoch_ms(max(received_at)) AS at FROM events GROUP BY type');
    for (const r of rows) this.touch(r.type, Number(r.at));
  }

  private touch(type: string, at: number): void {
    if (type.startsWith('alert.')) return; // a console's own record, not a feed
    const layer = type.startsWith('incident.') ? 'incidents' : type === 'resource.position' ? 'resources' : type === 'meter.reading' ? 'meters' : 'sensors';
    this.lastEventMs[layer] = Math.max(this.lastEventMs[layer] ?? 0, at);
  }

  /** Hook for IngestService.onCommitted: collect what changed and schedule one push. */
  public onCommitted(events: IngestEvent[]): void {
    const now = this.now();
    for (const e of events) {
      this.touch(e.type, now);
      if (e.type === 'incident.reported' || e.type === 'incident.status') this.pendingIncidents.add(e.data.incidentId);
      else if (e.type === 'resource.position') this.pendingPositions.push(e);
    }
    this.schedulePush(this.pendingIncidents.size > 0);
  }

  /** Marks alerts changed (raised, acknowledged, closed) for the next push. */
  public alertsChanged(ids: string[]): void {
    ids.forEach((id) => this.pendingAlerts.add(id));
    this.schedulePush(true);
  }

  /**
   * Positions are coalesced over a short window (many fixes per resource a second become one);
   * an incident or alert change is pushed at once, since every millisecond here is
   * event-to-pixel latency. Pushes never overlap, so deltas leave in sequence order.
   */
  private schedulePush(urgent: boolean): void {
    if (this.listeners.size === 0) {
      this.clearPending();
      return;
    }
    const delay = urgent ? 0 : (this.options.pushIntervalMs ?? 50);
    const due = Date.now() + delay;
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    if (this.flushTimer && this.flushDue <= due) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushDue = due;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flushing = true;
      void this.flush()
        .catch((err: unknown) => console.error(`live push failed: ${(err as Error).message}`))
        .finally(() => {
          this.flushing = false;
          if (this.flushAgain) {
            this.flushAgain = false;
            this.schedulePush(this.pendingIncidents.size > 0 || this.pendingAlerts.size > 0);
          }
        });
    }, delay);
  }

  private clearPending(): void {
    this.pendingIncidents.clear();
    this.pendingPositions = [];
    this.pendingAlerts.clear();
  }

  private async flush(): Promise<void> {
    const incidentIds = [...this.pendingIncidents];
    const alertIds = [...this.pendingAlerts];
    const fixes = this.pendingPositions;
    this.clearPending();
    const t = this.now() + 1000;
    const incidents = incidentIds.length
      ? (await this.store.all<IncidentRow>(INCIDENTS_AT('list_contains($ids::VARCHAR[], i.id)', 'list_contains($ids::VARCHAR[], incident_id)'), { t: new Date(t).toISOString(), ids: listOf(incidentIds) })).map(toIncident)
      : [];
    const alerts = alertIds.length
      ? (await this.store.all<AlertRow>(ALERTS_AT('list_contains($ids::VARCHAR[], a.id)'), { t: new Date(t).toISOString(), ids: listOf(alertIds) })).map(toAlert)
      : [];
    // Only the newest fix per resource in this window.
    const latest = new Map<number, IngestEvent & { type: 'resource.position' }>();
    for (const f of fixes) {
      if (f.type !== 'resource.position') continue;
      const prev = latest.get(f.data.resourceId);
      if (!prev || prev.tsMs <= f.tsMs) latest.set(f.data.resourceId, f);
    }
    const positions = positionsFrom([...latest.values()]);
    // What a wall is told of changed alerts: its buildings' counts by kind.
    const alertCounts = alerts.length ? await this.alertCountsOf(alerts.map((a) => a.buildingId), t) : undefined;
    const delta: LiveDelta = { seq: ++this.seq, incidents, alerts, positions, feed: this.feedStatus(), ...(alertCounts ? { alertCounts } : {}) };
    const pushed = this.options.personalData === 'none' ? wallViewOfDelta(delta) : delta;
    for (const l of this.listeners) l(pushed);
  }

  /** Every kind's count of alerts not closed at `atMs` in each of `buildingIds` (0 included). */
  private async alertCountsOf(buildingIds: number[], atMs: number): Promise<LiveDelta['alertCounts']> {
    const t = new Date(atMs).toISOString();
    const rows = await this.store.all<{ building_id: number; kind: MeterAnomalyKind; n: number }>(
      `SELECT building_id, kind, count(*)::INTEGER AS n FROM meter_alerts
       WHERE list_contains($b::INTEGER[], building_id) AND raised_at <= $t::TIMESTAMP AND (closed_at IS NULL OR closed_at > $t::TIMESTAMP)
       GROUP BY building_id, kind`,
      { b: listValue([...new Set(buildingIds)]), t },
    );
    return countsForBuildings(buildingIds, rows.map((r) => ({ buildingId: r.building_id, kind: r.kind, count: r.n })));
  }

  /** The current call is a wall's (or a wall host's caller's): aggregates only (wallView.ts). */
  private servingWall(): boolean {
    return servingWall(this.options.personalData ?? 'masked');
  }

  /** Stops pushing (shutdown): no query may start after this. */
  public stop(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.listeners.clear();
  }

  public onLiveDelta(listener: (delta: LiveDelta) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private feedStatus(): FeedStatus {
    const t = this.options.ingest?.totals;
    return {
      simulated: this.options.simulated,
      serverNowMs: this.now(),
      lastEventMs: { ...this.lastEventMs },
      totals: { accepted: t?.accepted ?? 0, duplicates: t?.duplicates ?? 0, rejected: t?.rejected ?? 0 },
    };
  }

  public getLiveSnapshot(): Promise<LiveSnapshot> {
    return this.getStateAt(this.now());
  }

  public async getStateAt(atMs: number): Promise<LiveSnapshot> {
    const at = Number(atMs);
    if (!Number.isFinite(at)) throw new RangeError('atMs must be a time in milliseconds');
    const t = new Date(at).toISOString();
    // Open incidents, and those closed within the last half hour (they fade out on the map); at
    // most SNAPSHOT_OPEN_INCIDENTS open ones one by one, the rest counted by grid.
    const { incidents, overflow } = await boundedIncidentsAt(this.store, at);
    const alerts = (await this.store.all<AlertRow>(ALERTS_AT('(a.closed_at IS NULL OR a.closed_at > $t::TIMESTAMP)'), { t })).map(toAlert);
    const resources = (await this.store.all<{ id: number; kind: ResourceKind; callsign: string }>('SELECT id, kind, callsign FROM resources ORDER BY id')).map(
      (r): ResourceInfo => ({ id: r.id, kind: r.kind, callsign: r.callsign, expectedIntervalS: EXPECTED_INTERVAL_S[r.kind] ?? 30 }),
    );
    const cols = await this.store.columns(
      /* sql */ `
      WITH p AS (
        SELECT resource_id, max_by(lon, ts) AS lon, max_by(lat, ts) AS lat, max_by(heading, ts) AS heading,
               max_by(speed, ts) AS speed, max_by(status, ts) AS status, max(ts) AS ts
        FROM ${await positionsSource(this.store, at - 6 * 3600_000, at)} WHERE ts <= $t AND ts >= $t::TIMESTAMP - INTERVAL 6 HOUR GROUP BY resource_id
      )
      SELECT r.id, coalesce(p.lon, r.lon), coalesce(p.lat, r.lat), coalesce(p.heading, 0), coalesce(p.speed, 0),
        list_position(${sqlList(RESOURCE_STATUSES)}, coalesce(p.status, r.status)) - 1, coalesce(epoch_ms(p.ts), 0)
      FROM resources r LEFT JOIN p ON p.resource_id = r.id ORDER BY r.id`,
      { resourceId: Int32Array, lon: Float64Array, lat: Float64Array, heading: Float32Array, speed: Float32Array, status: Uint8Array, tsMs: Float64Array },
      { t },
    );
    const { rowCount, ...columns } = cols;
    const trailRows = await this.store.all<{ resource_id: number; lon: number; lat: number; ts: number }>(
      /* sql */ `SELECT resource_id, lon, lat, epoch_ms(ts) AS ts FROM ${await positionsSource(this.store, at - 90_000, at)}
       WHERE ts <= $t AND ts >= $t::TIMESTAMP - INTERVAL 90 SECOND
       QUALIFY row_number() OVER (PARTITION BY resource_id ORDER BY ts DESC) <= 8
       ORDER BY resource_id, ts`,
      { t },
    );
    const trails: Record<number, number[]> = {};
    for (const r of trailRows) (trails[r.resource_id] ??= []).push(r.lon, r.lat, Number(r.ts));
    const snapshot: LiveSnapshot = {
      atMs: at, incidents, alerts, resources, positions: { count: rowCount, ...columns }, trails, feed: this.feedStatus(),
      ...(overflow ? { incidentOverflow: overflow } : {}),
    };
    return this.servingWall() ? wallSnapshot(snapshot) : snapshot;
  }

  public async getTimelineRange(): Promise<TimelineRange> {
    const r = await this.store.one<{ a: number | null }>('SELECT epoch_ms(min(ts)) AS a FROM events');
    const now = this.now();
    return { fromMs: Math.max(r?.a === null || r?.a === undefined ? now - 3600_000 : Number(r.a), now - 24 * 3600_000), toMs: now };
  }

  public async getIncident(incidentId: string): Promise<IncidentDetail | null> {
    const id = String(incidentId).slice(0, 64);
    const t = new Date(this.now() + 1000).toISOString();
    const row = await this.store.one<IncidentRow>(INCIDENTS_AT('i.id = $id', 'incident_id = $id'), { t, id });
    if (!row) return null;
    const steps = await this.store.all<{ step: string; ts: number; actor: string | null; note: string | null; assignee_kind: string | null; assignee_id: number | null; label: string | null; rating: number | null }>(
      `SELECT s.step, epoch_ms(s.ts) AS ts, s.actor, s.note, s.assignee_kind, s.assignee_id, s.rating,
              CASE s.assignee_kind WHEN 'grid_worker' THEN r.callsign WHEN 'department' THEN d.name END AS label
       FROM incident_steps s LEFT JOIN resources r ON s.assignee_kind = 'grid_worker' AND r.id = s.assignee_id
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
        assignee: s.assignee_kind && s.assignee_id !== null ? { kind: s.assignee_kind as AssigneeKind, id: s.assignee_id, label: s.label ?? '' } : null,
      })),
    };
    return this.servingWall() ? wallIncidentDetail(detail) : detail;
  }

  private async roadGraph(): Promise<RoadGraph> {
    if (this.roads) return this.roads;
    const rows = await this.store.all<{ g: string }>("SELECT geometry::VARCHAR AS g FROM basemap_features WHERE layer = 'road'");
    const lines: number[][][] = [];
    for (const r of rows) {
      const g = JSON.parse(r.g) as { type: string; coordinates: number[][] | number[][][] };
      if (g.type === 'LineString') lines.push(g.coordinates as number[][]);
      else if (g.type === 'MultiLineString') lines.push(...(g.coordinates as number[][][]));
    }
    this.roads = RoadGraph.fromLines(lines);
    return this.roads;
  }

  public async proposeDispatch(incidentId: string): Promise<DispatchOption[]> {
    const incident = await this.getIncident(incidentId);
    if (!incident) return [];
    const snapshot = await this.store.all<{ id: number; callsign: string; lon: number; lat: number }>(
      /* sql */ `
      WITH p AS (SELECT resource_id, max_by(lon, ts) lon, max_by(lat, ts) lat, max_by(status, ts) status FROM resource_positions
                 WHERE ts >= now()::TIMESTAMP - INTERVAL 6 HOUR GROUP BY resource_id),
      busy AS (SELECT DISTINCT assignee_id FROM (
                 SELECT s.incident_id, max_by(s.assignee_id, epoch_ms(s.ts)) FILTER (WHERE s.assignee_kind = 'grid_worker') AS assignee_id,
                        bool_or(s.step IN ('feedback', 'evaluated', 'closed', 'cancelled')) AS done
                 FROM incident_steps s GROUP BY s.incident_id) WHERE NOT done AND assignee_id IS NOT NULL)
      SELECT r.id, r.callsign, coalesce(p.lon, r.lon) AS lon, coalesce(p.lat, r.lat) AS lat
      FROM resources r LEFT JOIN p ON p.resource_id = r.id
      WHERE r.kind = 'grid_worker' AND coalesce(p.status, r.status) IN ('idle')
        AND r.id NOT IN (SELECT assignee_id FROM busy)`,
    );
    const departments = await this.store.all<{ id: number; name: string; lon: number; lat: number }>(
      'SELECT id, name, lon, lat FROM departments WHERE lon IS NOT NULL AND lat IS NOT NULL',
    );
    const graph = await this.roadGraph();
    const ranked = graph.rankByRoadDistance(incident.lon, incident.lat, [
      ...snapshot.map((w) => ({ kind: 'grid_worker' as const, id: w.id, lon: w.lon, lat: w.lat, label: w.callsign })),
      ...departments.map((d) => ({ kind: 'department' as const, id: d.id, lon: d.lon, lat: d.lat, label: d.name })),
    ]);
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
  public async actOnIncident(incidentId: string, action: IncidentAction): Promise<IncidentDetail | null> {
    if (!this.options.ingest) throw new Error('This host is read-only: incidents cannot be changed here.');
    const status = ({ accept: 'accepted', dispatch: 'dispatched', reassign: 'reassigned', handle: 'handling', feedback: 'feedback', close: 'closed', cancel: 'cancelled' } as const)[action?.action];
    if (!status) throw new RangeError(`Unknown action: ${String(action?.action)}`);
    if ((status === 'dispatched' || status === 'reassigned') && !action.assignee) throw new RangeError('Dispatch needs an assignee.');
    const actor = currentActor();
    const id = String(incidentId).slice(0, 64);
    const at = this.now();
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
          ...(action.rating ? { rating: action.rating } : {}),
        },
      },
      at,
    );
    if (!checked.ok) throw new RangeError(checked.reason);
    const event = checked.event as IngestEvent & { type: 'incident.status' };
    const d = event.data;
    const known = await this.store.transaction(async () => {
      if (!(await this.store.one('SELECT 1 FROM incidents WHERE id = $id', { id }))) return false;
      const reason = [d.assignee ? `${d.assignee.kind}:${d.assignee.id}` : null, d.rating ? `rating ${d.rating}` : null, d.note ?? null].filter(Boolean).join('; ') || null;
      await appendAudit(this.store, { actor, action: `incident.${action.action}`, subject: `incident:${id}`, reason, atMs: at });
      await this.recordConsoleEvent(event.id, 'incident.status', d, at);
      await this.store.run(
        `INSERT INTO incident_steps (event_id, incident_id, step, ts, assignee_kind, assignee_id, actor, note, rating)
         VALUES ($e, $i, $s, epoch_ms($t::BIGINT), $ak, $ai, $a, $n, $r)`,
        { e: event.id, i: id, s: d.status, t: at, ak: d.assignee?.kind ?? null, ai: d.assignee?.id ?? null, a: actor, n: d.note ?? null, r: d.rating ?? null },
      );
      return true;
    });
    if (!known) throw new RangeError(`No incident "${id}": it may have been archived, or the id is mistyped.`);
    this.onCommitted([event]);
    return this.getIncident(id);
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
      await appendAudit(this.store, { actor, action: 'alert.acknowledge', subject: `alert:${id}`, reason: null, atMs: at });
      await this.recordConsoleEvent(`console-${randomUUID()}`, 'alert.acknowledged', { alertId: id, actor } satisfies ConsoleEventData['alert.acknowledged'], at);
      return true;
    });
    if (changed) this.alertsChanged([id]);
    return this.alert(id);
  }

  /** Closes an alert with what the visit found (event + audit row, one transaction). */
  public async recordVisitOutcome(alertId: string, outcome: VisitOutcome, reason: string): Promise<MeterAlert | null> {
    const id = String(alertId).slice(0, 128);
    if (!['safe', 'needed_help', 'false_alarm'].includes(outcome)) throw new RangeError(`Unknown outcome: ${String(outcome)}`);
    const why = String(reason ?? '').trim().slice(0, 500);
    if (why.length === 0) throw new RangeError('Say what was found at the visit (a reason is required).');
    const actor = currentActor();
    const at = this.now();
    const state = await this.store.transaction(async () => {
      const rows = await this.store.all(
        `UPDATE meter_alerts SET status = 'closed', outcome = $o, outcome_reason = $r, closed_at = epoch_ms($t::BIGINT),
           acknowledged_at = coalesce(acknowledged_at, epoch_ms($t::BIGINT)), acknowledged_by = coalesce(acknowledged_by, $who)
         WHERE id = $id AND status <> 'closed' RETURNING id`,
        { id, o: outcome, r: why, t: at, who: actor },
      );
      if (rows.length === 0) return (await this.store.one('SELECT 1 FROM meter_alerts WHERE id = $id', { id })) ? 'closed' : 'unknown';
      await appendAudit(this.store, { actor, action: 'alert.outcome', subject: `alert:${id}`, reason: `${outcome}: ${why}`, atMs: at });
      await this.recordConsoleEvent(`console-${randomUUID()}`, 'alert.outcome', { alertId: id, actor, outcome, reason: why } satisfies ConsoleEventData['alert.outcome'], at);
      return 'changed';
    });
    if (state === 'closed') throw new RangeError(`Alert ${id} is already closed: its outcome was recorded before (see the audit log).`);
    if (state === 'changed') this.alertsChanged([id]);
    return this.alert(id);
  }

  /** Writes an event of the console's own into the log (inside the caller's transaction). */
  private async recordConsoleEvent(id: string, type: 'incident.status' | ConsoleEventType, data: object, atMs: number): Promise<void> {
    await this.store.run(
      `INSERT INTO events (id, type, ts, source, received_at, transport, data) VALUES ($id, $type, epoch_ms($t::BIGINT), 'console', epoch_ms($t::BIGINT), 'console', $data)`,
      { id, type, t: atMs, data: JSON.stringify(data) },
    );
  }

  private async alert(id: string): Promise<MeterAlert | null> {
    const row = await this.store.one<AlertRow>(ALERTS_AT('a.id = $id'), { id, t: new Date(this.now() + 1000).toISOString() });
    return row ? toAlert(row) : null;
  }
}

function positionsFrom(fixes: (IngestEvent & { type: 'resource.position' })[]): ResourcePositions {
  if (fixes.length === 0) return emptyPositions();
  const n = fixes.length;
  const p: ResourcePositions = {
    count: n,
    resourceId: new Int32Array(n),
    lon: new Float64Array(n),
    lat: new Float64Array(n),
    heading: new Float32Array(n),
    speed: new Float32Array(n),
    status: new Uint8Array(n),
    tsMs: new Float64Array(n),
  };
  fixes.forEach((f, i) => {
    p.resourceId[i] = f.data.resourceId;
    p.lon[i] = f.data.lon;
    p.lat[i] = f.data.lat;
    p.heading[i] = f.data.heading ?? 0;
    p.speed[i] = f.data.speed ?? 0;
    p.status[i] = Math.max(0, RESOURCE_STATUSES.indexOf(f.data.status ?? 'en_route'));
    p.tsMs[i] = f.tsMs;
  });
  return p;
}

//#region bounded snapshot
/**
 * Open incidents a snapshot lists one by one. Beyond it (a typhoon night, a flood of camera
 * reports, a producer gone wrong) the rest are counted by grid: 61k open incidents made a 22.6 MB
 * snapshot that every console and wall fetched on each resync. 2,000 is more than a queue is
 * worked from, and keeps the snapshot well under a megabyte.
 */
export const SNAPSHOT_OPEN_INCIDENTS = 2000;
/** Incidents closed within the last half hour (fading on the map) a snapshot lists at most, newest first. */
export const SNAPSHOT_CLOSED_INCIDENTS = 500;

const SLA_MINUTES_SQL = `CASE category ${Object.entries(SLA_MINUTES).map(([c, m]) => `WHEN '${c}' THEN ${m}`).join(' ')} ELSE 1440 END`;

/**
 * Incidents as of `$t` with what the queue orders them by (renderer IncidentQueue `queueOrder`):
 * `sla_rank` (overdue 0, nearly due 1, other open 2, handled 3), severity, due time. Read with
 * ORDER BY … LIMIT (a top-N) rather than a window: row_number() over 61k rows took 1.2–4 s here,
 * the top-N 0.2 s.
 */
const RANKED_INCIDENTS_AT = /* sql */ `
  WITH q AS (${INCIDENTS_AT(`(s.step NOT IN ('evaluated', 'closed', 'cancelled') OR s.updated_at >= $t::TIMESTAMP - INTERVAL 30 MINUTE)`)}),
  r AS (SELECT q.*, status NOT IN ('evaluated', 'closed', 'cancelled') AS is_open, reported_at + ${SLA_MINUTES_SQL} * 60000 AS due_ms FROM q)
  SELECT r.*, CASE WHEN handled_at IS NOT NULL THEN 3 WHEN $tms > due_ms THEN 0
                   WHEN $tms > reported_at + 0.75 * (due_ms - reported_at) THEN 1 ELSE 2 END AS sla_rank
  FROM r`;
const QUEUE_ORDER = 'sla_rank, severity DESC, due_ms, id';

/** A grid's outline, for placing incidents that name no building. */
interface GridOutline {
  id: number;
  name: string;
  ring: number[];
  bbox: [number, number, number, number];
}
const gridOutlines = new WeakMap<DuckDbStore, Promise<GridOutline[]>>();
function gridsOf(store: DuckDbStore): Promise<GridOutline[]> {
  let grids = gridOutlines.get(store);
  if (!grids) {
    grids = store.all<{ id: number; name: string; ring: number[] | null }>("SELECT id, name, ring FROM areas WHERE level = 'grid' AND ring IS NOT NULL").then((rows) =>
      rows.map((r) => {
        const ring = (r.ring ?? []).map(Number);
        const lons = ring.filter((_, i) => i % 2 === 0);
        const lats = ring.filter((_, i) => i % 2 === 1);
        return { id: r.id, name: r.name, ring, bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)] };
      }),
    );
    gridOutlines.set(store, grids);
  }
  return grids;
}

/** Even-odd test of a point against a flat lon,lat ring (closed or not). */
function insideRing(lon: number, lat: number, ring: number[]): boolean {
  let inside = false;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[2 * i]!, yi = ring[2 * i + 1]!, xj = ring[2 * j]!, yj = ring[2 * j + 1]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The snapshot's incidents: the most urgent open ones (up to SNAPSHOT_OPEN_INCIDENTS) and the
 * recently closed (up to SNAPSHOT_CLOSED_INCIDENTS) as rows; the remaining open ones read as
 * columns only (no row objects for tens of thousands) and counted by the grid of their building,
 * or of their position when they name none.
 */
async function boundedIncidentsAt(store: DuckDbStore, at: number): Promise<{ incidents: Incident[]; overflow: IncidentOverflow | null }> {
  const t = new Date(at).toISOString();
  const rows = await store.all<IncidentRow>(
    `SELECT * FROM (
       (SELECT * EXCLUDE (is_open, due_ms, sla_rank) FROM (${RANKED_INCIDENTS_AT}) WHERE is_open ORDER BY ${QUEUE_ORDER} LIMIT $open)
       UNION ALL
       (SELECT * EXCLUDE (is_open, due_ms, sla_rank) FROM (${RANKED_INCIDENTS_AT}) WHERE NOT is_open ORDER BY updated_at DESC LIMIT $closed)
     ) ORDER BY severity DESC, reported_at`,
    { t, tms: at, open: SNAPSHOT_OPEN_INCIDENTS, closed: SNAPSHOT_CLOSED_INCIDENTS },
  );
  const incidents = rows.map(toIncident);
  const listed = incidents.filter((i) => isOpenStatus(i.status)).length;
  if (listed < SNAPSHOT_OPEN_INCIDENTS) return { incidents, overflow: null };
  const rest = await store.columns(
    `SELECT coalesce(b.grid_id, -1), n.lon, n.lat, n.severity, n.reported_at, (n.sla_rank = 0)::UTINYINT
     FROM (SELECT * FROM (${RANKED_INCIDENTS_AT}) WHERE is_open ORDER BY ${QUEUE_ORDER} OFFSET $open) n
     LEFT JOIN buildings b ON b.id = n.building_id`,
    { grid: Int32Array, lon: Float64Array, lat: Float64Array, severity: Uint8Array, reportedAt: Float64Array, overdue: Uint8Array },
    { t, tms: at, open: SNAPSHOT_OPEN_INCIDENTS },
  );
  if (rest.rowCount === 0) return { incidents, overflow: null };
  const grids = await gridsOf(store);
  const byId = new Map(grids.map((g) => [g.id, g]));
  const groups = new Map<number, IncidentGridSummary>();
  for (let i = 0; i < rest.rowCount; i++) {
    let grid = rest.grid[i]!;
    if (grid < 0) {
      const lon = rest.lon[i]!, lat = rest.lat[i]!;
      grid = grids.find((g) => lon >= g.bbox[0] && lon <= g.bbox[2] && lat >= g.bbox[1] && lat <= g.bbox[3] && insideRing(lon, lat, g.ring))?.id ?? -1;
    }
    let s = groups.get(grid);
    if (!s) {
      s = { gridId: grid < 0 ? null : grid, gridName: byId.get(grid)?.name ?? null, count: 0, maxSeverity: 1, oldestReportedAt: Infinity, overdue: 0 };
      groups.set(grid, s);
    }
    s.count++;
    s.maxSeverity = Math.max(s.maxSeverity, rest.severity[i]!) as Severity;
    s.oldestReportedAt = Math.min(s.oldestReportedAt, rest.reportedAt[i]!);
    s.overdue += rest.overdue[i]!;
  }
  const byGrid = [...groups.values()].sort((a, b) => b.count - a.count || (a.gridId ?? -1) - (b.gridId ?? -1));
  return { incidents, overflow: { listed, summarised: rest.rowCount, byGrid } };
}

const archiveWarnings = new Set<string>();
/** `resource_positions` for [fromMs, toMs], with its archived rows when the period is older than the twin holds. */
function positionsSource(store: DuckDbStore, fromMs: number, toMs: number): Promise<string> {
  return historySource(store, 'resource_positions', ['resource_id', 'ts', 'lon', 'lat', 'heading', 'speed', 'status'], fromMs, toMs, (message) => {
    if (archiveWarnings.has(message)) return;
    archiveWarnings.add(message);
    console.error(`timeline: ${message}`);
  });
}
//#endregion

const sqlList = (values: readonly string[]): string => `[${values.map((v) => `'${v}'`).join(', ')}]`;
/** A non-empty list parameter (callers check emptiness: DuckDB cannot type an empty list). */
const listOf = (values: string[]): DuckDBListValue => listValue(values);
