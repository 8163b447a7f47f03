/**
 * Label data for the deck.gl TextLayers: road names along named roads, area names (communities,
 * water, parks) and facility names. Built once per base map; the TextLayers take the bundled
 * Noto Sans SC (no glyph server) with `characterSet: 'auto'`.
 */
import type { BasemapCollection, BasemapFeature, Facility } from '../../../../electron/common/dto.ts';
import { M_PER_DEG_LAT } from '../../../../data/model/geo.ts';

export interface LabelDatum {
  position: [number, number];
  text: string;
  /** Style class. */
  kind: 'road-major' | 'road' | 'area' | 'community' | 'place' | 'estate' | 'water' | 'green';
  /** Higher wins when labels collide. */
  priority: number;
  /** Shown from this map zoom on (detail labels would bury the overview). */
  minZoom: number;
}

/** Zoom from which estate (小区) names and minor places appear. */
export const DETAIL_LABEL_ZOOM = 15.8;

const MAJOR = new Set(['motorway', 'trunk', 'primary']);
/** Minimum distance (m) between two labels of the same road name. */
const ROAD_LABEL_SPACING_M = 420;

function metresBetween(a: number[], b: number[]): number {
  const kx = M_PER_DEG_LAT * Math.cos(((a[1] ?? 0) * Math.PI) / 180);
  const dx = ((b[0] ?? 0) - (a[0] ?? 0)) * kx;
  const dy = ((b[1] ?? 0) - (a[1] ?? 0)) * M_PER_DEG_LAT;
  return Math.hypot(dx, dy);
}

/** Points every `spacing` metres along a line, starting half a spacing in (or its midpoint). */
function pointsAlong(line: number[][], spacing: number): [number, number][] {
  const seg: number[] = [];
  let total = 0;
  for (let i = 1; i < line.length; i++) {
    const d = metresBetween(line[i - 1]!, line[i]!);
    seg.push(d);
    total += d;
  }
  if (total === 0 || line.length < 2) return [];
  const targets: number[] = [];
  if (total < spacing) targets.push(total / 2);
  else for (let s = spacing / 2; s < total; s += spacing) targets.push(s);
  const out: [number, number][] = [];
  let acc = 0;
  let i = 0;
  for (const target of targets) {
    while (i < seg.length - 1 && acc + seg[i]! < target) acc += seg[i++]!;
    const f = seg[i]! > 0 ? (target - acc) / seg[i]! : 0;
    const a = line[i]!;
    const b = line[i + 1]!;
    out.push([a[0]! + (b[0]! - a[0]!) * f, a[1]! + (b[1]! - a[1]!) * f]);
  }
  return out;
}

function ringCentre(ring: number[][]): [number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of ring) {
    minX = Math.min(minX, p[0]!);
    maxX = Math.max(maxX, p[0]!);
    minY = Math.min(minY, p[1]!);
    maxY = Math.max(maxY, p[1]!);
  }
  return [(minX + maxX) / 2, (minY + maxY) / 2];
}

function lines(f: BasemapFeature): number[][][] {
  const g = f.geometry;
  if (g.type === 'LineString') return [g.coordinates];
  if (g.type === 'MultiLineString') return g.coordinates;
  return [];
}

export function buildBasemapLabels(basemap: BasemapCollection): LabelDatum[] {
  const out: LabelDatum[] = [];
  const placedByName = new Map<string, [number, number][]>();
  // Explicit label points win over names derived from polygons (no "澄江" twice).
  const pointNames = new Set<string>();
  for (const f of basemap.features) {
    if (f.properties.layer === 'label' && f.properties.name) pointNames.add(f.properties.name);
  }
  for (const f of basemap.features) {
    const { layer, kind, name } = f.properties;
    if (!name) continue;
    if (layer === 'road') {
      const major = MAJOR.has(kind);
      const placed = placedByName.get(name) ?? [];
      for (const line of lines(f)) {
        for (const p of pointsAlong(line, ROAD_LABEL_SPACING_M * (major ? 1 : 1.2))) {
          if (placed.some((q) => metresBetween(p, q) < ROAD_LABEL_SPACING_M * 0.8)) continue;
          placed.push(p);
          out.push({ position: p, text: name, kind: major ? 'road-major' : 'road', priority: major ? 60 : 40, minZoom: major ? 0 : 14.5 });
        }
      }
      placedByName.set(name, placed);
    } else if (layer === 'label' && f.geometry.type === 'Point') {
      const c = f.geometry.coordinates;
      const position: [number, number] = [c[0]!, c[1]!];
      if (kind === 'street' || kind === 'district') out.push({ position, text: name, kind: 'area', priority: 120, minZoom: 0 });
      else if (kind === 'community') out.push({ position, text: name, kind: 'community', priority: 100, minZoom: 0 });
      else if (kind === 'water' || kind === 'river') out.push({ position, text: name, kind: 'water', priority: 50, minZoom: 0 });
      else if (kind === 'park' || kind === 'green') out.push({ position, text: name, kind: 'green', priority: 45, minZoom: 14.8 });
      else if (kind === 'pump_station' || kind === 'shelter' || kind === 'hospital') continue; // drawn as facility markers
      else out.push({ position, text: name, kind: kind === 'estate' ? 'estate' : 'place', priority: 20, minZoom: DETAIL_LABEL_ZOOM });
    } else if ((layer === 'water' || layer === 'green') && !pointNames.has(name) && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon')) {
      const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0]?.[0];
      if (!ring) continue;
      out.push({ position: ringCentre(ring), text: name, kind: layer, priority: 30, minZoom: layer === 'water' ? 0 : 14.8 });
    }
  }
  return out;
}

/** Every character the labels and facility names need, to preload the font subsets. */
export function labelCharacters(labels: LabelDatum[], facilities: Facility[]): string {
  const set = new Set<string>();
  for (const l of labels) for (const ch of l.text) set.add(ch);
  for (const f of facilities) for (const ch of f.name) set.add(ch);
  return Array.from(set).join('');
}
