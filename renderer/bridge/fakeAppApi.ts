/**
 * A synthetic host for development and UI tests: a few hundred box buildings on a street grid by
 * the river at Haimen (椒江, 121.42° E 28.38° N), roads, water, a park, facilities, dwellings and
 * households. It satisfies the same `AppApi` contract as the real hosts and is installed as
 * `window.app` by the dev-only `fake.html` entry; production builds never include it.
 *
 * Personal fields are generated already masked, the way the host sends them (DESIGN.md §6).
 */
import type { AppApi, AuthApi, StoreApi, WindowApi } from '../../electron/common/contract.ts';

import type {
  BasemapCollection,
  BasemapFeature,
  BuildingColumns,
  BuildingDetail,
  BuildingHit,
  BuildingUnits,
  DwellingUnit,
  Facility,
  HouseholdMember,
  HouseholdRecord,
  TwinInfo,
  SessionInfo,
} from '../../electron/common/dto.ts';
import {
  AGE_BANDS,
  BUILDING_USES,
  CareFlag,
  FACILITY_KINDS,
  type BuildingUse,
  type FacilityKind,
} from '../../data/model/domain.ts';
import { localProjection } from '../../data/model/geo.ts';
import { maskIdNumber, maskName, maskPhone, REVEAL_REASON } from '../../data/model/masking.ts';

const ORIGIN_LON = 121.42;
const ORIGIN_LAT = 28.38;
const proj = localProjection(ORIGIN_LON, ORIGIN_LAT);

/** Deterministic PRNG so every run (and every screenshot) shows the same district. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const hash = (n: number): number => mulberry32(n * 2654435761)();

interface FakeBuilding {
  id: number;
  use: BuildingUse;
  floors: number;
  heightM: number;
  /** Rings in metres around the origin, each open (first vertex not repeated). */
  rings: [number, number][][];
  street: string;
  number: number;
  community: number;
  grid: number;
  unitsPerFloor: number;
  centroid: [number, number];
  openIncidents: number;
}

