/**
 * Reading incidents back from the store's projections (`incidents`, `incident_steps`) as of any
 * moment: the status is the latest step at or before it. The live picture (LiveService, the one
 * clock) reads the snapshot and its pushes through these; the incidents section one incident.
 */
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import type { Incident, IncidentGridSummary, IncidentOverflow } from '../../common/dto.ts';
import {
  isOpenStatus,
  SLA_MINUTES,
  type AssigneeKind,
  type IncidentCategory,
  type IncidentStatus,
  type ReporterKind,
  type Severity,
} from '../../../data/model/incidents.ts';

/** A step's place in the closed loop, for ordering steps recorded in the same millisecond. */
export const STEP_RANK = `CASE step WHEN 'reported' THEN 0 WHEN 'accepted' THEN 1 WHEN 'dispatched' THEN 2 WHEN 'reassigned' THEN 2
  WHEN 'handling' THEN 3 WHEN 'feedback' THEN 4 WHEN 'evaluated' THEN 5 WHEN 'closed' THEN 6 WHEN 'cancelled' THEN 6 END`;

/**
 * Incidents as of `$t`: status = the latest step at or before `$t`. `stepsWhere` narrows the steps
 * read before they are grouped (a push for a few incidents must not aggregate every step ever
 * recorded).
 */
export const INCIDENTS_AT = (where: string, stepsWhere = 'true'): string => /* sql */ `
  WITH s AS (
    SELECT incident_id,
      max_by(step, epoch_ms(ts) * 10 + ${STEP_RANK}) AS step,
      max(ts) AS updated_at,
      min(ts) FILTER (WHERE step IN ('feedback', 'evaluated', 'closed')) AS handled_at,
      max_by(assignee_kind, CASE WHEN assignee_id IS NOT NULL THEN epoch_ms(ts) END) AS assignee_kind,
      max_by(assignee_id, CASE WHEN assignee_id IS NOT NULL THEN epoch_ms(ts) END) AS assignee_id
    FROM incident_steps WHERE ts <= $t AND ${stepsWhere} GROUP BY incident_id
  )
  SELECT i.id, i.category, i.severity, i.lon, i.lat, i.building_id, b.address, i.reporter, i.source, i.description,
    CASE s.step WHEN 'reassigned' THEN 'dispatched' ELSE s.step END AS status,
    epoch_ms(i.reported_at) AS reported_at, epoch_ms(s.updated_at) AS updated_at, epoch_ms(s.handled_at) AS handled_at,
    s.assignee_kind, s.assignee_id,
    CASE s.assignee_kind WHEN 'grid_worker' THEN r.callsign WHEN 'resource' THEN r.callsign WHEN 'department' THEN d.name END AS assignee_label
  FROM incidents i JOIN s ON s.incident_id = i.id
  LEFT JOIN buildings b ON b.id = i.building_id
  LEFT JOIN resources r ON s.assignee_kind IN ('grid_worker', 'resource') AND r.id = s.assignee_id
  LEFT JOIN departments d ON s.assignee_kind = 'department' AND d.id = s.assignee_id
  WHERE i.reported_at <= $t AND ${where}
  ORDER BY i.severity DESC, i.reported_at`;

export interface IncidentRow {
  id: string;
  category: string;
  severity: number;
  lon: number;
  lat: number;
  building_id: number | null;
  address: string | null;
  reporter: string;
  source: string;
  description: string | null;
  status: string;
  reported_at: number;
  updated_at: number;
  handled_at: number | null;
  assignee_kind: string | null;
  assignee_id: number | null;
  assignee_label: string | null;
}

