/**
 * The evacuation solver's shortcuts keep the answer exact: the road table over the junction graph
 * gives the same distances as a search per shelter over every node, and the restricted model
 * (nearest shelters only, arcs priced in with the duals, sources far from a boundary fixed) reaches
 * the optimum of one LP over every (building, shelter) pair.
 */
import { describe, expect, it } from 'vitest';
import { RoadGraph } from '../../data/analytics/RoadGraph.ts';
import { loadSolver, optimalShelterAssignment, roadDistances } from '../../data/analytics/typhoon/evacuation/index.ts';
import { syntheticEvacuationInstance } from '../../data/analytics/typhoon/evacuation/benchEvacuation.ts';

/** Road distance by one search per shelter over every node (the plain way). */
function plainTable(roads: RoadGraph, points: { lon: number; lat: number }[], shelters: { lon: number; lat: number }[]): number[][] {
  const fromShelter = shelters.map((s) => {
    const at = roads.nearestNode(s.lon, s.lat);
    return { dist: roads.distancesFrom(at.node), walk: at.distanceM };
  });
  return points.map((p) => {
    const node = roads.nearestNode(p.lon, p.lat).node;
    return fromShelter.map(({ dist, walk }) => (dist[node] === Infinity ? Infinity : Math.fround(dist[node]! + walk)));
  });
}

function expectSameTable(roads: RoadGraph, points: { lon: number; lat: number }[], shelters: { lon: number; lat: number }[]): void {
  const t = roadDistances(roads, points, shelters);
  const plain = plainTable(roads, points, shelters);
  const m = shelters.length;
  points.forEach((_, i) => {
    const row = t.rowOfPoint[i]!;
    expect(Array.from(t.metres.subarray(row * m, row * m + m)), `point ${i}`).toEqual(plain[i]);
  });
}

describe('road distances over the junction graph', () => {
  // Degrees → metres around (121.42, 28.38).
  const at = (x: number, y: number): [number, number] => [121.42 + x / 97_800, 28.38 + y / 111_195];

  it('equal one search per shelter over every node: dead ends, a ring touching nothing, a shelter mid-street, an island', () => {
    const lines: number[][][] = [
      // A cross with a long arm (chains of 20 m nodes between the crossing and the ends).
      [at(0, 0), at(600, 0)],
      [at(300, -300), at(300, 400)],
      // A dead-end lane off the arm.
      [at(450, 0), at(450, 170)],
      // A loop road attached at one point (its chain starts and ends at the same junction).
      [at(600, 0), at(700, 60), at(800, 0), at(700, -60), at(600, 0)],
      // A ring road that touches nothing (no junction on it at all).
      [at(0, 600), at(200, 600), at(200, 800), at(0, 800), at(0, 600)],
      // An island street with no road to the rest.
      [at(-500, -500), at(-300, -500)],
    ];
    const roads = RoadGraph.fromLines(lines);
    const shelters = [at(150, 5), at(300, 390), at(790, 2), at(100, 800), at(20, 0)].map(([lon, lat]) => ({ lon, lat }));
    const points = [
      [10, 3], [140, -4], [290, -200], [455, 160], [700, 55], [705, -58], [120, 610], [195, 790], [-400, -497], [310, 250], [600, 1], [305, 0],
    ].map(([x, y]) => {
      const [lon, lat] = at(x!, y!);
      return { lon, lat };
    });
    expectSameTable(roads, points, shelters);
    // The island has no road to any shelter.
    const t = roadDistances(roads, points, shelters);
    const island = t.rowOfPoint[8]!;
    expect(Array.from(t.metres.subarray(island * 5, island * 5 + 5)).every((d) => d === Infinity)).toBe(true);
  });

  it('equal one search per shelter on the benchmark district (2 000 buildings)', () => {
    const inst = syntheticEvacuationInstance(2000);
    expectSameTable(inst.roads, inst.buildings.filter((_, i) => i % 4 === 0), inst.shelters.slice(0, 40));
  });
});

/** The optimum of one HiGHS LP over every pair, an "unplaced" column per source (the plain formulation). */
async function fullLp(supply: number[], capacity: number[], metres: Float64Array): Promise<{ personMetres: number; unplaced: number }> {
  const highs = await loadSolver();
  const n = supply.length;
  const m = capacity.length;
  let maxD = 0;
  for (const d of metres) if (d !== Infinity) maxD = Math.max(maxD, d);
  const penalty = (m + 1) * (maxD + 1);
  const cost: number[] = [];
  const indices: number[] = [];
  const starts: number[] = [0];
  const colSource: number[] = [];
  const colShelter: number[] = [];
  for (let i = 0; i < n; i++) {
    cost.push(penalty);
    indices.push(i);
    starts.push(indices.length);
    colSource.push(i);
    colShelter.push(-1);
    for (let s = 0; s < m; s++) {
      if (metres[i * m + s] === Infinity) continue;
      cost.push(metres[i * m + s]!);
      indices.push(i, n + s);
      starts.push(indices.length);
      colSource.push(i);
      colShelter.push(s);
    }
  }
  const cols = cost.length;
  const model = highs.createModel({
    numCols: cols,
    numRows: n + m,
    colCost: Float64Array.from(cost),
    colLower: new Float64Array(cols),
    colUpper: new Float64Array(cols).fill(highs.infinity),
    rowLower: Float64Array.from([...supply, ...capacity.map(() => -highs.infinity)]),
    rowUpper: Float64Array.from([...supply, ...capacity]),
    matrix: { format: 'csc', numRows: n + m, numCols: cols, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: new Float64Array(indices.length).fill(1) },
  });
  try {
    model.options.set({ output_flag: false, solver: 'simplex' });
    expect(model.run().modelStatus).toBe(highs.constants.modelStatus.optimal);
    const x = model.getSolution().colValue;
    let personMetres = 0;
    let unplaced = 0;
    for (let c = 0; c < cols; c++) {
      if (colShelter[c]! < 0) unplaced += x[c]!;
      else personMetres += x[c]! * metres[colSource[c]! * m + colShelter[c]!]!;
    }
    return { personMetres, unplaced: Math.round(unplaced) };
  } finally {
    model.dispose();
  }
}

