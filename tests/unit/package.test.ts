/**
 * The packaged app (issue 12, packaging), testable where Electron's binary cannot be downloaded:
 * @electron/packager packages the built app with forge.config.ts's own options (Forge 8 itself
 * needs Node 22 and the real binary) against a stand-in Electron zip, named and laid out as a
 * release zip, whose `electron` is a placeholder carrying the fuse wire. Then, from the package:
 *  - what the app folder holds: the bundles, the renderer with the bundled Noto Sans SC, DuckDB's
 *    native binary outside the asar; no sources, tests, twins, keys or source maps;
 *  - the fuses flipped on the executable as the Forge plugin does;
 *  - every import of the main, preload and CLI bundles resolves inside the package;
 *  - a first launch with no twin (the main bundle from the package, under Node with a stand-in
 *    `electron` module, tests/unit/electronStub.cjs) seeds the demo district in the user-data
 *    folder, not the install folder, opens it and loads the app page through app://; a second
 *    launch opens the same twin; `civictwin seed …` at the executable runs the CLI and exits.
 * Starting the real packaged binary needs the real Electron zip: set CIVICTWIN_ELECTRON_ZIP_DIR to
 * a folder holding electron-v<version>-linux-x64.zip (reported as skipped without it).
 *
 * Runs after `npm run build` (the package is made from .build/electron and .build/renderer).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packager, type Options } from '@electron/packager';
import { extractAll, listPackage } from '@electron/asar';
import { FuseState, FuseV1Options, flipFuses, getCurrentFuseWire } from '@electron/fuses';
import type { FusesPlugin } from '@electron-forge/plugin-fuses';
import forgeConfig from '../../forge.config.ts';
import { REPO_ROOT } from '../../electron/cli/paths.ts';

const ELECTRON_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
const STUB = join(REPO_ROOT, 'tests/unit/electronStub.cjs');
const REAL_ZIP_DIR = process.env.CIVICTWIN_ELECTRON_ZIP_DIR;
/** Required inside try/catch by a bundled library, used only when installed: ws's native speed-ups. */
const OPTIONAL = new Set(['bufferutil', 'utf-8-validate']);
/** The fuse wire's marker in an Electron binary (@electron/fuses constants; not exported). */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * A release-shaped zip (electron-v<version>-linux-x64.zip) whose `electron` is a shell script
 * carrying the fuse sentinel and a wire of every V1 fuse enabled, as a stock binary has them.
 */
function standInElectronZip(dir: string): void {
  const staging = join(dir, 'staging');
  mkdirSync(join(staging, 'resources'), { recursive: true });
  const fuses = Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number');
  const wire = Buffer.from([1, Math.max(...fuses) + 1, ...Array.from({ length: Math.max(...fuses) + 1 }, () => 0x31)]);
  writeFileSync(join(staging, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in Electron: not runnable"; exit 1\n# '), Buffer.from(SENTINEL), wire, Buffer.from('\n')]));
  chmodSync(join(staging, 'electron'), 0o755);
  writeFileSync(join(staging, 'resources/default_app.asar'), 'stand-in');
  writeFileSync(join(staging, 'version'), ELECTRON_VERSION);
  writeFileSync(join(staging, 'LICENSE'), 'stand-in');
  writeFileSync(join(staging, 'LICENSES.chromium.html'), 'stand-in');
  const zip = spawnSync('zip', ['-qr', join(dir, `electron-v${ELECTRON_VERSION}-linux-x64.zip`), '.'], { cwd: staging });
  if (zip.status !== 0) throw new Error(`zip failed (apt-get install -y zip): ${zip.stderr}`);
}

async function packageWith(zipDir: string, out: string): Promise<string> {
  const cfg = forgeConfig.packagerConfig as Options;
  const [appDir] = await packager({ ...cfg, dir: REPO_ROOT, out, platform: 'linux', arch: 'x64', electronVersion: ELECTRON_VERSION, electronZipDir: zipDir, quiet: true, overwrite: true });
  return appDir!;
}

/** Runs the packaged main bundle under Node with the stand-in `electron`, until `until` is printed or it exits. */
function launch(mainCjs: string, args: string[], userData: string, cwd: string, until: RegExp): Promise<{ out: string; code: number | null }> {
  const env: Record<string, string | undefined> = { ...process.env, STUB_USER_DATA: userData, STUB_ARGS: JSON.stringify(args), HOME: join(cwd, 'home') };
  delete env.CIVICTWIN_HOME;
  delete env.CIVICTWIN_RENDERER;
  const child = spawn(process.execPath, ['-r', STUB, mainCjs], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`no "${until.source}" within 90 s:\n${out}`));
    }, 90_000);
    const seen = (d: Buffer): void => {
      out += d.toString();
      if (until.test(out)) {
        clearTimeout(timer);
        child.once('exit', (code) => ok({ out, code }));
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      ok({ out, code });
    });
  });
}

