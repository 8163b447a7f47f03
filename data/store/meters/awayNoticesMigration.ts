/**
 * 出行报备 recorded at a console: each announced absence gets an id, who recorded it and when, an
 * optional note, and a cancelled flag (with who cancelled it and when). Notices from before (the
 * demo generator's) keep their days and get an id; who recorded them stays unknown (NULL).
 * DuckDB adds no column with a constraint, so `cancelled` is a nullable flag read as
 * `cancelled IS NOT TRUE`.
 */
import type { Migration } from '../migrations/index.ts';

export const awayNoticeRecordsMigration = (version: number): Migration => ({
  version,
  name: 'away notices recorded at a console',
  sql: /* sql */ `
CREATE SEQUENCE meter_away_notice_seq;
ALTER TABLE meter_away_notices ADD COLUMN id BIGINT DEFAULT nextval('meter_away_notice_seq');
ALTER TABLE meter_away_notices ADD COLUMN note VARCHAR;
ALTER TABLE meter_away_notices ADD COLUMN recorded_by VARCHAR;
ALTER TABLE meter_away_notices ADD COLUMN recorded_at TIMESTAMP;
ALTER TABLE meter_away_notices ADD COLUMN cancelled BOOLEAN DEFAULT false;
ALTER TABLE meter_away_notices ADD COLUMN cancelled_by VARCHAR;
ALTER TABLE meter_away_notices ADD COLUMN cancelled_at TIMESTAMP;
UPDATE meter_away_notices SET cancelled = false WHERE cancelled IS NULL;
`,
});
