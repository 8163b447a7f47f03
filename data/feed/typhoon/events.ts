/**
 * Ingest event types for live typhoon bulletins, so a planning session runs on the latest one:
 *
 * - `typhoon.fix`: an agency's fix, where it places the centre at the event's `ts`, how strong
 *   the storm is and its wind circles per quadrant. `landfall` marks the fix at which the agency
 *   announces landfall (登陆).
 * - `typhoon.forecast`: a bulletin issued at the event's `ts`: positions ahead with their lead
 *   times (+12 h … +120 h), intensities and, where the agency gives them, wind circles. A newer
 *   bulletin of the same agency becomes the current forecast; older ones stay as history.
 *
 *   {"id":"cma-1909-2019080818","type":"typhoon.forecast","ts":"2019-08-08T18:00:00Z","source":"cma-nmc",
 *    "data":{"agency":"CMA","stormNumber":"1909","name":"LEKIMA","nameZh":"利奇马",
 *            "points":[{"leadHours":12,"position":{"lon":122.2,"lat":27.4},"pressureHpa":930,"maxWindMs":55,
 *                       "radii":{"r7":{"ne":380,"se":380,"sw":350,"nw":280}}}]}}
 *
 * A storm is `<agency>:<stormNumber>`, as in file imports (CMA:1909), so a live CMA bulletin and a
 * later best-track import describe the same storm. Positions sit under `position`, not as the
 * top-level `lon`/`lat` the envelope checks against the twin's area: a storm is hundreds of
 * kilometres away when it matters most.
 *
 * Pure zod, like the other modules' events; listed once in data/feed/registry.ts.
 */
import { z } from 'zod';
import type { EventSchemas } from '../fields.ts';
import { AGENCY_CODE_PATTERN } from '../../model/typhoon/agencies.ts';
import { TC_GRADES } from '../../model/typhoon/scales.ts';

export const TYPHOON_EVENT_TYPES = ['typhoon.fix', 'typhoon.forecast'] as const;
export type TyphoonEventType = (typeof TYPHOON_EVENT_TYPES)[number];

/** The longest lead time accepted; agencies forecast up to 5 days (120 h), some to 7. */
export const MAX_LEAD_HOURS = 240;
/** Positions per bulletin: 12-hourly to 120 h is 10, hourly near the coast a few dozen. */
export const MAX_FORECAST_POINTS = 60;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Text the store's UTF-8 columns can hold (a lone surrogate cannot be encoded). */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !LONE_SURROGATE.test(s), 'holds a lone UTF-16 surrogate (not valid Unicode text): send well-formed UTF-8');

const agency = z.string().regex(AGENCY_CODE_PATTERN, 'an agency code: upper-case letters and digits, e.g. CMA, JMA, JTWC, HKO');
const stormNumber = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z_-]{0,15}$/, 'the storm number, e.g. "1909" (CMA numbers are YYNN)');
const position = z.strictObject({
  lon: z.number().finite().min(-180).max(180),
  lat: z.number().finite().min(-90).max(90),
});
const radiusKm = z.number().finite().min(0).max(3000).nullable().optional();
const quadrantRadii = z.strictObject({ ne: radiusKm, se: radiusKm, sw: radiusKm, nw: radiusKm });
/** Wind circles (7级/10级/12级风圈), km per quadrant; a missing or null quadrant has none. */
const windRadii = z.strictObject({
  r7: quadrantRadii.nullable().optional(),
  r10: quadrantRadii.nullable().optional(),
  r12: quadrantRadii.nullable().optional(),
});
const intensity = {
  pressureHpa: z.number().finite().min(800).max(1100).nullable().optional(),
  /** Maximum sustained wind near the centre, 2-minute mean (the Chinese standard), m/s. */
  maxWindMs: z.number().finite().min(0).max(120).nullable().optional(),
  /** The agency's grade; when absent the twin takes the GB/T 19201 grade of `maxWindMs`. */
  grade: z.enum(TC_GRADES).optional(),
  radii: windRadii.optional(),
};
const stormFields = {
  agency,
  stormNumber,
  /** The season the number belongs to; by default the one the number's YY and the event's time give. */
  season: z.number().int().min(1900).max(2200).optional(),
  name: text(64).optional(),
  nameZh: text(32).optional(),
};

const typhoonFix = z.strictObject({
  ...stormFields,
  position,
  ...intensity,
  moveDirection: text(16).optional(),
  moveSpeedKmh: z.number().finite().min(0).max(300).optional(),
  landfall: z.strictObject({ place: text(128).optional() }).optional(),
});

const forecastPoint = z.strictObject({
  leadHours: z.number().finite().positive().max(MAX_LEAD_HOURS),
  position,
  ...intensity,
});

const typhoonForecast = z
  .strictObject({
    ...stormFields,
    points: z.array(forecastPoint).min(1).max(MAX_FORECAST_POINTS),
  })
  .superRefine((d, ctx) => {
    for (let i = 1; i < d.points.length; i++) {
      if (d.points[i]!.leadHours <= d.points[i - 1]!.leadHours) {
        ctx.addIssue({ code: 'custom', path: ['points', i, 'leadHours'], message: 'lead times must rise from one position to the next' });
        return;
      }
    }
  });

export const TYPHOON_EVENT_SCHEMAS = {
  'typhoon.fix': typhoonFix,
  'typhoon.forecast': typhoonForecast,
} as const satisfies EventSchemas;

export type TyphoonEventData = { [K in TyphoonEventType]: z.infer<(typeof TYPHOON_EVENT_SCHEMAS)[K]> };

/** A validated typhoon event, in the envelope IngestEvent uses. */
export type TyphoonIngestEvent = {
  [K in TyphoonEventType]: { id: string; type: K; ts: string; tsMs: number; source: string; data: TyphoonEventData[K] };
}[TyphoonEventType];
