import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { CareFlag } from '../../data/model/domain.ts';
import {
  DEFAULT_EVACUATION_RULES,
  loadEvacuationInputs,
  nearestShelterAssignment,
  optimalShelterAssignment,
  planEvacuation,
  type EvacuationInputs,
  type EvacuationRule,
  type RiskConditions,
} from '../../data/analytics/typhoon/evacuation/index.ts';
import { tempDir } from './helpers.ts';

/** Every integer split of `supply` over the shelters, cheapest feasible total (brute force). */
function bruteForce(supply: number[], capacity: number[], metres: number[][]): number {
  let best = Infinity;
  const load = capacity.map(() => 0);
  const go = (i: number, cost: number): void => {
    if (i === supply.length) {
      best = Math.min(best, cost);
      return;
    }
    // Two shelters: x people of building i to shelter 0, the rest to shelter 1.
    for (let x = 0; x <= supply[i]!; x++) {
      const y = supply[i]! - x;
      if (load[0]! + x > capacity[0]! || load[1]! + y > capacity[1]!) continue;
      load[0]! += x;
      load[1]! += y;
      go(i + 1, cost + x * metres[i]![0]! + y * metres[i]![1]!);
      load[0]! -= x;
      load[1]! -= y;
    }
  };
  go(0, 0);
  return best;
}

