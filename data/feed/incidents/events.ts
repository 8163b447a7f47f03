/** Incidents and their closed loop (上报→受理→派发→处置→反馈→评价): what producers may send. */
import { z } from 'zod';
import { INCIDENT_CATEGORIES, REPORTER_KINDS, STATUS_CHANGES } from '../../model/incidents.ts';
import { entityId, lat, lon, text, type EventSchemas } from '../fields.ts';

export const incidentEvents = {
  'incident.reported': z.strictObject({
    incidentId: text(64),
    category: z.enum(INCIDENT_CATEGORIES),
    severity: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
    lon,
    lat,
    reporter: z.enum(REPORTER_KINDS),
    description: z.string().max(500).optional(),
    buildingId: entityId.optional(),
    /** The source's own category (a hotline ticket's 诉求类别), kept beside the mapped one. */
    sourceCategory: z.string().max(120).optional(),
  }),
  'incident.status': z.strictObject({
    incidentId: text(64),
    status: z.enum(STATUS_CHANGES),
    assignee: z.strictObject({ kind: z.enum(['grid_worker', 'department', 'resource']), id: entityId }).optional(),
    actor: z.string().max(64).optional(),
    note: z.string().max(500).optional(),
    rating: z.number().int().min(1).max(5).optional(),
  }),
} as const satisfies EventSchemas;