const STREETS_NS = ['工人路', '中山路', '解放路', '东山路', '青年路', '海门路'];
const STREETS_EW = ['江滨路', '市府大道', '东海大道', '白云山路', '枫南路'];
const NS_X = [-760, -450, -150, 150, 450, 760];
const EW_Y = [620, 330, 40, -250, -540];
const COMMUNITIES = ['海门社区', '白云社区', '东山社区', '枫山社区'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红文海燕'.split('');
const RELATIONS = ['户主', '配偶', '子女', '父母', '孙子女', '其他'];

function buildDistrict(): FakeBuilding[] {
  const rnd = mulberry32(20240915);
  const out: FakeBuilding[] = [];
  let id = 1001;
  const numbers = new Map<string, number>();
  const rect = (cx: number, cy: number, w: number, d: number, ang: number): [number, number][] => {
    const c = Math.cos(ang);
    const s = Math.sin(ang);
    const pts: [number, number][] = [
      [-w / 2, -d / 2],
      [w / 2, -d / 2],
      [w / 2, d / 2],
      [-w / 2, d / 2],
    ];
    // Alternate winding on purpose: the renderer must not depend on the host's ring order.
    if (rnd() < 0.5) pts.reverse();
    return pts.map(([x, y]) => [cx + x * c - y * s, cy + x * s + y * c]);
  };
  const add = (b: Omit<FakeBuilding, 'id' | 'number' | 'centroid' | 'openIncidents'>): void => {
    const n = (numbers.get(b.street) ?? 0) + 2;
    numbers.set(b.street, n);
    const all = b.rings.flat();
    const cx = all.reduce((s, p) => s + p[0], 0) / all.length;
    const cy = all.reduce((s, p) => s + p[1], 0) / all.length;
    const openIncidents = rnd() < 0.08 ? 1 + Math.floor(rnd() * 3) : 0;
    out.push({ ...b, id: id++, number: n, centroid: proj.toLonLat(cx, cy), openIncidents });
  };
  for (let bx = 0; bx < NS_X.length - 1; bx++) {
    for (let by = 0; by < EW_Y.length - 1; by++) {
      const x0 = NS_X[bx]! + 22;
      const x1 = NS_X[bx + 1]! - 22;
      const y1 = EW_Y[by]! - 20;
      const y0 = EW_Y[by + 1]! + 20;
      const community = (bx < 2 ? 0 : bx < 4 ? 1 : 2) + (by >= 2 ? 1 : 0);
      const grid = community * 10 + bx + by;
      const street = STREETS_NS[bx] ?? '中山路';
      const kind = hash(bx * 17 + by * 31);
      if (bx === 2 && by === 1) continue; // the park block
      if (bx === 3 && by === 2) {
        // School campus and a hospital.
        add({ use: 'school', floors: 5, heightM: 18, rings: [rect(x0 + 80, y0 + 70, 110, 26, 0)], street, community, grid, unitsPerFloor: 0 });
        add({ use: 'school', floors: 4, heightM: 15, rings: [rect(x0 + 80, y0 + 150, 110, 24, 0)], street, community, grid, unitsPerFloor: 0 });
        // An L-shaped hospital: one building, two polygons (MultiPolygon footprint).
        add({
          use: 'hospital', floors: 12, heightM: 46,
          rings: [rect(x1 - 60, y1 - 60, 70, 40, 0), rect(x1 - 80, y1 - 130, 30, 90, 0)],
          street, community, grid, unitsPerFloor: 0,
        });
        continue;
      }
      const highrise = kind > 0.62;
      if (highrise) {
        for (let gx = x0 + 40; gx < x1 - 20; gx += 75) {
          for (let gy = y0 + 40; gy < y1 - 20; gy += 80) {
            const floors = 18 + Math.floor(rnd() * 16);
            add({
              use: 'residential_highrise', floors, heightM: floors * 3 + 1.5,
              rings: [rect(gx, gy, 30, 20, 0)], street, community, grid, unitsPerFloor: 4 + Math.floor(rnd() * 3),
            });
          }
        }
      } else {
        for (let gy = y0 + 18; gy < y1 - 10; gy += 34) {
          for (let gx = x0 + 35; gx < x1 - 30; gx += 70) {
            if (rnd() < 0.08) continue;
            const floors = 5 + Math.floor(rnd() * 3);
            add({
              use: 'residential_walkup', floors, heightM: floors * 2.9,
              rings: [rect(gx, gy, 55 + rnd() * 6, 11 + rnd() * 2, 0.05)], street, community, grid, unitsPerFloor: 4 + Math.floor(rnd() * 3) * 2,
            });
          }
        }
      }
      // Shops along the avenues: a row of low commercial buildings at the block's south edge.
      if (by === 1 || by === 2) {
        for (let gx = x0 + 20; gx < x1 - 20; gx += 48) {
          if (rnd() < 0.3) continue;
          add({ use: 'commercial', floors: 2 + Math.floor(rnd() * 3), heightM: 4 + rnd() * 8, rings: [rect(gx, y0 + 0, 40, 9, 0)], street, community, grid, unitsPerFloor: 0 });
        }
      }
    }
  }
  add({ use: 'public', floors: 6, heightM: 24, rings: [rect(300, 180, 60, 30, 0)], street: '中山路', community: 1, grid: 12, unitsPerFloor: 0 });
  add({ use: 'fire_station', floors: 3, heightM: 12, rings: [rect(-600, -400, 40, 25, 0)], street: '工人路', community: 3, grid: 31, unitsPerFloor: 0 });
  add({ use: 'industrial', floors: 1, heightM: 9, rings: [rect(640, -420, 90, 50, 0)], street: '海门路', community: 2, grid: 24, unitsPerFloor: 0 });
  return out;
}

const BUILDINGS = buildDistrict();
const BY_ID = new Map(BUILDINGS.map((b) => [b.id, b]));

function careFlagsOf(householdId: number): number {
  const r = hash(householdId);
  let f = 0;
  if (r < 0.07) f |= CareFlag.ElderlyAlone | CareFlag.Elderly;
  else if (r < 0.22) f |= CareFlag.Elderly;
  if (hash(householdId + 7) < 0.04) f |= CareFlag.Disabled;
  if (hash(householdId + 13) < 0.18) f |= CareFlag.Minor;
  if (hash(householdId + 29) < 0.05) f |= CareFlag.LowIncome;
  return f;
}

function unitsOf(b: FakeBuilding): DwellingUnit[] {
  const units: DwellingUnit[] = [];
  for (let floor = 1; floor <= b.floors; floor++) {
    for (let slot = 0; slot < b.unitsPerFloor; slot++) {
      const householdId = b.id * 10000 + floor * 100 + slot;
      if (hash(householdId + 3) < 0.06) continue; // vacant
      const flags = careFlagsOf(householdId);
      const size = flags & CareFlag.ElderlyAlone ? 1 : 1 + Math.floor(hash(householdId + 5) * 5);
      units.push({
        householdId, floor, unit: `${floor}${String(slot + 1).padStart(2, '0')}`, slot, size,
        careFlags: flags, isRental: hash(householdId + 11) < 0.22,
      });
    }
  }
  return units;
}

function columns(): BuildingColumns {
  const count = BUILDINGS.length;
  const polygonCount = BUILDINGS.reduce((s, b) => s + b.rings.length, 0);
  const vertexCount = BUILDINGS.reduce((s, b) => s + b.rings.reduce((t, r) => t + r.length, 0), 0);
  const c: BuildingColumns = {
    count, originLon: ORIGIN_LON, originLat: ORIGIN_LAT,
    id: new Int32Array(count), heightM: new Float32Array(count), floors: new Uint16Array(count),
    use: new Uint8Array(count), residents: new Uint16Array(count), households: new Uint16Array(count),
    elderlyPct: new Uint8Array(count), careHouseholds: new Uint16Array(count), openIncidents: new Uint16Array(count),
    polygonCount, polygonBuilding: new Uint32Array(polygonCount), polygonStart: new Uint32Array(polygonCount + 1),
    positions: new Float32Array(vertexCount * 2),
  };
  let p = 0;
  let v = 0;
  BUILDINGS.forEach((b, row) => {
    const units = unitsOf(b);
    const residents = units.reduce((s, u) => s + u.size, 0);
    const elderly = units.filter((u) => u.careFlags & CareFlag.Elderly).reduce((s, u) => s + Math.min(u.size, 2), 0);
    c.id[row] = b.id;
    c.heightM[row] = b.heightM;
    c.floors[row] = b.floors;
    c.use[row] = BUILDING_USES.indexOf(b.use);
    c.residents[row] = residents;
    c.households[row] = units.length;
    c.elderlyPct[row] = residents ? Math.round((100 * elderly) / residents) : 0;
    c.careHouseholds[row] = units.filter((u) => u.careFlags & 15).length;
    c.openIncidents[row] = b.openIncidents;
    for (const ring of b.rings) {
      c.polygonBuilding[p] = row;
      c.polygonStart[p] = v;
      for (const [x, y] of ring) {
        const [lon, lat] = proj.toLonLat(x, y);
        c.positions[2 * v] = lon - ORIGIN_LON;
        c.positions[2 * v + 1] = lat - ORIGIN_LAT;
        v++;
      }
      p++;
    }
  });
  c.polygonStart[p] = v;
  return c;
}

function basemap(): BasemapCollection {
  const f: BasemapFeature[] = [];
  const ll = (x: number, y: number): number[] => proj.toLonLat(x, y);
  const poly = (layer: string, kind: string, name: string | null, pts: [number, number][]): void => {
    const ring = pts.map(([x, y]) => ll(x, y));
    ring.push(ring[0]!);
    f.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { layer, kind, name } });
  };
  const line = (kind: string, name: string | null, pts: [number, number][]): void => {
    f.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: pts.map(([x, y]) => ll(x, y)) }, properties: { layer: 'road', kind, name } });
  };
  poly('landuse', 'residential', null, [[-900, -700], [900, -700], [900, 660], [-900, 660]]);
  const river: [number, number][] = [];
  for (let x = -1400; x <= 1400; x += 100) river.push([x, 760 + 40 * Math.sin(x / 300)]);
  for (let x = 1400; x >= -1400; x -= 100) river.push([x, 1080 + 30 * Math.sin(x / 250 + 1)]);
  poly('water', 'river', '椒江', river);
  poly('water', 'pond', null, [[-140, 150], [-40, 170], [-20, 250], [-120, 270]]);
  poly('green', 'park', '东湖公园', [[-128, 60], [128, 60], [128, 310], [-128, 310]]);
  poly('green', 'grass', null, [[-1400, 660], [1400, 660], [1400, 740], [-1400, 740]]);
  NS_X.forEach((x, i) => line(i === 1 || i === 3 ? 'primary' : 'secondary', STREETS_NS[i] ?? null, [[x, -800], [x, 700]]));
  EW_Y.forEach((y, i) => line(i === 2 ? 'primary' : i === 0 ? 'secondary' : 'tertiary', STREETS_EW[i] ?? null, [[-1300, y], [1300, y]]));
  for (let i = 0; i < NS_X.length - 1; i++) {
    const x = (NS_X[i]! + NS_X[i + 1]!) / 2 + 4;
    line('residential', null, [[x, -540], [x, 620]]);
  }
  line('footway', null, [[-128, 185], [128, 185]]);
  poly('boundary', 'community', null, [[-900, -700], [900, -700], [900, 660], [-900, 660]]);
  COMMUNITIES.forEach((name, i) => {
    const [x, y] = [[-450, 470], [300, 470], [-450, -420], [300, -420]][i]!;
    f.push({ type: 'Feature', geometry: { type: 'Point', coordinates: ll(x!, y!) }, properties: { layer: 'label', kind: 'community', name } });
  });
  return { type: 'FeatureCollection', features: f };
}

