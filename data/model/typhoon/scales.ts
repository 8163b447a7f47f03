/**
 * The Chinese scales a typhoon planning session speaks in: Beaufort force (风力等级, extended to
 * force 17 as in GB/T 28591-2012), tropical cyclone grades (GB/T 19201-2006, 热带气旋等级), the
 * grade codes of the CMA best-track data set, and the typhoon warning signals (台风预警信号, CMA
 * 2004). Pure functions over the tables, so the importer, the wind model, the plan and the briefing
 * all classify a wind speed the same way.
 *
 * Wind speeds are 2-minute means in m/s (the Chinese standard), not 1- or 10-minute means.
 */

/**
 * Lower bound in m/s of each Beaufort force 0…17 (index = force). The standard gives each class as
 * a closed range to 0.1 m/s (force 7: 13.9–17.1); a measured or modelled speed between two classes
 * (17.15) belongs to the lower one, so only the lower bounds are needed.
 */
export const BEAUFORT_LOWER_MS: readonly number[] = [
  0, 0.3, 1.6, 3.4, 5.5, 8.0, 10.8, 13.9, 17.2, 20.8, 24.5, 28.5, 32.7, 37.0, 41.5, 46.2, 51.0, 56.1,
];
export const MAX_BEAUFORT_FORCE = BEAUFORT_LOWER_MS.length - 1;

/**
 * Beaufort force (0…17) of a 2-minute mean wind speed in m/s; null for a speed that is not a
 * speed (negative, NaN, infinite), so bad input never becomes a force.
 */
export function beaufortForce(speedMs: number): number | null {
  if (!Number.isFinite(speedMs) || speedMs < 0) return null;
  // Rounded to the standard's 0.1 m/s first: 13.9 given as 13.899999 (a km/h conversion) is force 7.
  const v = Math.round(speedMs * 10) / 10;
  let force = 0;
  while (force < MAX_BEAUFORT_FORCE && v >= BEAUFORT_LOWER_MS[force + 1]!) force++;
  return force;
}

/** The speed range of a force in m/s: `maxMs` is null for force 17 (open-ended). */
export function beaufortRange(force: number): { minMs: number; maxMs: number | null } | null {
  if (!Number.isInteger(force) || force < 0 || force > MAX_BEAUFORT_FORCE) return null;
  const next = BEAUFORT_LOWER_MS[force + 1];
  return { minMs: BEAUFORT_LOWER_MS[force]!, maxMs: next === undefined ? null : Math.round((next - 0.1) * 10) / 10 };
}

/**
 * The wind circles bulletins give radii for (7级 / 10级 / 12级风圈), with the speed at their edge:
 * the lower bound of the force. A wind model fitted to a bulletin's radius must give at least this
 * speed there.
 */
export const WIND_CIRCLE_FORCES = [7, 10, 12] as const;
export type WindCircleForce = (typeof WIND_CIRCLE_FORCES)[number];
export const WIND_CIRCLE_EDGE_MS: Readonly<Record<WindCircleForce, number>> = {
  7: BEAUFORT_LOWER_MS[7]!,
  10: BEAUFORT_LOWER_MS[10]!,
  12: BEAUFORT_LOWER_MS[12]!,
};

/**
 * Tropical cyclone grades. `weak` is CMA's code 0 (weaker than a tropical depression, or unknown)
 * and `ET` its code 9 (extratropical transition): neither is a GB/T 19201 grade, but both occur in
 * tracks and must be shown.
 */
export const TC_GRADES = ['weak', 'TD', 'TS', 'STS', 'TY', 'STY', 'SuperTY', 'ET'] as const;
export type TcGrade = (typeof TC_GRADES)[number];

export interface TcGradeInfo {
  grade: TcGrade;
  /** Grade code in the CMA best-track data set (0–6, 9). */
  cmaCode: number;
  zh: string;
  en: string;
  /** GB/T 19201-2006 range of the 2-minute maximum sustained wind near the centre, m/s; null where the grade is not defined by wind. */
  minMs: number | null;
  maxMs: number | null;
}