describe('shelter assignment, a hand-checkable instance', () => {
  // Three buildings, two shelters of 4 places. Everybody's nearest is shelter 0 (7 people, 4 places):
  // the cheapest way to move 3 people to shelter 1 is building 1's two (+1 m each) and one of
  // building 0 (+4 m): 9 + 2 + 4 = 15 person-metres.
  const supply = [3, 2, 2];
  const capacity = [4, 4];
  const metres = [
    [1, 5],
    [2, 3],
    [1, 6],
  ];
  const problem = { supply, capacity, metres: Float64Array.from(metres.flat()), nearestK: 1 };

  it('is optimal (equals brute force), respects capacities, and differs from nearest-shelter', async () => {
    const optimal = await optimalShelterAssignment(problem);
    expect(optimal.status).toBe('Optimal');
    expect(optimal.provedOptimal).toBe(true);
    expect(optimal.relativeGap).toBeLessThan(1e-9);
    expect(optimal.totalPersonMetres).toBe(15);
    expect(bruteForce(supply, capacity, metres)).toBe(15);
    expect([...optimal.load]).toEqual([4, 3]);
    expect(optimal.flows[1]).toEqual([[1, 2]]);
    // Starting from the nearest shelter only, the duals had to bring in shelter 1 (column generation).
    expect(optimal.rounds.length).toBeGreaterThan(1);

    const nearest = nearestShelterAssignment(problem);
    expect(nearest.totalPersonMetres).toBe(9);
    expect(nearest.overflowed).toEqual([{ shelter: 0, load: 7, capacity: 4, excess: 3 }]);
  });

  it('the boundary method for large districts reaches the same optimum as one solve over every source', async () => {
    // 1 500 sources on a 6 × 6 km square to 30 shelters, places for 90 % of the people; some
    // sources have no road to three of the shelters.
    let seed = 42;
    const rnd = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const n = 1500;
    const m = 30;
    const sx = Array.from({ length: m }, () => rnd() * 6000);
    const sy = Array.from({ length: m }, () => rnd() * 6000);
    const supply = Array.from({ length: n }, () => 1 + Math.floor(rnd() * 6));
    const metres = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      const x = rnd() < 0.6 ? 1500 + rnd() * 1500 : rnd() * 6000;
      const y = rnd() < 0.6 ? 1500 + rnd() * 1500 : rnd() * 6000;
      for (let s = 0; s < m; s++) metres[i * m + s] = i % 7 === 0 && s < 3 ? Infinity : Math.round(1.3 * Math.hypot(x - sx[s]!, y - sy[s]!));
    }
    const people = supply.reduce((a, q) => a + q, 0);
    const capacity = Array.from({ length: m }, () => Math.round((0.9 * people) / m));
    const whole = await optimalShelterAssignment({ supply, capacity, metres, directSources: Infinity });
    const boundary = await optimalShelterAssignment({ supply, capacity, metres, directSources: 100 });
    expect(whole.provedOptimal).toBe(true);
    expect(boundary.provedOptimal).toBe(true);
    expect(boundary.fixedSources).toBeGreaterThan(0);
    expect(boundary.rounds.some((r) => r.phase === 'prices')).toBe(true);
    expect(boundary.unplacedPeople).toBe(whole.unplacedPeople);
    expect(Math.abs(boundary.totalPersonMetres - whole.totalPersonMetres)).toBeLessThan(1e-6 * whole.totalPersonMetres);
    for (let s = 0; s < m; s++) expect(boundary.load[s]).toBeLessThanOrEqual(capacity[s]!);
    expect(nearestShelterAssignment({ supply, capacity, metres }).overflowed.length).toBeGreaterThan(0);
  });

  it('lists households no shelter can take, with the reason', async () => {
    // Building 3 has no road to any shelter; 9 people need places, 6 exist.
    const rules: EvacuationRule[] = [{ id: 'marked', kind: 'building_marked', label: { zh: '标记楼栋', en: 'Marked' }, enabled: true }];
    const buildings = [1, 2, 3].map((id) => ({ id, useCode: 1, yearBuilt: 2010, lon: 0, lat: 0, gridId: null }));
    const household = (id: number, buildingId: number, size: number) => ({ id, buildingId, floor: 3, size, careFlags: 0, minorsAlone: false, bedridden: null });
    const plan = await planEvacuation({
      rules,
      conditions: { floodedFloors: new Map(), force10: new Map(), dangerousBuildings: new Set(), markedBuildings: new Set([1, 2, 3]) },
      buildings,
      households: [household(1, 1, 2), household(2, 1, 2), household(3, 2, 3), household(4, 3, 2)],
      shelters: [
        { id: 10, name: 'A', lon: 0, lat: 0, capacity: 3, wheelchairAccessible: null },
        { id: 11, name: 'B', lon: 0, lat: 0, capacity: 3, wheelchairAccessible: null },
      ],
      roads: { metres: Float32Array.from([100, 200, 300, 150, Infinity, Infinity]) },
    });
    expect(plan.solver.provedOptimal).toBe(true);
    const byId = new Map(plan.households.map((h) => [h.householdId, h]));
    expect(byId.get(4)).toMatchObject({ shelterId: null, unplacedReason: 'unreachable_by_road' });
    // 7 reachable people, 6 places, households whole: one of building 1's pairs cannot go.
    expect(plan.totals.placedPeople).toBe(5);
    expect(plan.households.filter((h) => h.unplacedReason === 'capacity_short').length).toBe(1);
    for (const s of plan.shelters) expect(s.planned).toBeLessThanOrEqual(s.capacity);
    expect(plan.households.every((h) => h.ruleIds.join() === 'marked')).toBe(true);
    expect(plan.notes.map((n) => n.en).join('\n')).toMatch(/wheelchair/);
    // The briefing prints the Chinese: every note the plan writes is in both languages.
    expect(plan.notes.map((n) => n.zh).join('\n')).toMatch(/无障碍/);
  });

  it('nobody at risk gives an empty plan, not an error', async () => {
    const plan = await planEvacuation({
      rules: DEFAULT_EVACUATION_RULES,
      conditions: { floodedFloors: new Map(), force10: new Map(), dangerousBuildings: new Set(), markedBuildings: new Set() },
      buildings: [],
      households: [],
      shelters: [{ id: 1, name: 'A', lon: 0, lat: 0, capacity: 10, wheelchairAccessible: null }],
      roads: { metres: new Float32Array(0) },
    });
    expect(plan.solver.status).toBe('Optimal');
    expect(plan.totals.households).toBe(0);
  });

  it('refuses a broken rule list with a message naming the rule', async () => {
    const bad = [{ ...DEFAULT_EVACUATION_RULES[0]!, maxFloor: -1 }] as EvacuationRule[];
    await expect(
      planEvacuation({
        rules: bad,
        conditions: { floodedFloors: new Map(), force10: new Map(), dangerousBuildings: new Set(), markedBuildings: new Set() },
        buildings: [],
        households: [],
        shelters: [],
        roads: { metres: new Float32Array(0) },
      }),
    ).rejects.toThrow(/flooded-low-floor.*maxFloor/);
  });
});

