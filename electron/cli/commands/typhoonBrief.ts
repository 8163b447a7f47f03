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
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { chooseStorm, stormLabel, type BriefControlReply } from '../../services/typhoon/briefPdf.ts';
import { createServices, type Services } from '../../services/index.ts';
import { WebHost } from '../../web/WebHost.ts';
import { BriefPageError, countPdfPages, findChromium, printBriefPage } from '../../web/briefPrinter.ts';
import { servedRendererDir } from '../paths.ts';
import { askHost } from './hostControl.ts';

/** A briefing that cannot be made for a reason the user can fix; printed as one line. */
class BriefError extends Error {
  public override name = 'BriefError';
}

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
  // A host holds the twin: it prints the briefing from its own page (through its control channel).
  const asked = await askHost<BriefControlReply>(opts.db, 'POST', '/v1/typhoon-brief', { storm: opts.storm, osUser: userInfo().username });
  if (asked) {
    const pdf = Buffer.from(asked.body.pdfBase64, 'base64');
    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, pdf);
    log(`(printed by ${asked.host.host}, PID ${asked.host.pid}, which holds the twin)`);
    return { out: opts.out, stormId: asked.body.stormId, stormName: asked.body.stormName, number: asked.body.number, pages: countPdfPages(pdf), bytes: pdf.length };
  }
  const rendererDir = servedRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) throw new BriefError('The app is not built: run "npm run build" first (the briefing is printed from the app\'s own page).');
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
