/**
 * What must never reach a wall (issue 10, "the wall shows no one"), and the search for it in
 * what a wall received: shared by the HTTP-level test (tests/unit/wallView.test.ts) and the
 * browser test (tests/e2e/wall.test.ts).
 */
import { expect } from 'vitest';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { fieldAad } from '../../data/store/crypto.ts';
import { maskIdNumber, maskPhone, type ContactPii, type PersonPii } from '../../data/model/masking.ts';

/** Personal data of the seeded twin, read as the host reads it (decrypted with the twin's key). */
export interface Secrets {
  /** Full names of residents, household contacts and grid workers. */
  names: Set<string>;
  /** ID numbers and phone numbers, in full. */
  numbers: Set<string>;
  /** The same, masked as a console shows them (a wall gets not even these). */
  masked: Set<string>;
  /** One resident, for the incident whose description names them. */
  resident: PersonPii & { buildingId: number; address: string };
}

export async function readSecrets(store: DuckDbStore): Promise<Secrets> {
  const names = new Set<string>();
  const numbers = new Set<string>();
  const masked = new Set<string>();
  const open = <T>(blob: Uint8Array, table: string, column: string, id: number): T => JSON.parse(store.cipher.decrypt(blob, fieldAad(table, column, id))) as T;
  const persons = await store.all<{ id: number; pii_enc: Uint8Array; building_id: number; address: string; age_band: number }>(
    `SELECT p.id, p.pii_enc, h.building_id, b.address, p.age_band FROM persons p JOIN households h ON h.id = p.household_id
     JOIN buildings b ON b.id = h.building_id WHERE p.pii_enc IS NOT NULL ORDER BY p.id`,
  );
  let resident: Secrets['resident'] | null = null;
  for (const p of persons) {
    const pii = open<PersonPii>(p.pii_enc, 'persons', 'pii_enc', p.id);
    names.add(pii.name);
    numbers.add(pii.idNumber).add(pii.phone);
    masked.add(maskIdNumber(pii.idNumber)).add(maskPhone(pii.phone));
    if (!resident && p.age_band === 4 && Array.from(pii.name).length === 3 && !/^(?:欧阳|司马|诸葛)/.test(pii.name)) resident = { ...pii, buildingId: p.building_id, address: p.address };
  }
  for (const table of ['households', 'grid_workers']) {
    const column = table === 'households' ? 'contact_enc' : 'pii_enc';
    for (const r of await store.all<{ id: number; blob: Uint8Array }>(`SELECT id, ${column} AS blob FROM ${table} WHERE ${column} IS NOT NULL`)) {
      const pii = open<ContactPii>(r.blob, table, column, r.id);
      names.add(pii.name);
      numbers.add(pii.phone);
      masked.add(maskPhone(pii.phone));
    }
  }
  expect(names.size).toBeGreaterThan(1000);
  expect(resident).not.toBeNull();
  return { names, numbers, masked, resident: resident! };
}

/** Keys that only a dwelling, a household or a person has. */
const HOUSEHOLD_KEYS = new Set([
  'householdId', 'household_id', 'members', 'unit', 'units', 'floor', 'slot', 'careFlags', 'care_flags', 'ageBand', 'age_band', 'sex',
  'relation', 'idNumber', 'phone', 'contactName', 'contactPhone', 'recentUse', 'isRental', 'explanation', 'acknowledgedBy',
  'outcomeReason',
]);
/** Alert ids name their household (`no_usage-<household>-<day>`). */
const ALERT_ID = /^(?:no_usage|night_flow|sudden_change)-\d+-/;

/** Everything found in one capture that a wall must not see. */
export function findPersonalData(value: unknown, secrets: Secrets, where: string, found: string[] = []): string[] {
  const scanText = (text: string, at: string): void => {
    const chars = Array.from(text);
    for (let i = 0; i < chars.length; i++) {
      for (let n = 2; n <= 4 && i + n <= chars.length; n++) {
        const w = chars.slice(i, i + n).join('');
        if (secrets.names.has(w)) found.push(`${at}: a name "${w}" in "${text.slice(0, 120)}"`);
      }
    }
    for (const m of text.matchAll(/\d[\dX*]{10,17}/g)) {
      for (const len of [11, 15, 18]) {
        for (let i = 0; i + len <= m[0].length; i++) {
          const part = m[0].slice(i, i + len);
          if (secrets.numbers.has(part) || secrets.masked.has(part)) found.push(`${at}: a number "${part}"`);
        }
      }
    }
    if (/\p{Script=Han}\*/u.test(text)) found.push(`${at}: a masked name in "${text.slice(0, 120)}"`);
    if (ALERT_ID.test(text)) found.push(`${at}: an alert id naming a household "${text}"`);
  };
  const walk = (v: unknown, at: string): void => {
    if (typeof v === 'string') scanText(v, at);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      for (const [k, x] of Object.entries(v)) {
        // `care.elderlyAlone` of a building is a count; an alert's `elderlyAlone` is a household's flag.
        if (HOUSEHOLD_KEYS.has(k) || (k === 'elderlyAlone' && typeof x === 'boolean')) found.push(`${at}.${k}: a household's attribute`);
        if (k === 'alerts' && Array.isArray(x) && x.length > 0) found.push(`${at}.alerts: ${x.length} meter alerts of households`);
        walk(x, `${at}.${k}`);
      }
    }
  };
  walk(value, where);
  return found;
}

/**
 * What a resident or a hotline operator types: the resident's name, ID number, phone (spaced, as
 * people write it) and flat number, in the incident's description and in a step's note.
 */
export function typedReport(resident: Secrets['resident']): { description: string; note: string } {
  const p = resident.phone;
  return {
    description: `独居老人${resident.name}（身份证${resident.idNumber}）在302室摔倒，女儿电话 ${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}`,
    note: `已联系${resident.name}本人，电话${p}，85岁`,
  };
}
