// Bundles the Electron main process and the preload with esbuild. Main keeps @duckdb/* external
// (native bindings picked at run time per platform: duckdb-node-neo#231); the sandboxed preload
// must be a single CommonJS file with everything inlined (Electron ESM docs).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const common = { bundle: true, platform: 'node', target: 'node22', format: 'cjs', sourcemap: true, logLevel: 'warning' };
await build({
  ...common,
  entryPoints: [join(root, 'electron/main/index.ts')],
  outfile: join(root, '.build/electron/main.cjs'),
  external: ['electron', '@duckdb/*'],
});
await build({
  ...common,
  entryPoints: [join(root, 'electron/preload/index.ts')],
  outfile: join(root, '.build/electron/preload.cjs'),
  external: ['electron'],
});
console.log('Built .build/electron/main.cjs and preload.cjs');
