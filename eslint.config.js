// ESLint (flat config) with typescript-eslint and the layer rule: imports flow down only, and a
// feature module's folder never reaches into another module's. The rule resolves every relative
// import to the folder it lands in (a pattern on the import text would miss `../store/x.ts` from
// data/feed), so it holds between siblings as well as across the tree:
//   data/model → nothing · data/feed → model · data/store → model, feed
//   data/analytics, data/import → model, feed, store · data/seed → the rest of data/
//   electron/common → data/model · electron/preload → electron/common
//   electron/services → electron/common, data/* · electron/main, web → + services · electron/cli → + web
//   renderer → electron/common (types only), data/model, data/feed, shaders · shaders → nothing
//   tests → anything
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const DATA = ['data/model', 'data/feed', 'data/store', 'data/analytics', 'data/import', 'data/seed'];

/** Every layer (a folder), what it may import of ours besides itself, and why. */
const LAYERS = {
  'data/model': { may: [], why: 'data/model is the bottom layer: it imports nothing of ours.' },
  'data/feed': { may: ['data/model'], why: 'data/feed (event schemas, also run in the renderer) may import data/model only.' },
  'data/store': { may: ['data/model', 'data/feed'], why: 'data/store may import data/model and data/feed only.' },
  'data/analytics': { may: ['data/model', 'data/feed', 'data/store'], why: 'data/analytics may import data/model, data/feed and data/store only.' },
  'data/import': { may: ['data/model', 'data/feed', 'data/store'], why: 'data/import may import data/model, data/feed and data/store only.' },
  'data/seed': { may: DATA, why: 'data/seed (the demo district) may import the data layer only.' },
  shaders: { may: [], why: 'shaders are leaf string modules.' },
  'electron/common': { may: ['data/model'], why: 'electron/common is the contract: it may import data/model only.' },
  'electron/preload': { may: ['electron/common'], why: 'The sandboxed preload sees electron/common only.' },
  'electron/services': { may: [...DATA, 'electron/common'], why: 'The services sit under the hosts: data/* and electron/common only.' },
  'electron/web': { may: [...DATA, 'electron/common', 'electron/services'], why: 'The web host uses the services, the contract and data/*; never another host or the renderer.' },
  'electron/main': { may: [...DATA, 'electron/common', 'electron/services'], why: 'Electron main uses the services, the contract and data/*; never another host or the renderer.' },
  'electron/cli': { may: [...DATA, 'electron/common', 'electron/services', 'electron/web'], why: 'The CLI runs the services and the web host; never Electron main, the preload or the renderer.' },
  'electron/build': { may: [], why: 'The build script bundles by path; it imports nothing of ours.' },
  renderer: { may: ['electron/common', 'data/model', 'data/feed', 'shaders'], why: 'The renderer sees the contract (types only), data/model, data/feed and shaders only.' },
  tests: { may: 'all', why: '' },
};
/** Folders whose modules import the contract for its types only. */
const TYPES_ONLY = { renderer: ['electron/common'] };
/** Build and lint tooling at the root or beside a bundle's config: not a layer. */
const TOOLING = ['eslint.config.js', 'forge.config.ts', 'renderer/vite.config.ts'];

/** Where feature modules have their folders, and the folders there that are not modules. */
const MODULE_PARENTS = ['data/model', 'data/feed', 'data/store', 'data/analytics', 'data/import', 'electron/common', 'electron/services', 'renderer/features', 'shaders'];
const NOT_MODULES = new Set(['migrations', 'simulator']);
/** The feature modules: the folders beside the registries (data/feed, data/store, electron/common, electron/services, renderer/features). */
const MODULES = new Set(
  ['data/feed', 'data/store', 'electron/common', 'electron/services', 'renderer/features'].flatMap((dir) =>
    readdirSync(path.join(ROOT, dir), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !NOT_MODULES.has(d.name))
      .map((d) => d.name),
  ),
);

