/**
 * Versioned schema migrations. Each runs once, in order, inside a transaction, and is recorded in
 * `schema_migrations`. NOTE: never edit a migration that has shipped; add the next one.
 */
import { typhoonTracksMigration } from '../typhoon/migration.ts';
import { terrainMigration } from '../typhoon/terrain.ts';
import { evacuationPlansMigration } from '../typhoon/evacuationMigration.ts';
import { typhoonBriefsMigration } from '../typhoon/briefs.ts';
import { reportsAndWhistleMigration } from '../whistle/migration.ts';
import { dispatchMigration } from '../dispatch/migration.ts';
import { directorScenesMigration } from '../director/scenes.ts';
import { trustPropertyMigration } from '../trustProperty/migration.ts';
import { microProjectsMigration } from '../microProjects/migration.ts';
import { pointsMigration } from '../points/migration.ts';
import { incidentSourceCategoryMigration } from '../incidents/sourceCategoryMigration.ts';
import { mapImportMigration } from '../mapImport/migration.ts';
import { meterShapeMigration } from '../meters/migration.ts';
import { awayNoticeRecordsMigration } from '../meters/awayNoticesMigration.ts';
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const m001: Migration = {
  version: 1,
  name: 'district model',
  sql: /* sql */ `
CREATE TABLE twin_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

-- district › street › community › grid; ring = closed outer ring as flat lon,lat pairs
CREATE TABLE areas (
  id INTEGER PRIMARY KEY, parent_id INTEGER, level VARCHAR NOT NULL, code VARCHAR NOT NULL,
  name VARCHAR NOT NULL, ring DOUBLE[]
);

CREATE TABLE departments (
  id INTEGER PRIMARY KEY, code VARCHAR NOT NULL, name VARCHAR NOT NULL, kind VARCHAR NOT NULL,
  lon DOUBLE, lat DOUBLE
);

-- Personal fields are one AES-256-GCM blob per row (*_enc = encrypted JSON, data/store/crypto.ts):
--   grid_workers.pii_enc {name, phone}; households.contact_enc {name, phone};
--   persons.pii_enc {name, idNumber, phone}. One cipher call per row keeps a 1M-household seed fast.
CREATE TABLE grid_workers (
  id INTEGER PRIMARY KEY, grid_id INTEGER NOT NULL, callsign VARCHAR NOT NULL,
  pii_enc BLOB, lon DOUBLE, lat DOUBLE
);

-- footprint = list of polygons (outer rings, flat lon,lat pairs, not closed); holes are dropped
-- because extruded building bodies do not show them.
CREATE TABLE buildings (
  id INTEGER PRIMARY KEY, ext_id VARCHAR, name VARCHAR, address VARCHAR NOT NULL,
  use_code UTINYINT NOT NULL, height_m REAL NOT NULL, floors USMALLINT NOT NULL,
  height_source VARCHAR NOT NULL, year_built SMALLINT, community_id INTEGER, grid_id INTEGER,
  centroid_lon DOUBLE NOT NULL, centroid_lat DOUBLE NOT NULL, units_per_floor UTINYINT,
  footprint DOUBLE[][] NOT NULL
);

CREATE TABLE households (
  id INTEGER PRIMARY KEY, building_id INTEGER NOT NULL, floor USMALLINT NOT NULL,
  slot UTINYINT NOT NULL, unit VARCHAR NOT NULL, size UTINYINT NOT NULL,
  care_flags UTINYINT NOT NULL DEFAULT 0, is_rental BOOLEAN NOT NULL DEFAULT false,
  contact_enc BLOB
);

CREATE TABLE persons (
  id INTEGER PRIMARY KEY, household_id INTEGER NOT NULL, relation VARCHAR NOT NULL,
  sex VARCHAR NOT NULL, age_band UTINYINT NOT NULL, care_flags UTINYINT NOT NULL DEFAULT 0,
  pii_enc BLOB
);

CREATE TABLE facilities (
  id INTEGER PRIMARY KEY, kind VARCHAR NOT NULL, name VARCHAR NOT NULL, lon DOUBLE NOT NULL,
  lat DOUBLE NOT NULL, capacity INTEGER, status VARCHAR NOT NULL DEFAULT 'open', building_id INTEGER,
  source VARCHAR
);

CREATE TABLE resources (
  id INTEGER PRIMARY KEY, kind VARCHAR NOT NULL, callsign VARCHAR NOT NULL,
  depot_facility_id INTEGER, department_id INTEGER, status VARCHAR NOT NULL DEFAULT 'idle',
  lon DOUBLE NOT NULL, lat DOUBLE NOT NULL
);

-- Daily meter totals per household (water litres, electricity kWh) and the minimum hourly water
-- flow between 01:00 and 05:00, which is how head-ends report night flow (leaks).
CREATE TABLE meter_daily (
  household_id INTEGER NOT NULL, day DATE NOT NULL, water_l REAL NOT NULL, power_kwh REAL NOT NULL,
  night_min_l REAL NOT NULL
);

-- Ground truth of anomalies the generator injected, for evaluating the detector.
CREATE TABLE meter_anomaly_labels (
  household_id INTEGER NOT NULL, kind VARCHAR NOT NULL, start_day DATE NOT NULL, end_day DATE NOT NULL
);

-- The offline base map. geometry = GeoJSON geometry object.
CREATE TABLE basemap_features (
  id INTEGER PRIMARY KEY, layer VARCHAR NOT NULL, kind VARCHAR NOT NULL, name VARCHAR,
  geometry JSON NOT NULL, source VARCHAR
);

-- Append-only: who revealed which personal field, when and why.
CREATE TABLE audit_log (
  id BIGINT PRIMARY KEY, ts TIMESTAMP NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
  subject VARCHAR NOT NULL, reason VARCHAR
);
`,
};

