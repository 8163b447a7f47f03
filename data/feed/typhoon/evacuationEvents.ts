/**
 * How the evacuation goes, household by household (issue 11 §5): a grid worker (from their phone
 * app, through the ingest API) or an operator at the console (TyphoonApi.recordEvacuationProgress)
 * reports that a household of a plan was contacted, has moved, or refused to move.
 *
 *   {"id":"gw7-0042","type":"typhoon.evacuation_progress","ts":"2026-12-02T08:14:03Z","source":"grid-app",
 *    "data":{"planId":"EP-mfa1b2c3-x7k2","householdId":1234,"status":"moved","gridWorkerId":7}}
 *
 * The newest report of a household (by `ts`) is its status on the plan board. No names: the
 * household is its id, the worker theirs. Listed once in data/feed/registry.ts.
 */
import { z } from 'zod';
import { entityId, type EventSchemas } from '../fields.ts';

export const EVACUATION_PROGRESS_STATUSES = ['contacted', 'moved', 'refused'] as const;
export type EvacuationProgressStatus = (typeof EVACUATION_PROGRESS_STATUSES)[number];

/** Plan ids as the service makes them: `EP-` and letters, digits, dashes. */
export const PLAN_ID_PATTERN = /^EP-[A-Za-z0-9-]{4,40}$/;
export const planIdField = z.string().regex(PLAN_ID_PATTERN, 'a plan id as the plan board shows it, e.g. EP-mfa1b2c3-x7k2');

export const EVACUATION_EVENT_SCHEMAS = {
  'typhoon.evacuation_progress': z.strictObject({
    planId: planIdField,
    householdId: entityId,
    status: z.enum(EVACUATION_PROGRESS_STATUSES, { message: `status must be one of ${EVACUATION_PROGRESS_STATUSES.join(', ')}` }),
    /** grid_workers.id of who reports it; absent when an operator records it for them. */
    gridWorkerId: entityId.optional(),
    /** Who recorded it at a console (set by the host, never by a producer's say-so for audit). */
    actor: z.string().trim().min(1).max(64).optional(),
    note: z.string().max(200).optional(),
  }),
} as const satisfies EventSchemas;
