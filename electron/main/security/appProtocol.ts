/**
 * The app's own `app://civictwin/` scheme: serves the built renderer, and only it, with the
 * Content-Security-Policy on every response. `session.webRequest.onHeadersReceived` does not see
 * responses of a `protocol.handle` scheme, so the policy set there never reached the app's pages;
 * the renderer's index.html also carries it as a <meta> (renderer/vite.config.ts), without
 * `frame-ancestors`, which a <meta> cannot set and this header does.
 */
import { app, net, protocol } from 'electron';
import { existsSync } from 'node:fs';
import { normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from '../../common/csp.ts';

/**
 * The renderer build the window loads: `.build/renderer` beside the main bundle. An unpackaged run
 * (the e2e tests) may ask for the test build with its hooks, `.build/renderer-test`, by
 * CIVICTWIN_RENDERER=test; a packaged app holds only the production build and ignores it.
 */
export function rendererDir(bundleDir: string): string {
  const test = !app.isPackaged && process.env.CIVICTWIN_RENDERER === 'test';
  return resolve(bundleDir, test ? '../renderer-test' : '../renderer');
}

/** Registers the `app:` handler. Call after `app.whenReady()`. */
export function serveAppProtocol(root: string): void {
  const policy = contentSecurityPolicy();
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const rel = normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)).replace(/^([/\\])+/, '');
    const file = resolve(root, rel);
    if (url.host !== 'civictwin' || !file.startsWith(root + sep) || !existsSync(file)) {
      return new Response('Not found', { status: 404, headers: { 'Content-Security-Policy': policy } });
    }
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', policy);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  });
}
