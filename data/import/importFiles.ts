/**
 * Builds (or extends) a twin from GeoJSON files: building footprints, roads, water, land use and
 * point facilities such as shelters.
 *
 * One policy for every layer. Strict by default, all or nothing: every file is parsed, validated
 * and mapped before the first row is written, the first invalid feature (in any layer) stops the
 * import with its file, index, id and reason, and the rows are written in one store transaction,
 * so a bad file or a failure half-way leaves the twin exactly as it was. With `skipInvalid` the
 * valid features are imported and every invalid one is listed in `skipped` (like
 * `ogr2ogr -skipfailures`); a file that cannot be read at all still stops the import. `dryRun`
 * plans everything and writes nothing.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DOUBLE, LIST, listValue, type DuckDBAppender } from '@duckdb/node-api';
import { buildingUseCode } from '../model/domain.ts';
import type { BBox } from '../model/geo.ts';
import type { DuckDbStore } from '../store/DuckDbStore.ts';
import { readGeoJson, type ParsedFile } from './geojson.ts';
import { ImportError } from './ImportError.ts';
import {
  WarningLog,
  detectKind,
  isShelterFile,
  mergeSameId,
  toBasemap,
  toFacility,
  type BasemapRecord,
  type FacilityRecord,
  type FileKind,
} from './mapping.ts';
import { toBuilding, type BuildingRecord } from './buildings.ts';
import type { AttributeMapping } from './attributes.ts';
import { fileToWgs84, type SourceCrs } from './crs.ts';

export { ImportError } from './ImportError.ts';
export type { FileKind } from './mapping.ts';

export interface ImportOptions {
  /** Called after each file is read (`read`) and while rows are written (`write`). */
  onProgress?: (step: string, done: number, total: number) => void;
  /**
   * Twin name for `twin_meta`; defaults to the twin's present name, else the name of the (first)
   * folder imported.
   */
  name?: string;
  /** Import the valid features and list the invalid ones in `skipped` instead of stopping. */
  skipInvalid?: boolean;
  /** Plan and check everything, write nothing (`report.dryRun` is then true). */
  dryRun?: boolean;
  /** Import data lying farther than `FAR_KM` from the twin's area anyway. */
  allowFar?: boolean;
  /** Other field names and use values (`--mapping file.json`, see attributes.ts). */
  mapping?: AttributeMapping;
  /** The coordinate system the files use: Chinese platforms export GCJ-02 or BD-09 (default WGS84). */
  crs?: SourceCrs;
}

/** A feature left out by `skipInvalid`: where it is and why. */
export interface SkippedFeature {
  file: string;
  /** 0-based index into the file's `features`. */
  index: number;
  id: string | null;
  /** The member at fault, e.g. `geometry.type`, when one is. */
  field: string | null;
  reason: string;
}

/** Data whose centre lies farther than this from a twin's centre is refused without `allowFar`. */
export const FAR_KM = 50;

export interface ImportReport {
  /** Every file imported, in order, with what it was taken for and how many features it held. */
  files: { path: string; kind: FileKind; features: number }[];
  buildings: number;
  heightsMeasured: number;
  heightsFromLevels: number;
  /** Buildings that got DEFAULT_BUILDING_HEIGHT_M; the CLI tells the user how many. */
  heightsDefaulted: number;
  /** Buildings whose storeys were estimated from the height by use (no storey count given). */
  floorsEstimated: number;
  /** Building parts that start above the ground (`min_height`). */
  raisedParts: number;
  basemapFeatures: number;
  /** Base-map features by layer: `road` is routed over, `transit` (railways, ferries) and `way` never. */
  basemapByLayer: Record<string, number>;
  facilities: number;
  /** Of those, how many replaced a feature already in the twin (same feature id): a re-run updates. */
  updated: { buildings: number; basemapFeatures: number; facilities: number };
  /** Things imported with a compromise (unknown capacities, unusable heights, merged pieces). */
  warnings: string[];
  /** Invalid features left out (only with `skipInvalid`; strict imports throw instead). */
  skipped: SkippedFeature[];
  /** True when nothing was written (`dryRun`). */
  dryRun: boolean;
}

