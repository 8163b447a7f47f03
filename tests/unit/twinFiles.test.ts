/**
 * Twin files are owned and never damaged: `seed --force` and `import` refuse a twin a running host
 * holds (naming it); a killed `seed --force` leaves the old twin intact; killed runs' leftovers are
 * cleaned at the next start; a re-run import updates instead of doubling; backup while the host
 * ingests, and restore. Real DuckDB files, real `civictwin` processes.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { fieldAad, keyPathFor } from '../../data/store/crypto.ts';
import { openTwin } from '../../data/store/openTwin.ts';
import { runfilePathFor } from '../../data/store/hostRunfile.ts';
import { cleanLeftovers, findLeftovers, partialPathFor } from '../../data/store/twinSwap.ts';
import { importIntoTwin, seedTwin } from '../../electron/cli/twinFiles.ts';
import { REPO_ROOT } from '../../electron/cli/paths.ts';
import { tempDir } from './helpers.ts';
import { civictwin, postEvents, produce, serveHost, startCivictwin } from './twinProcesses.ts';

const tmp = tempDir('civictwin-twinfiles-');
afterAll(() => tmp.cleanup());
const quiet = (): void => undefined;

async function seeded(name: string, seed = 1): Promise<string> {
  const path = tmp.path(name);
  await seedTwin(path, seed, 100, undefined, quiet);
  return path;
}

/** What an operator would notice of a twin: counts, events, and a decrypted household contact. */
async function fingerprint(path: string): Promise<{ buildings: number; households: number; events: number; contact: string }> {
  const store = await DuckDbStore.open(path);
  try {
    const n = async (t: string): Promise<number> => Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`))!.n);
    const h = (await store.one<{ id: number; blob: Uint8Array }>('SELECT id, contact_enc AS blob FROM households WHERE contact_enc IS NOT NULL ORDER BY id LIMIT 1'))!;
    const contact = store.cipher.decrypt(h.blob, fieldAad('households', 'contact_enc', h.id));
    return { buildings: await n('buildings'), households: await n('households'), events: await n('events'), contact };
  } finally {
    store.close();
  }
}

async function eventIds(path: string): Promise<Set<string>> {
  const store = await DuckDbStore.open(path, { readOnly: true });
  try {
    return new Set((await store.all<{ id: string }>('SELECT id FROM events')).map((r) => r.id));
  } finally {
    store.close();
  }
}

/** A PID no process has: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((ok) => child.once('exit', ok));
  return child.pid!;
}

describe('a twin a host holds is refused, before any change', () => {
  it('seed --force and import name the host and leave the served file as it was', async () => {
    const db = await seeded('served.duckdb');
    const before = await fingerprint(db);
    const inode = statSync(db).ino;
    const host = await serveHost(db);
    try {
      expect(await postEvents(host.base, ['before-1', 'before-2'])).toBe(true);
      // The control channel's runfile: private, naming this host.
      expect(statSync(runfilePathFor(db)).mode & 0o777).toBe(0o600);

      const seed = await civictwin(['seed', '--out', db, '--force', '--buildings', '100']);
      expect(seed.code).toBe(1);
      const expected = `${db} is open in civictwin serve (PID ${host.child.pid}, ${host.base}/): stop that host first`;
      expect(seed.out).toContain(expected);
      expect(seed.out.trim().split('\n')).toHaveLength(1);

      const imp = await civictwin(['import', '--db', db, join(REPO_ROOT, 'tests/fixtures/import/good-buildings.geojson')]);
      expect(imp.code).toBe(1);
      expect(imp.out).toContain(`${db} is open in civictwin serve (PID ${host.child.pid}`);

      // The host goes on: it still acknowledges into the same file.
      expect(await postEvents(host.base, ['after-1'])).toBe(true);
      expect(findLeftovers(db).filter((l) => l.kind !== 'staging')).toEqual([]);
    } finally {
      await host.stop();
    }
    expect(statSync(db).ino).toBe(inode);
    const after = await fingerprint(db);
    expect(after).toEqual({ ...before, events: 3 });
    expect(existsSync(runfilePathFor(db))).toBe(false); // removed when the host exited
  });

  it('without a runfile, the message names the process DuckDB reports', async () => {
    const db = await seeded('plain.duckdb');
    const holder = await DuckDbStore.open(db); // this test process holds it
    try {
      const seed = await civictwin(['seed', '--out', db, '--force', '--buildings', '100']);
      expect(seed.code).toBe(1);
      expect(seed.out).toMatch(new RegExp(`is open in .+ \\(PID ${process.pid}\\): stop that host first`));
    } finally {
      holder.close();
    }
  });
});

describe('seed --force replaces a twin atomically', () => {
  it('a seed --force killed with SIGKILL leaves the old twin intact; the next seed cleans up', async () => {
    const db = await seeded('killed.duckdb', 1);
    const before = await fingerprint(db);
    const run = startCivictwin(['seed', '--out', db, '--force', '--buildings', '3000', '--seed', '2']);
    const partial = partialPathFor(db, run.child.pid);
    // Kill it mid-seed: once its partial file holds data.
    await expect.poll(() => (existsSync(partial) ? statSync(partial).size : 0), { timeout: 60_000, interval: 20 }).toBeGreaterThan(1_000_000);
    run.child.kill('SIGKILL');
    await run.exited;

    expect(await fingerprint(db)).toEqual(before);
    expect(findLeftovers(db).map((l) => basename(l.path))).toEqual(expect.arrayContaining([basename(partial)]));

    // The doctor reports the leftover; the next seed removes it and replaces the twin.
    const doctor = await civictwin(['doctor', '--db', db]);
    expect(doctor.out).toMatch(new RegExp(`warn +leftovers +\\d+ left by killed runs .*${basename(partial)}`));
    const again = await civictwin(['seed', '--out', db, '--force', '--buildings', '100', '--seed', '3']);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`Removed ${partial}`);
    expect(existsSync(partial)).toBe(false);
    expect(existsSync(keyPathFor(partial))).toBe(false);
    const after = await fingerprint(db); // opens, and its key decrypts: database and key are a pair
    expect(after.contact).not.toBe(before.contact);
  });

  it('a run killed between moving the database and its key is finished at the next start', async () => {
    const db = await seeded('between.duckdb', 1);
    const newer = await seeded('newer.duckdb', 5);
    const expected = await fingerprint(newer);
    const pid = await deadPid();
    // The state a swap leaves when killed right after its database rename.
    const partial = partialPathFor(db, pid);
    writeFileSync(`${db}.swap-${pid}`, JSON.stringify({ partial, target: db, hasKey: true }));
    renameSync(keyPathFor(newer), keyPathFor(partial));
    renameSync(newer, db);
    await expect(fingerprint(db)).rejects.toThrow(); // old key, new database: not a pair

    const notes: string[] = [];
    const store = await openTwin(db, { onNote: (l) => notes.push(l) });
    store.close();
    expect(notes.join('\n')).toMatch(/killed between moving the database and its key: the new key was put beside it/);
    expect(await fingerprint(db)).toEqual(expected);
    expect(readdirSync(tmp.dir).filter((n) => n.startsWith('between.duckdb.'))).toEqual(['between.duckdb.key']);
  });

  it('a run killed before its swap leaves the old twin and its log where they were', async () => {
    const db = await seeded('before-swap.duckdb', 1);
    const before = await fingerprint(db);
    const pid = await deadPid();
    const partial = partialPathFor(db, pid);
    copyFileSync(db, partial);
    writeFileSync(keyPathFor(partial), readFileSync(keyPathFor(db)));
    writeFileSync(`${db}.swap-${pid}`, JSON.stringify({ partial, target: db, hasKey: true }));
    const notes = cleanLeftovers(db);
    expect(notes.join('\n')).toMatch(/killed before the swap: the old twin is intact/);
    expect(existsSync(partial)).toBe(false);
    expect(await fingerprint(db)).toEqual(before);
  });

  it("a dead host's ingest staging folder is removed at the next start; a live one's is kept", async () => {
    const db = await seeded('staging.duckdb');
    const dead = join(tmpdir(), `civictwin-ingest-${await deadPid()}-test01`);
    const live = join(tmpdir(), `civictwin-ingest-${process.pid}-test02`);
    for (const d of [dead, live]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'events-0.ndjson'), '{}\n');
    }
    const notes: string[] = [];
    (await openTwin(db, { onNote: (l) => notes.push(l) })).close();
    expect(notes).toContain(`Removed the ingest staging folder ${dead} of a host that is gone (PID ${basename(dead).split('-')[2]}).`);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

describe('import is idempotent', () => {
  it('importing the same files twice gives the same buildings; a changed height is updated', async () => {
    const db = tmp.path('imported.duckdb');
    const fixture = join(REPO_ROOT, 'tests/fixtures/import/good-buildings.geojson');
    const first = await importIntoTwin(db, [fixture], undefined, quiet);
    const second = await importIntoTwin(db, [fixture], undefined, quiet);
    expect(second.updated.buildings).toBe(first.buildings);
    const rows = async (): Promise<{ id: number; ext_id: string | null; height_m: number }[]> => {
      const store = await DuckDbStore.open(db, { readOnly: true });
      try {
        return await store.all('SELECT id, ext_id, height_m FROM buildings ORDER BY id');
      } finally {
        store.close();
      }
    };
    const once = await rows();
    expect(once).toHaveLength(4);

    // An edited copy of the file (same feature ids): b1 is now 21 m tall.
    const edited = JSON.parse(readFileSync(fixture, 'utf8')) as { features: { id?: string; properties: Record<string, unknown> }[] };
    edited.features.find((f) => f.id === 'b1')!.properties.height = 21;
    const copy = tmp.path('good-buildings-edited.geojson');
    writeFileSync(copy, JSON.stringify(edited));
    const run = await civictwin(['import', '--db', db, copy]);
    expect(run.code).toBe(0);
    expect(run.out).toContain('updated in place by feature id: 4 buildings');
    const now = await rows();
    expect(now.map((r) => r.id)).toEqual(once.map((r) => r.id));
    expect(now.find((r) => r.ext_id === 'b1')!.height_m).toBe(21);
  });

  it('the real Wuhan extract imported twice has the same buildings and base map', async () => {
    const wuhan = resolve(REPO_ROOT, '../shared/data/real/wuhan-optics-valley');
    if (!existsSync(wuhan)) return;
    const db = tmp.path('wuhan.duckdb');
    const count = async (): Promise<[number, number]> => {
      const store = await DuckDbStore.open(db, { readOnly: true });
      try {
        const n = async (t: string): Promise<number> => Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`))!.n);
        return [await n('buildings'), await n('basemap_features')];
      } finally {
        store.close();
      }
    };
    await importIntoTwin(db, [wuhan], undefined, quiet, { skipInvalid: true });
    const once = await count();
    await importIntoTwin(db, [wuhan], undefined, quiet, { skipInvalid: true });
    expect(await count()).toEqual(once);
    expect(once[0]).toBeGreaterThan(100);
  });
});

