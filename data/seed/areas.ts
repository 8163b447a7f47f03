/**
 * Administrative areas of the demo district: the district (区), the street (街道) itself, its
 * communities (社区, about 4,500 households each) and their grid cells (网格, 200–400 households,
 * the unit one grid worker looks after).
 *
 * Both levels come from recursive bisection balanced by households. Community borders prefer
 * road centrelines, as real ones do; grid cells, which often split one estate, cut between
 * buildings. Every piece is a rectangle in the grid frame, so every building falls in exactly one
 * community and one grid cell by its centroid.
 */
import { rect, type Rect } from './frame.ts';
import type { PlannedBuilding } from './layout.ts';
import { communityNames } from './placeNames.ts';
import type { StreetPlan } from './plan.ts';
import { Rng } from '../model/random.ts';

/** The (fictional) district the street belongs to. */
export const DISTRICT_NAME = '滨海区（示范）';
/** The street office's area: the whole demo district. */
export const STREET_NAME = '江滨街道（示范）';
/** Statistical division codes in the 12-digit style: district 6, street 9, community 12, grid 15. */
export const DISTRICT_CODE = '331081';
/** 9-digit code of the street; communities and grid cells append 3 digits each. */
export const STREET_CODE = '331081001';

/** A community (社区), a rectangle of the grid frame, usually bounded by roads. */
export interface Community {
  id: number;
  index: number;
  code: string;
  name: string;
  rect: Rect;
  buildings: PlannedBuilding[];
  households: number;
}

/** A grid cell (网格) of a community, looked after by one grid worker. */
export interface GridCell {
  id: number;
  community: Community;
  /** 1-based within the community. */
  index: number;
  code: string;
  name: string;
  rect: Rect;
  buildings: PlannedBuilding[];
  households: number;
}

/** The area hierarchy with ids as written to `areas`. */
export interface AreaPlan {
  districtId: number;
  streetId: number;
  /** The street's outline (the district extent). */
  streetRect: Rect;
  communities: Community[];
  grids: GridCell[];
}

/** Households per community the partition aims at. */
const HOUSEHOLDS_PER_COMMUNITY = 4500;
/** A grid cell is split while it has more households than this. */
const MAX_GRID_HOUSEHOLDS = 400;

interface Piece {
  rect: Rect;
  buildings: PlannedBuilding[];
  weight: number;
}

/**
 * Splits `piece` into two at a line across its longer side, so that the first part carries about
 * `share` of the weight. Road lines are used when one balances well enough; otherwise the cut
 * goes between buildings, at the candidate that crosses fewest footprints.
 */
function bisect(
  piece: Piece,
  share: number,
  weightOf: (b: PlannedBuilding) => number,
  roadCuts: { u: number[]; v: number[] } | null,
): [Piece, Piece] {
  const { rect: r } = piece;
  const alongU = r.u1 - r.u0 >= r.v1 - r.v0;
  const coord = (b: PlannedBuilding): number => (alongU ? b.cu : b.cv);
  const sorted = [...piece.buildings].sort((a, b) => coord(a) - coord(b) || a.id - b.id);
  const total = piece.weight;
  const target = total * share;
  const lo = alongU ? r.u0 : r.v0;
  const hi = alongU ? r.u1 : r.v1;
  const weightBelow = (cut: number): number =>
    sorted.reduce((s, b) => (coord(b) < cut ? s + weightOf(b) : s), 0);

  let cut = NaN;
  if (roadCuts) {
    let bestError = Infinity;
    for (const c of alongU ? roadCuts.u : roadCuts.v) {
      if (c <= lo + 50 || c >= hi - 50) continue;
      const error = Math.abs(weightBelow(c) - target) / Math.max(1, total);
      if (error < bestError) {
        bestError = error;
        cut = c;
      }
    }
    if (bestError > 0.12) cut = NaN;
  }
  if (Number.isNaN(cut)) {
    // Prefix sums to find where the target weight is reached, then try gaps around it.
    let acc = 0;
    let k = 0;
    while (k < sorted.length - 1 && acc + weightOf(sorted[k]!) <= target)
      acc += weightOf(sorted[k++]!);
    k = Math.max(1, Math.min(sorted.length - 1, k));
    let bestCrossings = Infinity;
    for (let d = -6; d <= 6; d++) {
      const i = k + d;
      if (i < 1 || i >= sorted.length) continue;
      const c = (coord(sorted[i - 1]!) + coord(sorted[i]!)) / 2;
      if (coord(sorted[i - 1]!) === coord(sorted[i]!)) continue;
      let crossings = 0;
      for (const b of sorted) {
        const b0 = alongU ? b.box.u0 : b.box.v0;
        const b1 = alongU ? b.box.u1 : b.box.v1;
        if (b0 < c && b1 > c) crossings++;
      }
      const score = crossings * 1000 + Math.abs(d);
      if (score < bestCrossings) {
        bestCrossings = score;
        cut = c;
      }
    }
    if (Number.isNaN(cut)) cut = (lo + hi) / 2;
  }
  const first: PlannedBuilding[] = [];
  const second: PlannedBuilding[] = [];
  for (const b of piece.buildings) (coord(b) < cut ? first : second).push(b);
  const sum = (list: PlannedBuilding[]): number => list.reduce((s, b) => s + weightOf(b), 0);
  const [ra, rb] = alongU
    ? [rect(r.u0, r.v0, cut, r.v1), rect(cut, r.v0, r.u1, r.v1)]
    : [rect(r.u0, r.v0, r.u1, cut), rect(r.u0, cut, r.u1, r.v1)];
  return [
    { rect: ra, buildings: first, weight: sum(first) },
    { rect: rb, buildings: second, weight: sum(second) },
  ];
}

