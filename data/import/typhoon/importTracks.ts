/**
 * Importing typhoon track files into a twin: every file is read and checked before the first row
 * is written, then the chosen storms are saved in one transaction. Used by `civictwin typhoon
 * import`; a host's import will call the same function.
 */
import { basename } from 'node:path';
import type { DuckDbStore } from '../../store/DuckDbStore.ts';
import { listStorms, type StormSummary } from '../../store/typhoon/readTracks.ts';
import { saveStormTracks, type SavedStorm } from '../../store/typhoon/saveTracks.ts';
import type { StormTrack } from '../../model/typhoon/types.ts';
import { listTrackFiles, readTrackFile, stormMatches, type TrackFileFormat } from './readTrackFiles.ts';

export interface TrackImportOptions {
  /** Import only storms matching one of these (number, name, id); all when absent or empty. */
  storms?: readonly string[];
  /** Called after each file is read (`read`) and when the rows are written (`write`). */
  onProgress?: (step: string, done: number, total: number) => void;
  nowMs?: number;
}

export interface TrackImportReport {
  files: { path: string; format: TrackFileFormat; storms: number; chosen: number }[];
  saved: SavedStorm[];
  /** The saved storms as the twin now has them, in the order saved. */
  summaries: StormSummary[];
}

/** Asked for storms that none of the files holds; the message lists what they do hold. */
export class NoSuchStormError extends Error {
  public override name = 'NoSuchStormError';
}

/** Reads and checks every file, and picks the storms asked for. Writes nothing. */
export async function readTrackFiles(
  paths: readonly string[],
  options: Pick<TrackImportOptions, 'storms' | 'onProgress'> = {},
): Promise<{ files: TrackImportReport['files']; items: { track: StormTrack; source: string }[] }> {
  const files = await listTrackFiles(paths);
  const queries = (options.storms ?? []).map((q) => q.trim()).filter(Boolean);
  const read: { path: string; format: TrackFileFormat; tracks: StormTrack[] }[] = [];
  for (const [i, path] of files.entries()) {
    read.push(await readTrackFile(path));
    options.onProgress?.('read', i + 1, files.length);
  }
  const all = read.flatMap((f) => f.tracks);
  const matched = new Set<string>();
  // A storm asked for by a name only one source gives (利奇马 is not in the CMA best track) is the
  // same storm in every file that has its season and number.
  const seasonNumber = (t: StormTrack): string | null => (t.storm.number === null ? null : `${t.storm.year}:${t.storm.number}`);
  const wanted = new Set<string>();
  const direct = new Set<StormTrack>();
  for (const t of all) {
    const hits = queries.filter((q) => stormMatches(t.storm, q));
    if (hits.length === 0) continue;
    hits.forEach((q) => matched.add(q));
    direct.add(t);
    const key = seasonNumber(t);
    if (key !== null) wanted.add(key);
  }
  const chosen = (t: StormTrack): boolean => queries.length === 0 || direct.has(t) || wanted.has(seasonNumber(t) ?? '');
  const report: TrackImportReport['files'] = read.map((f) => ({ path: f.path, format: f.format, storms: f.tracks.length, chosen: f.tracks.filter(chosen).length }));
  const items = read.flatMap((f) => f.tracks.filter(chosen).map((track) => ({ track, source: basename(f.path) })));
  const missing = queries.filter((q) => !matched.has(q));
  if (missing.length > 0) {
    const named = all.filter((t) => t.storm.number !== null);
    const examples = [...new Map(named.map((t) => [t.storm.number, `${t.storm.number} ${t.storm.name}${t.storm.nameZh ? ` ${t.storm.nameZh}` : ''}`])).values()];
    const spellings = new Map<string, string>(); // the first spelling of each name (Lekima before LEKIMA)
    for (const t of all) if (!spellings.has(t.storm.name.toLowerCase())) spellings.set(t.storm.name.toLowerCase(), t.storm.name);
    const close = [...spellings.values()].filter((n) => missing.some((q) => nearlySame(n, q)));
    throw new NoSuchStormError(
      `No storm in ${files.map((f) => basename(f)).join(', ')} matches ${missing.map((q) => `"${q}"`).join(', ')}` +
        `${close.length ? ` (did you mean ${close.slice(0, 3).join(' or ')}?)` : ''}. ` +
        `They hold ${examples.length} numbered storms${examples.length ? `: ${examples.slice(0, 12).join(', ')}${examples.length > 12 ? ', …' : ''}` : ''}. ` +
        'Name a storm by its number (1909), its name (Lekima, 利奇马) or its id (CMA:1909).',
    );
  }
  return { files: report, items };
}

/** Reads `paths` (files or folders) and saves the chosen storms into the twin at `store`. */
export async function importTrackFiles(store: DuckDbStore, paths: readonly string[], options: TrackImportOptions = {}): Promise<TrackImportReport> {
  return saveTrackFiles(store, await readTrackFiles(paths, options), options);
}

/** Saves what readTrackFiles read, in one transaction, and reports the storms as the twin now has them. */
export async function saveTrackFiles(
  store: DuckDbStore,
  { files, items }: Awaited<ReturnType<typeof readTrackFiles>>,
  options: Pick<TrackImportOptions, 'onProgress' | 'nowMs'> = {},
): Promise<TrackImportReport> {
  options.onProgress?.('write', 0, 1);
  const saved = await saveStormTracks(store, items, options.nowMs ?? Date.now());
  options.onProgress?.('write', 1, 1);
  const byId = new Map((await listStorms(store, { ids: saved.map((s) => s.stormId) })).map((s) => [s.storm.id, s]));
  return { files, saved, summaries: saved.map((s) => byId.get(s.stormId)!).filter(Boolean) };
}

/** Names within two edits of each other, ignoring case: "Lekma" for LEKIMA. */
function nearlySame(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (Math.abs(x.length - y.length) > 2 || x.length < 3) return false;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[y.length]! <= 2;
}
