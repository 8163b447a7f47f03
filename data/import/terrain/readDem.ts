/**
 * A digital elevation model from a GeoTIFF (issue 11 §4: "real districts import a DEM"), read with
 * geotiff.js. Geographic coordinates only (EPSG:4326 / CGCS2000 lon-lat, as survey offices and
 * SRTM/Copernicus tiles come): a projected one is refused with the command that converts it.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fromArrayBuffer } from 'geotiff';

export interface DemGrid {
  source: string;
  /** Edges of the grid, degrees (west, south, east, north). */
  bbox: [number, number, number, number];
  width: number;
  height: number;
  /** Metres above the datum, row-major from the north-west corner; NaN = no data. */
  elevM: Float32Array;
}

/** Geographic CRSs a DEM may come in: WGS 84, CGCS2000 (China's geodetic system; same lon/lat to a metre). */
const GEOGRAPHIC_EPSG = new Set([4326, 4490]);
/** Largest DEM read into memory: 64 M cells (a 1 m DEM of 8 × 8 km). */
const MAX_CELLS = 64_000_000;

export class DemError extends Error {}

export async function readDem(path: string): Promise<DemGrid> {
  const where = basename(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new DemError(`${where}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  let image;
  try {
    const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    image = await tiff.getImage(0);
  } catch (err) {
    throw new DemError(`${where}: not a readable GeoTIFF (${(err as Error).message}). Export the DEM as GeoTIFF (.tif).`);
  }
  const keys = (image.getGeoKeys() ?? {}) as Record<string, unknown>;
  const projected = keys.ProjectedCSTypeGeoKey;
  const geographic = keys.GeographicTypeGeoKey;
  if (projected !== undefined || (geographic !== undefined && !GEOGRAPHIC_EPSG.has(Number(geographic)))) {
    throw new DemError(
      `${where}: the DEM is in EPSG:${String(projected ?? geographic)}; CivicTwin reads DEMs in longitude/latitude (EPSG:4326 or CGCS2000 4490). ` +
        `Convert it first: gdalwarp -t_srs EPSG:4326 ${where} ${where.replace(/\.tiff?$/i, '')}-4326.tif`,
    );
  }
  const width = image.getWidth();
  const height = image.getHeight();
  if (width * height > MAX_CELLS) throw new DemError(`${where}: ${width} × ${height} cells is more than ${MAX_CELLS.toLocaleString('en')}; clip it to the district first (gdalwarp -te …).`);
  let bbox: number[];
  try {
    bbox = image.getBoundingBox();
  } catch {
    throw new DemError(`${where}: has no georeference (no tie point and pixel scale). Export it as a GeoTIFF, not a plain TIFF.`);
  }
  const [west, south, east, north] = bbox as [number, number, number, number];
  if (![west, south, east, north].every(Number.isFinite) || west < -180 || east > 180 || south < -90 || north > 90 || west >= east || south >= north) {
    throw new DemError(`${where}: its bounds (${bbox.join(', ')}) are not longitudes and latitudes; is it in a projected CRS without GeoKeys?`);
  }
  const [band] = (await image.readRasters({ samples: [0] })) as unknown as ArrayLike<number>[];
  const noData = image.getGDALNoData();
  const elevM = new Float32Array(width * height);
  for (let i = 0; i < elevM.length; i++) {
    const v = Number(band![i]);
    // Below the Dead Sea or above Everest is a fill value the file did not declare.
    elevM[i] = (noData !== null && v === noData) || !Number.isFinite(v) || v < -500 || v > 9000 ? NaN : v;
  }
  return { source: where, bbox: [west, south, east, north], width, height, elevM };
}