/** Everything one file contributes, ready to write. */
interface FilePlan {
  path: string;
  kind: FileKind;
  features: number;
  osm: boolean;
  bbox: BBox;
  buildings: BuildingRecord[];
  basemap: Keyed<BasemapRecord>[];
  facilities: Keyed<FacilityRecord>[];
}

/** A row with the feature id it came from (GeoJSON `id`, else `properties.id`), when it had one. */
interface Keyed<T> {
  row: T;
  featureId: string | null;
}

/** Rows between two `write` progress calls. */
const PROGRESS_EVERY = 2_000;
const FOOTPRINT_TYPE = LIST(LIST(DOUBLE));

/** Everything an import will write, planned from the files alone (no store needed). */
export interface ImportPlan {
  plans: FilePlan[];
  buildings: BuildingRecord[];
  basemap: { row: BasemapRecord; source: string }[];
  facilities: { row: FacilityRecord; source: string }[];
  skipped: SkippedFeature[];
  warnings: string[];
  /** Extent the twin's map centres on: the buildings' when there are any, else everything's. */
  bbox: BBox | null;
  /** The folder name the twin is called after when neither `name` nor the twin has one. */
  defaultName: string;
}

/**
 * Reads, validates and maps the files. Nothing is written.
 * @throws ImportError for unreadable files and, unless `skipInvalid`, the first invalid feature
 */
export async function planImport(paths: string[], opts: ImportOptions = {}): Promise<ImportPlan> {
  const inputs = await resolveInputs(paths);
  const log = new WarningLog();
  const plans: FilePlan[] = [];
  const skipped: SkippedFeature[] = [];
  for (const [i, path] of inputs.entries()) {
    const file = await readGeoJson(path, { collectInvalid: opts.skipInvalid === true });
    if (opts.crs) fileToWgs84(file, opts.crs);
    plans.push(planFile(file, log, opts, skipped));
    opts.onProgress?.('read', i + 1, inputs.length);
  }
  skipped.sort((a, b) => inputs.indexOf(a.file) - inputs.indexOf(b.file) || a.index - b.index);

  // A feature given twice (the same file under two names, or an edited copy beside the
  // original) is written once: the later one wins, as it would on a re-run.
  const buildings = lastByKey(plans.flatMap((p) => p.buildings), buildingKey);
  const basemap = lastByKey(
    plans.flatMap((p) => p.basemap.map((k) => ({ row: k.row, source: sourceOf(p.path, k.featureId) }))),
    basemapKey,
  );
  const facilities = lastByKey(
    plans.flatMap((p) => p.facilities.map((k) => ({ row: k.row, source: sourceOf(p.path, k.featureId) }))),
    facilityKey,
  );
  const withBuildings = plans.filter((p) => p.buildings.length > 0);
  const boxes = (withBuildings.length > 0 ? withBuildings : plans).map((p) => p.bbox).filter((b) => b[0] <= b[2]);
  return {
    plans,
    buildings,
    basemap,
    facilities,
    skipped,
    warnings: log.list(),
    bbox: boxes.length > 0 ? union(boxes) : null,
    defaultName: defaultName(paths[0]!),
  };
}

/**
 * Imports GeoJSON files into the twin at `store`. Each path is a file or a folder, whose `*.geojson`
 * and `*.json` files are imported in name order. Importing is idempotent: a feature already in the
 * twin (by its feature id; see `buildingKey`) is updated in place under its row id, so a re-run
 * changes what changed and adds nothing twice. New features get ids after the largest existing
 * id, so importing other files into a twin adds to it; `twin_meta`'s centre and attribution are
 * overwritten, its name only when `name` is given or the twin has none.
 *
 * @throws ImportError for unreadable or invalid input, or data far from the twin's area (nothing
 *   is written then)
 */
