/**
 * The street plan of the demo district: a slightly irregular grid of main (主干道) and secondary
 * (次干道) roads, a meandering river with embankments crossing it, and what each block between the
 * roads is used for. Everything is in grid-frame metres (see frame.ts).
 */
import { rect, rectCentre, type Rect } from './frame.ts';
import { RoadNamer } from './placeNames.ts';
import { Rng } from '../model/random.ts';

/** Road class: 主干道 (primary) or 次干道 (secondary); lanes are drawn separately. */
export type RoadRank = 'primary' | 'secondary';

/** One straight road of the grid: a line u = pos (north–south) or v = pos (east–west). */
export interface GridLine {
  pos: number;
  rank: RoadRank;
  name: string;
  /** Half the road-reserve width (红线), metres. */
  halfWidth: number;
}

/** Names reserved for the two roads the story needs: the riverside road and the shopping street. */
export const RIVERSIDE_ROAD = '江滨路';
export const COMMERCIAL_STREET = '人民路';
export const RIVER_NAME = '澄江';

const HALF_WIDTH: Record<RoadRank, number> = { primary: 16, secondary: 9 };
/** Building line behind the road reserve (退线), metres. */
const SETBACK: Record<RoadRank, number> = { primary: 8, secondary: 5 };

/**
 * A river flowing roughly along u. The centreline is two sines (a long meander and a short wobble);
 * embankments (堤防) line both banks, the riverside road runs on the north bank and a green belt
 * on the south bank.
 */
export class River {
  public readonly name = RIVER_NAME;
  public constructor(
    private readonly centre: number,
    private readonly waves: readonly { amp: number; length: number; phase: number }[],
    /** Half the water width, metres. */
    public readonly halfWidth: number,
  ) {}

  /** v of the centreline at u. */
  public vAt(u: number): number {
    let v = this.centre;
    for (const w of this.waves) v += w.amp * Math.sin((2 * Math.PI * u) / w.length + w.phase);
    return v;
  }

  /** dv/du of the centreline, to turn vertical clearances into perpendicular ones. */
  public slopeAt(u: number): number {
    let s = 0;
    for (const w of this.waves)
      s += ((w.amp * 2 * Math.PI) / w.length) * Math.cos((2 * Math.PI * u) / w.length + w.phase);
    return s;
  }

  public get embankmentOffset(): number {
    return this.halfWidth + 6;
  }
  /** Offset of the riverside road's centreline (north bank). */
  public get roadOffset(): number {
    return this.halfWidth + 26;
  }
  /** Nothing is built closer than this to the centreline: water, embankment, road or green belt. */
  public get noBuildHalf(): number {
    return this.halfWidth + 46;
  }

  /** True when the rectangle keeps at least `half` metres (perpendicular) from the centreline. */
  public isClear(r: Rect, half = this.noBuildHalf): boolean {
    const steps = Math.max(2, Math.ceil((r.u1 - r.u0) / 10));
    for (let i = 0; i <= steps; i++) {
      const u = r.u0 + ((r.u1 - r.u0) * i) / steps;
      const vr = this.vAt(u);
      const need = half * Math.sqrt(1 + this.slopeAt(u) ** 2);
      if (r.v1 > vr - need && r.v0 < vr + need) return false;
    }
    return true;
  }

  /** Share of the rectangle (sampled on a 10×10 lattice) inside the no-build corridor. */
  public coverage(r: Rect): number {
    let inside = 0;
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < 10; j++) {
        const u = r.u0 + ((r.u1 - r.u0) * (i + 0.5)) / 10;
        const v = r.v0 + ((r.v1 - r.v0) * (j + 0.5)) / 10;
        if (Math.abs(v - this.vAt(u)) < this.noBuildHalf) inside++;
      }
    }
    return inside / 100;
  }
}

/** What a block between roads is used for. */
export type BlockKind =
  | 'walkup' // 老旧小区
  | 'highrise' // 高层小区
  | 'mixed' // half old walk-ups, half new towers
  | 'village' // 城中村: self-built houses of 3–5 storeys
  | 'commercial' // 商业街 frontage + housing behind
  | 'school'
  | 'hospital'
  | 'civic' // 街道办事处, 派出所, 应急物资仓库
  | 'fire' // 消防站
  | 'police'
  | 'industrial'
  | 'park'
  | 'riverside'; // mostly river corridor: green belt

