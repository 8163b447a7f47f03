/**
 * Hotline tickets (12345-style exports, and the 311 exports of other cities that have the same
 * shape) to incident history: one CSV row is one resident's request with its category, when it
 * came in and was closed, where, its status and the resident's rating. Pure: text in, records and
 * per-row problems out; the CLI writes them into the twin (electron/cli/importTickets.ts).
 *
 * Columns are found by their usual names in Chinese and English exports (the CLI prints what it
 * found); a mapping file can name them and map the source's categories to the twin's. Each row's
 * own category is kept as it was (`sourceCategory`), so counts per category and month match the
 * export, and mapped to one of the twin's categories for the map, the SLA and the KPI views.
 */
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { INCIDENT_CATEGORIES, type IncidentCategory } from '../model/incidents.ts';

export const TICKET_FIELDS = ['id', 'created', 'closed', 'category', 'detail', 'status', 'lat', 'lon', 'address', 'rating'] as const;
export type TicketField = (typeof TICKET_FIELDS)[number];

/** Usual header names per field (compared case- and space-insensitively), most specific first. */
const HEADER_NAMES: Record<TicketField, readonly string[]> = {
  id: ['工单编号', '工单号', '受理编号', 'Unique Key', 'CASE_ENQUIRY_ID', 'ticket_id', 'id'],
  created: ['受理时间', '来电时间', '创建时间', '登记时间', 'Created Date', 'OPEN_DT', 'created_at', 'created'],
  closed: ['办结时间', '结案时间', '完成时间', 'Closed Date', 'CLOSED_DT', 'closed_at', 'closed'],
  category: ['诉求类别', '问题分类', '事项类别', '工单类别', 'Complaint Type', 'TYPE', 'category'],
  detail: ['诉求内容', '问题描述', '诉求摘要', 'Descriptor', 'CASE_TITLE', 'description'],
  status: ['办理状态', '工单状态', '状态', 'Status', 'CASE_STATUS', 'status'],
  lat: ['纬度', 'Latitude', 'LATITUDE', 'lat'],
  lon: ['经度', 'Longitude', 'LONGITUDE', 'lon', 'lng'],
  address: ['事发地址', '地址', '诉求地址', 'Incident Address', 'Location', 'address'],
  rating: ['满意度', '评价结果', '评价', 'Satisfaction', 'rating'],
};

/** The twin's category for a source category, by keywords (the mapping file's entries win). */
const CATEGORY_RULES: readonly [IncidentCategory, RegExp][] = [
  ['fire', /火|fire|smoke/i],
  ['medical', /急救|医疗|medical|ambulance/i],
  ['waterlogging', /积水|内涝|排水|下水|sewer|flood|catch basin/i],
  ['streetlight', /路灯|street ?light/i],
  ['noise', /噪音|噪声|扰民|noise/i],
  ['street_vending', /占道|摊贩|vend/i],
  ['garbage', /垃圾|环境卫生|清运|rodent|trash|garbage|sanitation|litter|dirty|bulk item|recycl|dead animal|卫生/i],
  ['elderly_care', /老人|elder|senior/i],
  ['facility_damage', /损坏|破损|维修|井盖|电梯|设施|heat\/hot water|plumbing|street condition|pothole|sidewalk|damaged|broken|sign|signal|paint|water system|elevator|maintenance/i],
];

export function categoryFor(source: string, overrides: Readonly<Record<string, string>> = {}): IncidentCategory {
  const own = overrides[source];
  if (own && (INCIDENT_CATEGORIES as readonly string[]).includes(own)) return own as IncidentCategory;
  return CATEGORY_RULES.find(([, re]) => re.test(source))?.[0] ?? 'other';
}

/** A mapping file (`--mapping`): header names per field, and source category → twin category. */
export const ticketMappingSchema = z.strictObject({
  columns: z.partialRecord(z.enum(TICKET_FIELDS), z.string().max(200)).optional(),
  categories: z.record(z.string().max(200), z.enum(INCIDENT_CATEGORIES)).optional(),
});
export type TicketMapping = z.infer<typeof ticketMappingSchema>;

