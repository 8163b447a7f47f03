/**
 * 吹哨报到: the street's whistle on a case (which departments, by when), and each summoned
 * department's steps — on the way (with its position), reported in on site, its part done, late
 * (escalated), rated by the street. Departments' own apps send their steps over ingest; a console
 * records them for a department that phones in.
 */
import { z } from 'zod';
import { PART_OUTCOMES, WHISTLE_KINDS, WHISTLE_LIMITS } from '../../model/whistle/index.ts';
import { entityId, lat, lon, text, type EventSchemas } from '../fields.ts';

export const whistleEvents = {
  'whistle.blown': z.strictObject({
    whistleId: text(64),
    incidentId: text(64),
    kind: z.enum(WHISTLE_KINDS),
    departmentIds: z.array(entityId).min(WHISTLE_LIMITS.departmentsMin).max(WHISTLE_LIMITS.departmentsMax),
    deadlineMin: z.number().int().min(WHISTLE_LIMITS.deadlineMinMin).max(WHISTLE_LIMITS.deadlineMinMax),
    actor: z.string().max(64).optional(),
    note: z.string().max(500).optional(),
  }),
  'whistle.step': z.strictObject({
    whistleId: text(64),
    departmentId: entityId,
    step: z.enum(['en_route', 'reported_in', 'part_done', 'escalated', 'rated']),
    lon: lon.optional(),
    lat: lat.optional(),
    etaMin: z.number().int().min(0).max(600).optional(),
    outcome: z.enum(PART_OUTCOMES).optional(),
    rating: z.number().int().min(1).max(5).optional(),
    /** Escalation level: 1 the street's leader, 2 the district. */
    level: z.number().int().min(1).max(3).optional(),
    actor: z.string().max(64).optional(),
    note: z.string().max(500).optional(),
  }),
} as const satisfies EventSchemas;
