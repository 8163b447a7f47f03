/**
 * Packaging with Electron Forge (`npx electron-forge package|make`, Node ≥ 22.13 as Forge 8
 * requires). The app is built first (`npm run build`): main and preload bundled by esbuild into
 * .build/electron, the renderer by Vite into .build/renderer. No Forge Vite plugin: it packages only
 * /.vite and drops externals such as @duckdb/* (electron/forge#3917, #3599), so instead the
 * whole production tree is packaged, pruned, and native `.node` files are unpacked from the asar.
 */
import type { ForgeConfig } from '@electron-forge/shared-types';
import { MakerZIP } from '@electron-forge/maker-zip';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { FuseV1Options, FuseVersion } from '@electron/fuses';

const SOURCE_ONLY = /^\/(renderer|shaders|tests|data|electron|\.ci|\.github|bench-results|docs)(\/|$)/;

const config: ForgeConfig = {
  packagerConfig: {
    name: 'CivicTwin',
    executableName: 'civictwin',
    // DuckDB's native binding cannot load from inside an asar (electron/packager#624).
    asar: { unpack: '**/*.node' },
    prune: true,
    ignore: (file: string) => SOURCE_ONLY.test(file) || /\.(duckdb|key|wal|map)$/.test(file),
  },
  makers: [new MakerZIP({}, ['linux', 'darwin', 'win32'])],
  plugins: [
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      // NOTE: kept on so Playwright can drive the packaged app (podman-desktop#4127).
      [FuseV1Options.EnableNodeCliInspectArguments]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    }),
  ],
};

export default config;
