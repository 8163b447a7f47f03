/**
 * Reading and validating one GeoJSON file for the importer. Everything that can be checked without
 * knowing what the file holds (JSON syntax, CRS, the Feature envelope, coordinate structure and
 * ranges) is checked here; `mapping.ts` checks what depends on the kind of layer.
 *
 * Files are read whole: the importer targets district-sized extracts (a few MB), not planet dumps.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { BBox } from '../model/geo.ts';
import { ImportError } from './ImportError.ts';

/** A GeoJSON position; only [0] (longitude) and [1] (latitude) are used, altitude is carried along. */
export type Position = number[];

export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };
export type GeometryType = Geometry['type'];

/** One feature that passed the envelope and coordinate checks. */
export interface ParsedFeature {
  /** 0-based position in the file's `features`, kept for error messages after merging. */
  index: number;
  /** `feature.id`, else `properties.id`, as text. */
  id: string | null;
  props: Props;
  /** GeoJSON allows null geometry ("unlocated feature"); callers decide whether to skip it. */
  geometry: Geometry | null;
}

export interface ParsedFile {
  path: string;
  features: ParsedFeature[];
  /** Extent of every position of the valid features. */
  bbox: BBox;
  /** Features that failed validation, when read with `collectInvalid` (else the first one throws). */
  invalid: ImportError[];
}

export interface ReadOptions {
  /** Keep reading past an invalid feature and list it in `invalid` (for `--skip-invalid`). */
  collectInvalid?: boolean;
}

/** Property values that GIS exports write for "no value" (ArcGIS writes the text `<Null>`). */
const EMPTY_VALUES = new Set(['', '<null>', 'null', 'none', 'n/a']);

/**
 * Feature properties with case-insensitive lookup, so `NAME`, `Name` and `name` all answer to
 * `name`. Backed by a Map, so a property called `constructor` or `toString` is plain data and can
 * never resolve to something inherited from Object.prototype.
 */
export class Props {
  private readonly byKey = new Map<string, unknown>();

  public constructor(raw: Readonly<Record<string, unknown>> | null | undefined) {
    if (!raw) return;
    for (const key of Object.keys(raw)) {
      const k = key.toLowerCase();
      if (!this.byKey.has(k)) this.byKey.set(k, raw[key]);
    }
  }

  public has(name: string): boolean {
    return this.byKey.has(name.toLowerCase());
  }

  /** First of `names` that has a non-empty value, with the name it was found under. */
  public find(...names: string[]): { key: string; value: unknown } | null {
    for (const name of names) {
      const key = name.toLowerCase();
      const value = this.byKey.get(key);
      if (value === undefined || value === null) continue;
      if (typeof value === 'string' && EMPTY_VALUES.has(value.trim().toLowerCase())) continue;
      return { key, value };
    }
    return null;
  }

  /** First non-empty value of `names` as trimmed text; numbers and booleans are stringified. */
  public text(...names: string[]): string | null {
    const hit = this.find(...names);
    if (!hit) return null;
    const v = hit.value;
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return null;
  }

  /** Adds the properties this one lacks, for merging tile-cut pieces of one feature. */
  public fillFrom(other: Props): void {
    for (const [k, v] of other.byKey) if (!this.byKey.has(k)) this.byKey.set(k, v);
  }
}

// ---------------------------------------------------------------------------------------------
// Envelope schemas. Their messages are replaced by `issueMessage`, which knows the received value.

const GEOMETRY_TYPES = [
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
] as const;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const collectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.unknown()),
  crs: z.unknown().optional(),
});

const featureSchema = z.object({
  type: z.literal('Feature'),
  id: z.union([z.string(), z.number()]).nullish(),
  // Kept as the parsed object (not rebuilt by zod) and read through `Props` only.
  properties: z.custom<Record<string, unknown>>(isPlainObject).nullish(),
  geometry: z.object({ type: z.enum(GEOMETRY_TYPES), coordinates: z.unknown() }).nullable(),
});

/**
 * Reads, parses and validates a GeoJSON file (a FeatureCollection, or a single Feature).
 * @throws ImportError naming the file, feature and field on any problem
 */
export async function readGeoJson(path: string, opts: ReadOptions = {}): Promise<ParsedFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImportError(
      { file: path },
      `cannot be read (${code ?? (err as Error).message})`,
      'Check the path and the file permissions.',
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // BOM, common in files saved on Windows
  if (text.trim() === '') {
    throw new ImportError(
      { file: path },
      'the file is empty',
      'Export the layer again as a GeoJSON FeatureCollection, or leave this file out.',
    );
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw jsonSyntaxError(path, text, err as Error);
  }
  return validateRoot(path, root, opts);
}

