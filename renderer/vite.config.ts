/**
 * Vite config of the renderer. The same build is served by the Electron `app://` protocol and by
 * the web host, so every asset URL is relative (`base: './'`) and nothing points off-host.
 *
 * Three builds (`npm run build` makes the first two):
 *  - production (default mode) → `.build/renderer`: the app only. No test hooks
 *    (`window.__civictwin`, renderer/testing/testHooks.ts: compiled out), no benchmark page. This is
 *    what `serve`, `npm start` and the packaged app serve.
 *  - `--mode test` → `.build/renderer-test`: the app with its test hooks, plus `bench.html`
 *    (renderer/bench/), the page `npm run bench` drives. The e2e tests and the browser benchmarks
 *    serve it (electron/cli/paths.ts RENDERER_TEST_DIST); it is never packaged.
 *  - `--mode fake` → `.build/renderer-fake`: a dev-only `fake.html` that runs the UI on synthetic
 *    data (renderer/bridge/fakeAppApi.ts), with the hooks.
 *
 * Every built page carries the hosts' Content-Security-Policy as a <meta> too (electron/common/
 * csp.ts): the Electron `app:` scheme's responses were out of reach of the session's header hook,
 * and a page saved or served some other way keeps its policy. `frame-ancestors` cannot be set by
 * a <meta> (browsers ignore it there): it stays in the header only. The dev server gets no <meta>:
 * its React refresh preamble is an inline script the policy forbids.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
// The build config, not renderer code: the <meta> policy is the hosts' own, from the one place it is written.
import { contentSecurityPolicy } from '../electron/common/csp.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Directives a <meta http-equiv> policy cannot carry (CSP 3 §3.3): left to the header. */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'report-to', 'sandbox']);

/** The hosts' policy without the directives a <meta> cannot carry. */
export function metaContentSecurityPolicy(): string {
  return contentSecurityPolicy()
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !HEADER_ONLY.has(d.split(/\s+/)[0]!))
    .join('; ');
}

/** Puts the policy first in <head> of every built page, before any script or style. */
function cspMeta(): Plugin {
  return {
    name: 'civictwin-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: metaContentSecurityPolicy() }, injectTo: 'head-prepend' },
    ],
  };
}

const OUT_DIRS: Record<string, string> = {
  production: '../.build/renderer',
  test: '../.build/renderer-test',
  fake: '../.build/renderer-fake',
};

export default defineConfig(({ mode }) => {
  const outDir = OUT_DIRS[mode];
  if (!outDir && mode !== 'development') throw new Error(`renderer/vite.config.ts: unknown mode "${mode}"; use production (default), test or fake.`);
  const production = mode === 'production';
  const input: Record<string, string> = { index: `${here}index.html` };
  if (mode === 'test') {
    input.bench = `${here}bench.html`;
    input.overviewBench = `${here}overview-bench.html`;
  }
  if (mode === 'fake') input.fake = `${here}fake.html`;
  return {
    root: here,
    base: './',
    plugins: [react(), cspMeta()],
    // Read as `import.meta.env.CIVICTWIN_TEST_HOOKS` (testHooks.ts): a constant, so in the
    // production build the hooks' code is dead and dropped.
    define: { 'import.meta.env.CIVICTWIN_TEST_HOOKS': JSON.stringify(!production) },
    build: {
      outDir: outDir ?? OUT_DIRS.production,
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 4096,
      assetsInlineLimit: 0,
      rolldownOptions: { input },
    },
    preview: { headers: { 'Content-Security-Policy': contentSecurityPolicy() } },
    server: { fs: { allow: ['..'] } },
  };
});
