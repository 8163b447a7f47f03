/**
 * `DispatchApi` (issue 13, dispatch by kind): the kinds of responder each category needs (defaults
 * in data/model/dispatch, a supervisor's overrides in `dispatch_needs`), the nearest available unit
 * of each kind by road with its ETA, and the units out now with their road routes, pushed when one
 * is sent, arrives or is released.
 *
 * The units' states are written at ingest (data/store/dispatch/projection.ts) from the incident's
 * steps and the units' own position reports; this service only reads them back.
 */
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { twinRoadGraph } from '../../../data/analytics/roadNetwork.ts';
import { INCIDENT_CATEGORIES, type IncidentCategory } from '../../../data/model/incidents.ts';
import type { ResourceKind } from '../../../data/model/domain.ts';
import {
  departmentKindOf,
  etaMinutes,
  travelOf,
  isResourceKind,
  metresBetween,
  needsWith,
  RESPONDER_KINDS,
  type DispatchState,
  type ResponderKind,
} from '../../../data/model/dispatch/index.ts';
import type {
  ActiveDispatch,
  CategoryNeeds,
  DispatchApi,
  DispatchesPush,
  IncidentProposal,
  KindProposal,
  UnitProposal,
} from '../../common/dispatch/contract.ts';
import { appendAudit, currentActor } from '../audit.ts';

/** How often the host looks for a unit sent, arrived or released to push (ms); one tiny query. */
const WATCH_MS = 1000;
/** Next-nearest units listed after the proposal, per kind. */
const ALTERNATIVES = 2;

export interface DispatchServiceOptions {
  now?: () => number;
  watchMs?: number;
}

export class DispatchService implements DispatchApi {
  private readonly routes = new Map<string, { route: number[]; lengthM: number }>();
  private readonly listeners = new Set<(push: DispatchesPush) => void>();
  private watchTimer: NodeJS.Timeout | null = null;
  private lastMark = '';
  private stopped = false;

