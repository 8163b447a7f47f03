/**
 * 积分制: a resident earned points (the points app of the community, or a sorting supervisor's
 * scanner: household, optionally the member, the activity and its points under the rules) and a
 * household redeemed points at a listed shop (the shop's terminal: which items).
 */
import { z } from 'zod';
import { ACTIVITY_KINDS, MAX_POINTS_PER_RECORD, MAX_POINTS_PER_REDEMPTION } from '../../model/points/index.ts';
import { entityId, lat, lon, text, type EventSchemas } from '../fields.ts';

export const pointsEvents = {
  'points.earned': z.strictObject({
    householdId: entityId,
    /** The member who did it; absent for a household's record (a bag of sorted waste at the door). */
    personId: entityId.optional(),
    kind: z.enum(ACTIVITY_KINDS),
    points: z.number().int().min(1).max(MAX_POINTS_PER_RECORD),
    lon: lon.optional(),
    lat: lat.optional(),
    note: z.string().max(200).optional(),
  }),
  'points.redeemed': z.strictObject({
    householdId: entityId,
    shopId: text(64),
    points: z.number().int().min(1).max(MAX_POINTS_PER_REDEMPTION),
    items: z
      .array(z.strictObject({ item: text(64), qty: z.number().int().min(1).max(20) }))
      .min(1)
      .max(10),
  }),
} as const satisfies EventSchemas;
