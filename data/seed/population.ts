/**
 * Households and residents (一户一档) of the demo district, written straight to the store in
 * batches so a million households never sit in memory at once.
 *
 * The mix is that of an ageing coastal Zhejiang town: old walk-up estates hold many elderly couples
 * and elderly people living alone (独居老人), new tower compounds young families and three-generation
 * households, rented flats (群租 included) migrant workers. About a quarter of residents are 60+.
 */
import type { DuckDBAppender } from '@duckdb/node-api';
import { CareFlag, ageBandOf, type MeterAnomalyKind } from '../model/domain.ts';
import type { ContactPii, PersonPii } from '../model/masking.ts';
import type { FieldCipher } from '../store/crypto.ts';
import { fieldAad } from '../store/crypto.ts';
import type { PlannedBuilding } from './layout.ts';
import {
  LOCAL_REGIONS,
  MIGRANT_REGIONS,
  birthDateForAge,
  drawSurname,
  mobileNumber,
  personName,
  residentIdNumber,
  type Sex,
} from './names.ts';
import { Rng, WeightedTable, hashUnit } from '../model/random.ts';

/** Relation to the head of household (与户主关系), as stored in `persons.relation`. */
export type Relation = '户主' | '配偶' | '子女' | '父母' | '其他';

interface Member {
  age: number;
  sex: Sex;
  relation: Relation;
}

/** Share of dwellings that are lived in; new tower compounds have many empty flats (空置房). */
const OCCUPANCY: Partial<Record<PlannedBuilding['use'], number>> = {
  residential_walkup: 0.93,
  residential_highrise: 0.78,
  commercial: 0.88,
};

/** Calls `visit` for every occupied dwelling of a building, floor by floor. Pure in (seed, building). */
export function forEachDwelling(
  seed: number,
  b: PlannedBuilding,
  visit: (floor: number, slot: number) => void,
): void {
  if (b.unitsPerFloor <= 0) return;
  const occupancy = OCCUPANCY[b.use] ?? 0.9;
  for (let floor = Math.max(1, b.firstDwellingFloor); floor <= b.floors; floor++) {
    for (let slot = 0; slot < b.unitsPerFloor; slot++)
      if (hashUnit(seed, 0xd3e1, b.id, floor, slot) < occupancy) visit(floor, slot);
  }
}

/** Number of occupied dwellings, i.e. households, of a building. */
export function householdCount(seed: number, b: PlannedBuilding): number {
  let n = 0;
  forEachDwelling(seed, b, () => n++);
  return n;
}

type Setting = 'walkup' | 'highrise';
type HouseholdType =
  | 'elderly_alone'
  | 'elderly_couple'
  | 'elderly_with_child'
  | 'single'
  | 'couple'
  | 'nuclear'
  | 'three_generation'
  | 'couple_adult_child'
  | 'young_single'
  | 'young_couple'
  | 'migrant_family'
  | 'shared';

const OWNER_MIX: Record<Setting, WeightedTable<HouseholdType>> = {
  walkup: new WeightedTable<HouseholdType>([
    ['elderly_alone', 0.15],
    ['elderly_couple', 0.2],
    ['elderly_with_child', 0.07],
    ['single', 0.05],
    ['couple', 0.07],
    ['nuclear', 0.22],
    ['three_generation', 0.14],
    ['couple_adult_child', 0.1],
  ]),
  highrise: new WeightedTable<HouseholdType>([
    ['elderly_alone', 0.05],
    ['elderly_couple', 0.1],
    ['elderly_with_child', 0.05],
    ['single', 0.07],
    ['couple', 0.12],
    ['nuclear', 0.32],
    ['three_generation', 0.2],
    ['couple_adult_child', 0.09],
  ]),
};
const RENTAL_MIX = new WeightedTable<HouseholdType>([
  ['young_single', 0.3],
  ['young_couple', 0.2],
  ['migrant_family', 0.25],
  ['shared', 0.14],
  ['elderly_alone', 0.06],
  ['couple', 0.05],
]);
/** Ages of people over 60: the 60s outnumber the 70s, and the 80+ are a fifth. */
const ELDERLY_AGE = new WeightedTable<[number, number]>([
  [[60, 69], 0.47],
  [[70, 79], 0.33],
  [[80, 96], 0.2],
]);