function validateRoot(path: string, root: unknown, opts: ReadOptions): ParsedFile {
  if (isPlainObject(root) && root.type === 'Feature')
    root = { type: 'FeatureCollection', features: [root] };
  const parsed = collectionSchema.safeParse(root);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = fieldPath(issue.path);
    const fix = 'Export the layer as GeoJSON (a FeatureCollection of Features) and import again.';
    if (!isPlainObject(root))
      throw new ImportError(
        { file: path },
        `holds ${describeValue(root)}, not a GeoJSON FeatureCollection`,
        fix,
      );
    const got = describeValue(valueAt(root, issue.path));
    const expected =
      field === 'features'
        ? 'an array of Features'
        : field === 'type'
          ? '"FeatureCollection" (or a single "Feature")'
          : 'a valid value';
    throw new ImportError({ file: path, field }, `${field} is ${got}, expected ${expected}`, fix);
  }
  checkCrs(path, parsed.data.crs);
  const rawFeatures = parsed.data.features;
  if (rawFeatures.length === 0) {
    throw new ImportError(
      { file: path, field: 'features' },
      'the FeatureCollection has no features',
      'Check the export filter, or leave this file out.',
    );
  }
  const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const features: ParsedFeature[] = [];
  const invalid: ImportError[] = [];
  for (const [index, raw] of rawFeatures.entries()) {
    // Each feature grows its own box, joined only when it is valid: a skipped feature's stray
    // coordinate must not stretch the extent.
    const own: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    try {
      features.push(validateFeature(path, raw, index, own));
    } catch (err) {
      if (!opts.collectInvalid || !(err instanceof ImportError)) throw err;
      invalid.push(err);
      continue;
    }
    growBox(bbox, own);
  }
  return { path, features, bbox, invalid };
}

/** Grows `into` to hold `box`. */
export function growBox(into: BBox, box: BBox): void {
  if (box[0] < into[0]) into[0] = box[0];
  if (box[1] < into[1]) into[1] = box[1];
  if (box[2] > into[2]) into[2] = box[2];
  if (box[3] > into[3]) into[3] = box[3];
}

function validateFeature(file: string, raw: unknown, index: number, bbox: BBox): ParsedFeature {
  const rawId = isPlainObject(raw) ? raw.id : undefined;
  const siteId = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : null;
  const site = { file, featureIndex: index, featureId: siteId };
  if (isPlainObject(raw) && isPlainObject(raw.properties))
    rejectPrototypeKeys(raw.properties, 'properties', site);
  const parsed = featureSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = fieldPath(issue.path);
    const got = describeValue(isPlainObject(raw) ? valueAt(raw, issue.path) : raw);
    const expected =
      EXPECTED.get(field) ?? (field === '' ? 'a GeoJSON Feature object' : 'a valid value');
    throw new ImportError(
      { ...site, field: field || null },
      `${field || 'the feature'} is ${got}, expected ${expected}`,
      'Fix the feature or remove it.',
    );
  }
  const f = parsed.data;
  const props = new Props(f.properties);
  const id = f.id !== null && f.id !== undefined ? String(f.id) : props.text('id');
  const geometry =
    f.geometry === null
      ? null
      : validateGeometry(f.geometry.type, f.geometry.coordinates, { ...site, featureId: id }, bbox);
  return { index, id, props, geometry };
}

const EXPECTED = new Map<string, string>([
  ['type', '"Feature"'],
  ['id', 'a string or a number'],
  ['properties', 'an object or null'],
  ['geometry', 'a geometry object or null'],
  ['geometry.type', `one of ${GEOMETRY_TYPES.slice(0, -1).join(', ')}`],
]);

/**
 * A `__proto__` key survives JSON.parse as an own property, and any later `obj[key] = value` copy
 * would turn it into a prototype change. No real attribute is called that, so refuse the file.
 */
