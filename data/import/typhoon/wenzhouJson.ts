/**
 * Wenzhou Typhoon Net JSON (温州台风网, the Zhejiang water resources typhoon service): one storm per
 * element of a top-level array (a bare object is taken too).
 *
 *   [{ "tfbh": "201909", "name": "利奇马", "ename": "Lekima",
 *      "land":   [{ "position": "浙江省温岭市", "land_time": "2019-08-10T01:45:00", "lng": 121.5, "lat": 28.2 }],
 *      "points": [{ "time": "2019-08-04T14:00:00", "lng": 131.5, "lat": 16.7, "strong": "热带低压(TD)",
 *                   "power": 7, "speed": 15, "move_dir": "北", "move_speed": 8, "pressure": 1000,
 *                   "radius7_quad": { "ne": 0, "se": 0, "sw": 0, "nw": 0 }, …, "forecast": null }] }]
 *
 * Times are Beijing time with no zone suffix (converted to UTC here). Radii are km per quadrant;
 * 0 or null means no such circle. `forecast`, when present, is a list of bulletins issued at the
 * point's time, one per agency: `{ "tm": "中国", "forecastpoints": [{ time, lng, lat, strong, speed,
 * pressure, … }] }`; its first position usually repeats the fix and is not a forecast. The site's
 * older API wrote numbers as strings, times as "2021/9/23 20:00:00" and radii as "ne|se|sw|nw"
 * strings; those are read too.
 *
 * Parsing never throws anything but a TrackImportError naming the point (`points[12]`) and field.
 */
import { agencyFromChineseLabel, stormId } from '../../model/typhoon/agencies.ts';
import { gradeForWind, gradeFromText, type TcGrade } from '../../model/typhoon/scales.ts';
import { lastPointAtOrBefore } from '../../model/typhoon/track.ts';
import { QUADRANTS, type ForecastBulletin, type Landfall, type QuadrantRadii, type Storm, type StormTrack, type TrackPoint, type WindRadii } from '../../model/typhoon/types.ts';
import { parseBeijingTime } from './beijingTime.ts';
import { clip } from './cmaBestTrack.ts';
import { TrackImportError } from './TrackImportError.ts';

/** The Wenzhou Typhoon Net's real-time track: CMA's positions as the site published them, with radii. */
export const WENZHOU_AGENCY = 'WZTF';

/** Where a value sits, for messages: the file, the JSON path of its point, what that point is. */
interface Site {
  file: string;
  at: string;
  context?: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return `"${clip(v)}"`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}

interface NumberRule {
  min: number;
  max: number;
  /** What the field holds, for the fix: "the longitude in degrees east, e.g. 121.5". */
  what: string;
}

/** A number (or a number written as a string, as the older API does); null for null, "" or absent. */
function optionalNumber(v: unknown, site: Site, field: string, rule: NumberRule): number | null {
  if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new TrackImportError({ ...site, field }, `${describeValue(v)} is not a number`, `Write ${rule.what}.`);
  if (n < rule.min || n > rule.max) throw new TrackImportError({ ...site, field }, `${n} is outside ${rule.min}…${rule.max}`, `Write ${rule.what}.`);
  return n;
}

function requiredNumber(v: unknown, site: Site, field: string, rule: NumberRule): number {
  const n = optionalNumber(v, site, field, rule);
  if (n === null) throw new TrackImportError({ ...site, field }, `is ${v === undefined ? 'missing' : 'empty'}`, `Write ${rule.what}.`);
  return n;
}

function optionalText(v: unknown, site: Site, field: string): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw new TrackImportError({ ...site, field }, `is ${describeValue(v)}, not text`, 'Write it as a string, or null.');
  // JSON can spell half a character ("\ud800"); the twin's UTF-8 columns cannot hold it.
  if (LONE_SURROGATE.test(v)) throw new TrackImportError({ ...site, field }, 'holds a lone UTF-16 surrogate, not text', 'Write the text as UTF-8 characters (e.g. 浙江省温岭市), not \\u escapes of half a character.');
  const t = v.trim();
  return t === '' ? null : t;
}

