/**
 * Incidents keep the category their source gave them (a 12345 or 311 ticket's own "诉求类别" /
 * "Complaint Type"), beside the twin's category they were mapped to: imported history can then be
 * counted as the source counts it (data/import/tickets.ts). Null for the feed's own incidents.
 */
import type { Migration } from '../migrations/index.ts';

export const incidentSourceCategoryMigration = (version: number): Migration => ({
  version,
  name: 'incident source category',
  sql: /* sql */ `ALTER TABLE incidents ADD COLUMN source_category VARCHAR;`,
});
