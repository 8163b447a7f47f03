/**
 * The emergency side of the demo district: departments (the ones a street office "whistles" for,
 * 吹哨报到), facilities (shelters, hospital, fire station, drainage pump stations, material depots,
 * community service centres, AEDs) and the resources stationed at them, plus one grid worker per
 * grid cell.
 */
import type { FacilityKind, ResourceKind } from '../model/domain.ts';
import type { AreaPlan } from './areas.ts';
import type { DistrictFrame } from './frame.ts';
import type { Layout, PlannedBuilding } from './layout.ts';
import { chineseNumber } from './placeNames.ts';
import { Rng } from '../model/random.ts';

/** A `departments` row. */
export interface DepartmentRow {
  id: number;
  code: string;
  name: string;
  kind: string;
  lon: number;
  lat: number;
}

/**
 * `capacity` is people for shelters, beds for hospitals, design flow in m³/s for pump stations,
 * and null where a number would mean nothing.
 */
export interface FacilityRow {
  id: number;
  kind: FacilityKind;
  name: string;
  lon: number;
  lat: number;
  capacity: number | null;
  buildingId: number | null;
}

/** A `resources` row; every resource starts idle at its depot. */
export interface ResourceRow {
  id: number;
  kind: ResourceKind;
  callsign: string;
  depotFacilityId: number | null;
  departmentId: number | null;
  lon: number;
  lat: number;
}

/** A `grid_workers` row without its encrypted contact (made when written). */
export interface GridWorkerRow {
  id: number;
  gridId: number;
  callsign: string;
  lon: number;
  lat: number;
}

/** Everything `planEmergency` decides. */
export interface EmergencyPlan {
  departments: DepartmentRow[];
  facilities: FacilityRow[];
  resources: ResourceRow[];
  gridWorkers: GridWorkerRow[];
  /** Pump stations along the river in grid-frame metres, for the base map's labels. */
  pumpStations: { u: number; v: number; name: string }[];
}

/**
 * Gives every community a service centre (社区党群服务中心) in a building inside it: preferably an
 * estate's two-storey clubhouse or management office, else a shop without flats, else any
 * building without dwellings. Turns that building into a public one. Returns community → building.
 */
export function assignCommunityCentres(areas: AreaPlan): Map<number, PlannedBuilding | null> {
  const out = new Map<number, PlannedBuilding | null>();
  for (const c of areas.communities) {
    const candidates = c.buildings.filter((b) => b.unitsPerFloor === 0);
    const score = (b: PlannedBuilding): number =>
      b.role === 'ancillary' && b.floors >= 2
        ? 0
        : b.role === 'shop'
          ? 1
          : b.role === 'ancillary'
            ? 2
            : b.role === 'industry'
              ? 4
              : 9;
    const [cx, cy] = [(c.rect.u0 + c.rect.u1) / 2, (c.rect.v0 + c.rect.v1) / 2];
    const best = candidates
      .filter((b) => score(b) < 9)
      .sort(
        (a, b) =>
          score(a) - score(b) ||
          Math.hypot(a.cu - cx, a.cv - cy) - Math.hypot(b.cu - cx, b.cv - cy) ||
          a.id - b.id,
      )[0];
    if (best) {
      best.use = 'public';
      best.role = 'community_centre';
      best.name = `${c.name}党群服务中心`;
      if (best.floors < 2) {
        best.floors = 2;
        best.heightM = 7.2;
      }
    }
    out.set(c.id, best ?? null);
  }
  return out;
}

const DEPARTMENTS: readonly {
  code: string;
  name: string;
  kind: string;
  base: 'office' | 'fire' | 'hospital' | 'police' | 'depot' | 'pump';
}[] = [
  { code: 'YJB', name: '江滨街道应急管理办公室', kind: 'emergency', base: 'office' },
  { code: 'ZHZX', name: '江滨街道综合指挥中心（网格办）', kind: 'grid_management', base: 'office' },
  { code: 'CG', name: '综合行政执法（城管）中队', kind: 'urban_management', base: 'office' },
  { code: 'HW', name: '环卫所', kind: 'sanitation', base: 'depot' },
  { code: 'SZ', name: '市政设施管理所', kind: 'municipal', base: 'depot' },
  { code: 'SW', name: '水务排涝管理站', kind: 'water', base: 'pump' },
  { code: 'GD', name: '供电所（江滨供电服务站）', kind: 'power', base: 'depot' },
  { code: 'XF', name: '江滨消防救援站', kind: 'fire', base: 'fire' },
  { code: 'WJ120', name: '卫健·120急救分站', kind: 'medical', base: 'hospital' },
  { code: 'MZ', name: '社会事务办（民政）', kind: 'civil_affairs', base: 'office' },
  { code: 'PCS', name: '江滨派出所', kind: 'police', base: 'police' },
];

