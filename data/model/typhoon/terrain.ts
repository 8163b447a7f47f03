/**
 * The terrain model the waterlogging model runs on: a north-up elevation raster (like a GeoTIFF:
 * row 0 is the northern edge) in metres on a local tangent plane around an origin, plus what the
 * raster cannot say about buildings (ground level, the sill of the ground floor, the basement) and
 * structures where two roads cross at different levels (an underpass under a road).
 *
 * Heights are metres above the 1985 National Height Datum (1985国家高程基准), as Chinese survey
 * DEMs give them.
 */

/** A north-up elevation raster in local metres: cell (col, row) has its centre at (west + (col + ½)·cell, north − (row + ½)·cell). */
export interface TerrainRaster {
  /** Origin of the local projection (data/model/geo.ts localProjection), degrees. */
  originLon: number;
  originLat: number;
  /** Western and northern edge of the raster, metres east / north of the origin. */
  westM: number;
  northM: number;
  cellM: number;
  cols: number;
  rows: number;
  /** cols × rows elevations, row-major from the north-west corner; NaN = no data (treated as outside the district). */
  elevM: Float32Array;
}

/** Per building: where its ground floor is and what lies below it. */
export interface BuildingGround {
  buildingId: number;
  /** Ground level at the building's door (the raster at its centroid unless surveyed). */
  groundElevM: number;
  /** Height of the ground floor above the ground outside (室内外高差): water deeper than this enters ground-floor homes. */
  floorSillM: number;
  /** Depth of the basement below ground (0 = none): garages, plant rooms, sometimes rented rooms. */
  basementDepthM: number;
}

/** An underpass (下穿通道): `road` dips under `overRoad`; the raster shows the dip, the road above runs on a deck. */
export interface UnderpassFeature {
  kind: 'underpass';
  name: string;
  road: string;
  overRoad: string;
  lon: number;
  lat: number;
  /** Along `overRoad`, points within this distance of (lon, lat) are on the deck, not in the dip. */
  deckRadiusM: number;
  lengthM: number;
  bottomElevM: number;
}

export type TerrainFeature = UnderpassFeature;

/** What a twin holds about its terrain. */
export interface TerrainModel {
  /** 'demo' for the generator, else where it was imported from (file name). */
  source: string;
  datum: string;
  raster: TerrainRaster;
  buildings: BuildingGround[];
  features: TerrainFeature[];
}

export const TERRAIN_DATUM = '1985 National Height Datum';

/** The raster cell holding local point (x, y) metres, or -1 outside. */
export function rasterCellAt(r: TerrainRaster, x: number, y: number): number {
  const col = Math.floor((x - r.westM) / r.cellM);
  const row = Math.floor((r.northM - y) / r.cellM);
  if (col < 0 || row < 0 || col >= r.cols || row >= r.rows) return -1;
  return row * r.cols + col;
}
