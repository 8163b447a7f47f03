/** Positions of emergency resources (grid workers, vehicles) from their GPS. */
import { z } from 'zod';
import { RESOURCE_STATUSES } from '../../model/domain.ts';
import { entityId, lat, lon, type EventSchemas } from '../fields.ts';

export const resourceEvents = {
  'resource.position': z.strictObject({
    resourceId: entityId,
    lon,
    lat,
    heading: z.number().finite().min(0).max(360).optional(),
    speed: z.number().finite().min(0).max(100).optional(),
    status: z.enum(RESOURCE_STATUSES).optional(),
  }),
} as const satisfies EventSchemas;
