/**
 * The Electron host's briefing printer (the 生成简报 button): a hidden window of the app opens its
 * own briefing page (`#once=<one-time sign-in>&brief=<storm>`, signed in as the person who asked),
 * waits until the page says every map has drawn (`<html data-brief-ready>`) or why not
 * (`data-brief-error`), and prints it with Chromium's own print-to-PDF, A4 with backgrounds. The
 * window has the same hardened preferences as the main one and is closed after each print.
 */
import { BrowserWindow } from 'electron';
import type { AuthService } from '../services/AuthService.ts';
import type { BriefPrinter } from '../services/typhoon/briefPdf.ts';
import { APP_ORIGIN, hardenedWebPreferences } from './security/hardening.ts';

/** How long the page may take to gather the figures and draw its maps. */
const READY_TIMEOUT_MS = 5 * 60_000;
const POLL_MS = 250;

/** Reads the page's verdict; runs in the page's main world (devtools-style, not subject to its CSP). */
const VERDICT = `(() => { const d = document.documentElement.dataset; return d.briefReady ? 'ready' : d.briefError ? 'error:' + d.briefError : null; })()`;

export function electronBriefPrinter(preload: string, auth: AuthService): BriefPrinter {
  return {
    print: async (stormId, userId) => {
      // Width of an A4 page at 96 dpi plus the desk around it: the maps are drawn at their printed size.
      const win = new BrowserWindow({ show: false, width: 1000, height: 1400, webPreferences: hardenedWebPreferences(preload) });
      try {
        await win.loadURL(`${APP_ORIGIN}/index.html#once=${auth.issueOneTimeSignIn(userId)}&brief=${encodeURIComponent(stormId)}`);
        const until = Date.now() + READY_TIMEOUT_MS;
        for (;;) {
          const verdict = (await win.webContents.executeJavaScript(VERDICT, true)) as string | null;
          if (verdict === 'ready') break;
          if (verdict?.startsWith('error:')) throw new Error(verdict.slice('error:'.length));
          if (Date.now() > until) throw new Error(`The briefing page did not finish within ${READY_TIMEOUT_MS / 60_000} minutes.`);
          await new Promise((r) => setTimeout(r, POLL_MS));
        }
        const pdf = await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
        // The hidden window's session ends with the print (it would otherwise live on until it expires).
        await win.webContents.executeJavaScript('window.app?.auth?.signOut?.()', true).catch(() => undefined);
        return new Uint8Array(pdf);
      } finally {
        if (!win.isDestroyed()) win.destroy();
      }
    },
  };
}