  public constructor(
    private readonly store: DuckDbStore,
    private readonly options: DispatchServiceOptions = {},
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  public async getNeeds(): Promise<CategoryNeeds[]> {
    const rows = await this.store.all<{ category: string; needs: string; set_at: number; set_by: string }>(
      "SELECT category, array_to_string(needs, ',') AS needs, epoch_ms(set_at) AS set_at, set_by FROM dispatch_needs",
    );
    const known = new Set<string>(RESPONDER_KINDS);
    const stored = new Map(rows.map((r) => [r.category, r]));
    const overrides: Partial<Record<IncidentCategory, ResponderKind[]>> = {};
    for (const r of rows) {
      const needs = r.needs.split(',').filter((k) => known.has(k)) as ResponderKind[];
      if (needs.length > 0) overrides[r.category as IncidentCategory] = needs;
    }
    const all = needsWith(overrides);
    return INCIDENT_CATEGORIES.map((category) => {
      const row = overrides[category] ? stored.get(category) : undefined;
      return {
        category,
        needs: [...all[category]],
        isDefault: !row,
        setBy: row?.set_by ?? null,
        setAtMs: row ? Number(row.set_at) : null,
      };
    });
  }

  public async setNeeds(category: IncidentCategory, needs: ResponderKind[] | null): Promise<CategoryNeeds[]> {
    if (!INCIDENT_CATEGORIES.includes(category)) throw new RangeError(`Unknown category: ${String(category)}`);
    const actor = currentActor();
    const at = this.now();
    await this.store.transaction(async () => {
      await this.store.run('DELETE FROM dispatch_needs WHERE category = $c', { c: category });
      if (needs)
        await this.store.run(
          "INSERT INTO dispatch_needs VALUES ($c, string_split($n, ','), epoch_ms($t::BIGINT), $a)",
          { c: category, n: needs.join(','), t: at, a: actor },
        );
      await appendAudit(this.store, {
        actor,
        action: 'dispatch.setNeeds',
        subject: `category:${category}`,
        reason: needs ? needs.join(', ') : 'restored the default',
        atMs: at,
      });
    });
    return this.getNeeds();
  }


  public async proposeByKind(incidentId: string): Promise<IncidentProposal | null> {
    const id = String(incidentId).slice(0, 128);
    const incident = await this.store.one<{ category: IncidentCategory; lon: number; lat: number }>(
      'SELECT category, lon, lat FROM incidents WHERE id = $id',
      { id },
    );
    if (!incident) return null;
    const needs = (await this.getNeeds()).find((n) => n.category === incident.category)?.needs ?? [];
    const resourceKinds = needs.filter(isResourceKind);
    const departmentKinds = needs.map(departmentKindOf).filter((k): k is NonNullable<typeof k> => k !== null);
    const t = new Date(this.now()).toISOString();
    // Available: its own newest report (within six hours; else its base's status) says idle, it is
    // not out on a dispatch, and a grid worker is not the assignee of an open incident.
    const units = resourceKinds.length
      ? await this.store.all<{ id: number; kind: ResourceKind; callsign: string; lon: number; lat: number }>(
          /* sql */ `
      WITH p AS (SELECT resource_id, max_by(lon, ts) AS lon, max_by(lat, ts) AS lat, max_by(status, ts) AS status
                 FROM resource_positions WHERE ts <= $t::TIMESTAMP AND ts >= $t::TIMESTAMP - INTERVAL 6 HOUR GROUP BY resource_id),
      busy AS (SELECT DISTINCT assignee_id FROM (
                 SELECT s.incident_id, max_by(s.assignee_id, epoch_ms(s.ts)) FILTER (WHERE s.assignee_kind = 'grid_worker') AS assignee_id,
                        bool_or(s.step IN ('feedback', 'evaluated', 'closed', 'cancelled')) AS done
                 FROM incident_steps s GROUP BY s.incident_id) WHERE NOT done AND assignee_id IS NOT NULL)
      SELECT r.id, r.kind, r.callsign, coalesce(p.lon, r.lon) AS lon, coalesce(p.lat, r.lat) AS lat
      FROM resources r LEFT JOIN p ON p.resource_id = r.id
      WHERE list_contains(string_split($kinds, ','), r.kind) AND coalesce(p.status, r.status) = 'idle'
        AND r.id NOT IN (SELECT resource_id FROM resource_dispatch_current)
        AND (r.kind <> 'grid_worker' OR r.id NOT IN (SELECT assignee_id FROM busy))`,
          { t, kinds: resourceKinds.join(',') },
        )
      : [];
    const departments = departmentKinds.length
      ? await this.store.all<{ id: number; kind: string; name: string; lon: number; lat: number }>(
          "SELECT id, kind, name, lon, lat FROM departments WHERE lon IS NOT NULL AND lat IS NOT NULL AND list_contains(string_split($kinds, ','), kind)",
          { kinds: departmentKinds.join(',') },
        )
      : [];
    const graph = await twinRoadGraph(this.store);
    const candidates = [
      ...units.map((u) => ({ kind: 'resource' as const, id: u.id, lon: u.lon, lat: u.lat, responder: u.kind as ResponderKind, label: u.callsign })),
      ...departments.map((d) => ({ kind: 'department' as const, id: d.id, lon: d.lon, lat: d.lat, responder: `department:${d.kind}` as ResponderKind, label: d.name })),
    ];
    // Vehicles are ranked over the driving network (one-way streets, no footways), people on foot
    // or e-bike over every way: one search each.
    const ranked = (['drive', 'walk'] as const).flatMap((travel) =>
      graph.rankByRoadDistance(incident.lon, incident.lat, candidates.filter((c) => travelOf(c.responder) === travel), travel),
    );
    const sent = await this.store.all<{ resource_id: number; kind: ResourceKind; callsign: string; state: DispatchState; since: number }>(
      `SELECT c.resource_id, r.kind, r.callsign, c.state, epoch_ms(c.since) AS since FROM resource_dispatch_current c
       JOIN resources r ON r.id = c.resource_id WHERE c.incident_id = $id ORDER BY c.since`,
      { id },
    );
    const kinds: KindProposal[] = needs.map((kind) => {
      const options: UnitProposal[] = ranked
        .filter((c) => c.responder === kind && Number.isFinite(c.roadDistanceM))
        .slice(0, 1 + ALTERNATIVES)
        .map((c) => ({
          // Grid workers are dispatched as grid workers (the queue's assignee), vehicles as resources.
          assignee: { kind: c.kind === 'department' ? 'department' : kind === 'grid_worker' ? 'grid_worker' : 'resource', id: c.id },
          label: c.label,
          roadDistanceM: Math.round(c.roadDistanceM),
          straightDistanceM: Math.round(c.straightDistanceM),
          etaMin: etaMinutes(kind, c.roadDistanceM),
        }));
      return {
        kind,
        proposal: options[0] ?? null,
        alternatives: options.slice(1),
        sent: sent
          .filter((s) => s.kind === kind)
          .map((s) => ({ resourceId: s.resource_id, label: s.callsign, state: s.state, sinceMs: Number(s.since) })),
      };
    });
    return { incidentId: id, category: incident.category, kinds };
  }

  public async getActiveDispatches(): Promise<ActiveDispatch[]> {
    const rows = await this.store.all<{
      resource_id: number;
      kind: ResourceKind;
      callsign: string;
      incident_id: string;
      state: 'en_route' | 'on_scene';
      since: number;
      incident_lon: number;
      incident_lat: number;
      from_lon: number | null;
      from_lat: number | null;
      sent_at: number | null;
    }>(/* sql */ `
      WITH s AS (SELECT resource_id, incident_id, max_by(from_lon, seq) AS from_lon, max_by(from_lat, seq) AS from_lat,
                        max_by(epoch_ms(ts), seq) AS sent_at
                 FROM resource_dispatch_states WHERE state = 'en_route' GROUP BY resource_id, incident_id)
      SELECT c.resource_id, r.kind, r.callsign, c.incident_id, c.state, epoch_ms(c.since) AS since, c.incident_lon, c.incident_lat,
             s.from_lon, s.from_lat, s.sent_at
      FROM resource_dispatch_current c JOIN resources r ON r.id = c.resource_id
      LEFT JOIN s ON s.resource_id = c.resource_id AND s.incident_id = c.incident_id
      ORDER BY c.resource_id`);
    const graph = rows.length ? await twinRoadGraph(this.store) : null;
    const live = new Set<string>();
    const out = rows.map((r): ActiveDispatch => {
      const fromLon = r.from_lon ?? r.incident_lon;
      const fromLat = r.from_lat ?? r.incident_lat;
      const key = `${r.resource_id}|${r.incident_id}|${r.sent_at}`;
      live.add(key);
      let path = this.routes.get(key);
      if (!path) {
        const via = graph!.path(fromLon, fromLat, r.incident_lon, r.incident_lat, travelOf(r.kind));
        const pts: [number, number][] = [[fromLon, fromLat], ...via, [r.incident_lon, r.incident_lat]];
        let lengthM = 0;
        for (let i = 1; i < pts.length; i++) lengthM += metresBetween(pts[i - 1]![0], pts[i - 1]![1], pts[i]![0], pts[i]![1]);
        path = { route: pts.flat(), lengthM };
        this.routes.set(key, path);
      }
      return {
        resourceId: r.resource_id,
        resourceKind: r.kind,
        callsign: r.callsign,
        incidentId: r.incident_id,
        state: r.state,
        sinceMs: Number(r.since),
        dispatchedAtMs: r.sent_at === null ? Number(r.since) : Number(r.sent_at),
        route: path.route,
        roadDistanceM: Math.round(path.lengthM),
        etaMin: etaMinutes(r.kind, path.lengthM),
      };
    });
    for (const k of [...this.routes.keys()]) if (!live.has(k)) this.routes.delete(k);
    return out;
  }

  public onDispatchesChanged(listener: (push: DispatchesPush) => void): () => void {
    this.listeners.add(listener);
    this.watch();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** While anyone listens: look for a change once a second (one count over a small table), push the list on one. */
  private watch(): void {
    if (this.watchTimer || this.stopped) return;
    this.watchTimer = setInterval(() => void this.check(), this.options.watchMs ?? WATCH_MS);
    this.watchTimer.unref?.();
  }

  private checking = false;
  private async check(): Promise<void> {
    if (this.listeners.size === 0) {
      if (this.watchTimer) clearInterval(this.watchTimer);
      this.watchTimer = null;
      this.lastMark = '';
      return;
    }
    if (this.checking || this.stopped) return;
    this.checking = true;
    try {
      const mark = await this.store.one<{ n: number; s: number }>(
        'SELECT count(*)::DOUBLE AS n, coalesce(max(seq), 0)::DOUBLE AS s FROM resource_dispatch_states',
      );
      const key = `${mark?.n}:${mark?.s}`;
      if (key === this.lastMark) return;
      this.lastMark = key;
      const push: DispatchesPush = { dispatches: await this.getActiveDispatches() };
      for (const l of this.listeners) l(push);
    } catch (err) {
      if (!this.stopped) console.error(`dispatch: push failed: ${(err as Error).message}`);
    } finally {
      this.checking = false;
    }
  }

  public stop(): void {
    this.stopped = true;
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.watchTimer = null;
    this.listeners.clear();
  }
}