export interface TicketRecord {
  /** 1-based line of the row in the file (the header is line 1). */
  line: number;
  sourceId: string;
  createdMs: number;
  closedMs: number | null;
  sourceCategory: string;
  category: IncidentCategory;
  detail: string | null;
  lon: number | null;
  lat: number | null;
  address: string | null;
  rating: 1 | 2 | 3 | 4 | 5 | null;
  cancelled: boolean;
}

export interface TicketProblem {
  line: number;
  id: string | null;
  reason: string;
}

export interface ParsedTickets {
  /** Field → the header it was read from (null when the file has none). */
  columns: Record<TicketField, string | null>;
  records: TicketRecord[];
  problems: TicketProblem[];
  rows: number;
}

/** At most this many rows per file: a year of a large city's hotline is a few hundred thousand. */
export const MAX_TICKET_ROWS = 2_000_000;

const norm = (s: string): string => s.replace(/^\ufeff/, '').trim().toLowerCase().replace(/[\s_]+/g, ' ');

/** Finds each field's column; the mapping file's names are required to exist. */
export function findColumns(header: readonly string[], mapping?: TicketMapping): Record<TicketField, string | null> {
  const byNorm = new Map(header.map((h) => [norm(h), h]));
  const out = {} as Record<TicketField, string | null>;
  for (const f of TICKET_FIELDS) {
    const given = mapping?.columns?.[f];
    if (given !== undefined) {
      const h = byNorm.get(norm(given));
      if (!h) throw new Error(`The mapping names column "${given}" for ${f}, but the file has no such column. Its columns: ${header.join(', ')}.`);
      out[f] = h;
      continue;
    }
    out[f] = HEADER_NAMES[f].map((n) => byNorm.get(norm(n))).find((h) => h !== undefined) ?? null;
  }
  return out;
}

/**
 * A local date-time as written by the export, read in the source's UTC offset (minutes east):
 * `2026-03-01 08:05:00`, `2026/3/1 8:05`, `2026年3月1日 08:05`, `01/02/2015 11:15:21 AM` (US
 * month first), or ISO 8601 with its own zone. Null when it is none of these.
 */
