/**
 * Building footprints to `buildings` rows: outer rings, centroid, height and its source, storeys
 * and use, from OSM/Tilezen-style attributes (`height`, `building:levels`, `building`, `kind_detail`,
 * `landuse_kind`, …).
 */
import { basename } from 'node:path';
import { DEFAULT_BUILDING_HEIGHT_M, METRES_PER_STOREY, type BuildingUse } from '../model/domain.ts';
import { localProjection } from '../model/geo.ts';
import type { ParsedFeature, Position } from './geojson.ts';
import { ImportError } from './ImportError.ts';
import {
  FAMILY,
  lower,
  polygonsOf,
  positiveNumber,
  type Reading,
  type WarningLog,
} from './mapping.ts';

export type HeightSource = 'measured' | 'levels' | 'default';

export interface BuildingRecord {
  extId: string | null;
  name: string | null;
  address: string;
  use: BuildingUse;
  heightM: number;
  floors: number;
  heightSource: HeightSource;
  centroidLon: number;
  centroidLat: number;
  /** Outer rings as flat [lon, lat, …] without the closing point, one per polygon part. */
  footprint: number[][];
}

/** Source tag values → use. `residential` is split by floor count afterwards. */
const USE_BY_TAG = new Map<string, BuildingUse | 'residential'>();
const addUses = (use: BuildingUse | 'residential', tags: string[]): void =>
  tags.forEach((t) => USE_BY_TAG.set(t, use));
addUses('residential', [
  'residential',
  'apartments',
  'house',
  'detached',
  'semidetached_house',
  'terrace',
  'dormitory',
  'bungalow',
  'villa',
  'flats',
  'housing',
]);
addUses('commercial', [
  'commercial',
  'retail',
  'mall',
  'shop',
  'office',
  'hotel',
  'supermarket',
  'kiosk',
  'restaurant',
  'bank',
  'market',
]);
addUses('school', ['school', 'kindergarten', 'university', 'college', 'education']);
addUses('hospital', ['hospital', 'clinic', 'healthcare', 'doctors']);
addUses('public', [
  'public',
  'civic',
  'government',
  'townhall',
  'community_centre',
  'police',
  'train_station',
  'transportation',
  'public_building',
  'library',
  'post_office',
]);
addUses('industrial', ['industrial', 'warehouse', 'factory', 'manufacture', 'storage']);
addUses('fire_station', ['fire_station']);

/** Attributes that name a building's use, most specific first; generic values are skipped. */
const USE_KEYS = [
  'building',
  'building:use',
  'kind_detail',
  'kind',
  'amenity',
  'landuse_kind',
  'landuse',
];
/** Residential buildings up to this many storeys are walk-ups (老旧多层: 6–7 storeys, no lifts). */
const MAX_WALKUP_FLOORS = 7;
const MAX_PLAUSIBLE_HEIGHT_M = 1000;

/**
 * Turns a (merged) feature of a buildings file into a row.
 * @throws ImportError for geometry a building cannot have (a label point, a line, none)
 */
export function toBuilding(
  f: ParsedFeature,
  file: string,
  osm: boolean,
  log: WarningLog,
): BuildingRecord {
  const site = { file, featureIndex: f.index, featureId: f.id };
  const g = f.geometry;
  const fileName = basename(file);
  if (!g) {
    throw new ImportError(
      { ...site, field: 'geometry' },
      'geometry is null, but a building needs a Polygon or MultiPolygon footprint',
      'Give the feature its outline, or remove it (or import with --skip-invalid).',
    );
  }
  if (FAMILY[g.type] === 'point') {
    // Vector-tile extracts ship OSM building label points next to the footprints.
    throw new ImportError(
      { ...site, field: 'geometry.type' },
      `geometry.type is ${g.type} (a label point), but a building needs a Polygon or MultiPolygon footprint`,
      'Export the outline instead, or remove the feature (or import with --skip-invalid).',
    );
  }
  if (FAMILY[g.type] !== 'polygon') {
    throw new ImportError(
      { ...site, field: 'geometry.type' },
      `geometry.type is ${g.type}, but a building needs a Polygon or MultiPolygon footprint`,
      'Close the outline into a Polygon, or move the feature to a roads file.',
    );
  }
  const footprint = polygonsOf(g).map((rings) => openRing(rings[0]!));
  const [centroidLon, centroidLat] = footprintCentroid(footprint);

  const levels = positiveNumber(
    f.props.find('levels', 'building:levels', 'building_levels', 'floors'),
    300,
  );
  const height = metres(f.props.find('height', 'building:height'));
  if (levels.invalid !== null)
    log.add(
      `levels:${file}`,
      `${fileName}: feature #${f.index} has an unusable storey count ${JSON.stringify(levels.invalid)}; ignored it`,
    );
  if (height.invalid !== null)
    log.add(
      `height:${file}`,
      `${fileName}: feature #${f.index} has an unusable height ${JSON.stringify(height.invalid)}; used storeys or the default instead`,
    );
  let heightM: number;
  let heightSource: HeightSource;
  if (height.value !== null) {
    heightM = height.value;
    heightSource = 'measured';
  } else if (levels.value !== null) {
    heightM = levels.value * METRES_PER_STOREY;
    heightSource = 'levels';
  } else {
    heightM = DEFAULT_BUILDING_HEIGHT_M;
    heightSource = 'default';
  }
  const floors = Math.min(
    65_535,
    levels.value !== null
      ? Math.max(1, Math.round(levels.value))
      : Math.max(1, Math.round(heightM / METRES_PER_STOREY)),
  );

  const displayName = f.props.text('name', 'name:zh', 'name:en');
  const street = f.props.text('addr:street', 'addr_street');
  const houseNumber = f.props.text('addr:housenumber', 'addr_housenumber');
  const address =
    displayName ??
    (street ? `${street}${houseNumber ? ` ${houseNumber}` : ''}` : null) ??
    (f.id !== null
      ? `${osm ? 'OSM' : basename(file).replace(/\.(geo)?json$/i, '')} ${f.id}`
      : `${fileName} #${f.index}`);
  return {
    extId: f.id,
    name: displayName,
    address,
    use: buildingUse(f, floors),
    heightM,
    floors,
    heightSource,
    centroidLon,
    centroidLat,
    footprint,
  };
}

