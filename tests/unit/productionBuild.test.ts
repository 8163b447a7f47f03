/**
 * What ships: the production renderer (`npm run build` → .build/renderer) carries no test hooks
 * and no benchmark or fake-data page, and its page sets the hosts' CSP as a <meta>; the test
 * renderer the e2e tests and the browser bench serve (.build/renderer-test) does have the hooks
 * and the bench page; the packaged app's fuses close Node's back doors. Reads the built files, so
 * it runs after `npm run build` (as `npm test` does).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FuseV1Options } from '@electron/fuses';
import type { FusesPlugin } from '@electron-forge/plugin-fuses';
import { contentSecurityPolicy } from '../../electron/common/csp.ts';
import { RENDERER_DIST, RENDERER_TEST_DIST } from '../../electron/cli/paths.ts';
import forgeConfig from '../../forge.config.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function built(dir: string): string[] {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} is not built: run "npm run build" first (npm test does).`);
  return filesUnder(dir);
}

const decode = (s: string): string => s.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&');

describe('the production renderer', () => {
  it('has no test hooks, no benchmark page and no fake-data page', () => {
    const files = built(RENDERER_DIST);
    const names = files.map((f) => f.slice(RENDERER_DIST.length + 1));
    expect(names).not.toContain('bench.html');
    expect(names).not.toContain('fake.html');
    const offenders = files.filter((f) => /\.(js|html|mjs)$/.test(f)).filter((f) => {
      const text = readFileSync(f, 'utf8');
      // The hooks' global, the benchmark page's global, and hook-only entry points.
      return /__civictwin|__bench|onIncidentDrawn|replayTo/.test(text);
    });
    expect(offenders).toEqual([]);
  });

  it("sets the hosts' Content-Security-Policy as a <meta>, before any script, without frame-ancestors", () => {
    built(RENDERER_DIST);
    const html = readFileSync(join(RENDERER_DIST, 'index.html'), 'utf8');
    const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
    expect(m, 'no CSP <meta> in index.html').not.toBeNull();
    const expected = contentSecurityPolicy()
      .split('; ')
      .filter((d) => !d.startsWith('frame-ancestors'))
      .join('; ');
    expect(decode(m![1]!)).toBe(expected);
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
  });
});

describe('the test renderer (e2e tests, browser bench)', () => {
  it('has the test hooks and the benchmark page', () => {
    const files = built(RENDERER_TEST_DIST);
    expect(existsSync(join(RENDERER_TEST_DIST, 'bench.html'))).toBe(true);
    expect(files.some((f) => f.endsWith('.js') && readFileSync(f, 'utf8').includes('__civictwin'))).toBe(true);
  });
});

describe('the packaged app', () => {
  it("fuses: no run-as-Node, no NODE_OPTIONS, no --inspect; cookies encrypted; only its own integrity-checked asar", () => {
    const fuses = forgeConfig.plugins?.find((p) => (p as { name?: string }).name === 'fuses') as FusesPlugin | undefined;
    expect(fuses).toBeDefined();
    expect(fuses!.fusesConfig).toMatchObject({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    });
  });

  it('leaves the test renderer, the fake page and type-check output out of the package', () => {
    const ignore = forgeConfig.packagerConfig?.ignore as (file: string) => boolean;
    expect(ignore('/.build/renderer/index.html')).toBe(false);
    expect(ignore('/.build/electron/main.cjs')).toBe(false);
    expect(ignore('/.build/renderer-test/index.html')).toBe(true);
    expect(ignore('/.build/renderer-test/bench.html')).toBe(true);
    expect(ignore('/.build/renderer-fake/fake.html')).toBe(true);
    expect(ignore('/.build/tsc/data/store/crypto.js')).toBe(true);
    expect(ignore('/tests/e2e/app.test.ts')).toBe(true);
  });
});
