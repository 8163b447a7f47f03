/**
 * `civictwin import households`: a household register (一户一档, Excel or CSV) into a twin. The
 * CLI prints the columns it found and the mapping it uses before anything is written; each
 * household is matched to a building by its building code (the imported feature's id or the
 * twin's building id) or by its address (the longest building name or address the register's
 * address contains); names, ID numbers and phones are encrypted with the twin's key on the way in.
 *
 * One import policy (issue 14): strict by default (any row that cannot be read or placed stops the
 * import, nothing is written), `--skip-invalid` imports the rest and writes a report of the others
 * by line, column and reason, `--dry-run` writes nothing. No report, message or log line holds a
 * personal value: problems name the row and the column, never what is in it.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';
import { openTwin } from '../../data/store/openTwin.ts';
import { fieldAad } from '../../data/store/crypto.ts';
import { refreshBuildingStats } from '../../data/store/buildingStats.ts';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import type { ContactPii, PersonPii } from '../../data/model/masking.ts';
import { CareFlag } from '../../data/model/domain.ts';
import { floorOfRoom, parseRegister, registerMappingSchema, type ParsedRegister, type RegisterMapping, type RegisterProblem } from '../../data/import/households.ts';
import type { ProgressFn } from './progress.ts';
import { addressKey } from '../../data/import/address.ts';

const MAX_FILE_BYTES = 512 * 1024 * 1024;

export interface HouseholdImportOptions {
  mappingFile?: string;
  skipInvalid?: boolean;
  dryRun?: boolean;
  todayMs?: number;
  onProgress?: ProgressFn;
}

export interface HouseholdImportReport {
  file: string;
  rows: number;
  columns: ParsedRegister['columns'];
  households: number;
  persons: number;
  /** Households already in the twin at the same building and room (left as they were). */
  alreadyIn: number;
  placedByCode: number;
  placedByAddress: number;
  skipped: RegisterProblem[];
  reportPath: string | null;
  dryRun: boolean;
}