function facilities(): Facility[] {
  const rnd = mulberry32(77);
  const names: Record<FacilityKind, string[]> = {
    shelter: ['海门中学避难场所', '东湖公园应急避难场所', '白云体育馆避难点'],
    hospital: ['椒江区人民医院'],
    fire_station: ['海门消防救援站'],
    pump_station: ['江滨路排涝泵站', '枫南排涝泵站', '东山闸泵站'],
    material_depot: ['街道应急物资仓库', '白云社区物资点'],
    community_centre: ['海门社区服务中心', '白云社区服务中心', '东山社区服务中心', '枫山社区服务中心'],
    aed: ['AED·市府大道', 'AED·中山路', 'AED·东海大道', 'AED·青年路', 'AED·海门路'],
    school: ['海门小学', '白云中学'],
    police: ['海门派出所'],
  };
  const out: Facility[] = [];
  let id = 1;
  for (const kind of FACILITY_KINDS) {
    for (const name of names[kind]) {
      const x = -800 + rnd() * 1600;
      const y = -620 + rnd() * 1200;
      const [lon, lat] = proj.toLonLat(x, kind === 'pump_station' ? 690 : y);
      out.push({
        id: id++, kind, name, lon, lat, capacity: kind === 'shelter' ? 500 + Math.floor(rnd() * 2000) : null,
        status: 'normal', buildingId: kind === 'hospital' ? (BUILDINGS.find((b) => b.use === 'hospital')?.id ?? null) : null,
      });
    }
  }
  return out;
}

