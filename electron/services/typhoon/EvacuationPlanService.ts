/**
 * The evacuation plan and one-click dispatch (issue 11 §5), the typhoon section's planning half
 * (electron/common/typhoon/evacuationContract.ts):
 *
 * - `planEvacuation` runs the rules over the twin as the storm leaves it (analytics/typhoon/
 *   evacuation/stormPlan.ts) and keeps the plan (id, storm, options, who, when, the whole result):
 *   reading it back gives the same numbers, and the briefing reads the latest and the one before.
 * - `dispatchPlan` turns a plan into tasks in the live incident queue, as `incident.reported` and
 *   `incident.status` events through ingest with ids made from the plan: dispatching it again sends
 *   the same ids, which the event log counts as duplicates, so nothing is made twice.
 * - Progress comes as `typhoon.evacuation_progress` events (ingest API, or an operator at the
 *   console) and the plan board counts each household's newest report against the grid's clock.
 *
 * Households are named (address, flat, masked contact) only to people with role operator or above
 * at a console; a wall, a viewer or a source system gets counts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { fieldAad } from '../../../data/store/crypto.ts';
import { gridRings } from '../../../data/store/typhoon/briefs.ts';
import { maskName, maskPhone, type ContactPii } from '../../../data/model/masking.ts';
import { validateEvent, type IngestEvent } from '../../../data/feed/events.ts';
import { evacuationClock, type EvacuationClock } from '../../../data/analytics/typhoon/evacuationClock.ts';
import { DEFAULT_EVACUATION_RULES, type EvacuationRule } from '../../../data/analytics/typhoon/evacuation/rules.ts';
import {
  gridClockPlan,
  normaliseStormPlanOptions,
  planStormEvacuation,
  type StormEvacuationPlan,
  type StormPlanOptions,
} from '../../../data/analytics/typhoon/evacuation/stormPlan.ts';
import type { IngestService } from '../IngestService.ts';
import { appendAudit, currentActor } from '../audit.ts';
import { currentCaller } from '../callContext.ts';
import { roleRank } from '../../common/access.ts';
import { servingWall } from '../wallView.ts';
import type {
  DoorKnockListView,
  DoorKnockStopView,
  EvacuationClockView,
  EvacuationPlanApi,
  EvacuationPlanOptions,
  EvacuationPlanSummary,
  EvacuationPlanView,
  EvacuationProgressStatus,
  EvacuationRuleView,
  PlanBoard,
  PlanDispatchResult,
} from '../../common/typhoon/evacuationContract.ts';

export interface EvacuationPlanServiceOptions {
  store: DuckDbStore;
  ingest: IngestService;
  personalData: 'masked' | 'none';
  now?: () => number;
}

interface PlanRow {
  id: string;
  storm_id: string;
  options: string;
  created_by: string;
  created_at_ms: number;
  plan: string;
}

interface KeptPlan {
  planId: string;
  createdBy: string;
  createdAtMs: number;
  shiftMs: number;
  plan: StormEvacuationPlan;
  /** household id → index into plan.households */
  index: Map<number, number>;
}

interface DispatchRow {
  dispatched_at_ms: number;
  dispatched_by: string;
  tasks: number;
  incident_ids: string;
}

const PLAN_CACHE_LIMIT = 6;
const HIDDEN = '—';

/** The clock as the contract sends it (Infinity is not JSON). */
function clockView(c: EvacuationClock): EvacuationClockView {
  return {
    status: c.status,
    late: c.late,
    galeArrivalUtcMs: c.galeArrivalUtcMs,
    mustBeDoneByUtcMs: c.mustBeDoneByUtcMs,
    minutesToSpare: c.minutesToSpare === null ? null : Math.round(c.minutesToSpare),
    clearanceMinutes: Number.isFinite(c.clearance.minutes) ? Math.round(c.clearance.minutes) : null,
    bottleneck: c.clearance.bottleneck,
    problem: c.problem,
  };
}

/** Rules as given (the contract's shape) → the analytics' rules, missing parameters from the default rule of that kind. */
function toRules(given: readonly EvacuationRuleView[] | undefined): EvacuationRule[] | undefined {
  if (!given) return undefined;
  return given.map((r) => {
    const base = DEFAULT_EVACUATION_RULES.find((d) => d.kind === r.kind)!;
    const defined = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
    return { ...base, ...defined } as EvacuationRule;
  });
}

