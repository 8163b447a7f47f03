/**
 * The briefing as a PDF from inside the app (the 生成简报 button): the host prints its own
 * briefing page (`#brief=<storm>`) for the person who asked, signed in as them by a one-time link,
 * so the page's maps and text are the same as `civictwin typhoon brief` prints.
 *
 * Printing is the host's business (the web host drives Chromium, electron/web/briefPrinter.ts;
 * the Electron host prints a hidden window, electron/main/briefPrinter.ts): each registers its
 * printer when it starts. A host without one (a CLI talking to a twin file) says so.
 */
import type { Principal } from '../../common/access.ts';
import type { BriefPdf } from '../../common/typhoon/brief.ts';
import { currentCaller } from '../callContext.ts';

export interface BriefPrinter {
  /** Prints the briefing page on `stormId` signed in as `userId`; returns the PDF's bytes. */
  print(stormId: string, userId: number): Promise<Uint8Array>;
}

let printer: BriefPrinter | null = null;
/** One briefing printed at a time: each drives a browser with software GL. */
let queue: Promise<unknown> = Promise.resolve();

/** Called once by a host that can print (null again when it stops). */
export function setBriefPrinter(p: BriefPrinter | null): void {
  printer = p;
}

/** What the person can act on; the hosts pass a 4xx's message through as it is. */
export class BriefPrintError extends Error {
  public override name = 'BriefPrintError';
  public constructor(
    message: string,
    public readonly statusCode = 409,
  ) {
    super(message);
  }
}

export async function printBrief(stormId: string, stormName: string, caller: Principal | null = currentCaller()): Promise<BriefPdf> {
  if (!printer) throw new BriefPrintError('This host cannot print briefings; use civictwin typhoon brief --db FILE --out FILE.pdf.');
  if (caller?.kind !== 'person') throw new BriefPrintError('A briefing is printed for a person signed in at a console.', 403);
  const p = printer;
  const job = queue.then(() => p.print(stormId, caller.userId));
  queue = job.catch(() => undefined);
  const pdf = await job;
  return { fileName: briefFileName(stormName, Date.now()), pdfBase64: Buffer.from(pdf).toString('base64'), bytes: pdf.length };
}

/** `台风简报-利奇马-20261202-1546.pdf` (Beijing time), safe on every file system. */
export function briefFileName(stormName: string, nowMs: number): string {
  const bjt = new Date(nowMs + 8 * 3_600_000).toISOString();
  const stamp = `${bjt.slice(0, 10).replace(/-/g, '')}-${bjt.slice(11, 16).replace(':', '')}`;
  const name = stormName.replace(/[\\/:*?"<>|\s]+/g, '').slice(0, 40) || 'storm';
  return `台风简报-${name}-${stamp}.pdf`;
}
