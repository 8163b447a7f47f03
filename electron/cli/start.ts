/**
 * `npm start`: open CivicTwin on the demo district with no other step.
 *  1. build the app if this checkout has not been built yet;
 *  2. create the demo twin at the first start (with progress) if it is absent;
 *  3. run Electron when its binary is present (or can be fetched); otherwise say so in one line
 *     and open the same app in browser mode: a Chromium `--app` window if one is installed, else
 *     print the URL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { ELECTRON_MAIN, REPO_ROOT, RENDERER_DIST, civicTwinHome } from './paths.ts';
import { progressReporter } from './progress.ts';
import { seedTwin } from './twinFiles.ts';
import { serveTwin } from './serve.ts';
import { DEMO_SIMULATION, demoEndDay, prepareDemoTwin } from '../services/demo/index.ts';

export interface StartOptions {
  db: string;
  browser: boolean;
  port: number;
  /** Run the built-in live feed (on by default for the demo district; marked SIMULATED). */
  simulate: boolean;
  /**
   * The demo to officials: a sealed twin made fresh for this run (meter history up to yesterday,
   * a day of the street behind it, the alert backlog of a well-run street), removed at exit.
   */
  demo?: boolean;
}

export async function start(opts: StartOptions): Promise<void> {
  if (!existsSync(join(RENDERER_DIST, 'index.html')) || !existsSync(ELECTRON_MAIN)) {
    console.log('First start: building the app (about a minute)…');
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('The build failed; see the messages above.');
  }
  if (opts.demo) {
    console.log('Demo: creating a fresh demo district for this presentation (simulated data, 模拟数据)…');
    const progress = progressReporter();
    await seedTwin(opts.db, 1, 2000, progress.onProgress, () => undefined, demoEndDay());
    progress.stop();
  } else if (!existsSync(opts.db)) {
    console.log(`First start: creating the demo district at ${opts.db}`);
    const progress = progressReporter();
    const summary = await seedTwin(opts.db, 1, 2000, progress.onProgress);
    progress.stop();
    console.log(`Demo district ready: ${summary.buildings} buildings, ${summary.households} households.`);
  }
  const electron = opts.browser ? null : electronBinary();
  if (electron) {
    const child = spawn(electron, [ELECTRON_MAIN, `--db=${opts.db}`, ...(opts.simulate ? ['--simulate'] : []), ...(opts.demo ? ['--demo'] : [])], { stdio: 'inherit' });
    await new Promise<void>((ok) => child.on('exit', () => ok()));
    return;
  }
  if (!opts.browser) console.log('Electron binary not available here (it could not be downloaded): opening CivicTwin in browser mode.');
  const { url: base, services } = await serveTwin({
    db: opts.db,
    port: opts.port,
    wall: false,
    simulate: opts.simulate,
    ...(opts.demo ? { simulation: DEMO_SIMULATION, beforeFeed: (store, log) => prepareDemoTwin(store, log) } : {}),
  });
  // The person who started the app signs in by a one-time link (in the fragment, so it reaches
  // neither a log nor a Referer): they can read the twin and its key anyway. Others use accounts.
  const local = await services.auth.localAccount(userInfo().username);
  const url = `${base}#once=${services.auth.issueOneTimeSignIn(local.id)}`;
  const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find((b) => spawnSync('which', [b]).status === 0);
  if (chromium && (process.env.DISPLAY || process.platform !== 'linux')) {
    spawn(chromium, [`--app=${url}`, `--user-data-dir=${join(civicTwinHome(), 'browser-profile')}`, '--disable-background-networking', '--disable-component-update'], {
      stdio: 'ignore',
      detached: true,
    }).unref();
    console.log(`CivicTwin is open in a Chromium window (${base}). Press Ctrl+C to stop.`);
  } else {
    console.log(`CivicTwin is running at ${base} — open this one-time sign-in link in a browser (valid 10 minutes): ${url}\nPress Ctrl+C to stop.`);
  }
}

/**
 * The Electron executable, or null. Electron 45 has no postinstall: `require('electron')` fetches
 * the binary on first use and throws when it cannot (no network, as on the build machines). That
 * happens in a child process with its output captured, so a failed download is one line here,
 * not a stack trace.
 */
export function electronBinary(): string | null {
  const pathTxt = join(REPO_ROOT, 'node_modules/electron/path.txt');
  if (!existsSync(pathTxt)) console.log('Fetching the Electron binary (first start only)…');
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('electron')))"], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  const path = r.status === 0 ? r.stdout.trim() : '';
  return path && existsSync(path) ? path : null;
}