const layerOf = (rel) => Object.keys(LAYERS).find((l) => rel === l || rel.startsWith(`${l}/`)) ?? null;
function moduleOf(rel) {
  for (const parent of MODULE_PARENTS) {
    if (!rel.startsWith(`${parent}/`)) continue;
    const parts = rel.slice(parent.length + 1).split('/');
    if (parts.length > 1 && MODULES.has(parts[0])) return parts[0];
  }
  return null;
}

/** The layer rule itself (see the top of this file). */
const layersRule = {
  meta: { type: 'problem', schema: [], docs: { description: 'Imports flow down the layers; a feature module imports no other module.' } },
  create(context) {
    const rel = path.relative(ROOT, context.filename).split(path.sep).join('/');
    if (rel.startsWith('..') || TOOLING.includes(rel)) return {};
    const layer = layerOf(rel);
    if (!layer) {
      return {
        Program(node) {
          context.report({ node, message: `${rel} is in no layer: add its folder to LAYERS in eslint.config.js with what it may import.` });
        },
      };
    }
    const own = moduleOf(rel);
    const check = (node, source, typeOnly) => {
      const spec = source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.relative(ROOT, path.resolve(path.dirname(context.filename), spec)).split(path.sep).join('/');
      const to = layerOf(target) ?? 'the tooling at the root';
      const rule = LAYERS[layer];
      if (to !== layer && rule.may !== 'all' && !rule.may.includes(to)) {
        context.report({ node: source, message: `${layer} may not import ${to} (${spec}). ${rule.why}` });
        return;
      }
      if (!typeOnly && (TYPES_ONLY[layer] ?? []).includes(to)) {
        context.report({ node: source, message: `${layer} imports ${to} as types only (\`import type\`): ${spec}.` });
        return;
      }
      const theirs = moduleOf(target);
      if (own && theirs && theirs !== own && layer !== 'tests') {
        context.report({
          node: source,
          message: `The ${own} module may not import the ${theirs} module's code (${spec}): share it through a lower layer or this layer's core, never module to module.`,
        });
      }
    };
    const allTypes = (specifiers, kind) => specifiers.length > 0 && specifiers.every((s) => s[kind] === 'type');
    return {
      ImportDeclaration: (node) => check(node, node.source, node.importKind === 'type' || allTypes(node.specifiers, 'importKind')),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source, node.exportKind === 'type' || allTypes(node.specifiers, 'exportKind')),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source, false),
    };
  },
};

/** `no-restricted-imports` patterns for packages a layer must not use (Node, the database, Electron, React). */
const forbid = (...groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.map(([regex, message]) => ({ regex, message })) }],
});

export default tseslint.config(
  { ignores: ['.build/**', 'scratch/**', 'node_modules/**', 'out/**', 'bench-results/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-warning-comments': ['error', { terms: ['todo', 'fixme'], location: 'start' }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.js'],
    plugins: { civictwin: { rules: { layers: layersRule } } },
    rules: { 'civictwin/layers': 'error' },
  },
  {
    files: ['data/model/**/*.ts'],
    rules: forbid(['^(node:|@duckdb/|react$|electron$)', 'data/model is pure: no Node, DOM, database or UI imports.']),
  },
  {
    files: ['data/feed/**/*.ts'],
    rules: forbid(['^(node:|@duckdb/|electron$|react$)', 'data/feed runs in the renderer too: no Node, database or UI APIs.']),
  },
  {
    files: ['data/store/**/*.ts', 'data/analytics/**/*.ts', 'data/import/**/*.ts', 'data/seed/**/*.ts'],
    rules: forbid(['^(electron$|react$|react-dom)', 'The data layer runs in hosts and CLIs: no Electron or UI imports.']),
  },
  {
    files: ['electron/common/**/*.ts'],
    rules: forbid(['^(node:|@duckdb/|electron$)', 'electron/common is shared with the renderer and preload: no Electron or Node APIs.']),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'], // build tooling runs in Node
    languageOptions: { globals: { ...globals.browser } },
    rules: forbid(['^(node:|@duckdb/|electron$)', 'The renderer runs sandboxed in a browser: no Node, Electron or database APIs.']),
  },
);
