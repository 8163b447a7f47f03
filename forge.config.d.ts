/**
 * Packaging with Electron Forge (`npx electron-forge package|make`, Node ≥ 22.13 as Forge 8
 * requires). The app is built first (`npm run build`): main and preload bundled by esbuild into
 * .build/electron, the renderer by Vite into .build/renderer. No Forge Vite plugin (electron/forge#3917,
 * #3599): an allow-list of the bundles, the renderer and the modules they leave external
 * (@duckdb/*, its native `.node` unpacked from the asar; playwright-core). See forge.config.ts.
 */
import type { ForgeConfig } from '@electron-forge/shared-types';
declare const config: ForgeConfig;
export default config;