const elderlyAge = (rng: Rng): number => {
  const [lo, hi] = ELDERLY_AGE.draw(rng);
  return rng.int(lo, hi);
};
const other = (sex: Sex): Sex => (sex === 'M' ? 'F' : 'M');
const clampAge = (a: number): number => Math.max(0, Math.min(100, Math.round(a)));

/** Children of a parent aged `parentAge`: one (55 %) or two, born when the parent was 23–36. */
function children(rng: Rng, parentAge: number, room: number): Member[] {
  const n = Math.min(room, rng.chance(0.55) ? 1 : 2);
  const out: Member[] = [];
  let age = parentAge - rng.int(23, 34);
  for (let i = 0; i < n && age >= 0; i++) {
    out.push({ age, sex: rng.chance(0.52) ? 'M' : 'F', relation: '子女' });
    age -= rng.int(2, 8);
  }
  return out;
}

function couple(rng: Rng, headAge: number, maleHeadShare = 0.75): Member[] {
  const headSex: Sex = rng.chance(maleHeadShare) ? 'M' : 'F';
  const spouseAge = clampAge(headAge + (headSex === 'M' ? -1 : 1) * rng.int(-1, 4));
  return [
    { age: headAge, sex: headSex, relation: '户主' },
    { age: spouseAge, sex: other(headSex), relation: '配偶' },
  ];
}

function compose(rng: Rng, type: HouseholdType): Member[] {
  switch (type) {
    case 'elderly_alone':
      return [{ age: elderlyAge(rng), sex: rng.chance(0.65) ? 'F' : 'M', relation: '户主' }];
    case 'elderly_couple':
      return couple(rng, elderlyAge(rng), 0.8).map((m) => ({ ...m, age: Math.max(60, m.age) }));
    case 'elderly_with_child': {
      const parents = rng.chance(0.6)
        ? [
            {
              age: Math.max(62, elderlyAge(rng)),
              sex: rng.chance(0.6) ? ('F' as Sex) : ('M' as Sex),
              relation: '户主' as Relation,
            },
          ]
        : couple(rng, Math.max(62, elderlyAge(rng)), 0.8);
      const childAge = clampAge(Math.max(25, parents[0]!.age - rng.int(24, 34)));
      return [...parents, { age: childAge, sex: rng.chance(0.5) ? 'M' : 'F', relation: '子女' }];
    }
    case 'single':
      return [{ age: rng.int(22, 59), sex: rng.chance(0.5) ? 'M' : 'F', relation: '户主' }];
    case 'couple':
      return couple(rng, rng.int(25, 59));
    case 'nuclear': {
      const pair = couple(rng, rng.int(28, 52));
      return [...pair, ...children(rng, pair[0]!.age, 3)];
    }
    case 'three_generation': {
      const pair = couple(rng, rng.int(30, 48));
      const kids = children(rng, pair[0]!.age, 2);
      const grandparents = rng.chance(0.55) && kids.length < 2 ? 2 : 1;
      const gpAge = clampAge(pair[0]!.age + rng.int(25, 32));
      const gp: Member[] = [
        { age: gpAge, sex: grandparents === 1 && rng.chance(0.65) ? 'F' : 'M', relation: '父母' },
      ];
      if (grandparents === 2)
        gp.push({ age: clampAge(gpAge - rng.int(0, 4)), sex: 'F', relation: '父母' });
      return [...pair, ...kids, ...gp];
    }
    case 'couple_adult_child': {
      const pair = couple(rng, rng.int(48, 62));
      return [
        ...pair,
        {
          age: clampAge(pair[0]!.age - rng.int(24, 32)),
          sex: rng.chance(0.5) ? 'M' : 'F',
          relation: '子女',
        },
      ];
    }
    case 'young_single':
      return [{ age: rng.int(19, 35), sex: rng.chance(0.58) ? 'M' : 'F', relation: '户主' }];
    case 'young_couple':
      return couple(rng, rng.int(22, 35), 0.7);
    case 'migrant_family': {
      const pair = couple(rng, rng.int(26, 45), 0.85);
      return [
        ...pair,
        ...children(rng, pair[0]!.age, 2).map((c) => ({ ...c, age: Math.min(c.age, 17) })),
      ];
    }
    case 'shared': {
      const n = rng.int(2, 4);
      const sex: Sex = rng.chance(0.6) ? 'M' : 'F';
      return Array.from({ length: n }, (_, i) => ({
        age: rng.int(19, 45),
        sex,
        relation: (i === 0 ? '户主' : '其他') as Relation,
      }));
    }
  }
}

