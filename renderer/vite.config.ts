/**
 * Vite config of the renderer. The same build is served by the Electron `app://` protocol and by
 * the web host, so every asset URL is relative (`base: './'`) and nothing points off-host.
 *
 * `--mode fake` additionally builds `fake.html`, a dev-only entry that runs the UI on synthetic data
 * (renderer/bridge/fakeAppApi.ts) into `.build/renderer-fake`; the production build never contains it.
 *
 * `bench.html` (renderer/bench/) is the page `npm run bench` drives for the in-browser benchmarks;
 * it is built with the production renderer so the web host serves it, and the app never links to it.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = fileURLToPath(new URL('.', import.meta.url));

/** What the hosts send; mirrored on `vite preview` so local checks run under the same policy. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self' ws:",
].join('; ');

export default defineConfig(({ mode }) => {
  const fake = mode === 'fake';
  return {
    root: here,
    base: './',
    plugins: [react()],
    build: {
      outDir: fake ? '../.build/renderer-fake' : '../.build/renderer',
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 4096,
      assetsInlineLimit: 0,
      rolldownOptions: {
        input: fake
          ? { index: `${here}index.html`, fake: `${here}fake.html` }
          : { index: `${here}index.html`, bench: `${here}bench.html` },
      },
    },
    preview: { headers: { 'Content-Security-Policy': CSP } },
    server: { fs: { allow: ['..'] } },
  };
});
