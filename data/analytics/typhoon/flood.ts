/**
 * Waterlogging (内涝) over the district during a typhoon's rain: a rainfall scenario (a total with
 * an hourly profile, or rain gauges' hourly readings) less what soaks in and what the drainage
 * takes (sewers at their design capacity in mm/h, limited near the river by the pump stations
 * that must lift the water over the embankment while the river is high) runs downhill into the
 * terrain's depressions and fills them hour by hour; a full depression spills over its pour point
 * into its neighbour, and merged depressions fill as one lake (depressions.ts).
 *
 * Per building: depth at its door over time, whether the ground floor (water above its sill) and
 * the basement (water over the ramp's hump) flood, and the households there. Per road segment: the
 * deepest water along it over time and whether cars (> 0.3 m) and people on foot (> 0.5 m) can
 * still pass. Every flooded place carries its reason (rain, soaked, drained, the low point it
 * drains to, the level): a planner can check the figure, not just believe it.
 *
 * Defaults (documented, every one can be set per scenario):
 * - sewers: 36 mm/h, the 1-year return period design storm of an older Chinese district
 *   (GB 50014 asked 1–3 years for ordinary districts before 2014; old quarters were built to ~1).
 * - runoff coefficient 0.85: a dense built-up district (GB 50014 composite 0.6–0.85, upper end).
 * - pump stations: design flow (facilities.capacity, m³/s) spread over the catchments whose low
 *   point lies within 2 km of the station, nearest station first; with the river high the sewers
 *   there cannot drain faster than the pumps lift.
 * - floors: water deeper than the building's sill (building_ground.floor_sill_m, default 0.3 m)
 *   enters ground-floor homes; deeper than 0.15 m (a garage ramp's hump) it pours into basements.
 */
import { localProjection } from '../../model/geo.ts';
import { rasterCellAt, type TerrainFeature, type TerrainModel } from '../../model/typhoon/terrain.ts';
import type { DuckDbStore } from '../../store/DuckDbStore.ts';
import { readTerrain } from '../../store/typhoon/terrain.ts';
import { buildDepressions, FillState, OUTSIDE, type DepressionTree } from './depressions.ts';

export const DEFAULT_SEWER_MM_PER_HOUR = 36;
export const DEFAULT_RUNOFF_COEFFICIENT = 0.85;
export const DEFAULT_PUMP_REACH_M = 2000;
/** Deeper than this, a road is closed to cars (most cars stall; TYPHOON.md). */
export const CAR_LIMIT_M = 0.3;
/** Deeper than this, people should not wade (TYPHOON.md). */
export const WALK_LIMIT_M = 0.5;
/** A garage ramp's hump: deeper water pours into the basement. */
export const BASEMENT_RAMP_SILL_M = 0.15;
export const DEFAULT_FLOOR_SILL_M = 0.3;
/** Shallower water is puddles: not reported as flooding. */
export const REPORT_MIN_DEPTH_M = 0.05;
/** Road segments are cut into pieces of at most this length, so "closed" means a stretch, not a whole road. */
export const ROAD_SEGMENT_M = 250;

/** A rainfall scenario: hourly rain (mm in each hour) from `startUtcMs`. */
export interface RainScenario {
  label?: string;
  hourlyMm: number[];
  startUtcMs?: number;
  sewerMmPerHour?: number;
  runoffCoefficient?: number;
  pumpReachM?: number;
}

/**
 * A typhoon storm of `totalMm` over `hours`: rain peaks in hour `peakHour` (22 % of the total),
 * falling off by a factor e every 2.2 h either side (a Chicago-type design storm, Keifer & Chu
 * 1957, with the peak near landfall). Sums to `totalMm` exactly.
 */
export function typhoonRainProfile(totalMm: number, hours = 24, peakHour = Math.floor(hours / 2)): number[] {
  if (!(totalMm >= 0) || !Number.isFinite(totalMm)) throw new RangeError(`Rain total must be a number of mm ≥ 0, got ${totalMm}.`);
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 14) throw new RangeError(`Hours must be an integer from 1 to 336, got ${hours}.`);
  const w = Array.from({ length: hours }, (_, h) => Math.exp(-Math.abs(h - peakHour) / 2.2));
  const sum = w.reduce((s, x) => s + x, 0);
  return w.map((x) => (totalMm * x) / sum);
}

