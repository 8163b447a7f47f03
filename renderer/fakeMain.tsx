/**
 * Dev-only entry (`fake.html`): installs the synthetic host as `window.app`, exactly where the
 * Electron preload would put it, so `getAppApi()` and the rest of the UI stay unchanged. Not part
 * of the production build (see vite.config.ts).
 */
import { createFakeAppApi } from './bridge/fakeAppApi.ts';
import { startApp } from './app/startApp.tsx';

window.app = createFakeAppApi();
startApp();