function requiredTime(v: unknown, site: Site, field: string): number {
  const ms = typeof v === 'string' ? parseBeijingTime(v) : null;
  if (ms === null) {
    throw new TrackImportError(
      { ...site, field },
      `${describeValue(v)} is not a date and time`,
      'Write Beijing time as "2019-08-10T01:45:00" (or with its zone, e.g. "2019-08-09T17:45:00Z").',
    );
  }
  return ms;
}

/** East longitudes past 180 are kept as given: a track crossing the date line stays continuous. */
const LON: NumberRule = { min: -180, max: 360, what: 'the longitude in degrees east, e.g. 121.5' };
const LAT: NumberRule = { min: -90, max: 90, what: 'the latitude in degrees north, e.g. 28.2' };
const WIND: NumberRule = { min: 0, max: 120, what: 'the maximum sustained wind in m/s (2-minute mean), or null' };
const PRESSURE: NumberRule = { min: 800, max: 1100, what: 'the central pressure in hPa, or null' };
const MOVE_SPEED: NumberRule = { min: 0, max: 300, what: 'the speed of motion in km/h, or null' };
const RADIUS: NumberRule = { min: 0, max: 3000, what: 'the radius in km (0 or null when there is none)' };

/** Parses a whole Wenzhou Typhoon Net JSON file. `file` names it in errors. */
export function parseWenzhouJson(text: string, file: string): StormTrack[] {
  let root: unknown;
  try {
    root = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new TrackImportError({ file }, `is not valid JSON (${jsonErrorWhere(text, err)})`, 'Fix the JSON syntax at that place, or download the file again.');
  }
  const elements = Array.isArray(root) ? root : [root];
  if (elements.length === 0) throw new TrackImportError({ file }, 'holds an empty list', 'A Wenzhou Typhoon Net file is a list with one storm object (tfbh, name, points…).');
  const prefix = (i: number): string => (elements.length > 1 ? `[${i}].` : '');
  return elements.map((el, i) => parseStorm(el, file, prefix(i)));
}

