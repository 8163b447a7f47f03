/**
 * Chinese typhoon sites write times in Beijing time (UTC+8, no daylight saving since 1991) with no
 * zone suffix: "2019-08-10T01:45:00" is 17:45 UTC on the 9th. Read as it is, JavaScript would take
 * it as the computer's local time, which is right only on a computer set to China's zone; this
 * reads it as UTC+8 everywhere. A time that does carry a zone (Z, +08:00) keeps its own.
 */

export const BEIJING_OFFSET_MS = 8 * 3_600_000;

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const SLASHED = /^(\d{4})\/(\d{1,2})\/(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/**
 * UTC epoch ms of a time written in Beijing time ("2019-08-10T01:45:00", "2019-08-10 01:45",
 * "2019/8/10 1:45:00"), or of a time with its own zone. null when the text is not such a time or
 * names a moment that does not exist (30 February, 24:00).
 */
export function parseBeijingTime(text: string): number | null {
  const t = text.trim();
  const m = ISO.exec(t) ?? SLASHED.exec(t);
  if (!m) return null;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  if (month! < 1 || month! > 12 || day! < 1 || hour! > 23 || minute! > 59 || second > 59 || year! < 1900 || year! > 2200) return null;
  const wall = Date.UTC(year!, month! - 1, day!, hour!, minute!, second, ms);
  if (new Date(wall).getUTCDate() !== day) return null;
  const zone = m[8];
  if (zone === undefined) return wall - BEIJING_OFFSET_MS;
  if (zone.toUpperCase() === 'Z') return wall;
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  const offsetMin = Number(z[2]) * 60 + Number(z[3]);
  if (offsetMin > 14 * 60) return null;
  return wall - (z[1] === '-' ? -1 : 1) * offsetMin * 60_000;
}
