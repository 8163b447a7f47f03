/**
 * Packaging with Electron Forge (`npx electron-forge package|make`, Node ≥ 22.13 as Forge 8
 * requires). The app is built first (`npm run build`): main and preload bundled by esbuild into
 * .build/electron, the production renderer by Vite into .build/renderer (the test renderer in
 * .build/renderer-test is not packaged). No Forge Vite plugin: it packages only
 * /.vite and drops externals such as @duckdb/* (electron/forge#3917, #3599), so instead the
 * whole production tree is packaged, pruned, and native `.node` files are unpacked from the asar.
 */
import type { ForgeConfig } from '@electron-forge/shared-types';
import { MakerZIP } from '@electron-forge/maker-zip';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { FuseV1Options, FuseVersion } from '@electron/fuses';

const SOURCE_ONLY = /^\/(renderer|shaders|tests|data|electron|\.ci|\.github|bench-results|docs|scratch)(\/|$)/;
/**
 * Builds that must not ship: the test renderer (test hooks, benchmark page), the fake-data page,
 * type-check output. Only .build/electron and the production .build/renderer go in.
 */
const NOT_SHIPPED = /^\/\.build\/(?!electron(\/|$)|renderer(\/|$))/;

const config: ForgeConfig = {
  packagerConfig: {
    name: 'CivicTwin',
    executableName: 'civictwin',
    // DuckDB's native binding cannot load from inside an asar (electron/packager#624).
    asar: { unpack: '**/*.node' },
    prune: true,
    ignore: (file: string) => SOURCE_ONLY.test(file) || NOT_SHIPPED.test(file) || /\.(duckdb|key|wal|map)$/.test(file),
  },
  makers: [new MakerZIP({}, ['linux', 'darwin', 'win32'])],
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
