/**
 * Director mode in Electron (issue 12): `--director[=<session>]` opens one borderless fullscreen
 * window per display, each a panel of the wall session (`?wall=<session>&panel=<i>`), signed in
 * with a wall token made for this computer's panels at start (the last start's is revoked). The
 * panels follow the scenes and the clock this host holds; the operator directs them from the
 * console window's 导播 tab. With two or more displays the primary keeps the console and the others
 * are panels; with one display the panel covers it and the console stays a window behind it.
 */
import { BrowserWindow, screen, type BrowserWindowConstructorOptions } from 'electron';
import type { AuthService } from '../services/AuthService.ts';
import { WALL_SESSION_ID } from '../../data/model/wallScene.ts';
import { watchRenderer } from './watchdog.ts';

const TOKEN_NAME = 'director panels (this computer)';

/** The wall session `--director` asks for ('main' without a name); null without the flag. */
export function directorSession(args: readonly string[]): string | null {
  const arg = args.find((a) => a === '--director' || a.startsWith('--director='));
  if (!arg) return null;
  const id = arg.includes('=') ? arg.slice('--director='.length) : 'main';
  if (!WALL_SESSION_ID.test(id)) throw new Error(`--director=${id}: a wall session is 1–32 lower-case letters, digits or dashes`);
  return id;
}

export async function openDirectorPanels(options: { auth: AuthService; preload: string; origin: string; sessionId: string; webPreferences: BrowserWindowConstructorOptions['webPreferences']; log: (line: string) => void }): Promise<BrowserWindow[]> {
  const { auth } = options;
  for (const t of await auth.listTokens()) if (t.kind === 'wall' && t.name === TOKEN_NAME && t.revokedAt === null) await auth.revokeToken(t.id);
  const { token } = await auth.addToken(TOKEN_NAME, 'wall', 'director');
  const all = screen.getAllDisplays();
  const primary = screen.getPrimaryDisplay();
  const displays = all.length > 1 ? all.filter((d) => d.id !== primary.id) : all;
  options.log(`director: wall session "${options.sessionId}" on ${displays.length} display(s)`);
  return displays.map((display, panel) => {
    const { x, y, width, height } = display.bounds;
    const win = new BrowserWindow({ x, y, width, height, fullscreen: true, frame: false, backgroundColor: '#02060d', title: `CivicTwin wall ${options.sessionId} #${panel}`, show: false, webPreferences: options.webPreferences });
    win.once('ready-to-show', () => win.show());
    // A crashed or hung panel comes back by itself (the kiosk's watchdog), into the same session and place.
    watchRenderer(win.webContents, { name: `wall panel ${panel}`, log: options.log });
    // The token rides in the fragment (never sent to a server); the page clears it at once.
    void win.loadURL(`${options.origin}/index.html?wall=${options.sessionId}&panel=${panel}#wall=${token}`);
    return win;
  });
}
