/**
 * Electron main process: app lifecycle and start-up/shut-down order.
 * open store → register IPC → create window; on quit: close the store last.
 */
import { app, BrowserWindow, protocol } from 'electron';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { openTwin } from '../../data/store/openTwin.ts';
import { startControlChannel } from '../services/ControlSocket.ts';
import { authRoutes } from '../services/authOps.ts';
import { createServices, hostDbThreads, hostDbMemoryLimit } from '../services/index.ts';
import { installProcessGuard } from '../services/processGuard.ts';
import { startSimulator } from '../services/simulator/startSimulator.ts';
import { attentionOf } from '../services/incidents/attention.ts';
import { DEMO_SIMULATION, demoEndDay, prepareDemoTwin } from '../services/demo/index.ts';
import type { SimulatorRunner } from '../services/simulator/runner.ts';
import { registerIpc } from './ipc/registerIpc.ts';
import { electronBriefPrinter } from './briefPrinter.ts';
import { briefControlRoutes, setBriefPrinter } from '../services/typhoon/briefPdf.ts';
import { userInfo } from 'node:os';
import { APP_ORIGIN, hardenSession, hardenedWebPreferences } from './security/hardening.ts';
import { rendererDir, serveAppProtocol } from './security/appProtocol.ts';
import { keyFromKeychain } from './security/keychain.ts';
import { directorSession, openDirectorPanels } from './director.ts';
import { watchRenderer } from './watchdog.ts';
import { DEMO_BUILDINGS, LONG_RUNNING_COMMANDS, cliCommand, isSquirrelEvent, planTwin, type CliBundle, type TwinPlan } from './firstRun.ts';

// The bundle sits in .build/electron/; the renderer build beside it in .build/renderer/.
const RENDERER_DIR = rendererDir(__dirname);
const PRELOAD = join(__dirname, 'preload.cjs');

/** The command line after the executable (and, unpackaged, after the script Electron was given). */
const ARGS = process.argv.slice(process.defaultApp ? 2 : 1);
/** The CLI, bundled beside this file (.build/electron/cli.mjs): seeding and `civictwin <command>`. */
const loadCli = (): Promise<CliBundle> => import(pathToFileURL(join(__dirname, 'cli.mjs')).href) as Promise<CliBundle>;

// maplibre starts workers and fetches relative URLs: a privileged standard scheme gives the app a
// real origin, which file:// does not.
protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false } },
]);

let store: DuckDbStore | null = null;
let simulator: SimulatorRunner | null = null;
let stopServices: (() => void) | null = null;
let plan: TwinPlan | null = null;

async function main(): Promise<void> {
  installProcessGuard((l) => console.error(l));
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  hardenSession();
  serveAppProtocol(RENDERER_DIR); // the renderer build, with the CSP on every response

  // No arguments (a double-click on the packaged app): the demo district in the user-data
  // folder, made at the first launch. Never in the install folder.
  const twin = (plan = planTwin(ARGS, { userDataDir: app.getPath('userData'), env: process.env, tmpDir: tmpdir() }));
  if (twin.create) {
    console.log(`${twin.sealedDir ? 'Demo: creating a fresh demo district for this presentation' : 'First launch: creating the demo district'} at ${twin.db} (simulated data, 模拟数据)…`);
    const { seedTwin } = await loadCli();
    const s = await seedTwin(twin.db, 1, DEMO_BUILDINGS, undefined, (l) => console.log(l), demoEndDay());
    console.log(`Demo district ready: ${s.buildings} buildings, ${s.households} households.`);
  }
  const dbPath = twin.db;
  const key = await keyFromKeychain(dbPath, (l) => console.log(l)); // a key sealed by the OS keychain (opt-in)
  store = await openTwin(dbPath, { threads: hostDbThreads(), memoryLimit: hostDbMemoryLimit(), onNote: (l) => console.log(l), key }); // cleans killed runs' leftovers; clear errors, also for the key
  const simulate = twin.simulate;
  const openStore = store;
  const services = await createServices(store, { host: 'electron', personalData: 'masked', simulated: simulate, log: (l) => console.error(l) });
  await startControlChannel(store, { host: 'CivicTwin (Electron)', log: (l) => console.error(l), routes: { ...authRoutes(services, store), ...briefControlRoutes(services, store) } }); // backup, doctor, users, tokens, briefings
  registerIpc(services.api, services.auth);
  setBriefPrinter(electronBriefPrinter(PRELOAD, services.auth)); // the 生成简报 button prints a hidden window
  // The demo (`civictwin demo`): the backlog of a well-run street and a day behind it in the replay.
  const demo = twin.demo;
  if (demo) await prepareDemoTwin(openStore, (l) => console.log(l));
  if (simulate)
    simulator = await startSimulator(services.api, services.ingest, (l) => console.log(l), {
      heldByPerson: (id) => attentionOf(openStore).heldByPerson(id),
      ...(demo ? DEMO_SIMULATION : {}),
    });
  stopServices = services.stop;

  const win = new BrowserWindow({
    width: 1920,
    height: 1080,
    backgroundColor: '#050b16',
    title: 'CivicTwin 社区数字孪生指挥舱',
    show: false,
    webPreferences: hardenedWebPreferences(PRELOAD),
  });
  win.once('ready-to-show', () => win.show());
  // Recover by itself on a wall: a crashed or hung renderer is reloaded (with a backoff), not left dead.
  watchRenderer(win.webContents, { name: 'console', log: (l) => console.error(l) });
  // The person logged in to this computer is signed in by a one-time link (they can read the twin
  // and its key anyway); anyone else signs in with their own account from the form.
  const local = await services.auth.localAccount(userInfo().username);
  await win.loadURL(`${APP_ORIGIN}/index.html#once=${services.auth.issueOneTimeSignIn(local.id)}`);
  // Director mode (`--director[=<session>]`): a wall panel on each display, following this host's scenes.
  const wallSession = directorSession(process.argv);
  if (wallSession) await openDirectorPanels({ auth: services.auth, preload: PRELOAD, origin: APP_ORIGIN, sessionId: wallSession, webPreferences: hardenedWebPreferences(PRELOAD), log: (l) => console.log(l) });

  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
}

app.on('window-all-closed', () => app.quit());
let quitting = false;
app.on('will-quit', (event) => {
  if (quitting || !store) return;
  // Order: stop the feed, stop timers, let queries in flight finish, close the store, then quit.
  // closeSync under a running query would deadlock the main process.
  event.preventDefault();
  quitting = true;
  simulator?.stop();
  stopServices?.();
  void store.closeWhenIdle().finally(() => {
    store = null;
    if (plan?.sealedDir) rmSync(plan.sealedDir, { recursive: true, force: true }); // a sealed demo leaves nothing behind
    app.quit();
  });
});

/** `civictwin <command>` at the packaged executable: the CLI, no window; one-shot commands exit when done. */
async function runCli(args: string[]): Promise<void> {
  const { run } = await loadCli();
  await run(['civictwin', 'civictwin', ...args]);
  if (!LONG_RUNNING_COMMANDS.has(args[0]!)) app.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
}

const cliArgs = cliCommand(ARGS);
if (isSquirrelEvent(ARGS)) app.quit(); // the Windows installer starting the app while it installs
else if (cliArgs)
  runCli(cliArgs).catch((err: unknown) => {
    console.error(`civictwin: ${(err as Error).message}`);
    app.exit(1);
  });
else
  main().catch((err: unknown) => {
    console.error(`CivicTwin could not start: ${(err as Error).message}`);
    app.exit(1);
  });
