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
import type { StormListItem } from '../../common/typhoon/contract.ts';
import { currentCaller } from '../callContext.ts';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { briefCount } from '../../../data/store/typhoon/briefs.ts';

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

  /** The control channel reads `status`. */
  public get status(): number {
    return this.statusCode;
  }
}

export async function printBrief(stormId: string, stormName: string, caller: Principal | null = currentCaller()): Promise<BriefPdf> {
  if (caller?.kind !== 'person') throw new BriefPrintError('A briefing is printed for a person signed in at a console.', 403);
  const pdf = await printQueued(stormId, caller.userId);
  return { fileName: briefFileName(stormName, Date.now()), pdfBase64: Buffer.from(pdf).toString('base64'), bytes: pdf.length };
}

/** Prints with this host's printer, after any print already under way. */
function printQueued(stormId: string, userId: number): Promise<Uint8Array> {
  if (!printer) throw new BriefPrintError('This host cannot print briefings; use civictwin typhoon brief --db FILE --out FILE.pdf.');
  const p = printer;
  const job = queue.then(() => p.print(stormId, userId));
  queue = job.catch(() => undefined);
  return job;
}

/** A storm fixed this recently is live: chosen before the nearest past one. */
const LIVE_WINDOW_MS = 2 * 86_400_000;

/** `利奇马 Lekima 1909`. */
export const stormLabel = (s: StormListItem): string => [s.nameZh, s.name, s.number].filter(Boolean).join(' ');

/**
 * The storm asked for (its id, number, English or Chinese name; the nearest of several records of
 * one storm, as the list is nearest first), or by default the live one (fixed in the last two
 * days), else the nearest.
 */
export function chooseStorm(storms: readonly StormListItem[], wanted: string | undefined, nowMs = Date.now()): StormListItem {
  if (storms.length === 0) throw new BriefPrintError('The twin has no typhoon tracks: import one first (civictwin typhoon import --db FILE PATH).', 404);
  if (wanted === undefined) return storms.find((s) => s.lastUtcMs !== null && s.lastUtcMs >= nowMs - LIVE_WINDOW_MS) ?? storms[0]!;
  const w = wanted.trim().toLowerCase();
  const hit = storms.find((s) => s.id.toLowerCase() === w) ?? storms.find((s) => s.number === w || s.name.toLowerCase() === w || (s.nameZh ?? '') === wanted.trim());
  if (!hit) {
    const known = storms.slice(0, 8).map((s) => `${s.id} ${stormLabel(s)}`).join(', ');
    throw new BriefPrintError(`--storm ${wanted}: no such storm in the twin; it has ${known}${storms.length > 8 ? ', …' : ''}.`, 404);
  }
  return hit;
}

/** What a host answers `civictwin typhoon brief` with when it holds the twin. */
export interface BriefControlReply {
  stormId: string;
  stormName: string;
  number: number;
  pdfBase64: string;
}

/**
 * The control channel's `typhoon-brief` route (electron/services/ControlSocket.ts): `civictwin
 * typhoon brief` on a twin this host holds. Printed as the local account of the OS user who ran
 * the command (whoever can reach the control channel can read the twin and its key anyway).
 */
export function briefControlRoutes(
  services: { api: { typhoon: { listStorms(): Promise<StormListItem[]> } }; auth: { localAccount(osUser: string): Promise<{ id: number }> } },
  store: DuckDbStore,
): Record<string, (body: Record<string, unknown>) => Promise<unknown>> {
  const { auth } = services;
  const typhoon = services.api.typhoon;
  return {
    'typhoon-brief': async (body): Promise<BriefControlReply> => {
      const storm = chooseStorm(await typhoon.listStorms(), typeof body.storm === 'string' ? body.storm.slice(0, 64) : undefined);
      const local = await auth.localAccount(String(body.osUser ?? 'unknown').slice(0, 32));
      const pdf = await printQueued(storm.id, local.id);
      return { stormId: storm.id, stormName: stormLabel(storm), number: await briefCount(store, storm.id), pdfBase64: Buffer.from(pdf).toString('base64') };
    },
  };
}

/** `台风简报-利奇马-20261202-1546.pdf` (Beijing time), safe on every file system. */
export function briefFileName(stormName: string, nowMs: number): string {
  const bjt = new Date(nowMs + 8 * 3_600_000).toISOString();
  const stamp = `${bjt.slice(0, 10).replace(/-/g, '')}-${bjt.slice(11, 16).replace(':', '')}`;
  const name = stormName.replace(/[\\/:*?"<>|\s]+/g, '').slice(0, 40) || 'storm';
  return `台风简报-${name}-${stamp}.pdf`;
}
