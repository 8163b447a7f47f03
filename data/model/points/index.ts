/**
 * 积分制 (residents' participation points, as run in Zhejiang's community points schemes): residents
 * earn points for volunteering, waste sorting, mediating disputes, reporting problems, civic
 * campaigns and helping neighbours; points buy goods or services at listed local shops. The
 * figures that matter to a community are aggregates: the share of households taking part per
 * building and grid, who takes part and who does not (the elderly, by age band and household
 * type), the trend, the kinds, the shops. A person's points are personal data. Pure.
 */
import { AGE_BANDS } from '../domain.ts';

/** What earns points. */
export const ACTIVITY_KINDS = ['volunteering', 'waste_sorting', 'mediation', 'report', 'civic_campaign', 'neighbour_help'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const isActivityKind = (v: string): v is ActivityKind => (ACTIVITY_KINDS as readonly string[]).includes(v);

/**
 * Points per unit of each kind and the most units one record may carry (a day's volunteering in
 * hours, a week's correct waste drops checked by the sorting supervisor, one mediated dispute…).
 */
export interface PointRule {
  pointsPerUnit: number;
  unit: 'hour' | 'drop' | 'case' | 'report' | 'event' | 'visit';
  maxUnits: number;
}
export const POINT_RULES: Readonly<Record<ActivityKind, PointRule>> = {
  volunteering: { pointsPerUnit: 10, unit: 'hour', maxUnits: 8 },
  waste_sorting: { pointsPerUnit: 2, unit: 'drop', maxUnits: 14 },
  mediation: { pointsPerUnit: 20, unit: 'case', maxUnits: 2 },
  report: { pointsPerUnit: 5, unit: 'report', maxUnits: 3 },
  civic_campaign: { pointsPerUnit: 15, unit: 'event', maxUnits: 1 },
  neighbour_help: { pointsPerUnit: 8, unit: 'visit', maxUnits: 3 },
};
/** The most points one earning record may carry (any kind's rule at its maximum). */
export const MAX_POINTS_PER_RECORD = Math.max(...ACTIVITY_KINDS.map((k) => POINT_RULES[k].pointsPerUnit * POINT_RULES[k].maxUnits));
/** The most points one redemption may spend. */
export const MAX_POINTS_PER_REDEMPTION = 2000;

/** Points for `units` of `kind` under the rules: units are whole, at least 1 and at most the rule's maximum. */
export function pointsFor(kind: ActivityKind, units: number): number {
  const rule = POINT_RULES[kind];
  const u = Math.min(rule.maxUnits, Math.max(1, Math.floor(Number.isFinite(units) ? units : 1)));
  return rule.pointsPerUnit * u;
}

/** Kinds of the listed shops where points are redeemed, and what each offers (points per item). */
export const SHOP_KINDS = ['grocery', 'barber', 'pharmacy', 'laundry', 'repair', 'canteen'] as const;
export type ShopKind = (typeof SHOP_KINDS)[number];
export const SHOP_CATALOGUE: Readonly<Record<ShopKind, readonly { item: string; points: number }[]>> = {
  grocery: [
    { item: '大米 5 kg', points: 120 },
    { item: '食用油 1.8 L', points: 90 },
    { item: '洗衣液', points: 40 },
    { item: '鸡蛋 30 枚', points: 60 },
  ],
  barber: [
    { item: '理发', points: 50 },
    { item: '老人上门理发', points: 40 },
  ],
  pharmacy: [
    { item: '血压测量 + 保健咨询', points: 20 },
    { item: '口罩 50 只', points: 30 },
  ],
  laundry: [
    { item: '棉被清洗', points: 80 },
    { item: '外套干洗', points: 45 },
  ],
  repair: [
    { item: '小家电维修', points: 60 },
    { item: '磨刀 / 配钥匙', points: 15 },
  ],
  canteen: [
    { item: '长者食堂午餐', points: 25 },
    { item: '早餐券 ×5', points: 35 },
  ],
};

/** A household's type for "who takes part": elderly only (everyone 60+), with children (a member under 18), other. */
export const HOUSEHOLD_TYPES = ['elderly_alone', 'elderly_only', 'with_children', 'other'] as const;
export type HouseholdType = (typeof HOUSEHOLD_TYPES)[number];

/** The household type from its members' age bands (AGE_BANDS codes): 60+ is band 3 and above. */
export function householdTypeOf(ageBands: readonly number[]): HouseholdType {
  if (ageBands.length > 0 && ageBands.every((b) => b >= 3)) return ageBands.length === 1 ? 'elderly_alone' : 'elderly_only';
  if (ageBands.some((b) => b === 0)) return 'with_children';
  return 'other';
}
/** The same rule in SQL over `persons` grouped by household (n = members, min_band, has_minor). */
export const HOUSEHOLD_TYPE_SQL = `CASE WHEN min(p.age_band) >= 3 AND count(*) = 1 THEN 'elderly_alone'
  WHEN min(p.age_band) >= 3 THEN 'elderly_only'
  WHEN min(p.age_band) = 0 THEN 'with_children' ELSE 'other' END`;

/** Age bands 60-79 and 80+ are "the elderly". */
export const ELDERLY_BANDS: readonly number[] = [3, 4];
export { AGE_BANDS };

//#region periods
/** Points history spans at most two years per request. */
export const POINTS_MAX_SPAN_MS = 731 * 86_400_000;
/** Months start in Beijing time. */
export const POINTS_TZ_OFFSET_MS = 8 * 3_600_000;
export const POINTS_PRESETS = ['30d', '90d', '365d'] as const;
export type PointsPreset = (typeof POINTS_PRESETS)[number];
export interface PointsPeriod {
  fromMs: number;
  toMs: number;
}
const PRESET_DAYS: Record<PointsPreset, number> = { '30d': 30, '90d': 90, '365d': 365 };
export const isPointsPreset = (v: string): v is PointsPreset => (POINTS_PRESETS as readonly string[]).includes(v);
export function pointsPresetPeriod(preset: PointsPreset, nowMs: number): PointsPeriod {
  return { fromMs: nowMs - PRESET_DAYS[preset] * 86_400_000, toMs: nowMs };
}
/** `#points=<value>`: a preset, or `<fromMs>-<toMs>` within two years; anything else the year. */
export function parsePointsPeriod(value: string, nowMs: number): { period: PointsPeriod; preset: PointsPreset | null } {
  if (isPointsPreset(value)) return { period: pointsPresetPeriod(value, nowMs), preset: value };
  const m = /^(\d{10,16})-(\d{10,16})$/.exec(value);
  if (m) {
    const fromMs = Number(m[1]);
    const toMs = Number(m[2]);
    if (toMs > fromMs && toMs - fromMs <= POINTS_MAX_SPAN_MS) return { period: { fromMs, toMs }, preset: null };
  }
  return { period: pointsPresetPeriod('365d', nowMs), preset: '365d' };
}
//#endregion

//#region figures (the contract's answers: aggregates only)
export interface ParticipationSummary {
  households: number;
  /** Households with at least one member who earned points in the period. */
  participating: number;
  /** participating / households (0 when there are none). */
  share: number;
  residents: number;
  /** Residents who earned points themselves (records that name a person). */
  participants: number;
  pointsEarned: number;
  pointsRedeemed: number;
  records: number;
}
export interface GridParticipation {
  gridId: number;
  name: string;
  households: number;
  participating: number;
  share: number;
  points: number;
  pointsPerHousehold: number;
}
/** Per building, as columns in the same order (buildings with households only). */
export interface BuildingParticipation {
  ids: number[];
  households: number[];
  participating: number[];
  points: number[];
}
export interface Participation {
  period: PointsPeriod;
  summary: ParticipationSummary;
  grids: GridParticipation[];
  buildings: BuildingParticipation;
}
export interface TrendMonth {
  /** Start of the month, Beijing time, as epoch ms. */
  monthMs: number;
  pointsByKind: Record<ActivityKind, number>;
  pointsEarned: number;
  pointsRedeemed: number;
  /** Households with a member who earned in the month. */
  activeHouseholds: number;
  records: number;
}
export interface Trend {
  period: PointsPeriod;
  months: TrendMonth[];
}
export interface AgeBandRow {
  band: number;
  label: string;
  residents: number;
  participants: number;
  /** participants / residents. */
  rate: number;
  /** This band's share of all residents, and of all participants. */
  residentShare: number;
  participantShare: number;
}
export interface HouseholdTypeRow {
  type: HouseholdType;
  households: number;
  participating: number;
  share: number;
}
export interface KindRow {
  kind: ActivityKind;
  records: number;
  points: number;
  participants: number;
  /** The elderly's (60+) share of this kind's participants, against their share of residents. */
  elderlyShare: number;
}
export interface WhoTakesPart {
  period: PointsPeriod;
  ageBands: AgeBandRow[];
  householdTypes: HouseholdTypeRow[];
  kinds: KindRow[];
  /** Share of residents aged 60+, to read `elderlyShare` against. */
  elderlyResidentShare: number;
}
export interface ShopRow {
  shopId: string;
  name: string;
  /** null for a shop the twin does not list (its terminal sent redemptions before it was listed). */
  kind: ShopKind | null;
  redemptions: number;
  points: number;
  households: number;
}
export interface Redemptions {
  period: PointsPeriod;
  shops: ShopRow[];
}
/** One household's record (console roles only; who did it is a relation and an age band, never a name). */
export interface HouseholdActivity {
  ts: number;
  kind: ActivityKind | 'redeemed';
  points: number;
  /** 户主 / 配偶 / 子女 … and the age band; null when the record names no person. */
  who: string | null;
  /** Where: the shop's name for a redemption. */
  place: string | null;
}
export interface HouseholdActivities {
  householdId: number;
  earned: number;
  redeemed: number;
  balance: number;
  activities: HouseholdActivity[];
}
//#endregion

/** share = part / whole, 0 when whole is 0. */
export const shareOf = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

/**
 * Who is under-represented: bands whose share of participants falls below `ratio` (default 0.8)
 * of their share of residents (bands with residents only). The community adds activities for them.
 */
export function underRepresented(rows: readonly AgeBandRow[], ratio = 0.8): AgeBandRow[] {
  return rows.filter((r) => r.residents > 0 && r.participantShare < ratio * r.residentShare);
}

/** The heat map's classes of "share of households taking part" (lower bound inclusive). */
/**
 * Over a year most households of a district that runs the scheme take part at least once (pilots
 * report 30 % → 75 %): the classes spread the buildings from below 30 % to 75 % and more.
 */
export const PARTICIPATION_CLASSES = [0, 0.3, 0.45, 0.6, 0.75] as const;
/** Class index of a share (0: below 30 %…, 4: 75 % and more). */
export function participationClass(share: number): number {
  for (let i = PARTICIPATION_CLASSES.length - 1; i > 0; i--) if (share >= PARTICIPATION_CLASSES[i]!) return i;
  return 0;
}