/** Rental share: highest in old walk-ups and in flats above shops. */
const RENTAL_SHARE: Partial<Record<PlannedBuilding['use'], number>> = {
  residential_walkup: 0.24,
  residential_highrise: 0.13,
  commercial: 0.4,
};

/** A meter anomaly to inject, as day offsets. */
export interface AnomalyLabel {
  kind: MeterAnomalyKind;
  /** Day offsets from the first meter day, inclusive. */
  start: number;
  end: number;
}

/**
 * Which anomaly (if any) the meter generator injects for a household. No-usage spells only for
 * the households the alert watches (elderly or disabled members, see NO_USAGE_WATCHED_FLAGS in
 * meters.ts), mostly elderly people living alone, the case the alert exists for. A sudden change
 * lasts 12 days (a relative moving in, a business run from home).
 */
function drawAnomaly(rng: Rng, careFlags: number, days: number): AnomalyLabel | null {
  if (days < 8) return null;
  const pNoUsage =
    careFlags & CareFlag.ElderlyAlone ? 0.04 : careFlags & (CareFlag.Elderly | CareFlag.Disabled) ? 0.003 : 0;
  const x = rng.next();
  if (x < pNoUsage) {
    if (rng.chance(0.6)) {
      const len = rng.int(1, 3);
      return { kind: 'no_usage', start: days - len, end: days - 1 };
    }
    const len = rng.int(2, 5);
    const start = rng.int(
      Math.min(10, days - len - 2),
      Math.max(Math.min(10, days - len - 2), days - len - 10),
    );
    return { kind: 'no_usage', start, end: start + len - 1 };
  }
  if (x < pNoUsage + 0.008) {
    const len = Math.min(days - 2, rng.int(3, 12));
    const start = rng.chance(0.4)
      ? days - len
      : rng.int(Math.min(5, days - len - 1), days - len - 1);
    return { kind: 'night_flow', start, end: start + len - 1 };
  }
  if (x < pNoUsage + 0.016 && days >= 26) {
    const start = rng.chance(0.3) ? days - 12 : rng.int(14, days - 13);
    return { kind: 'sudden_change', start, end: start + 11 };
  }
  return null;
}

/** Open appenders for the three tables the population goes to. */
export interface PopulationWriters {
  households: DuckDBAppender;
  persons: DuckDBAppender;
  labels: DuckDBAppender;
}

/** Running counts; also the id counters of households and persons. */
export interface PopulationTotals {
  households: number;
  persons: number;
  elderly: number;
  anomalies: number;
}

/** Everything the household generator needs besides the building. */
export interface PopulationContext {
  seed: number;
  cipher: FieldCipher;
  /** The last meter day; ages are as of that day. */
  endDay: Date;
  days: number;
  /** ISO day of meter day 0. */
  dayIso: (offset: number) => string;
}

/**
 * Generates and appends the households and residents of one building. Ids continue from `totals`
 * (household and person ids are 1-based and dense), which is updated in place.
 */