/** A pump station as the model uses it. */
export interface PumpStation {
  id: number;
  name: string;
  lon: number;
  lat: number;
  /** Design flow, m³/s. */
  capacityM3s: number;
}

/** A road piece the model reports on. */
export interface RoadPiece {
  /** `<basemap feature id>:<piece>` */
  id: string;
  featureId: number;
  kind: string;
  name: string | null;
  /** [lon, lat, lon, lat] of its ends. */
  ends: [number, number, number, number];
  lengthM: number;
}

/** What the model reads from the twin. */
export interface FloodInputs {
  terrain: TerrainModel;
  buildings: {
    id: Int32Array;
    lon: Float64Array;
    lat: Float64Array;
    groundFloorHouseholds: Int32Array;
    basementHouseholds: Int32Array;
    floorSillM: Float32Array;
    basementDepthM: Float32Array;
  };
  /** Road lines (basemap layer 'road'), [lon, lat] points. */
  roads: { id: number; kind: string; name: string | null; coords: [number, number][] }[];
  pumps: PumpStation[];
}

/** Why a place is under water, in figures a planner can check. */
export interface FloodReason {
  /** Hour (index into the scenario) the figures are for: the place's deepest. */
  hour: number;
  rainMm: number;
  soakedMm: number;
  /** Taken by the drainage over the catchment up to that hour (capacity used). */
  drainedMm: number;
  drainageMmPerHour: number;
  /** What drains the low point: sewers, or the pump station that limits them. */
  drainage: string;
  /** The pump station that limits the drainage there, or null (sewers at their capacity). */
  pumpStation: string | null;
  catchmentHa: number;
  lowPointElevM: number;
  groundElevM: number;
  waterLevelM: number;
  depthM: number;
  /** The same as one line of text. */
  summary: string;
}

export interface FloodedBuilding {
  buildingId: number;
  maxDepthM: number;
  /** First hour water stands above the ground-floor sill, or null. */
  groundFloorFromHour: number | null;
  groundFloorHouseholds: number;
  basementFromHour: number | null;
  basementHouseholds: number;
  hasBasement: boolean;
  reason: FloodReason;
}

export interface RoadFlooding {
  road: RoadPiece;
  maxDepthM: number;
  /** First hour deeper than 0.3 m / 0.5 m, or null. */
  closedToCarsFromHour: number | null;
  closedOnFootFromHour: number | null;
  /** Where along it the water is deepest, [lon, lat]. */
  deepestAt: [number, number];
  /** Underpass this stretch runs through, if any. */
  underpass: string | null;
  reason: FloodReason;
}

export interface FloodResult {
  label: string;
  hours: number;
  startUtcMs: number | null;
  hourlyMm: number[];
  settings: { sewerMmPerHour: number; runoffCoefficient: number; pumpReachM: number; pumps: number };
  /** Building depth per hour: depthM[h * buildingIds.length + i]. */
  buildingIds: Int32Array;
  buildingDepthM: Float32Array;
  /** Deepest water per road piece per hour: roadDepthM[h * roads.length + j]. */
  roads: RoadPiece[];
  roadDepthM: Float32Array;
  /** Per hour: water held in depressions (m³), roads closed to cars, households with water at home. */
  perHour: { pondedM3: number; roadsClosedToCars: number; roadsClosedOnFoot: number; householdsFlooded: number; buildingsFlooded: number }[];
  floodedBuildings: FloodedBuilding[];
  floodedRoads: RoadFlooding[];
  /** Water that ran off the district (m³) and the drainage's total (m³). */
  runOffM3: number;
  drainedM3: number;
  /**
   * With `keepLevels`: the water level over every depression node at the end of each hour,
   * nodeLevelM[h * nodeCount + x] (−Infinity when dry). A cell's depth is its node's level less its
   * ground (floodRaster.ts draws the whole surface from it without keeping a raster per hour).
   */
  nodeLevelM?: Float32Array;
}

/** What simulateFlood keeps beyond its summary. */
export interface SimulateOptions {
  keepLevels?: boolean;
}

