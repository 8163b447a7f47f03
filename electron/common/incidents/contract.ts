/**
 * Incidents' contract section (feature module): one incident with its closed loop, the dispatch
 * proposal, and the operator's steps. The incidents themselves reach every view through the live
 * snapshot and its pushes (`live`, the one clock); this section is what a console does with one.
 */
import { z } from 'zod';
import type { DispatchOption, IncidentAction, IncidentDetail } from '../dto.ts';
import { idText, m, recordId, type MemberSpec } from '../sections.ts';

export interface IncidentsApi {
  getIncident(incidentId: string): Promise<IncidentDetail | null>;
  /** Available grid workers and departments, nearest by road first. */
  proposeDispatch(incidentId: string): Promise<DispatchOption[]>;
  /** Accept, dispatch, reassign, close… recorded as an event like any other. */
  actOnIncident(incidentId: string, action: IncidentAction): Promise<IncidentDetail | null>;
}

const incidentAction = z.strictObject({
  action: z.enum(['accept', 'dispatch', 'reassign', 'handle', 'feedback', 'close', 'cancel']),
  assignee: z
    .strictObject({ kind: z.enum(['grid_worker', 'department', 'resource']), id: recordId })
    .optional(),
  note: z.string().max(500).optional(),
  rating: z.number().int().min(1).max(5).optional(),
});

export const INCIDENTS_SECTION = {
  getIncident: m('view', idText),
  proposeDispatch: m('operator', idText),
  actOnIncident: m('operator', idText, incidentAction),
} as const satisfies Record<keyof IncidentsApi, MemberSpec>;
