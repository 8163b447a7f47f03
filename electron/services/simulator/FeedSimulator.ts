/**
 * The demo district's live feed: incidents reported by residents, cameras, grid workers and
 * sensors; grid workers and vehicles moving along the roads; hourly meter readings. Other
 * operators are simulated too: a share of incidents is accepted, dispatched to the nearest free
 * worker or vehicle by road, handled and closed without the console; the rest wait for it.
 *
 * Deterministic for a seed given the same clock; it only produces wire events (the ingest
 * envelope), so it can feed the in-process host or any host over HTTP.
 */
import type { IncidentCategory, ReporterKind, Severity, StatusChange } from '../../../data/model/incidents.ts';
import type { ResourceKind, ResourceStatus } from '../../../data/model/domain.ts';
import type { SimResource, SimWorld } from './world.ts';
import { Rng } from '../../../data/model/random.ts';
import { travelOf } from '../../../data/model/dispatch/index.ts';

export interface WireEvent {
  id: string;
  type: string;
  ts: string;
  source: string;
  data: Record<string, unknown>;
}

export interface SimulatorOptions {
  seed: number;
  /** New incidents per hour of simulated time. */
  incidentsPerHour: number;
  /** Share of incidents the simulated other operators take care of (the rest wait for the console). */
  autoHandleShare: number;
  /** Cap on position fixes per second across the fleet. */
  maxFixesPerSecond: number;
  /** Unique per run so ids never collide with an earlier run's (replays keep their ids). */
  runId: string;
  /**
   * True for an incident a person at a console holds (opened, asked for a dispatch list, acted
   * on): the simulated colleagues never act on it (electron/services/incidents/attention.ts).
   */
  heldByPerson?: (incidentId: string) => boolean;
  /**
   * The units out on a dispatch now (dispatch module's `getActiveDispatches`). A unit someone else
   * sent (a person at a console) drives there by road, stays on scene until the dispatch releases
   * it, then goes home; the simulated colleagues never send it elsewhere meanwhile.
   */
  unitsOut?: () => readonly { resourceId: number; incidentId: string; route: readonly number[] }[];
}

/** How the simulated street runs while the past is written (`fastForward`): every incident handled, fewer fixes. */
export const HISTORY_PACE: Pick<SimulatorOptions, 'autoHandleShare' | 'maxFixesPerSecond'> = { autoHandleShare: 1, maxFixesPerSecond: 1 };

export const DEFAULT_SIMULATOR: Omit<SimulatorOptions, 'runId'> = { seed: 1, incidentsPerHour: 90, autoHandleShare: 0.6, maxFixesPerSecond: 50 };

/** Category mix of a city sub-district's daily reports, with who usually reports each. */
const CATEGORY_MIX: { category: IncidentCategory; weight: number; reporters: ReporterKind[]; severity: Severity[]; onRoad: boolean }[] = [
  { category: 'garbage', weight: 20, reporters: ['camera', 'grid_worker', 'resident'], severity: [1, 2], onRoad: true },
  { category: 'street_vending', weight: 16, reporters: ['camera', 'grid_worker'], severity: [1, 2], onRoad: true },
  { category: 'streetlight', weight: 10, reporters: ['hotline', 'resident', 'grid_worker'], severity: [1], onRoad: true },
  { category: 'waterlogging', weight: 8, reporters: ['sensor', 'camera', 'hotline'], severity: [2, 3], onRoad: true },
  { category: 'noise', weight: 12, reporters: ['hotline', 'resident'], severity: [1, 2], onRoad: false },
  { category: 'facility_damage', weight: 8, reporters: ['grid_worker', 'hotline'], severity: [1, 2], onRoad: true },
  { category: 'elderly_care', weight: 6, reporters: ['resident', 'grid_worker', 'meter'], severity: [3], onRoad: false },
  { category: 'medical', weight: 5, reporters: ['hotline', 'resident'], severity: [3, 4], onRoad: false },
  { category: 'fire', weight: 2, reporters: ['sensor', 'hotline', 'camera'], severity: [4], onRoad: false },
];
const DESCRIPTIONS: Record<IncidentCategory, string[]> = {
  garbage: ['垃圾桶满溢', '建筑垃圾堆放路边', '绿化带内堆积杂物'],
  street_vending: ['流动摊贩占道经营', '店外占道经营'],
  streetlight: ['路灯不亮', '路灯闪烁'],
  waterlogging: ['路面积水约 15 cm', '下穿通道积水'],
  noise: ['夜间装修噪音', '广场舞音响扰民'],
  facility_damage: ['井盖破损', '护栏倒伏'],
  elderly_care: ['独居老人多日未出门，邻居求助', '独居老人电话无人接听'],
  // Made by a dispatched evacuation plan, never by the simulator.
  typhoon_evacuation: [],
  medical: ['老人在家摔倒', '路人晕倒'],
  fire: ['楼道冒烟', '电动车充电起火'],
  other: ['其他'],
};
/** Who answers which category. */
const RESPONDER: Partial<Record<IncidentCategory, ResourceKind>> = { medical: 'ambulance', fire: 'fire_engine', waterlogging: 'pump_truck' };
const SPEED_MS: Record<ResourceKind, number> = { ambulance: 9, fire_engine: 8, rescue_boat: 4, pump_truck: 6, volunteer_team: 1.3, grid_worker: 3.5 };
const FIX_INTERVAL_S: Record<ResourceKind, number> = { ambulance: 5, fire_engine: 5, rescue_boat: 10, pump_truck: 10, volunteer_team: 30, grid_worker: 10 };

