/**
 * Printing the typhoon briefing page with Chromium (playwright-core): used by the web host for the
 * app's 生成简报 button and by `civictwin typhoon brief`. Chromium opens the host's own page
 * `#once=<one-time sign-in>&brief=<storm>`, waits until the page says every map has drawn
 * (`<html data-brief-ready>`) or why not (`data-brief-error`), and prints A4 with backgrounds.
 * Software WebGL (SwiftShader) draws the maps, so no GPU or display is needed.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { AuthService } from '../services/AuthService.ts';
import type { BriefPrinter } from '../services/typhoon/briefPdf.ts';
import { runAs } from '../services/callContext.ts';
import { SESSION_COOKIE } from './WebHost.ts';

/** A briefing that could not be printed, said so that a person can act on it. */
export class BriefPageError extends Error {
  public override name = 'BriefPageError';
}

/** What the page-side functions touch (this file is type-checked for Node, without the DOM). */
interface PageGlobals {
  document: {
    documentElement: { dataset: Record<string, string | undefined> };
    querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  };
}

/** How long the page may take to gather the figures and draw its maps (software GL on a busy machine). */
const READY_TIMEOUT_MS = 5 * 60_000;

/** Chromium to print with: CIVICTWIN_CHROMIUM, else the system's, else the one playwright installed. */
export function findChromium(): string {
  const fromEnv = process.env.CIVICTWIN_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new BriefPageError(`CIVICTWIN_CHROMIUM=${fromEnv} does not exist: point it at a Chromium or Chrome executable.`);
    return fromEnv;
  }
  for (const path of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) if (existsSync(path)) return path;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync('which', [name], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  const bundled = playwrightChromium();
  if (bundled) return bundled;
  throw new BriefPageError('No Chromium found to print the briefing with: install one (apt-get install chromium) or set CIVICTWIN_CHROMIUM to its path.');
}

/** The browser `npx playwright install chromium` put in its cache, if any. */
function playwrightChromium(): string | null {
  try {
    const r = spawnSync(process.execPath, ['-e', "process.stdout.write(require('playwright-core').chromium.executablePath())"], { encoding: 'utf8', timeout: 10_000 });
    const path = r.status === 0 ? r.stdout.trim() : '';
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** Opens `url` (a briefing page with its sign-in) and prints it; the briefing's number comes with it. */
export async function printBriefPage(url: string, executablePath = findChromium()): Promise<{ pdf: Uint8Array; number: number; sessionToken: string | null }> {
  const { chromium } = await import('playwright-core').catch(() => {
    throw new BriefPageError('playwright-core is not installed: run "npm install" in the CivicTwin folder.');
  });
  const browser = await chromium.launch({
    executablePath,
    args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--no-sandbox'],
  });
  try {
    // The host's own page: a TLS host's self-signed certificate is its own too.
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 }, ignoreHTTPSErrors: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url);
    const outcome = await page
      // Functions, not strings: the app's Content-Security-Policy forbids evaluating text.
      .waitForFunction(
        () => {
          const data = (globalThis as unknown as PageGlobals).document.documentElement.dataset;
          return data.briefReady ?? (data.briefError ? `error:${data.briefError}` : null);
        },
        null,
        { timeout: READY_TIMEOUT_MS, polling: 250 },
      )
      .then((h) => h.jsonValue() as Promise<string>)
      .catch((err: unknown) => {
        if (err instanceof Error && err.name === 'TimeoutError') return null;
        throw new BriefPageError(`The briefing page failed: ${String((err as Error).message ?? err).split('\n')[0]}${errors.length ? ` (${errors[0]})` : ''}`);
      });
    if (outcome === null) throw new BriefPageError(`The briefing page did not finish within ${READY_TIMEOUT_MS / 60_000} minutes${errors.length ? `: ${errors[0]}` : ''}.`);
    if (outcome.startsWith('error:')) throw new BriefPageError(outcome.slice('error:'.length));
    const number = Number(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('[data-brief-number]')?.getAttribute('data-brief-number') ?? '0'));
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    const session = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
    return { pdf, number, sessionToken: session?.value ?? null };
  } finally {
    await browser.close().catch(() => undefined);
  }
}

/** The web host's printer: its own page at `baseUrl` (loopback), signed in as the person who asked. */
export function chromiumBriefPrinter(baseUrl: string, auth: AuthService): BriefPrinter {
  return {
    print: async (stormId, userId) => {
      const url = `${baseUrl.replace(/\/?$/, '/')}#once=${auth.issueOneTimeSignIn(userId)}&brief=${encodeURIComponent(stormId)}`;
      const { pdf, sessionToken } = await printBriefPage(url);
      // The printing browser's session ends with the print (it would otherwise live on until it expires).
      if (sessionToken) {
        const sink = { token: sessionToken, begin: (): void => undefined, end: (): void => undefined };
        await runAs({ caller: null, via: 'http', session: sink }, () => auth.signOut()).catch(() => undefined);
      }
      return pdf;
    },
  };
}

/** Pages of a PDF Chromium wrote (its page tree names each `/Type /Page`). */
export function countPdfPages(pdf: Uint8Array): number {
  const text = Buffer.from(pdf).toString('latin1');
  return (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}