export async function importFiles(
  store: DuckDbStore,
  paths: string[],
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const plan = await planImport(paths, opts);
  await checkFits(store, plan, opts);
  if (opts.dryRun) return reportOf(plan, { buildings: 0, basemapFeatures: 0, facilities: 0 }, true);
  return writeImport(store, plan, opts);
}

/** What a plan imports (or would, for a dry run). */
export function reportOf(plan: ImportPlan, updated: ImportReport['updated'], dryRun: boolean): ImportReport {
  const count = (s: BuildingRecord['heightSource']): number =>
    plan.buildings.filter((b) => b.heightSource === s).length;
  return {
    files: plan.plans.map((p) => ({ path: p.path, kind: p.kind, features: p.features })),
    buildings: plan.buildings.length,
    heightsMeasured: count('measured'),
    heightsFromLevels: count('levels'),
    heightsDefaulted: count('default'),
    floorsEstimated: plan.buildings.filter((b) => b.floorsEstimated).length,
    raisedParts: plan.buildings.filter((b) => b.minHeightM > 0).length,
    basemapFeatures: plan.basemap.length,
    basemapByLayer: plan.basemap.reduce<Record<string, number>>((acc, { row }) => ({ ...acc, [row.layer]: (acc[row.layer] ?? 0) + 1 }), {}),
    facilities: plan.facilities.length,
    updated,
    warnings: plan.warnings,
    skipped: plan.skipped,
    dryRun,
  };
}

/** Centre of a twin's area: `twin_meta.origin_*`, else its buildings' mean; null for an empty twin. */
export async function twinCentre(store: DuckDbStore): Promise<[number, number] | null> {
  const has = await store.one<{ b: number; f: number }>(
    'SELECT (SELECT count(*) FROM buildings)::INTEGER AS b, (SELECT count(*) FROM basemap_features)::INTEGER AS f',
  );
  if (!has || has.b + has.f === 0) return null;
  const meta = new Map(
    (await store.all<{ key: string; value: string }>("SELECT key, value FROM twin_meta WHERE key IN ('origin_lon', 'origin_lat')")).map((r) => [r.key, Number(r.value)]),
  );
  const lon = meta.get('origin_lon');
  const lat = meta.get('origin_lat');
  if (lon !== undefined && lat !== undefined && Number.isFinite(lon) && Number.isFinite(lat)) return [lon, lat];
  const mean = await store.one<{ lon: number | null; lat: number | null }>('SELECT avg(centroid_lon) AS lon, avg(centroid_lat) AS lat FROM buildings');
  return mean?.lon != null && mean.lat != null ? [mean.lon, mean.lat] : null;
}

/**
 * Refuses data whose centre lies more than FAR_KM from the twin's (a city 1,000 km away must not
 * slip into the demo district), unless `allowFar`. An empty twin takes anything.
 * @throws ImportError naming the distance
 */
