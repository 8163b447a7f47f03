/**
 * A household register (一户一档) to households and persons: one row per resident, as street
 * offices keep it in Excel (户号, 姓名, 身份证号, 与户主关系, 联系电话, 地址/楼栋/房号, 特殊人群…).
 * Pure: a table of cells in, people grouped into households and per-row problems out; the CLI
 * places them on the twin's buildings and writes them (electron/cli/importHouseholds.ts).
 *
 * Personal values (names, ID numbers, phones) leave this module only inside the records, for
 * encryption: no problem text ever quotes them, so a report or a log line can be shown to anyone.
 * ID numbers are checked against GB 11643-1999 (18 characters, ISO 7064 MOD 11-2 check digit,
 * a real birth date); the sex and age band come from the ID number when there is no column.
 */
import { z } from 'zod';
import { ageBandOf, CareFlag } from '../model/domain.ts';

export const REGISTER_FIELDS = ['household', 'name', 'idNumber', 'relation', 'sex', 'phone', 'address', 'building', 'room', 'care'] as const;
export type RegisterField = (typeof REGISTER_FIELDS)[number];

const HEADER_NAMES: Record<RegisterField, readonly string[]> = {
  household: ['户号', '户编号', '户籍编号', '家庭编号', 'household', 'household_id'],
  name: ['姓名', '居民姓名', 'name'],
  idNumber: ['公民身份号码', '身份证号码', '身份证号', '证件号码', 'id_number'],
  relation: ['与户主关系', '关系', 'relation'],
  sex: ['性别', 'sex'],
  phone: ['联系电话', '手机号码', '手机号', '电话', 'phone'],
  address: ['现住址', '居住地址', '住址', '地址', 'address'],
  building: ['楼栋编号', '建筑编号', '楼栋代码', 'building_code', 'building'],
  room: ['房号', '门牌号', '室号', '房间号', 'room'],
  care: ['特殊人群', '人员类别', '关爱类型', '标签', 'care'],
};

export const registerMappingSchema = z.strictObject({
  columns: z.partialRecord(z.enum(REGISTER_FIELDS), z.string().max(200)).optional(),
});
export type RegisterMapping = z.infer<typeof registerMappingSchema>;

export const MAX_REGISTER_ROWS = 1_000_000;

const RELATIONS = ['户主', '配偶', '子女', '父母', '孙子女', '兄弟姐妹', '其他'] as const;
export type Relation = (typeof RELATIONS)[number];

export interface RegisterPerson {
  line: number;
  name: string;
  idNumber: string;
  phone: string;
  relation: Relation;
  sex: 'M' | 'F';
  ageBand: number;
  care: number;
}

export interface RegisterHousehold {
  /** The register's household number, or the address and room when it has none. */
  key: string;
  /** First line of the household in the file. */
  line: number;
  address: string | null;
  buildingCode: string | null;
  room: string | null;
  persons: RegisterPerson[];
}

export interface RegisterProblem {
  line: number;
  /** The column the problem is in (never its value). */
  column: string | null;
  reason: string;
}

export interface ParsedRegister {
  columns: Record<RegisterField, string | null>;
  households: RegisterHousehold[];
  problems: RegisterProblem[];
  rows: number;
}

const norm = (s: string): string => s.replace(/^\ufeff/, '').trim().toLowerCase().replace(/[\s_]+/g, ' ');

export function findRegisterColumns(header: readonly string[], mapping?: RegisterMapping): Record<RegisterField, string | null> {
  const byNorm = new Map(header.map((h) => [norm(h), h]));
  const out = {} as Record<RegisterField, string | null>;
  for (const f of REGISTER_FIELDS) {
    const given = mapping?.columns?.[f];
    if (given !== undefined) {
      const h = byNorm.get(norm(given));
      if (!h) throw new Error(`The mapping names column "${given}" for ${f}, but the register has no such column. Its columns: ${header.join(', ')}.`);
      out[f] = h;
      continue;
    }
    out[f] = HEADER_NAMES[f].map((n) => byNorm.get(norm(n))).find((h) => h !== undefined) ?? null;
  }
  return out;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * A resident ID number (GB 11643-1999): why it is not one, or its birth date and sex. The reason
 * never repeats the number.
 */
export function checkIdNumber(raw: string, todayMs: number): { ok: true; birthMs: number; sex: 'M' | 'F' } | { ok: false; reason: string } {
  const id = raw.trim().toUpperCase();
  if (id.length !== 18) return { ok: false, reason: `has ${id.length} characters, not 18` };
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, reason: 'has characters other than 17 digits and a final digit or X' };
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0);
  if (ID_CHECK[sum % 11] !== id[17]) return { ok: false, reason: 'fails the GB 11643 check digit (a digit was mistyped)' };
  const [y, m, d] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))];
  const birthMs = Date.UTC(y, m - 1, d);
  const date = new Date(birthMs);
  if (m < 1 || m > 12 || date.getUTCDate() !== d || y < 1880 || birthMs > todayMs) return { ok: false, reason: 'holds no real birth date' };
  return { ok: true, birthMs, sex: Number(id[16]) % 2 === 1 ? 'M' : 'F' };
}

/** Mainland mobile (1[3-9] + 9 digits) or landline with area code (0xx-xxxxxxx[x]). */
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

