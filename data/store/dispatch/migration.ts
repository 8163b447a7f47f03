/**
 * Dispatch by kind's tables (listed once in data/store/migrations/index.ts, which gives the version).
 *
 * - `dispatch_needs`: a supervisor's overrides of the kinds of responder a category needs
 *   (data/model/dispatch DEFAULT_NEEDS holds the defaults; a category without a row uses them).
 * - `resource_dispatch_states`: each change of a dispatched unit's state, in event time: en_route
 *   when it is sent (with where it was, the route's start), on_scene when its own position report
 *   puts it at the incident, idle when the incident releases it or it leaves. Append-only, so the
 *   state at any past moment is the newest row at or before it.
 * - `resource_dispatch_current`: the units out now (en_route or on_scene), one row each: what the
 *   ingest projection reads on every commit, kept small (no key: a unit's row is replaced by delete
 *   and insert in the commit's transaction).
 */
import type { Migration } from '../migrations/index.ts';

export function dispatchMigration(version: number): Migration {
  return {
    version,
    name: 'dispatch by kind',
    sql: /* sql */ `
CREATE TABLE dispatch_needs (
  category VARCHAR PRIMARY KEY, needs VARCHAR[] NOT NULL, set_at TIMESTAMP NOT NULL, set_by VARCHAR NOT NULL
);
CREATE SEQUENCE resource_dispatch_seq;
CREATE TABLE resource_dispatch_states (
  seq BIGINT NOT NULL DEFAULT nextval('resource_dispatch_seq'), event_id VARCHAR NOT NULL,
  resource_id INTEGER NOT NULL, incident_id VARCHAR NOT NULL, state VARCHAR NOT NULL, ts TIMESTAMP NOT NULL,
  from_lon DOUBLE, from_lat DOUBLE, reason VARCHAR
);
CREATE TABLE resource_dispatch_current (
  resource_id INTEGER NOT NULL, incident_id VARCHAR NOT NULL, state VARCHAR NOT NULL, since TIMESTAMP NOT NULL,
  incident_lon DOUBLE NOT NULL, incident_lat DOUBLE NOT NULL
);
`,
  };
}
