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

describe('one-way streets, bridges, tunnels and footways (imported road ways)', () => {
  const at = (p: [number, number]) => ({ kind: 'resource' as const, id: 1, lon: p[0], lat: p[1] });
  const road = (d: number, coords: [number, number][], flags: { oneway?: -1 | 0 | 1; level?: number; motor?: boolean } = {}) => ({ coords, ...flags, d });

  // A block: the one-way street runs east along y=0 from A (0,0) to B (400,0); the way back is
  // the two-way loop B → (400,300) → (0,300) → A, 1000 m.
  const block = [
    road(0, [m(0, 0), m(400, 0)], { oneway: 1 }),
    road(0, [m(400, 0), m(400, 300), m(0, 300), m(0, 0)]),
  ];

  it('a vehicle keeps to a one-way street; a grid worker on foot does not have to', () => {
    const g = RoadGraph.fromLines(block);
    const [A, B] = [m(0, 0), m(400, 0)];
    // An engine at A reaches an incident at B along the one-way street (400 m)…
    expect(g.rankByRoadDistance(...B, [at(A)], 'drive')[0]!.roadDistanceM).toBeCloseTo(400, -1);
    // …but from B to an incident at A it must go round the block (1000 m).
    expect(g.rankByRoadDistance(...A, [at(B)], 'drive')[0]!.roadDistanceM).toBeCloseTo(1000, -1);
    expect(g.rankByRoadDistance(...A, [at(B)], 'walk')[0]!.roadDistanceM).toBeCloseTo(400, -1);
    // The drawn route goes round the block too: it passes the far corner.
    const route = g.path(...B, ...A, 'drive');
    expect(route.some(([lo, la]) => Math.hypot(lo - m(0, 300)[0], la - m(0, 300)[1]) < 1e-6)).toBe(true);
    // A line drawn against its direction (OSM oneway=-1) is driven the other way.
    const reversed = RoadGraph.fromLines([road(0, [m(0, 0), m(400, 0)], { oneway: -1 }), block[1]!]);
    expect(reversed.rankByRoadDistance(...A, [at(B)], 'drive')[0]!.roadDistanceM).toBeCloseTo(400, -1);
  });

  it('a bridge crosses a street without a junction; its ramps land where it ends', () => {
    // A street along y=0; a flyover along x=500 from (500,-300) to (500,300) crossing it, landing
    // on two side streets at its ends, which come back to the street at x=0 and x=1000.
    const lines = [
      road(0, [m(0, 0), m(1000, 0)]),
      road(0, [m(500, -300), m(500, 300)], { level: 1 }),
      road(0, [m(0, 300), m(500, 300), m(1000, 300)]),
      road(0, [m(0, 0), m(0, 300)]),
      road(0, [m(1000, 0), m(1000, -300), m(500, -300)]),
    ];
    const g = RoadGraph.fromLines(lines);
    const street = m(500, 0);
    const deck = m(500, 150);
    // From the street under the bridge to the bridge's north landing: not 300 m straight up
    // through the crossing, but west along the street and round by the side street (500+300+500).
    expect(g.rankByRoadDistance(...m(500, 300), [at(street)], 'drive')[0]!.roadDistanceM).toBeCloseTo(1300, -1);
    // A point on the deck snaps to ground level, never into the bridge's span.
    expect(g.nearestNode(...deck).distanceM).toBeGreaterThan(100);
    // Built as a ground-level street, the same line would be a crossroads.
    const flat = RoadGraph.fromLines(lines.map((l) => ({ ...l, level: 0 })));
    expect(flat.rankByRoadDistance(...m(500, 300), [at(street)], 'drive')[0]!.roadDistanceM).toBeCloseTo(300, -1);
  });

  it('a tunnel passes under a street; a road that ends on a bridge\'s landing joins it', () => {
    const g = RoadGraph.fromLines([
      road(0, [m(0, 0), m(1000, 0)]),
      road(0, [m(500, -500), m(500, 500)], { level: -1 }),
      // A lane from the tunnel's south portal west to the street's end.
      road(0, [m(500, -500), m(0, -500), m(0, 0)]),
    ]);
    // From the street's middle to the tunnel's north portal: back west, down the lane, through the tunnel (500+500+500+1000).
    expect(g.rankByRoadDistance(...m(500, 500), [at(m(500, 0))], 'walk')[0]!.roadDistanceM).toBeCloseTo(2500, -1);
  });

  it('vehicles never drive a footway; people walk it', () => {
    const g = RoadGraph.fromLines([
      road(0, [m(0, 0), m(200, 0)], { motor: false }), // a footpath between two streets' ends
      road(0, [m(0, 0), m(0, 500), m(200, 500), m(200, 0)]),
    ]);
    expect(g.rankByRoadDistance(...m(0, 0), [at(m(200, 0))], 'walk')[0]!.roadDistanceM).toBeCloseTo(200, -1);
    expect(g.rankByRoadDistance(...m(0, 0), [at(m(200, 0))], 'drive')[0]!.roadDistanceM).toBeCloseTo(1200, -1);
    // A fire engine parked by the footpath's middle is snapped to a street it can drive.
    expect(g.nearestNode(...m(100, 10), 'drive').distanceM).toBeGreaterThan(80);
  });
});