describe('the packaged app (Forge options, @electron/packager, a stand-in Electron zip)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'civictwin-package-'));
  let appDir = '';
  let asarFiles: string[] = [];
  let extracted = '';

  beforeAll(async () => {
    for (const f of ['.build/electron/main.cjs', '.build/electron/cli.mjs', '.build/renderer/index.html']) {
      if (!existsSync(join(REPO_ROOT, f))) throw new Error(`${f} is not built: run "npm run build" first (npm test does).`);
    }
    const zipDir = join(tmp, 'zips');
    mkdirSync(zipDir);
    standInElectronZip(zipDir);
    appDir = await packageWith(zipDir, join(tmp, 'out'));
    asarFiles = listPackage(join(appDir, 'resources/app.asar'), { isPack: false }).map((p) => p.split(sep).join('/'));
    extracted = join(tmp, 'extracted');
    extractAll(join(appDir, 'resources/app.asar'), extracted); // unpacked files are copied in from app.asar.unpacked
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('holds the bundles, the renderer and its font, DuckDB outside the asar, and nothing of the sources', () => {
    const has = (p: string): boolean => asarFiles.includes(p);
    for (const f of ['/package.json', '/.build/electron/main.cjs', '/.build/electron/preload.cjs', '/.build/electron/cli.mjs', '/.build/electron/highs.wasm', '/.build/renderer/index.html', '/node_modules/@duckdb/node-api/package.json']) {
      expect(has(f), f).toBe(true);
    }
    const fonts = asarFiles.filter((f) => f.startsWith('/.build/renderer/') && /noto-sans-sc.*\.woff2$/.test(f));
    expect(fonts.length).toBeGreaterThan(10); // Noto Sans SC comes in ~100 unicode-range slices per weight
    const main = JSON.parse(readFileSync(join(extracted, 'package.json'), 'utf8')) as { main: string };
    expect(main.main).toBe('.build/electron/main.cjs');
    // Nothing that does not ship: sources, tests, other builds, twins, keys, WALs, source maps.
    const stray = asarFiles.filter(
      (f) =>
        /^\/(renderer|data|electron|tests|shaders|docs|bench-results|scratch)\//.test(f) ||
        /^\/\.build\/(?!(electron|renderer)(\/|$))/.test(f) ||
        /\.(duckdb|key|wal|map)$/.test(f) ||
        (/\.tsx?$/.test(f) && !f.endsWith('.d.ts')) ||
        /bench\.html$|fake\.html$/.test(f),
    );
    expect(stray).toEqual([]);
    // Only the modules the bundles leave external are in node_modules.
    const modules = new Set(asarFiles.filter((f) => /^\/node_modules\/(@[^/]+\/)?[^@/][^/]*/.test(f)).map((f) => f.split('/').slice(2, f.startsWith('/node_modules/@') ? 4 : 3).join('/')));
    expect([...modules].filter((m) => !m.startsWith('@duckdb/') && m !== 'playwright-core')).toEqual([]);
    // DuckDB's native binding cannot load from inside an asar: it is unpacked beside it.
    const unpacked = filesUnder(join(appDir, 'resources/app.asar.unpacked')).map((f) => relative(appDir, f));
    expect(unpacked.some((f) => /node_modules\/@duckdb\/node-bindings-linux-x64\/.*\.node$/.test(f)), unpacked.join('\n')).toBe(true);
    expect(existsSync(join(appDir, 'civictwin'))).toBe(true);
    expect(existsSync(join(appDir, 'resources/default_app.asar'))).toBe(false);
    const mb = filesUnder(appDir).reduce((s, f) => s + statSync(f).size, 0) / 1024 / 1024;
    console.log(`packaged app folder (stand-in Electron): ${mb.toFixed(0)} MB, ${asarFiles.length} entries in app.asar, ${fonts.length} font files`);
  });

  it("flips the executable's fuses as the Forge plugin does", async () => {
    const plugin = forgeConfig.plugins?.find((p) => (p as { name?: string }).name === 'fuses') as (FusesPlugin & { fusesConfig: Parameters<typeof flipFuses>[1] }) | undefined;
    expect(plugin).toBeDefined();
    const exe = join(appDir, 'civictwin');
    await flipFuses(exe, plugin!.fusesConfig);
    const wire = await getCurrentFuseWire(exe);
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
  });

  it('resolves every import of the main, preload and CLI bundles inside the package', () => {
    const checked: string[] = [];
    for (const bundle of ['main.cjs', 'preload.cjs', 'cli.mjs']) {
      const file = join(extracted, '.build/electron', bundle);
      // Code lines only: bundled libraries' JSDoc is full of `import("./x.js")` types.
      const text = readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => !/^\s*(\*|\/\*|\/\/)/.test(l))
        .map((l) => l.replace(/\/\*\*?[^*]*\*\//g, ''))
        .join('\n');
      const specs = new Set<string>();
      // Module specifiers only (a bundled library's error text can hold `from "…"` too).
      const SPEC = '((?:@[\\w.-]+\\/)?[\\w.-]+(?:\\/[\\w.@-]+)*|\\.{1,2}\\/[\\w./@-]+)';
      // esbuild's ESM output calls bundled CommonJS code's require() as __require(). Not inside a
      // string: ajv's code generator holds `'require("ajv/dist/runtime/…")'` as text.
      const pattern = new RegExp(`(?<![\\w$\`'"])(?:__)?require\\("${SPEC}"\\)|(?<![\\w$.{])import\\("${SPEC}"\\)|\\bfrom ?"${SPEC}";|^import ?"${SPEC}";`, 'gm');
      for (const m of text.matchAll(pattern)) specs.add((m[1] ?? m[2] ?? m[3] ?? m[4])!);
      const requireHere = createRequire(file);
      for (const spec of specs) {
        if (isBuiltin(spec) || spec === 'electron' || OPTIONAL.has(spec)) continue;
        let resolved = '';
        try {
          resolved = requireHere.resolve(spec);
        } catch (err) {
          throw new Error(`${bundle}: "${spec}" does not resolve in the package: ${(err as Error).message.split('\n')[0]}`);
        }
        expect(resolved.startsWith(extracted + sep), `${bundle}: ${spec} → ${resolved}`).toBe(true);
        checked.push(`${bundle}: ${spec}`);
      }
    }
    // The bundles inline everything else; these are what they leave external.
    expect(checked).toEqual(expect.arrayContaining(['main.cjs: @duckdb/node-api', 'cli.mjs: @duckdb/node-api', 'cli.mjs: playwright-core']));
    // Read at run time beside the bundle: the main process imports the CLI (seeding) and HiGHS its wasm.
    expect(readFileSync(join(extracted, '.build/electron/main.cjs'), 'utf8')).toContain('cli.mjs');
    expect(existsSync(join(extracted, '.build/electron/highs.wasm'))).toBe(true);
  });

  it('first launch without a twin: seeds the demo district in the user-data folder, opens it and loads the app page; the next launch reopens it', async () => {
    const userData = join(tmp, 'user-data', 'CivicTwin');
    const cwd = join(tmp, 'cwd');
    mkdirSync(join(cwd, 'home'), { recursive: true });
    const main = join(extracted, '.build/electron/main.cjs');
    // --no-simulate: the demo's 24 h of replay history (a live-feed matter, tested with `civictwin
    // demo`) is not written here, so the launch takes seconds, not minutes, on a busy machine.
    const first = await launch(main, ['--no-simulate'], userData, cwd, /STUB served|could not start/);
    expect(first.out).toContain(`First launch: creating the demo district at ${join(userData, 'demo.duckdb')}`);
    expect(first.out).toMatch(/Demo district ready: 2000 buildings/);
    expect(first.out).toContain('STUB loadURL app://civictwin/index.html with a one-time sign-in');
    expect(first.out).toMatch(/STUB served 200 \d+ app page/);
    expect(first.out).not.toContain('could not start');
    expect(existsSync(join(userData, 'demo.duckdb'))).toBe(true);
    // Nothing written into the install folder or the package.
    expect(filesUnder(appDir).filter((f) => /\.(duckdb|wal|key)$/.test(f))).toEqual([]);
    expect(filesUnder(extracted).filter((f) => /\.(duckdb|wal|key)$/.test(f))).toEqual([]);

    const second = await launch(main, ['--no-simulate'], userData, cwd, /STUB served|could not start/);
    expect(second.out).not.toContain('First launch');
    expect(second.out).toMatch(/STUB served 200 \d+ app page/);
  }, 200_000);

  it('`civictwin seed …` at the packaged executable runs the CLI, opens no window and exits', async () => {
    const out = join(tmp, 'cli', 'small.duckdb');
    const r = await launch(join(extracted, '.build/electron/main.cjs'), ['seed', '--out', out, '--buildings', '100'], join(tmp, 'cli-user-data'), join(tmp, 'cwd'), /STUB exit/);
    expect(r.out).toMatch(/Seeded .*small\.duckdb .*100 buildings/);
    expect(r.out).toContain('STUB exit 0');
    expect(r.out).not.toContain('STUB window');
    expect(existsSync(out)).toBe(true);
  }, 120_000);

  // The real binary: package with the real Electron zip and start it (a machine with internet).
  it.skipIf(!REAL_ZIP_DIR)('the real packaged binary starts on a fresh user-data folder and draws the demo district', async () => {
    const { _electron } = await import('playwright-core');
    const real = await packageWith(REAL_ZIP_DIR!, join(tmp, 'real'));
    const app = await _electron.launch({ executablePath: join(real, 'civictwin'), args: ['--no-sandbox', `--user-data-dir=${join(tmp, 'real-user-data')}`], env: { ...process.env, CIVICTWIN_HOME: join(tmp, 'real-home') } });
    try {
      const page = await app.firstWindow();
      await page.locator('canvas').first().waitFor({ timeout: 120_000 });
      expect(existsSync(join(tmp, 'real-home', 'demo.duckdb'))).toBe(true);
    } finally {
      await app.close();
    }
  }, 300_000);
});
