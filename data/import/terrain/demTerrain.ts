/**
 * The twin's terrain model from an imported DEM: the DEM resampled (bilinear) onto a north-up
 * local metric raster over the district, and each building's ground level read from it. What a
 * DEM cannot say is stated, not invented: floor sills take the common 0.3 m (室内外高差), and no
 * building gets a basement unless the twin says it has one (the notes say so).
 */
import { localProjection } from '../../model/geo.ts';
import { TERRAIN_DATUM, type BuildingGround, type TerrainModel } from '../../model/typhoon/terrain.ts';
import type { DemGrid } from './readDem.ts';

/** Ground-floor sill above the ground outside when nobody surveyed it. */
export const DEFAULT_SILL_M = 0.3;
const MARGIN_M = 300;
const MAX_LOCAL_CELLS = 4_000_000;
const M_PER_DEG_LAT = 111_320;

export interface DemBuilding {
  id: number;
  lon: number;
  lat: number;
}

export interface DemTerrain {
  model: TerrainModel;
  notes: string[];
}

/** Bilinear sample of the DEM at (lon, lat); NaN outside or next to no-data. */
function sample(dem: DemGrid, lon: number, lat: number): number {
  const [west, , east, north] = dem.bbox;
  const dx = (east - west) / dem.width;
  const dy = (north - dem.bbox[1]) / dem.height;
  const fx = (lon - west) / dx - 0.5;
  const fy = (north - lat) / dy - 0.5;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  if (x0 < -1 || y0 < -1 || x0 >= dem.width || y0 >= dem.height) return NaN;
  const at = (x: number, y: number): number => dem.elevM[Math.min(dem.height - 1, Math.max(0, y)) * dem.width + Math.min(dem.width - 1, Math.max(0, x))]!;
  const tx = Math.min(1, Math.max(0, fx - x0));
  const ty = Math.min(1, Math.max(0, fy - y0));
  const top = at(x0, y0) * (1 - tx) + at(x0 + 1, y0) * tx;
  const bottom = at(x0, y0 + 1) * (1 - tx) + at(x0 + 1, y0 + 1) * tx;
  return top * (1 - ty) + bottom * ty;
}

export function terrainFromDem(dem: DemGrid, district: { bbox: [number, number, number, number] }, buildings: readonly DemBuilding[]): DemTerrain {
  const notes: string[] = [];
  const [w, s, e, n] = district.bbox;
  const [demW, demS, demE, demN] = dem.bbox;
  if (demE < w || demW > e || demN < s || demS > n) {
    throw new Error(`${dem.source}: the DEM (${demW.toFixed(4)}–${demE.toFixed(4)} E, ${demS.toFixed(4)}–${demN.toFixed(4)} N) does not cover the twin (${w.toFixed(4)}–${e.toFixed(4)} E, ${s.toFixed(4)}–${n.toFixed(4)} N).`);
  }
  const originLon = (w + e) / 2;
  const originLat = (s + n) / 2;
  const proj = localProjection(originLon, originLat);
  const [x0, y0] = proj.toMetres(w, s);
  const [x1, y1] = proj.toMetres(e, n);
  const westM = x0 - MARGIN_M;
  const northM = y1 + MARGIN_M;
  const widthM = x1 - x0 + 2 * MARGIN_M;
  const heightM = y1 - y0 + 2 * MARGIN_M;
  // The DEM's own resolution, kept between 5 and 50 m, coarser if the district would need too many cells.
  const demCellM = ((demN - demS) / dem.height) * M_PER_DEG_LAT;
  let cellM = Math.min(50, Math.max(5, demCellM));
  while (Math.ceil(widthM / cellM) * Math.ceil(heightM / cellM) > MAX_LOCAL_CELLS) cellM *= 1.25;
  const cols = Math.ceil(widthM / cellM);
  const rows = Math.ceil(heightM / cellM);
  const elevM = new Float32Array(cols * rows);
  let missing = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const [lon, lat] = proj.toLonLat(westM + (c + 0.5) * cellM, northM - (r + 0.5) * cellM);
      const v = sample(dem, lon, lat);
      elevM[r * cols + c] = v;
      if (Number.isNaN(v)) missing++;
    }
  }
  if (missing > 0) notes.push(`${((100 * missing) / elevM.length).toFixed(1)} % of the district's cells have no elevation in the DEM (outside it or no-data): water is not modelled there.`);
  const ground: BuildingGround[] = [];
  let without = 0;
  for (const b of buildings) {
    const z = sample(dem, b.lon, b.lat);
    if (Number.isNaN(z)) {
      without++;
      continue;
    }
    ground.push({ buildingId: b.id, groundElevM: Math.round(z * 100) / 100, floorSillM: DEFAULT_SILL_M, basementDepthM: 0 });
  }
  if (without > 0) notes.push(`${without} buildings stand where the DEM has no elevation: they are left out of the flood model.`);
  notes.push(`Floor sills are taken as ${DEFAULT_SILL_M} m and no building is given a basement: a DEM does not say; survey data would.`);
  if (demCellM > 30) notes.push(`The DEM's cells are ${Math.round(demCellM)} m: streets, underpasses and courtyards lower than that are not seen.`);
  return {
    model: {
      source: dem.source,
      datum: TERRAIN_DATUM,
      raster: { originLon, originLat, westM, northM, cellM, cols, rows, elevM },
      buildings: ground,
      features: [],
    },
    notes,
  };
}
