/**
 * CMA best-track files (CH2019BST.txt, tcdata.typhoon.org.cn): several storms per file, each a
 * header line then its points.
 *
 *   66666 1909   62 0012 1909 0 3 LEKIMA                             20200417
 *   2019080318 1 158 1315 1002      13
 *
 * Header: 66666, international number (YYNN), number of point lines, the season's running number
 * including depressions, Chinese number (YYNN; 0000 = never numbered), how the record ends (0
 * dissipated, 1 left the area, 2 merged, 3 quasi-stationary), hours between points, English name,
 * the data set's date. Points: time YYYYMMDDHH in UTC, grade code (0–6, 9), latitude and longitude
 * in tenths of a degree, central pressure (hPa), 2-minute maximum sustained wind (m/s), and in some
 * years a seventh column (the wind over the coast or the South China Sea), which the twin does not
 * use. The data set has no wind radii and no landfalls.
 *
 * Parsing never throws anything but a TrackImportError naming the line and the field.
 */
import { stormId } from '../../model/typhoon/agencies.ts';
import { CMA_GRADE_CODES, gradeFromCmaCode } from '../../model/typhoon/scales.ts';
import type { Storm, StormTrack, TrackPoint } from '../../model/typhoon/types.ts';
import { TrackImportError } from './TrackImportError.ts';

export const CMA_AGENCY = 'CMA';

const END_NOTES: Record<string, string> = {
  '0': 'dissipated',
  '1': 'moved out of the western North Pacific responsibility area',
  '2': 'merged with another system',
  '3': 'quasi-stationary',
};

interface PendingStorm {
  headerLine: number;
  declared: number;
  intlNumber: string | null;
  serial: number;
  number: string | null;
  endNote: string | null;
  name: string;
  points: TrackPoint[];
  /** Line of each point, for errors found after the storm is read (time order). */
  lines: number[];
}

/** One whitespace-separated field of a line, with its 1-based column for messages. */
interface Token {
  text: string;
  column: number;
}

function tokenize(line: string): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) out.push({ text: m[0], column: m.index + 1 });
  return out;
}

/** Parses a whole CMA best-track file. `file` names it in errors. */
export function parseCmaBestTrack(text: string, file: string): StormTrack[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const storms: PendingStorm[] = [];
  let current: PendingStorm | null = null;
  const finish = (atLine: number | null): void => {
    if (current === null) return;
    if (current.points.length < current.declared) {
      const where = atLine === null ? 'the file ends' : `line ${atLine} starts the next storm`;
      throw new TrackImportError(
        { file, line: current.headerLine, context: stormLabel(current), field: 'point count' },
        `the header declares ${current.declared} point lines but ${where} after ${current.points.length}`,
        'Restore the missing lines, or correct the count (third field of the header).',
      );
    }
    storms.push(current);
    current = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const tokens = tokenize(line);
    if (tokens[0]!.text === '66666') {
      finish(lineNo);
      current = parseHeader(tokens, file, lineNo);
      continue;
    }
    if (current === null) {
      throw new TrackImportError(
        { file, line: lineNo },
        storms.length === 0 ? `"${clip(line)}" comes before any storm header` : `"${clip(line)}" follows a storm whose declared points are all read`,
        storms.length === 0
          ? 'A CMA best-track file starts each storm with a header line beginning 66666; check that this is a best-track file.'
          : 'Remove the extra line, or correct the point count in the storm\'s header.',
      );
    }
    const storm: PendingStorm = current;
    const point = parsePoint(tokens, file, lineNo, storm);
    const previous = storm.points[storm.points.length - 1];
    if (previous && point.timeUtcMs <= previous.timeUtcMs) {
      throw new TrackImportError(
        { file, line: lineNo, context: stormLabel(storm), field: `time (column ${tokens[0]!.column})` },
        `${tokens[0]!.text} is not after the previous point's time (line ${storm.lines[storm.lines.length - 1]})`,
        'Points of a storm must be in time order without repeats; fix the time or remove the line.',
      );
    }
    storm.points.push(point);
    storm.lines.push(lineNo);
    if (storm.points.length === storm.declared) finish(null);
  }
  finish(null);
  if (storms.length === 0) {
    throw new TrackImportError({ file }, 'holds no storm', 'A CMA best-track file has header lines beginning 66666, each followed by its points.');
  }
  return toTracks(storms, file);
}

