/**
 * Household registers (一户一档, issue 14): a register with good, malformed and unplaceable rows
 * puts the good households on their buildings (by address or building code) with their personal
 * fields encrypted, reports every other row by line and column, and no personal value appears
 * in any report, message or log line; strict mode writes nothing; an .xlsx reads like the CSV.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import writeXlsxFile from 'write-excel-file/universal';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkIdNumber, floorOfRoom } from '../../data/import/households.ts';
import { importHouseholds } from '../../electron/cli/importHouseholds.ts';
import { importIntoTwin } from '../../electron/cli/twinFiles.ts';
import { buildProgram } from '../../electron/cli/main.ts';
import { openTwin } from '../../data/store/openTwin.ts';
import { fieldAad } from '../../data/store/crypto.ts';
import { CareFlag } from '../../data/model/domain.ts';

const TODAY = Date.UTC(2026, 11, 2);
const quiet = (): void => undefined;

/** A valid resident ID number: region, birth date, sequence, and its GB 11643 check digit. */
function idNumber(region: string, birth: string, seq: string): string {
  const body = `${region}${birth}${seq}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = w.reduce((s, k, i) => s + k * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
}
const mistype = (id: string): string => id.slice(0, 10) + String((Number(id[10]) + 1) % 10) + id.slice(11);

const PEOPLE = {
  head: { name: '王建国', id: idNumber('330102', '19700315', '123'), phone: '13812345678' },
  spouse: { name: '李秀英', id: idNumber('330102', '19720808', '244'), phone: '13987654321' },
  alone: { name: '赵桂兰', id: idNumber('330104', '19480102', '362'), phone: '057187654321' },
  badId: { name: '钱多多', id: mistype(idNumber('330102', '19850101', '111')), phone: '13711112222' },
  badPhone: { name: '孙小明', id: idNumber('330102', '19900505', '135'), phone: '12345' },
  nowhere: { name: '周大海', id: idNumber('330102', '19600606', '157'), phone: '13622223333' },
};
const PERSONAL = Object.values(PEOPLE).flatMap((p) => [p.name, p.id, p.phone]);

const HEADER = ['户号', '姓名', '公民身份号码', '与户主关系', '联系电话', '现住址', '楼栋编号', '房号', '特殊人群'];
const ROWS = [
  ['H1', PEOPLE.head.name, PEOPLE.head.id, '户主', PEOPLE.head.phone, '江滨街道华庭新村2幢1单元', '', '301', ''],
  ['H1', PEOPLE.spouse.name, PEOPLE.spouse.id, '妻', PEOPLE.spouse.phone, '江滨街道华庭新村2幢1单元', '', '301', ''],
  ['H2', PEOPLE.alone.name, PEOPLE.alone.id, '本人', PEOPLE.alone.phone, '', 'b3', '502', '低保'],
  ['H3', PEOPLE.badId.name, PEOPLE.badId.id, '户主', PEOPLE.badId.phone, '江滨街道华庭新村2幢', '', '101', ''],
  ['H4', PEOPLE.badPhone.name, PEOPLE.badPhone.id, '户主', PEOPLE.badPhone.phone, '江滨街道华庭新村2幢', '', '102', ''],
  ['H5', PEOPLE.nowhere.name, PEOPLE.nowhere.id, '户主', PEOPLE.nowhere.phone, '某某花园9幢', '', '201', ''],
  ['H6', '', idNumber('330102', '19990909', '179'), '户主', '', '江滨街道华庭新村2幢', '', '103', ''],
];
const csv = (rows: string[][]): string => rows.map((r) => r.join(',')).join('\n');

async function twin(dir: string): Promise<string> {
  const b = (id: string, name: string, lon: number) => ({
    type: 'Feature',
    properties: { id, name, height: 24, 'building:levels': 8, building: 'apartments' },
    geometry: { type: 'Polygon', coordinates: [[[lon, 30.5], [lon + 0.0004, 30.5], [lon + 0.0004, 30.5003], [lon, 30.5003], [lon, 30.5]]] },
  });
  const file = join(dir, 'buildings.geojson');
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [b('b1', '华庭新村', 114.39), b('b2', '华庭新村2幢', 114.391), b('b3', '锦绣苑5幢', 114.392)] }));
  const db = join(dir, 'twin.duckdb');
  await importIntoTwin(db, [file], undefined, quiet);
  return db;
}

describe('register fields', () => {
  it('checks ID numbers by GB 11643 without repeating them', () => {
    const good = checkIdNumber(PEOPLE.head.id, TODAY);
    expect(good).toEqual({ ok: true, birthMs: Date.UTC(1970, 2, 15), sex: 'M' });
    const bad = checkIdNumber(PEOPLE.badId.id, TODAY);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/check digit/);
    expect(JSON.stringify(bad)).not.toContain(PEOPLE.badId.id);
    expect(checkIdNumber('33010219700231123X', TODAY).ok).toBe(false); // 31 February, even with a right check digit it is refused
    expect(checkIdNumber('1234', TODAY)).toEqual({ ok: false, reason: 'has 4 characters, not 18' });
  });

  it('reads the floor from a room number', () => {
    expect(floorOfRoom('301')).toBe(3);
    expect(floorOfRoom('1502')).toBe(15);
    expect(floorOfRoom('2-1-602')).toBe(6);
    expect(floorOfRoom(null)).toBe(1);
  });
});

describe('import households', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'civictwin-register-'));
    db = await twin(dir);
    writeFileSync(join(dir, 'register.csv'), csv([HEADER, ...ROWS]));
  }, 60_000);

  it('strict: one bad row and nothing is written; the message names lines and columns, never values', async () => {
    const err = await importHouseholds(db, join(dir, 'register.csv'), { todayMs: TODAY }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/4 of 7 rows cannot be imported, so nothing was/);
    expect(err?.message).toMatch(/line 5 \(公民身份号码\): the ID number fails the GB 11643 check digit/);
    for (const v of PERSONAL) expect(err!.message).not.toContain(v);
    const store = await openTwin(db, { readOnly: true });
    try {
      expect(Number((await store.one<{ n: bigint }>('SELECT count(*) AS n FROM households'))!.n)).toBe(0);
    } finally {
      store.close();
    }
  });

  it('--skip-invalid: the good households are placed and encrypted, the rest reported without a personal value', async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    try {
      await buildProgram().parseAsync(['node', 'civictwin', 'import', 'households', '--db', db, '--skip-invalid', join(dir, 'register.csv')]);
    } finally {
      console.log = log;
    }
    const out = lines.join('\n');
    expect(out).toMatch(/公民身份号码 +→ idNumber/);
    expect(out).toMatch(/Imported 2 households with 3 residents \(1 placed by building code, 1 by address\)/);
    const reportFile = /in (\S+\.skipped\.csv)/.exec(out)![1]!;
    const report = readFileSync(reportFile, 'utf8');
    expect(report.trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]))).toEqual([5, 6, 7, 8]);
    expect(report).toMatch(/6,"联系电话","the phone is not/);
    expect(report).toMatch(/7,"现住址","its address names no building/);
    expect(report).toMatch(/8,"姓名","no name"/);
    for (const v of PERSONAL) {
      expect(out).not.toContain(v);
      expect(report).not.toContain(v);
    }
    const store = await openTwin(db, { readOnly: true });
    try {
      const hh = await store.all<{ id: number; building: string; floor: number; unit: string; size: number; care: number; contact: Uint8Array }>(
        `SELECT h.id, b.ext_id AS building, h.floor, h.unit, h.size, h.care_flags AS care, h.contact_enc AS contact
           FROM households h JOIN buildings b ON b.id = h.building_id ORDER BY h.id`,
      );
      // "华庭新村2幢1单元" is the 2幢 building, not the estate's first building named 华庭新村.
      expect(hh.map((h) => [h.building, h.floor, h.unit, h.size])).toEqual([
        ['b2', 3, '301', 2],
        ['b3', 5, '502', 1],
      ]);
      expect(hh[1]!.care & CareFlag.ElderlyAlone).toBeTruthy(); // 78 and alone
      expect(hh[1]!.care & CareFlag.LowIncome).toBeTruthy();
      const contact = JSON.parse(store.cipher.decrypt(hh[0]!.contact, fieldAad('households', 'contact_enc', hh[0]!.id))) as { name: string };
      expect(contact.name).toBe(PEOPLE.head.name);
      const raw = await store.all<{ blob: Uint8Array }>('SELECT pii_enc AS blob FROM persons');
      for (const r of raw) expect(Buffer.from(r.blob).toString('utf8')).not.toContain(PEOPLE.head.id.slice(0, 10));
      const stats = await store.one<{ h: number }>("SELECT sum(households)::INTEGER AS h FROM building_stats");
      expect(stats!.h).toBe(2);
    } finally {
      store.close();
    }
    // The same register again adds nothing.
    const again = await importHouseholds(db, join(dir, 'register.csv'), { todayMs: TODAY, skipInvalid: true });
    expect(again.households).toBe(0);
    expect(again.alreadyIn).toBe(2);
  }, 60_000);

  it('an .xlsx register reads like the CSV (dry run)', async () => {
    const file = join(dir, 'register.xlsx');
    const blob = await writeXlsxFile([HEADER, ...ROWS].map((r) => r.map((value) => ({ value, type: String })))).toBlob();
    writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
    const r = await importHouseholds(db, file, { todayMs: TODAY, skipInvalid: true, dryRun: true });
    expect(r.rows).toBe(7);
    expect(r.skipped.map((p) => p.line)).toEqual([5, 6, 7, 8]);
    expect(r.alreadyIn).toBe(2);
    expect(r.reportPath).toBeNull();
  }, 60_000);
});