describe('evacuation plan on a seeded demo twin (300 buildings)', () => {
  const tmp = tempDir('civictwin-evac-');
  let inputs: EvacuationInputs;
  let conditions: RiskConditions;

  beforeAll(async () => {
    const db = tmp.path('twin.duckdb');
    await seedTwin(db, 7, 300, undefined, () => undefined);
    const store = await DuckDbStore.open(db, { readOnly: true });
    try {
      inputs = await loadEvacuationInputs(store);
    } finally {
      store.close();
    }
    // The whole district inside the force-10 circle; the flood model's answer stands in as the
    // ground floor of every tenth building; one residential building marked by the command.
    const ids = inputs.buildings.map((b) => b.id);
    conditions = {
      floodedFloors: new Map(ids.filter((_, i) => i % 10 === 0).map((id) => [id, [0, 1]])),
      force10: new Map(ids.map((id) => [id, true])),
      dangerousBuildings: new Set(),
      markedBuildings: new Set([inputs.households[inputs.households.length - 1]!.buildingId]),
    };
  });
  afterAll(() => tmp.cleanup());

  it('places every at-risk household or lists it with a reason, no shelter over capacity, the same plan twice', async () => {
    const plan = await planEvacuation({ rules: DEFAULT_EVACUATION_RULES, conditions, ...inputs });
    expect(inputs.shelters.length).toBeGreaterThan(1);
    expect(plan.households.length).toBeGreaterThan(50);
    // Every rule selected someone, and each household says why.
    for (const r of plan.selection.byRule) expect(r.households, r.ruleId).toBeGreaterThan(0);
    for (const h of plan.households) {
      expect(h.ruleIds.length).toBeGreaterThan(0);
      expect(h.shelterId !== null || h.unplacedReason !== null).toBe(true);
    }
    // The vulnerable rule took only vulnerable households of walk-ups.
    const hh = new Map(inputs.households.map((h) => [h.id, h]));
    for (const h of plan.households.filter((x) => x.ruleIds.includes('vulnerable-weak-building'))) {
      const src = hh.get(h.householdId)!;
      expect((src.careFlags & (CareFlag.ElderlyAlone | CareFlag.Disabled)) !== 0 || src.minorsAlone).toBe(true);
    }
    for (const s of plan.shelters) expect(s.planned).toBeLessThanOrEqual(s.capacity);
    expect(plan.solver.status).toBe('Optimal');
    expect(plan.solver.provedOptimal).toBe(true);
    expect(plan.totals.placedPeople + plan.totals.unplacedPeople).toBe(plan.households.reduce((a, h) => a + h.size, 0));
    expect(plan.notes.map((n) => n.en).join('\n')).toMatch(/bedridden/);
    expect(plan.notes.map((n) => n.zh).join('\n')).toMatch(/卧床/);

    const again = await planEvacuation({ rules: DEFAULT_EVACUATION_RULES, conditions, ...inputs });
    expect(again.households).toEqual(plan.households);
    expect(again.shelters).toEqual(plan.shelters);
  });

  it('with the shelters made small, fills them to capacity and lists the rest as capacity short', async () => {
    const small = inputs.shelters.map((s) => ({ ...s, capacity: 5 }));
    const plan = await planEvacuation({ rules: DEFAULT_EVACUATION_RULES, conditions, ...inputs, shelters: small });
    for (const s of plan.shelters) expect(s.planned).toBeLessThanOrEqual(5);
    expect(plan.totals.unplacedHouseholds).toBeGreaterThan(0);
    expect(plan.households.some((h) => h.unplacedReason === 'capacity_short')).toBe(true);
    expect(plan.nearestShelter.overflowedShelters).toBeGreaterThan(0);
  });
});
