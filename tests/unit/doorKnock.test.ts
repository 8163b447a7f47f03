/**
 * Door-knock routes, vehicle trips and pre-positioning (data/analytics/typhoon/evacuation/
 * doorKnock.ts) on hand-checkable instances, and lanes joined to the street they stop short of.
 */
import { describe, expect, it } from 'vitest';
import { RoadGraph } from '../../data/analytics/RoadGraph.ts';
import {
  LocalRoads,
  openPathOrder,
  planDoorKnocks,
  prePositionResources,
  vehicleTrips,
  type KnockHousehold,
} from '../../data/analytics/typhoon/evacuation/doorKnock.ts';
import { joinDanglingEnds } from '../../data/analytics/typhoon/evacuation/roadJoins.ts';

/** Every order of points 1…n−1 after 0: the shortest open path (brute force). */
function bruteForce(n: number, d: Float64Array): number {
  let best = Infinity;
  const rest = Array.from({ length: n - 1 }, (_, i) => i + 1);
  const go = (last: number, left: number[], len: number): void => {
    if (left.length === 0) {
      best = Math.min(best, len);
      return;
    }
    left.forEach((p, i) => go(p, [...left.slice(0, i), ...left.slice(i + 1)], len + d[last * n + p]!));
  };
  go(0, rest, 0);
  return best;
}
const pathLength = (order: number[], n: number, d: Float64Array): number => order.slice(1).reduce((a, p, i) => a + d[order[i]! * n + p]!, 0);

const M_PER_DEG = 111_320;
const LAT = 30;
const lonOf = (x: number): number => 120 + x / (M_PER_DEG * Math.cos((LAT * Math.PI) / 180));
const latOf = (y: number): number => LAT + y / M_PER_DEG;

