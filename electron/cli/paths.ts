/** Where things live, resolved from this file so the CLI works from any working directory. */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIST = join(REPO_ROOT, '.build/renderer');
export const ELECTRON_MAIN = join(REPO_ROOT, '.build/electron/main.cjs');

/** Per-user data folder: CIVICTWIN_HOME, else ~/.civictwin. Holds the demo twin and its key. */
export const civicTwinHome = (): string => process.env.CIVICTWIN_HOME ?? join(homedir(), '.civictwin');
export const defaultDemoDb = (): string => join(civicTwinHome(), 'demo.duckdb');