export async function checkFits(store: DuckDbStore, plan: ImportPlan, opts: ImportOptions): Promise<void> {
  if (opts.allowFar || plan.bbox === null) return;
  const centre = await twinCentre(store);
  if (centre === null) return;
  const b = plan.bbox;
  const data: [number, number] = [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
  const km = haversineKm(centre, data);
  if (km <= FAR_KM) return;
  throw new ImportError(
    { file: store.path },
    `the data lies ${km >= 100 ? Math.round(km).toLocaleString('en-US') : km.toFixed(1)} km from this twin's area (its centre ${fmt(centre)}, the data's ${fmt(data)}; more than ${FAR_KM} km), so it was not imported`,
    'Import it into a new twin (--db another file), check the coordinate system (--crs), or pass --allow-far if it belongs here.',
  );
}

const fmt = (p: [number, number]): string => `${p[0].toFixed(4)}, ${p[1].toFixed(4)}`;

function haversineKm(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Writes a plan in one transaction (a failure leaves the twin as it was). */
export async function writeImport(store: DuckDbStore, plan: ImportPlan, opts: ImportOptions = {}): Promise<ImportReport> {
  const { buildings, basemap, facilities } = plan;
  const existingName = await store.one<{ value: string }>("SELECT value FROM twin_meta WHERE key = 'name'");
  const meta = twinMeta(plan, opts.name ?? existingName?.value ?? plan.defaultName);

  const total = buildings.length + basemap.length + facilities.length;
  let written = 0;
  const tick = (): void => {
    written++;
    if (written % PROGRESS_EVERY === 0 || written === total)
      opts.onProgress?.('write', written, total);
  };

  const updated = { buildings: 0, basemapFeatures: 0, facilities: 0 };
  await store.transaction(async () => {
    // Idempotent: a feature already in the twin (same key, see buildingKey & co.) is replaced in
    // place under its id; only new features get new ids.
    const buildingIds = await replaceExisting(store, 'buildings', buildings, buildingKey, (r) =>
      buildingKey({ extId: r.ext_id as string | null, address: r.address as string, centroidLon: r.centroid_lon as number, centroidLat: r.centroid_lat as number }),
      'ext_id, address, centroid_lon, centroid_lat FROM buildings',
    );
    updated.buildings = buildingIds.updated;
    await appendAll(store, 'buildings', buildings, (a, b, i) => {
      a.appendInteger(buildingIds.ids[i]!);
      appendText(a, b.extId);
      appendText(a, b.name);
      a.appendVarchar(b.address);
      a.appendUTinyInt(buildingUseCode(b.use));
      a.appendFloat(b.heightM);
      a.appendUSmallInt(b.floors);
      a.appendVarchar(b.heightSource);
      a.appendNull(); // year_built: not in the usual sources
      a.appendNull(); // community_id: imports carry no administrative areas
      a.appendNull(); // grid_id
      a.appendDouble(b.centroidLon);
      a.appendDouble(b.centroidLat);
      a.appendNull(); // units_per_floor
      a.appendList(listValue(b.footprint.map((ring) => listValue(ring))), FOOTPRINT_TYPE);
      tick();
    });

    // What the core row cannot say: storeys estimated or given, the part's base height.
    for (let i = 0; i < buildingIds.ids.length; i += 2000)
      await store.run(`DELETE FROM building_storeys WHERE building_id IN (${buildingIds.ids.slice(i, i + 2000).join(',')})`);
    await appendAll(store, 'building_storeys', buildings, (a, b, i) => {
      a.appendInteger(buildingIds.ids[i]!);
      a.appendBoolean(b.floorsEstimated);
      a.appendFloat(b.minHeightM);
      a.appendFloat(b.storeyM);
      a.appendVarchar(b.useClass);
      appendText(a, b.partOf);
    });

    const basemapIds = await replaceExisting(store, 'basemap_features', basemap, basemapKey, (r) =>
      basemapKey({ row: { layer: r.layer, kind: r.kind, name: r.name, geometry: JSON.parse(r.geometry as string) } as BasemapRecord, source: r.source as string }),
      'layer, kind, name, geometry::VARCHAR AS geometry, source FROM basemap_features WHERE source IS NOT NULL',
    );
    updated.basemapFeatures = basemapIds.updated;
    await appendAll(store, 'basemap_features', basemap, (a, { row, source }, i) => {
      a.appendInteger(basemapIds.ids[i]!);
      a.appendVarchar(row.layer);
      a.appendVarchar(row.kind);
      appendText(a, row.name);
      // Rebuilt from the validated {type, coordinates} only: foreign members do not reach the map.
      a.appendVarchar(
        JSON.stringify({ type: row.geometry.type, coordinates: row.geometry.coordinates }),
      );
      a.appendVarchar(source);
      tick();
    });

    // Class, one-way and bridge/tunnel of the ways that are routed over.
    for (let i = 0; i < basemapIds.ids.length; i += 2000)
      await store.run(`DELETE FROM road_ways WHERE feature_id IN (${basemapIds.ids.slice(i, i + 2000).join(',')})`);
    const ways = basemap.flatMap(({ row }, i) => (row.way ? [{ id: basemapIds.ids[i]!, way: row.way }] : []));
    await appendAll(store, 'road_ways', ways, (a, { id, way }) => {
      a.appendInteger(id);
      a.appendVarchar(way.roadClass);
      a.appendTinyInt(way.oneway);
      a.appendBoolean(way.bridge);
      a.appendBoolean(way.tunnel);
    });

    const facilityIds = await replaceExisting(store, 'facilities', facilities, facilityKey, (r) =>
      facilityKey({ row: { kind: r.kind, name: r.name, lon: r.lon, lat: r.lat } as FacilityRecord, source: r.source as string }),
      'kind, name, lon, lat, source, status, building_id FROM facilities WHERE source IS NOT NULL',
    );
    updated.facilities = facilityIds.updated;
    await appendAll(store, 'facilities', facilities, (a, { row, source }, i) => {
      // An updated facility keeps what operations set on it (its status, its building).
      const kept = facilityIds.kept[i];
      a.appendInteger(facilityIds.ids[i]!);
      a.appendVarchar(row.kind);
      a.appendVarchar(row.name);
      a.appendDouble(row.lon);
      a.appendDouble(row.lat);
      if (row.capacity === null) a.appendNull();
      else a.appendInteger(row.capacity);
      a.appendVarchar((kept?.status as string | undefined) ?? 'open');
      if (kept?.building_id == null) a.appendNull(); // matching points to footprints is left to a later step
      else a.appendInteger(kept.building_id as number);
      a.appendVarchar(source);
      tick();
    });

    for (const [key, value] of meta)
      await store.run('INSERT OR REPLACE INTO twin_meta VALUES ($1, $2)', [key, value]);
  });
  await store.checkpoint();

  return reportOf(plan, updated, false);
}

/** Expands folders into their GeoJSON files (sorted) and drops repeats. */
async function resolveInputs(paths: string[]): Promise<string[]> {
  if (paths.length === 0) {
    throw new ImportError(
      { file: '(no files)' },
      'nothing to import',
      'Pass one or more .geojson files, or a folder holding them.',
    );
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: string): void => {
    const key = resolve(p);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch {
      throw new ImportError({ file: p }, 'does not exist', 'Check the path and try again.');
    }
    if (!isDir) {
      add(p);
      continue;
    }
    const names = (await readdir(p, { withFileTypes: true }))
      .filter((e) => e.isFile() && /\.(geo)?json$/i.test(e.name))
      .map((e) => e.name)
      .sort();
    if (names.length === 0) {
      throw new ImportError(
        { file: p },
        'is a folder without .geojson or .json files',
        'Point at the folder that holds the exported layers, or at the files themselves.',
      );
    }
    for (const name of names) add(join(p, name));
  }
  return out;
}

/**
 * Detects what the file holds and maps its features; throws before anything is written. Every
 * layer follows the same policy: a feature that cannot be what its layer needs is an ImportError
 * naming file, index, id and reason, which stops a strict import and is listed in `skipped` with
 * `skipInvalid`.
 */
function planFile(file: ParsedFile, log: WarningLog, opts: ImportOptions, skipped: SkippedFeature[]): FilePlan {
  const skip = (err: ImportError): void => {
    skipped.push({ file: err.file, index: err.featureIndex ?? -1, id: err.featureId, field: err.field, reason: err.problem });
  };
  for (const err of file.invalid) skip(err);
  /** Runs one feature's mapping; an invalid feature is skipped with `skipInvalid`, else thrown. */
  const each = (map: () => void): void => {
    try {
      map();
    } catch (err) {
      if (opts.skipInvalid && err instanceof ImportError && err.isFeatureProblem) skip(err);
      else throw err;
    }
  };
  const kind = detectKind(file);
  const osm = isOsm(file);
  const plan: FilePlan = {
    path: file.path,
    kind,
    features: file.features.length + file.invalid.length,
    osm,
    bbox: file.bbox,
    buildings: [],
    basemap: [],
    facilities: [],
  };
  if (kind === 'facilities') {
    const shelters = isShelterFile(file);
    for (const f of file.features)
      each(() => plan.facilities.push({ row: toFacility(f, file.path, shelters, log), featureId: f.id }));
  } else {
    for (const f of mergeSameId(file, log)) {
      if (kind === 'buildings') each(() => plan.buildings.push(toBuilding(f, file.path, osm, log, opts.mapping)));
      else
        each(() => {
          const row = toBasemap(f, kind, file.path);
          if (row) plan.basemap.push({ row, featureId: f.id });
        });
    }
  }
  const kept = plan.buildings.length + plan.basemap.length + plan.facilities.length;
  if (kept === 0 && !opts.skipInvalid) {
    throw new ImportError(
      { file: file.path },
      `holds no ${kind === 'buildings' ? 'building footprints (Polygon or MultiPolygon)' : `${KIND_LABEL[kind]} features`}`,
      'Check the export, or leave this file out.',
    );
  }
  if (kept === 0) log.add(`empty:${file.path}`, `${basename(file.path)}: no valid feature; nothing imported from it`);
  return plan;
}

/** OpenStreetMap-derived data must carry the ODbL attribution. */
function isOsm(file: ParsedFile): boolean {
  if (/wuhan-optics-valley/i.test(file.path)) return true;
  return file.features.some(
    (f) => /openstreetmap/i.test(f.props.text('source') ?? '') || f.props.has('osm_id'),
  );
}

const KIND_LABEL: Record<FileKind, string> = {
  buildings: 'buildings',
  roads: 'roads',
  water: 'water',
  landuse: 'land use',
  facilities: 'facilities',
};

/** Attribution lines, one per licence, joined by newlines in `twin_meta.attribution`. */
function attribution(plans: FilePlan[]): string[] {
  const lines: string[] = [];
  const osmKinds = (Object.keys(KIND_LABEL) as FileKind[]).filter((k) =>
    plans.some((p) => p.osm && p.kind === k),
  );
  if (osmKinds.length > 0) {
    const list = osmKinds.map((k) => KIND_LABEL[k]).join(', ');
    lines.push(`${list[0]!.toUpperCase()}${list.slice(1)}: © OpenStreetMap contributors, ODbL 1.0`);
  }
  const cambridge = (p: FilePlan): boolean => /cambridge-ma/i.test(p.path);
  if (plans.some((p) => !p.osm && cambridge(p))) lines.push('Cambridge GIS, ODC PDDL 1.0');
  const others = plans.filter((p) => !p.osm && !cambridge(p)).map((p) => basename(p.path));
  if (others.length > 0) lines.push(`Imported from ${others.join(', ')}`);
  return lines;
}

function twinMeta(plan: ImportPlan, name: string): [string, string][] {
  // The map centres on the buildings when there are any; roads and water may reach far beyond.
  const b = plan.bbox;
  return [
    ['name', name],
    ['source', 'import'],
    ...(b === null
      ? []
      : ([
          ['origin_lon', String((b[0] + b[2]) / 2)],
          ['origin_lat', String((b[1] + b[3]) / 2)],
        ] as [string, string][])),
    ['attribution', attribution(plan.plans).join('\n')],
  ];
}

function union(boxes: BBox[]): BBox {
  const out: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    out[0] = Math.min(out[0], b[0]);
    out[1] = Math.min(out[1], b[1]);
    out[2] = Math.max(out[2], b[2]);
    out[3] = Math.max(out[3], b[3]);
  }
  return out;
}

/** `data/wuhan-optics-valley` → `wuhan-optics-valley`; for a lone file, its folder's name. */
function defaultName(firstPath: string): string {
  const abs = resolve(firstPath);
  return basename(/\.(geo)?json$/i.test(abs) ? dirname(abs) : abs) || 'Imported twin';
}

async function nextId(store: DuckDbStore, table: string): Promise<number> {
  const row = await store.one<{ m: number | null }>(`SELECT max(id) AS m FROM ${table}`);
  return (row?.m ?? 0) + 1;
}

// ---------------------------------------------------------------------------------------------
// Idempotency: what makes two features the same

/**
 * A building is its feature id (GeoJSON `id`, `properties.id`, the OSM id). One without an id is
 * its address and centroid, so re-importing the same unchanged file still adds nothing.
 */
function buildingKey(b: Pick<BuildingRecord, 'extId' | 'address' | 'centroidLon' | 'centroidLat'>): string {
  return b.extId !== null ? `id:${b.extId}` : `at:${b.address}@${b.centroidLon.toFixed(7)},${b.centroidLat.toFixed(7)}`;
}

/**
 * Base-map features and facilities keep where they came from in `source`: the file name, and
 * `#<feature id>` when the feature has one. That is their key; one without an id is its content.
 */
function sourceOf(path: string, featureId: string | null): string {
  return featureId === null ? basename(path) : `${basename(path)}#${featureId}`;
}

function basemapKey({ row, source }: { row: BasemapRecord; source: string }): string {
  return source.includes('#')
    ? `src:${source}`
    : `same:${source}|${row.layer}|${row.kind}|${row.name ?? ''}|${JSON.stringify({ type: row.geometry.type, coordinates: row.geometry.coordinates })}`;
}

function facilityKey({ row, source }: { row: FacilityRecord; source: string }): string {
  return source.includes('#') ? `src:${source}` : `same:${source}|${row.kind}|${row.name}|${row.lon}|${row.lat}`;
}

/** The rows, each key kept once: the last one given. */
function lastByKey<T>(rows: T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const r of rows) {
    const k = key(r);
    byKey.delete(k); // keeps the order of the last occurrence
    byKey.set(k, r);
  }
  return byKey.size === rows.length ? rows : [...byKey.values()];
}

