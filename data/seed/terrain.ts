/**
 * The demo district's terrain: a believable elevation model of a town on a coastal plain in
 * Zhejiang, made from the same street plan as the buildings so that what floods is what a local
 * engineer would expect to flood:
 *
 * - the river (澄江) in its channel, both banks lined by embankments (堤防) whose crest stands at
 *   ~7.6 m, the riverside road (江滨路) on a raised berm at ~5.6 m behind the north embankment;
 * - the plain behind the embankments at ~3.3 m next to the river, rising ~0.35 m per km inland
 *   (the old town grew on the lowest ground by the water), with a long, gentle swell;
 * - roads ~0.2 m above the plain; old walk-up quarters (老旧小区) and villages were never raised
 *   when the roads were, so they sit 0.35–0.55 m below the plain in dished blocks whose low
 *   point is near the middle; new high-rise estates stand on fill ~0.5 m above the plain;
 * - an underpass (下穿通道): a main road dipping 4 m under a cross road, its approaches graded
 *   towards it between kerbs, as most waterlogging points (积水点) in Chinese cities are;
 * - per building: ground level, the ground-floor sill (higher in newer buildings) and a basement
 *   under high-rises, malls and hospitals (one level, two under towers of 25+ storeys and malls).
 *
 * The raster is north-up (like a GeoTIFF) in metres around the district's origin, 10 m cells
 * (coarser only for districts so large that 10 m would exceed ~4.2 M cells). Pure in the seed and
 * the layout: the same district always gets the same ground.
 */
import {
  TERRAIN_DATUM,
  rasterCellAt,
  type BuildingGround,
  type TerrainModel,
  type TerrainRaster,
  type UnderpassFeature,
} from '../model/typhoon/terrain.ts';
import type { DistrictFrame } from './frame.ts';
import type { Layout, PlannedBuilding } from './layout.ts';
import type { Block, BlockKind, GridLine, StreetPlan } from './plan.ts';
import { Rng } from '../model/random.ts';

/** Plain level right behind the embankment, metres (1985 datum): Taizhou's coastal plain lies at 2.5–5 m. */
const PLAIN_M = 3.3;
/** The plain rises inland, metres per km, up to RISE_KM from the river. */
const RISE_PER_KM = 0.35;
const RISE_KM = 2.5;
const EMBANKMENT_CREST_M = 7.6;
const RIVERSIDE_BERM_M = 5.6;
const SOUTH_BANK_M = 5.0;
const RIVER_BED_M = -1.0;
/** Roads stand above the plain (road beds are built up); blocks meet them over this many metres. */
const ROAD_ABOVE_PLAIN_M = 0.2;
const BLOCK_EDGE_RAMP_M = 12;
/** Block ground relative to the plain, by use: old quarters low, new estates on fill. */
const BLOCK_OFFSET_M: Record<BlockKind, number> = {
  walkup: -0.55,
  village: -0.35,
  mixed: -0.2,
  highrise: 0.5,
  commercial: 0.15,
  school: 0.3,
  hospital: 0.3,
  civic: 0.3,
  fire: 0.3,
  police: 0.3,
  industrial: 0.1,
  park: -0.2,
  riverside: 0,
};
/** Old quarters and villages are dished: their low point near the middle is this much lower again. */
const DISH_M: Partial<Record<BlockKind, number>> = { walkup: 0.3, village: 0.2, mixed: 0.15 };
const UNDERPASS_DEPTH_M = 4;
const UNDERPASS_FLAT_HALF_M = 20;
const UNDERPASS_RAMP_M = 120;
/** The underpass road falls towards it over this distance (its catchment), by this much. */
const UNDERPASS_APPROACH_M = 600;
const UNDERPASS_APPROACH_FALL_M = 0.5;
const KERB_M = 0.25;
const CELL_M = 10;
const MAX_CELLS = 4_200_000;
const MARGIN_M = 200;

