/**
 * `civictwin typhoon brief` as a user runs it: a real process on a seeded twin with Lekima (1909)
 * imported from the real files, printing the app's briefing page through Chromium. The PDF is read
 * back with poppler (pdfinfo, pdftotext, pdffonts, pdftoppm) as a person would look at it: A4,
 * several pages, the storm's Chinese name and every grid's name in its text, the bundled CJK font
 * embedded, maps drawn in colour. A second briefing says what changed since the first.
 *
 * Needs the built app (`npm run build`, which `npm test` runs first), Chromium and poppler-utils.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { importTrackFiles } from '../../data/import/typhoon/importTracks.ts';
import { RENDERER_DIST } from '../../electron/cli/paths.ts';
import { briefChanges } from '../../renderer/features/typhoon/brief/briefChanges.ts';
import type { BriefFigures } from '../../electron/common/typhoon/brief.ts';
import type { StormListItem } from '../../electron/common/typhoon/contract.ts';
import { createServices, dispatch, type Services } from '../../electron/services/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import { chromiumBriefPrinter } from '../../electron/web/briefPrinter.ts';
import { chooseStorm, setBriefPrinter } from '../../electron/services/typhoon/briefPdf.ts';
import { chromium, type Browser } from 'playwright-core';
import { civictwin, freePort, startCivictwin } from './twinProcesses.ts';
import { realDataDir, tempDir } from './helpers.ts';

const real = realDataDir();
const tmp = tempDir();
const has = (cmd: string): boolean => spawnSync('which', [cmd]).status === 0;
const ready = Boolean(real) && existsSync(join(RENDERER_DIST, 'index.html')) && (existsSync('/usr/bin/chromium') || Boolean(process.env.CIVICTWIN_CHROMIUM)) && has('pdftoppm');
let db = '';
let gridNames: string[] = [];

const poppler = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

describe.skipIf(!ready)('civictwin typhoon brief: the briefing as an A4 PDF', () => {
  beforeAll(async () => {
    db = tmp.path('brief.duckdb');
    await seedTwin(db, 1, 300, undefined, () => undefined);
    const store = await DuckDbStore.open(db);
    await importTrackFiles(store, [join(real!, 'typhoon')], { storms: ['1909'] });
    gridNames = (
      await store.all<{ name: string }>("SELECT DISTINCT g.name FROM areas g JOIN buildings b ON b.grid_id = g.id WHERE g.level = 'grid' ORDER BY g.name")
    ).map((r) => r.name);
    store.close();
  }, 240_000);
  afterAll(() => tmp.cleanup());

  it('prints A4 pages with the storm, every grid, the bundled font and the maps', async () => {
    const out = tmp.path('brief-1.pdf');
    const run = await civictwin(['typhoon', 'brief', '--db', db, '--out', out, '--storm', '利奇马']);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/Briefing no\. 1 on 利奇马 Lekima 1909 \(WZTF:1909\): \d+ A4 pages/);

    const info = poppler('pdfinfo', [out]);
    expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBeGreaterThanOrEqual(2);
    expect(info).toMatch(/Page size:\s+595(\.\d+)? x 842(\.\d+)? pts \(A4\)|Page size:\s+594\.96 x 841\.92 pts \(A4\)/);

    // The text is text (searchable), not pictures of text.
    const text = poppler('pdftotext', ['-layout', out, '-']);
    expect(text).toContain('台风应急简报');
    expect(text).toContain('利奇马');
    expect(gridNames.length).toBeGreaterThan(3);
    for (const name of gridNames) expect(text, name).toContain(name);
    expect(text).toContain('这是本台风的第一期简报');
    expect(text).toContain('尚无疏散方案');

    // The app's bundled Noto Sans SC, embedded (so it prints the same on any machine).
    const fonts = poppler('pdffonts', [out]);
    const noto = fonts.split('\n').filter((l) => /NotoSansSC/.test(l));
    expect(noto.length, fonts).toBeGreaterThan(0);
    for (const line of noto) expect(line, line).toMatch(/\syes\s+yes\s+yes\s/);

    // Page 1 has the track map: a large area of colour (the dark map and the track), not white paper.
    poppler('pdftoppm', ['-f', '1', '-l', '1', '-r', '50', '-png', out, tmp.path('page')]);
    const png = PNG.sync.read(readFileSync(tmp.path('page-1.png')));
    let dark = 0;
    let coloured = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      if (r + g + b < 120) dark++;
      // The track's grade colours (saturated): max − min channel well apart.
      if (Math.max(r, g, b) - Math.min(r, g, b) > 90) coloured++;
    }
    const pixels = png.width * png.height;
    expect(dark / pixels, 'the dark map').toBeGreaterThan(0.15);
    expect(coloured, 'coloured pixels of the track and circles').toBeGreaterThan(200);
  }, 300_000);

  it('with an evacuation plan: its totals, each grid worker\'s door-knock list, and what changed since the first briefing', async () => {
    // A plan made the way the plan service makes it, a day before Lekima's landfall.
    const store = await DuckDbStore.open(db);
    const services = await createServices(store, { host: 'web', personalData: 'masked' });
    const plan = await services.api.typhoon.planEvacuation('WZTF:1909', { nowUtcMs: Date.UTC(2019, 7, 9, 17, 45) - 24 * 3_600_000 });
    const lists = (await services.api.typhoon.getDoorKnockLists(plan.planId)).filter((l) => l.stops.length > 0);
    services.stop();
    store.close();
    expect(plan.totals.households).toBeGreaterThan(0);
    expect(lists.length).toBeGreaterThan(0);

    const out = tmp.path('brief-2.pdf');
    const run = await civictwin(['typhoon', 'brief', '--db', db, '--out', out]);
    expect(run.code, run.out).toBe(0);
    // Without --storm: the nearest storm (Lekima's Wenzhou record, which has the landfall).
    expect(run.out).toMatch(/Briefing no\. 2 on 利奇马/);
    const text = poppler('pdftotext', ['-layout', out, '-']);
    expect(text).toMatch(/上期：第 1 期/);
    expect(text).toMatch(/与上期（第 1 期）相比：\d+ 项变化/);
    expect(text).toContain(`需转移户数：— → ${plan.totals.households}`);
    expect(text).toContain(`需转移 ${plan.totals.households} 户 ${plan.totals.people} 人`);
    expect(text).not.toContain('尚无疏散方案');
    // Each list with its worker, and (the local administrator prints it) the households in visiting order.
    const compact = text.replace(/\s+/g, ' ');
    for (const l of lists) expect(compact).toContain(`${l.callsign} · ${l.gridName} · ${l.households} 户 ${l.people} 人`);
    expect(compact).toContain(lists[0]!.stops[0]!.address);
    // Shelter load as planned.
    const shelter = plan.shelters.find((s) => s.planned > 0)!;
    expect(compact).toMatch(new RegExp(`${shelter.name} ${shelter.capacity} ${shelter.planned}（\\d+%）`));
  }, 300_000);

  it('while a host holds the twin, the host prints it (through its control channel)', async () => {
    const port = await freePort();
    const host = startCivictwin(['serve', '--db', db, '--port', String(port)]);
    try {
      await expect.poll(() => host.output(), { timeout: 60_000, interval: 200 }).toMatch(/serving/);
      const out = tmp.path('brief-3.pdf');
      const run = await civictwin(['typhoon', 'brief', '--db', db, '--out', out]);
      expect(run.code, run.out).toBe(0);
      expect(run.out).toMatch(/printed by civictwin serve, PID \d+, which holds the twin/);
      expect(run.out).toMatch(/Briefing no\. 3 on 利奇马 Lekima 1909 \(WZTF:1909\): \d+ A4 pages/);
      expect(poppler('pdftotext', [out, '-'])).toMatch(/上期：第 2 期/);
    } finally {
      host.child.kill('SIGTERM');
      await host.exited;
    }
  }, 300_000);

  it('says in one line what to fix: an unknown storm, a twin that is not there', async () => {
    const unknown = await civictwin(['typhoon', 'brief', '--db', db, '--out', tmp.path('x.pdf'), '--storm', 'Haiyan']);
    expect(unknown.code).toBe(1);
    // One line of error, no stack (a note of the twin's housekeeping may come before it).
    expect(unknown.out.trim().split('\n').filter((l) => l.startsWith('civictwin:') || /^\s+at /.test(l))).toHaveLength(1);
    expect(unknown.out).toMatch(/--storm Haiyan: no such storm in the twin; it has WZTF:1909/);
    const missing = await civictwin(['typhoon', 'brief', '--db', tmp.path('none.duckdb'), '--out', tmp.path('x.pdf')]);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/none\.duckdb does not exist/);
    expect(existsSync(tmp.path('x.pdf'))).toBe(false);
  });
});

describe.skipIf(!ready)('生成简报 in the app: the host prints the briefing for the person who asked', () => {
  let store: DuckDbStore;
  let services: Services;
  let host: WebHost;
  let base = '';
  let browser: Browser | null = null;

  beforeAll(async () => {
    const appDb = tmp.path('app.duckdb');
    await seedTwin(appDb, 2, 200, undefined, () => undefined);
    store = await DuckDbStore.open(appDb);
    await importTrackFiles(store, [join(real!, 'typhoon')], { storms: ['1909'] });
    services = await createServices(store, { host: 'web', personalData: 'masked' });
    await services.auth.addUser('viewer1', '查看员', 'viewer', 'correct horse battery');
    host = new WebHost({ services: services.api, auth: services.auth, staticDir: RENDERER_DIST, port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${await host.listen()}/`;
    setBriefPrinter(chromiumBriefPrinter(base, services.auth));
  }, 240_000);
  afterAll(async () => {
    setBriefPrinter(null);
    await browser?.close();
    await host.close();
    services.stop();
    store.close();
  });

  it('a viewer clicks 生成简报 in the typhoon tab and gets the PDF as a download, made under their name', async () => {
    browser = await chromium.launch({ executablePath: process.env.CIVICTWIN_CHROMIUM ?? '/usr/bin/chromium', args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
    await page.goto(base);
    await page.locator('input[name=username]').fill('viewer1');
    await page.locator('input[name=password]').fill('correct horse battery');
    await page.locator('button[type=submit]').click();
    await page.getByTestId('tab-typhoon').click({ timeout: 120_000 });
    await page.getByTestId('typhoon-brief').click({ timeout: 60_000 });
    const download = await page.waitForEvent('download', { timeout: 300_000 });
    expect(download.suggestedFilename()).toMatch(/^台风简报-利奇马-\d{8}-\d{4}\.pdf$/);
    const file = tmp.path('download.pdf');
    await download.saveAs(file);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    expect(poppler('pdftotext', [file, '-'])).toContain('利奇马');
    expect(poppler('pdftotext', [file, '-'])).toMatch(/编制人\s*viewer1/);
    // Made under the viewer's name, and kept for the next one to compare with.
    const row = await store.one<{ made_by: string }>('SELECT made_by FROM typhoon_briefs ORDER BY id DESC LIMIT 1');
    expect(row?.made_by).toBe('viewer1');
    // The printing browser signed in as the viewer, and was signed out when the PDF was made.
    const sessions = await store.all<{ ended: boolean }>(
      "SELECT s.ended_at IS NOT NULL AS ended FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'viewer1' ORDER BY s.created_at",
    );
    expect(sessions.map((s) => s.ended)).toEqual([false, true]);
  }, 420_000);

  it('a wall may not print one', async () => {
    const wall = await dispatch(services.api, 'typhoon', 'printBrief', ['WZTF:1909'], { caller: { kind: 'wall', tokenId: 1, name: 'wall' }, via: 'http' }).catch((e: Error) => e);
    expect(wall).toBeInstanceOf(Error);
    expect((wall as Error).message).toMatch(/viewer|may not|sign in/i);
  });
});

describe('what changed since the previous briefing', () => {
  const base: BriefFigures = {
    arrival7UtcMs: Date.UTC(2019, 7, 9, 0),
    arrival10UtcMs: Date.UTC(2019, 7, 9, 12),
    peakForce: 15,
    peakUtcMs: Date.UTC(2019, 7, 9, 18),
    landfallUtcMs: Date.UTC(2019, 7, 9, 17, 45),
    landfallPlace: '浙江省温岭市',
    forecastIssuedUtcMs: null,
    grids: { 第1网格: { arrival7UtcMs: Date.UTC(2019, 7, 9, 0), arrival10UtcMs: Date.UTC(2019, 7, 9, 12), maxForce: 15 } },
    plan: null,
  };

  it('names the figures that moved, and ignores minutes of refit noise', () => {
    expect(briefChanges(base, { ...base, arrival7UtcMs: base.arrival7UtcMs! + 10 * 60_000 })).toEqual([]);
    const later: BriefFigures = {
      ...base,
      arrival10UtcMs: base.arrival10UtcMs! - 2 * 3_600_000,
      peakForce: 16,
      grids: { 第1网格: { ...base.grids['第1网格']!, arrival10UtcMs: null } },
      plan: { households: 120, people: 300, vulnerable: 40, placed: 300, unplaced: 0, shelters: { 一小: 300 } },
    };
    const changes = briefChanges(base, later);
    expect(changes).toContainEqual({ kind: 'time', what: 'arrival10', grid: undefined, beforeMs: base.arrival10UtcMs, afterMs: base.arrival10UtcMs! - 2 * 3_600_000 });
    expect(changes).toContainEqual({ kind: 'value', what: 'peak', grid: undefined, before: 15, after: 16 });
    expect(changes).toContainEqual({ kind: 'time', what: 'gale10', grid: '第1网格', beforeMs: base.arrival10UtcMs, afterMs: null });
    expect(changes).toContainEqual({ kind: 'value', what: 'plan.households', grid: undefined, before: null, after: 120 });
    expect(changes).toContainEqual({ kind: 'value', what: 'plan.shelter', grid: '一小', before: null, after: 300 });
  });

  it('the default storm is the live one, else the nearest', () => {
    const storm = (id: string, lastUtcMs: number): StormListItem => ({
      id, agency: 'CMA', number: id.slice(4), year: 2019, name: id, nameZh: null, fixes: 10, firstUtcMs: 0, lastUtcMs, peakWindMs: 40,
      peakGrade: 'TY', landfallUtcMs: null, landfallPlace: null, closestKm: 10, hasForecast: false,
    });
    const now = Date.UTC(2026, 11, 2);
    expect(chooseStorm([storm('CMA:1909', 0), storm('CMA:2601', now - 3_600_000)], undefined, now).id).toBe('CMA:2601');
    expect(chooseStorm([storm('CMA:1909', 0), storm('CMA:1801', 0)], undefined, now).id).toBe('CMA:1909');
    expect(chooseStorm([storm('CMA:1909', 0)], 'cma:1909', now).id).toBe('CMA:1909');
    expect(() => chooseStorm([], undefined, now)).toThrow(/no typhoon tracks: import one first/);
  });
});