function parseStorm(el: unknown, file: string, prefix: string): StormTrack {
  const stormSite: Site = { file, at: prefix === '' ? 'storm' : prefix.slice(0, -1) };
  if (!isObject(el)) {
    throw new TrackImportError(stormSite, `is ${describeValue(el)}, not a storm object`, 'Each element is a storm object with tfbh, name, ename, land and points.');
  }
  const rawNumber = el.tfbh ?? el.ident ?? el.tfid;
  const tfbh = typeof rawNumber === 'number' ? String(rawNumber) : typeof rawNumber === 'string' ? rawNumber.trim() : '';
  if (!/^\d{6}$/.test(tfbh)) {
    throw new TrackImportError(
      { ...stormSite, field: 'tfbh' },
      `${describeValue(rawNumber)} is not a storm number`,
      'Write the storm number as YYYYNN, e.g. "201909" for Lekima (the 9th storm of 2019).',
    );
  }
  const nameZh = optionalText(el.name, stormSite, 'name');
  const nameEn = optionalText(el.ename ?? el.enname, stormSite, 'ename');
  const label = `storm ${tfbh}${nameEn ? ` ${nameEn}` : ''}`;

  if (!Array.isArray(el.points) || el.points.length === 0) {
    throw new TrackImportError(
      { ...stormSite, context: label, field: 'points' },
      Array.isArray(el.points) ? 'is an empty list' : `is ${describeValue(el.points)}, not a list`,
      'A storm needs its track: a list of points with time, lng, lat, strong, speed and pressure.',
    );
  }
  const fixes: TrackPoint[] = [];
  const bulletins: ForecastBulletin[] = [];
  el.points.forEach((raw: unknown, i: number) => {
    const at = `${prefix}points[${i}]`;
    const site: Site = { file, at };
    if (!isObject(raw)) throw new TrackImportError(site, `is ${describeValue(raw)}, not a point object`, 'Each point is an object with time, lng, lat, strong, speed, pressure and radii.');
    const time = requiredTime(raw.time, site, 'time');
    site.context = `${String(raw.time).trim()} Beijing time`;
    const fix = parsePosition(raw, site, false);
    const previous = fixes[fixes.length - 1];
    if (previous && fix.timeUtcMs <= previous.timeUtcMs) {
      throw new TrackImportError(
        { ...site, field: 'time' },
        `is not after the previous point's time (${prefix}points[${i - 1}])`,
        'Points must be in time order without repeats; fix the time or remove the point.',
      );
    }
    fix.agency = WENZHOU_AGENCY;
    fixes.push(fix);
    bulletins.push(...parseForecasts(raw.forecast, time, file, at, site.context));
  });

  const rawLand = el.land;
  const landfalls: Landfall[] = [];
  if (rawLand !== null && rawLand !== undefined && !(typeof rawLand === 'string' && rawLand.trim() === '')) {
    if (!Array.isArray(rawLand)) {
      throw new TrackImportError({ ...stormSite, context: label, field: 'land' }, `is ${describeValue(rawLand)}, not a list`, 'Write the landfalls as a list of { position, land_time, lng, lat }, or null.');
    }
    rawLand.forEach((raw: unknown, i: number) => landfalls.push(parseLandfall(raw, { file, at: `${prefix}land[${i}]` }, fixes)));
    landfalls.sort((a, b) => a.timeUtcMs - b.timeUtcMs);
  }

  const storm: Storm = {
    id: stormId(WENZHOU_AGENCY, tfbh.slice(2)),
    agency: WENZHOU_AGENCY,
    number: tfbh.slice(2),
    intlNumber: null,
    year: Number(tfbh.slice(0, 4)),
    name: nameEn ?? nameZh ?? '(nameless)',
    nameZh,
    serial: null,
    endNote: null,
    format: 'wenzhou-json',
  };
  return { storm, fixes, bulletins, landfalls };
}

/** Time, position, intensity, motion and radii of a fix or a forecast position. */
function parsePosition(raw: Record<string, unknown>, site: Site, isForecast: boolean): TrackPoint {
  const timeUtcMs = requiredTime(raw.time, site, 'time');
  const lon = requiredNumber(raw.lng ?? raw.lon, site, 'lng', LON);
  const lat = requiredNumber(raw.lat, site, 'lat', LAT);
  const maxWindMs = optionalNumber(raw.speed, site, 'speed', WIND);
  const pressureHpa = optionalNumber(raw.pressure, site, 'pressure', PRESSURE);
  const grade = parseGrade(raw.strong, maxWindMs, site);
  const point: TrackPoint = { timeUtcMs, lon, lat, pressureHpa, maxWindMs, grade, radii: parseRadii(raw, site), isForecast };
  if (!isForecast) {
    point.moveDirection = optionalText(raw.move_dir ?? raw.movedirection, site, 'move_dir');
    point.moveSpeedKmh = optionalNumber(raw.move_speed ?? raw.movespeed, site, 'move_speed', MOVE_SPEED);
  }
  return point;
}

/** The grade the source names; a point that names none gets the grade of its wind. */
function parseGrade(v: unknown, windMs: number | null, site: Site): TcGrade {
  const text = optionalText(v, site, 'strong');
  if (text === null) return windMs === null ? 'weak' : (gradeForWind(windMs) ?? 'weak');
  const grade = gradeFromText(text);
  if (grade === null) {
    throw new TrackImportError(
      { ...site, field: 'strong' },
      `"${clip(text)}" is not a tropical cyclone grade`,
      'Write one of 热带低压(TD), 热带风暴(TS), 强热带风暴(STS), 台风(TY), 强台风(STY), 超强台风(Super TY), 温带气旋(ET), or null.',
    );
  }
  return grade;
}

