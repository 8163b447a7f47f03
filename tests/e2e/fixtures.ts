/**
 * Browser fixture: Debian's Chromium through playwright-core (never a downloaded browser), with
 * software WebGL2, and a record of every request the page makes.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { COLUMNS_CONTENT_TYPE, decodeColumns } from '../../data/feed/columnar.ts';

export interface StoreTruth {
  buildingCount: number;
  sampleBuildings: { id: number; address: string; /** What the map's tooltip calls it: its name, else its address. */ label: string; floors: number; households: number; residents: number }[];
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...extraArgs,
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--ignore-gpu-blocklist',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-sandbox',
    ],
  });
}

/** What an e2e file's `beforeAll` started around a web host; any part may be missing when it failed half-way. */
export interface WebTestParts {
  browser?: Browser;
  host?: { close(): Promise<void> };
  services?: { ingest: { close(): void } };
  store?: { close(): void };
  tmp?: { cleanup(): void };
}

/** Stops them in the reverse order of starting: the browser, the host, ingest, the store, the temp folder. */
export async function closeWebTest(parts: WebTestParts): Promise<void> {
  await parts.browser?.close();
  await parts.host?.close();
  parts.services?.ingest.close();
  parts.store?.close();
  parts.tmp?.cleanup();
}

export interface OpenedApp {
  page: Page;
  /** Every URL the page requested, in order. */
  requests: string[];
  /** console.error and page errors. */
  errors: string[];
}

/** A signed-in person over HTTP, as the web client is: session cookie + CSRF header. */
export interface ApiSession {
  call<T>(api: string, method: string, args: unknown[]): Promise<T>;
  cookie: string;
}

export async function signInOverHttp(baseUrl: string, credentials: { username: string; password: string }): Promise<ApiSession> {
  const res = await fetch(`${baseUrl}api/rpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-civictwin-csrf': '1' },
    body: JSON.stringify({ args: [credentials.username, credentials.password] }),
  });
  if (!res.ok) throw new Error(`sign-in: HTTP ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    cookie,
    call: async <T>(api: string, method: string, args: unknown[]): Promise<T> => {
      const r = await fetch(`${baseUrl}api/rpc/${api}.${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-civictwin-csrf': csrfToken, cookie },
        body: JSON.stringify({ args }),
      });
      if (!r.ok) throw new Error(`${api}.${method}: HTTP ${r.status} ${await r.text()}`);
      if ((r.headers.get('content-type') ?? '').startsWith(COLUMNS_CONTENT_TYPE)) return decodeColumns<T>(await r.arrayBuffer());
      return (await r.json()) as T;
    },
  };
}

/** Opens the app and signs in through its form, as a person at a console does. */
export async function openApp(browser: Browser, baseUrl: string, credentials?: { username: string; password: string }): Promise<OpenedApp> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(baseUrl);
  if (credentials) {
    await page.locator('[data-testid="sign-in"] input[name="username"]').fill(credentials.username, { timeout: 60_000 });
    await page.locator('[data-testid="sign-in"] input[name="password"]').fill(credentials.password);
    await page.locator('[data-testid="sign-in"] button[type="submit"]').click();
  }
  await page.waitForFunction(() => window.__civictwin?.ready === true, undefined, { timeout: 120_000 });
  return { page, requests, errors };
}

/** The test hooks the renderer installs (renderer/testing/testHooks.ts). */
export interface TestHooks {
  ready: boolean;
  layers(): { id: string; count: number }[];
  buildingScreenPoint(id: number): [number, number] | null;
  buildingIds(): number[];
  inspector(): { buildingId: number; floors: number; units: number } | null;
  selectedBuildingId(): number | null;
  setLanguage(lng: 'zh-CN' | 'en'): void;
  flyTo(preset: 'overview' | 'oblique' | 'street'): void;
  cameraMoving(): boolean;
  unitScreenPoint(householdId: number): [number, number] | null;
}
declare global {
  interface Window {
    __civictwin?: TestHooks;
  }
}

/** Flies the camera to a preset and waits until it has stopped and a frame has been drawn there. */
export async function flyAndSettle(page: Page, preset: 'overview' | 'oblique' | 'street'): Promise<void> {
  await page.evaluate((p) => window.__civictwin!.flyTo(p), preset);
  await page.waitForFunction(() => !window.__civictwin!.cameraMoving(), undefined, { timeout: 30_000 });
  // One more animation frame: the map's last move is drawn on the next frame.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}