function addressOf(b: FakeBuilding): string {
  return `椒江区海门街道${b.street}${b.number}号`;
}

function personName(seed: number): string {
  return SURNAMES[Math.floor(hash(seed) * SURNAMES.length)]! + GIVEN[Math.floor(hash(seed + 1) * GIVEN.length)]! + (hash(seed + 2) < 0.5 ? GIVEN[Math.floor(hash(seed + 3) * GIVEN.length)]! : '');
}
const phoneOf = (seed: number): string => `13${Math.floor(hash(seed) * 10)}${String(Math.floor(hash(seed + 1) * 1e8)).padStart(8, '0')}`;
const idOf = (seed: number, year: number): string => `331002${year}0${1 + Math.floor(hash(seed) * 9)}1${Math.floor(hash(seed + 1) * 9)}${String(Math.floor(hash(seed + 2) * 1e4)).padStart(4, '0')}`;

const delay = <T>(value: T, ms = 40): Promise<T> => new Promise((r) => setTimeout(() => r(value), ms));

/** The fake 一户一档: names and phones masked, or in full after a reveal. */
function fakeHousehold(householdId: number, reveal: boolean): Promise<HouseholdRecord | null> {
  const b = BY_ID.get(Math.floor(householdId / 10000));
  const u = b ? unitsOf(b).find((x) => x.householdId === householdId) : undefined;
  if (!b || !u) return delay(null);
  const members: HouseholdMember[] = [];
  for (let m = 0; m < u.size; m++) {
    const elderly = (u.careFlags & CareFlag.Elderly) !== 0 && m < 2;
    const minor = (u.careFlags & CareFlag.Minor) !== 0 && m >= 2;
    const ageBand = elderly ? 3 : minor ? 0 : 2;
    const year = elderly ? 1950 : minor ? 2014 : 1982;
    members.push({
      name: reveal ? personName(householdId * 10 + m) : maskName(personName(householdId * 10 + m)), idNumber: maskIdNumber(idOf(householdId + m, year)),
      phone: minor ? '—' : reveal ? phoneOf(householdId * 3 + m) : maskPhone(phoneOf(householdId * 3 + m)), ageBand, sex: hash(householdId + m) < 0.5 ? 'F' : 'M',
      careFlags: m === 0 ? u.careFlags & ~CareFlag.Minor : minor ? CareFlag.Minor : elderly ? CareFlag.Elderly : 0,
      relation: RELATIONS[Math.min(m, RELATIONS.length - 1)] ?? '其他',
    });
  }
  const alone = (u.careFlags & CareFlag.ElderlyAlone) !== 0;
  const recentUse = Array.from({ length: 14 }, (_, d) => {
    const day = new Date(Date.UTC(2025, 10, 10 + d)).toISOString().slice(0, 10);
    const silent = alone && d >= 12; // the meter anomaly: no water, no power for two days
    return {
      day,
      waterL: silent ? 0 : Math.round(u.size * (90 + 40 * hash(householdId + d))),
      powerKwh: silent ? 0.1 : Math.round(u.size * (2.2 + 2 * hash(householdId + d * 7)) * 10) / 10,
    };
  });
  const record: HouseholdRecord = {
    id: householdId, buildingId: b.id, address: `${addressOf(b)} ${u.unit}室`, floor: u.floor, unit: u.unit,
    size: u.size, isRental: u.isRental, careFlags: u.careFlags,
    contactName: members[0]?.name ?? '—', contactPhone: members[0]?.phone ?? '—', members, recentUse, revealed: reveal,
  };
  return delay(record);
}

