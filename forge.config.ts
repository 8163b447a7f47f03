/**
 * Packaging with Electron Forge (`npm run make`, Node ≥ 22.13 as Forge 8 requires, and Electron's
 * binary, downloaded by Forge: a machine with internet). The app is built first (`npm run build`):
 * main, preload and the CLI bundled by esbuild into .build/electron, the production renderer by
 * Vite into .build/renderer (the test renderer in .build/renderer-test is not packaged). No Forge
 * Vite plugin: it packages only /.vite and drops externals such as @duckdb/* (electron/forge#3917,
 * #3599). Instead the package is an allow-list (`SHIPPED`): package.json, the bundles, the
 * renderer (with its fonts), and the two modules the bundles leave external — @duckdb/* (native,
 * its `.node` unpacked from the asar) and playwright-core (the briefing printer). Everything else
 * is inlined in the bundles, so the 700 MB of node_modules stay out.
 *
 * On this project's build machines (no GitHub, Node 20) Forge cannot run; tests/unit/package.test.ts
 * packages with @electron/packager and these same options against a stand-in Electron zip.
 */
import type { ForgeConfig } from '@electron-forge/shared-types';
import { MakerZIP } from '@electron-forge/maker-zip';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerSquirrel } from '@electron-forge/maker-squirrel';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/**
 * What ships (paths from the app folder, and every folder above them). Not the sources, tests or
 * type-check output; not the test renderer (test hooks, benchmark page) or the fake-data page:
 * only .build/electron and the production .build/renderer.
 */
const SHIPPED = /^\/(package\.json|\.build(\/(electron|renderer)(\/.*)?)?|node_modules(\/(@duckdb|playwright-core)(\/.*)?)?)$/;
/** Never, wherever they are: twins, keys, WALs, source maps. */
const NEVER = /\.(duckdb|key|wal|map)$/;
const DESCRIPTION = 'CivicTwin 社区数字孪生指挥舱 — a desktop digital twin for grassroots-governance command centres';

const config: ForgeConfig = {
  packagerConfig: {
    name: 'CivicTwin',
    executableName: 'civictwin',
    // DuckDB's native binding cannot load from inside an asar (electron/packager#624).
    asar: { unpack: '**/*.node' },
    // Not pruned by the dependency tree: the packager's pruner keeps every production dependency
    // whatever `ignore` says (react, three, maplibre… that the bundles already inline). The
    // allow-list below is the whole of what ships.
    prune: false,
    ignore: (file: string) => file !== '' && (!SHIPPED.test(file) || NEVER.test(file)),
  },
  makers: [
    new MakerZIP({}, ['linux', 'darwin', 'win32']),
    // /usr/lib/civictwin with /usr/bin/civictwin: the app, and `civictwin <command>` for the CLI.
    new MakerDeb({
      options: {
        name: 'civictwin',
        productName: 'CivicTwin',
        bin: 'civictwin',
        description: DESCRIPTION,
        maintainer: 'CivicTwin',
        section: 'utils',
        categories: ['Utility'],
      },
    }),
    // Windows: a Squirrel installer (CivicTwin-Setup.exe). Runs on Windows, or on Linux with Mono
    // and Wine; npm installs DuckDB's win32 binding only on Windows, so make the Windows package there.
    new MakerSquirrel({ name: 'CivicTwin', authors: 'CivicTwin', description: DESCRIPTION, setupExe: 'CivicTwin-Setup.exe', noMsi: true }),
  ],
  plugins: [
    new FusesPlugin({
      version: FuseVersion.V1,
      // Names as in @electron/fuses 2.x FuseV1Options. With these off, nobody who can start the
      // binary can run it as plain Node, inject code through NODE_OPTIONS or attach a debugger
      // (--inspect) to the process that holds the twin's key in memory.
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      // Off: Playwright cannot drive the packaged app (podman-desktop#4127). The e2e tests drive the
      // unpackaged build with the stock Electron binary, whose fuses are its own.
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      // The app loads from its own app:// scheme, never file://.
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    }),
  ],
};

export default config;
