/**
 * 出行报备 (announced absence): the limits of a notice, shared by the contract (zod), the service
 * and the console's form. Pure: days are `YYYY-MM-DD` in UTC, as the meter days are.
 */

/** A notice covers at most this many days (both ends counted). */
export const AWAY_MAX_DAYS = 90;
/** A notice may start at most this many days before today (recorded after the trip began). */
export const AWAY_MAX_PAST_DAYS = 30;
/** Its note, trimmed. */
export const AWAY_NOTE_MAX = 200;

const DAY_MS = 86_400_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Epoch ms of a `YYYY-MM-DD` day (UTC midnight), or NaN when it is no real calendar day. */
export function dayMs(day: string): number {
  if (!DAY_RE.test(day)) return NaN;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === day ? ms : NaN;
}

/** The `YYYY-MM-DD` (UTC) of an epoch ms. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Days a notice covers, both ends counted. */
export const awayDays = (startDay: string, endDay: string): number => Math.round((dayMs(endDay) - dayMs(startDay)) / DAY_MS) + 1;

/**
 * What is wrong with a notice's days (a sentence for the operator), or null when it may be recorded.
 * `todayMs` is now; the 30-day rule is left out when it is null (the contract's shape check).
 */
export function awayRangeProblem(startDay: string, endDay: string, todayMs: number | null): string | null {
  const s = dayMs(startDay);
  const e = dayMs(endDay);
  if (Number.isNaN(s)) return `The first day away must be a date as YYYY-MM-DD (got ${JSON.stringify(startDay)}).`;
  if (Number.isNaN(e)) return `The last day away must be a date as YYYY-MM-DD (got ${JSON.stringify(endDay)}).`;
  if (e < s) return `The last day away (${endDay}) is before the first (${startDay}).`;
  const days = awayDays(startDay, endDay);
  if (days > AWAY_MAX_DAYS) return `An absence is announced for at most ${AWAY_MAX_DAYS} days (${startDay} to ${endDay} is ${days}); record a longer one as two notices.`;
  if (todayMs !== null && s < dayMs(dayOf(todayMs)) - AWAY_MAX_PAST_DAYS * DAY_MS)
    return `An absence may start at most ${AWAY_MAX_PAST_DAYS} days ago (${startDay} is earlier).`;
  return null;
}