export function createFakeAppApi(): AppApi {
  const cols = columns();
  const facs = facilities();
  const unitsByBuilding = new Map<number, DwellingUnit[]>();
  const unitsFor = (b: FakeBuilding): DwellingUnit[] => {
    let u = unitsByBuilding.get(b.id);
    if (!u) unitsByBuilding.set(b.id, (u = unitsOf(b)));
    return u;
  };
  const lons = Array.from(cols.positions.filter((_, i) => i % 2 === 0));
  const lats = Array.from(cols.positions.filter((_, i) => i % 2 === 1));
  const info: TwinInfo = {
    name: '椒江区海门街道',
    originLon: ORIGIN_LON,
    originLat: ORIGIN_LAT,
    bbox: [ORIGIN_LON + Math.min(...lons), ORIGIN_LAT + Math.min(...lats), ORIGIN_LON + Math.max(...lons), ORIGIN_LAT + Math.max(...lats)],
    counts: { buildings: cols.count, households: cols.households.reduce((s, n) => s + n, 0), persons: cols.residents.reduce((s, n) => s + n, 0), facilities: facs.length },
    source: 'demo',
    attribution: ['底图 © OpenStreetMap 贡献者 (ODbL)', '演示数据由 CivicTwin 合成，不含真实个人信息'],
    schemaVersion: 1,
  };

  const store: StoreApi = {
    getTwinInfo: () => delay(info),
    renameTwin: (name) => {
      info.name = name.trim();
      return delay(info);
    },
    getBuildings: () => delay(cols, 120),
    getBasemap: () => delay(basemap(), 80),
    getFacilities: () => delay(facs),
    getBuildingDetail: (buildingId) => {
      const b = BY_ID.get(buildingId);
      if (!b) return delay(null);
      const units = unitsFor(b);
      const ageBands = AGE_BANDS.map(() => 0);
      let residents = 0;
      for (const u of units) {
        residents += u.size;
        for (let m = 0; m < u.size; m++) {
          const band = u.careFlags & CareFlag.Elderly && m < 2 ? 3 + (hash(u.householdId + m) < 0.3 ? 1 : 0) : u.careFlags & CareFlag.Minor && m >= 2 ? 0 : 1 + Math.floor(hash(u.householdId + m * 3) * 2);
          ageBands[band] = (ageBands[band] ?? 0) + 1;
        }
      }
      const count = (flag: number): number => units.filter((u) => u.careFlags & flag).length;
      const detail: BuildingDetail = {
        id: b.id, name: b.use === 'hospital' ? '椒江区人民医院门诊楼' : b.use === 'school' ? '海门小学教学楼' : null,
        address: addressOf(b), use: b.use, heightM: Math.round(b.heightM * 10) / 10, floors: b.floors,
        heightSource: b.use === 'residential_walkup' ? 'levels' : 'measured', yearBuilt: b.use === 'residential_walkup' ? 1988 + Math.floor(hash(b.id) * 12) : 2005 + Math.floor(hash(b.id) * 15),
        community: { id: 100 + b.community, level: 'community', name: COMMUNITIES[b.community] ?? '海门社区' },
        grid: { id: 1000 + b.grid, level: 'grid', name: `第${b.grid + 1}网格` },
        gridWorker: `网格员 ${personName(b.grid * 97).slice(0, 1)}*`,
        centroid: b.centroid, households: units.length, residents, ageBands,
        care: { elderlyAlone: count(CareFlag.ElderlyAlone), disabled: count(CareFlag.Disabled), minors: ageBands[0] ?? 0, lowIncome: count(CareFlag.LowIncome) },
        rentalShare: units.length ? units.filter((u) => u.isRental).length / units.length : 0,
        facilities: facs.filter((f) => f.buildingId === b.id),
      };
      return delay(detail);
    },
    getBuildingUnits: (buildingId) => {
      const b = BY_ID.get(buildingId);
      if (!b) return delay(null);
      const result: BuildingUnits = { buildingId, floors: b.floors, unitsPerFloor: b.unitsPerFloor, units: unitsFor(b) };
      return delay(result, 60);
    },
    getHousehold: (householdId) => fakeHousehold(householdId, false),
    // The fake has no audit log: it only shows what the console looks like after a reveal.
    revealHousehold: (householdId, reason) =>
      String(reason).trim().length < REVEAL_REASON.min ? Promise.reject(new Error('A reason is required.')) : fakeHousehold(householdId, true),
    findBuildings: (text, limit) => {
      const q = text.trim();
      const hits: BuildingHit[] = [];
      if (!q) return delay(hits);
      for (const b of BUILDINGS) {
        const address = addressOf(b);
        if (address.includes(q) || String(b.id) === q) hits.push({ id: b.id, address, name: null, centroid: b.centroid });
        if (hits.length >= limit) break;
      }
      return delay(hits);
    },
  };
  const windowApi: WindowApi = { getHostInfo: () => delay({ host: 'web', version: '0.1.0-fake', personalData: 'masked' }) };
  // NOTE: Proxies so the fake keeps compiling while these sections grow: the live feed and what a
  // console does with its incidents and alerts are not simulated here. Subscriptions get a no-op
  // unsubscribe, every request fails the way an absent host feature would.
  const withoutLiveFeed = <K extends 'live' | 'incidents' | 'alerts'>(section: K): AppApi[K] =>
    new Proxy(
      {},
      {
        get: (_t, method) =>
          typeof method !== 'string' || method === 'then'
            ? undefined
            : method.startsWith('on')
              ? () => () => undefined
              : () => Promise.reject(new Error(`The demo host has no live feed (${section}.${method}).`)),
      },
    ) as AppApi[K];
  const live = withoutLiveFeed('live');
  const incidents = withoutLiveFeed('incidents');
  const alerts = withoutLiveFeed('alerts');
  // The fake host has one person at the console, already signed in.
  const session: SessionInfo = { kind: 'person', name: 'fake', displayName: '演示操作员', role: 'operator', expiresAtMs: Date.now() + 12 * 3600_000 };
  const auth: AuthApi = {
    signIn: () => delay(session),
    signInWithToken: () => delay(session),
    signOut: () => delay(undefined),
    whoAmI: () => delay(session),
  };
  // The fake district has no storms imported.
  const typhoon = { listStorms: () => delay([]), getStormTrack: () => delay(null), getDistrictWind: () => delay(null), onStormsChanged: () => () => undefined, listEvacuationPlans: () => delay([]), onPlanProgress: () => () => undefined };
  // Search over the fake district: its buildings' addresses (it has no households to search or incidents).
  const search: AppApi['search'] = {
    search: async (query, perKind) => {
      const hits = await store.findBuildings(query, perKind);
      return { query, groups: hits.length === 0 ? [] : [{ kind: 'address', total: hits.length, hits: hits.map((h) => ({ kind: 'address' as const, buildingId: h.id, address: h.address, name: h.name, lon: h.centroid[0], lat: h.centroid[1] })) }] };
    },
  };
  return { store, window: windowApi, live, incidents, alerts, auth, typhoon, search } as unknown as AppApi;
}
