/**
 * Housing templates: rows of 1980s–90s walk-up slabs, gated compounds of point towers, villages
 * of self-built houses, and the shopping street with flats above shops.
 */
import { lRing, rect, type Rect } from './frame.ts';
import {
  heightOf,
  type Estate,
  type LayoutBuilder,
  type PlannedBuilding,
} from './layoutBuilder.ts';
import type { Block } from './plan.ts';
import type { Rng } from '../model/random.ts';

// ---------------------------------------------------------------------------------------------
// Residential templates

/** Rows of east–west slabs (south-facing, as Chinese housing is), 5–7 storeys, with bike sheds. */
function fillWalkups(lb: LayoutBuilder, rng: Rng, block: Block, parcel: Rect): void {
  const estate: Estate = {
    name: lb.estateNamer.next(rng, 'walkup'),
    gate: lb.gateOf(block, parcel),
    kind: 'estate',
  };
  const year = rng.int(1980, 2000);
  const depth = rng.range(10.5, 13);
  const rowGap = rng.range(13, 18);
  for (let v = parcel.v0; v + depth <= parcel.v1; v += depth + rowGap) {
    let u = parcel.u0 + rng.range(0, 6);
    for (;;) {
      const length = rng.pick([36, 42, 48, 54, 60, 66]) + rng.range(-2, 2);
      if (u + length > parcel.u1) {
        // Leftover ground at the end of a row: a bike shed or a transformer room.
        if (parcel.u1 - u >= 12 && rng.chance(0.6)) {
          const w = Math.min(parcel.u1 - u, rng.range(10, 16));
          const d = rng.range(5, 7);
          lb.place(
            block,
            rect(u, v, u + w, v + d),
            ancillary(year + rng.int(0, 10), rng, estate),
            4,
          );
        }
        break;
      }
      const floors = rng.chance(0.7) ? 6 : rng.chance(0.5) ? 5 : 7;
      lb.place(block, rect(u, v, u + length, v + depth), {
        use: 'residential_walkup',
        role: 'dwelling',
        floors,
        heightM: heightOf('residential_walkup', floors),
        yearBuilt: Math.min(2000, year + rng.int(0, 3)),
        unitsPerFloor: length < 45 ? 2 : length < 57 ? 3 : 4,
        firstDwellingFloor: 1,
        estate,
        trimmable: true,
      });
      u += length + rng.range(8, 14);
    }
  }
}

