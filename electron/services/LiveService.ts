/**
 * `LiveApi`: the live picture on the one clock (incidents, meter alerts, resources) now or at any
 * past moment, and coalesced pushes to every open view. What a console does with one incident or
 * alert is in those modules' services (electron/services/incidents, alerts), which tell this one
 * what they changed (`LiveChanges`, electron/services/modules.ts).
 *
 * State is always read back from the store's projections, never kept only in memory, so the
 * timeline can rebuild any moment (the last step / fix at or before it) and a restarted host
 * shows exactly what it had acknowledged.
 */
import { listValue, type DuckDBListValue } from '@duckdb/node-api';
import type { LiveApi } from '../common/contract.ts';
import type { FeedStatus, HostInfo, LiveDelta, LiveSnapshot, TimelineRange } from '../common/dto.ts';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import type { IngestEvent } from '../../data/feed/events.ts';
import type { IngestService } from './IngestService.ts';
import type { LiveChanges } from './modules.ts';
import { servingWall, wallSnapshot, wallViewOfDelta } from './wallView.ts';
import { boundedIncidentsAt, INCIDENTS_AT, toIncident, type IncidentRow } from './incidents/incidentQueries.ts';
import { ALERTS_AT, alertCountsOf, toAlert, type AlertRow } from './alerts/alertQueries.ts';
import { latestPositions, resourcesAt } from './resources/resourcePositions.ts';

export interface LiveServiceOptions {
  ingest: IngestService | null;
  simulated: boolean;
  /** A live source is configured outside the event log (an MQTT subscription). */
  feedConfigured?: boolean;
  /** `none` on a wall host: every caller gets the wall view (wallView.ts), and so does every push. */
  personalData?: HostInfo['personalData'];
  now?: () => number;
  /** Coalescing window for pushes, ms. */
  pushIntervalMs?: number;
}

export class LiveService implements LiveApi, LiveChanges {
  private readonly store: DuckDbStore;
  private readonly options: LiveServiceOptions;
  private readonly listeners = new Set<(delta: LiveDelta) => void>();
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
  private feedConfigured = false;

  public constructor(store: DuckDbStore, options: LiveServiceOptions) {
    this.store = store;
    this.options = options;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Reads the freshness of each layer from the event log (after a restart). */
  public async init(): Promise<void> {
    // Imported history (transport 'replay', `civictwin import tickets`) and a console's own records
    // are not a feed: only the live transports and the sources' ingest tokens say one is set up.
    const rows = await this.store.all<{ type: string; at: number }>(
      "SELECT type, epoch_ms(max(received_at)) AS at FROM events WHERE transport NOT IN ('replay', 'console') GROUP BY type",
    );
    for (const r of rows) this.touch(r.type, Number(r.at));
    const tokens = await this.store.one<{ n: bigint }>("SELECT count(*) AS n FROM api_tokens WHERE kind = 'ingest' AND revoked_at IS NULL");
    this.feedConfigured = this.options.simulated || Boolean(this.options.feedConfigured) || rows.length > 0 || Number(tokens?.n ?? 0) > 0;
  }

  private touch(type: string, at: number): void {
    if (type.startsWith('alert.')) return; // a console's own record, not a feed
    const layer = type.startsWith('incident.') ? 'incidents' : type === 'resource.position' ? 'resources' : type === 'meter.reading' ? 'meters' : 'sensors';
    this.lastEventMs[layer] = Math.max(this.lastEventMs[layer] ?? 0, at);
  }

  /** Hook for IngestService.onCommitted: collect what changed and schedule one push. */
  public onCommitted(events: readonly IngestEvent[]): void {
    const now = this.now();
    if (events.length > 0) this.feedConfigured = true;
    for (const e of events) {
      this.touch(e.type, now);
      if (e.type === 'incident.reported' || e.type === 'incident.status') this.pendingIncidents.add(e.data.incidentId);
      else if (e.type === 'resource.position') this.pendingPositions.push(e);
    }
    this.schedulePush(this.pendingIncidents.size > 0);
  }

  /** Events a module wrote itself (a console's action): pushed like committed ones. */
  public recorded(events: IngestEvent[]): void {
    this.onCommitted(events);
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
    const positions = latestPositions(fixes);
    // What a wall is told of changed alerts: its buildings' counts by kind.
    const alertCounts = alerts.length ? await alertCountsOf(this.store, alerts.map((a) => a.buildingId), t) : undefined;
    const delta: LiveDelta = { seq: ++this.seq, incidents, alerts, positions, feed: this.feedStatus(), ...(alertCounts ? { alertCounts } : {}) };
    const pushed = this.options.personalData === 'none' ? wallViewOfDelta(delta) : delta;
    for (const l of this.listeners) l(pushed);
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
      configured: this.feedConfigured,
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
    const { resources, positions, trails } = await resourcesAt(this.store, at);
    const snapshot: LiveSnapshot = {
      atMs: at, incidents, alerts, resources, positions, trails, feed: this.feedStatus(),
      ...(overflow ? { incidentOverflow: overflow } : {}),
    };
    return this.servingWall() ? wallSnapshot(snapshot) : snapshot;
  }

  public async getTimelineRange(): Promise<TimelineRange> {
    const r = await this.store.one<{ a: number | null }>('SELECT epoch_ms(min(ts)) AS a FROM events');
    const now = this.now();
    return { fromMs: Math.max(r?.a === null || r?.a === undefined ? now - 3600_000 : Number(r.a), now - 24 * 3600_000), toMs: now };
  }
}

/** A non-empty list parameter (callers check emptiness: DuckDB cannot type an empty list). */
const listOf = (values: string[]): DuckDBListValue => listValue(values);