export const toIncident = (r: IncidentRow): Incident => ({
  id: r.id,
  category: r.category as IncidentCategory,
  severity: r.severity as Severity,
  lon: r.lon,
  lat: r.lat,
  buildingId: r.building_id,
  address: r.address,
  reporter: r.reporter as ReporterKind,
  source: r.source,
  description: r.description,
  status: r.status as IncidentStatus,
  reportedAt: Number(r.reported_at),
  updatedAt: Number(r.updated_at),
  slaDueAt: Number(r.reported_at) + SLA_MINUTES[r.category as IncidentCategory] * 60_000,
  handledAt: r.handled_at === null ? null : Number(r.handled_at),
  assignee:
    r.assignee_kind && r.assignee_id !== null
      ? {
          kind: r.assignee_kind as AssigneeKind,
          id: r.assignee_id,
          label: r.assignee_label ?? `#${r.assignee_id}`,
        }
      : null,
});

/**
 * Open incidents a snapshot lists one by one. Beyond it (a typhoon night, a flood of camera
 * reports, a producer gone wrong) the rest are counted by grid: 61k open incidents made a 22.6 MB
 * snapshot that every console and wall fetched on each resync. 2,000 is more than a queue is
 * worked from, and keeps the snapshot well under a megabyte.
 */
export const SNAPSHOT_OPEN_INCIDENTS = 2000;
/** Incidents closed within the last half hour (fading on the map) a snapshot lists at most, newest first. */
export const SNAPSHOT_CLOSED_INCIDENTS = 500;

const SLA_MINUTES_SQL = `CASE category ${Object.entries(SLA_MINUTES)
  .map(([c, m]) => `WHEN '${c}' THEN ${m}`)
  .join(' ')} ELSE 1440 END`;

/**
 * Incidents as of `$t` with what the queue orders them by (renderer IncidentQueue `queueOrder`):
 * `sla_rank` (overdue 0, nearly due 1, other open 2, handled 3), severity, due time. Read with
 * ORDER BY … LIMIT (a top-N) rather than a window: row_number() over 61k rows took 1.2–4 s here,
 * the top-N 0.2 s.
 */
const RANKED_INCIDENTS_AT = /* sql */ `
  WITH q AS (${INCIDENTS_AT(`(s.step NOT IN ('evaluated', 'closed', 'cancelled') OR s.updated_at >= $t::TIMESTAMP - INTERVAL 30 MINUTE)`)}),
  r AS (SELECT q.*, status NOT IN ('evaluated', 'closed', 'cancelled') AS is_open, reported_at + ${SLA_MINUTES_SQL} * 60000 AS due_ms FROM q)
  SELECT r.*, CASE WHEN handled_at IS NOT NULL THEN 3 WHEN $tms > due_ms THEN 0
                   WHEN $tms > reported_at + 0.75 * (due_ms - reported_at) THEN 1 ELSE 2 END AS sla_rank
  FROM r`;
const QUEUE_ORDER = 'sla_rank, severity DESC, due_ms, id';

/** A grid's outline, for placing incidents that name no building. */
interface GridOutline {
  id: number;
  name: string;
  ring: number[];
  bbox: [number, number, number, number];
}
const gridOutlines = new WeakMap<DuckDbStore, Promise<GridOutline[]>>();
function gridsOf(store: DuckDbStore): Promise<GridOutline[]> {
  let grids = gridOutlines.get(store);
  if (!grids) {
    grids = store
      .all<{ id: number; name: string; ring: number[] | null }>(
        "SELECT id, name, ring FROM areas WHERE level = 'grid' AND ring IS NOT NULL",
      )
      .then((rows) =>
        rows.map((r) => {
          const ring = (r.ring ?? []).map(Number);
          const lons = ring.filter((_, i) => i % 2 === 0);
          const lats = ring.filter((_, i) => i % 2 === 1);
          return {
            id: r.id,
            name: r.name,
            ring,
            bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
          };
        }),
      );
    gridOutlines.set(store, grids);
  }
  return grids;
}