/** A gated compound of point towers (18–33 storeys) with shops on a main-road edge. */
function fillHighrises(lb: LayoutBuilder, rng: Rng, block: Block, parcel: Rect): void {
  const estate: Estate = {
    name: lb.estateNamer.next(rng, 'highrise'),
    gate: lb.gateOf(block, parcel),
    kind: 'estate',
  };
  const year = rng.int(2005, 2022);
  let area = parcel;
  // 底商: a strip of two- or three-storey shops where the compound faces a main road.
  if (
    block.roads.south.rank === 'primary' &&
    Math.abs(parcel.v0 - block.inner.v0) < 1 &&
    rng.chance(0.7)
  ) {
    const d = rng.range(12, 15);
    for (let u = parcel.u0; u + 24 <= parcel.u1;) {
      const len = Math.min(parcel.u1 - u, rng.range(30, 60));
      const floors = rng.int(2, 3);
      lb.place(block, rect(u, parcel.v0, u + len, parcel.v0 + d), {
        use: 'commercial',
        role: 'shop',
        floors,
        heightM: heightOf('commercial', floors),
        yearBuilt: year,
        unitsPerFloor: 0,
        firstDwellingFloor: 0,
        estate: null,
        trimmable: true,
        name: `${estate.name}商业`,
      });
      u += len + rng.range(6, 10);
    }
    area = rect(parcel.u0, parcel.v0 + d + 14, parcel.u1, parcel.v1);
  }
  const towerW = rng.range(26, 34);
  const towerD = rng.range(16, 22);
  const gapU = rng.range(18, 30);
  // Sunlight spacing (日照间距) keeps rows of towers far apart north–south.
  const gapV = rng.range(36, 52);
  let towers = 0;
  for (let v = area.v0; v + towerD <= area.v1; v += towerD + gapV) {
    for (let u = area.u0 + rng.range(0, 8); u + towerW <= area.u1; u += towerW + gapU) {
      const floors = rng.int(18, 33);
      const w = towerW + rng.range(-1.5, 1.5);
      const placed = lb.place(block, rect(u, v, u + w, v + towerD), {
        use: 'residential_highrise',
        role: 'dwelling',
        floors,
        heightM: heightOf('residential_highrise', floors),
        yearBuilt: year,
        unitsPerFloor: w < 28 ? 4 : w < 31 ? 6 : 8,
        firstDwellingFloor: 2,
        estate,
        trimmable: true,
      });
      if (placed) towers++;
      // A ramp down to the underground garage (地下车库出入口) beside some towers.
      if (placed && towers % 2 === 0) {
        const ru = u + w + 6;
        lb.place(
          block,
          rect(ru, v + 2, ru + 7, v + 8),
          ancillary(year, rng, estate, '地下车库出入口'),
          3,
        );
      }
    }
  }
  // A clubhouse and a property-management office in any gap left.
  for (const label of ['会所', '物业服务用房']) {
    for (let attempt = 0; attempt < 12; attempt++) {
      const w = rng.range(14, 24);
      const d = rng.range(10, 14);
      const u = rng.range(area.u0, Math.max(area.u0, area.u1 - w));
      const v = rng.range(area.v0, Math.max(area.v0, area.v1 - d));
      if (
        lb.place(
          block,
          rect(u, v, u + w, v + d),
          { ...ancillary(year, rng, estate, label), floors: 2, heightM: 7 },
          6,
        )
      )
        break;
    }
  }
}

function ancillary(
  year: number,
  rng: Rng,
  estate: Estate,
  label?: string,
): Omit<PlannedBuilding, 'id' | 'ring' | 'box' | 'cu' | 'cv' | 'block' | 'address'> {
  return {
    use: 'other',
    role: 'ancillary',
    floors: 1,
    heightM: Math.round(rng.range(3, 4.5) * 10) / 10,
    yearBuilt: year,
    unitsPerFloor: 0,
    firstDwellingFloor: 0,
    estate,
    trimmable: true,
    name: `${estate.name}${label ?? rng.pick(['自行车棚', '配电房', '自行车棚', '垃圾分类亭'])}`,
  };
}

/** Housing for a parcel by block kind; large parcels are split by a lane into two estates. */
export function fillResidential(
  lb: LayoutBuilder,
  rng: Rng,
  block: Block,
  parcel: Rect,
  style: 'walkup' | 'highrise' | 'mixed',
): void {
  const width = parcel.u1 - parcel.u0;
  if ((style === 'mixed' || (style === 'walkup' && width > 230)) && width > 120) {
    const mid = (parcel.u0 + parcel.u1) / 2 + rng.range(-15, 15);
    lb.lanes.push({
      name: `${block.roads.south.name}${rng.int(1, 20) * 2 - 1}弄`,
      points: [
        [mid, block.outer.v0 + block.roads.south.halfWidth],
        [mid, block.outer.v1 - block.roads.north.halfWidth],
      ],
      block,
    });
    const west = rect(parcel.u0, parcel.v0, mid - 7, parcel.v1);
    const east = rect(mid + 7, parcel.v0, parcel.u1, parcel.v1);
    const flip = rng.chance(0.5);
    if (style === 'mixed') {
      fillWalkups(lb, rng, block, flip ? west : east);
      fillHighrises(lb, rng, block, flip ? east : west);
    } else {
      fillWalkups(lb, rng, block, west);
      fillWalkups(lb, rng, block, east);
    }
    return;
  }
  if (style === 'highrise') fillHighrises(lb, rng, block, parcel);
  else fillWalkups(lb, rng, block, parcel);
}

/**
 * A village of self-built houses (农民自建房): 3–5 storeys on ~10 × 11 m plots in tight rows along
 * narrow lanes, one dwelling per floor, often let to migrant workers.
 */
