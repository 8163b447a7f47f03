/**
 * 信托制物业's tables (issue 13): each compound's trust fund (its trustee and agreed fee share),
 * the buildings it covers, the public ledger, the owners' council votes and the disputes counted
 * each month. Amounts are integer fen; `period` is the billing month's first day.
 */
import type { Migration } from '../migrations/index.ts';

export const trustPropertyMigration = (version: number): Migration => ({
  version,
  name: 'trust-model property',
  sql: /* sql */ `
CREATE TABLE trust_compounds (
  id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, community_id INTEGER, households INTEGER NOT NULL,
  buildings INTEGER NOT NULL, lon DOUBLE NOT NULL, lat DOUBLE NOT NULL, trustee VARCHAR NOT NULL,
  agreed_share DOUBLE NOT NULL, monthly_fee_fen INTEGER NOT NULL, trust_since DATE NOT NULL
);
CREATE TABLE trust_compound_buildings (compound_id INTEGER NOT NULL, building_id INTEGER NOT NULL);
CREATE TABLE trust_votes (
  id VARCHAR PRIMARY KEY, compound_id INTEGER NOT NULL, voted_at TIMESTAMP NOT NULL, title VARCHAR NOT NULL,
  item VARCHAR, cap_fen BIGINT, yes USMALLINT NOT NULL, no USMALLINT NOT NULL, abstain USMALLINT NOT NULL,
  ratifies_entry_id VARCHAR, actor VARCHAR
);
CREATE TABLE trust_ledger (
  id VARCHAR PRIMARY KEY, compound_id INTEGER NOT NULL, period DATE NOT NULL, booked_at TIMESTAMP NOT NULL,
  kind VARCHAR NOT NULL, item VARCHAR NOT NULL, amount_fen BIGINT NOT NULL, due_fen BIGINT NOT NULL DEFAULT 0,
  vote_id VARCHAR, party VARCHAR, household_id INTEGER, note VARCHAR, actor VARCHAR
);
CREATE INDEX trust_ledger_compound ON trust_ledger (compound_id, period);
CREATE TABLE trust_disputes (compound_id INTEGER NOT NULL, period DATE NOT NULL, disputes INTEGER NOT NULL);
`,
});
