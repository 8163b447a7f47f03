/** Where things live, resolved from this file so the CLI works from any working directory. */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The production renderer: no test hooks, no benchmark page (renderer/vite.config.ts). */
export const RENDERER_DIST = join(REPO_ROOT, '.build/renderer');
/** The test renderer: the app with its test hooks (`window.__civictwin`) and bench.html. Never packaged. */
export const RENDERER_TEST_DIST = join(REPO_ROOT, '.build/renderer-test');
/**
 * The renderer a host started from this checkout serves: the production build, or the test build
 * when a test or the benchmark starts it with CIVICTWIN_RENDERER=test.
 */
export const servedRendererDir = (): string => (process.env.CIVICTWIN_RENDERER === 'test' ? RENDERER_TEST_DIST : RENDERER_DIST);
export const ELECTRON_MAIN = join(REPO_ROOT, '.build/electron/main.cjs');

/** Per-user data folder: CIVICTWIN_HOME, else ~/.civictwin. Holds the demo twin and its key. */
export const civicTwinHome = (): string => process.env.CIVICTWIN_HOME ?? join(homedir(), '.civictwin');
export const defaultDemoDb = (): string => join(civicTwinHome(), 'demo.duckdb');
