/**
 * Campus templates for the special blocks: schools with their sports grounds, the hospital, the
 * civic block (street office, police, emergency store), fire and police stations, industry and
 * parks. A campus takes one corner of its block; housing fills the rest.
 */
import { lRing, rect, type Rect } from './frame.ts';
import { fillResidential } from './housing.ts';
import { heightOf, type LayoutBuilder } from './layoutBuilder.ts';
import { schoolName } from './placeNames.ts';
import type { Block, StreetPlan } from './plan.ts';
import type { Rng } from '../model/random.ts';

/**
 * A campus in one corner of a block (the first of the four, from a random start, that the river
 * leaves clear); the strip beside it is housing.
 */
function campusParcel(
  rng: Rng,
  block: Block,
  river: StreetPlan['river'],
  w: number,
  d: number,
): { campus: Rect; rest: Rect | null } {
  const inner = block.inner;
  const cw = Math.min(w, inner.u1 - inner.u0);
  const cd = Math.min(d, inner.v1 - inner.v0);
  const first = rng.int(0, 3);
  let campus = rect(inner.u0, inner.v0, inner.u0 + cw, inner.v0 + cd);
  let west = true;
  for (let i = 0; i < 4; i++) {
    const corner = (first + i) % 4;
    west = corner % 2 === 0;
    const south = corner < 2;
    const u0 = west ? inner.u0 : inner.u1 - cw;
    const v0 = south ? inner.v0 : inner.v1 - cd;
    campus = rect(u0, v0, u0 + cw, v0 + cd);
    if (river.isClear(campus)) break;
  }
  const restRect = west
    ? rect(campus.u1 + 14, inner.v0, inner.u1, inner.v1)
    : rect(inner.u0, inner.v0, campus.u0 - 14, inner.v1);
  return { campus, rest: restRect.u1 - restRect.u0 > 60 ? restRect : null };
}

/** A school: L-shaped teaching building, gym, annex and a sports ground (操场). */
export function fillSchool(lb: LayoutBuilder, rng: Rng, block: Block): void {
  const { campus, rest } = campusParcel(
    rng,
    block,
    lb.plan.river,
    rng.range(170, 200),
    rng.range(150, 180),
  );
  const name = schoolName(lb.schools++);
  const address = lb.gateOf(block, campus);
  const year = rng.int(1992, 2018);
  const base = {
    use: 'school' as const,
    yearBuilt: year,
    unitsPerFloor: 0,
    firstDwellingFloor: 0,
    estate: null,
    trimmable: false,
    address,
  };
  // The sports ground (操场) takes the south part; teaching buildings north of it.
  const pitch = rect(
    campus.u0 + 5,
    campus.v0 + 5,
    Math.min(campus.u1 - 5, campus.u0 + 115),
    Math.min(campus.v1 - 60, campus.v0 + 70),
  );
  if (pitch.v1 - pitch.v0 > 30 && lb.reserve(pitch)) lb.pitches.push(pitch);
  const mainBox = rect(
    campus.u0 + 5,
    campus.v1 - 42,
    Math.min(campus.u1 - 5, campus.u0 + 80),
    campus.v1 - 2,
  );
  const floors = rng.int(4, 5);
  lb.place(block, mainBox, {
    ...base,
    role: 'school',
    floors,
    heightM: heightOf('school', floors),
    name: `${name}教学楼`,
    ring: lRing(mainBox, (mainBox.u1 - mainBox.u0) * 0.6, 24, 0),
  });
  lb.place(block, rect(campus.u1 - 42, campus.v1 - 30, campus.u1 - 4, campus.v1 - 4), {
    ...base,
    role: 'school',
    floors: 2,
    heightM: 12,
    name: `${name}体育馆`,
  });
  lb.place(block, rect(campus.u1 - 64, campus.v0 + 10, campus.u1 - 4, campus.v0 + 24), {
    ...base,
    role: 'school',
    floors: 4,
    heightM: heightOf('school', 4),
    name: `${name}综合楼`,
  });
  if (rest) fillResidential(lb, rng, block, rest, 'walkup');
}