describe('backup and restore', () => {
  it('backup while the host ingests holds every event acknowledged before it; restore round trip', async () => {
    const db = await seeded('live.duckdb');
    const host = await serveHost(db);
    const load = produce(host.base, 2, 50);
    let ackedBefore: string[];
    const backup = tmp.path('backup.duckdb');
    try {
      await expect.poll(() => load.acked.length, { timeout: 30_000 }).toBeGreaterThan(2000);
      ackedBefore = [...load.acked];
      const run = await civictwin(['backup', '--db', db, '--out', backup]);
      expect(run.code, run.out).toBe(0);
      expect(run.out).toMatch(new RegExp(`Backed up ${db} to ${backup} in [\\d.]+ s \\(made by civictwin serve \\(PID ${host.child.pid}\\), which has it open\\)`));
      expect(run.out).toMatch(/Key copied to .*backup\.duckdb\.key \(mode 0600\); checked: it decrypts households \d+'s contact_enc/);
      const during = load.acked.length;
      await expect.poll(() => load.acked.length, { timeout: 30_000 }).toBeGreaterThan(during + 500); // ingest went on

      // Restore is refused while the host holds the target.
      const refused = await civictwin(['restore', '--from', backup, '--db', db, '--force']);
      expect(refused.code).toBe(1);
      expect(refused.out).toContain(`${db} is open in civictwin serve (PID ${host.child.pid}`);
    } finally {
      await load.stop();
      await host.stop();
    }
    expect(load.failures).toEqual([]);

    // The backup opens without its host and holds every event acknowledged before it was asked for.
    const inBackup = await eventIds(backup);
    expect(ackedBefore.filter((id) => !inBackup.has(id))).toEqual([]);
    expect(statSync(keyPathFor(backup)).mode & 0o777).toBe(0o600);
    // One snapshot: every event in it has its projection row, none more.
    const store = await DuckDbStore.open(backup, { readOnly: true });
    const [ev, pos] = [
      Number((await store.one<{ n: bigint }>("SELECT count(*) AS n FROM events WHERE type = 'resource.position'"))!.n),
      Number((await store.one<{ n: bigint }>('SELECT count(*) AS n FROM resource_positions'))!.n),
    ];
    store.close();
    expect(pos).toBe(ev);
    const backupPrint = await fingerprint(backup);

    // Without a host, backup reads the file itself.
    const offline = await civictwin(['backup', '--db', db, '--out', tmp.path('offline.duckdb')]);
    expect(offline.code, offline.out).toBe(0);
    expect(offline.out).toContain('read directly: no host had it open');
    expect((await eventIds(tmp.path('offline.duckdb'))).size).toBe((await eventIds(db)).size);

    // Restore: refused without --force onto an existing twin; with it, the twin is the backup.
    const noForce = await civictwin(['restore', '--from', backup, '--db', db]);
    expect(noForce.code).toBe(1);
    expect(noForce.out).toContain('already exists. Pass --force');
    expect((await eventIds(db)).size).toBeGreaterThan(inBackup.size);
    const restored = await civictwin(['restore', '--from', backup, '--db', db, '--force']);
    expect(restored.code, restored.out).toBe(0);
    expect(restored.out).toMatch(/Restored .* schema version \d+/);
    expect(await fingerprint(db)).toEqual(backupPrint);
    // The restored twin serves and ingests again (its sequences and keys came along).
    const again = await serveHost(db);
    try {
      expect(await postEvents(again.base, ['after-restore'])).toBe(true);
    } finally {
      await again.stop();
    }
    expect(readdirSync(tmp.dir).filter((n) => /live\.duckdb\.(partial|swap)/.test(n))).toEqual([]);
  });

  it('restore refuses a backup whose key is not beside it', async () => {
    const db = await seeded('keyless.duckdb');
    const backup = tmp.path('keyless-backup.duckdb');
    expect((await civictwin(['backup', '--db', db, '--out', backup])).code).toBe(0);
    const other = await seeded('other-key.duckdb', 9);
    copyFileSync(keyPathFor(other), keyPathFor(backup)); // the wrong twin's key
    const run = await civictwin(['restore', '--from', backup, '--db', tmp.path('target.duckdb')]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/Not restoring: .*keyless-backup\.duckdb\.key does not decrypt households \d+'s contact_enc: it is another twin's key/);
    expect(existsSync(tmp.path('target.duckdb'))).toBe(false);
  });
});