/** Builds the district's terrain model from its layout (no store). */
export function planTerrain(seed: number, layout: Layout, frame: DistrictFrame): TerrainModel {
  const plan = layout.plan;
  const rot = (plan.rotationDeg * Math.PI) / 180;
  const cos = Math.cos(rot);
  const sin = Math.sin(rot);
  const ext = plan.extent;
  // Raster bounds: the rotated district extent (plus a margin) in local east/north metres.
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const [u, v] of [
    [ext.u0 - MARGIN_M, ext.v0 - MARGIN_M],
    [ext.u1 + MARGIN_M, ext.v0 - MARGIN_M],
    [ext.u1 + MARGIN_M, ext.v1 + MARGIN_M],
    [ext.u0 - MARGIN_M, ext.v1 + MARGIN_M],
  ] as const) {
    const x = u * cos - v * sin;
    const y = u * sin + v * cos;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  let cellM = CELL_M;
  while (Math.ceil((x1 - x0) / cellM) * Math.ceil((y1 - y0) / cellM) > MAX_CELLS) cellM *= 1.5;
  const cols = Math.ceil((x1 - x0) / cellM);
  const rows = Math.ceil((y1 - y0) / cellM);
  const proj = frame.projection;
  const raster: TerrainRaster = {
    originLon: proj.originLon,
    originLat: proj.originLat,
    westM: x0,
    northM: y1,
    cellM,
    cols,
    rows,
    elevM: new Float32Array(cols * rows),
  };

  // u over the raster: its corners turned back into the grid frame.
  const us = [
    [x0, y0],
    [x1, y0],
    [x0, y1],
    [x1, y1],
  ].map(([x, y]) => x! * cos + y! * sin);
  const ground = new GroundShape(seed, plan, Math.min(...us), Math.max(...us));
  const underpasses = chooseUnderpasses(plan);
  for (let row = 0; row < rows; row++) {
    const y = y1 - (row + 0.5) * cellM;
    for (let col = 0; col < cols; col++) {
      const x = x0 + (col + 0.5) * cellM;
      const u = x * cos + y * sin;
      const v = -x * sin + y * cos;
      let z = ground.at(u, v);
      for (const up of underpasses) z = up.shape(u, v, z, ground);
      raster.elevM[row * cols + col] = z;
    }
  }

  const toLocal = (u: number, v: number): [number, number] => [u * cos - v * sin, u * sin + v * cos];
  const features: UnderpassFeature[] = underpasses.map((up) => {
    const [lon, lat] = frame.toLonLat(up.u, up.v);
    return {
      kind: 'underpass',
      name: `${up.road.name}下穿${up.over.name}通道`,
      road: up.road.name,
      overRoad: up.over.name,
      lon,
      lat,
      deckRadiusM: up.road.halfWidth + 10,
      lengthM: 2 * (UNDERPASS_FLAT_HALF_M + UNDERPASS_RAMP_M),
      bottomElevM: Math.round(raster.elevM[rasterCellAt(raster, ...toLocal(up.u, up.v))]! * 100) / 100,
    };
  });
  const buildings = layout.buildings.map((b) => buildingGround(b, raster, toLocal));
  return { source: 'demo', datum: TERRAIN_DATUM, raster, buildings, features };
}

function buildingGround(
  b: PlannedBuilding,
  raster: TerrainRaster,
  toLocal: (u: number, v: number) => [number, number],
): BuildingGround {
  const cell = rasterCellAt(raster, ...toLocal(b.cu, b.cv));
  const groundElevM = cell >= 0 ? raster.elevM[cell]! : PLAIN_M;
  // 室内外高差: a step or two in old buildings and village houses, more in newer estates.
  const floorSillM =
    b.block.kind === 'village' || b.yearBuilt < 1995 ? 0.15 : b.yearBuilt < 2008 ? 0.3 : 0.45;
  const basementDepthM =
    b.role === 'mall' || (b.use === 'residential_highrise' && b.floors >= 25)
      ? 8
      : b.floors >= 10 || b.role === 'hospital'
        ? 4.5
        : 0;
  return { buildingId: b.id, groundElevM: Math.round(groundElevM * 100) / 100, floorSillM, basementDepthM };
}

/** The ground without underpasses: river corridor, plain, roads and blocks. */
class GroundShape {
  private readonly colPos: number[];
  private readonly rowPos: number[];
  private readonly phase: number[];
  /** The river's centreline v and 1/√(1+slope²) at every metre of u (two sines each: too dear per cell). */
  private readonly riverU0: number;
  private readonly riverV: Float64Array;
  private readonly riverK: Float64Array;