/**
 * The 7/10/12 circles from `radiusN_quad` ({ne, se, sw, nw}); failing that from `radiusN`, either
 * "ne|se|sw|nw" (the older API) or one number, taken for all quadrants (a symmetric circle is what
 * such a source says). null when the point has no circle at all.
 */
function parseRadii(raw: Record<string, unknown>, site: Site): WindRadii | null {
  const circle = (force: 7 | 10 | 12): QuadrantRadii | null => {
    const quadField = `radius${force}_quad`;
    const quad = raw[quadField];
    const out = {} as QuadrantRadii;
    let any = false;
    if (quad !== null && quad !== undefined) {
      if (!isObject(quad)) throw new TrackImportError({ ...site, field: quadField }, `is ${describeValue(quad)}, not { ne, se, sw, nw }`, 'Write the radii in km per quadrant as { "ne": 300, "se": 300, "sw": 250, "nw": 200 }, or null.');
      for (const q of QUADRANTS) {
        const r = optionalNumber(quad[q], site, `${quadField}.${q}`, RADIUS);
        out[q] = r !== null && r > 0 ? r : null;
        any ||= out[q] !== null;
      }
      if (any) return out;
    }
    const flatField = `radius${force}`;
    const flat = raw[flatField];
    if (typeof flat === 'string' && flat.includes('|')) {
      const parts = flat.split('|');
      if (parts.length !== 4) throw new TrackImportError({ ...site, field: flatField }, `"${clip(flat)}" has ${parts.length} parts`, 'Write four radii in km as "ne|se|sw|nw", e.g. "250|220|200|180".');
      QUADRANTS.forEach((q, i) => {
        const r = optionalNumber(parts[i], site, `${flatField} (${q})`, RADIUS);
        out[q] = r !== null && r > 0 ? r : null;
        any ||= out[q] !== null;
      });
      return any ? out : null;
    }
    const r = optionalNumber(flat, site, flatField, RADIUS);
    if (r !== null && r > 0 && (quad === undefined || quad === null)) return { ne: r, se: r, sw: r, nw: r };
    return null;
  };
  const radii: WindRadii = { r7: circle(7), r10: circle(10), r12: circle(12) };
  return radii.r7 || radii.r10 || radii.r12 ? radii : null;
}

function parseForecasts(v: unknown, fixTimeMs: number, file: string, pointAt: string, context: string): ForecastBulletin[] {
  if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return [];
  const at = `${pointAt}.forecast`;
  if (!Array.isArray(v)) {
    throw new TrackImportError({ file, at, context }, `is ${describeValue(v)}, not a list`, 'Write the forecasts as a list of { "tm": "中国", "forecastpoints": [...] }, or null.');
  }
  const seen = new Set<string>();
  const out: ForecastBulletin[] = [];
  v.forEach((raw: unknown, i: number) => {
    const site: Site = { file, at: `${at}[${i}]`, context };
    if (!isObject(raw)) throw new TrackImportError(site, `is ${describeValue(raw)}, not a forecast object`, 'Write { "tm": "中国", "forecastpoints": [...] }.');
    const label = optionalText(raw.tm ?? raw.sets ?? raw.origin, site, 'tm');
    if (label === null) throw new TrackImportError({ ...site, field: 'tm' }, 'is missing', 'Name the forecasting agency, e.g. "中国", "日本", "美国".');
    const agency = agencyFromChineseLabel(label);
    if (seen.has(agency)) throw new TrackImportError({ ...site, field: 'tm' }, `"${clip(label)}" forecasts twice at this point`, 'Keep one forecast per agency and time; remove the repeat.');
    seen.add(agency);
    const list = raw.forecastpoints ?? raw.points;
    if (!Array.isArray(list)) throw new TrackImportError({ ...site, field: 'forecastpoints' }, `is ${describeValue(list)}, not a list`, 'Write the forecast positions as a list of { time, lng, lat, strong, speed, pressure }.');
    const points: TrackPoint[] = [];
    list.forEach((rawPoint: unknown, j: number) => {
      const pointSite: Site = { file, at: `${at}[${i}].forecastpoints[${j}]`, context: `${label} forecast from ${context}` };
      if (!isObject(rawPoint)) throw new TrackImportError(pointSite, `is ${describeValue(rawPoint)}, not a position`, 'Write { time, lng, lat, strong, speed, pressure }.');
      const p = parsePosition(rawPoint, pointSite, true);
      const leadHours = (p.timeUtcMs - fixTimeMs) / 3_600_000;
      if (leadHours < 0) {
        throw new TrackImportError({ ...pointSite, field: 'time' }, 'is before the time of the fix it was forecast from', 'A forecast position lies ahead of its point\'s time; check the date and the time zone (Beijing time).');
      }
      // The first position usually repeats the fix itself: not a forecast.
      if (leadHours === 0) return;
      const last = points[points.length - 1];
      if (last && p.timeUtcMs <= last.timeUtcMs) {
        throw new TrackImportError({ ...pointSite, field: 'time' }, 'is not after the forecast position before it', 'Forecast positions must be in time order without repeats.');
      }
      points.push({ ...p, leadHours, bulletinUtcMs: fixTimeMs, agency });
    });
    if (points.length > 0) out.push({ agency, issuedUtcMs: fixTimeMs, points });
  });
  return out;
}

