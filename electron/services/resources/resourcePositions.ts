/**
 * Resources (vehicles, boats, grid workers) on the one clock: where each was at a moment (the last
 * fix at or before it, archived fixes included), its recent trail, and the newest fixes of a push.
 * Read by the live picture (LiveService); positions are columns, never row objects.
 */
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { historySource } from '../../../data/store/archive.ts';
import type { IngestEvent } from '../../../data/feed/events.ts';
import { RESOURCE_STATUSES, type ResourceKind } from '../../../data/model/domain.ts';
import type { ResourceInfo, ResourcePositions } from '../../common/dto.ts';

/** How often each kind reports its position (s); a fix older than twice this is stale. */
export const EXPECTED_INTERVAL_S: Record<ResourceKind, number> = {
  ambulance: 5,
  fire_engine: 5,
  rescue_boat: 10,
  pump_truck: 10,
  volunteer_team: 30,
  grid_worker: 15,
};
export const emptyPositions = (): ResourcePositions => ({
  count: 0,
  resourceId: new Int32Array(0),
  lon: new Float64Array(0),
  lat: new Float64Array(0),
  heading: new Float32Array(0),
  speed: new Float32Array(0),
  status: new Uint8Array(0),
  tsMs: new Float64Array(0),
});

/** The newest fix of each resource among `fixes`, as columns (a push's positions). */
export function latestPositions(fixes: readonly IngestEvent[]): ResourcePositions {
  const latest = new Map<number, IngestEvent & { type: 'resource.position' }>();
  for (const f of fixes) {
    if (f.type !== 'resource.position') continue;
    const prev = latest.get(f.data.resourceId);
    if (!prev || prev.tsMs <= f.tsMs) latest.set(f.data.resourceId, f);
  }
  return positionsFrom([...latest.values()]);
}

function positionsFrom(fixes: (IngestEvent & { type: 'resource.position' })[]): ResourcePositions {
  if (fixes.length === 0) return emptyPositions();
  const n = fixes.length;
  const p: ResourcePositions = {
    count: n,
    resourceId: new Int32Array(n),
    lon: new Float64Array(n),
    lat: new Float64Array(n),
    heading: new Float32Array(n),
    speed: new Float32Array(n),
    status: new Uint8Array(n),
    tsMs: new Float64Array(n),
  };
  fixes.forEach((f, i) => {
    p.resourceId[i] = f.data.resourceId;
    p.lon[i] = f.data.lon;
    p.lat[i] = f.data.lat;
    p.heading[i] = f.data.heading ?? 0;
    p.speed[i] = f.data.speed ?? 0;
    p.status[i] = Math.max(0, RESOURCE_STATUSES.indexOf(f.data.status ?? 'en_route'));
    p.tsMs[i] = f.tsMs;
  });
  return p;
}

/**
 * Every resource with where it was at `at` (its last fix within six hours, else its home position)
 * and its trail over the last 90 s (at most 8 fixes each, flat lon,lat,ts).
 */
export async function resourcesAt(
  store: DuckDbStore,
  at: number,
): Promise<{
  resources: ResourceInfo[];
  positions: ResourcePositions;
  trails: Record<number, number[]>;
}> {
  const t = new Date(at).toISOString();
  const resources = (
    await store.all<{ id: number; kind: ResourceKind; callsign: string }>(
      'SELECT id, kind, callsign FROM resources ORDER BY id',
    )
  ).map((r): ResourceInfo => ({
    id: r.id,
    kind: r.kind,
    callsign: r.callsign,
    expectedIntervalS: EXPECTED_INTERVAL_S[r.kind] ?? 30,
  }));
  const cols = await store.columns(
    /* sql */ `
      WITH p AS (
        SELECT resource_id, max_by(lon, ts) AS lon, max_by(lat, ts) AS lat, max_by(heading, ts) AS heading,
               max_by(speed, ts) AS speed, max_by(status, ts) AS status, max(ts) AS ts
        FROM ${await positionsSource(store, at - 6 * 3600_000, at)} WHERE ts <= $t AND ts >= $t::TIMESTAMP - INTERVAL 6 HOUR GROUP BY resource_id
      )
      SELECT r.id, coalesce(p.lon, r.lon), coalesce(p.lat, r.lat), coalesce(p.heading, 0), coalesce(p.speed, 0),
        list_position(${sqlList(RESOURCE_STATUSES)}, coalesce(p.status, r.status)) - 1, coalesce(epoch_ms(p.ts), 0)
      FROM resources r LEFT JOIN p ON p.resource_id = r.id ORDER BY r.id`,
    {
      resourceId: Int32Array,
      lon: Float64Array,
      lat: Float64Array,
      heading: Float32Array,
      speed: Float32Array,
      status: Uint8Array,
      tsMs: Float64Array,
    },
    { t },
  );
  const { rowCount, ...columns } = cols;
  const trailRows = await store.all<{ resource_id: number; lon: number; lat: number; ts: number }>(
    /* sql */ `SELECT resource_id, lon, lat, epoch_ms(ts) AS ts FROM ${await positionsSource(store, at - 90_000, at)}
       WHERE ts <= $t AND ts >= $t::TIMESTAMP - INTERVAL 90 SECOND
       QUALIFY row_number() OVER (PARTITION BY resource_id ORDER BY ts DESC) <= 8
       ORDER BY resource_id, ts`,
    { t },
  );
  const trails: Record<number, number[]> = {};
  for (const r of trailRows) (trails[r.resource_id] ??= []).push(r.lon, r.lat, Number(r.ts));
  return { resources, positions: { count: rowCount, ...columns }, trails };
}

const archiveWarnings = new Set<string>();
/** `resource_positions` for [fromMs, toMs], with its archived rows when the period is older than the twin holds. */
function positionsSource(store: DuckDbStore, fromMs: number, toMs: number): Promise<string> {
  return historySource(
    store,
    'resource_positions',
    ['resource_id', 'ts', 'lon', 'lat', 'heading', 'speed', 'status'],
    fromMs,
    toMs,
    (message) => {
      if (archiveWarnings.has(message)) return;
      archiveWarnings.add(message);
      console.error(`timeline: ${message}`);
    },
  );
}

const sqlList = (values: readonly string[]): string =>
  `[${values.map((v) => `'${v}'`).join(', ')}]`;