function parseHeader(tokens: Token[], file: string, lineNo: number): PendingStorm {
  const site = (field: string) => ({ file, line: lineNo, context: 'storm header', field });
  if (tokens.length < 7) {
    throw new TrackImportError(
      { file, line: lineNo, context: 'storm header' },
      `has ${tokens.length} fields, expected at least 7`,
      'A header reads "66666 <intl no> <point lines> <serial> <CN no> <end> <interval h> <NAME> <date>", e.g. "66666 1909   62 0012 1909 0 3 LEKIMA 20200417".',
    );
  }
  const digits = (t: Token, field: string, width: number, what: string): string => {
    if (!new RegExp(`^\\d{${width}}$`).test(t.text)) {
      throw new TrackImportError(site(`${field} (column ${t.column})`), `"${clip(t.text)}" is not ${what}`, `Write ${what}.`);
    }
    return t.text;
  };
  const intl = digits(tokens[1]!, 'international number', 4, 'a 4-digit number YYNN (0000 when none)');
  const countText = tokens[2]!;
  if (!/^\d{1,4}$/.test(countText.text) || Number(countText.text) === 0) {
    throw new TrackImportError(site(`point count (column ${countText.column})`), `"${clip(countText.text)}" is not a number of lines`, 'Write how many point lines follow this header (1 or more).');
  }
  const serial = digits(tokens[3]!, 'serial number', 4, 'a 4-digit running number of the season');
  const cn = digits(tokens[4]!, 'Chinese number', 4, 'a 4-digit number YYNN (0000 when none)');
  const end = digits(tokens[5]!, 'end flag', 1, 'a one-digit end flag (0 dissipated, 1 left the area, 2 merged, 3 quasi-stationary)');
  digits(tokens[6]!, 'interval', 1, 'the hours between points as one digit (6 or 3)');
  // The name is everything up to the data set's date (8 digits), which may be missing.
  let rest = tokens.slice(7);
  if (rest.length > 0 && /^\d{8}$/.test(rest[rest.length - 1]!.text)) rest = rest.slice(0, -1);
  const name = rest.map((t) => t.text).join(' ');
  return {
    headerLine: lineNo,
    declared: Number(countText.text),
    intlNumber: intl === '0000' ? null : intl,
    serial: Number(serial),
    number: cn === '0000' ? null : cn,
    endNote: END_NOTES[end] ?? null,
    name: name === '' || /^\(?nameless\)?$/i.test(name) ? '(nameless)' : name,
    points: [],
    lines: [],
  };
}

const FIELDS = ['time', 'grade', 'lat', 'lon', 'pressure', 'wind'] as const;

function parsePoint(tokens: Token[], file: string, lineNo: number, storm: PendingStorm): TrackPoint {
  const context = stormLabel(storm);
  if (tokens.length < 6 || tokens.length > 7) {
    throw new TrackImportError(
      { file, line: lineNo, context },
      `has ${tokens.length} fields, expected 6 (or 7)`,
      'A point line reads "YYYYMMDDHH grade lat lon pressure wind", e.g. "2019080918 6 283 1214  930      52"; fix the line or remove it.',
    );
  }
  const field = (i: number) => `${FIELDS[i] ?? 'coastal wind'} (column ${tokens[i]!.column})`;
  const int = (i: number, what: string): number => {
    const t = tokens[i]!.text;
    if (!/^-?\d+$/.test(t)) throw new TrackImportError({ file, line: lineNo, context, field: field(i) }, `"${clip(t)}" is not a whole number`, `Write ${what}.`);
    return Number(t);
  };
  const time = tokens[0]!.text;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(time);
  const timeUtcMs = m ? utcMs(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])) : null;
  if (timeUtcMs === null) {
    throw new TrackImportError(
      { file, line: lineNo, context, field: field(0) },
      `"${clip(time)}" is not a time YYYYMMDDHH`,
      'Write the time in UTC as YYYYMMDDHH, e.g. 2019080918 for 18:00 UTC on 9 August 2019.',
    );
  }
  const code = int(1, 'the grade code 0–6 or 9');
  const grade = gradeFromCmaCode(code);
  if (grade === null) {
    throw new TrackImportError(
      { file, line: lineNo, context, field: field(1) },
      `${code} is not a CMA grade code`,
      `Use one of ${CMA_GRADE_CODES.join(', ')} (0 weaker than TD or unknown, 1 TD, 2 TS, 3 STS, 4 TY, 5 STY, 6 SuperTY, 9 extratropical).`,
    );
  }
  const lat10 = int(2, 'the latitude in tenths of a degree north, e.g. 283 for 28.3°N');
  if (lat10 < -900 || lat10 > 900) {
    throw new TrackImportError({ file, line: lineNo, context, field: field(2) }, `${lat10} is outside −900…900 (tenths of a degree)`, 'Write the latitude in tenths of a degree north, e.g. 283 for 28.3°N.');
  }
  const lon10 = int(3, 'the longitude in tenths of a degree east, e.g. 1214 for 121.4°E');
  if (lon10 < 0 || lon10 > 3600) {
    throw new TrackImportError({ file, line: lineNo, context, field: field(3) }, `${lon10} is outside 0…3600 (tenths of a degree east)`, 'Write the longitude in tenths of a degree east, e.g. 1214 for 121.4°E.');
  }
  const pressure = int(4, 'the central pressure in hPa');
  // 0 is how the data set marks a missing value.
  if (pressure !== 0 && (pressure < 800 || pressure > 1100)) {
    throw new TrackImportError({ file, line: lineNo, context, field: field(4) }, `${pressure} hPa is outside 800…1100`, 'Write the central pressure in hPa (0 when unknown).');
  }
  const wind = int(5, 'the maximum sustained wind in m/s');
  if (wind < 0 || wind > 120) {
    throw new TrackImportError({ file, line: lineNo, context, field: field(5) }, `${wind} m/s is outside 0…120`, 'Write the 2-minute maximum sustained wind in m/s (0 when unknown).');
  }
  if (tokens.length === 7) int(6, 'the coastal wind in m/s, or leave the column out');
  return {
    timeUtcMs,
    // East longitudes as the file gives them, past 180 for a storm that crosses the date line
    // (1805 = 180.5°E): the track stays continuous, and a map draws it so.
    lon: lon10 / 10,
    lat: lat10 / 10,
    pressureHpa: pressure === 0 ? null : pressure,
    maxWindMs: wind === 0 ? null : wind,
    grade,
    radii: null,
    isForecast: false,
    agency: CMA_AGENCY,
  };
}

