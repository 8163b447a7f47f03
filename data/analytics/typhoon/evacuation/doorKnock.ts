/**
 * Who does the moving (issue 11 §5): each grid worker's door-knock list as a route through their
 * households, the households that need a vehicle as vehicle trips, and where pump trucks and
 * rescue boats wait before the water comes.
 *
 * Routes: the worker starts at their own position, visits each building of their households once
 * (every household of a building in one visit, lowest floor first: basements and ground floors
 * flood first), ordered by nearest neighbour and then improved by 2-opt over road distances (an
 * open path: the worker does not come back). Pure over its inputs and deterministic (ties break by
 * id), so a replay of the same plan gives the same lists.
 */
import Flatbush from 'flatbush';
import { RoadGraph } from '../../RoadGraph.ts';
import { localProjection } from '../../../model/geo.ts';
import { CareFlag } from '../../../model/domain.ts';

export interface KnockHousehold {
  householdId: number;
  buildingId: number;
  floor: number;
  size: number;
  needsVehicle: boolean;
  shelterId: number | null;
  /** Road metres from the building to its shelter (null when unplaced). */
  roadDistanceM: number | null;
}

export interface KnockBuilding {
  id: number;
  lon: number;
  lat: number;
  gridId: number | null;
}

export interface KnockWorker {
  /** grid_workers.id */
  id: number;
  /** The worker's row in `resources` (kind grid_worker): the id incidents are assigned to. */
  resourceId: number | null;
  callsign: string;
  gridId: number;
  lon: number;
  lat: number;
}

export interface KnockStop {
  householdId: number;
  buildingId: number;
  /** 1-based place in the worker's list. */
  order: number;
  /** Metres walked from the previous building (0 for the next household in the same building). */
  legM: number;
}

export interface DoorKnockRoute {
  workerId: number;
  resourceId: number | null;
  callsign: string;
  gridId: number;
  stops: KnockStop[];
  buildings: number;
  households: number;
  people: number;
  vehicleHouseholds: number;
  /** Metres along the route from the worker's position to the last building. */
  routeM: number;
  /** Legs measured as straight lines × 1.3 because no road joins them (or the list is too long to measure every pair). */
  estimatedLegs: number;
}

export interface DoorKnockPlan {
  routes: DoorKnockRoute[];
  /** Households whose building has no grid, or whose grid has no worker. */
  unassigned: { householdId: number; buildingId: number; gridId: number | null; reason: 'no_grid' | 'no_grid_worker' }[];
}

/** Above this many buildings in one list, legs are straight lines × DETOUR (one road search per building would cost too much). */
export const MAX_ROAD_MEASURED_STOPS = 120;
/** Road distance ≈ straight distance × 1.3 in a street grid (the usual detour index). */
export const DETOUR = 1.3;

/**
 * The road lines, from which a small graph around one grid is cut: a door-knock route stays in its
 * grid, so its distances are searched on the roads within `marginM` of the grid's buildings, not
 * over the whole district (a 100k-building district has thousands of grids).
 */
export class LocalRoads {
  private readonly segs: [number, number, number, number][] = [];
  private readonly index: Flatbush | null;

  public constructor(lines: readonly number[][][]) {
    for (const l of lines) for (let i = 0; i + 1 < l.length; i++) this.segs.push([l[i]![0]!, l[i]![1]!, l[i + 1]![0]!, l[i + 1]![1]!]);
    if (this.segs.length === 0) {
      this.index = null;
      return;
    }
    this.index = new Flatbush(this.segs.length);
    for (const [ax, ay, bx, by] of this.segs) this.index.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
    this.index.finish();
  }

