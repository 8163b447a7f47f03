/**
 * Residents' reports: the report behind an incident (its receipt, kept as a hash only) and the
 * resident's own rating (评价). The incident itself arrives as `incident.reported` with reporter
 * `resident`; these link the receipt to it.
 */
import { z } from 'zod';
import { RESIDENT_CATEGORIES, RESIDENT_LIMITS } from '../../model/reports/index.ts';
import { lat, lon, text, type EventSchemas } from '../fields.ts';

export const residentReportEvents = {
  'resident.report': z.strictObject({
    reportId: text(64),
    incidentId: text(64),
    /** sha256 of the receipt code, hex: the code itself is never stored. */
    receiptHash: z.string().regex(/^[0-9a-f]{64}$/),
    category: z.enum(RESIDENT_CATEGORIES),
    lon,
    lat,
    lang: z.enum(['zh-CN', 'en']),
    hasPhoto: z.boolean(),
  }),
  'resident.rating': z.strictObject({
    reportId: text(64),
    incidentId: text(64),
    rating: z.number().int().min(1).max(5),
    comment: z.string().max(RESIDENT_LIMITS.commentMax).optional(),
    /** The incident was reopened because of this rating. */
    reopened: z.boolean(),
  }),
} as const satisfies EventSchemas;