/** Splits into exactly `parts` pieces of about equal weight. */
function splitInto(
  piece: Piece,
  parts: number,
  weightOf: (b: PlannedBuilding) => number,
  roadCuts: { u: number[]; v: number[] },
): Piece[] {
  if (parts <= 1) return [piece];
  const left = Math.floor(parts / 2);
  const [a, b] = bisect(piece, left / parts, weightOf, roadCuts);
  return [
    ...splitInto(a, left, weightOf, roadCuts),
    ...splitInto(b, parts - left, weightOf, roadCuts),
  ];
}

/** Splits until no piece has more than `max` weight (or it is a single building). */
function splitUntil(piece: Piece, max: number, weightOf: (b: PlannedBuilding) => number): Piece[] {
  if (piece.weight <= max || piece.buildings.length <= 1) return [piece];
  const [a, b] = bisect(piece, 0.5, weightOf, null);
  if (a.buildings.length === 0 || b.buildings.length === 0) return [piece];
  return [...splitUntil(a, max, weightOf), ...splitUntil(b, max, weightOf)];
}

/**
 * Partitions the district into communities and grid cells. Ids: 1 district, 2 street, then the
 * communities, then the grid cells. Sets `community_id`/`grid_id` through the returned maps.
 */
export function planAreas(
  seed: number,
  plan: StreetPlan,
  buildings: PlannedBuilding[],
  householdsOf: (b: PlannedBuilding) => number,
): AreaPlan {
  const rng = Rng.derive(seed, 0xa5ea);
  const totalHouseholds = buildings.reduce((s, b) => s + householdsOf(b), 0);
  const communityCount = Math.max(4, Math.round(totalHouseholds / HOUSEHOLDS_PER_COMMUNITY));
  // Buildings without households still count a little, so empty quarters get shared out too.
  const weightOf = (b: PlannedBuilding): number => householdsOf(b) + 1;
  const roadCuts = { u: plan.colLines.map((l) => l.pos), v: plan.rowLines.map((l) => l.pos) };
  const whole: Piece = {
    rect: plan.extent,
    buildings,
    weight: buildings.reduce((s, b) => s + weightOf(b), 0),
  };
  const names = communityNames(communityCount, rng);

  const communities: Community[] = [];
  const grids: GridCell[] = [];
  const communityPieces = splitInto(whole, communityCount, weightOf, roadCuts);
  communityPieces.forEach((piece, i) => {
    communities.push({
      id: 3 + i,
      index: i,
      code: `${STREET_CODE}${String(i + 1).padStart(3, '0')}`,
      name: names[i]!,
      rect: piece.rect,
      buildings: piece.buildings,
      households: piece.buildings.reduce((s, b) => s + householdsOf(b), 0),
    });
  });
  let nextId = 3 + communities.length;
  for (const c of communities) {
    const pieces = splitUntil(
      { rect: c.rect, buildings: c.buildings, weight: c.households },
      MAX_GRID_HOUSEHOLDS,
      householdsOf,
    );
    pieces.forEach((piece, j) => {
      grids.push({
        id: nextId++,
        community: c,
        index: j + 1,
        code: `${c.code}${String(j + 1).padStart(3, '0')}`,
        name: `${c.name}第${j + 1}网格`,
        rect: piece.rect,
        buildings: piece.buildings,
        households: piece.buildings.reduce((s, b) => s + householdsOf(b), 0),
      });
    });
  }
  return { districtId: 1, streetId: 2, streetRect: plan.extent, communities, grids };
}