export function writeBuildingPopulation(
  ctx: PopulationContext,
  b: PlannedBuilding,
  out: PopulationWriters,
  totals: PopulationTotals,
): void {
  const rentalShare = b.estate?.kind === 'village' ? 0.4 : (RENTAL_SHARE[b.use] ?? 0.2);
  const setting: Setting = b.use === 'residential_highrise' ? 'highrise' : 'walkup';
  forEachDwelling(ctx.seed, b, (floor, slot) => {
    const householdId = ++totals.households;
    const rng = Rng.derive(ctx.seed, 0x401d, householdId);
    const rental = rng.chance(rentalShare);
    // Old people rarely live on the top floors of a walk-up without a lift.
    let type = rental ? RENTAL_MIX.draw(rng) : OWNER_MIX[setting].draw(rng);
    if (setting === 'walkup' && floor >= 5 && type === 'elderly_alone' && rng.chance(0.4))
      type = OWNER_MIX[setting].draw(rng);
    const members = compose(rng, type).slice(0, 5);
    const lowIncome = rng.chance(type === 'elderly_alone' ? 0.08 : rental ? 0.03 : 0.015);
    const elderlyAlone = members.length === 1 && members[0]!.age >= 60;
    let householdFlags = lowIncome ? CareFlag.LowIncome : 0;

    const migrant = rental ? rng.chance(0.65) : rng.chance(0.12);
    const regions = migrant ? MIGRANT_REGIONS : LOCAL_REGIONS;
    const headRegion = regions.draw(rng);
    const head = members[0]!;
    const fatherSurname = drawSurname(rng);
    const headSurname = head.sex === 'M' || type === 'shared' ? fatherSurname : drawSurname(rng);
    let headPhone = '';
    let headName = '';
    for (const m of members) {
      const personId = ++totals.persons;
      let flags = 0;
      if (m.age >= 60) flags |= CareFlag.Elderly;
      if (m.age < 18) flags |= CareFlag.Minor;
      if (elderlyAlone) flags |= CareFlag.ElderlyAlone;
      if (lowIncome) flags |= CareFlag.LowIncome;
      if (rng.chance(m.age >= 60 ? 0.07 : 0.015)) flags |= CareFlag.Disabled;
      householdFlags |= flags;
      if (m.age >= 60) totals.elderly++;

      const birth = birthDateForAge(rng, m.age, ctx.endDay);
      // Children carry the father's surname (his is the family's), spouses and lodgers their own.
      const surname =
        m.relation === '户主'
          ? headSurname
          : m.relation === '子女'
            ? fatherSurname
            : m.relation === '配偶'
              ? m.sex === 'M'
                ? fatherSurname
                : drawSurname(rng)
              : m.relation === '父母' && m.sex === 'M' && head.sex === 'M'
                ? fatherSurname
                : drawSurname(rng);
      const name = personName(rng, m.sex, birth.getUTCFullYear(), surname);
      const region = m.relation === '子女' || rng.chance(0.6) ? headRegion : regions.draw(rng);
      const idNumber = residentIdNumber(rng, region, birth, m.sex);
      // Young children and the very old are reached on the head of household's phone.
      const phone =
        m.relation === '户主' || (m.age >= 14 && m.age < 85) ? mobileNumber(rng) : headPhone;
      if (m.relation === '户主') {
        headPhone = phone;
        headName = name;
      }
      const pii: PersonPii = { name, idNumber, phone: phone || mobileNumber(rng) };
      const p = out.persons;
      p.appendInteger(personId);
      p.appendInteger(householdId);
      p.appendVarchar(m.relation);
      p.appendVarchar(m.sex);
      p.appendUTinyInt(ageBandOf(m.age));
      p.appendUTinyInt(flags);
      p.appendBlob(
        ctx.cipher.encrypt(JSON.stringify(pii), fieldAad('persons', 'pii_enc', personId)),
      );
      p.endRow();
    }
    const contact: ContactPii = { name: headName, phone: headPhone };
    const h = out.households;
    h.appendInteger(householdId);
    h.appendInteger(b.id);
    h.appendUSmallInt(floor);
    h.appendUTinyInt(slot);
    h.appendVarchar(String(floor * 100 + slot + 1));
    h.appendUTinyInt(members.length);
    h.appendUTinyInt(householdFlags);
    h.appendBoolean(rental);
    h.appendBlob(
      ctx.cipher.encrypt(
        JSON.stringify(contact),
        fieldAad('households', 'contact_enc', householdId),
      ),
    );
    h.endRow();

    const anomaly = drawAnomaly(rng, householdFlags, ctx.days);
    if (anomaly) {
      totals.anomalies++;
      out.labels.appendInteger(householdId);
      out.labels.appendVarchar(anomaly.kind);
      out.labels.appendVarchar(ctx.dayIso(anomaly.start));
      out.labels.appendVarchar(ctx.dayIso(anomaly.end));
      out.labels.endRow();
    }
  });
}
