/**
 * The shared state of block filling: the buildings placed so far, a collision grid that keeps
 * footprints apart and off the river, and house numbering along each road.
 */
import type { BuildingUse } from '../model/domain.ts';
import { CollisionGrid, polygonCentroid, rectRing, type Rect } from './frame.ts';
import { EstateNamer } from './placeNames.ts';
import type { Block, GridLine, StreetPlan } from './plan.ts';

/** What a building is for, beyond its use code: facilities attach to these. */
export type BuildingRole =
  | 'dwelling'
  | 'ancillary' // 自行车棚, 配电房, 车库出入口, 物业用房
  | 'shop'
  | 'mall'
  | 'school'
  | 'hospital'
  | 'fire_station'
  | 'street_office'
  | 'police'
  | 'depot'
  | 'industry'
  | 'pavilion'
  | 'community_centre';

/** An estate (小区): buildings share its name, gate address and 幢 numbering. */
export interface Estate {
  name: string;
  /** `江滨路88号` */
  gate: string;
  /** Villages number houses (号), estates buildings (幢). */
  kind: 'estate' | 'village';
}

/** A building as planned, in grid-frame metres; written to `buildings` with lon/lat. */
export interface PlannedBuilding {
  /** 1-based, assigned after trimming. */
  id: number;
  use: BuildingUse;
  role: BuildingRole;
  name: string;
  address: string;
  floors: number;
  heightM: number;
  yearBuilt: number;
  /** Dwellings per floor; 0 when the building has none. */
  unitsPerFloor: number;
  /** Lowest floor with dwellings (shops or a lobby below). */
  firstDwellingFloor: number;
  /** Outline in grid-frame metres, counter-clockwise, not closed. */
  ring: [number, number][];
  box: Rect;
  cu: number;
  cv: number;
  block: Block;
  estate: Estate | null;
  /** Residential buildings at the fringe may be dropped to meet the requested count. */
  trimmable: boolean;
}

/** A small lane (支路/弄) splitting a block, as a grid-frame polyline. */
export interface Lane {
  name: string | null;
  points: [number, number][];
  block: Block;
}

/** Shared state while blocks are filled. */
export class LayoutBuilder {
  public readonly buildings: PlannedBuilding[] = [];
  public readonly lanes: Lane[] = [];
  public readonly pitches: Rect[] = [];
  public readonly estateNamer = new EstateNamer();
  private readonly grid = new CollisionGrid(64);
  private readonly usedNumbers = new Map<string, Set<number>>();
  public schools = 0;

  public constructor(public readonly plan: StreetPlan) {}

  /** Reserves ground (a sports field) so no building lands on it. */
  public reserve(r: Rect): boolean {
    if (!this.plan.river.isClear(r) || !this.grid.isFree(r, 4)) return false;
    this.grid.insert(r);
    return true;
  }

  /** Places a building when its box stays inside the block, clear of the river and of others. */
  public place(
    block: Block,
    box: Rect,
    spec: Omit<
      PlannedBuilding,
      'id' | 'ring' | 'box' | 'cu' | 'cv' | 'block' | 'address' | 'name'
    > & {
      ring?: [number, number][];
      name?: string;
      address?: string;
    },
    gap = 6,
  ): PlannedBuilding | null {
    const inner = block.inner;
    if (
      box.u0 < inner.u0 - 1e-6 ||
      box.v0 < inner.v0 - 1e-6 ||
      box.u1 > inner.u1 + 1e-6 ||
      box.v1 > inner.v1 + 1e-6
    )
      return null;
    if (!this.plan.river.isClear(box) || !this.grid.isFree(box, gap)) return null;
    this.grid.insert(box);
    const ring = spec.ring ?? rectRing(box);
    const c = polygonCentroid(ring);
    const b: PlannedBuilding = {
      ...spec,
      id: 0,
      ring,
      box,
      cu: c.u,
      cv: c.v,
      block,
      name: spec.name ?? '',
      address: spec.address ?? '',
    };
    this.buildings.push(b);
    return b;
  }

  /** House number (门牌号) on `road` at position `along`: odd on the south/west side, even opposite. */
  public houseNumber(road: GridLine, along: number, start: number, evenSide: boolean): string {
    let n = 2 * Math.max(0, Math.floor((along - start) / 12)) + (evenSide ? 2 : 1);
    let used = this.usedNumbers.get(road.name);
    if (!used) this.usedNumbers.set(road.name, (used = new Set()));
    while (used.has(n)) n += 2;
    used.add(n);
    return `${road.name}${n}号`;
  }

  /** The gate address of a parcel: on its most important bordering road. */
  public gateOf(block: Block, parcel: Rect): string {
    const { south, north, west, east } = block.roads;
    const ext = this.plan.extent;
    const near = (a: number, b: number): boolean => Math.abs(a - b) < 40;
    const sides: { road: GridLine; along: number; start: number; even: boolean }[] = [];
    const cu = (parcel.u0 + parcel.u1) / 2;
    const cv = (parcel.v0 + parcel.v1) / 2;
    // The block lies north of its south road, so it is on that road's north (even) side.
    if (near(parcel.v0, block.inner.v0))
      sides.push({ road: south, along: cu, start: ext.u0, even: true });
    if (near(parcel.v1, block.inner.v1))
      sides.push({ road: north, along: cu, start: ext.u0, even: false });
    if (near(parcel.u0, block.inner.u0))
      sides.push({ road: west, along: cv, start: ext.v0, even: true });
    if (near(parcel.u1, block.inner.u1))
      sides.push({ road: east, along: cv, start: ext.v0, even: false });
    if (sides.length === 0) sides.push({ road: south, along: cu, start: ext.u0, even: true });
    const best = sides.find((s) => s.road.rank === 'primary') ?? sides[0]!;
    return this.houseNumber(best.road, best.along, best.start, best.even);
  }
}

const storeyHeight: Record<BuildingUse, number> = {
  residential_walkup: 2.9,
  residential_highrise: 3.0,
  commercial: 3.6,
  school: 3.9,
  hospital: 4.2,
  public: 3.6,
  industrial: 6,
  fire_station: 4.5,
  other: 3,
};
/** Height in metres for a use and storey count (shops have a tall ground floor). */
export const heightOf = (use: BuildingUse, floors: number): number =>
  Math.round((use === 'commercial' ? 4.5 + (floors - 1) * 3.3 : floors * storeyHeight[use]) * 10) /
  10;
