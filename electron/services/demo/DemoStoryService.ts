/**
 * Runs the demo's story (data/model/demo/story.ts) on the demo twin: each step writes what
 * happens in it — a resident's report and its closed loop, a visit to an elderly resident whose
 * meters went quiet, a typhoon's fixes and bulletin, the evacuation plan, its dispatch and its
 * progress — as events through ingest or as calls to the other modules' sections, the way a
 * command centre's own systems would. Times are relative to the moment the step runs, so the
 * demo always looks fresh. Going back shows an earlier step again; it never undoes one.
 *
 * Only on a twin `civictwin demo` (or Electron with `--demo`) armed: elsewhere the story is null.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { DEMO_STORY, type StoryStepId, type StoryView } from '../../../data/model/demo/story.ts';
import type { AppApi } from '../../common/contract.ts';
import type { DemoApi, DemoStoryView } from '../../common/demo/contract.ts';
import type { IngestService } from '../IngestService.ts';
import { currentCaller, runAs } from '../callContext.ts';
import { seesNoOne } from '../../common/access.ts';
import { demoStorm, DEMO_STORM_ID } from './demoStorm.ts';

const armed = new WeakSet<DuckDbStore>();

/** Marks the twin as the demo's: its story can be told. Called by prepareDemoTwin. */
export function armDemoStory(store: DuckDbStore): void {
  armed.add(store);
}

/** The demo's own people: they act in the story, under these names in the audit log. */
const DUTY_OFFICER = { kind: 'system', name: '值班员（演示）' } as const;
const GRID_WORKER = { kind: 'system', name: '网格员（演示）' } as const;

export interface DemoStoryDeps {
  store: DuckDbStore;
  ingest: IngestService;
  sections: () => AppApi;
  log: (line: string) => void;
  now?: () => number;
}

export class DemoStoryService implements DemoApi {
  private current = -1;
  private readonly done = new Set<number>();
  private readonly views = new Map<number, StoryView>();
  private readonly listeners = new Set<(story: DemoStoryView) => void>();
  private autoplay = false;
  private timer: NodeJS.Timeout | null = null;
  private problem: string | null = null;
  private running: Promise<unknown> = Promise.resolve();
  /** What earlier steps made that later ones need. */
  private incidentId: string | null = null;
  private alertId: string | null = null;
  private planId: string | null = null;

