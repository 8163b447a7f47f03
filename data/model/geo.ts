/**
 * Geometry helpers shared by the store, the importer and the generator. Coordinates are WGS84
 * longitude/latitude in degrees.
 */

/** Metres per degree of latitude (mean). */
export const M_PER_DEG_LAT = 111_320;

/** A local tangent-plane projection around `origin`, good to centimetres over a district. */
export interface LocalProjection {
  readonly originLon: number;
  readonly originLat: number;
  toLonLat(x: number, y: number): [number, number];
  toMetres(lon: number, lat: number): [number, number];
}

export function localProjection(originLon: number, originLat: number): LocalProjection {
  const mPerDegLon = M_PER_DEG_LAT * Math.cos((originLat * Math.PI) / 180);
  return {
    originLon,
    originLat,
    toLonLat: (x, y) => [originLon + x / mPerDegLon, originLat + y / M_PER_DEG_LAT],
    toMetres: (lon, lat) => [(lon - originLon) * mPerDegLon, (lat - originLat) * M_PER_DEG_LAT],
  };
}

/** Signed area (m²) of a flat [lon,lat,lon,lat,…] ring under a local projection. */
export function ringAreaM2(flat: ArrayLike<number>, proj: LocalProjection): number {
  let sum = 0;
  const n = flat.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const [x1, y1] = proj.toMetres(flat[2 * i]!, flat[2 * i + 1]!);
    const [x2, y2] = proj.toMetres(flat[2 * j]!, flat[2 * j + 1]!);
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

/** Bounding box [minLon, minLat, maxLon, maxLat]. */
export type BBox = [number, number, number, number];