/** The twin has no terrain: the model cannot run, and says why and what to do. */
export interface NoTerrain {
  noTerrain: string;
}

export const NO_TERRAIN_MESSAGE =
  'no terrain model: this twin has no elevation raster (table terrain is empty), so waterlogging cannot be estimated. Seed a demo district again or import a DEM for the district; the plan lists no flooded homes or roads until then.';

/** Reads what the waterlogging model needs, or says there is no terrain. */
export async function readFloodInputs(store: DuckDbStore): Promise<FloodInputs | NoTerrain> {
  const terrain = await readTerrain(store);
  if (!terrain) return { noTerrain: NO_TERRAIN_MESSAGE };
  const b = await store.columns(
    `SELECT b.id, b.centroid_lon AS lon, b.centroid_lat AS lat,
            coalesce(h.ground, 0)::INTEGER AS ground, coalesce(h.basement, 0)::INTEGER AS basement,
            coalesce(g.floor_sill_m, ${DEFAULT_FLOOR_SILL_M})::FLOAT AS sill, coalesce(g.basement_depth_m, 0)::FLOAT AS depth
       FROM buildings b
       LEFT JOIN building_ground g ON g.building_id = b.id
       LEFT JOIN (SELECT building_id, count(*) FILTER (WHERE floor = 1) AS ground, count(*) FILTER (WHERE floor = 0) AS basement
                    FROM households GROUP BY building_id) h ON h.building_id = b.id
      ORDER BY b.id`,
    { id: Int32Array, lon: Float64Array, lat: Float64Array, ground: Int32Array, basement: Int32Array, sill: Float32Array, depth: Float32Array },
  );
  const roadRows = await store.all<{ id: number; kind: string; name: string | null; geometry: string }>(
    "SELECT id, kind, name, geometry::VARCHAR AS geometry FROM basemap_features WHERE layer = 'road' ORDER BY id",
  );
  const roads: FloodInputs['roads'] = [];
  for (const r of roadRows) {
    const g = JSON.parse(r.geometry) as { type?: string; coordinates?: unknown };
    if (g.type === 'LineString' && Array.isArray(g.coordinates)) roads.push({ id: r.id, kind: r.kind, name: r.name, coords: g.coordinates as [number, number][] });
  }
  const pumpRows = await store.all<{ id: number; name: string; lon: number; lat: number; capacity: number | null }>(
    "SELECT id, name, lon, lat, capacity FROM facilities WHERE kind = 'pump_station' AND status = 'open' ORDER BY id",
  );
  return {
    terrain,
    buildings: { id: b.id, lon: b.lon, lat: b.lat, groundFloorHouseholds: b.ground, basementHouseholds: b.basement, floorSillM: b.sill, basementDepthM: b.depth },
    roads,
    pumps: pumpRows.map((p) => ({ id: p.id, name: p.name, lon: p.lon, lat: p.lat, capacityM3s: p.capacity ?? 0 })),
  };
}

/** Hourly rain (mm per hour, mean over the district's gauges) from `sensor.reading` rain gauges; null without readings. */
export async function readRainGauges(store: DuckDbStore, fromUtcMs: number, hours: number): Promise<number[] | null> {
  // A reading in mm is the rain of its interval (summed per gauge and hour); in mm/h an intensity (averaged).
  const rows = await store.all<{ h: number; mm: number }>(
    `WITH per_gauge AS (
       SELECT sensor_id, floor((epoch_ms(ts) - $1) / 3600000)::INTEGER AS h,
              CASE WHEN unit = 'mm/h' THEN avg(value) ELSE sum(value) END AS mm
         FROM sensor_readings
        WHERE kind = 'rain' AND ts >= make_timestamp($1 * 1000) AND ts < make_timestamp(($1 + $2 * 3600000) * 1000)
        GROUP BY sensor_id, h, unit)
     SELECT h, avg(mm) AS mm FROM per_gauge GROUP BY h ORDER BY h`,
    [fromUtcMs, hours],
  );
  if (rows.length === 0) return null;
  const out = new Array<number>(hours).fill(0);
  for (const r of rows) if (r.h >= 0 && r.h < hours) out[r.h] = Math.max(0, Number(r.mm));
  return out;
}

