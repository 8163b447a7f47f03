/**
 * What a file holds and how its features become rows: layer detection, same-id merging, and the
 * mapping of source attributes (OSM/Tilezen tags, Cambridge GIS fields, …) onto the twin's
 * base-map features and facilities. Buildings have their own module, `buildings.ts`.
 */
import { basename } from 'node:path';
import type { BasemapLayer, FacilityKind } from '../model/domain.ts';
import type { Geometry, GeometryType, ParsedFeature, ParsedFile, Position } from './geojson.ts';
import { ImportError } from './ImportError.ts';

export type FileKind = 'buildings' | 'roads' | 'water' | 'landuse' | 'facilities';

export interface BasemapRecord {
  layer: BasemapLayer;
  kind: string;
  name: string | null;
  geometry: Geometry;
  /** For a way on the `road` layer (one that is routed over): its class and flags. */
  way?: RoadWay;
}

/** What dispatch and evacuation may need to know about a road way (table `road_ways`). */
export interface RoadWay {
  /** motorway | major | minor | service | path */
  roadClass: string;
  /** 1 one-way along the line, −1 against it, 0 both ways. */
  oneway: -1 | 0 | 1;
  bridge: boolean;
  tunnel: boolean;
}

export interface FacilityRecord {
  kind: FacilityKind;
  name: string;
  lon: number;
  lat: number;
  capacity: number | null;
}

/**
 * Collects warnings by topic so that 300 buildings with the same quirk give one line, not 300:
 * the first occurrence's text plus a count of the others.
 */
export class WarningLog {
  private readonly topics = new Map<string, { first: string; count: number }>();

  public add(topic: string, message: string): void {
    const t = this.topics.get(topic);
    if (t) t.count++;
    else this.topics.set(topic, { first: message, count: 1 });
  }