/** Plans departments, facilities, resources and grid workers. Ids are 1-based per table. */
export function planEmergency(
  seed: number,
  layout: Layout,
  areas: AreaPlan,
  frame: DistrictFrame,
  centres: Map<number, PlannedBuilding | null>,
): EmergencyPlan {
  const rng = Rng.derive(seed, 0xfac1);
  const { buildings, plan } = layout;
  const at = (b: PlannedBuilding): [number, number] => frame.toLonLat(b.cu, b.cv);
  const facilities: FacilityRow[] = [];
  const addFacility = (
    kind: FacilityKind,
    name: string,
    pos: [number, number],
    capacity: number | null,
    building: PlannedBuilding | null,
  ): FacilityRow => {
    const row: FacilityRow = {
      id: facilities.length + 1,
      kind,
      name,
      lon: pos[0],
      lat: pos[1],
      capacity,
      buildingId: building?.id ?? null,
    };
    facilities.push(row);
    return row;
  };
  const withRole = (role: PlannedBuilding['role']): PlannedBuilding[] =>
    buildings.filter((b) => b.role === role);
  /** The first building of each campus (its name without the wing suffix). */
  const campuses = (role: PlannedBuilding['role'], strip: RegExp): Map<string, PlannedBuilding> => {
    const map = new Map<string, PlannedBuilding>();
    for (const b of withRole(role)) {
      const key = b.name.replace(strip, '');
      if (!map.has(key)) map.set(key, b);
    }
    return map;
  };

  const hospitals = [...campuses('hospital', /(门诊楼|住院楼|医技楼)$/)].map(([name, b]) =>
    addFacility('hospital', name, at(b), rng.int(6, 16) * 50, b),
  );
  const fireStations = [...campuses('fire_station', /训练塔$/)].map(([name, b]) =>
    addFacility('fire_station', name, at(b), null, b),
  );
  const schools = [...campuses('school', /(教学楼|体育馆|综合楼)$/)];
  for (const [name, b] of schools) addFacility('school', name, at(b), null, b);
  // Schools and parks are the designated emergency shelters (应急避难场所).
  const shelters: FacilityRow[] = [];
  for (const [name, b] of schools) {
    const gym = buildings.find((x) => x.name === `${name}体育馆`) ?? b;
    shelters.push(addFacility('shelter', `${name}避难场所`, at(gym), rng.int(16, 60) * 50, gym));
  }
  for (const block of plan.blocks.filter((x) => x.kind === 'park')) {
    const area = (block.inner.u1 - block.inner.u0) * (block.inner.v1 - block.inner.v0);
    const cap = Math.max(300, Math.min(3000, Math.round(area / 12 / 50) * 50));
    const [cu, cv] = [(block.inner.u0 + block.inner.u1) / 2, (block.inner.v0 + block.inner.v1) / 2];
    shelters.push(
      addFacility(
        'shelter',
        `${block.roads.south.name}公园避难场所`,
        frame.toLonLat(cu, cv),
        cap,
        null,
      ),
    );
  }
  const police = withRole('police').map((b) => addFacility('police', b.name, at(b), null, b));

  const depots: FacilityRow[] = withRole('depot').map((b) =>
    addFacility('material_depot', b.name, at(b), null, b),
  );
  // Drainage pump stations (排涝泵站) every ~700 m along the river, banks alternating.
  const river = plan.river;
  const pumpStations: EmergencyPlan['pumpStations'] = [];
  const pumps: FacilityRow[] = [];
  let k = 0;
  for (
    let u = plan.extent.u0 + rng.range(250, 450);
    u < plan.extent.u1 - 150;
    u += rng.range(600, 800)
  ) {
    const side = k % 2 === 0 ? 1 : -1;
    const v = river.vAt(u) + side * (river.halfWidth + 12);
    const name = `${river.name}${chineseNumber(++k)}号排涝泵站`;
    pumpStations.push({ u, v, name });
    pumps.push(addFacility('pump_station', name, frame.toLonLat(u, v), rng.int(4, 20), null));
    // Flood-fighting stores (防汛物资仓库) beside every third pump station.
    if (k % 3 === 1)
      depots.push(
        addFacility(
          'material_depot',
          `${river.name}防汛物资仓库（${chineseNumber(k)}号站）`,
          frame.toLonLat(u + 30, v + side * 6),
          null,
          null,
        ),
      );
  }
  // Large districts also keep stores in a factory shed every ~25,000 buildings.
  const sheds = withRole('industry');
  const shedStores = Math.floor(buildings.length / 25_000);
  for (let i = 0; i < shedStores && sheds.length > 0; i++) {
    const shed = sheds[Math.floor(((i + 0.5) * sheds.length) / shedStores)]!;
    depots.push(
      addFacility('material_depot', `应急物资储备点（${shed.name}）`, at(shed), null, shed),
    );
  }
  const communityCentres = new Map<number, FacilityRow>();
  for (const c of areas.communities) {
    const b = centres.get(c.id) ?? null;
    const pos: [number, number] = b
      ? at(b)
      : frame.toLonLat((c.rect.u0 + c.rect.u1) / 2, (c.rect.v0 + c.rect.v1) / 2);
    communityCentres.set(
      c.id,
      addFacility('community_centre', `${c.name}党群服务中心`, pos, null, b),
    );
  }
  // AEDs where people gather: community centres, schools, the street office, the mall, police.
  const aedHosts: PlannedBuilding[] = [
    ...[...centres.values()].filter((b): b is PlannedBuilding => b !== null),
    ...schools.map(([, b]) => b),
    ...withRole('street_office'),
    ...withRole('mall'),
    ...withRole('police'),
    ...withRole('shop').filter((_, i) => i % 40 === 0),
  ];
  for (const b of aedHosts) addFacility('aed', `${b.name}AED`, at(b), null, b);

  // Departments sit at the building they work from.
  const office = withRole('street_office')[0] ?? buildings[0]!;
  const baseOf = (base: (typeof DEPARTMENTS)[number]['base']): [number, number] => {
    const f =
      base === 'fire'
        ? fireStations[0]
        : base === 'hospital'
          ? hospitals[0]
          : base === 'police'
            ? police[0]
            : base === 'depot'
              ? depots[0]
              : base === 'pump'
                ? pumps[0]
                : undefined;
    return f ? [f.lon, f.lat] : at(office);
  };
  const departments: DepartmentRow[] = DEPARTMENTS.map((d, i) => {
    const [lon, lat] = baseOf(d.base);
    return { id: i + 1, code: d.code, name: d.name, kind: d.kind, lon, lat };
  });
  const dept = (kind: string): number | null =>
    departments.find((d) => d.kind === kind)?.id ?? null;

  const resources: ResourceRow[] = [];
  const counters = new Map<string, number>();
  const addResource = (
    kind: ResourceKind,
    prefix: string,
    depot: FacilityRow,
    departmentId: number | null,
  ): void => {
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    resources.push({
      id: resources.length + 1,
      kind,
      callsign: `${prefix}-${String(n).padStart(2, '0')}`,
      depotFacilityId: depot.id,
      departmentId,
      lon: depot.lon,
      lat: depot.lat,
    });
  };
  for (const h of hospitals)
    for (let i = rng.int(3, 5); i > 0; i--) addResource('ambulance', '急救', h, dept('medical'));
  for (const f of fireStations)
    for (let i = rng.int(4, 6); i > 0; i--) addResource('fire_engine', '消防', f, dept('fire'));
  for (const d of depots) {
    for (let i = rng.int(1, 3); i > 0; i--)
      addResource('rescue_boat', '冲锋舟', d, dept('emergency'));
    addResource('pump_truck', '泵车', d, dept('water'));
  }
  for (const p of pumps) if (rng.chance(0.5)) addResource('pump_truck', '泵车', p, dept('water'));
  for (const c of communityCentres.values())
    for (let i = rng.int(1, 2); i > 0; i--)
      addResource('volunteer_team', '志愿队', c, dept('civil_affairs'));

  // One grid worker per grid cell, based among the cell's buildings (the mean of their centroids
  // lies inside the cell, which is a rectangle).
  const gridWorkers: GridWorkerRow[] = areas.grids.map((g, i) => {
    const list = g.buildings.length > 0 ? g.buildings : null;
    const cu = list
      ? list.reduce((s, b) => s + b.cu, 0) / list.length
      : (g.rect.u0 + g.rect.u1) / 2;
    const cv = list
      ? list.reduce((s, b) => s + b.cv, 0) / list.length
      : (g.rect.v0 + g.rect.v1) / 2;
    const [lon, lat] = frame.toLonLat(cu, cv);
    const callsign = `网格员-${String(g.community.index + 1).padStart(2, '0')}-${String(g.index).padStart(2, '0')}`;
    return { id: i + 1, gridId: g.id, callsign, lon, lat };
  });
  // Grid workers also move about as resources, on call to their community centre.
  for (const w of gridWorkers) {
    const grid = areas.grids[w.id - 1]!;
    const centre = communityCentres.get(grid.community.id) ?? null;
    resources.push({
      id: resources.length + 1,
      kind: 'grid_worker',
      callsign: w.callsign,
      depotFacilityId: centre?.id ?? null,
      departmentId: dept('grid_management'),
      lon: w.lon,
      lat: w.lat,
    });
  }
  return { departments, facilities, resources, gridWorkers, pumpStations };
}