// Per-building aggregates the map colours by. Kept as a table, refreshed after every bulk write
// (seed, import), so loading 100k buildings reads columns instead of aggregating 2.5M persons.
const m002: Migration = {
  version: 2,
  name: 'building stats',
  sql: /* sql */ `
CREATE TABLE building_stats (
  building_id INTEGER PRIMARY KEY, households USMALLINT NOT NULL, residents USMALLINT NOT NULL,
  elderly_pct UTINYINT NOT NULL, care_households USMALLINT NOT NULL
);
`,
};

// Live operations: the event log (idempotency by id), dead letters, and the projections the
// live views and the timeline read. Every projection row keeps its event time, so the state at
// any past moment can be rebuilt (the last step / position at or before it).
const m003: Migration = {
  version: 3,
  name: 'live operations',
  sql: /* sql */ `
CREATE TABLE events (
  id VARCHAR PRIMARY KEY, type VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, source VARCHAR NOT NULL,
  received_at TIMESTAMP NOT NULL, transport VARCHAR NOT NULL, data VARCHAR NOT NULL
);
CREATE SEQUENCE dead_letter_seq;
CREATE TABLE dead_letters (
  id BIGINT PRIMARY KEY DEFAULT nextval('dead_letter_seq'), received_at TIMESTAMP NOT NULL,
  transport VARCHAR NOT NULL, event_id VARCHAR, line INTEGER, reason VARCHAR NOT NULL, raw VARCHAR NOT NULL
);
CREATE TABLE incidents (
  id VARCHAR PRIMARY KEY, category VARCHAR NOT NULL, severity UTINYINT NOT NULL,
  lon DOUBLE NOT NULL, lat DOUBLE NOT NULL, building_id INTEGER, reporter VARCHAR NOT NULL,
  source VARCHAR NOT NULL, description VARCHAR, reported_at TIMESTAMP NOT NULL
);
-- One row per step of the closed loop (上报 受理 派发 处置 反馈 评价 …), in event time.
CREATE TABLE incident_steps (
  event_id VARCHAR PRIMARY KEY, incident_id VARCHAR NOT NULL, step VARCHAR NOT NULL, ts TIMESTAMP NOT NULL,
  assignee_kind VARCHAR, assignee_id INTEGER, actor VARCHAR, note VARCHAR, rating UTINYINT
);
CREATE TABLE resource_positions (
  event_id VARCHAR PRIMARY KEY, resource_id INTEGER NOT NULL, ts TIMESTAMP NOT NULL, lon DOUBLE NOT NULL,
  lat DOUBLE NOT NULL, heading REAL, speed REAL, status VARCHAR
);
CREATE TABLE meter_readings (
  event_id VARCHAR PRIMARY KEY, household_id INTEGER NOT NULL, ts TIMESTAMP NOT NULL,
  interval_min USMALLINT NOT NULL, water_l REAL, power_kwh REAL
);
CREATE TABLE sensor_readings (
  event_id VARCHAR PRIMARY KEY, sensor_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, ts TIMESTAMP NOT NULL,
  value DOUBLE NOT NULL, unit VARCHAR, lon DOUBLE, lat DOUBLE
);
CREATE TABLE meter_alerts (
  id VARCHAR PRIMARY KEY, household_id INTEGER NOT NULL, building_id INTEGER NOT NULL, kind VARCHAR NOT NULL,
  raised_at TIMESTAMP NOT NULL, explanation VARCHAR NOT NULL, score DOUBLE NOT NULL,
  status VARCHAR NOT NULL DEFAULT 'open', acknowledged_at TIMESTAMP, acknowledged_by VARCHAR,
  outcome VARCHAR, outcome_reason VARCHAR, closed_at TIMESTAMP
);
`,
};

