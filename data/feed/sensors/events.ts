/** Readings of the street's sensors (water level, rain gauges, wind, cameras, smoke). */
import { z } from 'zod';
import { lat, lon, text, type EventSchemas } from '../fields.ts';

export const sensorEvents = {
  'sensor.reading': z.strictObject({
    sensorId: text(64),
    kind: z.enum(['water_level', 'rain', 'wind', 'camera', 'smoke']),
    value: z.number().finite(),
    unit: z.string().max(16).optional(),
    lon: lon.optional(),
    lat: lat.optional(),
  }),
} as const satisfies EventSchemas;