export function fillVillage(lb: LayoutBuilder, rng: Rng, block: Block): void {
  const parcel = block.inner;
  const estate: Estate = {
    name: lb.estateNamer.nextVillage(rng),
    gate: lb.gateOf(block, parcel),
    kind: 'village',
  };
  const depth = rng.range(9.5, 12);
  for (let v = parcel.v0 + rng.range(0, 4); v + depth <= parcel.v1; v += depth + rng.range(5, 8)) {
    for (let u = parcel.u0 + rng.range(0, 6); ;) {
      const w = rng.range(8.5, 13);
      if (u + w > parcel.u1) break;
      // Gaps where a plot was never built, or a courtyard.
      if (rng.chance(0.9)) {
        const floors = rng.chance(0.5) ? 4 : rng.chance(0.6) ? 3 : 5;
        lb.place(
          block,
          rect(u, v, u + w, v + depth * rng.range(0.85, 1)),
          {
            use: 'residential_walkup',
            role: 'dwelling',
            floors,
            heightM: Math.round(floors * 3.2 * 10) / 10,
            yearBuilt: rng.int(1988, 2015),
            unitsPerFloor: 1,
            firstDwellingFloor: 1,
            estate,
            trimmable: true,
          },
          2.5,
        );
      }
      u += w + rng.range(2.5, 4);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Special blocks

/** Shops along the shopping street, some with flats above (下店上宅), housing behind. */
export function fillCommercial(lb: LayoutBuilder, rng: Rng, block: Block, wantMall: boolean): void {
  const inner = block.inner;
  const north = block.frontage === 'north';
  const depth = rng.range(14, 20);
  const road = north ? block.roads.north : block.roads.south;
  const v0 = north ? inner.v1 - depth : inner.v0;
  let u = inner.u0;
  if (wantMall) {
    const w = Math.min(inner.u1 - inner.u0 - 10, rng.range(80, 100));
    const d = Math.min(inner.v1 - inner.v0 - 10, rng.range(55, 70));
    const box = north
      ? rect(u, inner.v1 - d, u + w, inner.v1)
      : rect(u, inner.v0, u + w, inner.v0 + d);
    const floors = rng.int(4, 6);
    lb.place(block, box, {
      use: 'commercial',
      role: 'mall',
      floors,
      heightM: heightOf('commercial', floors),
      yearBuilt: rng.int(2008, 2019),
      unitsPerFloor: 0,
      firstDwellingFloor: 0,
      estate: null,
      trimmable: false,
      name: '江滨万和广场',
      address: lb.houseNumber(road, u + w / 2, lb.plan.extent.u0, !north),
      ring: lRing(box, w * 0.35, d * 0.4, north ? 0 : 3),
    });
    u += w + 8;
  }
  for (; u + 16 <= inner.u1;) {
    const len = Math.min(inner.u1 - u, rng.range(18, 45));
    const floors = rng.int(2, 5);
    const flats = floors >= 3 && rng.chance(0.5);
    const box = rect(u, v0, u + len, v0 + depth);
    const corner = u === inner.u0 || u + len + 16 > inner.u1;
    lb.place(
      block,
      box,
      {
        use: 'commercial',
        role: 'shop',
        floors,
        heightM: heightOf('commercial', floors),
        yearBuilt: rng.int(1985, 2015),
        unitsPerFloor: flats ? rng.int(2, 4) : 0,
        firstDwellingFloor: flats ? 2 : 0,
        estate: null,
        trimmable: true,
        name: `${road.name}${rng.pick(['商铺', '商业楼', '百货', '商住楼'])}`,
        address: lb.houseNumber(road, u + len / 2, lb.plan.extent.u0, !north),
        ...(corner && len > 25 ? { ring: lRing(box, len * 0.4, depth * 0.45, north ? 0 : 3) } : {}),
      },
      4,
    );
    u += len + rng.range(3, 6);
  }
  const rest = north
    ? rect(inner.u0, inner.v0, inner.u1, v0 - 16)
    : rect(inner.u0, v0 + depth + 16, inner.u1, inner.v1);
  if (rest.v1 - rest.v0 > 30) fillResidential(lb, rng, block, rest, 'walkup');
}