  /** The roads within `marginM` of the points' extent, as a graph (null without roads there). */
  public around(points: readonly { lon: number; lat: number }[], marginM = 400): RoadGraph | null {
    if (!this.index || points.length === 0) return null;
    const lat0 = points[0]!.lat;
    const dLat = marginM / 111_320;
    const dLon = marginM / (111_320 * Math.max(0.1, Math.cos((lat0 * Math.PI) / 180)));
    let minLon = Infinity;
    let minLat = Infinity;
    let maxLon = -Infinity;
    let maxLat = -Infinity;
    for (const p of points) {
      minLon = Math.min(minLon, p.lon);
      maxLon = Math.max(maxLon, p.lon);
      minLat = Math.min(minLat, p.lat);
      maxLat = Math.max(maxLat, p.lat);
    }
    const hits = this.index.search(minLon - dLon, minLat - dLat, maxLon + dLon, maxLat + dLat);
    if (hits.length === 0) return null;
    hits.sort((a, b) => a - b);
    return RoadGraph.fromLines(hits.map((k) => { const [ax, ay, bx, by] = this.segs[k]!; return [[ax, ay], [bx, by]]; }));
  }
}

/** A household needs a vehicle when a member is disabled (wheelchair, stretcher) or bedridden. */
export function needsVehicle(careFlags: number, bedridden: boolean | null): boolean {
  return (careFlags & CareFlag.Disabled) !== 0 || bedridden === true;
}

/**
 * Distances between route points (index 0 = the worker's start) by road, with each point's walk to
 * its road node; straight × DETOUR where no road joins two points.
 */
function distanceMatrix(roads: RoadGraph | null, points: readonly { lon: number; lat: number }[]): { d: Float64Array; estimated: Uint8Array } {
  const n = points.length;
  const d = new Float64Array(n * n);
  const estimated = new Uint8Array(n * n);
  const proj = localProjection(points[0]?.lon ?? 0, points[0]?.lat ?? 0);
  const xy = points.map((p) => proj.toMetres(p.lon, p.lat));
  const straight = (i: number, j: number): number => Math.hypot(xy[i]![0] - xy[j]![0], xy[i]![1] - xy[j]![1]) * DETOUR;
  const byRoad = roads !== null && roads.nodeCount > 0 && n <= MAX_ROAD_MEASURED_STOPS + 1;
  if (!byRoad) {
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        d[i * n + j] = i === j ? 0 : straight(i, j);
        estimated[i * n + j] = i === j ? 0 : 1;
      }
    return { d, estimated };
  }
  const snapped = points.map((p) => roads.nearestNode(p.lon, p.lat));
  for (let i = 0; i < n; i++) {
    const dist = roads.distancesFrom(snapped[i]!.node);
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const r = dist[snapped[j]!.node]!;
      if (Number.isFinite(r)) d[i * n + j] = snapped[i]!.distanceM + r + snapped[j]!.distanceM;
      else {
        d[i * n + j] = straight(i, j);
        estimated[i * n + j] = 1;
      }
    }
  }
  // Dijkstra on an undirected graph is symmetric up to rounding; make it exactly so for 2-opt.
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const m = Math.min(d[i * n + j]!, d[j * n + i]!);
      d[i * n + j] = m;
      d[j * n + i] = m;
    }
  return { d, estimated };
}

