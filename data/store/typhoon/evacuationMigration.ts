/**
 * The evacuation plan's tables (issue 11 §5). Listed once in data/store/migrations/index.ts, which gives the version.
 *
 * - `typhoon_evacuation_plans`: one row per plan made (never updated): the storm, the options it was
 *   made with, who made it and when, and the whole plan as JSON (`plan`: counts, shelters, grids and
 *   their clocks, households by id, routes, trips, pre-positions; no names). A replay reads the same
 *   numbers back; the briefing reads the latest plan of a storm and the one before.
 * - `typhoon_evacuation_dispatches`: a plan's one-click dispatch (one row per plan: dispatching it
 *   again adds nothing), who did it, when, and the tasks it made.
 * - `typhoon_evacuation_progress`: the progress reports (ingest projection, evacuationProjection.ts).
 */
import type { Migration } from '../migrations/index.ts';

export function evacuationPlansMigration(version: number): Migration {
  return {
    version,
    name: 'typhoon evacuation plans',
    sql: /* sql */ `
CREATE TABLE typhoon_evacuation_plans (
  id VARCHAR PRIMARY KEY, storm_id VARCHAR NOT NULL, options VARCHAR NOT NULL, created_by VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL, households INTEGER NOT NULL, people INTEGER NOT NULL, plan VARCHAR NOT NULL
);
CREATE TABLE typhoon_evacuation_dispatches (
  plan_id VARCHAR PRIMARY KEY, dispatched_at TIMESTAMP NOT NULL, dispatched_by VARCHAR NOT NULL, tasks INTEGER NOT NULL,
  incident_ids VARCHAR NOT NULL
);
CREATE TABLE typhoon_evacuation_progress (
  event_id VARCHAR NOT NULL, plan_id VARCHAR NOT NULL, household_id INTEGER NOT NULL, status VARCHAR NOT NULL,
  grid_worker_id INTEGER, actor VARCHAR, note VARCHAR, source VARCHAR, ts TIMESTAMP NOT NULL
);
`,
  };
}
