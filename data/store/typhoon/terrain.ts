/**
 * The terrain tables (listed once in data/store/migrations/index.ts, which gives the version):
 *
 * - `terrain`: one row, the elevation raster as little-endian float32 (`elev_f32`, row-major from
 *   the north-west corner; see data/model/typhoon/terrain.ts) with its georeference, where it came
 *   from, and structures the raster cannot show (`features`, JSON: underpasses and the roads above).
 *   A BLOB rather than a FLOAT[]: a 100k-building district is ~2 M cells, written and read in one
 *   copy instead of a list value per cell.
 * - `building_ground`: per building its ground level, ground-floor sill and basement depth, kept
 *   beside `buildings` (not in it) so twins without terrain keep their schema and imports untouched.
 *
 * A twin without a row in `terrain` has no terrain model: readers return null and the models say so.
 */
import { DuckDBTimestampValue } from '@duckdb/node-api';
import type { Migration } from '../migrations/index.ts';
import type { DuckDbStore } from '../DuckDbStore.ts';
import { TERRAIN_DATUM, type BuildingGround, type TerrainFeature, type TerrainModel } from '../../model/typhoon/terrain.ts';

export function terrainMigration(version: number): Migration {
  return {
    version,
    name: 'terrain',
    sql: /* sql */ `
CREATE TABLE terrain (
  id INTEGER PRIMARY KEY CHECK (id = 1), source VARCHAR NOT NULL, datum VARCHAR NOT NULL,
  origin_lon DOUBLE NOT NULL, origin_lat DOUBLE NOT NULL, west_m DOUBLE NOT NULL, north_m DOUBLE NOT NULL,
  cell_m DOUBLE NOT NULL, cols INTEGER NOT NULL, rows INTEGER NOT NULL, elev_f32 BLOB NOT NULL,
  features JSON NOT NULL, written_at TIMESTAMP NOT NULL
);
CREATE TABLE building_ground (
  building_id INTEGER PRIMARY KEY, ground_elev_m REAL NOT NULL, floor_sill_m REAL NOT NULL,
  basement_depth_m REAL NOT NULL
);
`,
  };
}

/** Replaces the twin's terrain model (raster, features and per-building ground) in one transaction. */
export async function writeTerrain(store: DuckDbStore, model: TerrainModel): Promise<void> {
  const r = model.raster;
  if (r.elevM.length !== r.cols * r.rows)
    throw new Error(`Terrain raster has ${r.elevM.length} cells, expected ${r.cols} × ${r.rows} = ${r.cols * r.rows}.`);
  const bytes = new Uint8Array(r.elevM.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < r.elevM.length; i++) view.setFloat32(i * 4, r.elevM[i]!, true);
  await store.transaction(async () => {
    await store.run('DELETE FROM terrain');
    await store.run('DELETE FROM building_ground');
    const t = await store.appender('terrain');
    t.appendInteger(1);
    t.appendVarchar(model.source);
    t.appendVarchar(model.datum || TERRAIN_DATUM);
    t.appendDouble(r.originLon);
    t.appendDouble(r.originLat);
    t.appendDouble(r.westM);
    t.appendDouble(r.northM);
    t.appendDouble(r.cellM);
    t.appendInteger(r.cols);
    t.appendInteger(r.rows);
    t.appendBlob(bytes);
    t.appendVarchar(JSON.stringify(model.features));
    t.appendTimestamp(new DuckDBTimestampValue(BigInt(Date.now()) * 1000n));
    t.endRow();
    t.closeSync();
    const g = await store.appender('building_ground');
    for (const b of model.buildings) {
      g.appendInteger(b.buildingId);
      g.appendFloat(b.groundElevM);
      g.appendFloat(b.floorSillM);
      g.appendFloat(b.basementDepthM);
      g.endRow();
    }
    g.closeSync();
  });
}

interface TerrainRow {
  source: string;
  datum: string;
  origin_lon: number;
  origin_lat: number;
  west_m: number;
  north_m: number;
  cell_m: number;
  cols: number;
  rows: number;
  elev_f32: Uint8Array;
  features: string;
}

/** The twin's terrain model, or null when it has none (an older twin, or one nobody gave a DEM). */
export async function readTerrain(store: DuckDbStore): Promise<TerrainModel | null> {
  const hasTable = await store.one<{ n: number }>(
    "SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'terrain'",
  );
  if ((hasTable?.n ?? 0) === 0) return null;
  const row = await store.one<TerrainRow>(
    'SELECT source, datum, origin_lon, origin_lat, west_m, north_m, cell_m, cols, rows, elev_f32, features::VARCHAR AS features FROM terrain WHERE id = 1',
  );
  if (!row) return null;
  const bytes = toBytes(row.elev_f32);
  const cells = row.cols * row.rows;
  if (bytes.length !== cells * 4)
    throw new Error(`The twin's terrain raster is damaged: ${bytes.length} bytes for ${row.cols} × ${row.rows} cells (expected ${cells * 4}). Import the DEM again.`);
  const elevM = new Float32Array(cells);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < cells; i++) elevM[i] = view.getFloat32(i * 4, true);
  const ground = await store.columns(
    'SELECT building_id, ground_elev_m, floor_sill_m, basement_depth_m FROM building_ground ORDER BY building_id',
    { building_id: Int32Array, ground_elev_m: Float32Array, floor_sill_m: Float32Array, basement_depth_m: Float32Array },
  );
  const buildings: BuildingGround[] = [];
  for (let i = 0; i < ground.rowCount; i++)
    buildings.push({
      buildingId: ground.building_id[i]!,
      groundElevM: ground.ground_elev_m[i]!,
      floorSillM: ground.floor_sill_m[i]!,
      basementDepthM: ground.basement_depth_m[i]!,
    });
  return {
    source: row.source,
    datum: row.datum,
    raster: {
      originLon: row.origin_lon,
      originLat: row.origin_lat,
      westM: row.west_m,
      northM: row.north_m,
      cellM: row.cell_m,
      cols: row.cols,
      rows: row.rows,
      elevM,
    },
    buildings,
    features: JSON.parse(row.features) as TerrainFeature[],
  };
}

function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v && typeof v === 'object' && 'bytes' in v && (v as { bytes: unknown }).bytes instanceof Uint8Array) return (v as { bytes: Uint8Array }).bytes;
  throw new Error('The twin\'s terrain raster is not a BLOB. Import the DEM again.');
}