function rejectPrototypeKeys(
  obj: Record<string, unknown>,
  at: string,
  site: { file: string; featureIndex: number; featureId: string | null },
  depth = 0,
): void {
  if (depth > 8) return;
  for (const key of Object.keys(obj)) {
    const field = `${at}.${key}`;
    if (key === '__proto__') {
      throw new ImportError(
        { ...site, field },
        `${field} is a property named "__proto__", which could alter object prototypes`,
        'Rename or remove that property and import again.',
      );
    }
    const v = obj[key];
    if (isPlainObject(v)) rejectPrototypeKeys(v, field, site, depth + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Geometry

interface FeatureSite {
  file: string;
  featureIndex: number;
  featureId: string | null;
}

/** Checks structure, finiteness, WGS84 ranges and ring sizes; grows `bbox`. */
function validateGeometry(
  type: (typeof GEOMETRY_TYPES)[number],
  coords: unknown,
  site: FeatureSite,
  bbox: BBox,
): Geometry {
  const c = new CoordinateChecker(site, bbox);
  const root = 'geometry.coordinates';
  switch (type) {
    case 'Point':
      return { type, coordinates: c.position(coords, root) };
    case 'MultiPoint':
      return { type, coordinates: c.list(coords, root, 1, 'points', (p, f) => c.position(p, f)) };
    case 'LineString':
      return { type, coordinates: c.line(coords, root) };
    case 'MultiLineString':
      return { type, coordinates: c.list(coords, root, 1, 'lines', (l, f) => c.line(l, f)) };
    case 'Polygon':
      return { type, coordinates: c.polygon(coords, root) };
    case 'MultiPolygon':
      return { type, coordinates: c.list(coords, root, 1, 'polygons', (p, f) => c.polygon(p, f)) };
    case 'GeometryCollection':
      throw new ImportError(
        { ...site, field: 'geometry.type' },
        'is a GeometryCollection, which the importer does not take',
        'Split it into one feature per geometry (e.g. ogr2ogr -explodecollections).',
      );
  }
}

class CoordinateChecker {
  public constructor(
    private readonly site: FeatureSite,
    private readonly bbox: BBox,
  ) {}

  private fail(
    field: string,
    problem: string,
    fix = 'Fix the coordinates or remove the feature.',
  ): never {
    throw new ImportError({ ...this.site, field }, `${field} ${problem}`, fix);
  }

  public list<T>(
    v: unknown,
    field: string,
    min: number,
    what: string,
    item: (x: unknown, field: string) => T,
  ): T[] {
    if (!Array.isArray(v)) this.fail(field, `is ${describeValue(v)}, expected an array of ${what}`);
    if (v.length < min) this.fail(field, `has no ${what}`);
    return v.map((x, i) => item(x, `${field}[${i}]`));
  }

  public position(v: unknown, field: string): Position {
    if (!Array.isArray(v) || v.length < 2 || typeof v[0] !== 'number' || typeof v[1] !== 'number') {
      this.fail(field, `is ${describeValue(v)}, expected [longitude, latitude] as numbers`);
    }
    const lon = v[0] as number;
    const lat = v[1] as number;
    if (!Number.isFinite(lon) || !Number.isFinite(lat))
      this.fail(field, `is not a finite number pair (${describeValue(v)})`);
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) this.outOfRange(field, lon, lat);
    const b = this.bbox;
    if (lon < b[0]) b[0] = lon;
    if (lat < b[1]) b[1] = lat;
    if (lon > b[2]) b[2] = lon;
    if (lat > b[3]) b[3] = lat;
    return v as Position;
  }

  private outOfRange(field: string, lon: number, lat: number): never {
    const projected = Math.abs(lon) > 1000 || Math.abs(lat) > 1000;
    const reproject =
      'The file looks projected (metres, not degrees): re-project it to EPSG:4326 (WGS84) and import again.';
    if (lon < -180 || lon > 180) {
      this.fail(
        field,
        `has longitude ${lon}, outside −180…180`,
        projected ? reproject : 'Fix the coordinate or remove the feature.',
      );
    }
    // A latitude past 90 with a longitude that would be a valid latitude is the classic swapped pair.
    const swapped = Math.abs(lat) <= 180 && Math.abs(lon) <= 90;
    this.fail(
      field,
      `has latitude ${lat}, outside −90…90`,
      projected
        ? reproject
        : swapped
          ? 'GeoJSON positions are [longitude, latitude]: swap the pair if they are reversed, or fix the coordinate or remove the feature.'
          : 'Fix the coordinate or remove the feature.',
    );
  }

  public line(v: unknown, field: string): Position[] {
    const pts = this.list(v, field, 0, 'positions', (p, f) => this.position(p, f));
    if (pts.length < 2)
      this.fail(
        field,
        `has ${pts.length} position${pts.length === 1 ? '' : 's'}; a line needs at least 2`,
      );
    return pts;
  }

  public polygon(v: unknown, field: string): Position[][] {
    return this.list(v, field, 1, 'rings', (r, f) => this.ring(r, f));
  }

  private ring(v: unknown, field: string): Position[] {
    const pts = this.list(v, field, 0, 'positions', (p, f) => this.position(p, f));
    const distinct = distinctUpTo3(pts);
    if (distinct < 3) {
      this.fail(
        field,
        `is a ring with only ${distinct} distinct point${distinct === 1 ? '' : 's'}; a ring needs at least 3`,
        'Fix the ring or remove the feature.',
      );
    }
    return pts;
  }
}

/** Counts distinct positions, stopping at 3: enough to know a ring can enclose an area. */
function distinctUpTo3(pts: Position[]): number {
  const seen: Position[] = [];
  for (const p of pts) {
    if (!seen.some((q) => q[0] === p[0] && q[1] === p[1])) seen.push(p);
    if (seen.length >= 3) return 3;
  }
  return seen.length;
}

// ---------------------------------------------------------------------------------------------
// CRS

/** Names that mean WGS84 longitude/latitude (RFC 7946 allows nothing else). */
const WGS84_NAME = /(?:crs:?84|[:/]4326|^wgs ?84|^epsg:4326)$/i;

function checkCrs(file: string, crs: unknown): void {
  if (crs === undefined || crs === null) return;
  let name: string | null = null;
  if (typeof crs === 'string') name = crs;
  else if (isPlainObject(crs) && isPlainObject(crs.properties)) {
    const p = crs.properties;
    if (typeof p.name === 'string') name = p.name;
    else if (typeof p.code === 'number' || typeof p.code === 'string') name = `EPSG:${p.code}`;
  }
  if (name !== null && WGS84_NAME.test(name.trim())) return;
  throw new ImportError(
    { file, field: 'crs' },
    `crs declares the coordinate system ${name ?? describeValue(crs)}, not WGS84 longitude/latitude`,
    'Re-project the file to EPSG:4326 (e.g. `ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`) and import again.',
  );
}

// ---------------------------------------------------------------------------------------------
// Helpers for messages

/** `['geometry', 'coordinates', 0, 3]` → `geometry.coordinates[0][3]`. */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path)
    out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let v = obj;
  for (const p of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, p)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** Short description of a value for a message: `"abc"`, `12`, `null`, `an object`, `missing`. */
function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) {
    const s = JSON.stringify(v);
    return s.length <= 40 ? s : `an array of ${v.length}`;
  }
  return 'an object';
}