interface Mover {
  res: SimResource;
  home: [number, number];
  path: [number, number][];
  seg: number;
  segDone: number;
  status: ResourceStatus;
  heading: number;
  nextFixMs: number;
  patrol: boolean;
  task: { incidentId: string; phase: 'to_scene' | 'on_scene' | 'return'; untilMs: number; sentByOther?: boolean } | null;
}

interface PendingStep {
  atMs: number;
  incidentId: string;
  status: StatusChange;
  assignee?: { kind: 'grid_worker' | 'department' | 'resource'; id: number };
  note?: string;
  rating?: number;
}

export class FeedSimulator {
  private readonly world: SimWorld;
  private opts: SimulatorOptions;
  private readonly rand: () => number;
  private readonly movers: Mover[];
  private readonly steps: PendingStep[] = [];
  /** `resourceId|incidentId` of the units the simulated colleagues sent (the rest were sent by someone else). */
  private readonly ownSends = new Set<string>();
  private counter = 0;
  private incidentCounter = 0;
  private lastMs: number | null = null;
  private nextIncidentMs = 0;
  private lastMeterHour = 0;
  /** Elderly-alone households that have gone silent (the scenario the meter alert catches). */
  private readonly silent: Set<number>;

  public constructor(world: SimWorld, opts: SimulatorOptions) {
    this.world = world;
    this.opts = opts;
    const rng = new Rng(opts.seed);
    this.rand = () => rng.next();
    this.movers = world.resources.map((res) => ({
      res,
      home: [res.lon, res.lat],
      path: [],
      seg: 0,
      segDone: 0,
      status: 'idle',
      heading: 0,
      nextFixMs: 0,
      patrol: res.kind === 'grid_worker' && this.rand() < 0.6,
      task: null,
    }));
    this.silent = new Set(world.elderlyAloneHouseholds.slice(0, Math.max(1, Math.ceil(world.elderlyAloneHouseholds.length / 15))));
  }

