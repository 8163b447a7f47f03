import { describe, expect, it } from 'vitest';
import { RoadGraph } from '../../data/analytics/RoadGraph.ts';

// Metres → degrees near 28.38° N.
const LAT0 = 28.38;
const LON0 = 121.42;
const m = (x: number, y: number): [number, number] => [LON0 + x / (111_320 * Math.cos((LAT0 * Math.PI) / 180)), LAT0 + y / 111_320];

describe('road graph and auto-dispatch', () => {
  it('chooses the worker nearest by road, not the one nearest in a straight line', () => {
    // A river (no road) between y=0 and y=100; one bridge at x=1000.
    const roads = [
      [m(0, 0), m(2000, 0)], // south bank road
      [m(0, 100), m(2000, 100)], // north bank road
      [m(1000, 0), m(1000, 100)], // the bridge
    ];
    const g = RoadGraph.fromLines(roads);
    const incident = m(0, 0);
    const across = { kind: 'grid_worker' as const, id: 1, lon: m(0, 100)[0], lat: m(0, 100)[1] }; // 100 m straight, 2100 m by road
    const along = { kind: 'grid_worker' as const, id: 2, lon: m(600, 0)[0], lat: m(600, 0)[1] }; // 600 m both ways
    const ranked = g.rankByRoadDistance(incident[0], incident[1], [across, along]);
    expect(ranked.map((r) => r.id)).toEqual([2, 1]);
    expect(ranked[0]!.roadDistanceM).toBeCloseTo(600, -1);
    expect(ranked[1]!.roadDistanceM).toBeCloseTo(2100, -1);
    expect(ranked[1]!.straightDistanceM).toBeCloseTo(100, -1);
  });

  it('nodes lines that cross without a shared vertex', () => {
    const g = RoadGraph.fromLines([
      [m(0, 500), m(1000, 500)],
      [m(500, 0), m(500, 1000)],
    ]);
    const d = g.rankByRoadDistance(m(0, 500)[0], m(0, 500)[1], [{ kind: 'resource', id: 9, lon: m(500, 0)[0], lat: m(500, 0)[1] }]);
    expect(d[0]!.roadDistanceM).toBeCloseTo(1000, -1);
    const path = g.path(...m(0, 500), ...m(500, 1000));
    expect(path.length).toBeGreaterThanOrEqual(3);
  });
});