/** Turns a JSON.parse failure into an ImportError with line and column. */
function jsonSyntaxError(file: string, text: string, err: Error): ImportError {
  let offset = jsonErrorOffset(text);
  if (offset < 0) {
    const m = /position (\d+)/.exec(err.message);
    offset = m ? Number(m[1]) : text.length;
  }
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = offset - lineStart + 1;
  // V8's message quotes a slice of the file and repeats the offset; keep only the reason.
  const reason = err.message
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '');
  return new ImportError(
    { file, field: null },
    `is not valid JSON at line ${line}, column ${column} (${reason})`,
    'Fix the syntax there (a trailing comma or a missing bracket is typical) or export the file again.',
  );
}

/**
 * Offset of the first syntax error, found by a small JSON scanner: V8 does not give a position for
 * every kind of error (e.g. "Unexpected token"). −1 when the scanner finds none.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const fail = (): never => {
    throw new JsonStop(i);
  };
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
  };
  const str = (): void => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 0x20) fail();
      if (c === 92) {
        const e = text[i + 1] ?? '';
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
        } else if ('"\\/bfnrt'.includes(e) && e !== '') i += 2;
        else {
          i++;
          fail();
        }
      } else i++;
    }
    fail();
  };
  const num = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          str();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') return str();
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    num.lastIndex = i;
    if (num.test(text)) {
      i = num.lastIndex;
      return;
    }
    fail();
  };
  try {
    value();
    ws();
    if (i < n) fail();
    return -1;
  } catch (e) {
    if (e instanceof JsonStop) return e.offset;
    return -1; // e.g. stack overflow on absurd nesting: fall back to V8's position
  }
}

class JsonStop {
  public constructor(public readonly offset: number) {}
}
