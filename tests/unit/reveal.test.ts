/**
 * Personal data (DESIGN.md §6): masked by default, shown in full only at a console, with a reason,
 * and every reveal in the append-only audit log; never on a wall view.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { generateDistrict } from '../../data/seed/generateDistrict.ts';
import { StoreService } from '../../electron/services/StoreService.ts';
import { runAs } from '../../electron/services/callContext.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let householdId: number;

beforeAll(async () => {
  store = await DuckDbStore.open(tmp.path('reveal.duckdb'), { create: true });
  await generateDistrict(store, { seed: 5, buildings: 100 });
  householdId = (await store.one<{ id: number }>('SELECT min(id) AS id FROM households'))!.id;
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

/** As the host serves a call from operator op-7, signed in over HTTP. */
const asOperator = <T>(work: () => Promise<T>): Promise<T> =>
  runAs({ caller: { kind: 'person', userId: 7, username: 'op-7', displayName: '操作员七', role: 'operator' }, via: 'http' }, work);

const audit = (): Promise<{ actor: string; action: string; subject: string; reason: string }[]> =>
  store.all('SELECT actor, action, subject, reason FROM audit_log ORDER BY id');

describe('revealing personal data', () => {
  it('shows names and phones in full with a reason, keeps ID digits 7–14 hidden, and audits it first', async () => {
    const console = new StoreService(store, { personalData: 'masked' });
    const masked = (await console.getHousehold(householdId))!;
    expect(masked.revealed).toBe(false);
    expect(masked.contactPhone).toMatch(/^\d{3}\*{4}\d{4}$/);

    const full = (await asOperator(() => console.revealHousehold(householdId, '核实独居老人安全，电话联系')))!;
    expect(full.revealed).toBe(true);
    expect(full.contactPhone).toMatch(/^1\d{10}$/);
    expect(full.contactName).not.toContain('*');
    expect(full.members.every((m) => m.idNumber === '—' || /^\d{6}\*{8}\d{3}[\dX]$/.test(m.idNumber))).toBe(true);
    expect(full.members.some((m) => /^\d{6}\*{8}\d{3}[\dX]$/.test(m.idNumber))).toBe(true); // not vacuous
    expect(await audit()).toEqual([{ actor: 'op-7', action: 'reveal_personal_data', subject: `household:${householdId}`, reason: '核实独居老人安全，电话联系' }]);
  });

  it('refuses without a reason, and on a wall view, writing nothing', async () => {
    const before = (await audit()).length;
    const console = new StoreService(store, { personalData: 'masked' });
    await expect(asOperator(() => console.revealHousehold(householdId, '  '))).rejects.toThrow(/reason/);
    const wall = new StoreService(store, { personalData: 'none' });
    await expect(asOperator(() => wall.revealHousehold(householdId, '核实独居老人安全'))).rejects.toThrow(/wall/);
    expect((await wall.getHousehold(householdId))!.contactPhone).not.toMatch(/\d/);
    expect((await audit()).length).toBe(before);
  });
});
