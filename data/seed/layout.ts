/**
 * Fills the blocks of the street plan with buildings (templates in housing.ts and campuses.ts)
 * and trims the result to the requested building count. Footprints are rectangles or L shapes
 * aligned with the street grid, placed through a collision grid so none overlaps another, a road
 * reserve or the river corridor.
 */
import type { Rect } from './frame.ts';
import {
  fillCivic,
  fillFireStation,
  fillHospital,
  fillIndustrial,
  fillPark,
  fillPolice,
  fillSchool,
} from './campuses.ts';
import { fillCommercial, fillResidential, fillVillage } from './housing.ts';
import { LayoutBuilder, type Estate, type Lane, type PlannedBuilding } from './layoutBuilder.ts';
import { planStreets, type Block, type StreetPlan } from './plan.ts';
import { Rng } from '../model/random.ts';

export type { BuildingRole, Estate, Lane, PlannedBuilding } from './layoutBuilder.ts';

/** A laid-out district: street plan, buildings (ids 1…n) and what the base map needs. */
export interface Layout {
  plan: StreetPlan;
  buildings: PlannedBuilding[];
  lanes: Lane[];
  /** School sports grounds (操场): kept free of buildings, drawn as green. */
  pitches: Rect[];
  /** Blocks left unbuilt after trimming (待开发用地). */
  vacantBlocks: Set<Block>;
}

// ---------------------------------------------------------------------------------------------

/** Fills every block of `plan`; no trimming. */
function fillPlan(seed: number, plan: StreetPlan): LayoutBuilder {
  const lb = new LayoutBuilder(plan);
  const counters = { hospital: 0, fire: 0, police: 0, commercial: 0 };
  // The mall goes into the commercial block closest to the centre.
  const mallBlock = plan.blocks
    .filter((b) => b.kind === 'commercial')
    .sort((a, b) => a.distance - b.distance)[0];
  for (const block of plan.blocks) {
    const rng = Rng.derive(seed, 0xb10c, block.index);
    switch (block.kind) {
      case 'walkup':
      case 'highrise':
      case 'mixed':
        fillResidential(lb, rng, block, block.inner, block.kind);
        break;
      case 'commercial':
        fillCommercial(lb, rng, block, block === mallBlock);
        counters.commercial++;
        break;
      case 'school':
        fillSchool(lb, rng, block);
        break;
      case 'hospital':
        fillHospital(lb, rng, block, counters.hospital++);
        break;
      case 'civic':
        fillCivic(lb, rng, block);
        break;
      case 'fire':
        fillFireStation(lb, rng, block, counters.fire++);
        break;
      case 'police':
        fillPolice(lb, rng, block, counters.police++);
        break;
      case 'industrial':
        fillIndustrial(lb, rng, block);
        break;
      case 'park':
        fillPark(lb, rng, block);
        break;
      case 'village':
        fillVillage(lb, rng, block);
        break;
      case 'riverside':
        break;
    }
  }
  return lb;
}

/** How strongly the block mix leans to towers; tuned so a district has ~15 households per building. */
const HIGHRISE_BIAS = 0.1;

/** Roles every demo district must have: the emergency story depends on them. */
const REQUIRED_ROLES = [
  'street_office',
  'police',
  'hospital',
  'fire_station',
  'school',
  'depot',
] as const;

/**
 * Lays out a district with exactly `targetBuildings` buildings: sizes a street grid from a guess
 * of buildings per block, re-sizes it from the real fill until there is enough (but not far too
 * much) to choose from, then drops housing at the fringe, furthest blocks first, down to the
 * requested count.
 */
