/**
 * What the Electron app opens, decided from its command line before any window (issue 12,
 * packaging): a double-clicked packaged app gets no arguments at all, so it must find or make its
 * twin by itself, in the user's data folder (never the install folder, which is read-only and
 * shared), and `civictwin <command>` typed at the packaged executable runs the CLI instead of
 * opening a window.
 *
 * No `electron` import here: the caller passes the user-data folder, so the plan is testable in
 * plain Node.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The twin a launch opens. */
export interface TwinPlan {
  /** The .duckdb file. */
  db: string;
  /** Absent: seed the demo district there first (first launch). */
  create: boolean;
  /** The demo to officials: the backlog of a well-run street, a day behind it, the story armed. */
  demo: boolean;
  /** Run the built-in live feed (marked SIMULATED). */
  simulate: boolean;
  /** A sealed demo's own folder, removed at quit; null for a twin that stays. */
  sealedDir: string | null;
}

export interface PlanContext {
  /** Electron's `app.getPath('userData')`. */
  userDataDir: string;
  env: Record<string, string | undefined>;
  tmpDir: string;
}

/** The demo district's file name in the data folder (the CLI's `civictwin start` uses the same). */
export const DEMO_TWIN_FILE = 'demo.duckdb';

/**
 * - `--db=<file>`: that twin, as given (an imported twin: no simulator unless `--simulate`).
 * - `demo` / `--demo` without `--db`: a sealed demo twin made fresh in a temporary folder.
 * - nothing: the demo district in CIVICTWIN_HOME or the user-data folder, created at the first
 *   launch, which opens as the demo (fresh, with a day behind it); its live feed runs unless
 *   `--no-simulate`.
 */
export function planTwin(args: readonly string[], ctx: PlanContext): TwinPlan {
  const dbArg = args.find((a) => a.startsWith('--db='));
  const wantsDemo = args.includes('--demo') || args[0] === 'demo';
  if (dbArg) {
    const db = resolve(dbArg.slice('--db='.length));
    return { db, create: false, demo: wantsDemo, simulate: args.includes('--simulate'), sealedDir: null };
  }
  if (wantsDemo) {
    const sealedDir = mkdtempSync(join(ctx.tmpDir, 'civictwin-demo-'));
    return { db: join(sealedDir, DEMO_TWIN_FILE), create: true, demo: true, simulate: true, sealedDir };
  }
  const home = ctx.env.CIVICTWIN_HOME ? resolve(ctx.env.CIVICTWIN_HOME) : ctx.userDataDir;
  const db = join(home, DEMO_TWIN_FILE);
  const create = !existsSync(db);
  return { db, create, demo: create, simulate: !args.includes('--no-simulate'), sealedDir: null };
}

/** Commands the app itself answers (it opens a window); every other word is a CLI command. */
const APP_COMMANDS = new Set(['start', 'demo']);
/** CLI commands that run until stopped (a server, a feed); the others end the process when done. */
export const LONG_RUNNING_COMMANDS = new Set(['serve', 'feed']);

/** The CLI command line (`civictwin seed --out x` → ['seed', '--out', 'x']), or null to open the app. */
export function cliCommand(args: readonly string[]): string[] | null {
  const first = args[0];
  if (first === undefined || first.startsWith('-') || APP_COMMANDS.has(first)) return null;
  // A file handed over by the desktop (a path) is not a command.
  if (first.includes('/') || first.includes('\\') || first.includes('.')) return null;
  return [...args];
}

/**
 * Windows installer events (Squirrel starts the app with these while it installs, updates or
 * removes it): quit at once. `--squirrel-firstrun` is the first real launch: that one runs.
 */
export const isSquirrelEvent = (args: readonly string[]): boolean => args.some((a) => /^--squirrel-(install|updated|uninstall|obsolete)$/.test(a));

/** The part of the CLI bundle (.build/electron/cli.mjs) the main process uses. */
export interface CliBundle {
  run(argv: string[]): Promise<void>;
  seedTwin(
    out: string,
    seed: number,
    buildings: number,
    onProgress?: (stage: string, done: number, total: number) => void,
    onNote?: (line: string) => void,
    endDay?: string,
  ): Promise<{ buildings: number; households: number }>;
}

/** Buildings in the demo district (as `civictwin start` seeds it). */
export const DEMO_BUILDINGS = 2000;
