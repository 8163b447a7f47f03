/**
 * The one error the importer throws for bad input. Its message is meant to be shown to the person
 * who picked the files, as is: which file, which feature, which field, what is wrong and what to do.
 */
import { basename } from 'node:path';

/** Where in an input file a problem sits. `featureIndex` is 0-based, like `features[12]`. */
export interface ImportErrorSite {
  file: string;
  featureIndex?: number | null;
  featureId?: string | null;
  field?: string | null;
}

/**
 * Bad input file. `message` reads e.g.
 * `buildings.geojson: feature #12 (id 345): geometry.coordinates[0][3] has latitude 123.4, outside
 * −90…90. Fix the coordinate or remove the feature.`
 */
export class ImportError extends Error {
  /** Path of the offending file, as it was given or found in a folder. */
  public readonly file: string;
  /** 0-based index into `features`, or null when the problem is the file as a whole. */
  public readonly featureIndex: number | null;
  public readonly featureId: string | null;
  /** Dotted path of the offending member, e.g. `geometry.coordinates[0][3]` or `crs`. */
  public readonly field: string | null;
  /** What is wrong, without the site (for a report that has its own file/index/id columns). */
  public readonly problem: string;
  /** What to do about it. */
  public readonly fix: string;

  /**
   * @param site where the problem is
   * @param problem what is wrong, starting with the field when there is one ("… has latitude 123.4")
   * @param fix what the user should do about it
   */
  public constructor(site: ImportErrorSite, problem: string, fix: string) {
    super(`${describeSite(site)}: ${problem}. ${fix}`);
    this.name = 'ImportError';
    this.file = site.file;
    this.featureIndex = site.featureIndex ?? null;
    this.featureId = site.featureId ?? null;
    this.field = site.field ?? null;
    this.problem = problem;
    this.fix = fix;
  }

  /** True for a problem with one feature (which `--skip-invalid` may skip), not with the whole file. */
  public get isFeatureProblem(): boolean {
    return this.featureIndex !== null;
  }
}

/** `file.geojson: feature #3 (id 42)` — the base name is enough for a person to find the file. */
function describeSite(site: ImportErrorSite): string {
  let out = basename(site.file);
  if (site.featureIndex !== null && site.featureIndex !== undefined) {
    out += `: feature #${site.featureIndex}`;
    if (site.featureId !== null && site.featureId !== undefined) out += ` (id ${site.featureId})`;
  }
  return out;
}
