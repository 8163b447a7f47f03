/**
 * The twin's road ways as routing needs them: every line of the base map's `road` layer with its
 * one-way rule, level (bridge +1, tunnel −1) and whether vehicles use it (imported maps carry
 * these in `road_ways`; the demo generator's streets have no row there: two-way, ground level,
 * drivable). One reader for dispatch, incidents, the simulator and evacuation, so they all route
 * over the same network.
 */
import type { DuckDbStore } from '../store/DuckDbStore.ts';
import { RoadGraph, type RoadLine } from './RoadGraph.ts';

/** A road line and the base-map feature it belongs to (a MultiLineString gives several). */
export interface StoredRoadLine extends RoadLine {
  featureId: number;
}

/** Road classes of ways people walk and vehicles never drive (mapping.ts ROAD_CLASS). */
const WALKED_ONLY_CLASSES = new Set(['path']);

/** A road way's flags as routing reads them; `way` is null where the map carries none. */
export function roadLineFlags(way: { roadClass: string; oneway: number; bridge: boolean; tunnel: boolean } | null): Omit<RoadLine, 'coords'> {
  if (!way) return { oneway: 0, level: 0, motor: true };
  return {
    oneway: way.oneway > 0 ? 1 : way.oneway < 0 ? -1 : 0,
    level: way.bridge ? 1 : way.tunnel ? -1 : 0,
    motor: !WALKED_ONLY_CLASSES.has(way.roadClass),
  };
}

export async function loadRoadLines(store: DuckDbStore): Promise<StoredRoadLine[]> {
  const rows = await store.all<{ id: number; g: string; road_class: string | null; oneway: number | null; bridge: boolean | null; tunnel: boolean | null }>(
    `SELECT f.id, f.geometry::VARCHAR AS g, w.road_class, w.oneway, w.bridge, w.tunnel
       FROM basemap_features f LEFT JOIN road_ways w ON w.feature_id = f.id
      WHERE f.layer = 'road' ORDER BY f.id`,
  );
  const out: StoredRoadLine[] = [];
  for (const r of rows) {
    const flags = roadLineFlags(r.road_class === null ? null : { roadClass: r.road_class, oneway: Number(r.oneway), bridge: r.bridge === true, tunnel: r.tunnel === true });
    const g = JSON.parse(r.g) as { type?: string; coordinates?: unknown };
    const parts = g.type === 'LineString' ? [g.coordinates as number[][]] : g.type === 'MultiLineString' ? (g.coordinates as number[][][]) : [];
    for (const coords of parts) if (coords.length >= 2) out.push({ featureId: Number(r.id), coords, ...flags });
  }
  return out;
}

const graphs = new WeakMap<DuckDbStore, Promise<RoadGraph>>();

/**
 * The twin's road graph, built once per open store and shared by dispatch and incidents (each
 * built its own before). A twin's roads change only on import, which no running host does; a
 * failed build is not kept, so the next call tries again.
 */
export function twinRoadGraph(store: DuckDbStore): Promise<RoadGraph> {
  let graph = graphs.get(store);
  if (!graph) {
    graph = loadRoadLines(store).then((lines) => RoadGraph.fromLines(lines));
    graphs.set(store, graph);
    graph.catch(() => graphs.delete(store));
  }
  return graph;
}
