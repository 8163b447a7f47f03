/**
 * Packaging with Electron Forge (`npx electron-forge package|make`, Node ≥ 22.13 as Forge 8
 * requires). The app is built first (`npm run build`): main and preload bundled by esbuild into
 * .build/electron, the renderer by Vite into .build/renderer. No Forge Vite plugin: it packages only
 * /.vite and drops externals such as @duckdb/* (electron/forge#3917, #3599), so instead the
 * whole production tree is packaged, pruned, and native `.node` files are unpacked from the asar.
 */
import type { ForgeConfig } from '@electron-forge/shared-types';
declare const config: ForgeConfig;
export default config;
