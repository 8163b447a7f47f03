/**
 * A typhoon track file the importer cannot take, said the way the GeoJSON importer says it: which
 * file, where in it (a line of a CMA best-track file, a point of a Wenzhou JSON file), which field,
 * what is wrong and what to do. An ImportError, so the CLI prints it as one line.
 */
import { basename } from 'node:path';
import { ImportError } from '../ImportError.ts';

export interface TrackErrorSite {
  file: string;
  /** 1-based line of a text file. */
  line?: number;
  /** Where in a JSON file, as a path: `points[12]`, `points[3].forecast[0].forecastpoints[2]`, `land[1]`. */
  at?: string;
  /** What the location is, for a person: `storm 1909 LEKIMA`, `2019-08-10T01:00:00`. */
  context?: string;
  field?: string;
}

export class TrackImportError extends ImportError {
  public readonly line: number | null;
  /** The JSON path of the offending point (`points[12]`), or null. */
  public readonly at: string | null;

  /**
   * @param problem what is wrong, e.g. `"x58" is not a number`
   * @param fix what to do about it, e.g. `Latitude is in tenths of a degree north (158 = 15.8°N).`
   */
  public constructor(site: TrackErrorSite, problem: string, fix: string) {
    super({ file: site.file, field: site.field ?? null }, problem, fix);
    this.line = site.line ?? null;
    this.at = site.at ?? null;
    this.message = `${describeSite(site)}: ${problem}. ${fix}`;
  }
}

/** `CH2019BST.txt: line 275 (storm 1909 LEKIMA), field lat` */
function describeSite(site: TrackErrorSite): string {
  let out = basename(site.file);
  if (site.line !== undefined) out += `: line ${site.line}`;
  if (site.at !== undefined) out += `: ${site.at}`;
  if (site.context) out += ` (${site.context})`;
  if (site.field) out += `, field ${site.field}`;
  return out;
}
