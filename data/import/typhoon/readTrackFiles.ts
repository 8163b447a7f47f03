/**
 * Reading typhoon track files of either format: which files a path means (a folder gives its
 * .txt and .json files), which format a file is (by its content, not its name), and which storms
 * a `--storm` filter picks. Whatever the bytes, the result is the tracks or a TrackImportError.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Storm, StormTrack, TrackSourceFormat } from '../../model/typhoon/types.ts';
import { ImportError } from '../ImportError.ts';
import { parseCmaBestTrack } from './cmaBestTrack.ts';
import { TrackImportError } from './TrackImportError.ts';
import { parseWenzhouJson } from './wenzhouJson.ts';

export type TrackFileFormat = Exclude<TrackSourceFormat, 'ingest'>;

export interface TrackFile {
  path: string;
  format: TrackFileFormat;
  tracks: StormTrack[];
}

/** A season's best-track file is under 100 KB; anything this large is not a track file. */
export const MAX_TRACK_FILE_BYTES = 32 * 1024 * 1024;

const TRACK_EXTENSIONS = new Set(['.txt', '.json', '.dat']);

/** The files `paths` name, in the order given; a folder contributes its .txt/.json/.dat files in name order. */
export async function listTrackFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (info === null) throw new TrackImportError({ file: path }, 'does not exist', 'Check the path.');
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((n) => TRACK_EXTENSIONS.has(extname(n).toLowerCase())).sort();
      if (names.length === 0) throw new TrackImportError({ file: path }, 'is a folder with no .txt or .json files', 'Name the track files themselves, or a folder that holds them.');
      out.push(...names.map((n) => join(path, n)));
    } else out.push(path);
  }
  return out;
}

/** Reads and parses one file. */
export async function readTrackFile(path: string): Promise<TrackFile> {
  const info = await stat(path).catch(() => null);
  if (info === null) throw new TrackImportError({ file: path }, 'does not exist', 'Check the path.');
  if (!info.isFile()) throw new TrackImportError({ file: path }, 'is not a file', 'Name a CMA best-track .txt or a Wenzhou Typhoon Net .json file.');
  if (info.size > MAX_TRACK_FILE_BYTES) {
    throw new TrackImportError({ file: path }, `is ${(info.size / 1e6).toFixed(0)} MB`, `A track file is at most a few hundred KB (limit ${MAX_TRACK_FILE_BYTES / 1024 / 1024} MB); check that this is the right file.`);
  }
  const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    throw new TrackImportError({ file: path }, `cannot be read (${err.code ?? err.message})`, 'Check that the file is readable by you.');
  });
  return parseTrackText(decodeText(bytes, path), path);
}

/** UTF-8, else GB18030 (what Chinese Windows tools write); anything else is refused. */
function decodeText(bytes: Uint8Array, path: string): string {
  if (bytes.includes(0)) throw new TrackImportError({ file: path }, 'is a binary file', 'Name a CMA best-track text file or a Wenzhou Typhoon Net JSON file.');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    try {
      return new TextDecoder('gb18030', { fatal: true }).decode(bytes);
    } catch {
      throw new TrackImportError({ file: path }, 'is neither UTF-8 nor GB18030 text', 'Save the file as UTF-8.');
    }
  }
}

/** The format of a file's text, by its first non-blank character or line; null when neither. */
export function detectTrackFormat(text: string): TrackFileFormat | null {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('[') || t.startsWith('{')) return 'wenzhou-json';
  if (/^66666\s/.test(t)) return 'cma-bst';
  return null;
}

/**
 * Parses a file's text of either format. Throws only ImportErrors: an unexpected failure inside a
 * parser is reported as the file's problem rather than crashing the command or the host.
 */
export function parseTrackText(text: string, path: string): TrackFile {
  const format = detectTrackFormat(text);
  if (format === null) {
    throw new TrackImportError(
      { file: path, line: 1 },
      'is neither a CMA best-track file nor Wenzhou Typhoon Net JSON',
      'A best-track file starts with a header line "66666 …"; a Wenzhou file is JSON starting with [ or {. Check that you picked a typhoon track file.',
    );
  }
  try {
    const tracks = format === 'cma-bst' ? parseCmaBestTrack(text, path) : parseWenzhouJson(text, path);
    return { path, format, tracks };
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new TrackImportError(
      { file: path },
      `could not be read as ${format === 'cma-bst' ? 'a CMA best-track file' : 'Wenzhou Typhoon Net JSON'} (${String((err as Error)?.message ?? err).slice(0, 200)})`,
      'Check the file against its format; if it looks right, report this with the file.',
    );
  }
}

/**
 * Whether a storm is the one a person asked for: its number (1909), its season and number
 * (201909), its name in either language (Lekima, 利奇马; any case), or its id (CMA:1909).
 */
export function stormMatches(storm: Storm, query: string): boolean {
  const q = query.normalize('NFKC').trim().toLowerCase();
  if (q === '') return false;
  if (storm.id.toLowerCase() === q) return true;
  if (storm.number !== null && (q === storm.number || q === `${storm.year}${storm.number.slice(2)}`)) return true;
  if (storm.name.toLowerCase() === q) return true;
  return storm.nameZh !== null && storm.nameZh.normalize('NFKC') === q;
}
