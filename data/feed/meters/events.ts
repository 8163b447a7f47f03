/** Smart-meter readings from the head-ends (water and electricity per household). */
import { z } from 'zod';
import { entityId, type EventSchemas } from '../fields.ts';

export const meterEvents = {
  'meter.reading': z
    .strictObject({
      householdId: entityId,
      waterL: z.number().finite().min(0).max(100_000).optional(),
      powerKwh: z.number().finite().min(0).max(10_000).optional(),
      intervalMin: z.number().int().min(1).max(1440),
    })
    .refine((d) => d.waterL !== undefined || d.powerKwh !== undefined, { message: 'needs waterL or powerKwh' }),
} as const satisfies EventSchemas;
