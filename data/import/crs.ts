/**
 * Chinese platforms' coordinates (`--crs gcj02|bd09`): maps exported from AMap/Tencent (GCJ-02,
 * the "Mars" offset of the national survey) or Baidu (BD-09) are shifted by up to ~500 m from
 * WGS84. The importer converts them with `gcoord` before anything else looks at the positions.
 */
import gcoord from 'gcoord';
import type { BBox } from '../model/geo.ts';
import type { Geometry, ParsedFile, Position } from './geojson.ts';
import { growBox } from './geojson.ts';

export const SOURCE_CRS = ['wgs84', 'gcj02', 'bd09'] as const;
export type SourceCrs = (typeof SOURCE_CRS)[number];

const FROM = { gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** One position from `crs` to WGS84 longitude/latitude. */
export function toWgs84(lon: number, lat: number, crs: SourceCrs): [number, number] {
  if (crs === 'wgs84') return [lon, lat];
  const [x, y] = gcoord.transform([lon, lat], FROM[crs], gcoord.WGS84) as [number, number];
  return [x, y];
}

/** Converts every position of the file's features in place and recomputes its extent. */
export function fileToWgs84(file: ParsedFile, crs: SourceCrs): void {
  if (crs === 'wgs84') return;
  const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const fix = (p: Position): void => {
    const [lon, lat] = toWgs84(p[0]!, p[1]!, crs);
    p[0] = lon;
    p[1] = lat;
    growBox(bbox, [lon, lat, lon, lat]);
  };
  for (const f of file.features) if (f.geometry) forEachPosition(f.geometry, fix);
  file.bbox = bbox;
}

function forEachPosition(g: Geometry, fn: (p: Position) => void): void {
  switch (g.type) {
    case 'Point':
      return fn(g.coordinates);
    case 'MultiPoint':
    case 'LineString':
      return g.coordinates.forEach(fn);
    case 'MultiLineString':
    case 'Polygon':
      return g.coordinates.forEach((l) => l.forEach(fn));
    case 'MultiPolygon':
      return g.coordinates.forEach((poly) => poly.forEach((l) => l.forEach(fn)));
  }
}