function buildingUse(f: ParsedFeature, floors: number): BuildingUse {
  for (const key of USE_KEYS) {
    const v = lower(f.props.text(key));
    const use = v === null ? undefined : USE_BY_TAG.get(v);
    if (use === 'residential')
      return floors <= MAX_WALKUP_FLOORS ? 'residential_walkup' : 'residential_highrise';
    if (use) return use;
  }
  return 'other';
}

/** A height in metres from `12`, `"12"`, `"12 m"`, `"12,5"` or `"40 ft"`. */
function metres(hit: { value: unknown } | null): Reading {
  if (!hit) return { value: null, invalid: null };
  let v: number = NaN;
  if (typeof hit.value === 'number') v = hit.value;
  else if (typeof hit.value === 'string') {
    const m = /^\s*(\d+(?:[.,]\d+)?)\s*(m|metres?|meters?|ft|feet|foot|'|米)?\s*$/i.exec(hit.value);
    if (m)
      v = Number(m[1]!.replace(',', '.')) * (m[2] && /^(ft|feet|foot|')$/i.test(m[2]) ? 0.3048 : 1);
  }
  return v > 0 && v <= MAX_PLAUSIBLE_HEIGHT_M
    ? { value: v, invalid: null }
    : { value: null, invalid: hit.value };
}

/** GeoJSON rings repeat the first position at the end; the store keeps rings open. */
function openRing(ring: Position[]): number[] {
  let n = ring.length;
  if (n > 1 && ring[0]![0] === ring[n - 1]![0] && ring[0]![1] === ring[n - 1]![1]) n--;
  const flat = new Array<number>(n * 2);
  for (let i = 0; i < n; i++) {
    flat[2 * i] = ring[i]![0]!;
    flat[2 * i + 1] = ring[i]![1]!;
  }
  return flat;
}

/**
 * Area-weighted centroid of the largest part, so a MultiPolygon's label sits on its main body
 * rather than between pieces. Falls back to the vertex mean for a zero-area (collinear) ring.
 */
function footprintCentroid(parts: number[][]): [number, number] {
  let best: [number, number] = [parts[0]![0]!, parts[0]![1]!];
  let bestArea = -1;
  for (const flat of parts) {
    const proj = localProjection(flat[0]!, flat[1]!);
    const n = flat.length / 2;
    let a2 = 0;
    let cx = 0;
    let cy = 0;
    let mx = 0;
    let my = 0;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const [x1, y1] = proj.toMetres(flat[2 * i]!, flat[2 * i + 1]!);
      const [x2, y2] = proj.toMetres(flat[2 * j]!, flat[2 * j + 1]!);
      const cross = x1 * y2 - x2 * y1;
      a2 += cross;
      cx += (x1 + x2) * cross;
      cy += (y1 + y2) * cross;
      mx += x1;
      my += y1;
    }
    const area = Math.abs(a2 / 2);
    if (area <= bestArea) continue;
    bestArea = area;
    best =
      area > 1e-6 ? proj.toLonLat(cx / (3 * a2), cy / (3 * a2)) : proj.toLonLat(mx / n, my / n);
  }
  return best;
}
