/**
 * Tables of residents' reports and of 吹哨报到 (issue 13): one migration for both modules' rows.
 * `resident_report_photos` holds a report's photo (≤ 1 MB, written by the reports service, not
 * through an event: events are at most 16 KB).
 */
import type { Migration } from '../migrations/index.ts';

export const reportsAndWhistleMigration = (version: number): Migration => ({
  version,
  name: 'residents reports and whistle',
  sql: /* sql */ `
CREATE TABLE resident_reports (
  report_id VARCHAR PRIMARY KEY, incident_id VARCHAR NOT NULL, receipt_hash VARCHAR NOT NULL, category VARCHAR NOT NULL,
  lon DOUBLE NOT NULL, lat DOUBLE NOT NULL, lang VARCHAR NOT NULL, has_photo UTINYINT NOT NULL, submitted_at TIMESTAMP NOT NULL
);
CREATE TABLE resident_ratings (
  event_id VARCHAR NOT NULL, report_id VARCHAR NOT NULL, incident_id VARCHAR NOT NULL, rating UTINYINT NOT NULL,
  comment VARCHAR, reopened UTINYINT NOT NULL, ts TIMESTAMP NOT NULL
);
CREATE TABLE resident_report_photos (
  report_id VARCHAR PRIMARY KEY, mime VARCHAR NOT NULL, bytes BLOB NOT NULL, stored_at TIMESTAMP NOT NULL
);
CREATE TABLE whistles (
  id VARCHAR PRIMARY KEY, incident_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, blown_at TIMESTAMP NOT NULL,
  deadline_min USMALLINT NOT NULL, actor VARCHAR, note VARCHAR
);
CREATE TABLE whistle_summons (
  event_id VARCHAR NOT NULL, whistle_id VARCHAR NOT NULL, department_id INTEGER NOT NULL, due_at TIMESTAMP NOT NULL
);
CREATE TABLE whistle_steps (
  event_id VARCHAR NOT NULL, whistle_id VARCHAR NOT NULL, department_id INTEGER NOT NULL, step VARCHAR NOT NULL,
  ts TIMESTAMP NOT NULL, lon DOUBLE, lat DOUBLE, eta_min USMALLINT, outcome VARCHAR, rating UTINYINT, level UTINYINT,
  actor VARCHAR, note VARCHAR
);
`,
});
