/**
 * The feature modules' services: one line per module. A module that adds a contract section
 * (electron/common/contract.ts SECTIONS) must be listed here with the service that implements it:
 * the compiler refuses a section without one. `createServices` starts each, hands it the events
 * each commit let in (its projections already wrote their rows), and stops it with the host.
 *
 * The core sections (store, live, window, auth, audit) are built by createServices itself: `live`
 * is the one clock's picture (incidents, alerts and resources now or at any moment, and its
 * pushes), which the modules tell of what they change through `ModuleContext.live`.
 */
import type { AppApi } from '../common/contract.ts';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import type { IngestEvent } from '../../data/feed/events.ts';
import type { IngestService } from './IngestService.ts';
import { typhoonServiceModule } from './typhoon/index.ts';
import { incidentsServiceModule } from './incidents/index.ts';
import { alertsServiceModule } from './alerts/index.ts';
import { demoServiceModule } from './demo/module.ts';
import { searchServiceModule } from './search/index.ts';
import { kpiServiceModule } from './kpi/index.ts';
import { dispatchServiceModule } from './dispatch/index.ts';
import { reportsServiceModule } from './reports/index.ts';
import { whistleServiceModule } from './whistle/index.ts';
import { directorServiceModule } from './director/module.ts';
import { trustPropertyServiceModule } from './trustProperty/index.ts';
import { pointsServiceModule } from './points/index.ts';
import { microProjectsServiceModule } from './microProjects/index.ts';

export type CoreSection = 'store' | 'live' | 'window' | 'auth' | 'audit';
export type FeatureSection = Exclude<keyof AppApi, CoreSection>;

/** What a module tells the live picture (LiveService), which pushes it to every open view. */
export interface LiveChanges {
  /** Events the module wrote into the log itself (a console's action), pushed like ingested ones. */
  recorded(events: IngestEvent[]): void;
  /** Meter alerts raised, acknowledged or closed (`meter_alerts` rows, not feed events). */
  alertsChanged(ids: string[]): void;
}

export interface ModuleContext {
  store: DuckDbStore;
  ingest: IngestService;
  live: LiveChanges;
  log: (line: string) => void;
  personalData: 'masked' | 'none';
  /**
   * The host's whole contract, for a module that drives the others (the demo's story). Bound
   * once every module has started; calls run as the caller of the moment (the system outside one).
   */
  sections: () => AppApi;
}

export interface RunningModule<K extends FeatureSection> {
  api: AppApi[K];
  /** The events a commit let in, in arrival order. */
  onCommitted?(events: readonly IngestEvent[]): void;
  stop?(): void;
}

export interface ServiceModule<K extends FeatureSection> {
  start(context: ModuleContext): Promise<RunningModule<K>>;
}

export const FEATURE_SERVICES: { [K in FeatureSection]: ServiceModule<K> } = {
  typhoon: typhoonServiceModule,
  incidents: incidentsServiceModule,
  alerts: alertsServiceModule,
  demo: demoServiceModule,
  search: searchServiceModule,
  kpi: kpiServiceModule,
  dispatch: dispatchServiceModule,
  reports: reportsServiceModule,
  whistle: whistleServiceModule,
  director: directorServiceModule,
  trustProperty: trustPropertyServiceModule,
  points: pointsServiceModule,
  microProjects: microProjectsServiceModule,
};

/** Starts every feature module's service. */
export async function startFeatureServices(context: ModuleContext): Promise<{ api: Pick<AppApi, FeatureSection>; onCommitted(events: readonly IngestEvent[]): void; stop(): void }> {
  const running: RunningModule<FeatureSection>[] = [];
  const api: Record<string, unknown> = {};
  for (const [name, module] of Object.entries(FEATURE_SERVICES) as [FeatureSection, ServiceModule<FeatureSection>][]) {
    const started = await module.start(context);
    api[name] = started.api;
    running.push(started);
  }
  return {
    api: api as Pick<AppApi, FeatureSection>,
    onCommitted: (events) => running.forEach((m) => m.onCommitted?.(events)),
    stop: () => running.forEach((m) => m.stop?.()),
  };
}