/** An open path from point 0 through every other point: nearest neighbour, then 2-opt and or-opt until no move shortens it. */
export function openPathOrder(n: number, d: Float64Array): number[] {
  if (n <= 1) return n === 1 ? [0] : [];
  const seen = new Uint8Array(n);
  const order = [0];
  seen[0] = 1;
  for (let k = 1; k < n; k++) {
    const last = order[order.length - 1]!;
    let best = -1;
    for (let j = 1; j < n; j++) if (!seen[j] && (best < 0 || d[last * n + j]! < d[last * n + best]!)) best = j;
    seen[best] = 1;
    order.push(best);
  }
  // 2-opt on an open path with a fixed start: reversing order[i..j] replaces edges (i-1,i) and (j,j+1).
  // Then or-opt: a run of 1–3 stops moved elsewhere (2-opt alone leaves such detours). Until neither helps.
  const cost = (a: number, b: number): number => (b < 0 || a < 0 ? 0 : d[a * n + b]!);
  const at = (k: number): number => (k < n ? order[k]! : -1);
  let improved = true;
  let passes = 0;
  while (improved && passes++ < 50) {
    improved = false;
    for (let i = 1; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        const delta = cost(at(i - 1), at(j)) + cost(at(i), at(j + 1)) - cost(at(i - 1), at(i)) - cost(at(j), at(j + 1));
        if (delta < -1e-6) {
          for (let l = i, r = j; l < r; l++, r--) [order[l], order[r]] = [order[r]!, order[l]!];
          improved = true;
        }
      }
    }
    for (let len = 1; len <= 3; len++) {
      for (let i = 1; i + len <= n; i++) {
        // The run order[i..i+len-1] between a = order[i-1] and b = order[i+len] (or the end).
        const first = at(i);
        const last = at(i + len - 1);
        const removed = cost(at(i - 1), first) + cost(last, at(i + len)) - cost(at(i - 1), at(i + len));
        let best = -1e-6;
        let bestK = -1;
        let bestReversed = false;
        // Insert between order[k] and order[k+1], for k outside the run.
        for (let k = 0; k < n; k++) {
          if (k >= i - 1 && k <= i + len - 1) continue;
          const p = at(k);
          const q = at(k + 1);
          const base = cost(p, q);
          const fwd = cost(p, first) + cost(last, q) - base;
          const rev = cost(p, last) + cost(first, q) - base;
          if (fwd - removed < best) {
            best = fwd - removed;
            bestK = k;
            bestReversed = false;
          }
          if (rev - removed < best) {
            best = rev - removed;
            bestK = k;
            bestReversed = true;
          }
        }
        if (bestK < 0) continue;
        const run = order.splice(i, len);
        if (bestReversed) run.reverse();
        const insertAt = bestK < i ? bestK + 1 : bestK + 1 - len;
        order.splice(insertAt, 0, ...run);
        improved = true;
      }
    }
  }
  return order;
}

/**
 * Splits a grid's buildings between its workers: the grid's route is cut into as many runs as there
 * are workers, balanced by households, and each worker takes the run that starts nearest to them.
 */
function splitAmongWorkers<T extends { households: number; lon: number; lat: number }>(ordered: T[], workers: number): T[][] {
  if (workers <= 1) return [ordered];
  const total = ordered.reduce((a, b) => a + b.households, 0);
  const runs: T[][] = Array.from({ length: workers }, () => []);
  let acc = 0;
  for (const b of ordered) {
    const k = Math.min(workers - 1, Math.floor((acc / Math.max(1, total)) * workers));
    runs[k]!.push(b);
    acc += b.households;
  }
  return runs;
}