export const TC_GRADE_INFO: Readonly<Record<TcGrade, TcGradeInfo>> = {
  weak: { grade: 'weak', cmaCode: 0, zh: '弱于热带低压', en: 'weaker than a tropical depression, or unknown', minMs: null, maxMs: 10.7 },
  TD: { grade: 'TD', cmaCode: 1, zh: '热带低压', en: 'tropical depression', minMs: 10.8, maxMs: 17.1 },
  TS: { grade: 'TS', cmaCode: 2, zh: '热带风暴', en: 'tropical storm', minMs: 17.2, maxMs: 24.4 },
  STS: { grade: 'STS', cmaCode: 3, zh: '强热带风暴', en: 'severe tropical storm', minMs: 24.5, maxMs: 32.6 },
  TY: { grade: 'TY', cmaCode: 4, zh: '台风', en: 'typhoon', minMs: 32.7, maxMs: 41.4 },
  STY: { grade: 'STY', cmaCode: 5, zh: '强台风', en: 'severe typhoon', minMs: 41.5, maxMs: 50.9 },
  SuperTY: { grade: 'SuperTY', cmaCode: 6, zh: '超强台风', en: 'super typhoon', minMs: 51.0, maxMs: null },
  ET: { grade: 'ET', cmaCode: 9, zh: '变性温带气旋', en: 'extratropical transition', minMs: null, maxMs: null },
};

/** The CMA best-track grade codes, for error messages: "0–6 or 9". */
export const CMA_GRADE_CODES: readonly number[] = TC_GRADES.map((g) => TC_GRADE_INFO[g].cmaCode);

/** The grade a CMA best-track code stands for; null for a code the data set does not use. */
export function gradeFromCmaCode(code: number): TcGrade | null {
  return TC_GRADES.find((g) => TC_GRADE_INFO[g].cmaCode === code) ?? null;
}

export function cmaCodeOfGrade(grade: TcGrade): number {
  return TC_GRADE_INFO[grade].cmaCode;
}

/**
 * The GB/T 19201-2006 grade of a maximum sustained wind (2-minute mean, m/s): `weak` below
 * 10.8 m/s; null for a speed that is not one. Never `ET`: that is a structure, not a speed.
 */
export function gradeForWind(speedMs: number): TcGrade | null {
  if (!Number.isFinite(speedMs) || speedMs < 0) return null;
  const v = Math.round(speedMs * 10) / 10;
  if (v >= 51.0) return 'SuperTY';
  if (v >= 41.5) return 'STY';
  if (v >= 32.7) return 'TY';
  if (v >= 24.5) return 'STS';
  if (v >= 17.2) return 'TS';
  if (v >= 10.8) return 'TD';
  return 'weak';
}

/**
 * A grade named in text, as Chinese sites and bulletins write it: "超强台风(Super TY)", "台风",
 * "STS", "强热带风暴（STS）", "温带气旋". null when the text names no grade.
 */
export function gradeFromText(text: string): TcGrade | null {
  const t = text.normalize('NFKC').trim();
  if (t === '') return null;
  const zh = t.replace(/[(（].*$/, '').trim();
  const byZh: Record<string, TcGrade> = {
    热带扰动: 'weak', 弱于热带低压: 'weak', 低压区: 'weak',
    热带低压: 'TD', 热带风暴: 'TS', 强热带风暴: 'STS', 台风: 'TY', 强台风: 'STY', 超强台风: 'SuperTY',
    温带气旋: 'ET', 变性温带气旋: 'ET', 温带低压: 'ET', 变性: 'ET',
  };
  if (zh in byZh) return byZh[zh]!;
  const abbrev = (/[(（]\s*([^)）]+?)\s*[)）]/.exec(t)?.[1] ?? t).replace(/[\s_-]/g, '').toUpperCase();
  const byAbbrev: Record<string, TcGrade> = {
    TD: 'TD', TS: 'TS', STS: 'STS', TY: 'TY', STY: 'STY', SUPERTY: 'SuperTY', SUPTY: 'SuperTY', ET: 'ET', EXTRATROPICAL: 'ET', LOW: 'weak',
  };
  return byAbbrev[abbrev] ?? null;
}

