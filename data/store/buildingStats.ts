import type { DuckDbStore } from './DuckDbStore.ts';

/** Care flags that make a household a "care household" (独居老人, 残疾人, 未成年人, 低保). */
const CARE_MASK = 1 | 2 | 4 | 8;

/**
 * Recomputes `building_stats` from households and persons. Call after any bulk write to those
 * tables (seed, import); the map reads the result as columns.
 */
export async function refreshBuildingStats(store: DuckDbStore): Promise<void> {
  await store.run('DELETE FROM building_stats');
  await store.run(/* sql */ `
    INSERT INTO building_stats
    WITH hh AS (
      SELECT building_id, count(*) AS households, sum(size) AS residents,
             count(*) FILTER (WHERE (care_flags & ${CARE_MASK}) <> 0) AS care_households
      FROM households GROUP BY building_id
    ), age AS (
      SELECT h.building_id, count(*) AS persons, count(*) FILTER (WHERE p.age_band >= 3) AS elderly
      FROM persons p JOIN households h ON h.id = p.household_id GROUP BY h.building_id
    )
    SELECT b.id,
           least(coalesce(hh.households, 0), 65535),
           least(coalesce(hh.residents, 0), 65535),
           CASE WHEN coalesce(age.persons, 0) = 0 THEN 0 ELSE round(100.0 * age.elderly / age.persons) END,
           least(coalesce(hh.care_households, 0), 65535)
    FROM buildings b LEFT JOIN hh ON hh.building_id = b.id LEFT JOIN age ON age.building_id = b.id`);
}