describe('the restricted model with pricing reaches the full LP optimum', () => {
  const instance = (seed: number, n: number, m: number, placesPerPerson: number, noRoadShare: number) => {
    let state = seed;
    const rnd = (): number => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const sx = Array.from({ length: m }, () => rnd() * 4000);
    const sy = Array.from({ length: m }, () => rnd() * 4000);
    const supply = Array.from({ length: n }, () => 1 + Math.floor(rnd() * 9));
    const metres = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      // Clustered sources, distances on a Manhattan grid (many ties, as on a street grid).
      const x = rnd() < 0.5 ? 1000 + rnd() * 1200 : rnd() * 4000;
      const y = rnd() < 0.5 ? 1000 + rnd() * 1200 : rnd() * 4000;
      for (let s = 0; s < m; s++) metres[i * m + s] = rnd() < noRoadShare ? Infinity : Math.round(Math.abs(x - sx[s]!) + Math.abs(y - sy[s]!)) + 5;
    }
    const people = supply.reduce((a, q) => a + q, 0);
    const capacity = Array.from({ length: m }, () => Math.round((placesPerPerson * people) / m));
    return { supply, capacity, metres };
  };

  const cases = [
    { seed: 1, n: 120, m: 6, places: 1.2, noRoad: 0 },
    { seed: 2, n: 300, m: 12, places: 1.05, noRoad: 0.05 },
    { seed: 3, n: 250, m: 9, places: 0.8, noRoad: 0.1 },
    { seed: 4, n: 400, m: 20, places: 1.5, noRoad: 0 },
    { seed: 5, n: 200, m: 4, places: 1.0, noRoad: 0.2 },
  ];
  for (const c of cases) {
    it(`seed ${c.seed}: ${c.n} sources, ${c.m} shelters, ${c.places} places per person, ${c.noRoad * 100} % pairs without road`, async () => {
      const p = instance(c.seed, c.n, c.m, c.places, c.noRoad);
      const full = await fullLp(p.supply, p.capacity, p.metres);
      // One model over every source from the nearest shelter only, and the boundary method.
      for (const options of [{ nearestK: 1, directSources: Infinity }, { nearestK: 2, directSources: 30 }]) {
        const r = await optimalShelterAssignment({ ...p, ...options });
        expect(r.status).toBe('Optimal');
        expect(r.provedOptimal).toBe(true);
        expect(r.unplacedPeople).toBe(full.unplaced);
        expect(Math.abs(r.totalPersonMetres - full.personMetres)).toBeLessThanOrEqual(1e-9 * full.personMetres + 1e-6);
        for (let s = 0; s < c.m; s++) expect(r.load[s]).toBeLessThanOrEqual(p.capacity[s]!);
        r.flows.forEach((f, i) => {
          const placed = f.reduce((a, [s, q]) => {
            expect(Number.isInteger(q) && q > 0).toBe(true);
            expect(p.metres[i * c.m + s]).not.toBe(Infinity);
            return a + q;
          }, 0);
          expect(placed + r.unplaced[i]!).toBe(p.supply[i]);
        });
        if (options.directSources === 30) expect(r.rounds.some((x) => x.phase === 'prices')).toBe(true);
      }
    });
  }
});

describe('the solver at the edges', () => {
  it('no shelter, or no road to any: everybody unplaced, an optimal (empty) plan', async () => {
    for (const p of [
      { supply: [3, 2], capacity: [], metres: new Float64Array(0) },
      { supply: [3, 2], capacity: [4, 4], metres: Float64Array.from([Infinity, Infinity, Infinity, Infinity]) },
    ]) {
      const r = await optimalShelterAssignment(p);
      expect(r.status).toBe('Optimal');
      expect(r.provedOptimal).toBe(true);
      expect(r.unplacedPeople).toBe(5);
      expect(r.placedPeople).toBe(0);
    }
  });

  it('one shelter short of places fills it and leaves the rest unplaced', async () => {
    const r = await optimalShelterAssignment({ supply: [3, 2], capacity: [4], metres: Float64Array.from([10, 20]) });
    expect(r.provedOptimal).toBe(true);
    expect(r.placedPeople).toBe(4);
    expect(r.unplacedPeople).toBe(1);
    // The farther source's person stays behind (3 × 10 + 1 × 20).
    expect(r.totalPersonMetres).toBe(50);
  });
});