/** The terrain prepared once (depressions, where buildings and roads sit, which pump drains what), reused for every scenario. */
export interface PreparedFlood {
  inputs: FloodInputs;
  tree: DepressionTree;
  buildingCell: Int32Array;
  roads: RoadPiece[];
  /** Road sample cells inside depressions, grouped by piece: roadCells[roadStart[j] … roadStart[j+1]−1]. */
  roadStart: Int32Array;
  roadCells: Int32Array;
  roadUnderpass: (string | null)[];
  leaves: Int32Array;
  /** Buildings whose cell lies in a depression (the others never hold water), indices into inputs.buildings. */
  wettableBuildings: Int32Array;
  /** Road pieces with a sample cell in a depression, indices into roads. */
  wettableRoads: Int32Array;
  /** Per node: index into inputs.pumps of the pump station serving its low point, or −1 (sewers only). */
  leafPump: Int32Array;
  /** Per pump: area of the catchments it serves, m². */
  pumpAreaM2: Float64Array;
  pumpReachM: number;
}

/** Builds the depressions and places buildings, roads and pumps on the raster. */
export function prepareFlood(inputs: FloodInputs, pumpReachM = DEFAULT_PUMP_REACH_M): PreparedFlood {
  const r = inputs.terrain.raster;
  const tree = buildDepressions({ cols: r.cols, rows: r.rows, cellM: r.cellM, elevM: r.elevM });
  const proj = localProjection(r.originLon, r.originLat);
  const nb = inputs.buildings.id.length;
  const buildingCell = new Int32Array(nb);
  for (let i = 0; i < nb; i++) {
    const [x, y] = proj.toMetres(inputs.buildings.lon[i]!, inputs.buildings.lat[i]!);
    buildingCell[i] = rasterCellAt(r, x, y);
  }
  const { roads, roadStart, roadCells, roadUnderpass } = placeRoads(inputs, proj);
  // Leaves, and the pump station (if any within reach) that drains each one's low point.
  const leafList: number[] = [];
  for (let x = 1; x < tree.nodeCount; x++) if (tree.isLeaf[x] && tree.catchCells[x]! > 0) leafList.push(x);
  const leaves = Int32Array.from(leafList);
  const pumpXY = inputs.pumps.map((p) => proj.toMetres(p.lon, p.lat));
  const leafPump = new Int32Array(tree.nodeCount).fill(-1);
  const pumpAreaM2 = new Float64Array(inputs.pumps.length);
  for (const x of leaves) {
    const pit = tree.pitCell[x]!;
    const col = pit % r.cols;
    const row = (pit - col) / r.cols;
    const px = r.westM + (col + 0.5) * r.cellM;
    const py = r.northM - (row + 0.5) * r.cellM;
    let best = -1;
    let bestD = pumpReachM;
    for (let k = 0; k < pumpXY.length; k++) {
      const d = Math.hypot(px - pumpXY[k]![0], py - pumpXY[k]![1]);
      if (d <= bestD && inputs.pumps[k]!.capacityM3s > 0) {
        bestD = d;
        best = k;
      }
    }
    leafPump[x] = best;
    if (best >= 0) pumpAreaM2[best]! += tree.catchCells[x]! * tree.cellAreaM2;
  }
  // Cells that drain to the outside never hold water: only the others are read hour by hour.
  const wettableBuildings: number[] = [];
  for (let i = 0; i < nb; i++) if (buildingCell[i]! >= 0 && tree.joinNode[buildingCell[i]!] !== OUTSIDE) wettableBuildings.push(i);
  const wettableRoads: number[] = [];
  const keptStart = new Int32Array(roadStart.length);
  let kept = 0;
  for (let j = 0; j + 1 < roadStart.length; j++) {
    keptStart[j] = kept;
    for (let k = roadStart[j]!; k < roadStart[j + 1]!; k++) if (tree.joinNode[roadCells[k]!] !== OUTSIDE) roadCells[kept++] = roadCells[k]!;
    if (kept > keptStart[j]!) wettableRoads.push(j);
  }
  keptStart[roadStart.length - 1] = kept;
  return {
    inputs,
    tree,
    buildingCell,
    roads,
    roadStart: keptStart,
    roadCells: roadCells.slice(0, kept),
    roadUnderpass,
    leaves,
    wettableBuildings: Int32Array.from(wettableBuildings),
    wettableRoads: Int32Array.from(wettableRoads),
    leafPump,
    pumpAreaM2,
    pumpReachM,
  };
}