/** The hospital: outpatient building (L), inpatient tower and a medical-technology block. */
export function fillHospital(lb: LayoutBuilder, rng: Rng, block: Block, index: number): void {
  const { campus, rest } = campusParcel(
    rng,
    block,
    lb.plan.river,
    rng.range(170, 200),
    rng.range(140, 170),
  );
  const name = index === 0 ? '江滨人民医院' : `江滨人民医院第${index + 1}院区`;
  const address = lb.gateOf(block, campus);
  const base = {
    use: 'hospital' as const,
    yearBuilt: rng.int(1998, 2016),
    unitsPerFloor: 0,
    firstDwellingFloor: 0,
    estate: null,
    trimmable: false,
    address,
  };
  const outpatient = rect(campus.u0 + 4, campus.v0 + 4, campus.u0 + 90, campus.v0 + 50);
  lb.place(block, outpatient, {
    ...base,
    role: 'hospital',
    floors: 5,
    heightM: heightOf('hospital', 5),
    name: `${name}门诊楼`,
    ring: lRing(outpatient, 50, 22, 2),
  });
  const inpatientFloors = rng.int(12, 17);
  lb.place(block, rect(campus.u0 + 10, campus.v1 - 28, campus.u0 + 66, campus.v1 - 4), {
    ...base,
    role: 'hospital',
    floors: inpatientFloors,
    heightM: heightOf('hospital', inpatientFloors),
    name: `${name}住院楼`,
  });
  lb.place(block, rect(campus.u1 - 46, campus.v1 - 26, campus.u1 - 4, campus.v1 - 4), {
    ...base,
    role: 'hospital',
    floors: 6,
    heightM: heightOf('hospital', 6),
    name: `${name}医技楼`,
  });
  if (rest) fillResidential(lb, rng, block, rest, rng.chance(0.5) ? 'walkup' : 'highrise');
}

/** The civic block: street office, police station and the street's emergency material store. */
export function fillCivic(lb: LayoutBuilder, rng: Rng, block: Block): void {
  const { campus, rest } = campusParcel(
    rng,
    block,
    lb.plan.river,
    rng.range(150, 180),
    rng.range(120, 150),
  );
  const address = lb.gateOf(block, campus);
  const base = { unitsPerFloor: 0, firstDwellingFloor: 0, estate: null, trimmable: false, address };
  const office = rect(campus.u0 + 6, campus.v0 + 6, campus.u0 + 62, campus.v0 + 26);
  lb.place(block, office, {
    ...base,
    use: 'public',
    role: 'street_office',
    floors: 6,
    heightM: heightOf('public', 6),
    yearBuilt: rng.int(2003, 2012),
    name: '江滨街道办事处',
    ring: lRing(office, 20, 8, 2),
  });
  lb.place(block, rect(campus.u1 - 46, campus.v0 + 6, campus.u1 - 6, campus.v0 + 22), {
    ...base,
    use: 'public',
    role: 'police',
    floors: 5,
    heightM: heightOf('public', 5),
    yearBuilt: rng.int(2000, 2015),
    name: '江滨派出所',
  });
  lb.place(block, rect(campus.u0 + 6, campus.v1 - 26, campus.u0 + 50, campus.v1 - 6), {
    ...base,
    use: 'other',
    role: 'depot',
    floors: 2,
    heightM: 9,
    yearBuilt: rng.int(2010, 2020),
    name: '江滨街道应急物资仓库',
  });
  if (rest) fillResidential(lb, rng, block, rest, 'walkup');
}