/** A block of the street grid (街坊). */
export interface Block {
  index: number;
  col: number;
  row: number;
  /** Between road centrelines. */
  outer: Rect;
  /** Buildable: inside road reserves and building lines. */
  inner: Rect;
  kind: BlockKind;
  /** Distance of the block centre from the district centre, metres. */
  distance: number;
  /** For commercial blocks: the side that fronts the shopping street. */
  frontage?: 'north' | 'south';
  /** The roads on each side, for addresses. */
  roads: { south: GridLine; north: GridLine; west: GridLine; east: GridLine };
}

/** The street grid, the river and the blocks. */
export interface StreetPlan {
  rotationDeg: number;
  cols: number;
  rows: number;
  /** North–south roads, west to east (cols + 1). */
  colLines: GridLine[];
  /** East–west roads, south to north (rows + 1). */
  rowLines: GridLine[];
  river: River;
  blocks: Block[];
  /** The whole district between its outer road centrelines. */
  extent: Rect;
  /** Index into rowLines of the shopping street, or -1. */
  commercialLine: number;
}

/** How many special blocks a district of `blockCount` blocks gets. */
export interface SpecialCounts {
  schools: number;
  hospitals: number;
  fireStations: number;
  policeStations: number;
  parks: number;
  industrial: number;
}

/** Facility blocks scale with the district: a school per ~800 buildings, a hospital per ~25,000… */
export function specialCounts(targetBuildings: number, blockCount: number): SpecialCounts {
  return {
    schools: Math.max(2, Math.round(targetBuildings / 800)),
    hospitals: Math.max(1, Math.round(targetBuildings / 25_000)),
    fireStations: Math.max(1, Math.round(targetBuildings / 15_000)),
    // The civic block holds the first police station.
    policeStations: Math.max(0, Math.round(targetBuildings / 15_000) - 1),
    parks: Math.max(1, Math.round(blockCount * 0.04)),
    industrial: blockCount >= 6 ? Math.max(1, Math.round(blockCount * 0.04)) : 0,
  };
}

/**
 * Lays out a `cols × rows` street grid with a river and assigns each block its use.
 * `highriseBias` shifts the walk-up/high-rise mix (0 = mostly old walk-ups, 1 = mostly towers).
 */
export function planStreets(
  seed: number,
  cols: number,
  rows: number,
  targetBuildings: number,
  highriseBias: number,
): StreetPlan {
  const rng = Rng.derive(seed, 0x5eed, cols, rows);
  const rotationDeg = rng.range(9, 17) * (rng.chance(0.5) ? 1 : -1);

  const widths = Array.from({ length: cols }, () => rng.range(190, 300));
  const heights = Array.from({ length: rows }, () => rng.range(160, 250));
  const totalW = widths.reduce((s, w) => s + w, 0);
  const totalH = heights.reduce((s, h) => s + h, 0);
  const positions = (sizes: number[], total: number): number[] => {
    const out = [-total / 2];
    for (const s of sizes) out.push(out[out.length - 1]! + s);
    return out;
  };
  const colPos = positions(widths, totalW);
  const rowPos = positions(heights, totalH);
  const extent = rect(colPos[0]!, rowPos[0]!, colPos[cols]!, rowPos[rows]!);

  // Every third line is a main road, and so is the district's outline.
  const colOffset = rng.int(0, 2);
  const rowOffset = rng.int(0, 2);
  const rankOf = (i: number, n: number, offset: number): RoadRank =>
    i === 0 || i === n || (i + offset) % 3 === 0 ? 'primary' : 'secondary';

  const river = new River(
    rng.range(-0.12, 0.12) * totalH,
    [
      { amp: rng.range(40, 90), length: rng.range(1800, 3200), phase: rng.range(0, 2 * Math.PI) },
      { amp: rng.range(8, 25), length: rng.range(500, 900), phase: rng.range(0, 2 * Math.PI) },
    ],
    rng.range(45, 68),
  );

  // The shopping street: the interior east–west main road nearest the centre that stays well
  // clear of the river along its whole length.
  let commercialLine = -1;
  let best = Infinity;
  for (let i = 1; i < rows; i++) {
    const pos = rowPos[i]!;
    let clear = true;
    for (let u = extent.u0; u <= extent.u1; u += 25)
      if (Math.abs(pos - river.vAt(u)) < river.noBuildHalf + 60) clear = false;
    const score = Math.abs(pos) + (rankOf(i, rows, rowOffset) === 'primary' ? 0 : 150);
    if (clear && score < best) {
      best = score;
      commercialLine = i;
    }
  }

  const namer = new RoadNamer([RIVERSIDE_ROAD, COMMERCIAL_STREET]);
  const colLines: GridLine[] = colPos.map((pos, i) => {
    const rank = rankOf(i, cols, colOffset);
    return { pos, rank, name: namer.next('ns'), halfWidth: HALF_WIDTH[rank] };
  });
  const rowLines: GridLine[] = rowPos.map((pos, i) => {
    const rank = i === commercialLine ? 'primary' : rankOf(i, rows, rowOffset);
    return {
      pos,
      rank,
      name: i === commercialLine ? COMMERCIAL_STREET : namer.next('ew'),
      halfWidth: HALF_WIDTH[rank],
    };
  });

  const blocks: Block[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const west = colLines[c]!;
      const east = colLines[c + 1]!;
      const south = rowLines[r]!;
      const north = rowLines[r + 1]!;
      const outer = rect(west.pos, south.pos, east.pos, north.pos);
      const inner = rect(
        west.pos + west.halfWidth + SETBACK[west.rank],
        south.pos + south.halfWidth + SETBACK[south.rank],
        east.pos - east.halfWidth - SETBACK[east.rank],
        north.pos - north.halfWidth - SETBACK[north.rank],
      );
      const [cu, cv] = rectCentre(outer);
      blocks.push({
        index: blocks.length,
        col: c,
        row: r,
        outer,
        inner,
        kind: 'walkup',
        distance: Math.hypot(cu, cv),
        roads: { south, north, west, east },
      });
    }
  }
  assignBlockKinds(rng, blocks, river, commercialLine, cols, targetBuildings, highriseBias);
  return { rotationDeg, cols, rows, colLines, rowLines, river, blocks, extent, commercialLine };
}