/** Reads a register's cells as text rows: .xlsx (first sheet) or .csv (UTF-8, with or without BOM). */
export async function readRegisterRows(file: string): Promise<string[][]> {
  const size = statSync(file).size;
  if (size > MAX_FILE_BYTES) throw new Error(`${basename(file)} is ${(size / 2 ** 20).toFixed(0)} MB; at most 512 MB per import. Split it by community.`);
  const ext = extname(file).toLowerCase();
  if (ext === '.xlsx') {
    let sheet: unknown[][];
    try {
      sheet = (await readSheet(file)) as unknown[][];
    } catch (err) {
      throw new Error(`${basename(file)} is not a readable .xlsx workbook (${(err as Error).message}). Save it again from Excel or WPS as .xlsx, or export it as CSV (UTF-8).`);
    }
    // Cells come typed: an ID number typed as a number loses nothing below 2^53 only if it has
    // no X; Excel users store them as text, which is what the check then sees.
    return sheet.map((row) => row.map((c) => (c === null || c === undefined ? '' : c instanceof Date ? c.toISOString().slice(0, 10) : String(c))));
  }
  if (ext === '.csv' || ext === '.txt') {
    try {
      return parse(readFileSync(file, 'utf8'), { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
    } catch (err) {
      throw new Error(`${basename(file)} is not readable as CSV (${(err as Error).message}). Export it as CSV (UTF-8) with a header row.`);
    }
  }
  throw new Error(`${basename(file)}: a register is read from .xlsx or .csv (this is "${ext || 'no extension'}"). In Excel or WPS: Save As → Excel Workbook (.xlsx) or CSV UTF-8.`);
}

function readMapping(file: string | undefined): RegisterMapping | undefined {
  if (!file) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not a JSON mapping file (${(err as Error).message}). Example: {"columns": {"idNumber": "证件号", "room": "房间"}}.`);
  }
  const parsed = registerMappingSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}.`);
  return parsed.data;
}

interface BuildingRef {
  id: number;
  floors: number;
}

async function buildingFinder(store: DuckDbStore): Promise<{ byCode(code: string): BuildingRef | undefined; byAddress(address: string): BuildingRef | undefined }> {
  const rows = await store.all<{ id: number; ext_id: string | null; name: string | null; address: string; floors: number }>('SELECT id, ext_id, name, address, floors FROM buildings');
  const codes = new Map<string, BuildingRef>();
  for (const r of rows) {
    codes.set(String(r.id), r);
    if (r.ext_id) codes.set(addressKey(r.ext_id), r);
  }
  // Names and addresses by length, longest first: "华庭新村2幢" must win over "华庭新村".
  const names = rows
    .flatMap((r) => [r.name, r.address].filter((n): n is string => Boolean(n)).map((n) => ({ key: addressKey(n), ref: r })))
    .filter((n) => n.key.length >= 2)
    .sort((a, b) => b.key.length - a.key.length);
  return {
    byCode: (code) => codes.get(addressKey(code)) ?? codes.get(code.trim()),
    byAddress: (address) => {
      const a = addressKey(address);
      return names.find((n) => a.includes(n.key))?.ref;
    },
  };
}

export async function importHouseholds(db: string, file: string, opts: HouseholdImportOptions = {}): Promise<HouseholdImportReport> {
  const mapping = readMapping(opts.mappingFile);
  opts.onProgress?.('read', 0, 1);
  const rows = await readRegisterRows(file);
  const parsed = parseRegister(rows, { todayMs: opts.todayMs ?? Date.now(), mapping });
  opts.onProgress?.('read', 1, 1);
  const store = await openTwin(db, { busyAdvice: 'stop that host first, then import again' });
  try {
    const find = await buildingFinder(store);
    const problems = [...parsed.problems];
    const placed: { h: ParsedRegister['households'][number]; building: BuildingRef }[] = [];
    let placedByCode = 0;
    let placedByAddress = 0;
    for (const h of parsed.households) {
      let building = h.buildingCode ? find.byCode(h.buildingCode) : undefined;
      if (building) placedByCode++;
      else if (h.address) {
        building = find.byAddress(h.address);
        if (building) placedByAddress++;
      }
      if (!building) {
        // Every row of the household is reported, so the report accounts for each line of the file.
        for (const p of h.persons) {
          problems.push({
            line: p.line,
            column: h.buildingCode ? parsed.columns.building : parsed.columns.address,
            reason: h.buildingCode ? 'its building code is no building of the twin' : 'its address names no building of the twin (by name or address)',
          });
        }
        continue;
      }
      placed.push({ h, building });
    }
    problems.sort((a, b) => a.line - b.line);
    if (problems.length > 0 && !opts.skipInvalid) {
      const shown = problems.slice(0, 10).map((p) => `  line ${p.line}${p.column ? ` (${p.column})` : ''}: ${p.reason}`);
      throw new Error(
        `${basename(file)}: ${problems.length} of ${parsed.rows} rows cannot be imported, so nothing was:\n${shown.join('\n')}${problems.length > 10 ? `\n  … and ${problems.length - 10} more` : ''}\n` +
          'Fix those rows, or import the others with --skip-invalid (a report lists every skipped row by line and column, without its values).',
      );
    }
    // A household already at the same building and room is left as it is (a register imported twice).
    const existing = new Set((await store.all<{ k: string }>("SELECT building_id || '|' || unit AS k FROM households")).map((r) => r.k));
    const unitOf = (h: ParsedRegister['households'][number]): string => (h.room ?? `户${h.key}`).slice(0, 40);
    const fresh = placed.filter(({ h, building }) => !existing.has(`${building.id}|${unitOf(h)}`));
    const alreadyIn = placed.length - fresh.length;
    let reportPath: string | null = null;
    if (!opts.dryRun) {
      if (problems.length > 0) {
        reportPath = join(dirname(db), `${basename(db, extname(db))}.households-${basename(file, extname(file)).replace(/[^\w.-]+/g, '_').slice(0, 30) || 'register'}.skipped.csv`);
        const csv = ['line,column,reason', ...problems.map((p) => `${p.line},${JSON.stringify(p.column ?? '')},${JSON.stringify(p.reason)}`)];
        writeFileSync(reportPath, `${csv.join('\n')}\n`);
      }
      await writeHouseholds(store, fresh.map(({ h, building }) => ({ h, building, unit: unitOf(h) })), opts.onProgress);
      await store.checkpoint();
    }
    return {
      file,
      rows: parsed.rows,
      columns: parsed.columns,
      households: fresh.length,
      persons: fresh.reduce((s, f) => s + f.h.persons.length, 0),
      alreadyIn,
      placedByCode,
      placedByAddress,
      skipped: problems,
      reportPath,
      dryRun: opts.dryRun ?? false,
    };
  } finally {
    store.close();
  }
}

async function writeHouseholds(store: DuckDbStore, list: { h: ParsedRegister['households'][number]; building: BuildingRef; unit: string }[], onProgress?: ProgressFn): Promise<void> {
  if (list.length === 0) return;
  const ids = await store.one<{ h: number | null; p: number | null }>('SELECT (SELECT max(id) FROM households) AS h, (SELECT max(id) FROM persons) AS p');
  let householdId = Number(ids?.h ?? 0);
  let personId = Number(ids?.p ?? 0);
  onProgress?.('households', 0, list.length);
  // Appenders, as the demo generator writes its households: every row was checked and placed
  // before the first is written, so nothing here can refuse one half-way.
  const households = await store.appender('households');
  const persons = await store.appender('persons');
  for (const [i, { h, building, unit }] of list.entries()) {
    householdId++;
    const head = h.persons.find((p) => p.relation === '户主') ?? h.persons[0]!;
    const contact: ContactPii = { name: head.name, phone: head.phone || (h.persons.find((p) => p.phone)?.phone ?? '') };
    // One person of 60 or more living alone is 独居老人 whether or not the register says so.
    const alone = h.persons.length === 1 && (head.care & CareFlag.Elderly) !== 0 ? CareFlag.ElderlyAlone : 0;
    const care = h.persons.reduce((bits, p) => bits | p.care, 0) | alone;
    households.appendInteger(householdId);
    households.appendInteger(building.id);
    households.appendUSmallInt(Math.min(floorOfRoom(h.room), Math.max(1, building.floors)));
    households.appendUTinyInt(0);
    households.appendVarchar(unit);
    households.appendUTinyInt(Math.min(255, h.persons.length));
    households.appendUTinyInt(care);
    households.appendBoolean(false);
    households.appendBlob(store.cipher.encrypt(JSON.stringify(contact), fieldAad('households', 'contact_enc', householdId)));
    households.endRow();
    for (const p of h.persons) {
      personId++;
      const pii: PersonPii = { name: p.name, idNumber: p.idNumber, phone: p.phone || contact.phone };
      persons.appendInteger(personId);
      persons.appendInteger(householdId);
      persons.appendVarchar(p.relation);
      persons.appendVarchar(p.sex);
      persons.appendUTinyInt(p.ageBand);
      persons.appendUTinyInt(p.care | (p.relation === head.relation ? alone : 0));
      persons.appendBlob(store.cipher.encrypt(JSON.stringify(pii), fieldAad('persons', 'pii_enc', personId)));
      persons.endRow();
    }
    if (i % 500 === 0) onProgress?.('households', i, list.length);
  }
  households.closeSync();
  persons.closeSync();
  onProgress?.('households', list.length, list.length);
  await refreshBuildingStats(store);
}
