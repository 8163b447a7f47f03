/**
 * The feature modules' ingest projections: one line per module. The compiler checks that every
 * event type in data/feed/registry.ts has its projection here (a type with no rows to write says
 * so with an empty function), and that no two modules write the same table.
 */
import type { EventType } from '../feed/events.ts';
import type { ProjectionModule, ProjectionTable } from './projection.ts';
import { incidentProjection } from './incidents/projection.ts';
import { meterProjection } from './meters/projection.ts';
import { resourceProjection } from './resources/projection.ts';
import { sensorProjection } from './sensors/projection.ts';
import { typhoonProjection } from './typhoon/projection.ts';
import { evacuationProgressProjection } from './typhoon/evacuationProjection.ts';
import { residentReportProjection } from './reports/projection.ts';
import { whistleProjection } from './whistle/projection.ts';
import { dispatchProjection } from './dispatch/projection.ts';
import { pointsProjection } from './points/projection.ts';

const MODULES: readonly ProjectionModule[] = [incidentProjection, meterProjection, resourceProjection, sensorProjection, typhoonProjection, evacuationProgressProjection, dispatchProjection, residentReportProjection, whistleProjection, pointsProjection];

/** Every projection table, by name. */
export const PROJECTION_TABLES: Readonly<Record<string, ProjectionTable>> = Object.freeze(
  MODULES.reduce<Record<string, ProjectionTable>>((all, m) => {
    for (const [name, table] of Object.entries(m.tables)) {
      if (Object.hasOwn(all, name)) throw new Error(`Two feature modules write table ${name}.`);
      all[name] = table;
    }
    return all;
  }, {}),
);

/** Every event type's projection (the modules' maps merged). */
export const PROJECTORS: ProjectionModule['project'] = Object.assign({}, ...MODULES.map((m) => m.project)) as ProjectionModule['project'];

/** The modules whose projection is applied in the commit (replacing rows), not appended. */
export const APPLIED_PROJECTIONS: readonly ProjectionModule[] = MODULES.filter((m) => m.apply !== undefined);

/**
 * Compile-time: every event type (data/feed/registry.ts) has a projection here. A type added to
 * the registry without one makes this line fail to compile.
 */
const PROJECTED = ['incident.reported', 'incident.status', 'meter.reading', 'resource.position', 'sensor.reading', 'typhoon.fix', 'typhoon.forecast', 'typhoon.evacuation_progress', 'resident.report', 'resident.rating', 'whistle.blown', 'whistle.step', 'points.earned', 'points.redeemed'] as const;
export type MissingProjection = Exclude<EventType, (typeof PROJECTED)[number]>;
export const EVERY_TYPE_PROJECTED: [MissingProjection] extends [never] ? true : MissingProjection = true;
for (const type of PROJECTED) if (!Object.hasOwn(PROJECTORS, type)) throw new Error(`No projection for ${type}.`);
