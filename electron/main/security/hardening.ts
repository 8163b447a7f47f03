/**
 * The Electron security baseline, all in one place (RELIABILITY.md §1.1; Electron's checklist):
 * sandboxed, context-isolated renderers without Node; a CSP without 'unsafe-eval' (appProtocol.ts);
 * navigation and new windows denied; every permission request denied; IPC only from our own
 * frames. The packaged binary's fuses (forge.config.ts) close Node's back doors: no ELECTRON_RUN_AS_NODE,
 * no NODE_OPTIONS, no --inspect; the app loads only from its own integrity-checked asar.
 */
import { app, session, type BrowserWindowConstructorOptions, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { contentSecurityPolicy } from '../../common/csp.ts';

export const APP_ORIGIN = 'app://civictwin';

export function hardenedWebPreferences(preload: string): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    // Video walls run for days: keep rendering when the window is covered.
    backgroundThrottling: false,
  };
}

/** Applies session-wide guards. Call once, after `app.whenReady()`. */
export function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // Only responses that go through the network stack pass here; the app's own `app:` scheme sets
  // the policy in its handler (appProtocol.ts) and in index.html's <meta>.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] } });
  });
  // Offline by design (DESIGN.md §5): nothing but our own scheme and devtools may load.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const ok = details.url.startsWith(`${APP_ORIGIN}/`) || details.url.startsWith('devtools:') || details.url.startsWith('blob:') || details.url.startsWith('data:');
    callback({ cancel: !ok });
  });
  app.on('web-contents-created', (_e, contents) => guardContents(contents));
}

function guardContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** GHSA-mq8j-3h7h-p8g7: every IPC handler checks that the sender is our own top frame. */
export function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && frame.url.startsWith(`${APP_ORIGIN}/`);
}
