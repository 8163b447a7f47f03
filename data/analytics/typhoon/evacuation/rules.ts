/**
 * Who must move (转移对象), by rules an official can read and change.
 *
 * The rules are data, not code: a typed list where each rule has an id, a Chinese and an English
 * label, an on/off switch and the few parameters a district changes (which floors count as low,
 * which households count as vulnerable, how old a walk-up must be). `selectAtRiskHouseholds` applies
 * them to households and buildings (ids, building, floor, size and care tags only — never personal
 * fields) and the conditions the other models produce (flooded floors, the force-10 circle), and
 * says for each household which rule or rules put it in the plan.
 */
import { BUILDING_USES, CareFlag } from '../../../model/domain.ts';
import type { RuleLabel } from '../../../model/typhoon/whatIf.ts';
import { planNote, type PlanNote } from '../../../model/typhoon/notes.ts';

export type { RuleLabel };

/** Households on a flooded floor at or below `maxFloor` (0 = basement, 1 = ground floor). */
export interface FloodedLowFloorRule {
  id: string;
  kind: 'flooded_low_floor';
  label: RuleLabel;
  enabled: boolean;
  maxFloor: number;
}

export const VULNERABLE_KINDS = ['elderly_alone', 'disabled', 'bedridden', 'minors_alone'] as const;
export type VulnerableKind = (typeof VULNERABLE_KINDS)[number];

/**
 * Vulnerable households in weak buildings: an old walk-up (use `residential_walkup`, built before
 * `walkupBuiltBefore`; a walk-up with no recorded year counts when `includeUnknownYear`) or a
 * building marked dangerous (危房). With `requireForce10` only buildings inside the force-10 circle.
 */
export interface VulnerableInWeakBuildingRule {
  id: string;
  kind: 'vulnerable_weak_building';
  label: RuleLabel;
  enabled: boolean;
  vulnerable: VulnerableKind[];
  walkupBuiltBefore: number;
  includeUnknownYear: boolean;
  includeDangerous: boolean;
  requireForce10: boolean;
}

/** Every household of a building the command marked for evacuation. */
export interface MarkedBuildingRule {
  id: string;
  kind: 'building_marked';
  label: RuleLabel;
  enabled: boolean;
}

export type EvacuationRule = FloodedLowFloorRule | VulnerableInWeakBuildingRule | MarkedBuildingRule;

export const DEFAULT_EVACUATION_RULES: readonly EvacuationRule[] = [
  {
    id: 'flooded-low-floor',
    kind: 'flooded_low_floor',
    label: { zh: '底层及地下室受淹住户', en: 'Ground-floor and basement households flooded' },
    enabled: true,
    maxFloor: 1,
  },
  {
    id: 'vulnerable-weak-building',
    kind: 'vulnerable_weak_building',
    label: {
      zh: '十级风圈内老旧多层或危房中的独居老人、残疾人、卧床者、无成人陪伴的未成年人',
      en: 'Elderly alone, disabled, bedridden and unaccompanied minors in old walk-ups or dangerous buildings inside the force-10 circle',
    },
    enabled: true,
    vulnerable: ['elderly_alone', 'disabled', 'bedridden', 'minors_alone'],
    walkupBuiltBefore: 2000,
    includeUnknownYear: true,
    includeDangerous: true,
    requireForce10: true,
  },
  {
    id: 'building-marked',
    kind: 'building_marked',
    label: { zh: '指挥部标记需转移的楼栋', en: 'Buildings marked for evacuation by the command' },
    enabled: true,
  },
];

/** A household as the rules see it: no names, phones or ids of persons. */
export interface RiskHousehold {
  id: number;
  buildingId: number;
  floor: number;
  /** People in the household: the unit shelters are filled in. */
  size: number;
  /** Bit-OR of the members' care flags (data/model/domain.ts CareFlag). */
  careFlags: number;
  /** Every member is under 18. */
  minorsAlone: boolean;
  /** Bedridden member; null when the data have no such field (the seed and the store have none). */
  bedridden: boolean | null;
}

export interface RiskBuilding {
  id: number;
  useCode: number;
  yearBuilt: number | null;
}

/** What the other models and the command say about the situation, by building id. */
export interface RiskConditions {
  /** Floors under water per building from the flood model (0 = basement, 1 = ground floor). */
  floodedFloors: ReadonlyMap<number, readonly number[]>;
  /** Inside the force-10 circle: true, or the force-10 arrival time in UTC ms (NaN = never). */
  force10: ReadonlyMap<number, boolean | number>;
  dangerousBuildings: ReadonlySet<number>;
  markedBuildings: ReadonlySet<number>;
}

export interface AtRiskHousehold {
  householdId: number;
  buildingId: number;
  floor: number;
  size: number;
  /** Ids of the rules that selected it, in rule order. */
  ruleIds: string[];
}

export interface AtRiskSelection {
  households: AtRiskHousehold[];
  /** Households and people per rule id (a household counts under every rule that selected it). */
  byRule: { ruleId: string; label: RuleLabel; households: number; people: number }[];
  /** What the data cannot tell, said once per plan (e.g. no bedridden field). */
  dataGaps: PlanNote[];
}