export function layoutDistrict(seed: number, targetBuildings: number): Layout {
  let blocksWanted = Math.max(12, Math.ceil((targetBuildings / 24) * 1.08) + 1);
  let usable: LayoutBuilder | null = null;
  let last = 0;
  for (let attempt = 0; attempt < 12; attempt++) {
    // Blocks average ~245 × 205 m; a district somewhat wider (along the river) than tall.
    const cols = Math.max(3, Math.round(Math.sqrt((blocksWanted * 1.3 * 205) / 245)));
    const rows = Math.max(3, Math.ceil(blocksWanted / cols));
    const plan = planStreets(seed, cols, rows, targetBuildings, HIGHRISE_BIAS);
    const lb = fillPlan(seed, plan);
    const total = lb.buildings.length;
    last = total;
    const fixed = total - lb.buildings.filter((b) => b.trimmable).length;
    const complete = REQUIRED_ROLES.every((role) => lb.buildings.some((b) => b.role === role));
    if (total >= targetBuildings && fixed <= targetBuildings && complete) {
      usable = lb;
      // Accept unless so much would be trimmed that the fringe turns into a wasteland.
      if (total <= targetBuildings * 1.3 + 60) break;
      blocksWanted = Math.max(12, Math.ceil(plan.blocks.length * (targetBuildings / total) * 1.1));
    } else if (total < targetBuildings || !complete) {
      blocksWanted = Math.ceil(
        plan.blocks.length * Math.max(1.08, (targetBuildings / Math.max(1, total)) * 1.05),
      );
    } else {
      // Too many buildings that may not be trimmed (campuses, industry): a smaller grid.
      blocksWanted = Math.max(12, Math.floor(plan.blocks.length * 0.85));
    }
  }
  if (!usable)
    throw new Error(
      `Could not lay out ${targetBuildings} buildings for seed ${seed} (last try: ${last}).`,
    );
  return finish(usable, targetBuildings);
}

/** Trims to the target, numbers buildings and writes their addresses. */
function finish(lb: LayoutBuilder, target: number): Layout {
  const excess = lb.buildings.length - target;
  const dropped = new Set<PlannedBuilding>();
  if (excess > 0) {
    const candidates = lb.buildings
      .map((b, i) => ({ b, i }))
      .filter(({ b }) => b.trimmable)
      // Housing goes first; shops only when a tiny district has more shopping street than room.
      .sort(
        (x, y) =>
          Number(x.b.role === 'shop') - Number(y.b.role === 'shop') ||
          y.b.block.distance - x.b.block.distance ||
          Math.hypot(y.b.cu, y.b.cv) - Math.hypot(x.b.cu, x.b.cv) ||
          x.i - y.i,
      );
    for (const { b } of candidates.slice(0, excess)) dropped.add(b);
  }
  const kept = lb.buildings.filter((b) => !dropped.has(b));
  const builtBlocks = new Set(kept.map((b) => b.block));
  const vacantBlocks = new Set(
    lb.plan.blocks.filter(
      (b) => !builtBlocks.has(b) && b.kind !== 'riverside' && b.kind !== 'park',
    ),
  );
  // Number 幢 within each estate in placement order, after trimming so there are no gaps.
  const perEstate = new Map<Estate, number>();
  kept.forEach((b, i) => {
    b.id = i + 1;
    if (b.estate && !b.address) {
      if (b.role === 'dwelling') {
        const n = (perEstate.get(b.estate) ?? 0) + 1;
        perEstate.set(b.estate, n);
        const unit = b.estate.kind === 'village' ? '号' : '幢';
        b.name = `${b.estate.name}${n}${unit}`;
        b.address = `${b.estate.gate} ${b.estate.name} ${n}${unit}`;
      } else {
        b.address = `${b.estate.gate} ${b.estate.name}`;
      }
    } else if (!b.address) {
      b.address = lb.gateOf(b.block, b.box);
    }
  });
  // Lanes of blocks that ended up empty are not built either.
  const lanes = lb.lanes.filter((l) => builtBlocks.has(l.block));
  return { plan: lb.plan, buildings: kept, lanes, pitches: lb.pitches, vacantBlocks };
}
