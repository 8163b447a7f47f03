/**
 * 吹哨报到 (the street blows the whistle, departments report in): a case linked to an incident,
 * the departments summoned with a deadline to report on site, each one's report-in and its part of
 * the handling, timed; late report-ins escalate; the street rates each department. Pure.
 */

/** 日常哨 everyday problems residents raise · 攻坚哨 a hard case for joint enforcement · 应急哨 emergencies. */
export const WHISTLE_KINDS = ['daily', 'tough', 'emergency'] as const;
export type WhistleKind = (typeof WHISTLE_KINDS)[number];

/** Pinggu's rule: each department on site within 30 minutes of the whistle. */
export const DEFAULT_REPORT_IN_MIN = 30;
export const WHISTLE_LIMITS = { departmentsMin: 2, departmentsMax: 8, deadlineMinMin: 5, deadlineMinMax: 240 } as const;

/** A summoned department's part: on the way, on site, its part done (事不完，人不撤), or late. */
export const SUMMONS_STEPS = ['en_route', 'reported_in', 'part_done', 'escalated', 'rated'] as const;
export type SummonsStep = (typeof SUMMONS_STEPS)[number];
export const PART_OUTCOMES = ['resolved', 'partial', 'referred'] as const;
export type PartOutcome = (typeof PART_OUTCOMES)[number];

export type SummonsState = 'summoned' | 'en_route' | 'on_site' | 'done' | 'late' | 'late_on_site';

/** A summons' state at `nowMs` from its times. Late: past due without a report-in, or reported in after it. */
export function summonsState(s: { dueAtMs: number; enRouteAtMs: number | null; reportedInAtMs: number | null; doneAtMs: number | null }, nowMs: number): SummonsState {
  if (s.doneAtMs !== null) return 'done';
  if (s.reportedInAtMs !== null) return s.reportedInAtMs > s.dueAtMs ? 'late_on_site' : 'on_site';
  if (nowMs > s.dueAtMs) return 'late';
  return s.enRouteAtMs !== null ? 'en_route' : 'summoned';
}

/**
 * The scoreboard's order: departments that report in on time first (share of summons reported in
 * by the deadline), then the faster average report-in, then the better average rating.
 */
export interface DepartmentScore {
  departmentId: number;
  name: string;
  summoned: number;
  reportedIn: number;
  onTime: number;
  late: number;
  escalations: number;
  partsDone: number;
  /** Minutes from whistle to report-in, over those reported in. */
  avgReportInMin: number | null;
  /** Minutes from report-in to its part done. */
  avgHandlingMin: number | null;
  avgRating: number | null;
}
export function rankDepartments(rows: DepartmentScore[]): DepartmentScore[] {
  const onTimeShare = (d: DepartmentScore): number => (d.summoned === 0 ? 0 : d.onTime / d.summoned);
  return [...rows].sort(
    (a, b) =>
      onTimeShare(b) - onTimeShare(a) ||
      (a.avgReportInMin ?? Infinity) - (b.avgReportInMin ?? Infinity) ||
      (b.avgRating ?? 0) - (a.avgRating ?? 0) ||
      a.departmentId - b.departmentId,
  );
}
