/**
 * Incidents (事件) and their closed loop 上报→受理→派发→处置→反馈→评价, with SLA clocks.
 * Pure: shared by the store's projections, the services and the renderer.
 */

/** Categories the city-operations platform, cameras, the 12345 hotline and residents report. */
export const INCIDENT_CATEGORIES = [
  'street_vending', // 占道经营
  'garbage', // 垃圾堆积
  'waterlogging', // 道路积水
  'streetlight', // 路灯损坏
  'noise', // 噪音扰民
  'fire', // 火情
  'medical', // 医疗急救
  'elderly_care', // 独居老人关怀 (raised by a meter alert or a neighbour)
  'facility_damage', // 设施损坏
  'typhoon_evacuation', // 台风转移 (tasks of a dispatched evacuation plan)
  'other',
] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

/** Who or what reported it. */
export const REPORTER_KINDS = ['resident', 'camera', 'grid_worker', 'sensor', 'hotline', 'platform', 'meter'] as const;
export type ReporterKind = (typeof REPORTER_KINDS)[number];

/** 1 low · 2 medium · 3 high · 4 critical. */
export type Severity = 1 | 2 | 3 | 4;

/**
 * The closed loop, in order. `closed` is reached by evaluation (评价) or by an operator closing
 * it; `cancelled` for a duplicate or a false report.
 */
export const INCIDENT_STEPS = ['reported', 'accepted', 'dispatched', 'handling', 'feedback', 'evaluated'] as const;
export type IncidentStep = (typeof INCIDENT_STEPS)[number];
export const INCIDENT_STATUSES = [...INCIDENT_STEPS, 'closed', 'cancelled'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** Status changes that may arrive in an `incident.status` event (reported comes with the report). */
export const STATUS_CHANGES = ['accepted', 'dispatched', 'reassigned', 'handling', 'feedback', 'evaluated', 'closed', 'cancelled'] as const;
export type StatusChange = (typeof STATUS_CHANGES)[number];

export const isOpenStatus = (s: IncidentStatus): boolean => s !== 'evaluated' && s !== 'closed' && s !== 'cancelled';

/**
 * Minutes from report to the end of handling (处置完成) per category. Life-safety categories are
 * measured in minutes, city-management ones in hours, following typical 一网统管 SLAs.
 */
export const SLA_MINUTES: Record<IncidentCategory, number> = {
  fire: 30,
  medical: 30,
  elderly_care: 60,
  waterlogging: 120,
  street_vending: 240,
  noise: 240,
  garbage: 480,
  streetlight: 1440,
  facility_damage: 1440,
  // An evacuation task is due with its grid's evacuation clock; the queue's own SLA is a working shift.
  typhoon_evacuation: 480,
  other: 1440,
};
/** Acceptance (受理) is due within this many minutes for every category. */
export const ACCEPT_SLA_MINUTES = 10;

/** True when an incident still waits for acceptance (受理) past ACCEPT_SLA_MINUTES after its report. */
export const acceptOverdue = (status: IncidentStatus, reportedAtMs: number, nowMs: number): boolean =>
  status === 'reported' && nowMs - reportedAtMs > ACCEPT_SLA_MINUTES * 60_000;

export type SlaState = 'ok' | 'amber' | 'red' | 'met' | 'missed';

/**
 * SLA state of an incident at `nowMs`: amber after 75 % of the allowance, red once overdue;
 * `met`/`missed` once handling is over (feedback or later).
 */
export function slaState(category: IncidentCategory, reportedAtMs: number, handledAtMs: number | null, nowMs: number): SlaState {
  const due = reportedAtMs + SLA_MINUTES[category] * 60_000;
  if (handledAtMs !== null) return handledAtMs <= due ? 'met' : 'missed';
  if (nowMs > due) return 'red';
  if (nowMs > reportedAtMs + 0.75 * (due - reportedAtMs)) return 'amber';
  return 'ok';
}

/** Which assignee kinds may be dispatched (`resource`: a vehicle or boat, data/model/dispatch). */
export type AssigneeKind = 'grid_worker' | 'department' | 'resource';