  public list(): string[] {
    return [...this.topics.values()].map((t) =>
      t.count > 1 ? `${t.first} (and ${t.count - 1} more like it)` : t.first,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Kind detection

/** File-name words, checked in this order ("water_buildings" are buildings). */
const NAME_HINTS: readonly [RegExp, FileKind][] = [
  [/building|footprint|建筑/i, 'buildings'],
  [/shelter|facilit|避难/i, 'facilities'],
  [/water|hydro|river|lake|水系/i, 'water'],
  [/landuse|land_use|park|green|绿地/i, 'landuse'],
  [/road|street|highway|道路/i, 'roads'],
];

const WATER_VALUES = new Set([
  'water',
  'lake',
  'pond',
  'river',
  'riverbank',
  'reservoir',
  'basin',
  'stream',
  'canal',
  'ocean',
  'sea',
  'bay',
  'wetland',
  'wetarea',
  'fwetarea',
  'retent',
  'swimming_pool',
  'dock',
]);
const GREEN_VALUES = new Set([
  'park',
  'forest',
  'wood',
  'grass',
  'meadow',
  'garden',
  'recreation_ground',
  'nature_reserve',
  'village_green',
  'scrub',
  'heath',
  'orchard',
  'farmland',
  'cemetery',
  'golf_course',
  'pitch',
  'playground',
  'greenfield',
]);
const LANDUSE_KEYS = ['landuse', 'leisure'];
const BUILDING_KEYS = [
  'building',
  'building:levels',
  'levels',
  'floors',
  'height',
  'building_levels',
];
const SHELTER_KEYS = ['shel_cap', 'shelter', 'capacity', 'evacuation_capacity'];

export type Family = 'point' | 'line' | 'polygon';
export const FAMILY: Record<GeometryType, Family> = {
  Point: 'point',
  MultiPoint: 'point',
  LineString: 'line',
  MultiLineString: 'line',
  Polygon: 'polygon',
  MultiPolygon: 'polygon',
};

export const lower = (s: string | null): string | null => (s === null ? null : s.toLowerCase());
const isBuildingish = (f: ParsedFeature): boolean =>
  f.props.find(...BUILDING_KEYS) !== null ||
  ['building', 'building_part'].includes(lower(f.props.text('kind')) ?? '');
const isWaterish = (f: ParsedFeature): boolean =>
  f.props.has('waterway') ||
  ['kind', 'natural', 'water', 'type'].some((k) => WATER_VALUES.has(lower(f.props.text(k)) ?? ''));
const isLanduseish = (f: ParsedFeature): boolean =>
  f.props.find(...LANDUSE_KEYS) !== null || GREEN_VALUES.has(lower(f.props.text('kind')) ?? '');

/**
 * Decides what a file holds: from its name first (people name layers well), else from the
 * geometry family most of its features share and the attributes they carry.
 * @throws ImportError when neither tells
 */
export function detectKind(file: ParsedFile): FileKind {
  const stem = basename(file.path);
  for (const [re, kind] of NAME_HINTS) if (re.test(stem)) return kind;
  const counts: Record<Family, number> = { point: 0, line: 0, polygon: 0 };
  for (const f of file.features) if (f.geometry) counts[FAMILY[f.geometry.type]]++;
  const family = (Object.keys(counts) as Family[]).reduce((a, b) =>
    counts[b] > counts[a] ? b : a,
  );
  const share = (test: (f: ParsedFeature) => boolean): number => file.features.filter(test).length;
  if (counts[family] === 0) {
    throw new ImportError(
      { file: file.path, field: 'geometry' },
      'no feature has a geometry',
      'Export the layer with its geometries, or leave this file out.',
    );
  }
  if (family === 'point') return 'facilities';
  if (family === 'line') return share(isWaterish) > file.features.length / 2 ? 'water' : 'roads';
  const scores: [FileKind, number][] = [
    ['buildings', share(isBuildingish)],
    ['water', share(isWaterish)],
    ['landuse', share(isLanduseish)],
  ];
  const best = scores.reduce((a, b) => (b[1] > a[1] ? b : a));
  if (best[1] > 0) return best[0];
  throw new ImportError(
    { file: file.path },
    'holds polygons, but neither the file name nor the attributes tell whether they are buildings, water or land use',
    'Put "buildings", "water" or "landuse" in the file name, or give buildings a `building` or `height` property.',
  );
}

// ---------------------------------------------------------------------------------------------
// Same-id merging

/**
 * Joins features that share an id into one: vector-tile extracts cut a building at tile edges and
 * ship each piece with the building's id. Polygons join into a MultiPolygon and lines into a
 * MultiLineString; attributes missing on the first piece are taken from the later ones.
 */
export function mergeSameId(file: ParsedFile, log: WarningLog): ParsedFeature[] {
  const byId = new Map<string, ParsedFeature>();
  const out: ParsedFeature[] = [];
  let merged = 0;
  for (const f of file.features) {
    const first = f.id === null ? undefined : byId.get(f.id);
    if (!first) {
      if (f.id !== null) byId.set(f.id, f);
      out.push(f);
      continue;
    }
    merged++;
    first.props.fillFrom(f.props);
    first.geometry = joinGeometries(first.geometry, f.geometry);
  }
  if (merged > 0) {
    log.add(
      `merge:${file.path}`,
      `${basename(file.path)}: ${merged} feature${merged === 1 ? '' : 's'} repeated an earlier id and ${merged === 1 ? 'was' : 'were'} merged into it`,
    );
  }
  return out;
}

function joinGeometries(a: Geometry | null, b: Geometry | null): Geometry | null {
  if (!a || !b) return a ?? b;
  const fa = FAMILY[a.type];
  const fb = FAMILY[b.type];
  if (fa === 'polygon' && fb === 'polygon')
    return { type: 'MultiPolygon', coordinates: [...polygonsOf(a), ...polygonsOf(b)] };
  if (fa === 'line' && fb === 'line')
    return { type: 'MultiLineString', coordinates: [...linesOf(a), ...linesOf(b)] };
  // A label point next to a footprint (OSM) adds nothing: keep the shape with extent.
  return fa === 'point' && fb !== 'point' ? b : a;
}

export const polygonsOf = (g: Geometry): Position[][][] =>
  g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
const linesOf = (g: Geometry): Position[][] =>
  g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];

// ---------------------------------------------------------------------------------------------
// Attribute values
export interface Reading {
  value: number | null;
  /** The raw value when present but unusable, for the warning. */
  invalid: unknown;
}

/** A positive number (storeys, capacity) from a number or text such as `"6"` or `"1,209"`. */
export function positiveNumber(hit: { value: unknown } | null, max: number): Reading {
  if (!hit) return { value: null, invalid: null };
  const v =
    typeof hit.value === 'number'
      ? hit.value
      : typeof hit.value === 'string'
        ? Number(hit.value.replace(/[,\s]/g, ''))
        : NaN;
  return v > 0 && v <= max ? { value: v, invalid: null } : { value: null, invalid: hit.value };
}

// ---------------------------------------------------------------------------------------------
// Base map

const ALLOWED: Record<Exclude<FileKind, 'buildings' | 'facilities'>, readonly Family[]> = {
  roads: ['line'],
  water: ['polygon', 'line'], // rivers and streams come as lines
  landuse: ['polygon'],
};

/**
 * Turns a feature of a roads, water or land-use file into a base-map row.
 * @throws ImportError for a geometry the layer cannot draw
 */
export function toBasemap(
  f: ParsedFeature,
  kind: 'roads' | 'water' | 'landuse',
  file: string,
): BasemapRecord | null {
  const g = f.geometry;
  if (!g) {
    throw new ImportError(
      { file, featureIndex: f.index, featureId: f.id, field: 'geometry' },
      `geometry is null, but a ${kind === 'roads' ? 'road' : kind === 'water' ? 'water body' : 'land-use area'} needs one`,
      'Give the feature its geometry, or remove it (or import with --skip-invalid).',
    );
  }
  if (!ALLOWED[kind].includes(FAMILY[g.type])) {
    const want =
      kind === 'roads'
        ? 'LineString or MultiLineString'
        : kind === 'water'
          ? 'Polygon, MultiPolygon or a line'
          : 'Polygon or MultiPolygon';
    throw new ImportError(
      { file, featureIndex: f.index, featureId: f.id, field: 'geometry.type' },
      `geometry.type is ${g.type}, but a ${kind === 'roads' ? 'road' : kind === 'water' ? 'water body' : 'land-use area'} needs a ${want}`,
      'Fix the geometry, move the feature to a file of the right layer, or remove it.',
    );
  }
  const name = f.props.text('name', 'street', 'st_name', 'name:zh', 'name:en');
  if (kind === 'roads') return { ...classifyWay(f), name, geometry: g };
  if (kind === 'water') {
    return {
      layer: 'water',
      kind: lower(f.props.text('kind', 'natural', 'waterway', 'water', 'type')) ?? 'water',
      name,
      geometry: g,
    };
  }
  const landKind =
    lower(f.props.text('kind', 'landuse', 'leisure', 'natural', 'type')) ?? 'landuse';
  return {
    layer: GREEN_VALUES.has(landKind) ? 'green' : 'landuse',
    kind: landKind,
    name,
    geometry: g,
  };
}

// ---------------------------------------------------------------------------------------------
// Ways: roads that are roads

const TRANSIT_VALUES = new Set(['rail', 'railway', 'subway', 'light_rail', 'tram', 'monorail', 'narrow_gauge', 'funicular', 'preserved', 'ferry', 'aerialway', 'cable_car', 'gondola', 'chair_lift']);
const WATERWAY_VALUES = new Set(['river', 'stream', 'canal', 'ditch', 'drain', 'waterway', 'riverbank', 'tidal_channel']);
/** Lines in a roads file that nobody travels on (yet, or any more), or not on the ground. */
const NOT_TRAVELLED = new Set(['construction', 'proposed', 'abandoned', 'disused', 'razed', 'platform', 'raceway', 'racetrack', 'aeroway', 'runway', 'taxiway', 'piste', 'bus_stop', 'elevator', 'escape']);
const ROAD_CLASS: [string, readonly string[]][] = [
  ['motorway', ['motorway', 'motorway_link', 'highway']],
  ['major', ['trunk', 'trunk_link', 'primary', 'primary_link', 'secondary', 'secondary_link', 'tertiary', 'tertiary_link', 'major_road']],
  ['minor', ['residential', 'unclassified', 'living_street', 'road', 'minor_road', 'street']],
  ['service', ['service', 'track', 'alley', 'driveway', 'parking_aisle']],
  ['path', ['footway', 'path', 'cycleway', 'pedestrian', 'steps', 'bridleway', 'corridor', 'sidewalk', 'crossing']],
];
const yes = (v: string | null): boolean => v !== null && !['no', 'false', '0', ''].includes(v.toLowerCase());

/**
 * Where a line of a roads file belongs. Only ways people and vehicles use stay on the `road`
 * layer, which dispatch, evacuation and the simulator route over; railways, metro, trams, ferries
 * and aerialways go to `transit`, waterways to `water`, roads under construction, proposed or
 * abandoned (and runways, platforms) to `way`: all drawn, none routed.
 */
export function classifyWay(f: ParsedFeature): Pick<BasemapRecord, 'layer' | 'kind' | 'way'> {
  const p = f.props;
  const tz = lower(p.text('kind'));
  const detail = lower(p.text('kind_detail'));
  const highway = lower(p.text('highway'));
  const railway = lower(p.text('railway'));
  const waterway = lower(p.text('waterway'));
  const route = lower(p.text('route'));
  if (waterway !== null || WATERWAY_VALUES.has(tz ?? '')) return { layer: 'water', kind: waterway ?? tz ?? 'waterway' };
  if (railway !== null && NOT_TRAVELLED.has(railway)) return { layer: 'way', kind: railway };
  if (railway !== null || tz === 'rail' || TRANSIT_VALUES.has(tz ?? '') || route === 'ferry' || p.has('aerialway') || highway === 'ferry')
    return { layer: 'transit', kind: route === 'ferry' || tz === 'ferry' || highway === 'ferry' ? 'ferry' : p.has('aerialway') || tz === 'aerialway' ? 'aerialway' : (detail ?? railway ?? tz ?? 'rail') };
  if (NOT_TRAVELLED.has(tz ?? '') || NOT_TRAVELLED.has(highway ?? '') || p.has('aeroway')) return { layer: 'way', kind: tz ?? highway ?? 'aeroway' };
  // Tilezen: kind = major_road, kind_detail = secondary; OSM: highway = secondary; city GIS: ST_TYPE.
  const roadKind = detail ?? highway ?? tz ?? lower(p.text('st_type', 'fclass', 'type')) ?? 'road';
  const roadClass = ROAD_CLASS.find(([, values]) => values.includes(roadKind) || values.includes(tz ?? ''))?.[0] ?? 'minor';
  const one = lower(p.text('oneway'));
  // OSM implies one-way on motorways and roundabouts unless the way says `oneway=no`.
  const junction = lower(p.text('junction'));
  const implied = one === null && (roadKind === 'motorway' || junction === 'roundabout' || junction === 'circular');
  const oneway: -1 | 0 | 1 = one === '-1' || one === 'reverse' ? -1 : implied || (yes(one) && one !== 'alternating' && one !== 'reversible') ? 1 : 0;
  const bridge = yes(p.text('is_bridge')) || yes(p.text('bridge'));
  const tunnel = yes(p.text('is_tunnel')) || yes(p.text('tunnel'));
  return { layer: 'road', kind: roadKind, way: { roadClass, oneway, bridge, tunnel } };
}

// ---------------------------------------------------------------------------------------------
// Facilities

/** Words in `kind`/`amenity`/`Type`… that name a facility kind, checked in order. */
const FACILITY_WORDS: readonly [RegExp, FacilityKind][] = [
  [/shelter|assembly_point|避难/i, 'shelter'],
  [/hospital|clinic|医院/i, 'hospital'],
  [/fire/i, 'fire_station'],
  [/pump|泵站/i, 'pump_station'],
  [/depot|warehouse|物资/i, 'material_depot'],
  [/community|社区/i, 'community_centre'],
  [/aed|defibrillator/i, 'aed'],
  [/school|kindergarten|学校/i, 'school'],
  [/police|派出所/i, 'police'],
];

/** True when the file is about shelters: by name, or because its features carry shelter fields. */
export function isShelterFile(file: ParsedFile): boolean {
  return (
    /shelter|避难/i.test(basename(file.path)) ||
    file.features.some((f) => f.props.find(...SHELTER_KEYS) !== null)
  );
}

/**
 * Turns a point feature into a facility row. In a shelter file every point is a shelter; elsewhere
 * the kind comes from `kind`, `amenity`, `emergency` or `type`.
 * @throws ImportError for a non-point geometry or a point whose kind cannot be told
 */
export function toFacility(
  f: ParsedFeature,
  file: string,
  shelterFile: boolean,
  log: WarningLog,
): FacilityRecord {
  const site = { file, featureIndex: f.index, featureId: f.id };
  const g = f.geometry;
  if (!g) {
    throw new ImportError(
      { ...site, field: 'geometry' },
      'geometry is null, but a facility needs a Point',
      'Give the facility a Point at its entrance, or remove the feature (or import with --skip-invalid).',
    );
  }
  if (g.type !== 'Point') {
    throw new ImportError(
      { ...site, field: 'geometry.type' },
      `geometry.type is ${g.type}, but a facility needs a Point`,
      'Give the facility a Point at its entrance, or remove the feature.',
    );
  }
  const label = f.props.text('kind', 'amenity', 'emergency', 'type');
  const kind =
    FACILITY_WORDS.find(([re]) => label !== null && re.test(label))?.[1] ??
    (shelterFile ? 'shelter' : null);
  if (kind === null) {
    throw new ImportError(
      { ...site, field: 'properties.kind' },
      `properties.kind is ${label === null ? 'missing' : JSON.stringify(label)}, so the facility kind is unknown`,
      `Set \`kind\` to one of shelter, hospital, fire_station, pump_station, material_depot, community_centre, aed, school, police.`,
    );
  }
  const name =
    f.props.text('name', 'shelter_name', 'facility_name', 'address') ??
    `${kind} ${f.id ?? `#${f.index}`}`;
  const cap = positiveNumber(
    f.props.find('shel_cap', 'capacity', 'evacuation_capacity'),
    10_000_000,
  );
  const capacity = cap.value === null ? null : Math.round(cap.value);
  if (capacity === null && kind === 'shelter') {
    log.add(
      `capacity:${file}:${f.index}`,
      `${basename(file)}: feature #${f.index}${f.id ? ` (id ${f.id})` : ''} "${name}" has ${cap.invalid === null ? 'no' : `an unreadable (${JSON.stringify(cap.invalid)})`} capacity; imported with capacity unknown`,
    );
  }
  return { kind, name, lon: g.coordinates[0]!, lat: g.coordinates[1]!, capacity };
}