function placeRoads(
  inputs: FloodInputs,
  proj: ReturnType<typeof localProjection>,
): { roads: RoadPiece[]; roadStart: Int32Array; roadCells: Int32Array; roadUnderpass: (string | null)[] } {
  const r = inputs.terrain.raster;
  const underpasses = inputs.terrain.features.filter((f): f is TerrainFeature => f.kind === 'underpass').map((f) => ({ f, xy: proj.toMetres(f.lon, f.lat) }));
  const roads: RoadPiece[] = [];
  const starts: number[] = [0];
  const roadUnderpass: (string | null)[] = [];
  const step = r.cellM / 2;
  let cells = new Int32Array(1 << 16);
  let count = 0;
  for (const road of inputs.roads) {
    if (road.kind === 'bridge') continue; // decks over the river, not ground
    // Only the underpasses this road runs through or over matter to its samples.
    const decks = underpasses.filter((u) => road.name !== null && road.name === u.f.overRoad);
    const dips = underpasses.filter((u) => road.name !== null && road.name === u.f.road);
    const pts = road.coords.map(([lon, lat]) => proj.toMetres(lon, lat));
    let piece = 0;
    for (let k = 0; k + 1 < pts.length; k++) {
      const [ax, ay] = pts[k]!;
      const [bx, by] = pts[k + 1]!;
      const len = Math.hypot(bx - ax, by - ay);
      if (len <= 0) continue;
      const parts = Math.max(1, Math.ceil(len / ROAD_SEGMENT_M));
      for (let p = 0; p < parts; p++) {
        const t0 = p / parts;
        const t1 = (p + 1) / parts;
        const x0 = ax + (bx - ax) * t0;
        const y0 = ay + (by - ay) * t0;
        const x1 = ax + (bx - ax) * t1;
        const y1 = ay + (by - ay) * t1;
        const l = len / parts;
        const samples = Math.max(1, Math.ceil(l / step));
        let under: string | null = null;
        let last = -2;
        for (let s = 0; s <= samples; s++) {
          const x = x0 + ((x1 - x0) * s) / samples;
          const y = y0 + ((y1 - y0) * s) / samples;
          // The road over an underpass runs on its deck: the dip below is not its surface.
          let onDeck = false;
          for (const u of decks) if (Math.hypot(x - u.xy[0], y - u.xy[1]) <= u.f.deckRadiusM) onDeck = true;
          for (const u of dips) if (Math.hypot(x - u.xy[0], y - u.xy[1]) <= u.f.lengthM / 2) under = u.f.name;
          if (onDeck) continue;
          const c = rasterCellAt(r, x, y);
          if (c >= 0 && c !== last) {
            if (count === cells.length) {
              const grown = new Int32Array(cells.length * 2);
              grown.set(cells);
              cells = grown;
            }
            cells[count++] = c;
          }
          last = c;
        }
        const [lon0, lat0] = proj.toLonLat(x0, y0);
        const [lon1, lat1] = proj.toLonLat(x1, y1);
        roads.push({ id: `${road.id}:${piece++}`, featureId: road.id, kind: road.kind, name: road.name, ends: [lon0, lat0, lon1, lat1], lengthM: l });
        roadUnderpass.push(under);
        starts.push(count);
      }
    }
  }
  return { roads, roadStart: Int32Array.from(starts), roadCells: cells.slice(0, count), roadUnderpass };
}

interface PeakRecord {
  depth: number;
  hour: number;
  lake: number;
  level: number;
  cell: number;
}