/** Problems in a rule list, each a sentence naming the rule and what to fix; empty when valid. */
export function ruleProblems(rules: readonly EvacuationRule[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    const where = `rule ${i + 1}${typeof r?.id === 'string' ? ` (${r.id})` : ''}`;
    if (!r || typeof r.id !== 'string' || r.id.trim() === '') {
      problems.push(`${where}: needs an id (a short name such as "flooded-low-floor")`);
      return;
    }
    if (seen.has(r.id)) problems.push(`${where}: the id is used twice; give each rule its own id`);
    seen.add(r.id);
    if (!r.label || typeof r.label.zh !== 'string' || typeof r.label.en !== 'string')
      problems.push(`${where}: needs a label with zh and en text`);
    if (r.kind === 'flooded_low_floor') {
      if (!Number.isInteger(r.maxFloor) || r.maxFloor < 0) problems.push(`${where}: maxFloor must be a whole number ≥ 0 (0 = basement, 1 = ground floor)`);
    } else if (r.kind === 'vulnerable_weak_building') {
      const bad = (r.vulnerable ?? []).filter((v) => !(VULNERABLE_KINDS as readonly string[]).includes(v));
      if (!Array.isArray(r.vulnerable) || r.vulnerable.length === 0 || bad.length > 0)
        problems.push(`${where}: vulnerable must list one or more of ${VULNERABLE_KINDS.join(', ')}${bad.length ? ` (not ${bad.join(', ')})` : ''}`);
      if (!Number.isInteger(r.walkupBuiltBefore)) problems.push(`${where}: walkupBuiltBefore must be a year such as 2000`);
    } else if ((r as { kind: unknown }).kind !== 'building_marked') {
      problems.push(`${where}: unknown kind "${String((r as { kind: unknown }).kind)}"; use flooded_low_floor, vulnerable_weak_building or building_marked`);
    }
  });
  return problems;
}

const WALKUP = BUILDING_USES.indexOf('residential_walkup');

function isVulnerable(h: RiskHousehold, kinds: readonly VulnerableKind[]): boolean {
  for (const k of kinds) {
    if (k === 'elderly_alone' && (h.careFlags & CareFlag.ElderlyAlone) !== 0) return true;
    if (k === 'disabled' && (h.careFlags & CareFlag.Disabled) !== 0) return true;
    if (k === 'bedridden' && h.bedridden === true) return true;
    if (k === 'minors_alone' && h.minorsAlone) return true;
  }
  return false;
}

const insideForce10 = (v: boolean | number | undefined): boolean => v === true || (typeof v === 'number' && Number.isFinite(v));

/**
 * Applies the enabled rules. Throws an Error listing every problem when the rule list is invalid.
 * Households come out in the order given (the store reads them by id), so the result is deterministic.
 */
export function selectAtRiskHouseholds(
  rules: readonly EvacuationRule[],
  buildings: readonly RiskBuilding[],
  households: readonly RiskHousehold[],
  conditions: RiskConditions,
): AtRiskSelection {
  const problems = ruleProblems(rules);
  if (problems.length > 0) throw new Error(`The evacuation rules cannot be applied: ${problems.join('; ')}`);
  const active = rules.filter((r) => r.enabled);
  const byId = new Map<number, RiskBuilding>();
  for (const b of buildings) byId.set(b.id, b);
  const weak = (b: RiskBuilding | undefined, r: VulnerableInWeakBuildingRule): boolean => {
    if (!b) return false;
    if (r.includeDangerous && conditions.dangerousBuildings.has(b.id)) return true;
    if (b.useCode !== WALKUP) return false;
    return b.yearBuilt === null ? r.includeUnknownYear : b.yearBuilt < r.walkupBuiltBefore;
  };
  const counts = active.map((r) => ({ ruleId: r.id, label: r.label, households: 0, people: 0 }));
  const out: AtRiskHousehold[] = [];
  // What a rule asks of a building is the same for all its households, and a district's households
  // come building by building: it is worked out once per building (a million households, 100 000
  // buildings), not per household.
  const perRule = active.length;
  const buildingHit = new Uint8Array(perRule);
  let floodedHere: readonly number[] | undefined;
  let lastBuilding: number | null = null;
  for (const h of households) {
    if (h.buildingId !== lastBuilding) {
      lastBuilding = h.buildingId;
      floodedHere = conditions.floodedFloors.get(h.buildingId);
      const building = byId.get(h.buildingId);
      for (let k = 0; k < perRule; k++) {
        const r = active[k]!;
        if (r.kind === 'vulnerable_weak_building') buildingHit[k] = (!r.requireForce10 || insideForce10(conditions.force10.get(h.buildingId))) && weak(building, r) ? 1 : 0;
        else if (r.kind === 'building_marked') buildingHit[k] = conditions.markedBuildings.has(h.buildingId) ? 1 : 0;
      }
    }
    let ruleIds: string[] | null = null;
    for (let k = 0; k < perRule; k++) {
      const r = active[k]!;
      let hit: boolean;
      if (r.kind === 'flooded_low_floor') hit = h.floor <= r.maxFloor && (floodedHere?.includes(h.floor) ?? false);
      else if (r.kind === 'vulnerable_weak_building') hit = buildingHit[k] === 1 && isVulnerable(h, r.vulnerable);
      else hit = buildingHit[k] === 1;
      if (hit) {
        (ruleIds ??= []).push(r.id);
        counts[k]!.households++;
        counts[k]!.people += h.size;
      }
    }
    if (ruleIds) out.push({ householdId: h.id, buildingId: h.buildingId, floor: h.floor, size: h.size, ruleIds });
  }
  const dataGaps: PlanNote[] = [];
  const wantsBedridden = active.some((r) => r.kind === 'vulnerable_weak_building' && r.vulnerable.includes('bedridden'));
  if (wantsBedridden && households.length > 0 && households.every((h) => h.bedridden === null))
    dataGaps.push(planNote('卧床人员：人口数据没有卧床字段，未据此选出任何住户', 'bedridden: the population data have no bedridden field, so no household is selected for it'));
  return { households: out, byRule: counts, dataGaps };
}
