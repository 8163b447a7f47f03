/**
 * The Electron host, driven by Playwright's `_electron`. Runs where the Electron binary exists;
 * reported as skipped where it does not (it cannot be downloaded on the build machines).
 */
import { describe, expect, inject, it } from 'vitest';
import { _electron as electron } from 'playwright-core';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronBinary } from '../../electron/cli/start.ts';
import { ELECTRON_MAIN } from '../../electron/cli/paths.ts';
import { keyPathFor } from '../../data/store/crypto.ts';

const binary = electronBinary();

describe.skipIf(!binary)('Electron host', () => {
  it('opens the demo district in a hardened window and draws the buildings', async () => {
    // The web host holds the e2e twin open; Electron gets its own copy.
    const dir = mkdtempSync(join(tmpdir(), 'civictwin-electron-'));
    const db = join(dir, 'twin.duckdb');
    copyFileSync(inject('dbPath'), db);
    copyFileSync(keyPathFor(inject('dbPath')), keyPathFor(db));
    const app = await electron.launch({
      executablePath: binary!,
      args: [ELECTRON_MAIN, `--db=${db}`, `--user-data-dir=${join(dir, 'profile')}`, '--no-sandbox'],
      // The unpackaged main serves the test renderer (with window.__civictwin) when asked to.
      env: { ...process.env, CIVICTWIN_RENDERER: 'test' },
    });
    try {
      const page = await app.firstWindow();
      await page.waitForFunction(() => (window as unknown as { __civictwin?: { ready: boolean } }).__civictwin?.ready === true, undefined, {
        timeout: 120_000,
      });
      const layers = await page.evaluate(() => (window as unknown as { __civictwin: { layers(): { id: string; count: number }[] } }).__civictwin.layers());
      expect(layers.find((l) => l.id === 'buildings')?.count).toBe(inject('truth').buildingCount);
      // The security baseline, read back from the live window.
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const wc = BrowserWindow.getAllWindows()[0]!.webContents;
        const p = (wc as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences();
        return { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration };
      });
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
      // New windows are denied.
      await page.evaluate(() => window.open('https://example.com'));
      expect(app.windows().length).toBe(1);
    } finally {
      await app.close();
    }
  });
});