const CARE_WORDS: [number, RegExp][] = [
  [CareFlag.ElderlyAlone, /独居|空巢/],
  [CareFlag.Disabled, /残疾|残障/],
  [CareFlag.LowIncome, /低保|特困|困难/],
];

function relationOf(text: string): Relation {
  const t = text.trim();
  if (t === '' || t === '本人') return '户主';
  if (/妻|夫|配偶/.test(t)) return '配偶';
  if (/子|女|儿/.test(t) && !/孙/.test(t)) return '子女';
  if (/父|母/.test(t)) return '父母';
  if (/孙/.test(t)) return '孙子女';
  if (/兄|弟|姐|妹/.test(t)) return '兄弟姐妹';
  return (RELATIONS as readonly string[]).includes(t) ? (t as Relation) : '其他';
}

/**
 * Reads a register's rows (the first is the header). A row is a problem when its name is
 * missing, its ID number is not a valid one, its phone is not a phone number, or it says
 * nothing of where the household lives; the others are grouped into households.
 */
export function parseRegister(rows: readonly (readonly string[])[], opts: { todayMs: number; mapping?: RegisterMapping }): ParsedRegister {
  const header = rows[0];
  if (!header) throw new Error('The register is empty: a header row and one row per resident are expected.');
  if (rows.length - 1 > MAX_REGISTER_ROWS) throw new Error(`The register has ${rows.length - 1} rows; at most ${MAX_REGISTER_ROWS.toLocaleString('en')} per import. Split it by community.`);
  const columns = findRegisterColumns(header, opts.mapping);
  const missing = (['name', 'idNumber'] as const).filter((f) => columns[f] === null);
  if (missing.length > 0) {
    throw new Error(`No column for ${missing.join(' and ')} (looked for ${missing.map((f) => HEADER_NAMES[f].join(' / ')).join('; ')}). Its columns: ${header.join(', ')}. Name them in a mapping file (--mapping).`);
  }
  if (columns.address === null && columns.building === null) {
    throw new Error(`No column says where a household lives (looked for ${[...HEADER_NAMES.address, ...HEADER_NAMES.building].join(' / ')}). Its columns: ${header.join(', ')}. Name one in a mapping file (--mapping).`);
  }
  const at = new Map(header.map((h, i) => [h, i]));
  const cell = (row: readonly string[], f: RegisterField): string => {
    const h = columns[f];
    return h === null ? '' : String(row[at.get(h)!] ?? '').trim();
  };
  const households = new Map<string, RegisterHousehold>();
  const problems: RegisterProblem[] = [];
  const today = new Date(opts.todayMs);
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.every((c) => String(c ?? '').trim() === '')) continue;
    const line = r + 1;
    const bad = (field: RegisterField, reason: string): void => void problems.push({ line, column: columns[field], reason });
    const name = cell(row, 'name');
    if (name === '' || name.length > 50) {
      bad('name', name === '' ? 'no name' : 'the name is longer than 50 characters');
      continue;
    }
    const id = checkIdNumber(cell(row, 'idNumber'), opts.todayMs);
    if (!id.ok) {
      bad('idNumber', `the ID number ${id.reason}`);
      continue;
    }
    const phone = cell(row, 'phone').replace(/[\s()]/g, '');
    if (phone !== '' && !PHONE.test(phone)) {
      bad('phone', 'the phone is not a mainland mobile (11 digits from 13…19) or a landline with its area code');
      continue;
    }
    const address = cell(row, 'address') || null;
    const buildingCode = cell(row, 'building') || null;
    const room = cell(row, 'room') || null;
    if (address === null && buildingCode === null) {
      bad('address', 'no address and no building code: the household cannot be placed');
      continue;
    }
    const birth = new Date(id.birthMs);
    let age = today.getUTCFullYear() - birth.getUTCFullYear();
    if (today.getUTCMonth() < birth.getUTCMonth() || (today.getUTCMonth() === birth.getUTCMonth() && today.getUTCDate() < birth.getUTCDate())) age--;
    const careText = cell(row, 'care');
    let care = CARE_WORDS.reduce((bits, [flag, re]) => (re.test(careText) ? bits | flag : bits), 0);
    if (age < 18) care |= CareFlag.Minor;
    if (age >= 60) care |= CareFlag.Elderly;
    const sexText = cell(row, 'sex');
    const sex: 'M' | 'F' = /^(男|m|male)$/i.test(sexText) ? 'M' : /^(女|f|female)$/i.test(sexText) ? 'F' : id.sex;
    const key = cell(row, 'household') || `${buildingCode ?? address}|${room ?? ''}`;
    let h = households.get(key);
    if (!h) households.set(key, (h = { key, line, address, buildingCode, room, persons: [] }));
    h.persons.push({ line, name, idNumber: id.ok ? cell(row, 'idNumber').toUpperCase() : '', phone, relation: relationOf(cell(row, 'relation')), sex, ageBand: ageBandOf(age), care });
  }
  return { columns, households: [...households.values()], problems, rows: rows.length - 1 };
}

/** The floor a room number names: 301 → 3, 1502 → 15, 3-301 → 3; 1 when it names none. */
export function floorOfRoom(room: string | null): number {
  const digits = /(\d{3,4})\D*$/.exec(room ?? '')?.[1];
  if (!digits) return 1;
  return Math.max(1, Math.floor(Number(digits) / 100));
}