/** Typhoon warning signals, in rising order. */
export const WARNING_SIGNALS = ['blue', 'yellow', 'orange', 'red'] as const;
export type WarningSignal = (typeof WARNING_SIGNALS)[number];

export interface WarningSignalRule {
  signal: WarningSignal;
  zh: string;
  /** The signal applies when the wind is expected within this many hours (or is already blowing). */
  withinHours: number;
  /** …with a mean wind of at least this Beaufort force… */
  meanForce: number;
  /** …or gusts of at least this force. */
  gustForce: number;
}

/** CMA's typhoon warning signal rules (2004), lowest first. */
export const WARNING_SIGNAL_RULES: readonly WarningSignalRule[] = [
  { signal: 'blue', zh: '台风蓝色预警信号', withinHours: 24, meanForce: 6, gustForce: 8 },
  { signal: 'yellow', zh: '台风黄色预警信号', withinHours: 24, meanForce: 8, gustForce: 10 },
  { signal: 'orange', zh: '台风橙色预警信号', withinHours: 12, meanForce: 10, gustForce: 12 },
  { signal: 'red', zh: '台风红色预警信号', withinHours: 6, meanForce: 12, gustForce: 14 },
];

/** Expected wind at a place some hours from the moment a signal is decided for (0 = now). */
export interface WindOutlookSample {
  hoursAhead: number;
  /** Beaufort force of the mean wind; null when unknown. */
  meanForce: number | null;
  /** Beaufort force of the gusts, when the outlook has them. */
  gustForce?: number | null;
}

/**
 * The highest signal whose rule an outlook meets: some sample within the rule's hours (0 ≤
 * hoursAhead ≤ withinHours; 0 is "already affected") has the mean or gust force of the rule.
 * null when no signal applies. Samples in the past (negative hours) do not count.
 */
export function warningSignalFor(outlook: Iterable<WindOutlookSample>): WarningSignal | null {
  let best = -1;
  for (const s of outlook) {
    if (!(s.hoursAhead >= 0)) continue;
    for (let i = WARNING_SIGNAL_RULES.length - 1; i > best; i--) {
      const rule = WARNING_SIGNAL_RULES[i]!;
      if (s.hoursAhead > rule.withinHours) continue;
      const mean = s.meanForce ?? -1;
      const gust = s.gustForce ?? -1;
      if (mean >= rule.meanForce || gust >= rule.gustForce) {
        best = i;
        break;
      }
    }
    if (best === WARNING_SIGNAL_RULES.length - 1) break;
  }
  return best < 0 ? null : WARNING_SIGNAL_RULES[best]!.signal;
}

/** Expected wind at a place at a moment (epoch ms, UTC). */
export interface WindAtTime {
  timeMs: number;
  meanForce: number | null;
  gustForce?: number | null;
}

/**
 * The signal that applies at `atMs` for a place whose wind over time is `series` (e.g. the wind
 * model's hourly forces at a building): the series seen from that moment.
 */
export function warningSignalAt(series: readonly WindAtTime[], atMs: number): WarningSignal | null {
  return warningSignalFor(series.map((w) => ({ hoursAhead: (w.timeMs - atMs) / 3_600_000, meanForce: w.meanForce, gustForce: w.gustForce })));
}

/** Ordering of signals (null = none, −1); for "did the level rise" comparisons. */
export function warningSignalRank(signal: WarningSignal | null): number {
  return signal === null ? -1 : WARNING_SIGNALS.indexOf(signal);
}