/** Each place's deepest moment so far, in typed arrays (an object per place-hour would be garbage). */
class Peaks {
  public readonly depth: Float32Array;
  public readonly hour: Int16Array;
  public readonly lake: Int32Array;
  public readonly level: Float64Array;
  public readonly cell: Int32Array;
  public constructor(n: number) {
    this.depth = new Float32Array(n);
    this.hour = new Int16Array(n).fill(-1);
    this.lake = new Int32Array(n);
    this.level = new Float64Array(n);
    this.cell = new Int32Array(n);
  }
  public offer(i: number, depth: number, hour: number, cell: number, state: FillState): void {
    if (this.hour[i]! >= 0 && depth <= this.depth[i]!) return;
    const lake = state.lakeOf(cell);
    this.depth[i] = depth;
    this.hour[i] = hour;
    this.lake[i] = lake;
    this.level[i] = state.levelOf(lake);
    this.cell[i] = cell;
  }
  public get(i: number): PeakRecord | null {
    if (this.hour[i]! < 0) return null;
    return { depth: this.depth[i]!, hour: this.hour[i]!, lake: this.lake[i]!, level: this.level[i]!, cell: this.cell[i]! };
  }
}

/** Runs a rainfall scenario over the prepared terrain, hour by hour. Pure and deterministic. */
export function simulateFlood(prep: PreparedFlood, scenario: RainScenario, options: SimulateOptions = {}): FloodResult {
  const hourly = scenario.hourlyMm;
  if (!Array.isArray(hourly) || hourly.length === 0 || hourly.length > 24 * 14)
    throw new RangeError(`A rain scenario needs 1 to 336 hourly values (mm), got ${Array.isArray(hourly) ? hourly.length : typeof hourly}.`);
  hourly.forEach((mm, h) => {
    if (typeof mm !== 'number' || !(mm >= 0) || !Number.isFinite(mm)) throw new RangeError(`Rain in hour ${h} must be a number of mm ≥ 0, got ${String(mm)}.`);
  });
  const sewer = scenario.sewerMmPerHour ?? DEFAULT_SEWER_MM_PER_HOUR;
  const runoff = scenario.runoffCoefficient ?? DEFAULT_RUNOFF_COEFFICIENT;
  if (!(sewer >= 0) || !Number.isFinite(sewer)) throw new RangeError(`Sewer capacity must be mm/h ≥ 0, got ${sewer}.`);
  if (!(runoff >= 0 && runoff <= 1)) throw new RangeError(`Runoff coefficient must be from 0 to 1, got ${runoff}.`);
  if (scenario.pumpReachM !== undefined && scenario.pumpReachM !== prep.pumpReachM)
    throw new RangeError(`This terrain was prepared with pump reach ${prep.pumpReachM} m; prepare it again for ${scenario.pumpReachM} m.`);
  const { tree, inputs, leaves } = prep;
  const pumps = inputs.pumps;
  const pumpMm = pumps.map((p, k) => (prep.pumpAreaM2[k]! > 0 ? (p.capacityM3s * 3600 * 1000) / prep.pumpAreaM2[k]! : Infinity));
  const drainMm = new Float64Array(tree.nodeCount);
  for (const x of leaves) {
    const k = prep.leafPump[x]!;
    drainMm[x] = k >= 0 ? Math.min(sewer, pumpMm[k]!) : sewer;
  }
  const area = tree.cellAreaM2;
  const state = new FillState(tree);
  const hours = hourly.length;
  const nb = inputs.buildings.id.length;
  const nr = prep.roads.length;
  const buildingDepthM = new Float32Array(hours * nb);
  const roadDepthM = new Float32Array(hours * nr);
  const bPeak = new Peaks(nb);
  const rPeak = new Peaks(nr);
  const bGround = new Int16Array(nb).fill(-1);
  const bBasement = new Int16Array(nb).fill(-1);
  const rCars = new Int16Array(nr).fill(-1);
  const rFoot = new Int16Array(nr).fill(-1);
  const perHour: FloodResult['perHour'] = [];
  let drainedM3 = 0;
  const cumRain: number[] = [];
  let rainSum = 0;
  const b = inputs.buildings;
  const nodeLevelM = options.keepLevels ? new Float32Array(hours * tree.nodeCount).fill(-Infinity) : undefined;

  for (let h = 0; h < hours; h++) {
    const eff = hourly[h]! * runoff;
    rainSum += hourly[h]!;
    cumRain.push(rainSum);
    for (let i = 0; i < leaves.length; i++) {
      const x = leaves[i]!;
      const catchM2 = tree.catchCells[x]! * area;
      const d = drainMm[x]!;
      if (eff > d) {
        drainedM3 += (d / 1000) * catchM2;
        state.pour(x, ((eff - d) / 1000) * catchM2);
      } else {
        drainedM3 += (eff / 1000) * catchM2;
        // Spare drainage takes ponded water down.
        drainedM3 += state.drain(x, ((d - eff) / 1000) * catchM2);
      }
    }
    const wetNodes = state.settle();
    if (nodeLevelM && wetNodes > 0) for (let x = 1; x < tree.nodeCount; x++) nodeLevelM[h * tree.nodeCount + x] = state.levelOf(x);
    let ponded = 0;
    for (let x = 1; x < tree.nodeCount; x++) if (tree.parent[x]! <= OUTSIDE) ponded += state.volM3[x]!;
    if (wetNodes === 0) {
      // Dry hour (the rain is within what drains): every depth stays 0.
      perHour.push({ pondedM3: ponded, roadsClosedToCars: 0, roadsClosedOnFoot: 0, householdsFlooded: 0, buildingsFlooded: 0 });
      continue;
    }
    let households = 0;
    let buildingsFlooded = 0;
    for (const i of prep.wettableBuildings) {
      const c = prep.buildingCell[i]!;
      const depth = state.depthAt(c);
      buildingDepthM[h * nb + i] = depth;
      if (depth < REPORT_MIN_DEPTH_M) continue;
      bPeak.offer(i, depth, h, c, state);
      let wet = false;
      if (depth > b.floorSillM[i]!) {
        if (bGround[i]! < 0) bGround[i] = h;
        households += b.groundFloorHouseholds[i]!;
        wet = true;
      }
      if (b.basementDepthM[i]! > 0 && depth > BASEMENT_RAMP_SILL_M) {
        if (bBasement[i]! < 0) bBasement[i] = h;
        households += b.basementHouseholds[i]!;
        wet = true;
      }
      if (wet) buildingsFlooded++;
    }
    let cars = 0;
    let foot = 0;
    for (const j of prep.wettableRoads) {
      let deepest = 0;
      let at = -1;
      for (let k = prep.roadStart[j]!; k < prep.roadStart[j + 1]!; k++) {
        const d = state.depthAt(prep.roadCells[k]!);
        if (d > deepest) {
          deepest = d;
          at = prep.roadCells[k]!;
        }
      }
      roadDepthM[h * nr + j] = deepest;
      if (deepest < REPORT_MIN_DEPTH_M) continue;
      rPeak.offer(j, deepest, h, at, state);
      if (deepest > CAR_LIMIT_M) {
        cars++;
        if (rCars[j]! < 0) rCars[j] = h;
      }
      if (deepest > WALK_LIMIT_M) {
        foot++;
        if (rFoot[j]! < 0) rFoot[j] = h;
      }
    }
    perHour.push({ pondedM3: ponded, roadsClosedToCars: cars, roadsClosedOnFoot: foot, householdsFlooded: households, buildingsFlooded });
  }

  const r = inputs.terrain.raster;
  const proj = localProjection(r.originLon, r.originLat);
  const reasonFor = (p: PeakRecord): FloodReason => {
    const lake = p.lake;
    const pit = tree.pitCell[lake]!;
    const pitLeaf = tree.joinNode[pit]!;
    const k = prep.leafPump[pitLeaf] ?? -1;
    const rate = drainMm[pitLeaf] || sewer;
    const limitedByPump = k >= 0 && pumpMm[k]! < sewer;
    let drained = 0;
    for (let h = 0; h <= p.hour; h++) drained += Math.min(hourly[h]! * runoff, rate);
    const rain = cumRain[p.hour]!;
    const reason = {
      hour: p.hour,
      rainMm: round1(rain),
      soakedMm: round1(rain * (1 - runoff)),
      drainedMm: round1(drained),
      drainageMmPerHour: round1(rate),
      drainage: limitedByPump
        ? `${pumps[k]!.name} (${pumps[k]!.capacityM3s} m³/s over ${round1(prep.pumpAreaM2[k]! / 10_000)} ha)`
        : `sewers (${sewer} mm/h)`,
      pumpStation: limitedByPump ? pumps[k]!.name : null,
      catchmentHa: round1((tree.catchCells[lake]! * area) / 10_000),
      lowPointElevM: round2(tree.minZ[lake]!),
      groundElevM: round2(tree.z[p.cell]!),
      waterLevelM: round2(p.level),
      depthM: round2(p.depth),
    };
    return {
      ...reason,
      summary:
        `rain ${reason.rainMm} mm by hour ${p.hour + 1}, ${reason.soakedMm} mm soaked in, ${reason.drainedMm} mm drained by ${reason.drainage} at ${reason.drainageMmPerHour} mm/h; ` +
        `the rest from ${reason.catchmentHa} ha runs to a low point at ${reason.lowPointElevM} m and stands at ${reason.waterLevelM} m: ${reason.depthM} m over ground at ${reason.groundElevM} m`,
    };
  };
  const cellLonLat = (c: number): [number, number] => {
    const col = c % r.cols;
    const row = (c - col) / r.cols;
    const [lon, lat] = proj.toLonLat(r.westM + (col + 0.5) * r.cellM, r.northM - (row + 0.5) * r.cellM);
    return [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7];
  };
  const floodedBuildings: FloodedBuilding[] = [];
  for (let i = 0; i < nb; i++) {
    const p = bPeak.get(i);
    if (!p) continue;
    floodedBuildings.push({
      buildingId: b.id[i]!,
      maxDepthM: round2(p.depth),
      groundFloorFromHour: bGround[i]! >= 0 ? bGround[i]! : null,
      groundFloorHouseholds: bGround[i]! >= 0 ? b.groundFloorHouseholds[i]! : 0,
      basementFromHour: bBasement[i]! >= 0 ? bBasement[i]! : null,
      basementHouseholds: bBasement[i]! >= 0 ? b.basementHouseholds[i]! : 0,
      hasBasement: b.basementDepthM[i]! > 0,
      reason: reasonFor(p),
    });
  }
  const floodedRoads: RoadFlooding[] = [];
  for (let j = 0; j < nr; j++) {
    const p = rPeak.get(j);
    if (!p) continue;
    floodedRoads.push({
      road: prep.roads[j]!,
      maxDepthM: round2(p.depth),
      closedToCarsFromHour: rCars[j]! >= 0 ? rCars[j]! : null,
      closedOnFootFromHour: rFoot[j]! >= 0 ? rFoot[j]! : null,
      deepestAt: cellLonLat(p.cell),
      underpass: prep.roadUnderpass[j] ?? null,
      reason: reasonFor(p),
    });
  }
  floodedRoads.sort((x, y) => y.maxDepthM - x.maxDepthM || (x.road.id < y.road.id ? -1 : 1));
  floodedBuildings.sort((x, y) => y.maxDepthM - x.maxDepthM || x.buildingId - y.buildingId);
  return {
    label: scenario.label ?? `${round1(rainSum)} mm in ${hours} h`,
    hours,
    startUtcMs: scenario.startUtcMs ?? null,
    hourlyMm: hourly.slice(),
    settings: { sewerMmPerHour: sewer, runoffCoefficient: runoff, pumpReachM: prep.pumpReachM, pumps: pumps.length },
    buildingIds: b.id,
    buildingDepthM,
    roads: prep.roads,
    roadDepthM,
    perHour,
    floodedBuildings,
    floodedRoads,
    runOffM3: state.outflowM3,
    drainedM3,
    ...(nodeLevelM ? { nodeLevelM } : {}),
  };
}

/** Reads the twin and runs one scenario; a twin without terrain gets `NoTerrain`, never an exception. */
export async function runFloodScenario(store: DuckDbStore, scenario: RainScenario, options: SimulateOptions = {}): Promise<FloodResult | NoTerrain> {
  const inputs = await readFloodInputs(store);
  if ('noTerrain' in inputs) return inputs;
  return simulateFlood(prepareFlood(inputs, scenario.pumpReachM ?? DEFAULT_PUMP_REACH_M), scenario, options);
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round2 = (x: number): number => Math.round(x * 100) / 100;