/** Door-knock routes for every grid worker with households in the plan. */
export function planDoorKnocks(
  network: LocalRoads | null,
  workers: readonly KnockWorker[],
  buildings: readonly KnockBuilding[],
  households: readonly KnockHousehold[],
): DoorKnockPlan {
  const buildingById = new Map(buildings.map((b) => [b.id, b]));
  const workersOfGrid = new Map<number, KnockWorker[]>();
  for (const w of [...workers].sort((a, b) => a.id - b.id)) {
    const list = workersOfGrid.get(w.gridId) ?? [];
    list.push(w);
    workersOfGrid.set(w.gridId, list);
  }
  const unassigned: DoorKnockPlan['unassigned'] = [];
  // Households by grid, then by building.
  const byGrid = new Map<number, Map<number, KnockHousehold[]>>();
  for (const h of households) {
    const b = buildingById.get(h.buildingId);
    const gridId = b?.gridId ?? null;
    if (gridId === null) {
      unassigned.push({ householdId: h.householdId, buildingId: h.buildingId, gridId: null, reason: 'no_grid' });
      continue;
    }
    if (!workersOfGrid.has(gridId)) {
      unassigned.push({ householdId: h.householdId, buildingId: h.buildingId, gridId, reason: 'no_grid_worker' });
      continue;
    }
    let g = byGrid.get(gridId);
    if (!g) byGrid.set(gridId, (g = new Map()));
    const list = g.get(h.buildingId) ?? [];
    list.push(h);
    g.set(h.buildingId, list);
  }
  const routes: DoorKnockRoute[] = [];
  for (const gridId of [...byGrid.keys()].sort((a, b) => a - b)) {
    const gridWorkers = workersOfGrid.get(gridId)!;
    const stopsOf = byGrid.get(gridId)!;
    const places = [...stopsOf.keys()]
      .sort((a, b) => a - b)
      .map((id) => ({ id, lon: buildingById.get(id)!.lon, lat: buildingById.get(id)!.lat, households: stopsOf.get(id)!.length }));
    // One distance matrix per grid over its workers and buildings (workers first), searched on the
    // roads around the grid; one route over the grid from its first worker, cut into runs when the
    // grid has several workers, each run then ordered from its own worker.
    const roads = network?.around([...gridWorkers, ...places], 250) ?? null;
    const w = gridWorkers.length;
    const all = distanceMatrix(roads, [...gridWorkers, ...places]);
    const N = w + places.length;
    const orderFrom = (start: number, members: readonly number[]): number[] => {
      const idx = [start, ...members];
      const sub = new Float64Array(idx.length * idx.length);
      idx.forEach((a, i) => idx.forEach((b, j) => (sub[i * idx.length + j] = all.d[a * N + b]!)));
      return openPathOrder(idx.length, sub)
        .slice(1)
        .map((i) => idx[i]!);
    };
    const whole = orderFrom(0, places.map((_, i) => w + i));
    const runs = splitAmongWorkers(whole.map((i) => ({ ...places[i - w]!, at: i })), w);
    runs.forEach((run, k) => {
      if (run.length === 0) return;
      const worker = gridWorkers[k]!;
      const path = [k, ...orderFrom(k, run.map((r) => r.at))];
      const order = path.slice(1).map((i) => i - w);
      const n = N;
      const d = { at: (a: number, b: number): number => all.d[a * n + b]!, est: (a: number, b: number): number => all.estimated[a * n + b]! };
      const stops: KnockStop[] = [];
      let routeM = 0;
      let estimatedLegs = 0;
      let people = 0;
      let vehicleHouseholds = 0;
      order.forEach((i, pos) => {
        const leg = d.at(path[pos]!, path[pos + 1]!);
        routeM += leg;
        estimatedLegs += d.est(path[pos]!, path[pos + 1]!);
        const hs = stopsOf.get(places[i]!.id)!.slice().sort((a, b) => a.floor - b.floor || a.householdId - b.householdId);
        hs.forEach((h, j) => {
          stops.push({ householdId: h.householdId, buildingId: h.buildingId, order: stops.length + 1, legM: j === 0 ? Math.round(leg) : 0 });
          people += h.size;
          if (h.needsVehicle) vehicleHouseholds++;
        });
      });
      routes.push({
        workerId: worker.id,
        resourceId: worker.resourceId,
        callsign: worker.callsign,
        gridId,
        stops,
        buildings: order.length,
        households: stops.length,
        people,
        vehicleHouseholds,
        routeM: Math.round(routeM),
        estimatedLegs,
      });
    });
  }
  return { routes, unassigned };
}

export interface VehicleTrip {
  /** `<gridId>-<n>`: stable within a plan. */
  tripId: string;
  gridId: number | null;
  buildingId: number;
  shelterId: number;
  householdIds: number[];
  people: number;
  roadDistanceM: number;
}

/**
 * Households that need a vehicle become trips: from their building to their shelter, at most
 * `householdsPerTrip` households of one building and shelter in one trip (a wheelchair or a
 * stretcher fills a van: default 1). Unplaced households have no trip (they have nowhere to go).
 */
export function vehicleTrips(households: readonly KnockHousehold[], gridOf: (buildingId: number) => number | null, householdsPerTrip = 1): VehicleTrip[] {
  const perTrip = Math.max(1, Math.floor(householdsPerTrip));
  const groups = new Map<string, KnockHousehold[]>();
  for (const h of households) {
    if (!h.needsVehicle || h.shelterId === null) continue;
    const key = `${h.buildingId}:${h.shelterId}`;
    const list = groups.get(key) ?? [];
    list.push(h);
    groups.set(key, list);
  }
  const trips: VehicleTrip[] = [];
  const perGrid = new Map<string, number>();
  const keys = [...groups.keys()].sort((a, b) => {
    const [ab, as] = a.split(':').map(Number);
    const [bb, bs] = b.split(':').map(Number);
    return ab! - bb! || as! - bs!;
  });
  for (const key of keys) {
    const list = groups.get(key)!.sort((a, b) => a.householdId - b.householdId);
    for (let i = 0; i < list.length; i += perTrip) {
      const chunk = list.slice(i, i + perTrip);
      const gridId = gridOf(chunk[0]!.buildingId);
      const g = String(gridId ?? 'none');
      const n = (perGrid.get(g) ?? 0) + 1;
      perGrid.set(g, n);
      trips.push({
        tripId: `${g}-${n}`,
        gridId,
        buildingId: chunk[0]!.buildingId,
        shelterId: chunk[0]!.shelterId!,
        householdIds: chunk.map((h) => h.householdId),
        people: chunk.reduce((a, h) => a + h.size, 0),
        roadDistanceM: Math.round(chunk[0]!.roadDistanceM ?? 0),
      });
    }
  }
  return trips;
}