export function parseLocalTime(text: string, offsetMin: number): number | null {
  const s = text.trim();
  if (s === '') return null;
  if (/\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const ms = Date.parse(s);
    return Number.isFinite(ms) ? ms : null;
  }
  let y: number, mo: number, d: number, h = 0, mi = 0, se = 0;
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    [h, mi, se] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  } else {
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: +(\d{1,2}):(\d{2})(?::(\d{2}))?(?: *([AaPp][Mm]))?)?$/.exec(s);
    if (!m) return null;
    [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    [h, mi, se] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    const ampm = m[7]?.toUpperCase();
    if (ampm) {
      if (h < 1 || h > 12) return null;
      h = (h % 12) + (ampm === 'PM' ? 12 : 0);
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  if (new Date(ms).getUTCDate() !== d) return null; // 31 April and the like
  return ms - offsetMin * 60_000;
}

/** `+08:00` / `-05:00` / `UTC+8` → minutes east of UTC. */
export function parseUtcOffset(text: string): number {
  const m = /^(?:UTC)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a UTC offset: write it like +08:00 (China) or -05:00.`);
  const min = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (min > 14 * 60) throw new Error(`"${text}" is not a UTC offset: offsets run from -12:00 to +14:00.`);
  return m[1] === '-' ? -min : min;
}

const RATING_WORDS: Record<string, 1 | 2 | 3 | 4 | 5> = {
  非常满意: 5,
  满意: 5,
  比较满意: 4,
  基本满意: 3,
  一般: 3,
  不满意: 1,
  非常不满意: 1,
};

function ratingOf(text: string): TicketRecord['rating'] | 'bad' {
  const s = text.trim();
  if (s === '') return null;
  if (RATING_WORDS[s]) return RATING_WORDS[s];
  const n = Number(s);
  if (Number.isInteger(n) && n >= 1 && n <= 5) return n as 1 | 2 | 3 | 4 | 5;
  return 'bad';
}

const CLOSED_WORDS = /^(closed|已办结|办结|已完成|完成|已结案|结案|resolved)$/i;
const CANCELLED_WORDS = /^(cancelled|canceled|已撤销|撤销|作废|无效|duplicate)$/i;

/**
 * Reads a ticket export. A row whose creation time cannot be read, whose closing comes before its
 * creation, whose coordinates are out of range, or that has neither coordinates nor an address is
 * a problem, reported by line and id; the others are records.
 */
export function parseTickets(text: string, opts: { offsetMin: number; mapping?: TicketMapping }): ParsedTickets {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (err) {
    throw new Error(`The file is not readable as CSV: ${(err as Error).message}. Export it as CSV (UTF-8) with a header row.`);
  }
  const header = rows[0];
  if (!header) throw new Error('The file is empty: a header row and one row per ticket are expected.');
  if (rows.length - 1 > MAX_TICKET_ROWS) throw new Error(`The file has ${rows.length - 1} rows; at most ${MAX_TICKET_ROWS.toLocaleString('en')} per import. Split it by month.`);
  const columns = findColumns(header, opts.mapping);
  const missing = (['created', 'category'] as const).filter((f) => columns[f] === null);
  if (missing.length > 0) {
    throw new Error(`No column for ${missing.join(' and ')} (looked for ${missing.map((f) => HEADER_NAMES[f].join(' / ')).join('; ')}). Its columns: ${header.join(', ')}. Name them in a mapping file (--mapping).`);
  }
  const at = new Map(header.map((h, i) => [h, i]));
  const cell = (row: string[], f: TicketField): string => {
    const h = columns[f];
    return h === null ? '' : (row[at.get(h)!] ?? '').trim();
  };
  const records: TicketRecord[] = [];
  const problems: TicketProblem[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const line = r + 1;
    const sourceId = cell(row, 'id') || `line-${line}`;
    const bad = (reason: string): void => void problems.push({ line, id: columns.id ? sourceId : null, reason });
    const createdText = cell(row, 'created');
    const createdMs = parseLocalTime(createdText, opts.offsetMin);
    if (createdMs === null) {
      bad(createdText === '' ? `no ${columns.created} (when the ticket came in)` : `${columns.created} "${createdText.slice(0, 40)}" is not a date and time`);
      continue;
    }
    const closedText = cell(row, 'closed');
    const closedMs = closedText === '' ? null : parseLocalTime(closedText, opts.offsetMin);
    if (closedText !== '' && closedMs === null) {
      bad(`${columns.closed} "${closedText.slice(0, 40)}" is not a date and time`);
      continue;
    }
    if (closedMs !== null && closedMs < createdMs) {
      bad(`${columns.closed} ${closedText} is before ${columns.created} ${createdText}`);
      continue;
    }
    const sourceCategory = cell(row, 'category').slice(0, 120);
    if (sourceCategory === '') {
      bad(`no ${columns.category}`);
      continue;
    }
    const latText = cell(row, 'lat');
    const lonText = cell(row, 'lon');
    let lat: number | null = null;
    let lon: number | null = null;
    if (latText !== '' || lonText !== '') {
      lat = Number(latText);
      lon = Number(lonText);
      if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) {
        bad(`coordinates "${latText}", "${lonText}" are not a latitude and longitude`);
        continue;
      }
    }
    const address = cell(row, 'address').slice(0, 200) || null;
    if (lat === null && address === null) {
      bad('neither coordinates nor an address: the ticket cannot be placed');
      continue;
    }
    const rating = ratingOf(cell(row, 'rating'));
    if (rating === 'bad') {
      bad(`${columns.rating} "${cell(row, 'rating').slice(0, 20)}" is not a rating (1–5 or 满意/基本满意/不满意)`);
      continue;
    }
    const status = cell(row, 'status');
    const cancelled = CANCELLED_WORDS.test(status);
    const closedByStatus = CLOSED_WORDS.test(status);
    records.push({
      line,
      sourceId,
      createdMs,
      // A closed status without a closing time is closed, but with no handling time to count.
      closedMs: cancelled ? null : closedMs,
      sourceCategory,
      category: categoryFor(sourceCategory, opts.mapping?.categories),
      detail: cell(row, 'detail').slice(0, 300) || null,
      lon,
      lat,
      address,
      rating,
      cancelled: cancelled || (!closedByStatus && closedMs === null && /cancel|撤销/i.test(status)),
    });
  }
  return { columns, records, problems, rows: rows.length - 1 };
}
