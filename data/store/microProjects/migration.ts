/**
 * 民生微实事's tables (issue 13): each community's yearly allocation and its residents' council, the
 * projects (proposed → voting → awarded → in_progress → accepted | rejected) with their council
 * vote, budget, spend, organisation and place, their milestones (day due and reached, progress,
 * photo reference) and the residents' ratings (1–5, no one named). Amounts are integer fen.
 */
import type { Migration } from '../migrations/index.ts';

export const microProjectsMigration = (version: number): Migration => ({
  version,
  name: 'micro-projects',
  sql: /* sql */ `
CREATE TABLE micro_allocations (
  community_id INTEGER NOT NULL, year INTEGER NOT NULL, allocation_fen BIGINT NOT NULL, council_members USMALLINT NOT NULL,
  PRIMARY KEY (community_id, year)
);
CREATE TABLE micro_projects (
  id VARCHAR PRIMARY KEY, community_id INTEGER NOT NULL, year INTEGER NOT NULL, title VARCHAR NOT NULL, description VARCHAR,
  category VARCHAR NOT NULL, item VARCHAR NOT NULL, proposer_kind VARCHAR NOT NULL, proposed_at TIMESTAMP NOT NULL,
  stage VARCHAR NOT NULL, budget_fen BIGINT NOT NULL, spent_fen BIGINT NOT NULL DEFAULT 0, organisation VARCHAR,
  building_id INTEGER, lon DOUBLE NOT NULL, lat DOUBLE NOT NULL,
  votes_for USMALLINT, votes_against USMALLINT, votes_abstain USMALLINT, voted_at TIMESTAMP,
  awarded_at TIMESTAMP, accepted_at TIMESTAMP, actor VARCHAR
);
CREATE INDEX micro_projects_community ON micro_projects (community_id, year);
CREATE TABLE micro_milestones (
  project_id VARCHAR NOT NULL, seq INTEGER NOT NULL, title VARCHAR NOT NULL, due DATE NOT NULL, done DATE,
  percent UTINYINT NOT NULL, photo VARCHAR, recorded_at TIMESTAMP NOT NULL, actor VARCHAR,
  PRIMARY KEY (project_id, seq)
);
CREATE TABLE micro_ratings (project_id VARCHAR NOT NULL, rated_at TIMESTAMP NOT NULL, score UTINYINT NOT NULL, actor VARCHAR);
CREATE INDEX micro_ratings_project ON micro_ratings (project_id);
`,
});