export class EvacuationPlanService implements EvacuationPlanApi {
  private readonly store: DuckDbStore;
  private readonly ingest: IngestService;
  private readonly personalData: 'masked' | 'none';
  private readonly now: () => number;
  private readonly plans = new Map<string, KeptPlan>();
  /** Grid outlines (they do not change while a host runs). */
  private rings: Map<number, [number, number][]> | null = null;
  private readonly listeners = new Set<(change: { planId: string; gridIds: number[] }) => void>();

  public constructor(options: EvacuationPlanServiceOptions) {
    this.store = options.store;
    this.ingest = options.ingest;
    this.personalData = options.personalData;
    this.now = options.now ?? Date.now;
  }

  //#region pushes
  public onPlanProgress(listener: (change: { planId: string; gridIds: number[] }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(planId: string, gridIds: number[]): void {
    const change = { planId, gridIds: [...new Set(gridIds)].sort((a, b) => a - b) };
    for (const l of this.listeners) l(change);
  }

  /** Progress that came through ingest: each plan's boards are told which grids moved. */
  public onCommitted(events: readonly IngestEvent[]): void {
    const byPlan = new Map<string, number[]>();
    for (const e of events) {
      if (e.type !== 'typhoon.evacuation_progress') continue;
      const list = byPlan.get(e.data.planId) ?? [];
      list.push(e.data.householdId);
      byPlan.set(e.data.planId, list);
    }
    for (const [planId, households] of byPlan) {
      void this.kept(planId).then(
        (kept) => this.emit(planId, kept ? households.map((h) => kept.plan.households[kept.index.get(h) ?? -1]?.gridId ?? -1).filter((g) => g >= 0) : []),
        () => this.emit(planId, []),
      );
    }
  }
  //#endregion

  //#region who sees what
  /** Households are named only to a person at a console with role operator or above. */
  private mayName(): boolean {
    if (servingWall(this.personalData) || this.personalData !== 'masked') return false;
    const caller = currentCaller();
    if (caller?.kind === 'system') return true;
    return caller?.kind === 'person' && roleRank(caller.role) >= roleRank('operator');
  }

  private showsPeople(): boolean {
    return !servingWall(this.personalData);
  }
  //#endregion

  //#region plans
  public async planEvacuation(stormId: string, options: EvacuationPlanOptions): Promise<EvacuationPlanView> {
    const actor = currentActor();
    const shiftMs = Math.round(options?.shiftMs ?? 0);
    const at = this.now();
    let normalised: StormPlanOptions;
    try {
      normalised = normaliseStormPlanOptions({
        ...options,
        rules: toRules(options?.rules),
        nowUtcMs: options?.nowUtcMs ?? at - shiftMs,
        rainTotalMm: options?.rainTotalMm ?? null,
      } as Partial<StormPlanOptions> & { nowUtcMs: number });
    } catch (err) {
      throw new RangeError(`The plan's options: ${(err as Error).message}`);
    }
    let plan: StormEvacuationPlan | null;
    try {
      plan = await planStormEvacuation(this.store, stormId, normalised);
    } catch (err) {
      // The rules' own check names each rule and what to fix.
      if ((err as Error).message.startsWith('The evacuation rules')) throw new RangeError((err as Error).message);
      throw err;
    }
    if (!plan) throw new RangeError(`No storm "${stormId}" in this twin: import its track (civictwin typhoon import) or pick one from the storm list.`);
    const planId = `EP-${at.toString(36)}-${randomBytes(3).toString('hex')}`;
    const stored = JSON.stringify(plan);
    await this.store.transaction(async () => {
      await this.store.run(
        `INSERT INTO typhoon_evacuation_plans (id, storm_id, options, created_by, created_at, households, people, plan)
         VALUES ($id, $storm, $options, $by, epoch_ms($at::BIGINT), $households, $people, $plan)`,
        {
          id: planId,
          storm: stormId,
          options: JSON.stringify({ ...normalised, shiftMs }),
          by: actor,
          at,
          households: plan.totals.households,
          people: plan.totals.people,
          plan: stored,
        },
      );
      await appendAudit(this.store, {
        actor,
        action: 'typhoon.plan',
        subject: `plan:${planId}`,
        reason: `storm ${stormId}: ${plan.totals.households} households, ${plan.totals.people} people, ${plan.totals.unplacedHouseholds} unplaced${normalised.rainTotalMm !== null ? `, rain ${normalised.rainTotalMm} mm` : ''}`,
        atMs: at,
      });
    });
    const kept = this.keep({ planId, createdBy: actor, createdAtMs: at, shiftMs, plan });
    this.emit(planId, []);
    return this.view(kept, null);
  }

  public async listEvacuationPlans(stormId: string | null): Promise<EvacuationPlanSummary[]> {
    const rows = await this.store.all<{
      id: string; storm_id: string; created_by: string; created_at_ms: number; options: string; households: number; people: number;
      unplaced: number | null; late: number | null; dispatched_at_ms: number | null; dispatched_by: string | null;
    }>(
      `SELECT p.id, p.storm_id, p.created_by, epoch_ms(p.created_at) AS created_at_ms, p.options, p.households, p.people,
              CAST(json_extract(p.plan, '$.totals.unplacedHouseholds') AS INTEGER) AS unplaced,
              CAST(json_extract(p.plan, '$.totals.lateGrids') AS INTEGER) AS late,
              epoch_ms(d.dispatched_at) AS dispatched_at_ms, d.dispatched_by
         FROM typhoon_evacuation_plans p LEFT JOIN typhoon_evacuation_dispatches d ON d.plan_id = p.id
        WHERE $storm IS NULL OR p.storm_id = $storm
        ORDER BY p.created_at DESC, p.id DESC LIMIT 200`,
      { storm: stormId },
    );
    const people = this.showsPeople();
    return rows.map((r) => {
      const o = JSON.parse(r.options) as StormPlanOptions & { shiftMs: number };
      return {
        planId: r.id,
        stormId: r.storm_id,
        createdAtMs: Number(r.created_at_ms),
        createdBy: people ? r.created_by : null,
        nowUtcMs: o.nowUtcMs,
        shiftMs: o.shiftMs ?? 0,
        households: r.households,
        people: r.people,
        unplacedHouseholds: r.unplaced ?? 0,
        lateGrids: r.late ?? 0,
        dispatchedAtMs: r.dispatched_at_ms === null ? null : Number(r.dispatched_at_ms),
        dispatchedBy: people ? r.dispatched_by : null,
      };
    });
  }

  public async getEvacuationPlan(planId: string): Promise<EvacuationPlanView | null> {
    const kept = await this.kept(planId);
    if (!kept) return null;
    return this.view(kept, await this.dispatchOf(planId));
  }

  /** A plan from memory or the store. */
  private async kept(planId: string): Promise<KeptPlan | null> {
    const cached = this.plans.get(planId);
    if (cached) return cached;
    const row = await this.store.one<PlanRow>(
      'SELECT id, storm_id, options, created_by, epoch_ms(created_at) AS created_at_ms, plan FROM typhoon_evacuation_plans WHERE id = $id',
      { id: planId },
    );
    if (!row) return null;
    const options = JSON.parse(row.options) as { shiftMs?: number };
    return this.keep({ planId: row.id, createdBy: row.created_by, createdAtMs: Number(row.created_at_ms), shiftMs: options.shiftMs ?? 0, plan: JSON.parse(row.plan) as StormEvacuationPlan });
  }

  private keep(p: Omit<KeptPlan, 'index'>): KeptPlan {
    const kept: KeptPlan = { ...p, index: new Map(p.plan.households.map((h, i) => [h.householdId, i])) };
    if (this.plans.size >= PLAN_CACHE_LIMIT) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(p.planId, kept);
    return kept;
  }

  private async dispatchOf(planId: string): Promise<DispatchRow | null> {
    return (
      (await this.store.one<DispatchRow>(
        'SELECT epoch_ms(dispatched_at) AS dispatched_at_ms, dispatched_by, tasks, incident_ids FROM typhoon_evacuation_dispatches WHERE plan_id = $id',
        { id: planId },
      )) ?? null
    );
  }

  private view(kept: KeptPlan, dispatch: DispatchRow | null): EvacuationPlanView {
    const p = kept.plan;
    const people = this.showsPeople();
    const unplaced = new Map<string, { gridId: number | null; reason: 'capacity_short' | 'unreachable_by_road'; households: number; people: number }>();
    for (const h of p.households) {
      if (h.unplacedReason === null) continue;
      const key = `${h.gridId}:${h.unplacedReason}`;
      const u = unplaced.get(key) ?? { gridId: h.gridId, reason: h.unplacedReason, households: 0, people: 0 };
      u.households++;
      u.people += h.size;
      unplaced.set(key, u);
    }
    const trips = new Map<number | null, { gridId: number | null; trips: number; people: number }>();
    for (const t of p.vehicleTrips) {
      const v = trips.get(t.gridId) ?? { gridId: t.gridId, trips: 0, people: 0 };
      v.trips++;
      v.people += t.people;
      trips.set(t.gridId, v);
    }
    const o = p.options;
    return {
      planId: kept.planId,
      stormId: p.stormId,
      createdAtMs: kept.createdAtMs,
      createdBy: people ? kept.createdBy : null,
      nowUtcMs: o.nowUtcMs,
      shiftMs: kept.shiftMs,
      households: p.totals.households,
      people: p.totals.people,
      unplacedHouseholds: p.totals.unplacedHouseholds,
      lateGrids: p.totals.lateGrids,
      dispatchedAtMs: dispatch ? Number(dispatch.dispatched_at_ms) : null,
      dispatchedBy: dispatch && people ? dispatch.dispatched_by : null,
      options: {
        nowUtcMs: o.nowUtcMs,
        shiftMs: kept.shiftMs,
        rainTotalMm: o.rainTotalMm,
        rainHours: o.rainHours,
        markedBuildingIds: o.markedBuildingIds,
        dangerousBuildingIds: o.dangerousBuildingIds,
        rules: o.rules as EvacuationRuleView[],
        walkMinutesPerHousehold: o.walkMinutesPerHousehold,
        vehicleMinutesPerHousehold: o.vehicleMinutesPerHousehold,
        householdsPerTrip: o.householdsPerTrip,
        mobilisationMinutes: o.mobilisationMinutes,
        knockersPerWorker: o.knockersPerWorker,
      },
      wind: p.wind,
      flood: p.flood ? { ...p.flood, spots: undefined } as unknown as EvacuationPlanView['flood'] : null,
      byRule: p.byRule,
      totals: {
        households: p.totals.households,
        people: p.totals.people,
        placedPeople: p.totals.placedPeople,
        unplacedPeople: p.totals.unplacedPeople,
        unplacedHouseholds: p.totals.unplacedHouseholds,
        vulnerable: p.totals.vulnerable,
        vehicleHouseholds: p.totals.vehicleHouseholds,
        vehicleTrips: p.totals.vehicleTrips,
        lateGrids: p.totals.lateGrids,
      },
      comparison: p.comparison,
      grids: p.grids.map((g) => ({ ...g, clock: clockView(g.clock) })),
      communities: p.communities,
      shelters: p.shelters,
      unplaced: [...unplaced.values()].sort((a, b) => (a.gridId ?? -1) - (b.gridId ?? -1) || a.reason.localeCompare(b.reason)),
      routes: p.routes.map((r) => ({ workerId: r.workerId, callsign: r.callsign, gridId: r.gridId, households: r.households, people: r.people, buildings: r.buildings, vehicleHouseholds: r.vehicleHouseholds, routeM: r.routeM })),
      vehicleTripsByGrid: [...trips.values()].sort((a, b) => (a.gridId ?? -1) - (b.gridId ?? -1)),
      prePositions: p.prePositions.map((x) => ({
        resourceId: x.resourceId,
        kind: x.kind,
        callsign: x.callsign,
        spotKind: x.spot.kind,
        label: x.spot.label,
        lon: x.spot.lon,
        lat: x.spot.lat,
        depthM: x.spot.depthM,
        households: x.spot.households,
        roadDistanceM: x.roadDistanceM,
      })),
      notes: p.notes,
    };
  }
  //#endregion

  //#region door-knock lists and the board
  /** Address, flat and masked contact of the given households (operators and above only). */
  private async householdCards(ids: readonly number[]): Promise<Map<number, { address: string; unit: string; contactName: string; contactPhone: string }>> {
    const out = new Map<number, { address: string; unit: string; contactName: string; contactPhone: string }>();
    if (ids.length === 0) return out;
    const rows = await this.store.all<{ id: number; address: string; unit: string; contact_enc: Uint8Array | null }>(
      `SELECT h.id, b.address, h.unit, h.contact_enc FROM households h JOIN buildings b ON b.id = h.building_id
        WHERE h.id IN (SELECT unnest(from_json($ids::JSON, '["INTEGER"]'))) ORDER BY h.id`,
      { ids: JSON.stringify(ids) },
    );
    for (const r of rows) {
      let contact: ContactPii | null = null;
      try {
        contact = r.contact_enc ? (JSON.parse(this.store.cipher.decrypt(r.contact_enc, fieldAad('households', 'contact_enc', r.id))) as ContactPii) : null;
      } catch {
        contact = null;
      }
      out.set(r.id, {
        address: r.address,
        unit: r.unit,
        contactName: contact ? maskName(contact.name) : HIDDEN,
        contactPhone: contact ? maskPhone(contact.phone) : HIDDEN,
      });
    }
    return out;
  }

  /** Each household's newest reported status in the plan, and the newest report's time. */
  private async progressOf(planId: string): Promise<{ status: Map<number, EvacuationProgressStatus>; lastMs: number | null }> {
    const rows = await this.store.all<{ household_id: number; status: EvacuationProgressStatus; last_ms: number }>(
      `SELECT household_id, arg_max(status, ts) AS status, epoch_ms(max(ts)) AS last_ms
         FROM typhoon_evacuation_progress WHERE plan_id = $id GROUP BY household_id`,
      { id: planId },
    );
    let lastMs: number | null = null;
    const status = new Map<number, EvacuationProgressStatus>();
    for (const r of rows) {
      status.set(r.household_id, r.status);
      lastMs = Math.max(lastMs ?? 0, Number(r.last_ms));
    }
    return { status, lastMs };
  }

  public async getDoorKnockLists(planId: string): Promise<DoorKnockListView[]> {
    const kept = await this.kept(planId);
    if (!kept) return [];
    const p = kept.plan;
    const named = this.mayName();
    const gridName = new Map(p.grids.map((g) => [g.gridId, g.name]));
    const shelterName = new Map(p.shelters.map((s) => [s.shelterId, s.name]));
    const resourceOf = new Map(p.workers.map((w) => [w.id, w.resourceId]));
    const cards = named ? await this.householdCards(p.routes.flatMap((r) => r.stops.map((s) => s.householdId))) : new Map();
    const { status } = named ? await this.progressOf(planId) : { status: new Map<number, EvacuationProgressStatus>() };
    return p.routes.map((r) => ({
      workerId: r.workerId,
      resourceId: resourceOf.get(r.workerId) ?? null,
      callsign: r.callsign,
      gridId: r.gridId,
      gridName: gridName.get(r.gridId) ?? `#${r.gridId}`,
      households: r.households,
      people: r.people,
      vehicleHouseholds: r.vehicleHouseholds,
      routeM: r.routeM,
      named,
      stops: named
        ? r.stops.map((s): DoorKnockStopView => {
            const h = p.households[kept.index.get(s.householdId)!]!;
            const card = cards.get(s.householdId);
            return {
              order: s.order,
              householdId: s.householdId,
              buildingId: s.buildingId,
              address: card?.address ?? HIDDEN,
              unit: card?.unit ?? HIDDEN,
              floor: h.floor,
              size: h.size,
              contactName: card?.contactName ?? HIDDEN,
              contactPhone: card?.contactPhone ?? HIDDEN,
              needsVehicle: h.needsVehicle,
              shelterName: h.shelterId === null ? null : (shelterName.get(h.shelterId) ?? null),
              unplacedReason: h.unplacedReason,
              ruleIds: h.ruleIds,
              legM: s.legM,
              status: status.get(s.householdId) ?? null,
            };
          })
        : [],
    }));
  }

  public async getPlanBoard(planId: string): Promise<PlanBoard | null> {
    const kept = await this.kept(planId);
    if (!kept) return null;
    const p = kept.plan;
    const named = this.mayName();
    const { status, lastMs } = await this.progressOf(planId);
    const dispatch = await this.dispatchOf(planId);
    // The board's moment on the storm's clock: now, less a rehearsal's shift.
    const nowUtcMs = this.now() - kept.shiftMs;
    const workersOfGrid = new Map<number, number>();
    for (const w of p.workers) workersOfGrid.set(w.gridId, (workersOfGrid.get(w.gridId) ?? 0) + 1);
    const shelterName = new Map(p.shelters.map((s) => [s.shelterId, s.name]));
    const perGrid = new Map<number, { households: number; contacted: number; moved: number; refused: number; left: number; leftVehicle: number; leftIds: number[] }>();
    for (const h of p.households) {
      if (h.gridId === null) continue;
      const g = perGrid.get(h.gridId) ?? { households: 0, contacted: 0, moved: 0, refused: 0, left: 0, leftVehicle: 0, leftIds: [] };
      const s = status.get(h.householdId) ?? null;
      g.households++;
      if (s === 'contacted') g.contacted++;
      if (s === 'moved') g.moved++;
      else if (s === 'refused') g.refused++;
      else {
        g.left++;
        if (h.needsVehicle) g.leftVehicle++;
        g.leftIds.push(h.householdId);
      }
      perGrid.set(h.gridId, g);
    }
    const leftIds = named ? [...perGrid.values()].flatMap((g) => g.leftIds) : [];
    const cards = named ? await this.householdCards(leftIds) : new Map();
    this.rings ??= await gridRings(this.store);
    const rings = this.rings;
    const grids = p.grids
      .filter((g) => perGrid.has(g.gridId))
      .map((g) => {
        const a = perGrid.get(g.gridId)!;
        const clock = evacuationClock(gridClockPlan(p.options, a.left, a.leftVehicle, workersOfGrid.get(g.gridId) ?? 0), g.arrival7UtcMs, nowUtcMs);
        const ordered = a.leftIds
          .map((id) => p.households[kept.index.get(id)!]!)
          .sort((x, y) => (x.order ?? Infinity) - (y.order ?? Infinity) || x.householdId - y.householdId);
        return {
          gridId: g.gridId,
          name: g.name,
          households: a.households,
          contacted: a.contacted,
          moved: a.moved,
          refused: a.refused,
          left: a.left,
          clock: clockView(clock),
          ring: rings.get(g.gridId) ?? null,
          leftList: named
            ? ordered.map((h) => {
                const card = cards.get(h.householdId);
                return {
                  householdId: h.householdId,
                  order: h.order,
                  address: card?.address ?? HIDDEN,
                  unit: card?.unit ?? HIDDEN,
                  contactName: card?.contactName ?? HIDDEN,
                  status: status.get(h.householdId) ?? null,
                  needsVehicle: h.needsVehicle,
                  shelterName: h.shelterId === null ? null : (shelterName.get(h.shelterId) ?? null),
                };
              })
            : [],
        };
      });
    const sum = (k: 'households' | 'contacted' | 'moved' | 'refused' | 'left'): number => grids.reduce((acc, g) => acc + g[k], 0);
    return {
      planId,
      stormId: p.stormId,
      nowUtcMs,
      shiftMs: kept.shiftMs,
      totals: { households: sum('households'), contacted: sum('contacted'), moved: sum('moved'), refused: sum('refused'), left: sum('left'), lateGrids: grids.filter((g) => g.clock.late).length },
      grids,
      lastReportAtMs: lastMs,
      dispatchedAtMs: dispatch ? Number(dispatch.dispatched_at_ms) : null,
      named,
    };
  }
  //#endregion

  //#region progress from the console
  public async recordEvacuationProgress(planId: string, householdId: number, status: EvacuationProgressStatus, note: string | null): Promise<PlanBoard> {
    const actor = currentActor();
    const kept = await this.kept(planId);
    if (!kept) throw new RangeError(`No evacuation plan "${planId}": pick a plan from the plan board.`);
    const i = kept.index.get(householdId);
    if (i === undefined) throw new RangeError(`Household ${householdId} is not in plan ${planId}: only the plan's households can be reported (see the door-knock lists).`);
    const h = kept.plan.households[i]!;
    const at = this.now();
    const checked = validateEvent(
      {
        id: `console-${randomUUID()}`,
        type: 'typhoon.evacuation_progress',
        ts: new Date(at).toISOString(),
        source: 'console',
        data: {
          planId,
          householdId,
          status,
          ...(h.workerId !== null ? { gridWorkerId: h.workerId } : {}),
          actor,
          ...(note && note.trim() ? { note: note.trim().slice(0, 200) } : {}),
        },
      },
      at,
    );
    if (!checked.ok) throw new RangeError(`The progress report is not valid: ${checked.reason}`);
    const event = checked.event as IngestEvent & { type: 'typhoon.evacuation_progress' };
    const d = event.data;
    // The event, its row and the audit row in one transaction, as every console action.
    await this.store.transaction(async () => {
      await appendAudit(this.store, { actor, action: 'typhoon.progress', subject: `household:${householdId}`, reason: `${planId}: ${status}${d.note ? `; ${d.note}` : ''}`, atMs: at });
      await this.store.run(
        `INSERT INTO events (id, type, ts, source, received_at, transport, data) VALUES ($id, $type, epoch_ms($t::BIGINT), 'console', epoch_ms($t::BIGINT), 'console', $data)`,
        { id: event.id, type: event.type, t: at, data: JSON.stringify(d) },
      );
      await this.store.run(
        `INSERT INTO typhoon_evacuation_progress (event_id, plan_id, household_id, status, grid_worker_id, actor, note, source, ts)
         VALUES ($e, $p, $h, $s, $w, $a, $n, 'console', epoch_ms($t::BIGINT))`,
        { e: event.id, p: planId, h: householdId, s: status, w: d.gridWorkerId ?? null, a: actor, n: d.note ?? null, t: at },
      );
    });
    this.emit(planId, h.gridId === null ? [] : [h.gridId]);
    return (await this.getPlanBoard(planId))!;
  }
  //#endregion

  //#region one-click dispatch
  public async dispatchPlan(planId: string): Promise<PlanDispatchResult> {
    const actor = currentActor();
    const kept = await this.kept(planId);
    if (!kept) throw new RangeError(`No evacuation plan "${planId}": make a plan first, then dispatch it.`);
    const before = await this.dispatchOf(planId);
    const at = before ? Number(before.dispatched_at_ms) : this.now();
    const { events, incidentIds } = await this.tasksOf(kept, actor, this.now());
    // The same ids every time: a second dispatch is all duplicates in the event log.
    const result = await this.ingest.ingestValues(events, 'console');
    if (result.rejected.length > 0) {
      throw new Error(`The plan's tasks could not all be written (${result.rejected.length} refused: ${result.rejected.slice(0, 3).map((r) => `${r.id}: ${r.reason}`).join('; ')}).`);
    }
    const created = await this.store.transaction(async () => {
      const rows = await this.store.all(
        `INSERT INTO typhoon_evacuation_dispatches (plan_id, dispatched_at, dispatched_by, tasks, incident_ids)
         VALUES ($p, epoch_ms($t::BIGINT), $by, $n, $ids) ON CONFLICT DO NOTHING RETURNING plan_id`,
        { p: planId, t: at, by: actor, n: incidentIds.length, ids: JSON.stringify(incidentIds) },
      );
      if (rows.length === 0) return false;
      await appendAudit(this.store, { actor, action: 'typhoon.dispatch', subject: `plan:${planId}`, reason: `${incidentIds.length} tasks (${result.accepted} events)`, atMs: at });
      return true;
    });
    const row = (await this.dispatchOf(planId))!;
    this.emit(planId, []);
    return {
      planId,
      created,
      tasks: incidentIds.length,
      incidentIds,
      dispatchedAtMs: Number(row.dispatched_at_ms),
      dispatchedBy: this.showsPeople() ? row.dispatched_by : null,
    };
  }

  /**
   * The plan's tasks as events: per grid worker their door-knock list, per community the vehicle trips
   * (民政 or the emergency office), per shelter used its opening (emergency office), per pump truck
   * and boat its waiting place (its own department); vehicle trips per community. Each is reported, accepted and dispatched.
   * Ids come from the plan id and what the task is, never from the time.
   */
  private async tasksOf(kept: KeptPlan, actor: string, atMs: number): Promise<{ events: unknown[]; incidentIds: string[] }> {
    const p = kept.plan;
    const key = kept.planId.slice(3);
    const buildings = new Map(
      (await this.store.all<{ id: number; lon: number; lat: number }>('SELECT id, centroid_lon AS lon, centroid_lat AS lat FROM buildings ORDER BY id')).map((b) => [b.id, b]),
    );
    const departments = await this.store.all<{ id: number; kind: string; name: string }>('SELECT id, kind, name FROM departments ORDER BY id');
    const deptOf = (...kinds: string[]): number | null => {
      for (const k of kinds) {
        const d = departments.find((x) => x.kind === k);
        if (d) return d.id;
      }
      return departments[0]?.id ?? null;
    };
    const gridById = new Map(p.grids.map((g) => [g.gridId, g]));
    const shelterById = new Map(p.shelters.map((s) => [s.shelterId, s]));
    const events: unknown[] = [];
    const incidentIds: string[] = [];
    const hhmm = (utcMs: number | null): string => {
      if (utcMs === null) return '—';
      const d = new Date(utcMs + kept.shiftMs + 8 * 3600_000);
      return `${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    };
    const task = (suffix: string, t: { lon: number; lat: number; buildingId?: number; severity: 1 | 2 | 3 | 4; description: string; assignee: { kind: 'grid_worker' | 'department'; id: number } | null }): void => {
      const incidentId = `EV-${key}-${suffix}`;
      incidentIds.push(incidentId);
      const base = `evac-${kept.planId}-${suffix}`;
      const ts = (k: number): string => new Date(atMs + k).toISOString();
      events.push({
        id: `${base}-r`,
        type: 'incident.reported',
        ts: ts(0),
        source: 'typhoon-plan',
        data: {
          incidentId,
          category: 'typhoon_evacuation',
          severity: t.severity,
          lon: t.lon,
          lat: t.lat,
          reporter: 'platform',
          description: t.description.slice(0, 500),
          ...(t.buildingId !== undefined ? { buildingId: t.buildingId } : {}),
        },
      });
      events.push({ id: `${base}-a`, type: 'incident.status', ts: ts(1), source: 'typhoon-plan', data: { incidentId, status: 'accepted', actor } });
      if (t.assignee)
        events.push({ id: `${base}-d`, type: 'incident.status', ts: ts(2), source: 'typhoon-plan', data: { incidentId, status: 'dispatched', assignee: t.assignee, actor, note: `一键调度 ${kept.planId}` } });
    };
    for (const r of p.routes) {
      const g = gridById.get(r.gridId);
      const first = buildings.get(r.stops[0]?.buildingId ?? -1);
      if (!first) continue;
      const worker = p.workers.find((w) => w.id === r.workerId);
      task(`W${r.workerId}`, {
        lon: first.lon,
        lat: first.lat,
        buildingId: first.id,
        severity: g?.clock.late ? 4 : 3,
        description: `台风转移敲门清单 · ${g?.name ?? ''} · ${r.households} 户 ${r.people} 人（需车辆 ${r.vehicleHouseholds} 户）· ${r.buildings} 栋楼，路线约 ${r.routeM} 米 · 须于 ${hhmm(g?.clock.mustBeDoneByUtcMs ?? null)} 前开始 · 计划 ${kept.planId}`,
        assignee: worker?.resourceId != null ? { kind: 'grid_worker', id: worker.resourceId } : null,
      });
    }
    // Vehicle trips: one task per community for the department with the vans (民政, else the emergency office).
    const communityOfGrid = new Map(p.grids.map((g) => [g.gridId, g.communityId]));
    const communityName = new Map(p.communities.map((c) => [c.communityId, c.name]));
    const tripsByCommunity = new Map<number | null, typeof p.vehicleTrips>();
    for (const t of p.vehicleTrips) {
      const c = t.gridId === null ? null : (communityOfGrid.get(t.gridId) ?? null);
      tripsByCommunity.set(c, [...(tripsByCommunity.get(c) ?? []), t]);
    }
    for (const [communityId, trips] of [...tripsByCommunity].sort(([a], [b]) => (a ?? -1) - (b ?? -1))) {
      const b = buildings.get(trips[0]!.buildingId);
      if (!b) continue;
      const late = trips.some((t) => t.gridId !== null && gridById.get(t.gridId)?.clock.late);
      const people = trips.reduce((a, t) => a + t.people, 0);
      const grids = new Set(trips.map((t) => t.gridId)).size;
      const dept = deptOf('civil_affairs', 'emergency');
      task(`V${communityId ?? 'x'}`, {
        lon: b.lon,
        lat: b.lat,
        buildingId: b.id,
        severity: late ? 4 : 3,
        description: `车辆转运 ${trips.length} 趟 ${people} 人（行动不便住户）· ${communityId === null ? '无社区' : (communityName.get(communityId) ?? '')} ${grids} 个网格 → ${[...new Set(trips.map((t) => shelterById.get(t.shelterId)?.name ?? ''))].slice(0, 3).join('、')} 等 · 计划 ${kept.planId}`,
        assignee: dept === null ? null : { kind: 'department', id: dept },
      });
    }
    for (const s of p.shelters) {
      if (s.planned <= 0) continue;
      const dept = deptOf('emergency', 'civil_affairs');
      task(`S${s.shelterId}`, {
        lon: s.lon,
        lat: s.lat,
        severity: 3,
        description: `开放避难场所 ${s.name}：预计接收 ${s.planned} 人（容量 ${s.capacity}）· 计划 ${kept.planId}`,
        assignee: dept === null ? null : { kind: 'department', id: dept },
      });
    }
    for (const x of p.prePositions) {
      const what = x.kind === 'pump_truck' ? '泵车' : '冲锋舟';
      task(`R${x.resourceId}`, {
        lon: x.spot.lon,
        lat: x.spot.lat,
        severity: x.spot.households > 0 ? 4 : 3,
        description: `${x.callsign.startsWith(what) ? x.callsign : `${what} ${x.callsign}`} 预置：${x.spot.label} · 最深 ${x.spot.depthM} 米${x.spot.fromHour !== null ? ` · 第 ${x.spot.fromHour + 1} 小时起进水` : ''} · 计划 ${kept.planId}`,
        assignee: x.departmentId === null ? null : { kind: 'department', id: x.departmentId },
      });
    }
    return { events, incidentIds };
  }
  //#endregion
}

/** The plan's options with the service's defaults, for callers that need them outside a call (tests, CLI). */
export type { StormPlanOptions };
