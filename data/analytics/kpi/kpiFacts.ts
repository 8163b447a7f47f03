/**
 * One row per incident (`kpi_incident_facts`, a temporary table of the store's connection), derived
 * in DuckDB from the event log's projections (`incidents`, `incident_steps`): when it was reported,
 * when its handling ended (处置完成: the first feedback, evaluation or close), whether it was
 * cancelled, its deadline (data/model/incidents.ts SLA_MINUTES), its latest rating, its last
 * assignee, its grid (the building's, else the grid whose outline holds the point) and its place
 * (the building's id, else minus the ~50 m cell of road it is in, lon cell × 10⁶ + lat cell). The dashboard's charts aggregate these rows, so a
 * year of tens of millions of steps is grouped by incident once, not per chart.
 *
 * Built whole the first time, then kept: `refreshFacts` rebuilds the rows of the incidents whose
 * events arrived since the last call (the log's `received_at`), so a chart sees a step as soon as
 * it is committed.
 */
import type { DuckDbStore } from '../../store/DuckDbStore.ts';
import { INCIDENT_CATEGORIES, SLA_MINUTES } from '../../model/incidents.ts';
import { KPI_PLACE_CELL_DEG } from '../../model/kpi/index.ts';

export const FACTS_TABLE = 'kpi_incident_facts';

const SLA_VALUES = INCIDENT_CATEGORIES.map((c) => `('${c}', ${SLA_MINUTES[c]})`).join(', ');
const STEP_RANK = `CASE step WHEN 'reported' THEN 0 WHEN 'accepted' THEN 1 WHEN 'dispatched' THEN 2 WHEN 'reassigned' THEN 2
  WHEN 'handling' THEN 3 WHEN 'feedback' THEN 4 WHEN 'evaluated' THEN 5 WHEN 'closed' THEN 6 WHEN 'cancelled' THEN 6 END`;

/** The fact rows of the incidents `which` selects (a WHERE over `incidents i`). */
export const FACTS_SELECT = (which: string): string => /* sql */ `
  WITH inc AS (SELECT * FROM incidents i WHERE ${which}),
  s AS (
    SELECT st.incident_id,
      max_by(st.step, epoch_ms(st.ts) * 10 + ${STEP_RANK}) AS last_step,
      min(st.ts) FILTER (WHERE st.step IN ('feedback', 'evaluated', 'closed')) AS handled_at,
      max_by(st.rating, epoch_ms(st.ts)) FILTER (WHERE st.rating IS NOT NULL) AS rating,
      max_by(st.assignee_kind, epoch_ms(st.ts)) FILTER (WHERE st.assignee_id IS NOT NULL) AS assignee_kind,
      max_by(st.assignee_id, epoch_ms(st.ts)) FILTER (WHERE st.assignee_id IS NOT NULL) AS assignee_id
    FROM incident_steps st SEMI JOIN inc ON inc.id = st.incident_id
    GROUP BY st.incident_id
  ),
  pts AS (SELECT DISTINCT lon, lat FROM inc WHERE building_id IS NULL),
  /* Even-odd rule: a point is inside a grid when a ray to the west crosses its outline an odd number of times. */
  pt_grid AS (
    SELECT lon, lat, min(grid_id) AS grid_id FROM (
      SELECT p.lon, p.lat, e.grid_id
      FROM pts p JOIN kpi_grid_edges e ON p.lat >= e.ymin AND p.lat < e.ymax
      WHERE p.lon < (e.x2 - e.x1) * (p.lat - e.y1) / (e.y2 - e.y1) + e.x1
      GROUP BY ALL HAVING count(*) % 2 = 1
    ) GROUP BY lon, lat
  ),
  sla(category, minutes) AS (VALUES ${SLA_VALUES})
  SELECT inc.id, inc.category, inc.reported_at, epoch_ms(inc.reported_at) AS reported_ms,
    coalesce(s.last_step = 'cancelled', false) AS cancelled,
    CASE WHEN coalesce(s.last_step, '') <> 'cancelled' THEN epoch_ms(s.handled_at) END AS handled_ms,
    epoch_ms(inc.reported_at) + coalesce(sla.minutes, 1440) * 60000 AS due_ms,
    s.rating, s.assignee_kind, s.assignee_id,
    coalesce(b.grid_id, g.grid_id) AS grid_id, inc.building_id,
    CASE WHEN b.id IS NOT NULL THEN b.id::BIGINT
      ELSE -(round(inc.lon / ${KPI_PLACE_CELL_DEG})::BIGINT * 1000000 + round(inc.lat / ${KPI_PLACE_CELL_DEG})::BIGINT) END AS place_key,
    CASE WHEN b.id IS NOT NULL THEN b.centroid_lon ELSE round(inc.lon / ${KPI_PLACE_CELL_DEG}) * ${KPI_PLACE_CELL_DEG} END AS place_lon,
    CASE WHEN b.id IS NOT NULL THEN b.centroid_lat ELSE round(inc.lat / ${KPI_PLACE_CELL_DEG}) * ${KPI_PLACE_CELL_DEG} END AS place_lat
  FROM inc
  LEFT JOIN s ON s.incident_id = inc.id
  LEFT JOIN buildings b ON b.id = inc.building_id
  LEFT JOIN pt_grid g ON g.lon = inc.lon AND g.lat = inc.lat
  LEFT JOIN sla ON sla.category = inc.category`;

