/**
 * The typhoon tables. Listed once in data/store/migrations/index.ts, which gives the version.
 *
 * - `typhoon_storms`: one row per storm per agency (`id` = `<agency>:<number>`); importing or
 *   receiving the same storm again updates its row.
 * - `typhoon_track_points`: fixes (`is_forecast` false, `bulletin_at` NULL) and forecast positions
 *   (`bulletin_at` = the time the bulletin was issued, `lead_hours` after it, `agency` = who forecast
 *   it). Every bulletin's positions stay: the current forecast of an agency is its latest bulletin
 *   (at or before the player's time), older ones are its history. Radii in km per quadrant, NULL
 *   where a quadrant has no such circle. `event_id` is the ingest event a row came from (NULL for
 *   file imports).
 * - `typhoon_bulletins`: one row per bulletin (storm, agency, issue time), so "which bulletins are
 *   there and which is newest" needs no scan of the positions.
 * - `typhoon_landfalls`: where and when the centre crossed the coast, with the place's name.
 *
 * Grades are stored as the codes of data/model/typhoon/scales.ts (TD, TS, …, SuperTY, weak, ET).
 */
import type { Migration } from '../migrations/index.ts';

export function typhoonTracksMigration(version: number): Migration {
  return {
    version,
    name: 'typhoon tracks',
    sql: /* sql */ `
CREATE TABLE typhoon_storms (
  id VARCHAR PRIMARY KEY, agency VARCHAR NOT NULL, number VARCHAR, intl_number VARCHAR, year SMALLINT NOT NULL,
  name VARCHAR NOT NULL, name_zh VARCHAR, serial INTEGER, end_note VARCHAR, format VARCHAR NOT NULL,
  source VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL
);
CREATE TABLE typhoon_track_points (
  storm_id VARCHAR NOT NULL, is_forecast BOOLEAN NOT NULL, agency VARCHAR NOT NULL, bulletin_at TIMESTAMP,
  lead_hours REAL, ts TIMESTAMP NOT NULL, lon DOUBLE NOT NULL, lat DOUBLE NOT NULL, pressure_hpa REAL,
  max_wind_ms REAL, grade VARCHAR NOT NULL,
  r7_ne REAL, r7_se REAL, r7_sw REAL, r7_nw REAL, r10_ne REAL, r10_se REAL, r10_sw REAL, r10_nw REAL,
  r12_ne REAL, r12_se REAL, r12_sw REAL, r12_nw REAL,
  move_direction VARCHAR, move_speed_kmh REAL, event_id VARCHAR
);
CREATE TABLE typhoon_bulletins (
  storm_id VARCHAR NOT NULL, agency VARCHAR NOT NULL, issued_at TIMESTAMP NOT NULL, points INTEGER NOT NULL,
  source VARCHAR NOT NULL, received_at TIMESTAMP NOT NULL, event_id VARCHAR,
  PRIMARY KEY (storm_id, agency, issued_at)
);
CREATE TABLE typhoon_landfalls (
  storm_id VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, lon DOUBLE NOT NULL, lat DOUBLE NOT NULL, place VARCHAR,
  pressure_hpa REAL, max_wind_ms REAL, grade VARCHAR, event_id VARCHAR
);
`,
  };
}
