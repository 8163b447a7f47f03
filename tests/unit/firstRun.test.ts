/**
 * What the Electron app opens from its command line (electron/main/firstRun.ts): a double-click
 * (no arguments) opens the demo district in the user-data folder, created at the first launch as
 * the demo; `--db=` opens that twin as given; `demo` a sealed one; a CLI word runs the CLI.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliCommand, isSquirrelEvent, planTwin } from '../../electron/main/firstRun.ts';

describe('the twin a launch opens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'civictwin-firstrun-'));
  const ctx = { userDataDir: join(dir, 'user-data'), env: {}, tmpDir: dir };

  it('no arguments: the demo district in the user-data folder, made and shown as the demo at the first launch only', () => {
    const first = planTwin([], ctx);
    expect(first).toEqual({ db: join(dir, 'user-data', 'demo.duckdb'), create: true, demo: true, simulate: true, sealedDir: null });
    mkdirSync(ctx.userDataDir, { recursive: true });
    writeFileSync(first.db, '');
    expect(planTwin([], ctx)).toMatchObject({ db: first.db, create: false, demo: false, simulate: true });
    expect(planTwin(['--no-simulate'], ctx).simulate).toBe(false);
    // CIVICTWIN_HOME moves it, as for the CLI.
    expect(planTwin([], { ...ctx, env: { CIVICTWIN_HOME: join(dir, 'home') } }).db).toBe(join(dir, 'home', 'demo.duckdb'));
  });

  it('--db= opens that twin as given: never created, no simulator unless asked', () => {
    expect(planTwin([`--db=${join(dir, 'mine.duckdb')}`], ctx)).toEqual({ db: join(dir, 'mine.duckdb'), create: false, demo: false, simulate: false, sealedDir: null });
    expect(planTwin([`--db=${join(dir, 'd.duckdb')}`, '--simulate', '--demo'], ctx)).toMatchObject({ demo: true, simulate: true });
  });

  it('demo: a sealed twin of its own in a temporary folder', () => {
    const p = planTwin(['demo'], ctx);
    expect(p.sealedDir).not.toBeNull();
    expect(p).toMatchObject({ db: join(p.sealedDir!, 'demo.duckdb'), create: true, demo: true, simulate: true });
  });

  it('a CLI word runs the CLI; flags, app commands, paths and installer events do not', () => {
    expect(cliCommand(['seed', '--out', 'x.duckdb'])).toEqual(['seed', '--out', 'x.duckdb']);
    expect(cliCommand([])).toBeNull();
    expect(cliCommand(['--db=x.duckdb'])).toBeNull();
    expect(cliCommand(['demo'])).toBeNull();
    expect(cliCommand(['start'])).toBeNull();
    expect(cliCommand(['/home/a/twin.duckdb'])).toBeNull();
    expect(isSquirrelEvent(['--squirrel-install', '1.0.0'])).toBe(true);
    expect(isSquirrelEvent(['--squirrel-firstrun'])).toBe(false);
  });
});