function parseLandfall(raw: unknown, site: Site, fixes: readonly TrackPoint[]): Landfall {
  if (!isObject(raw)) throw new TrackImportError(site, `is ${describeValue(raw)}, not a landfall object`, 'Write { "position": "浙江省温岭市", "land_time": "2019-08-10T01:45:00", "lng": 121.5, "lat": 28.2 }.');
  const timeField = raw.land_time !== undefined ? 'land_time' : 'time';
  const timeUtcMs = requiredTime(raw[timeField], site, timeField);
  site.context = `${String(raw[timeField]).trim()} Beijing time`;
  const lon = requiredNumber(raw.lng ?? raw.lon, site, 'lng', LON);
  const lat = requiredNumber(raw.lat, site, 'lat', LAT);
  const place = optionalText(raw.position ?? raw.land_address, site, 'position');
  const ownWind = optionalNumber(raw.speed, site, 'speed', WIND);
  const ownPressure = optionalNumber(raw.pressure, site, 'pressure', PRESSURE);
  const ownGradeText = optionalText(raw.strong, site, 'strong');
  const before = lastPointAtOrBefore(fixes, timeUtcMs);
  const ownGrade = ownGradeText === null ? null : gradeFromText(ownGradeText);
  return {
    timeUtcMs,
    lon,
    lat,
    place,
    maxWindMs: ownWind ?? before?.maxWindMs ?? null,
    pressureHpa: ownPressure ?? before?.pressureHpa ?? null,
    grade: ownGrade ?? (ownWind !== null ? gradeForWind(ownWind) : (before?.grade ?? null)),
  };
}

/**
 * "line 5, column 3: Unexpected token" for a JSON syntax error. V8 names the position only for
 * some errors, so the place is found by scanning the text for the first thing JSON does not allow.
 */
function jsonErrorWhere(text: string, err: unknown): string {
  const message = String((err as Error)?.message ?? err).split('\n')[0]!;
  const reported = /position (\d+)/.exec(message);
  const offset = reported ? Number(reported[1]) : firstJsonSyntaxError(text);
  const what = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, .*" is not valid JSON$/s, '').slice(0, 80);
  if (offset === null) return what;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${what}`;
}

/** Offset of the first character a JSON parser would refuse, or null when none is found. */
export function firstJsonSyntaxError(text: string): number | null {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = (): void => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? '')) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') fail();
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 512) fail();
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    number();
  };
  try {
    value(0);
    ws();
    return i < text.length ? i : null;
  } catch (at) {
    return typeof at === 'number' ? Math.min(at, text.length) : null;
  }
}