/** A place that will flood, as the waterlogging model reports it. */
export interface FloodSpot {
  id: string;
  kind: 'homes' | 'road' | 'underpass';
  lon: number;
  lat: number;
  depthM: number;
  /** Households with water at home there (0 for a road). */
  households: number;
  /** First hour of the scenario with water that matters there. */
  fromHour: number | null;
  label: string;
}

export interface MobileResource {
  id: number;
  kind: 'pump_truck' | 'rescue_boat';
  callsign: string;
  lon: number;
  lat: number;
  departmentId: number | null;
}

export interface PrePosition {
  resourceId: number;
  kind: MobileResource['kind'];
  callsign: string;
  departmentId: number | null;
  spot: FloodSpot;
  /** Road metres from where the resource is now to the spot. */
  roadDistanceM: number | null;
}

/** Water deep enough that people need a boat (wading limit, flood.ts WALK_LIMIT_M). */
export const BOAT_DEPTH_M = 0.5;

/**
 * Pre-positions pump trucks and boats: spots in order of need (households with water at home,
 * then depth; closed underpasses and roads after homes of the same depth), each taking the nearest
 * free pump truck by road, and spots deeper than BOAT_DEPTH_M with homes also the nearest boat.
 */
export function prePositionResources(roads: RoadGraph | null, spots: readonly FloodSpot[], resources: readonly MobileResource[]): PrePosition[] {
  const ranked = [...spots].sort((a, b) => b.households - a.households || b.depthM - a.depthM || a.id.localeCompare(b.id));
  const free = new Set(resources.map((r) => r.id));
  const byId = new Map(resources.map((r) => [r.id, r]));
  const out: PrePosition[] = [];
  const nearestFree = (spot: FloodSpot, kind: MobileResource['kind']): { r: MobileResource; d: number | null } | null => {
    const candidates = [...free].map((id) => byId.get(id)!).filter((r) => r.kind === kind);
    if (candidates.length === 0) return null;
    if (roads && roads.nodeCount > 0) {
      const ranked = roads.rankByRoadDistance(spot.lon, spot.lat, candidates.map((r) => ({ kind: 'resource' as const, id: r.id, lon: r.lon, lat: r.lat })));
      const best = ranked[0]!;
      return { r: byId.get(best.id)!, d: Number.isFinite(best.roadDistanceM) ? Math.round(best.roadDistanceM) : null };
    }
    const proj = localProjection(spot.lon, spot.lat);
    const best = candidates.reduce((a, b) => (Math.hypot(...proj.toMetres(b.lon, b.lat)) < Math.hypot(...proj.toMetres(a.lon, a.lat)) ? b : a));
    return { r: best, d: null };
  };
  for (const spot of ranked) {
    if (free.size === 0) break;
    const pump = nearestFree(spot, 'pump_truck');
    if (pump) {
      free.delete(pump.r.id);
      out.push({ resourceId: pump.r.id, kind: 'pump_truck', callsign: pump.r.callsign, departmentId: pump.r.departmentId, spot, roadDistanceM: pump.d });
    }
    if (spot.households > 0 && spot.depthM >= BOAT_DEPTH_M) {
      const boat = nearestFree(spot, 'rescue_boat');
      if (boat) {
        free.delete(boat.r.id);
        out.push({ resourceId: boat.r.id, kind: 'rescue_boat', callsign: boat.r.callsign, departmentId: boat.r.departmentId, spot, roadDistanceM: boat.d });
      }
    }
  }
  return out;
}