  public constructor(private readonly deps: DemoStoryDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private get isDemo(): boolean {
    return armed.has(this.deps.store);
  }

  public async getStory(): Promise<DemoStoryView | null> {
    return this.isDemo ? this.viewFor(seesNoOne(currentCaller())) : null;
  }

  /** The story as a caller may see it: a wall gets the titles, not the presenter's notes. */
  public viewFor(wall: boolean): DemoStoryView {
    const step = DEMO_STORY[this.current];
    return {
      steps: DEMO_STORY.map((s) => ({ id: s.id, title: s.title })),
      current: this.current,
      notes: step && !wall ? step.notes : null,
      view: step ? (this.views.get(this.current) ?? step.view) : null,
      autoplay: this.autoplay,
      problem: wall ? null : this.problem,
    };
  }

  public async goToStep(index: number): Promise<DemoStoryView | null> {
    if (!this.isDemo) return null;
    // One step at a time: a clicker pressed twice runs the next step after this one, not beside it.
    const run = this.running.then(() => this.advanceTo(Math.max(-1, Math.min(DEMO_STORY.length - 1, index))));
    this.running = run.catch(() => undefined);
    await run;
    return this.getStory();
  }

  public async setAutoplay(on: boolean): Promise<DemoStoryView | null> {
    if (!this.isDemo) return null;
    this.autoplay = on;
    this.schedule();
    this.push();
    return this.getStory();
  }

  public onStoryStep(listener: (story: DemoStoryView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  public stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private push(): void {
    const story = this.viewFor(false);
    for (const l of this.listeners) l(story);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.autoplay || this.current >= DEMO_STORY.length - 1) return;
    const hold = DEMO_STORY[this.current]?.holdSeconds ?? 3;
    this.timer = setTimeout(() => void this.goToStep(this.current + 1), hold * 1000);
    this.timer.unref?.();
  }

  private async advanceTo(index: number): Promise<void> {
    this.problem = null;
    // Forward: each step between runs once, in order. Back: only the screen goes back.
    for (let i = this.current + 1; i <= index; i++) {
      if (this.done.has(i)) continue;
      this.done.add(i);
      try {
        await runAs({ caller: DUTY_OFFICER, via: 'simulator' }, () => this.enter(DEMO_STORY[i]!.id, i));
      } catch (err) {
        this.problem = `${DEMO_STORY[i]!.title.zh}: ${(err as Error).message}`;
        this.deps.log(`demo: step ${DEMO_STORY[i]!.id} could not run: ${(err as Error).message}`);
      }
    }
    this.current = index;
    this.schedule();
    this.push();
  }

  private setView(index: number, view: StoryView): void {
    this.views.set(index, { ...DEMO_STORY[index]!.view, ...view });
  }

  private async ingest(type: string, data: Record<string, unknown>, source: string, atMs = this.now()): Promise<void> {
    const result = await this.deps.ingest.ingestValues([{ id: `demo-${randomUUID()}`, type, ts: new Date(atMs).toISOString(), source, data }], 'console');
    if (result.accepted !== 1) throw new Error(`the twin refused the story's ${type} event: ${JSON.stringify(result.rejected ?? result).slice(0, 300)}`);
  }

  /** What a step does to the twin. */
  private async enter(step: StoryStepId, index: number): Promise<void> {
    const api = this.deps.sections();
    const now = this.now();
    switch (step) {
      case 'resident_report': {
        // A building near the district's centre, so the marker is on screen.
        const b = await this.deps.store.one<{ id: number; lon: number; lat: number }>(
          `WITH c AS (SELECT avg(centroid_lon) AS lon, avg(centroid_lat) AS lat FROM buildings)
           SELECT b.id, b.centroid_lon AS lon, b.centroid_lat AS lat FROM buildings b, c
           ORDER BY (b.centroid_lon - c.lon) ^ 2 + (b.centroid_lat - c.lat) ^ 2 LIMIT 1`,
        );
        if (!b) throw new Error('the twin has no buildings');
        const id = `DEMO-${now.toString(36).toUpperCase()}`;
        await this.ingest('incident.reported', { incidentId: id, category: 'facility_damage', severity: 2, lon: b.lon, lat: b.lat, buildingId: b.id, reporter: 'resident', description: '小区门口井盖破损，有行人绊倒风险' }, 'app-resident');
        this.incidentId = id;
        const options = await api.incidents.proposeDispatch(id);
        await api.incidents.actOnIncident(id, { action: 'accept' });
        // Facility damage is a grid worker's job: the nearest free one by road, else whoever is nearest.
        const nearest = options.find((o) => o.kind === 'grid_worker') ?? options[0];
        if (nearest) await api.incidents.actOnIncident(id, { action: 'dispatch', assignee: { kind: nearest.kind, id: nearest.id }, note: '最近的空闲网格员' });
        this.setView(index, { focus: { kind: 'incident', id } });
        return;
      }
      case 'report_closed': {
        const id = this.incidentId;
        if (!id) return;
        await runAs({ caller: GRID_WORKER, via: 'simulator' }, async () => {
          await api.incidents.actOnIncident(id, { action: 'handle', note: '已到场，设置警示' });
          await api.incidents.actOnIncident(id, { action: 'feedback', note: '已更换井盖' });
        });
        // The resident rates it from the receipt link: an event from the residents' app.
        await this.ingest('incident.status', { incidentId: id, status: 'evaluated', rating: 5, actor: '居民' }, 'app-resident');
        this.setView(index, { focus: { kind: 'incident', id } });
        return;
      }
      case 'meters_quiet': {
        const alert = await this.deps.store.one<{ id: string }>(
          `SELECT id FROM meter_alerts WHERE status <> 'closed' ORDER BY (kind = 'no_usage') DESC, score DESC, id LIMIT 1`,
        );
        this.alertId = alert?.id ?? null;
        if (alert) this.setView(index, { focus: { kind: 'alert', id: alert.id } });
        return;
      }
      case 'grid_worker_visit': {
        const id = this.alertId;
        if (!id) return;
        await runAs({ caller: GRID_WORKER, via: 'simulator' }, async () => {
          await api.alerts.acknowledgeAlert(id);
          await api.alerts.recordVisitOutcome(id, 'needed_help', '老人发烧卧床两天，已联系社区医生上门，并通知家属');
        });
        this.setView(index, { focus: { kind: 'alert', id } });
        return;
      }
      case 'typhoon_approaches': {
        const centre = await this.deps.store.one<{ lon: number; lat: number }>('SELECT avg(centroid_lon) AS lon, avg(centroid_lat) AS lat FROM buildings');
        if (!centre) throw new Error('the twin has no buildings');
        const storm = demoStorm(centre.lon, centre.lat, now);
        for (const fix of storm.fixes) await this.ingest('typhoon.fix', fix.data, 'cma-nmc', fix.atMs);
        await this.ingest('typhoon.forecast', storm.forecast.data, 'cma-nmc', storm.forecast.atMs);
        // The map shows the storm coming in and the district it comes for.
        const lons = [centre.lon, ...storm.fixes.map((f) => (f.data.position as { lon: number }).lon)];
        const lats = [centre.lat, ...storm.fixes.map((f) => (f.data.position as { lat: number }).lat)];
        this.setView(index, { focus: { kind: 'bounds', bbox: [Math.min(...lons) - 0.5, Math.min(...lats) - 0.5, Math.max(...lons) + 0.5, Math.max(...lats) + 0.5] } });
        return;
      }
      case 'evacuation_plan': {
        const plan = await api.typhoon.planEvacuation(DEMO_STORM_ID, { nowUtcMs: now, rainTotalMm: 250, rainHours: 24 });
        this.planId = plan.planId;
        await runAs({ caller: { kind: 'system', name: '街道指挥长（演示）' }, via: 'simulator' }, () => api.typhoon.dispatchPlan(plan.planId));
        return;
      }
      case 'evacuation_progress': {
        const planId = this.planId;
        if (!planId) return;
        const lists = await api.typhoon.getDoorKnockLists(planId);
        // Most grids well under way, one behind: what a board shows an hour in. Reported from the
        // grid workers' app as events, as a street's own would arrive (one request, not one per door).
        const events: Record<string, unknown>[] = [];
        let k = 0;
        for (const [g, list] of lists.entries()) {
          const share = g === 0 ? 0.2 : 0.7;
          const stops = list.stops.slice(0, Math.ceil(list.stops.length * share));
          for (const stop of stops) {
            const status = k % 17 === 16 ? 'refused' : k % 5 === 4 ? 'contacted' : 'moved';
            const at = now - Math.round(((stops.length - stops.indexOf(stop)) / stops.length) * 50 * 60_000);
            events.push({
              id: `demo-${randomUUID()}`,
              type: 'typhoon.evacuation_progress',
              ts: new Date(at).toISOString(),
              source: 'grid-app',
              data: { planId, householdId: stop.householdId, status, gridWorkerId: list.workerId, ...(status === 'refused' ? { note: '本人不愿离家，已签字并留联系方式' } : {}) },
            });
            k++;
          }
        }
        for (let i = 0; i < events.length; i += 10_000) {
          const result = await this.deps.ingest.ingestValues(events.slice(i, i + 10_000), 'console');
          if (result.rejected.length > 0) throw new Error(`the twin refused progress reports: ${result.rejected[0]!.reason}`);
        }
        return;
      }
      case 'morning':
      case 'morning_after':
        return;
    }
  }
}