const built = new WeakMap<DuckDbStore, { watermarkMs: number }>();

/** Builds the facts (and the grids' edges) from the whole log; returns the rows written. */
export async function buildFacts(store: DuckDbStore): Promise<number> {
  const mark = await store.one<{ t: number | null }>(
    `SELECT epoch_ms(max(received_at)) AS t FROM events`,
  );
  await store.run(/* sql */ `
    CREATE OR REPLACE TEMP TABLE kpi_grid_edges AS
    SELECT grid_id, x1, y1, x2, y2, least(y1, y2) AS ymin, greatest(y1, y2) AS ymax FROM (
      SELECT id AS grid_id, ring[2 * k - 1] AS x1, ring[2 * k] AS y1, ring[2 * (k % n) + 1] AS x2, ring[2 * (k % n) + 2] AS y2
      FROM (SELECT id, ring, n, unnest(range(1, n + 1)) AS k FROM (SELECT id, ring, len(ring) // 2 AS n FROM areas WHERE level = 'grid' AND ring IS NOT NULL))
    ) WHERE y1 <> y2`);
  await store.run(`CREATE OR REPLACE TEMP TABLE ${FACTS_TABLE} AS ${FACTS_SELECT('true')}`);
  built.set(store, { watermarkMs: Number(mark?.t ?? 0) });
  const n = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${FACTS_TABLE}`);
  return n?.n ?? 0;
}

/**
 * Keeps the facts current: the first call builds them, later calls rebuild the rows of incidents
 * whose events reached the log since the call before (both the feed's and the console's).
 */
export async function refreshFacts(store: DuckDbStore): Promise<void> {
  const state = built.get(store);
  if (!state) {
    await buildFacts(store);
    return;
  }
  const mark = await store.one<{ t: number | null }>(
    `SELECT epoch_ms(max(received_at)) AS t FROM events WHERE received_at >= epoch_ms($w::BIGINT)`,
    { w: state.watermarkMs },
  );
  if (mark?.t === null || mark?.t === undefined) return;
  const changed = `SELECT DISTINCT json_extract_string(data, '$.incidentId') FROM events
    WHERE received_at >= epoch_ms($w::BIGINT) AND type IN ('incident.reported', 'incident.status')`;
  await store.transaction(async () => {
    await store.run(`DELETE FROM ${FACTS_TABLE} WHERE id IN (${changed})`, {
      w: state.watermarkMs,
    });
    await store.run(`INSERT INTO ${FACTS_TABLE} ${FACTS_SELECT(`i.id IN (${changed})`)}`, {
      w: state.watermarkMs,
    });
  });
  state.watermarkMs = Number(mark.t);
}

/** Forgets the facts of `store` (they are rebuilt whole at the next refresh). */
export function dropFacts(store: DuckDbStore): void {
  built.delete(store);
}
