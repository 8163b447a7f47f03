/**
 * `civictwin typhoon brief --db FILE --out FILE.pdf [--storm ID]`: the typhoon briefing as an A4
 * PDF in Chinese. The twin is served in this process on 127.0.0.1 (a port of its own, for this run
 * only); Chromium opens the app's own briefing page (`#brief=<storm>`, renderer/features/typhoon/
 * brief/) signed in by a one-time link as the local account, waits until every map has drawn, and
 * prints it (`page.pdf`, A4, with backgrounds). So the maps are the app's deck.gl drawing and the
 * text is in the bundled CJK font, embedded in the PDF.
 */
import { type Command } from 'commander';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { openTwin } from '../../../data/store/openTwin.ts';
import { liveRunfile } from '../../../data/store/hostRunfile.ts';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import type { StormListItem } from '../../common/typhoon/contract.ts';
import { createServices, type Services } from '../../services/index.ts';
import { WebHost } from '../../web/WebHost.ts';
import { BriefPageError, countPdfPages, findChromium, printBriefPage } from '../../web/briefPrinter.ts';
import { servedRendererDir } from '../paths.ts';

/** A briefing that cannot be made for a reason the user can fix; printed as one line. */
class BriefError extends Error {
  public override name = 'BriefError';
}

/** A storm fixed this recently is live: chosen before the nearest past one. */
const LIVE_WINDOW_MS = 2 * 86_400_000;

export function registerTyphoonBriefCommand(typhoon: Command): void {
  typhoon
    .command('brief')
    .description('the typhoon briefing as an A4 PDF in Chinese: track and timing, risk and plan maps, people per community and grid, shelters, resources, what changed since the last one')
    .requiredOption('--db <file>', 'the .duckdb file')
    .requiredOption('--out <file.pdf>', 'where to write the PDF')
    .option('--storm <id|number|name>', 'the storm (CMA:1909, 1909, Lekima, 利奇马); default: the live one, else the nearest')
    .action(async (o: { db: string; out: string; storm?: string }) => {
      const result = await typhoonBriefPdf({ db: resolve(o.db), out: resolve(o.out), storm: o.storm, log: (l) => console.log(l) });
      console.log(
        `Briefing no. ${result.number} on ${result.stormName} (${result.stormId}): ${result.pages} A4 page${result.pages === 1 ? '' : 's'}, ` +
          `${Math.round(result.bytes / 1024)} KB → ${result.out}`,
      );
    });
}

export interface BriefPdfResult {
  out: string;
  stormId: string;
  stormName: string;
  number: number;
  pages: number;
  bytes: number;
}

export async function typhoonBriefPdf(opts: { db: string; out: string; storm?: string; log?: (line: string) => void }): Promise<BriefPdfResult> {
  const log = opts.log ?? ((): void => undefined);
  if (!existsSync(opts.db)) throw new BriefError(`${opts.db} does not exist: give the twin's .duckdb file with --db.`);
  if (!opts.out.toLowerCase().endsWith('.pdf')) throw new BriefError(`--out ${opts.out}: the briefing is a PDF; give a file name ending in .pdf.`);
  if (existsSync(opts.out) && statSync(opts.out).isDirectory()) throw new BriefError(`--out ${opts.out} is a folder; give a file name ending in .pdf.`);
  const rendererDir = servedRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) throw new BriefError('The app is not built: run "npm run build" first (the briefing is printed from the app\'s own page).');
  const held = liveRunfile(opts.db);
  if (held) {
    throw new BriefError(
      `${opts.db} is open in ${held.host} (PID ${held.pid}): make the briefing there (台风 tab → 生成简报), or stop that host and run this again.`,
    );
  }
  let executablePath: string;
  try {
    executablePath = findChromium();
  } catch (err) {
    throw new BriefError((err as Error).message);
  }
  mkdirSync(dirname(opts.out), { recursive: true });

  let store: DuckDbStore | null = null;
  let services: Services | null = null;
  let host: WebHost | null = null;
  try {
    store = await openTwin(opts.db, { onNote: log, busyAdvice: 'stop that host first, or make the briefing in the app (台风 tab → 生成简报)' });
    services = await createServices(store, { host: 'web', personalData: 'masked', log: () => undefined });
    const storm = chooseStorm(await services.api.typhoon.listStorms(), opts.storm);
    host = new WebHost({ services: services.api, auth: services.auth, staticDir: rendererDir, port: 0, host: '127.0.0.1', log: () => undefined });
    const port = await host.listen();
    // The person running this can read the twin and its key anyway: signed in as the local account.
    const local = await services.auth.localAccount(userInfo().username);
    const url = `http://127.0.0.1:${port}/#once=${services.auth.issueOneTimeSignIn(local.id)}&brief=${encodeURIComponent(storm.id)}`;
    log(`Making the briefing on ${stormLabel(storm)} (${storm.id}) with ${executablePath}…`);
    const { pdf, number } = await printBriefPage(url, executablePath).catch((err: unknown) => {
      throw err instanceof BriefPageError ? new BriefError(err.message) : err;
    });
    writeFileSync(opts.out, pdf);
    return { out: opts.out, stormId: storm.id, stormName: stormLabel(storm), number, pages: countPdfPages(pdf), bytes: pdf.length };
  } finally {
    await host?.close().catch(() => undefined);
    services?.stop();
    if (store) await store.closeWhenIdle().catch(() => store?.close());
  }
}

/** `利奇马 Lekima 1909`. */
const stormLabel = (s: StormListItem): string => [s.nameZh, s.name, s.number].filter(Boolean).join(' ');

/**
 * The storm asked for (its id, number, English or Chinese name; the nearest of several records of
 * one storm), or by default the live one (fixed in the last two days), else the nearest.
 */
export function chooseStorm(storms: readonly StormListItem[], wanted: string | undefined, nowMs = Date.now()): StormListItem {
  if (storms.length === 0) throw new BriefError('The twin has no typhoon tracks: import one first (civictwin typhoon import --db FILE PATH).');
  if (wanted === undefined) return storms.find((s) => s.lastUtcMs !== null && s.lastUtcMs >= nowMs - LIVE_WINDOW_MS) ?? storms[0]!;
  const w = wanted.trim().toLowerCase();
  const hit = storms.find((s) => s.id.toLowerCase() === w) ?? storms.find((s) => s.number === w || s.name.toLowerCase() === w || (s.nameZh ?? '') === wanted.trim());
  if (!hit) {
    const known = storms.slice(0, 8).map((s) => `${s.id} ${stormLabel(s)}`).join(', ');
    throw new BriefError(`--storm ${wanted}: no such storm in the twin; it has ${known}${storms.length > 8 ? ', …' : ''}.`);
  }
  return hit;
}