// The high-rate projections lose their own primary keys. The event log's key on `events.id`
// already makes a replayed event a duplicate (the ingestor projects only events that log insert
// kept), and a second index per row cost as much at commit and checkpoint as the log itself.
// DuckDB cannot drop a constraint in place, so each table is rebuilt with its rows.
const rebuildWithoutKey = (table: string, columns: string): string => `
CREATE TABLE ${table}_v4 (${columns});
INSERT INTO ${table}_v4 SELECT * FROM ${table};
DROP TABLE ${table};
ALTER TABLE ${table}_v4 RENAME TO ${table};
`;
const m004: Migration = {
  version: 4,
  name: 'projections keyed by the event log only',
  sql:
    rebuildWithoutKey(
      'incident_steps',
      `event_id VARCHAR NOT NULL, incident_id VARCHAR NOT NULL, step VARCHAR NOT NULL, ts TIMESTAMP NOT NULL,
  assignee_kind VARCHAR, assignee_id INTEGER, actor VARCHAR, note VARCHAR, rating UTINYINT`,
    ) +
    rebuildWithoutKey(
      'resource_positions',
      `event_id VARCHAR NOT NULL, resource_id INTEGER NOT NULL, ts TIMESTAMP NOT NULL, lon DOUBLE NOT NULL,
  lat DOUBLE NOT NULL, heading REAL, speed REAL, status VARCHAR`,
    ) +
    rebuildWithoutKey(
      'meter_readings',
      `event_id VARCHAR NOT NULL, household_id INTEGER NOT NULL, ts TIMESTAMP NOT NULL,
  interval_min USMALLINT NOT NULL, water_l REAL, power_kwh REAL`,
    ) +
    rebuildWithoutKey(
      'sensor_readings',
      `event_id VARCHAR NOT NULL, sensor_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, ts TIMESTAMP NOT NULL,
  value DOUBLE NOT NULL, unit VARCHAR, lon DOUBLE, lat DOUBLE`,
    ),
};

// History that lasts: how long each table keeps its rows in the twin (overrides of the defaults in
// data/store/retention.ts, which also holds the limits), the runs of that policy, and each part
// it wrote to the Parquet archive. A part is recorded in the same transaction that deletes its
// rows, so the archive holds exactly the recorded parts: a file with no record is a leftover of
// a run that never committed (its rows are still in the twin) and is removed by the next run.
const m005: Migration = {
  version: 5,
  name: 'retention and archive',
  sql: /* sql */ `
CREATE TABLE retention_policy (
  rule VARCHAR PRIMARY KEY, keep_days INTEGER NOT NULL, set_at TIMESTAMP NOT NULL, set_by VARCHAR NOT NULL
);
CREATE TABLE retention_runs (
  run_id VARCHAR PRIMARY KEY, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP,
  archived_rows BIGINT NOT NULL DEFAULT 0, deleted_rows BIGINT NOT NULL DEFAULT 0, note VARCHAR
);
CREATE TABLE archive_parts (
  prefix VARCHAR PRIMARY KEY, run_id VARCHAR NOT NULL, rule VARCHAR NOT NULL, archive VARCHAR NOT NULL,
  from_ts TIMESTAMP NOT NULL, to_ts TIMESTAMP NOT NULL, rows BIGINT NOT NULL, deleted BOOLEAN NOT NULL
);
`,
};