describe('door-knock routes', () => {
  it('nearest neighbour + 2-opt + or-opt finds (nearly) the shortest open path on small instances', () => {
    // Points on a line out of order, and a random scatter.
    let seed = 7;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    let exact = 0;
    const trials = 40;
    for (let trial = 0; trial < trials; trial++) {
      const n = 7;
      const pts = Array.from({ length: n }, () => [rand() * 1000, rand() * 1000] as const);
      const d = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = Math.hypot(pts[i]![0] - pts[j]![0], pts[i]![1] - pts[j]![1]);
      const order = openPathOrder(n, d);
      expect(order[0]).toBe(0);
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      // A local optimum: within 5 % of the best, and equal to it in most trials.
      const best = bruteForce(n, d);
      expect(pathLength(order, n, d)).toBeLessThanOrEqual(best * 1.05 + 1e-6);
      if (pathLength(order, n, d) <= best + 1e-6) exact++;
    }
    expect(exact).toBeGreaterThanOrEqual(trials * 0.8);
  });

  it('walks a street of buildings in order, every household of a building in one visit, lowest floor first', () => {
    // One street along y = 0 from x = 0 to 1000; buildings at x = 900, 100, 500, 300 beside it.
    const street = [[lonOf(0), latOf(0)], [lonOf(1000), latOf(0)]];
    const buildings = [900, 100, 500, 300].map((x, i) => ({ id: i + 1, lon: lonOf(x), lat: latOf(10), gridId: 1 }));
    const households: KnockHousehold[] = buildings.flatMap((b) => [3, 1].map((floor, k) => ({ householdId: b.id * 10 + k, buildingId: b.id, floor, size: 2, needsVehicle: k === 0, shelterId: 1, roadDistanceM: 100 })));
    const worker = { id: 5, resourceId: 55, callsign: '网格员-01', gridId: 1, lon: lonOf(0), lat: latOf(0) };
    const plan = planDoorKnocks(new LocalRoads([street]), [worker], buildings, households);
    expect(plan.unassigned).toEqual([]);
    const route = plan.routes[0]!;
    expect(route.buildings).toBe(4);
    expect(route.stops.map((s) => s.buildingId)).toEqual([2, 2, 4, 4, 3, 3, 1, 1]);
    // Ground floor (1) before the third floor in each building.
    expect(route.stops.slice(0, 2).map((s) => s.householdId)).toEqual([21, 20]);
    expect(route.stops.map((s) => s.order)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // 100 + 200 + 200 + 400 m along the street, plus each building's 10 m walk from the street and back.
    expect(route.routeM).toBeGreaterThan(950);
    expect(route.routeM).toBeLessThan(990);
    expect(route.vehicleHouseholds).toBe(4);
    expect(route.estimatedLegs).toBe(0);
  });

  it('lists households of a grid without a worker as unassigned, with the reason', () => {
    const buildings = [{ id: 1, lon: lonOf(0), lat: latOf(0), gridId: 9 }, { id: 2, lon: lonOf(10), lat: latOf(0), gridId: null }];
    const households: KnockHousehold[] = [1, 2].map((b) => ({ householdId: b, buildingId: b, floor: 1, size: 1, needsVehicle: false, shelterId: null, roadDistanceM: null }));
    const plan = planDoorKnocks(null, [], buildings, households);
    expect(plan.unassigned.map((u) => u.reason)).toEqual(['no_grid_worker', 'no_grid']);
  });
});

describe('vehicle trips and pre-positioning', () => {
  it('makes one trip per vehicle household (or per trip load) to its shelter; unplaced households have none', () => {
    const h = (id: number, b: number, vehicle: boolean, shelter: number | null): KnockHousehold => ({ householdId: id, buildingId: b, floor: 1, size: 2, needsVehicle: vehicle, shelterId: shelter, roadDistanceM: 500 });
    const list = [h(1, 1, true, 7), h(2, 1, true, 7), h(3, 1, true, 7), h(4, 2, true, 8), h(5, 2, false, 8), h(6, 3, true, null)];
    expect(vehicleTrips(list, () => 4).map((t) => t.householdIds)).toEqual([[1], [2], [3], [4]]);
    expect(vehicleTrips(list, () => 4, 2).map((t) => t.householdIds)).toEqual([[1, 2], [3], [4]]);
  });

  it('sends the nearest pump truck by road to the worst spot first, and a boat where homes are under more than 0.5 m', () => {
    const road = RoadGraph.fromLines([[[lonOf(0), latOf(0)], [lonOf(3000), latOf(0)]]]);
    const spots = [
      { id: 'a', kind: 'homes' as const, lon: lonOf(2900), lat: latOf(0), depthM: 0.7, households: 30, fromHour: 5, label: 'A' },
      { id: 'b', kind: 'road' as const, lon: lonOf(100), lat: latOf(0), depthM: 0.4, households: 0, fromHour: 6, label: 'B' },
    ];
    const resources = [
      { id: 1, kind: 'pump_truck' as const, callsign: '泵车-01', lon: lonOf(0), lat: latOf(0), departmentId: 3 },
      { id: 2, kind: 'pump_truck' as const, callsign: '泵车-02', lon: lonOf(2500), lat: latOf(0), departmentId: 3 },
      { id: 3, kind: 'rescue_boat' as const, callsign: '冲锋舟-01', lon: lonOf(1000), lat: latOf(0), departmentId: 4 },
    ];
    const placed = prePositionResources(road, spots, resources);
    expect(placed.map((p) => [p.callsign, p.spot.id])).toEqual([
      ['泵车-02', 'a'],
      ['冲锋舟-01', 'a'],
      ['泵车-01', 'b'],
    ]);
    expect(placed[0]!.roadDistanceM).toBeGreaterThan(390);
    expect(placed[0]!.roadDistanceM).toBeLessThan(410);
  });
});

describe('lanes that stop short of the street', () => {
  it('are joined to it on foot, so a building on the lane can reach the street', () => {
    const street = [[lonOf(0), latOf(0)], [lonOf(1000), latOf(0)]];
    // A lane from 30 m north of the street, going north: it never touches the street.
    const lane = [[lonOf(500), latOf(30)], [lonOf(500), latOf(300)]];
    const apart = RoadGraph.fromLines([street, lane]);
    const onLane = apart.nearestNode(lonOf(505), latOf(250)).node;
    const onStreet = apart.nearestNode(lonOf(0), latOf(0)).node;
    expect(apart.distancesFrom(onStreet)[onLane]).toBe(Infinity);
    const { lines, joined } = joinDanglingEnds([street, lane]);
    expect(joined).toBe(1);
    const together = RoadGraph.fromLines(lines);
    const d = together.distancesFrom(together.nearestNode(lonOf(0), latOf(0)).node)[together.nearestNode(lonOf(505), latOf(250)).node]!;
    expect(d).toBeGreaterThan(500 + 30 + 200 - 25);
    expect(d).toBeLessThan(500 + 30 + 220 + 25);
  });
});
