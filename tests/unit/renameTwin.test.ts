/**
 * A twin that is not the demo (issue 14): a supervisor renames it from the app (audited, every
 * view then reads the new name); a viewer, an operator and a wall cannot; a name that is empty,
 * too long or holds a line break is refused with a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, dispatch, type Services } from '../../electron/services/index.ts';
import type { CallContext } from '../../electron/services/callContext.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
const as = (role: 'viewer' | 'operator' | 'supervisor'): CallContext => ({ caller: { kind: 'person', userId: 7, username: `${role}-7`, displayName: role, role }, via: 'http' });
const wall: CallContext = { caller: { kind: 'wall', tokenId: 3, name: 'hall' }, via: 'http' };
const rename = (context: CallContext, name: unknown): Promise<unknown> => dispatch(services.api, 'store', 'renameTwin', [name], context);

describe('renaming the twin', () => {
  beforeAll(async () => {
    const db = tmp.path('rename.duckdb');
    await seedTwin(db, 1, 120);
    store = await DuckDbStore.open(db);
    services = await createServices(store, { host: 'web', personalData: 'masked' });
  }, 120_000);
  afterAll(async () => {
    services?.stop();
    await store?.closeWhenIdle();
    tmp.cleanup();
  });

  it('a supervisor renames it; the rename is in the audit log', async () => {
    const info = (await rename(as('supervisor'), '  关山街道 ')) as { name: string };
    expect(info.name).toBe('关山街道');
    expect((await services.api.store.getTwinInfo()).name).toBe('关山街道');
    const audit = await store.one<{ actor: string; reason: string }>("SELECT actor, reason FROM audit_log WHERE action = 'rename_twin' ORDER BY id DESC LIMIT 1");
    expect(audit).toEqual({ actor: 'supervisor-7', reason: expect.stringMatching(/→ 关山街道$/) });
  });

  it('nobody below supervisor, and no wall, may rename it', async () => {
    for (const who of [as('viewer'), as('operator'), wall]) await expect(rename(who, '别的名字')).rejects.toThrow();
    expect((await services.api.store.getTwinInfo()).name).toBe('关山街道');
  });

  it('refuses an empty, too long or multi-line name, saying why', async () => {
    await expect(rename(as('supervisor'), '   ')).rejects.toThrow(/empty/);
    await expect(rename(as('supervisor'), '街'.repeat(61))).rejects.toThrow(/at most 60/);
    await expect(rename(as('supervisor'), '关山\n街道')).rejects.toThrow(/one line/);
    expect((await services.api.store.getTwinInfo()).name).toBe('关山街道');
  });
});