/** Even-odd test of a point against a flat lon,lat ring (closed or not). */
function insideRing(lon: number, lat: number, ring: number[]): boolean {
  let inside = false;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[2 * i]!,
      yi = ring[2 * i + 1]!,
      xj = ring[2 * j]!,
      yj = ring[2 * j + 1]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The snapshot's incidents: the most urgent open ones (up to SNAPSHOT_OPEN_INCIDENTS) and the
 * recently closed (up to SNAPSHOT_CLOSED_INCIDENTS) as rows; the remaining open ones read as
 * columns only (no row objects for tens of thousands) and counted by the grid of their building,
 * or of their position when they name none.
 */
export async function boundedIncidentsAt(
  store: DuckDbStore,
  at: number,
): Promise<{ incidents: Incident[]; overflow: IncidentOverflow | null }> {
  const t = new Date(at).toISOString();
  const rows = await store.all<IncidentRow>(
    `SELECT * FROM (
       (SELECT * EXCLUDE (is_open, due_ms, sla_rank) FROM (${RANKED_INCIDENTS_AT}) WHERE is_open ORDER BY ${QUEUE_ORDER} LIMIT $open)
       UNION ALL
       (SELECT * EXCLUDE (is_open, due_ms, sla_rank) FROM (${RANKED_INCIDENTS_AT}) WHERE NOT is_open ORDER BY updated_at DESC LIMIT $closed)
     ) ORDER BY severity DESC, reported_at`,
    { t, tms: at, open: SNAPSHOT_OPEN_INCIDENTS, closed: SNAPSHOT_CLOSED_INCIDENTS },
  );
  const incidents = rows.map(toIncident);
  const listed = incidents.filter((i) => isOpenStatus(i.status)).length;
  if (listed < SNAPSHOT_OPEN_INCIDENTS) return { incidents, overflow: null };
  const rest = await store.columns(
    `SELECT coalesce(b.grid_id, -1), n.lon, n.lat, n.severity, n.reported_at, (n.sla_rank = 0)::UTINYINT
     FROM (SELECT * FROM (${RANKED_INCIDENTS_AT}) WHERE is_open ORDER BY ${QUEUE_ORDER} OFFSET $open) n
     LEFT JOIN buildings b ON b.id = n.building_id`,
    {
      grid: Int32Array,
      lon: Float64Array,
      lat: Float64Array,
      severity: Uint8Array,
      reportedAt: Float64Array,
      overdue: Uint8Array,
    },
    { t, tms: at, open: SNAPSHOT_OPEN_INCIDENTS },
  );
  if (rest.rowCount === 0) return { incidents, overflow: null };
  const grids = await gridsOf(store);
  const byId = new Map(grids.map((g) => [g.id, g]));
  const groups = new Map<number, IncidentGridSummary>();
  for (let i = 0; i < rest.rowCount; i++) {
    let grid = rest.grid[i]!;
    if (grid < 0) {
      const lon = rest.lon[i]!,
        lat = rest.lat[i]!;
      grid =
        grids.find(
          (g) =>
            lon >= g.bbox[0] &&
            lon <= g.bbox[2] &&
            lat >= g.bbox[1] &&
            lat <= g.bbox[3] &&
            insideRing(lon, lat, g.ring),
        )?.id ?? -1;
    }
    let s = groups.get(grid);
    if (!s) {
      s = {
        gridId: grid < 0 ? null : grid,
        gridName: byId.get(grid)?.name ?? null,
        count: 0,
        maxSeverity: 1,
        oldestReportedAt: Infinity,
        overdue: 0,
      };
      groups.set(grid, s);
    }
    s.count++;
    s.maxSeverity = Math.max(s.maxSeverity, rest.severity[i]!) as Severity;
    s.oldestReportedAt = Math.min(s.oldestReportedAt, rest.reportedAt[i]!);
    s.overdue += rest.overdue[i]!;
  }
  const byGrid = [...groups.values()].sort(
    (a, b) => b.count - a.count || (a.gridId ?? -1) - (b.gridId ?? -1),
  );
  return { incidents, overflow: { listed, summarised: rest.rowCount, byGrid } };
}