/** A fire and rescue station with its training tower. */
export function fillFireStation(lb: LayoutBuilder, rng: Rng, block: Block, index: number): void {
  const { campus, rest } = campusParcel(
    rng,
    block,
    lb.plan.river,
    rng.range(90, 110),
    rng.range(80, 100),
  );
  const name = index === 0 ? '江滨消防救援站' : `江滨第${index + 1}消防救援站`;
  const address = lb.gateOf(block, campus);
  const base = {
    use: 'fire_station' as const,
    unitsPerFloor: 0,
    firstDwellingFloor: 0,
    estate: null,
    trimmable: false,
    address,
    yearBuilt: rng.int(2005, 2020),
  };
  lb.place(block, rect(campus.u0 + 4, campus.v0 + 4, campus.u0 + 50, campus.v0 + 24), {
    ...base,
    role: 'fire_station',
    floors: 3,
    heightM: 14,
    name,
  });
  // Training tower (训练塔).
  lb.place(block, rect(campus.u1 - 14, campus.v1 - 14, campus.u1 - 6, campus.v1 - 6), {
    ...base,
    role: 'fire_station',
    floors: 7,
    heightM: 24,
    name: `${name}训练塔`,
  });
  if (rest) fillResidential(lb, rng, block, rest, 'walkup');
}

/** An extra police post for large districts. */
export function fillPolice(lb: LayoutBuilder, rng: Rng, block: Block, index: number): void {
  const { campus, rest } = campusParcel(rng, block, lb.plan.river, 70, 50);
  lb.place(block, rect(campus.u0 + 4, campus.v0 + 4, campus.u0 + 44, campus.v0 + 20), {
    use: 'public',
    role: 'police',
    floors: 5,
    heightM: heightOf('public', 5),
    yearBuilt: rng.int(2000, 2018),
    unitsPerFloor: 0,
    firstDwellingFloor: 0,
    estate: null,
    trimmable: false,
    name: `江滨派出所第${index + 2}警务站`,
    address: lb.gateOf(block, campus),
  });
  if (rest) fillResidential(lb, rng, block, rest, rng.chance(0.5) ? 'walkup' : 'highrise');
}

/** An industrial block: rows of one- and two-storey factory sheds of one company. */
export function fillIndustrial(lb: LayoutBuilder, rng: Rng, block: Block): void {
  const inner = block.inner;
  const gate = lb.gateOf(block, inner);
  const company = rng.pick([
    '江滨泵业',
    '澄江机电',
    '东海鞋业',
    '锦屏汽配',
    '万昌塑胶',
    '温峤工具',
    '泽国阀门',
  ]);
  let k = 1;
  for (let v = inner.v0; v + 28 <= inner.v1;) {
    const d = rng.range(28, 48);
    for (let u = inner.u0; u + 50 <= inner.u1;) {
      const w = Math.min(inner.u1 - u, rng.range(55, 110));
      const floors = rng.chance(0.7) ? 1 : 2;
      lb.place(
        block,
        rect(u, v, u + w, Math.min(inner.v1, v + d)),
        {
          use: 'industrial',
          role: 'industry',
          floors,
          heightM: Math.round(rng.range(8, 14) * floors * 0.8 * 10) / 10,
          yearBuilt: rng.int(1995, 2015),
          unitsPerFloor: 0,
          firstDwellingFloor: 0,
          estate: null,
          trimmable: false,
          name: `${company}${k++}号厂房`,
          address: gate,
        },
        8,
      );
      u += w + rng.range(10, 16);
    }
    v += d + rng.range(14, 20);
  }
}

/** A park: open ground with a tea house; the green and the pond come from the base map. */
export function fillPark(lb: LayoutBuilder, rng: Rng, block: Block): void {
  const [u, v] = [(block.inner.u0 + block.inner.u1) / 2, block.inner.v1 - 20];
  lb.place(block, rect(u - 7, v - 5, u + 7, v + 5), {
    use: 'other',
    role: 'pavilion',
    floors: 1,
    heightM: 5,
    yearBuilt: rng.int(2005, 2020),
    unitsPerFloor: 0,
    firstDwellingFloor: 0,
    estate: null,
    trimmable: false,
    name: '公园茶室',
    address: lb.gateOf(block, block.inner),
  });
}
