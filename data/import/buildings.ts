/**
 * Building footprints to `buildings` rows: outer rings, centroid, height and its source, storeys
 * and use, from OSM/Tilezen-style attributes (`height`, `building:levels`, `building`, `kind_detail`,
 * `landuse_kind`, …).
 */
import { basename } from 'node:path';
import { DEFAULT_BUILDING_HEIGHT_M, METRES_PER_STOREY, type BuildingUse } from '../model/domain.ts';
import { HEIGHT_KEYS, LEVEL_KEYS, MIN_HEIGHT_KEYS, MIN_LEVEL_KEYS, NO_MAPPING, STOREY_M, USE_OF, storeyHeightM, useClassOf, type AttributeMapping, type UseClass } from './attributes.ts';
import { localProjection } from '../model/geo.ts';
import type { ParsedFeature, Position } from './geojson.ts';
import { ImportError } from './ImportError.ts';
import {
  FAMILY,
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
  /** True when the storeys were not given but estimated from the height (or defaulted). */
  floorsEstimated: boolean;
  /** Height of the part's base above the ground (OSM `min_height`); 0 for a whole building. */
  minHeightM: number;
  /** The building a part belongs to (Tilezen `root_id`), when the source says. */
  partOf: string | null;
  /** The storey height the estimate used (by use), metres. */
  storeyM: number;
  useClass: UseClass;
  centroidLon: number;
  centroidLat: number;
  /** Outer rings as flat [lon, lat, …] without the closing point, one per polygon part. */
  footprint: number[][];
}

/** Residential buildings up to this many storeys are walk-ups (老旧多层: 6–7 storeys, no lifts). */
const MAX_WALKUP_FLOORS = 7;
const MAX_PLAUSIBLE_HEIGHT_M = 1000;
/** Storeys of a building with neither height nor levels: the documented default, 9 m / 3 m. */
const DEFAULT_FLOORS = Math.round(DEFAULT_BUILDING_HEIGHT_M / METRES_PER_STOREY);

/**
 * Turns a (merged) feature of a buildings file into a row.
 * @throws ImportError for geometry a building cannot have (a label point, a line, none)
 */
export function toBuilding(
  f: ParsedFeature,
  file: string,
  osm: boolean,
  log: WarningLog,
  mapping: AttributeMapping = NO_MAPPING,
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

  const levels = positiveNumber(f.props.find(...mapping.fields.levels, ...LEVEL_KEYS), 300);
  const height = metres(f.props.find(...mapping.fields.height, ...HEIGHT_KEYS));
  const minHeight = metres(f.props.find(...mapping.fields.minHeight, ...MIN_HEIGHT_KEYS), true);
  const minLevel = positiveNumber(f.props.find(...MIN_LEVEL_KEYS), 300);
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
  const useClass = useClassOf(f.props, mapping);
  // A part that starts above the ground (a tower on a podium, a bridge between blocks) keeps its
  // base, so the map can float it where it belongs.
  let minHeightM = minHeight.value ?? (minLevel.value !== null ? minLevel.value * storeyHeightM(useClass, 0, mapping.storeyM) : 0);
  let heightM: number;
  let heightSource: HeightSource;
  if (height.value !== null) {
    heightM = height.value;
    heightSource = 'measured';
  } else if (levels.value !== null) {
    heightM = minHeightM + levels.value * storeyHeightM(useClass, levels.value * STOREY_M[useClass], mapping.storeyM);
    heightSource = 'levels';
  } else {
    heightM = minHeightM + DEFAULT_BUILDING_HEIGHT_M;
    heightSource = 'default';
  }
  if (minHeightM >= heightM) {
    log.add(`minheight:${file}`, `${fileName}: feature #${f.index} starts at ${minHeightM} m, not below its top (${heightM} m); drawn from the ground`);
    minHeightM = 0;
  }
  // Storeys: as given; else estimated from the height with the storey height of the use (and
  // marked estimated); the documented default is 3 storeys; a tower or mast has 1.
  const floorsEstimated = levels.value === null;
  const body = heightM - minHeightM;
  const storeyM = storeyHeightM(useClass, heightM, mapping.storeyM);
  const floors = Math.min(
    65_535,
    levels.value !== null
      ? Math.max(1, Math.round(levels.value))
      : heightSource === 'default'
        ? DEFAULT_FLOORS
        : useClass === 'structure'
          ? 1
          : Math.max(1, Math.round(body / storeyM)),
  );

  const displayName = f.props.text(...mapping.fields.name, 'name', 'name:zh', 'name:en', '名称', '建筑名称');
  const givenAddress = f.props.text(...mapping.fields.address, '地址', '门牌地址', '标准地址');
  const street = f.props.text('addr:street', 'addr_street');
  const houseNumber = f.props.text('addr:housenumber', 'addr_housenumber');
  const address =
    givenAddress ??
    displayName ??
    (street ? `${street}${houseNumber ? ` ${houseNumber}` : ''}` : null) ??
    (f.id !== null
      ? `${osm ? 'OSM' : basename(file).replace(/\.(geo)?json$/i, '')} ${f.id}`
      : `${fileName} #${f.index}`);
  return {
    extId: f.id,
    name: displayName,
    address,
    use: buildingUse(useClass, floors),
    heightM,
    floors,
    heightSource,
    floorsEstimated,
    minHeightM,
    partOf: f.props.text('root_id', 'building:part_of', 'part_of'),
    storeyM,
    useClass,
    centroidLon,
    centroidLat,
    footprint,
  };
}

function buildingUse(useClass: UseClass, floors: number): BuildingUse {
  const use = USE_OF[useClass];
  if (use === 'residential') return floors <= MAX_WALKUP_FLOORS ? 'residential_walkup' : 'residential_highrise';
  return use;
}

/** A height in metres from `12`, `"12"`, `"12 m"`, `"12,5"` or `"40 ft"`. */
function metres(hit: { value: unknown } | null, zeroOk = false): Reading {
  if (!hit) return { value: null, invalid: null };
  let v: number = NaN;
  if (typeof hit.value === 'number') v = hit.value;
  else if (typeof hit.value === 'string') {
    const m = /^\s*(\d+(?:[.,]\d+)?)\s*(m|metres?|meters?|ft|feet|foot|'|米)?\s*$/i.exec(hit.value);
    if (m)
      v = Number(m[1]!.replace(',', '.')) * (m[2] && /^(ft|feet|foot|')$/i.test(m[2]) ? 0.3048 : 1);
  }
  return (v > 0 || (zeroOk && v === 0)) && v <= MAX_PLAUSIBLE_HEIGHT_M
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