/**
 * Who may do what (issue 10): people's accounts (password hashed with scrypt, parameters kept with
 * the hash so they can be raised later), their sessions (only a hash of the token is kept, so a
 * copy of the twin cannot be used to sign in), and machine tokens for ingest sources and walls.
 */
const m006: Migration = {
  version: 6,
  name: 'identities, sessions and tokens',
  sql: /* sql */ `
CREATE TABLE users (
  id INTEGER PRIMARY KEY, username VARCHAR NOT NULL UNIQUE, display_name VARCHAR NOT NULL,
  role VARCHAR NOT NULL, password_hash VARCHAR, created_at TIMESTAMP NOT NULL, disabled_at TIMESTAMP
);
CREATE TABLE user_sessions (
  token_hash VARCHAR PRIMARY KEY, user_id INTEGER, wall_token_id INTEGER, csrf_token VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL, ended_at TIMESTAMP
);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, token_hash VARCHAR NOT NULL UNIQUE,
  created_at TIMESTAMP NOT NULL, created_by VARCHAR NOT NULL, expires_at TIMESTAMP, revoked_at TIMESTAMP,
  last_used_at TIMESTAMP
);
`,
};

/**
 * An audit log that cannot be edited unseen (issue 10): each row carries the hash of the row before
 * it and its own, sha256(prev_hash + canonical JSON of the row) (electron/services/audit.ts), so an
 * edited, deleted or reordered row breaks the chain at that row (`civictwin audit verify`).
 * `audit_chain` (one row) records the chain's head, written in the same transaction as each row, so
 * deleting the newest rows is seen too, and which rows predate the chain: those are chained once,
 * in order, by the first audit row written after this migration (its hashes vouch for them only
 * from then on), never again, so removing a later row's hash cannot get it re-sealed.
 */
const m007: Migration = {
  version: 7,
  name: 'audit hash chain',
  sql: /* sql */ `
ALTER TABLE audit_log ADD COLUMN prev_hash VARCHAR;
ALTER TABLE audit_log ADD COLUMN hash VARCHAR;
CREATE TABLE audit_chain (
  id INTEGER PRIMARY KEY, legacy_through BIGINT NOT NULL, sealed_at TIMESTAMP, head_id BIGINT NOT NULL, head_hash VARCHAR NOT NULL
);
INSERT INTO audit_chain SELECT 1, coalesce(max(id), 0), NULL, 0, '${'0'.repeat(64)}' FROM audit_log;
`,
};

/**
 * The twin's key check (data/store/twinKey.ts): a known text encrypted with the twin's key, so a
 * missing or wrong key is refused when the twin is opened. One row. Written when a twin is
 * created; a twin from before gets it at its first open with a key that decrypts its personal data.
 */
const m008: Migration = {
  version: 8,
  name: 'key check',
  sql: /* sql */ `
CREATE TABLE twin_key (
  id INTEGER PRIMARY KEY CHECK (id = 1), key_check VARCHAR NOT NULL, written_at TIMESTAMP NOT NULL, rotated_at TIMESTAMP
);
`,
};

export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008, typhoonTracksMigration(9), terrainMigration(10), typhoonBriefsMigration(11), evacuationPlansMigration(12), dispatchMigration(13), reportsAndWhistleMigration(14), directorScenesMigration(16), trustPropertyMigration(17), pointsMigration(18), microProjectsMigration(19), meterShapeMigration(20), mapImportMigration(21), incidentSourceCategoryMigration(22), awayNoticeRecordsMigration(23)];
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
