/**
 * The district as a small SVG sketch for the residents' form, from the twin's own rows (community
 * outlines, roads, water): no tiles, nothing fetched. Coordinates are rounded to whole viewBox
 * units and repeated points dropped, so a 2,000-building district is a few tens of KB.
 */
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import type { DistrictSketch } from '../../common/reports/contract.ts';

const WIDTH = 1000;

export async function districtSketch(store: DuckDbStore): Promise<DistrictSketch> {
  const ext = await store.one<{ a: number; b: number; c: number; d: number }>(
    'SELECT min(centroid_lon) a, min(centroid_lat) b, max(centroid_lon) c, max(centroid_lat) d FROM buildings',
  );
  if (!ext || ext.a === null) return { width: WIDTH, height: WIDTH, bbox: [0, 0, 1, 1], roads: '', water: '', areas: [] };
  const padLon = (ext.c - ext.a) * 0.04 + 0.001;
  const padLat = (ext.d - ext.b) * 0.04 + 0.001;
  const bbox: [number, number, number, number] = [ext.a - padLon, ext.b - padLat, ext.c + padLon, ext.d + padLat];
  const cos = Math.cos((((bbox[1] + bbox[3]) / 2) * Math.PI) / 180);
  const height = Math.round((WIDTH * (bbox[3] - bbox[1])) / ((bbox[2] - bbox[0]) * cos));
  const x = (lon: number): number => Math.round(((lon - bbox[0]) / (bbox[2] - bbox[0])) * WIDTH);
  const y = (lat: number): number => Math.round(((bbox[3] - lat) / (bbox[3] - bbox[1])) * height);
  const path = (coords: number[][], close: boolean): string => {
    let d = '';
    let last = '';
    for (const [lon, lat] of coords) {
      const p = `${x(lon!)} ${y(lat!)}`;
      if (p === last) continue;
      d += (d === '' ? 'M' : 'L') + p;
      last = p;
    }
    return d.includes('L') ? d + (close ? 'Z' : '') : '';
  };
  const features = await store.all<{ layer: string; g: string }>(
    "SELECT layer, geometry::VARCHAR AS g FROM basemap_features WHERE layer IN ('road', 'water')",
  );
  let roads = '';
  let water = '';
  for (const f of features) {
    const g = JSON.parse(f.g) as { type: string; coordinates: unknown };
    const lines: number[][][] =
      g.type === 'LineString'
        ? [g.coordinates as number[][]]
        : g.type === 'MultiLineString' || g.type === 'Polygon'
          ? (g.coordinates as number[][][])
          : g.type === 'MultiPolygon'
            ? (g.coordinates as number[][][][]).flat()
            : [];
    const closed = g.type === 'Polygon' || g.type === 'MultiPolygon';
    for (const line of lines) {
      const d = path(line, closed);
      if (f.layer === 'road') roads += d;
      else water += d;
    }
  }
  const rings = await store.all<{ name: string; ring: number[] }>(
    "SELECT name, ring FROM areas WHERE level = 'community' AND ring IS NOT NULL ORDER BY id",
  );
  const areas = rings.map((r) => {
    const flat = r.ring.map(Number);
    const coords: number[][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) coords.push([flat[i]!, flat[i + 1]!]);
    const cx = coords.reduce((s, c) => s + c[0]!, 0) / Math.max(1, coords.length);
    const cy = coords.reduce((s, c) => s + c[1]!, 0) / Math.max(1, coords.length);
    return { name: r.name, d: path(coords, true), x: x(cx), y: y(cy) };
  });
  return { width: WIDTH, height, bbox, roads, water, areas };
}