/** Epoch ms of a UTC date and hour; null for a date that does not exist (2019-02-30, hour 24). */
function utcMs(year: number, month: number, day: number, hour: number): number | null {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || year < 1900 || year > 2200) return null;
  const ms = Date.UTC(year, month - 1, day, hour);
  return new Date(ms).getUTCDate() === day ? ms : null;
}

function toTracks(storms: PendingStorm[], file: string): StormTrack[] {
  // A storm's season is its number's year; one with no number takes the season of the file's
  // numbered storms (a depression on 31 December belongs to the file it is in).
  const seasonOf = (s: PendingStorm): number | null => {
    if (s.number === null) return null;
    const yy = Number(s.number.slice(0, 2));
    const y0 = new Date(s.points[0]!.timeUtcMs).getUTCFullYear();
    return [y0, y0 + 1, y0 - 1].find((y) => y % 100 === yy) ?? y0;
  };
  const seasons = storms.map(seasonOf).filter((y): y is number => y !== null);
  const fileSeason = mostCommon(seasons);
  const headerOf = new Map<string, number>();
  return storms.map((s) => {
    const year = seasonOf(s) ?? fileSeason ?? new Date(s.points[0]!.timeUtcMs).getUTCFullYear();
    const code = s.number ?? `${year}-${String(s.serial).padStart(4, '0')}`;
    const first = headerOf.get(code);
    if (first !== undefined) {
      throw new TrackImportError(
        { file, line: s.headerLine, context: stormLabel(s), field: s.number === null ? 'serial number' : 'Chinese number' },
        `storm ${code} is already in this file (header line ${first})`,
        'Each storm appears once in a best-track file; remove the repeat or correct its number.',
      );
    }
    headerOf.set(code, s.headerLine);
    const storm: Storm = {
      id: stormId(CMA_AGENCY, code),
      agency: CMA_AGENCY,
      number: s.number,
      intlNumber: s.intlNumber,
      year,
      name: s.name,
      nameZh: null,
      serial: s.serial,
      endNote: s.endNote,
      format: 'cma-bst',
    };
    return { storm, fixes: s.points, bulletins: [], landfalls: [] };
  });
}

function mostCommon(values: number[]): number | null {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)!) best = v;
  return best;
}

function stormLabel(s: PendingStorm): string {
  return `storm ${s.number ?? `#${s.serial}`} ${s.name}, header line ${s.headerLine}`;
}

/** Shows at most 40 characters of a bad value, printable. */
export function clip(text: string): string {
  const printable = text.replace(/\p{Cc}/gu, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}
