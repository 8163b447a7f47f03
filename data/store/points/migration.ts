/**
 * 积分制's tables: points earned (one row per record: household, the member if named, the kind,
 * points, when and where), points redeemed at listed shops (items as JSON), and the shops.
 */
import type { Migration } from '../migrations/index.ts';

export const pointsMigration = (version: number): Migration => ({
  version,
  name: 'participation points',
  sql: /* sql */ `
CREATE TABLE points_shops (
  id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, building_id INTEGER,
  lon DOUBLE NOT NULL, lat DOUBLE NOT NULL
);
CREATE TABLE points_earned (
  event_id VARCHAR NOT NULL, household_id INTEGER NOT NULL, person_id INTEGER, kind VARCHAR NOT NULL,
  points INTEGER NOT NULL, ts TIMESTAMP NOT NULL, lon DOUBLE, lat DOUBLE, note VARCHAR
);
CREATE TABLE points_redeemed (
  event_id VARCHAR NOT NULL, household_id INTEGER NOT NULL, shop_id VARCHAR NOT NULL, points INTEGER NOT NULL,
  items JSON NOT NULL, ts TIMESTAMP NOT NULL
);
`,
});