function assignBlockKinds(
  rng: Rng,
  blocks: Block[],
  river: River,
  commercialLine: number,
  cols: number,
  targetBuildings: number,
  highriseBias: number,
): void {
  const free = new Set<Block>();
  const coverage = new Map<Block, number>();
  for (const b of blocks) {
    coverage.set(b, river.coverage(b.inner));
    if (coverage.get(b)! > 0.55) b.kind = 'riverside';
    else free.add(b);
  }
  // Shopping street: the middle stretch of blocks on both sides of the commercial line.
  if (commercialLine > 0) {
    // A stretch of about a third of the street, at least one block on each side.
    const span = Math.max(1, Math.round(cols * 0.3));
    const from = Math.floor((cols - span) / 2);
    const to = from + span;
    for (const b of blocks) {
      if (!free.has(b) || b.col < from || b.col >= to) continue;
      if (b.row === commercialLine - 1) b.frontage = 'north';
      else if (b.row === commercialLine) b.frontage = 'south';
      else continue;
      b.kind = 'commercial';
      free.delete(b);
    }
  }
  const counts = specialCounts(targetBuildings, blocks.length);
  const byDistance = [...free].sort((a, b) => a.distance - b.distance || a.index - b.index);
  // Facilities go to the inner part of the district, so trimming the edge never loses them, and
  // to blocks the river leaves whole, so their campuses fit.
  const dry = byDistance.filter((b) => river.isClear(b.inner));
  const core = (dry.length > 0 ? dry : byDistance).slice(
    0,
    Math.max(1, Math.ceil(byDistance.length * 0.7)),
  );
  const take = (kind: BlockKind, count: number, pool: Block[]): void => {
    for (const b of spreadPick(
      rng,
      pool.filter((x) => free.has(x)),
      count,
      blocks.filter((x) => x.kind === kind),
    )) {
      b.kind = kind;
      free.delete(b);
    }
  };
  const civic = core[0];
  if (civic) {
    civic.kind = 'civic';
    free.delete(civic);
  }
  take('hospital', counts.hospitals, core);
  take('fire', counts.fireStations, core);
  take('school', counts.schools, core);
  take('police', counts.policeStations, core);
  take('park', counts.parks, byDistance.slice(0, Math.ceil(byDistance.length * 0.85)));
  // Industry: a few industrial parks on the urban fringe, each a cluster of blocks.
  const fringe = [...free].sort((a, b) => b.distance - a.distance || a.index - b.index);
  const parkSeeds = spreadPick(
    rng,
    fringe.slice(0, Math.ceil(fringe.length * 0.3)),
    Math.max(1, Math.round(counts.industrial / 12)),
    [],
  );
  const nearestSeed = (b: Block): number =>
    Math.min(
      ...parkSeeds.map((s) =>
        Math.hypot(
          rectCentre(s.outer)[0] - rectCentre(b.outer)[0],
          rectCentre(s.outer)[1] - rectCentre(b.outer)[1],
        ),
      ),
    );
  const byPark = fringe
    .map((b) => ({ b, d: nearestSeed(b) }))
    .sort((x, y) => x.d - y.d || x.b.index - y.b.index);
  for (const { b } of byPark.slice(0, counts.industrial)) {
    b.kind = 'industrial';
    free.delete(b);
  }
  // Old walk-up estates cluster in the old town near the centre and the river, towers further
  // out; beyond ~3 km the town gives way to villages of self-built houses (城中村/农居点).
  const maxDistance = Math.max(1, ...blocks.map((b) => b.distance));
  const housing = [...free].sort((x, y) => x.index - y.index);
  const pVillage = (b: Block): number =>
    Math.min(VILLAGE_MAX_SHARE, Math.max(0, (b.distance - VILLAGE_FROM_M) / VILLAGE_RAMP_M));
  const pHigh = (b: Block): number => {
    const [cu, cv] = rectCentre(b.outer);
    const nearRiver = Math.abs(cv - river.vAt(cu)) < 600 ? -0.08 : 0;
    return Math.min(
      0.9,
      Math.max(0.02, highriseBias * (0.35 + (0.9 * b.distance) / maxDistance) + nearRiver),
    );
  };
  // Exactly the expected number of each kind, drawn with those probabilities as weights: towers
  // hold ~100 households each, so leaving their count to chance would swing the district's size.
  const villages = weightedSample(rng, housing, pVillage);
  for (const b of villages) b.kind = 'village';
  const rest = housing.filter((b) => !villages.has(b));
  const towers = weightedSample(rng, rest, pHigh);
  for (const b of rest)
    b.kind = towers.has(b) ? (rng.chance(0.7) ? 'highrise' : 'mixed') : 'walkup';
}