  public constructor(
    seed: number,
    private readonly plan: StreetPlan,
    uMin: number,
    uMax: number,
  ) {
    this.colPos = plan.colLines.map((l) => l.pos);
    this.rowPos = plan.rowLines.map((l) => l.pos);
    this.riverU0 = Math.floor(uMin) - 1;
    const len = Math.ceil(uMax) + 2 - this.riverU0;
    this.riverV = new Float64Array(len);
    this.riverK = new Float64Array(len);
    for (let i = 0; i < len; i++) {
      const u = this.riverU0 + i;
      this.riverV[i] = plan.river.vAt(u);
      this.riverK[i] = 1 / Math.sqrt(1 + plan.river.slopeAt(u) ** 2);
    }
    const rng = Rng.derive(seed, 0x7e44a1);
    this.phase = [rng.range(0, 2 * Math.PI), rng.range(0, 2 * Math.PI), rng.range(1300, 2100), rng.range(1100, 1800)];
  }

  /** Signed perpendicular distance from the river's centreline (north positive), metres. */
  public riverOffset(u: number, v: number): number {
    const x = u - this.riverU0;
    const i = Math.floor(x);
    if (i < 0 || i + 1 >= this.riverV.length) {
      const r = this.plan.river;
      return (v - r.vAt(u)) / Math.sqrt(1 + r.slopeAt(u) ** 2);
    }
    const f = x - i;
    const vr = this.riverV[i]! + (this.riverV[i + 1]! - this.riverV[i]!) * f;
    const k = this.riverK[i]! + (this.riverK[i + 1]! - this.riverK[i]!) * f;
    return (v - vr) * k;
  }

  /** The plain (no roads or blocks) at (u, v), `d` metres from the river's centreline. */
  public plain(u: number, v: number, d = Math.abs(this.riverOffset(u, v))): number {
    const [p1, p2, l1, l2] = this.phase as [number, number, number, number];
    return PLAIN_M + RISE_PER_KM * Math.min(d / 1000, RISE_KM) + 0.25 * Math.sin(u / l1 + p1) * Math.sin(v / l2 + p2);
  }

  /** Road level at (u, v): the plain plus the road bed. */
  public road(u: number, v: number): number {
    return this.plain(u, v) + ROAD_ABOVE_PLAIN_M;
  }

  public at(u: number, v: number): number {
    const river = this.plan.river;
    const d = this.riverOffset(u, v);
    const ad = Math.abs(d);
    const hw = river.halfWidth;
    const emb = river.embankmentOffset;
    if (ad < hw) return RIVER_BED_M + (0.5 - RIVER_BED_M) * (ad / hw);
    if (ad < emb - 3) return 0.5 + ((EMBANKMENT_CREST_M - 0.5) * (ad - hw)) / (emb - 3 - hw);
    if (ad <= emb + 3) return EMBANKMENT_CREST_M;
    const berm = d > 0 ? RIVERSIDE_BERM_M : SOUTH_BANK_M;
    if (ad < emb + 8) return EMBANKMENT_CREST_M + ((berm - EMBANKMENT_CREST_M) * (ad - emb - 3)) / 5;
    const bermEnd = hw + 38;
    if (ad < bermEnd) return berm;
    const town = this.town(u, v, ad);
    const townFrom = river.noBuildHalf + 10;
    if (ad < townFrom) return berm + ((town - berm) * (ad - bermEnd)) / (townFrom - bermEnd);
    return town;
  }

  private town(u: number, v: number, riverDistance: number): number {
    const plan = this.plan;
    const col = bracket(this.colPos, u);
    const row = bracket(this.rowPos, v);
    const plain = this.plain(u, v, riverDistance);
    if (col < 0 || row < 0) return plain; // outside the district's outer roads: fields
    const block = plan.blocks[row * plan.cols + col]!;
    const { west, east, south, north } = block.roads;
    const edge = Math.min(
      u - west.pos - west.halfWidth,
      east.pos - u - east.halfWidth,
      v - south.pos - south.halfWidth,
      north.pos - v - north.halfWidth,
    );
    const road = plain + ROAD_ABOVE_PLAIN_M;
    if (edge <= 0) return road;
    const inner = plain + BLOCK_OFFSET_M[block.kind] - dish(block, u, v);
    const t = Math.min(1, edge / BLOCK_EDGE_RAMP_M);
    return road + (inner - road) * t;
  }
}

