// Bundles the Electron main process, the preload and the CLI with esbuild. Main and the CLI keep
// @duckdb/* external (native bindings picked at run time per platform: duckdb-node-neo#231); the
// sandboxed preload must be a single CommonJS file with everything inlined (Electron ESM docs).
//
// The CLI bundle (.build/electron/cli.mjs) is what the packaged app runs for `civictwin <command>`
// (the app's main process hands such a command line to it): the TypeScript sources and tsx are
// not in the package. Files read at run time sit beside the bundles: HiGHS's wasm (the
// evacuation solver loads it next to its own script, `new URL('highs.wasm', import.meta.url)`).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, '.build/electron');
const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning' };
// A CommonJS bundle has no import.meta: bundled ES modules that locate files by it (HiGHS) get
// the bundle's own file URL instead of undefined.
const cjsImportMeta = {
  define: { 'import.meta.url': '__civictwinImportMetaUrl' },
  banner: { js: 'const __civictwinImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};
/** `civictwin bench` drives a browser from a source checkout; the installed app says so instead. */
const noBenchInPackage = {
  name: 'no-bench-in-package',
  setup(b) {
    b.onResolve({ filter: /\/bench\.ts$/ }, () => ({ path: 'bench', namespace: 'civictwin-no-bench' }));
    b.onLoad({ filter: /.*/, namespace: 'civictwin-no-bench' }, () => ({
      contents: "export async function runBenchmarks() { throw new Error('civictwin bench runs from a source checkout (npm run bench), not from the installed app.'); }",
      loader: 'js',
    }));
  },
};
await build({
  ...common,
  ...cjsImportMeta,
  format: 'cjs',
  entryPoints: [join(root, 'electron/main/index.ts')],
  outfile: join(out, 'main.cjs'),
  external: ['electron', '@duckdb/*'],
});
await build({
  ...common,
  format: 'cjs',
  entryPoints: [join(root, 'electron/preload/index.ts')],
  outfile: join(out, 'preload.cjs'),
  external: ['electron'],
});
await build({
  ...common,
  format: 'esm',
  // `node cli.mjs <command>` runs it; the packaged app's main imports it and calls run().
  stdin: {
    contents: "import { run } from './main.ts';\nexport { run };\nexport { seedTwin } from './twinFiles.ts';\nif (!process.versions.electron) await run(process.argv);\n",
    resolveDir: join(root, 'electron/cli'),
    sourcefile: 'cli-entry.ts',
    loader: 'ts',
  },
  outfile: join(out, 'cli.mjs'),
  // playwright-core (the briefing printer drives Chromium) reads its own package files at run
  // time: it ships as a module of its own, as @duckdb/* does.
  external: ['electron', '@duckdb/*', 'playwright-core'],
  plugins: [noBenchInPackage],
  // Bundled CommonJS dependencies call require() for Node's built-ins.
  banner: { js: 'import { createRequire as __civictwinCreateRequire } from "node:module"; const require = __civictwinCreateRequire(import.meta.url);' },
});
mkdirSync(out, { recursive: true });
const requireHere = createRequire(import.meta.url);
copyFileSync(join(dirname(requireHere.resolve('highs')), 'highs.wasm'), join(out, 'highs.wasm'));
console.log('Built .build/electron/main.cjs, preload.cjs and cli.mjs');
