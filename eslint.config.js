// ESLint (flat config) with typescript-eslint and the layer rule: imports flow down only.
//   data/model → nothing · data/feed, data/store, data/seed, data/import → data/model (and store)
//   electron/common → data/model · electron/preload → electron/common
//   electron/main, services, web, cli → electron/common, data/*
//   renderer → electron/common (types only), data/model, data/feed, shaders
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** `no-restricted-imports` patterns that forbid a layer from reaching up or sideways. */
const forbid = (...groups) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: groups.map(([group, message]) =>
        typeof group === 'string' ? { regex: group, message } : { group, message },
      ),
    },
  ],
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
    files: ['data/model/**/*.ts'],
    rules: forbid(
      [['**/data/store/**', '**/data/feed/**', '**/data/seed/**', '**/data/import/**', '**/electron/**', '**/renderer/**', '**/shaders/**'], 'data/model is the bottom layer: it imports nothing of ours.'],
      ['^(node:|@duckdb/|react$|electron$)', 'data/model is pure: no Node, DOM, database or UI imports.'],
    ),
  },
  {
    files: ['data/feed/**/*.ts'],
    rules: forbid(
      [['**/data/store/**', '**/data/seed/**', '**/data/import/**', '**/electron/**', '**/renderer/**'], 'data/feed may import data/model only.'],
      ['^(node:|@duckdb/|electron$)', 'data/feed runs in the renderer too: no Node or database APIs.'],
    ),
  },
  {
    files: ['data/store/**/*.ts', 'data/seed/**/*.ts', 'data/import/**/*.ts'],
    rules: forbid([['**/electron/**', '**/renderer/**', '**/shaders/**'], 'The data layer must not import hosts or the renderer.']),
  },
  {
    // Models over the store's data (road graph, meter detector, typhoon wind/flood/evacuation):
    // they read the store and the model, never a host or the renderer.
    files: ['data/analytics/**/*.ts'],
    rules: forbid(
      [['**/data/seed/**', '**/data/import/**', '**/electron/**', '**/renderer/**', '**/shaders/**'], 'data/analytics may import data/model, data/feed and data/store only.'],
      ['^(electron$|react$)', 'data/analytics runs in hosts and CLIs: no Electron or UI imports.'],
    ),
  },
  {
    files: ['shaders/**/*.ts'],
    rules: forbid([['../*', '**/data/**', '**/electron/**', '**/renderer/**'], 'shaders are leaf string modules.']),
  },
  {
    files: ['electron/common/**/*.ts'],
    rules: forbid(
      [['**/data/store/**', '**/data/feed/**', '**/data/seed/**', '**/data/import/**', '**/electron/main/**', '**/electron/services/**', '**/electron/web/**', '**/electron/cli/**', '**/renderer/**'], 'electron/common is the contract: it may import data/model only.'],
      ['^(node:|@duckdb/|electron$)', 'electron/common is shared with the renderer and preload: no Electron or Node APIs.'],
    ),
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: forbid([['**/data/**', '**/electron/main/**', '**/electron/services/**', '**/renderer/**'], 'The sandboxed preload sees electron/common only.']),
  },
  {
    files: ['electron/main/**/*.ts', 'electron/services/**/*.ts', 'electron/web/**/*.ts', 'electron/cli/**/*.ts'],
    rules: forbid([['**/renderer/**', '**/shaders/**'], 'Hosts serve the renderer; they never import it.']),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'], // build tooling runs in Node
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...forbid(
        [['**/data/store/**', '**/data/seed/**', '**/data/import/**', '**/electron/main/**', '**/electron/services/**', '**/electron/web/**', '**/electron/cli/**', '**/electron/preload/**'], 'The renderer sees the contract, data/model, data/feed and shaders only.'],
        ['^(node:|@duckdb/|electron$)', 'The renderer runs sandboxed in a browser: no Node, Electron or database APIs.'],
      ),
    },
  },
  {
    // The renderer may import the contract for its types only.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/electron/common/**'], allowTypeImports: true, message: 'The renderer imports the contract as types only.' }] },
      ],
    },
  },
);