/**
 * Round(Σ p) items drawn without replacement with probability weights `p` (Efraimidis–Spirakis:
 * keep the largest u^(1/p)).
 */
function weightedSample(rng: Rng, items: Block[], p: (b: Block) => number): Set<Block> {
  const weights = items.map(p);
  const count = Math.round(weights.reduce((s, w) => s + w, 0));
  const keyed = items.map((b, i) => ({
    b,
    key: weights[i]! > 0 ? Math.log(rng.next() || 1e-12) / weights[i]! : -Infinity,
  }));
  keyed.sort((x, y) => y.key - x.key || x.b.index - y.b.index);
  return new Set(keyed.slice(0, count).map((k) => k.b));
}

/** Village share of blocks: none within 3 km of the centre, then ~6 % more per km, at most 40 %. */
const VILLAGE_FROM_M = 3000;
const VILLAGE_RAMP_M = 16_000;
const VILLAGE_MAX_SHARE = 0.4;

/** Picks `count` blocks from `pool`, each as far as possible from those already chosen. */
function spreadPick(rng: Rng, pool: Block[], count: number, existing: Block[]): Block[] {
  const chosen: Block[] = [];
  if (pool.length === 0 || count <= 0) return chosen;
  const centres = pool.map((b) => rectCentre(b.outer));
  // Distance from each candidate to its nearest anchor, updated as anchors are added.
  const nearest = new Float64Array(pool.length).fill(1e9);
  const taken = new Uint8Array(pool.length);
  const addAnchor = (a: Block): void => {
    const [au, av] = rectCentre(a.outer);
    centres.forEach(([u, v], i) => {
      nearest[i] = Math.min(nearest[i]!, Math.hypot(u - au, v - av));
    });
  };
  for (const a of existing) addAnchor(a);
  while (chosen.length < count && chosen.length < pool.length) {
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < pool.length; i++) {
      if (taken[i]) continue;
      // A little noise so equal-distance candidates do not always resolve the same way per seed.
      const score = nearest[i]! - pool[i]!.distance * 0.15 + rng.range(0, 40);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best < 0) break;
    taken[best] = 1;
    chosen.push(pool[best]!);
    addAnchor(pool[best]!);
  }
  return chosen;
}