/**
 * Finds which incoming rows are already in `table` (same key), deletes those rows so they can be
 * written again under the same id, and returns the id for every incoming row (the old one, or the
 * next free one) with the old rows' columns. Runs inside the import's transaction.
 */
async function replaceExisting<T>(
  store: DuckDbStore,
  table: string,
  rows: readonly T[],
  key: (row: T) => string,
  keyOfStored: (stored: Record<string, unknown>) => string,
  /** `columns FROM table [WHERE …]`: the stored rows that can match, with what keyOfStored needs. */
  select: string,
): Promise<{ ids: number[]; kept: (Record<string, unknown> | undefined)[]; updated: number }> {
  if (rows.length === 0) return { ids: [], kept: [], updated: 0 };
  const stored = new Map<string, Record<string, unknown>>();
  for (const r of await store.all<Record<string, unknown>>(`SELECT id, ${select}`)) stored.set(keyOfStored(r), r);
  let next = await nextId(store, table);
  const ids: number[] = [];
  const kept: (Record<string, unknown> | undefined)[] = [];
  const replaced: number[] = [];
  for (const row of rows) {
    const old = stored.get(key(row));
    kept.push(old);
    if (old) replaced.push(old.id as number);
    ids.push(old ? (old.id as number) : next++);
  }
  // DuckDB lets a transaction delete a key and insert it again (checked on 1.5.6).
  for (let i = 0; i < replaced.length; i += 2000) {
    await store.run(`DELETE FROM ${table} WHERE id IN (${replaced.slice(i, i + 2000).join(',')})`);
  }
  return { ids, kept, updated: replaced.length };
}

function appendText(a: DuckDBAppender, v: string | null): void {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
}

/**
 * Appends rows through DuckDB's appender. It writes inside the store's open transaction, so a
 * rollback removes appended rows too (checked by the import tests).
 */
async function appendAll<T>(
  store: DuckDbStore,
  table: string,
  rows: readonly T[],
  write: (a: DuckDBAppender, row: T, index: number) => void,
): Promise<void> {
  if (rows.length === 0) return;
  const a = await store.appender(table);
  try {
    for (const [i, row] of rows.entries()) {
      write(a, row, i);
      a.endRow();
    }
    a.closeSync(); // flushes; constraint errors surface here and roll the transaction back
  } catch (err) {
    try {
      a.closeSync();
    } catch {
      // Already failed; the first error is the one worth reporting.
    }
    throw err;
  }
}
