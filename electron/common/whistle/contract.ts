/**
 * 吹哨报到's contract section (feature module): the street blows the whistle on an incident and
 * summons departments with a deadline to report on site; each department's steps are timed (its
 * own app sends them over ingest as `whistle.step`, or a console records a phoned-in one); late
 * report-ins escalate by themselves; the scoreboard ranks departments. Departments are
 * organisations: nothing here names a person, and a wall sees it whole but without notes.
 */
import { z } from 'zod';
import type { DepartmentScore, PartOutcome, SummonsState, WhistleKind } from '../../../data/model/whistle/index.ts';
import { PART_OUTCOMES, WHISTLE_KINDS, WHISTLE_LIMITS } from '../../../data/model/whistle/index.ts';
import { epochMs, idText, m, NO_ARGS, recordId, type MemberSpec } from '../sections.ts';

export interface Summons {
  departmentId: number;
  name: string;
  dueAt: number;
  state: SummonsState;
  enRouteAt: number | null;
  reportedInAt: number | null;
  doneAt: number | null;
  outcome: PartOutcome | null;
  escalatedAt: number | null;
  rating: number | null;
  /** Where it is: its last position on the way, the case once on site, else its base. */
  lon: number | null;
  lat: number | null;
  etaMin: number | null;
}

export interface WhistleCase {
  id: string;
  incidentId: string;
  category: string | null;
  lon: number;
  lat: number;
  address: string | null;
  kind: WhistleKind;
  blownAt: number;
  deadlineMin: number;
  /** All summoned departments' parts done. */
  done: boolean;
  doneAt: number | null;
  summons: Summons[];
}

export interface WhistleScoreboard {
  fromMs: number;
  toMs: number;
  whistles: number;
  /** Incidents reported in the period, and the share the street whistled on (吹哨率). */
  incidents: number;
  whistleRate: number | null;
  /** Whistle to every part done, over finished cases, in hours. */
  avgCaseHours: number | null;
  departments: DepartmentScore[];
}

export interface WhistleInput {
  incidentId: string;
  kind: WhistleKind;
  departmentIds: number[];
  deadlineMin?: number;
  note?: string;
}

export interface WhistleApi {
  blowWhistle(input: WhistleInput): Promise<WhistleCase>;
  /** A department's step recorded at the console (it phoned in). */
  recordSummonsStep(whistleId: string, departmentId: number, step: 'en_route' | 'reported_in' | 'part_done', outcome: PartOutcome | null, note: string): Promise<WhistleCase>;
  /** The street rates a department's part (1–5). */
  rateDepartment(whistleId: string, departmentId: number, rating: number): Promise<WhistleCase>;
  /** Open whistles and those finished since `sinceMs`. */
  listWhistles(sinceMs: number): Promise<WhistleCase[]>;
  getScoreboard(fromMs: number, toMs: number): Promise<WhistleScoreboard>;
  listDepartments(): Promise<{ id: number; name: string; kind: string }[]>;
}

const whistleInput = z.strictObject({
  incidentId: idText,
  kind: z.enum(WHISTLE_KINDS),
  departmentIds: z.array(recordId).min(WHISTLE_LIMITS.departmentsMin).max(WHISTLE_LIMITS.departmentsMax),
  deadlineMin: z.number().int().min(WHISTLE_LIMITS.deadlineMinMin).max(WHISTLE_LIMITS.deadlineMinMax).optional(),
  note: z.string().max(500).optional(),
});

export const WHISTLE_SECTION = {
  blowWhistle: m('operator', whistleInput),
  recordSummonsStep: m('operator', idText, recordId, z.enum(['en_route', 'reported_in', 'part_done']), z.enum(PART_OUTCOMES).nullable(), z.string().max(500)),
  rateDepartment: m('operator', idText, recordId, z.number().int().min(1).max(5)),
  listWhistles: m('view', epochMs),
  getScoreboard: m('view', epochMs, epochMs),
  listDepartments: NO_ARGS('view'),
} as const satisfies Record<keyof WhistleApi, MemberSpec>;