function dish(block: Block, u: number, v: number): number {
  const depth = DISH_M[block.kind];
  if (!depth) return 0;
  const r = block.inner;
  const hu = Math.max(1, (r.u1 - r.u0) / 2);
  const hv = Math.max(1, (r.v1 - r.v0) / 2);
  const q = ((u - (r.u0 + r.u1) / 2) / hu) ** 2 + ((v - (r.v0 + r.v1) / 2) / hv) ** 2;
  return depth * Math.max(0, 1 - q);
}

/** Index i with pos[i] ≤ x < pos[i + 1], or -1 outside. */
function bracket(pos: number[], x: number): number {
  if (x < pos[0]! || x >= pos[pos.length - 1]!) return -1;
  let lo = 0;
  let hi = pos.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (pos[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

interface Underpass {
  u: number;
  v: number;
  road: GridLine;
  over: GridLine;
  shape: (u: number, v: number, z: number, ground: GroundShape) => number;
}

/**
 * Underpasses where a north–south main road crosses an east–west road: the crossings nearest the
 * river but clear of its corridor (the old town, where they flood), one per ~1,500 blocks, at
 * least 1.5 km apart.
 */
function chooseUnderpasses(plan: StreetPlan): Underpass[] {
  const river = plan.river;
  const candidates: { u: number; v: number; road: GridLine; over: GridLine; approach: number; score: number }[] = [];
  const dipReach = UNDERPASS_FLAT_HALF_M + UNDERPASS_RAMP_M;
  for (let i = 1; i < plan.colLines.length - 1; i++) {
    const road = plan.colLines[i]!;
    for (let j = 1; j < plan.rowLines.length - 1; j++) {
      const over = plan.rowLines[j]!;
      // Room between the river corridor and the crossing for the ramps and (up to 600 m of) approach.
      const clear = Math.abs(over.pos - river.vAt(road.pos)) - river.noBuildHalf - dipReach - 30;
      if (clear < 120) continue;
      const approach = Math.min(UNDERPASS_APPROACH_M, clear);
      const centre = Math.hypot(road.pos, over.pos);
      const rank = (road.rank === 'primary' ? 0 : 200) + (over.rank === 'primary' ? 0 : 100);
      candidates.push({ u: road.pos, v: over.pos, road, over, approach, score: clear - approach + 0.3 * centre + rank });
    }
  }
  candidates.sort((a, b) => a.score - b.score || a.u - b.u || a.v - b.v);
  const wanted = Math.max(1, Math.round(plan.blocks.length / 1500));
  const chosen: typeof candidates = [];
  for (const c of candidates) {
    if (chosen.length >= wanted) break;
    if (chosen.some((o) => Math.hypot(o.u - c.u, o.v - c.v) < 1500)) continue;
    chosen.push(c);
  }
  return chosen.map((c) => {
    // The cross road falls towards the crossing too (it drains into the underpass), over as far as it is clear.
    const overReach = UNDERPASS_APPROACH_M;
    const mainReach = dipReach + c.approach;
    return {
      ...c,
      shape: (u, v, z, ground): number => {
        const du = Math.abs(u - c.u);
        const dv = Math.abs(v - c.v);
        if (dv > mainReach + 8 && du > overReach + 8) return z;
        const roadLevel = ground.road(u, v);
        if (du <= c.road.halfWidth && dv <= mainReach) {
          const approach = -UNDERPASS_APPROACH_FALL_M * Math.min(1, (mainReach - dv) / c.approach);
          const dip =
            dv <= UNDERPASS_FLAT_HALF_M
              ? UNDERPASS_DEPTH_M
              : dv <= dipReach
                ? (UNDERPASS_DEPTH_M * (dipReach - dv)) / UNDERPASS_RAMP_M
                : 0;
          return roadLevel + approach - dip;
        }
        if (dv <= c.over.halfWidth && du <= overReach)
          return roadLevel - UNDERPASS_APPROACH_FALL_M * Math.min(1, (overReach - du) / overReach);
        // Kerbs and retaining walls keep both approaches' water on the road.
        const besideMain = du <= c.road.halfWidth + 8 && dv <= mainReach && dv > c.over.halfWidth;
        const besideOver = dv <= c.over.halfWidth + 8 && du <= overReach && du > c.road.halfWidth;
        return besideMain || besideOver ? Math.max(z, roadLevel + KERB_M) : z;
      },
    };
  });
}