  private id(): string {
    return `sim-${this.opts.runId}-${(++this.counter).toString(36)}`;
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rand() * xs.length)]!;
  }

  private event(type: string, atMs: number, source: string, data: Record<string, unknown>): WireEvent {
    return { id: this.id(), type, ts: new Date(atMs).toISOString(), source, data };
  }

  /**
   * Hourly readings for the last `hours` hours, so a freshly started demo already has history
   * (and its silent household already shows as silent).
   */
  public backfill(nowMs: number, hours = 30): WireEvent[] {
    const out: WireEvent[] = [];
    const hour = Math.floor(nowMs / 3600_000);
    for (let h = hour - hours; h < hour; h++) out.push(...this.meterHour(h));
    this.lastMeterHour = hour - 1;
    return out;
  }

  private meterHour(hour: number): WireEvent[] {
    const out: WireEvent[] = [];
    const localHour = (hour + 8) % 24;
    // Daily rhythm: mornings and evenings, little at night.
    const shape = [0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 1.6, 2.2, 1.4, 0.9, 0.8, 1.2, 1.4, 0.9, 0.7, 0.7, 0.9, 1.3, 2.0, 2.2, 1.8, 1.3, 0.8, 0.4][localHour]!;
    const households = [...this.world.elderlyAloneHouseholds, ...this.world.otherHouseholds];
    households.forEach((householdId, i) => {
      const atMs = hour * 3600_000 + ((i * 61_000) % 3600_000);
      const silent = this.silent.has(householdId);
      const alone = i < this.world.elderlyAloneHouseholds.length;
      const waterL = silent ? 0 : Math.round((alone ? 5 : 11) * shape * (0.6 + 0.8 * this.rand()) * 10) / 10;
      const powerKwh = silent ? 0.03 : Math.round((alone ? 0.1 : 0.16) * (0.5 + shape) * (0.7 + 0.6 * this.rand()) * 100) / 100;
      out.push(this.event('meter.reading', atMs, 'meter-head-end', { householdId, waterL, powerKwh, intervalMin: 60 }));
    });
    return out;
  }

  /** Advances the world to `nowMs` and returns what happened since the last step. */
  public step(nowMs: number): WireEvent[] {
    const out: WireEvent[] = [];
    const last = this.lastMs ?? nowMs;
    const dt = Math.max(0, Math.min(60_000, nowMs - last)) / 1000;
    this.lastMs = nowMs;
    if (this.nextIncidentMs === 0) this.nextIncidentMs = nowMs + 2000;
    while (this.nextIncidentMs <= nowMs) {
      out.push(...this.reportIncident(this.nextIncidentMs));
      this.nextIncidentMs += (-Math.log(1 - this.rand()) * 3600_000) / this.opts.incidentsPerHour;
    }
    // Scheduled lifecycle steps of incidents the simulated operators handle.
    this.steps.sort((a, b) => a.atMs - b.atMs);
    while (this.steps.length > 0 && this.steps[0]!.atMs <= nowMs) {
      const step = this.steps.shift()!;
      // A person has taken this one: the simulated colleagues leave it to them.
      if (this.opts.heldByPerson?.(step.incidentId)) continue;
      out.push(this.applyStep(step, nowMs));
    }
    this.followDispatches(nowMs);
    out.push(...this.moveFleet(nowMs, dt));
    // An hourly reading is sent once its hour is over (its timestamps are then all in the past).
    const hour = Math.floor(nowMs / 3600_000);
    if (this.lastMeterHour === 0) this.lastMeterHour = hour - 1;
    while (this.lastMeterHour < hour - 1) out.push(...this.meterHour(++this.lastMeterHour));
    return out;
  }

  /**
   * Runs the street from `fromMs` to `toMs` on a simulated clock, `stepMs` at a time, at the
   * history pace (every incident handled by the simulated colleagues, fewer fixes), and hands the
   * events to `sink` a chunk at a time: a demo that starts now has a day behind it in the replay.
   * The live run continues from where this leaves the world.
   */
  public async fastForward(fromMs: number, toMs: number, stepMs: number, sink: (events: WireEvent[]) => Promise<unknown>): Promise<number> {
    const live = this.opts;
    this.opts = { ...live, ...HISTORY_PACE, heldByPerson: undefined, unitsOut: undefined };
    let sent = 0;
    try {
      const first = this.backfill(fromMs);
      await sink(first);
      sent += first.length;
      this.lastMs = fromMs;
      this.nextIncidentMs = 0;
      let chunk: WireEvent[] = [];
      for (let t = fromMs + stepMs; t <= toMs; t += stepMs) {
        chunk.push(...this.step(t));
        if (chunk.length >= 5_000) {
          await sink(chunk);
          sent += chunk.length;
          chunk = [];
        }
      }
      if (chunk.length > 0) await sink(chunk);
      sent += chunk.length;
    } finally {
      this.opts = live;
    }
    return sent;
  }

  private reportIncident(atMs: number): WireEvent[] {
    const total = CATEGORY_MIX.reduce((s, c) => s + c.weight, 0);
    let r = this.rand() * total;
    const mix = CATEGORY_MIX.find((c) => (r -= c.weight) < 0) ?? CATEGORY_MIX[0]!;
    const building = this.pick(this.world.buildings);
    let lon = building.lon;
    let lat = building.lat;
    if (mix.onRoad && this.world.roads.nodeCount > 0) [lon, lat] = this.world.roads.nodeLonLat(this.world.roads.nearestNode(lon, lat).node);
    const incidentId = `INC-${this.opts.runId}-${String(++this.incidentCounter).padStart(4, '0')}`;
    const reporter = this.pick(mix.reporters);
    const events = [
      this.event('incident.reported', atMs, reporter === 'camera' ? `camera-${Math.floor(this.rand() * 400)}` : reporter === 'hotline' ? '12345' : `app-${reporter}`, {
        incidentId,
        category: mix.category,
        severity: this.pick(mix.severity),
        lon: Math.round(lon * 1e6) / 1e6,
        lat: Math.round(lat * 1e6) / 1e6,
        reporter,
        description: this.pick(DESCRIPTIONS[mix.category]),
        ...(mix.onRoad ? {} : { buildingId: building.id }),
      }),
    ];
    if (this.rand() < this.opts.autoHandleShare || mix.category === 'fire' || mix.category === 'medical') {
      // Accepted within 0.5–3 min, then dispatched to the nearest free responder.
      const acceptAt = atMs + (30 + this.rand() * 150) * 1000;
      this.steps.push({ atMs: acceptAt, incidentId, status: 'accepted' });
      this.steps.push({ atMs: acceptAt + (20 + this.rand() * 60) * 1000, incidentId, status: 'dispatched', note: `${mix.category}|${lon}|${lat}` });
    }
    return events;
  }

  private applyStep(step: PendingStep, nowMs: number): WireEvent {
    const data: Record<string, unknown> = { incidentId: step.incidentId, status: step.status, actor: 'sim-operator' };
    if (step.status === 'dispatched' && step.note) {
      const [category, lonText, latText] = step.note.split('|');
      const lon = Number(lonText);
      const lat = Number(latText);
      const kind = RESPONDER[category as IncidentCategory] ?? 'grid_worker';
      const free = this.movers.filter((m) => m.res.kind === kind && m.task === null);
      const ranked = this.world.roads.rankByRoadDistance(lon, lat, free.map((m) => ({ kind: 'resource' as const, id: m.res.id, lon: this.position(m)[0], lat: this.position(m)[1] })), travelOf(kind));
      const chosen = ranked[0] ? this.movers.find((m) => m.res.id === ranked[0]!.id) : undefined;
      if (chosen) {
        this.route(chosen, lon, lat);
        chosen.status = 'en_route';
        chosen.task = { incidentId: step.incidentId, phase: 'to_scene', untilMs: 0 };
        this.ownSends.add(`${chosen.res.id}|${step.incidentId}`);
        if (this.ownSends.size > 5000) this.ownSends.delete(this.ownSends.values().next().value!);
        chosen.nextFixMs = nowMs;
        // A vehicle is dispatched as itself (its state then follows its position reports, data/store/dispatch).
        data.assignee = kind === 'grid_worker' ? { kind: 'grid_worker', id: chosen.res.id } : { kind: 'resource', id: chosen.res.id };
        data.note = `派发 ${chosen.res.callsign}`;
      }
    } else if (step.status === 'evaluated') {
      data.rating = step.rating ?? 5;
    }
    return this.event('incident.status', step.atMs, 'sim-operator', data);
  }

  /**
   * Units someone else sent (a person at a console): each drives to its incident by road; one whose
   * dispatch is over (released, closed) goes home. The simulated colleagues' own are left as they are.
   */
  private followDispatches(nowMs: number): void {
    if (!this.opts.unitsOut) return;
    const out = new Map(this.opts.unitsOut().map((d) => [d.resourceId, d]));
    for (const m of this.movers) {
      const d = out.get(m.res.id);
      if (d && m.task?.incidentId !== d.incidentId && !this.ownSends.has(`${d.resourceId}|${d.incidentId}`) && d.route.length >= 2) {
        this.route(m, d.route[d.route.length - 2]!, d.route[d.route.length - 1]!);
        m.status = 'en_route';
        m.task = { incidentId: d.incidentId, phase: 'to_scene', untilMs: Infinity, sentByOther: true };
        m.nextFixMs = nowMs;
      } else if (!d && m.task?.sentByOther && m.task.phase !== 'return') {
        m.status = 'idle';
        m.task = { incidentId: m.task.incidentId, phase: 'return', untilMs: 0, sentByOther: true };
        this.route(m, m.home[0], m.home[1]);
        m.nextFixMs = nowMs;
      }
    }
  }

  private position(m: Mover): [number, number] {
    if (m.path.length < 2) return m.path[0] ?? m.home;
    const a = m.path[m.seg]!;
    const b = m.path[Math.min(m.seg + 1, m.path.length - 1)]!;
    const len = segmentMetres(a, b);
    const t = len > 0 ? Math.min(1, m.segDone / len) : 1;
    return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
  }

  private route(m: Mover, lon: number, lat: number): void {
    const [x, y] = this.position(m);
    const path = this.world.roads.path(x, y, lon, lat, travelOf(m.res.kind));
    m.path = [[x, y], ...path, [lon, lat]];
    m.seg = 0;
    m.segDone = 0;
  }

  private moveFleet(nowMs: number, dt: number): WireEvent[] {
    const out: WireEvent[] = [];
    const active = this.movers.filter((m) => m.task !== null || m.patrol).length;
    const minInterval = Math.max(1, active / this.opts.maxFixesPerSecond);
    for (const m of this.movers) {
      if (m.patrol && m.task === null && m.path.length < 2) {
        const target = this.pick(this.world.buildings);
        this.route(m, target.lon, target.lat);
      }
      let arrived = false;
      if (m.path.length >= 2) {
        let remaining = SPEED_MS[m.res.kind] * (m.status === 'en_route' ? 1.4 : 1) * dt;
        while (remaining > 0 && m.seg < m.path.length - 1) {
          const a = m.path[m.seg]!;
          const b = m.path[m.seg + 1]!;
          const len = segmentMetres(a, b);
          m.heading = bearing(a, b);
          if (m.segDone + remaining < len) {
            m.segDone += remaining;
            remaining = 0;
          } else {
            remaining -= len - m.segDone;
            m.seg++;
            m.segDone = 0;
          }
        }
        if (m.seg >= m.path.length - 1) {
          const end = m.path[m.path.length - 1]!;
          m.path = [end];
          arrived = true;
        }
      }
      if (arrived && m.task) {
        if (m.task.phase === 'to_scene') {
          m.status = 'on_scene';
          m.task.phase = 'on_scene';
          // Sent by someone else: on scene until that dispatch releases it (followDispatches).
          if (!m.task.sentByOther) {
            m.task.untilMs = nowMs + (120 + this.rand() * 360) * 1000;
            this.steps.push({ atMs: nowMs + 1000, incidentId: m.task.incidentId, status: 'handling' });
          }
        } else if (m.task.phase === 'return') {
          m.task = null;
          m.status = 'idle';
        }
        m.nextFixMs = nowMs;
      }
      if (m.task?.phase === 'on_scene' && nowMs >= m.task.untilMs) {
        this.steps.push({ atMs: nowMs, incidentId: m.task.incidentId, status: 'feedback' });
        this.steps.push({ atMs: nowMs + (60 + this.rand() * 240) * 1000, incidentId: m.task.incidentId, status: 'evaluated', rating: 4 + Math.round(this.rand()) });
        m.task = { incidentId: m.task.incidentId, phase: 'return', untilMs: 0 };
        m.status = 'idle';
        if (!m.patrol) this.route(m, m.home[0], m.home[1]);
        else m.task = null;
        m.nextFixMs = nowMs;
      }
      // Fixes: moving resources report at their interval (capped fleet-wide); parked ones every minute.
      const moving = m.path.length >= 2 || m.status === 'on_scene';
      const interval = moving ? Math.max(FIX_INTERVAL_S[m.res.kind], minInterval) : 60;
      if (nowMs >= m.nextFixMs) {
        const [lon, lat] = this.position(m);
        out.push(
          this.event('resource.position', nowMs, `gps-${m.res.id}`, {
            resourceId: m.res.id,
            lon: Math.round(lon * 1e7) / 1e7,
            lat: Math.round(lat * 1e7) / 1e7,
            heading: Math.round(m.heading),
            speed: m.path.length >= 2 ? SPEED_MS[m.res.kind] : 0,
            status: m.status,
          }),
        );
        m.nextFixMs = nowMs + interval * 1000 * (0.9 + 0.2 * this.rand());
      }
    }
    return out;
  }
}

function segmentMetres(a: [number, number], b: [number, number]): number {
  const kx = 111_320 * Math.cos((a[1] * Math.PI) / 180);
  return Math.hypot((b[0] - a[0]) * kx, (b[1] - a[1]) * 111_320);
}
function bearing(a: [number, number], b: [number, number]): number {
  const kx = Math.cos((a[1] * Math.PI) / 180);
  const deg = (Math.atan2((b[0] - a[0]) * kx, b[1] - a[1]) * 180) / Math.PI;
  return (deg + 360) % 360;
}
