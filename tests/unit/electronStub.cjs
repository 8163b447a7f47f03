/**
 * A stand-in for the `electron` module, preloaded with `node -r` in front of the packaged app's
 * main bundle (tests/unit/package.test.ts): the real binary cannot be downloaded on the build
 * machines. It plays a packaged app started with no arguments (a double-click) or with
 * STUB_ARGS, reports what the main process asks of Electron on stdout as `STUB <what> …`, and
 * serves the first app:// request through the main process's own protocol handler.
 *
 * Only the surface the main process uses; anything else is a recorder that does nothing.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload for `node -r` */
'use strict';
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const { readFileSync } = require('node:fs');
const { fileURLToPath } = require('node:url');

const say = (...parts) => process.stdout.write(`STUB ${parts.join(' ')}\n`);
const noop = () => undefined;
/** Any property, any call: returns itself, does nothing. */
const inert = () =>
  new Proxy(function () {}, {
    get: (_t, key) => (key === 'then' ? undefined : inert()),
    apply: () => inert(),
  });

// A packaged app's argv: [executable, ...arguments] (no script path).
process.argv.splice(1, process.argv.length - 1, ...JSON.parse(process.env.STUB_ARGS ?? '[]'));

let appHandler = null;
const app = Object.assign(new EventEmitter(), {
  isPackaged: true,
  commandLine: inert(),
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  getPath(name) {
    if (name !== 'userData') throw new Error(`stub: getPath(${name})`);
    return process.env.STUB_USER_DATA;
  },
  quit() {
    say('quit');
    process.exit(0);
  },
  exit(code) {
    say('exit', String(code ?? 0));
    process.exit(code ?? 0);
  },
});

class WebContents extends EventEmitter {
  setWindowOpenHandler() {}
  send() {}
  isDestroyed() {
    return false;
  }
}
class BrowserWindow extends EventEmitter {
  static windows = [];
  static getAllWindows() {
    return BrowserWindow.windows;
  }
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    BrowserWindow.windows.push(this);
    say('window', JSON.stringify({ title: options.title, sandbox: options.webPreferences?.sandbox, contextIsolation: options.webPreferences?.contextIsolation }));
  }
  async loadURL(url) {
    const [page, hash = ''] = url.split('#');
    say('loadURL', page, hash.startsWith('once=') ? 'with a one-time sign-in' : 'without sign-in');
    // What the window would fetch first, through the main process's own app:// handler.
    const res = appHandler ? await appHandler(new Request(page)) : null;
    const body = res ? await res.text() : '';
    say('served', String(res?.status ?? 'no handler'), String(body.length), /<div id="root">/.test(body) ? 'app page' : 'other');
  }
  show() {}
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
  reload() {}
}

const electron = {
  app,
  BrowserWindow,
  protocol: {
    registerSchemesAsPrivileged: noop,
    handle(scheme, handler) {
      if (scheme === 'app') appHandler = handler;
    },
  },
  net: {
    // The handler maps app:// to a file:// URL inside the package.
    fetch: async (url) => new Response(readFileSync(fileURLToPath(url))),
  },
  session: { defaultSession: inert() },
  ipcMain: { handle: noop, removeHandler: noop },
  safeStorage: {
    isAsyncEncryptionAvailable: async () => false,
    getSelectedStorageBackend: () => 'basic_text',
    encryptStringAsync: async () => {
      throw new Error('stub: no keychain');
    },
    decryptStringAsync: async () => {
      throw new Error('stub: no keychain');
    },
  },
};

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'electron') return electron;
  return load.call(this, request, parent, isMain);
};
process.versions.electron ??= 'stub';
