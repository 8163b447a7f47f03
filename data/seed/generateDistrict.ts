/**
 * The demo district generator: a believable Chinese urban sub-district (江滨街道（示范）) on the
 * coast of Zhejiang, with streets, a river, estates, facilities, households, residents and 90 days
 * of smart-meter readings. Deterministic for a seed (apart from the random IVs inside encrypted
 * fields), and written in one transaction: if anything fails, the store is left empty.
 *
 * Pipeline: plan streets and blocks (plan.ts) → place buildings (layout.ts) → communities and grid
 * cells (areas.ts) → facilities and resources (facilities.ts) → base map (basemap.ts) → write all
 * of it, then households and residents in batches (population.ts) → meter readings in SQL
 * (meters.ts).
 */
import { LIST, DOUBLE } from '@duckdb/node-api';
import { buildingUseCode } from '../model/domain.ts';
import type { ContactPii } from '../model/masking.ts';
import type { DuckDbStore } from '../store/DuckDbStore.ts';
import { fieldAad } from '../store/crypto.ts';
import {
  DISTRICT_CODE,
  DISTRICT_NAME,
  STREET_CODE,
  STREET_NAME,
  planAreas,
  type AreaPlan,
} from './areas.ts';
import { buildBasemap } from './basemap.ts';
import { DistrictFrame, rectRing, type Rect } from './frame.ts';
import { assignCommunityCentres, planEmergency } from './facilities.ts';
import { layoutDistrict, type PlannedBuilding } from './layout.ts';
import { generateMeterReadings } from './meters.ts';
import { mobileNumber, personName } from './names.ts';
import { householdCount, writeBuildingPopulation, type PopulationTotals } from './population.ts';
import { Rng } from '../model/random.ts';
import { planTerrain } from './terrain.ts';
import { writeTerrain } from '../store/typhoon/terrain.ts';
import { seedPointsHistory } from '../store/points/seed.ts';

/** Options of `generateDistrict`. */
export interface SeedOptions {
  seed: number;
  /** Number of buildings; households scale with it (~15 per building). */
  buildings: number;
  /** Days of meter readings, ending on `endDay`. Default 90. */
  days?: number;
  /** Last meter day, 'YYYY-MM-DD' (UTC). Fixed by default so output is deterministic. */
  endDay?: string;
  /** Called per step and, for the long steps, per batch. */
  onProgress?: (step: string, done: number, total: number) => void;
}

/** Counts of what `generateDistrict` wrote. */
export interface SeedSummary {
  buildings: number;
  households: number;
  persons: number;
  facilities: number;
  resources: number;
  meterRows: number;
  anomalies: number;
  /** Share of residents aged 60 or over. */
  elderlyShare: number;
}

/** Centre of the demo district: a coastal town in Taizhou, Zhejiang (typhoon country). */
export const DEMO_ORIGIN = { lon: 121.42, lat: 28.38 } as const;
/** Default last meter day: fixed, so a seed gives the same district whenever it is run. */
export const DEFAULT_END_DAY = '2026-11-24';
/** Default days of meter history. */
export const DEFAULT_DAYS = 90;
/** `twin_meta.attribution` of generated twins. */
export const ATTRIBUTION = 'Synthetic demo district — CivicTwin generator';

/** The tables of schema version 1 that the generator fills; all must be empty beforehand. */
const SEEDED_TABLES = [
  'twin_meta',
  'areas',
  'departments',
  'grid_workers',
  'buildings',
  'households',
  'persons',
  'facilities',
  'resources',
  'meter_daily',
  'meter_anomaly_labels',
  'meter_away_notices',
  'basemap_features',
] as const;

/** Buildings per batch when writing households: bounds memory and paces progress reports. */
const POPULATION_BATCH = 1000;
const STAGE_TABLE = '_seed_building_stage';

/** Generates the demo district into an empty, migrated store. */
export async function generateDistrict(
  store: DuckDbStore,
  opts: SeedOptions,
): Promise<SeedSummary> {
  const seed = opts.seed;
  const days = opts.days ?? DEFAULT_DAYS;
  const endDay = opts.endDay ?? DEFAULT_END_DAY;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1)
    throw new RangeError(`Seed must be an integer from 0 to 2147483647, got ${seed}.`);
  if (!Number.isInteger(opts.buildings) || opts.buildings < 100 || opts.buildings > 1_000_000) {
    throw new RangeError(
      `Buildings must be an integer from 100 to 1,000,000, got ${opts.buildings}.`,
    );
  }
  if (!Number.isInteger(days) || days < 1 || days > 3660)
    throw new RangeError(`Days must be an integer from 1 to 3660, got ${days}.`);
  const endDate = parseDay(endDay);
  const progress = opts.onProgress ?? ((): void => undefined);

  for (const table of SEEDED_TABLES) {
    const row = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`);
    if ((row?.n ?? 0) > 0)
      throw new Error(`The twin already has data in "${table}". Seed into a new, empty twin file.`);
  }

  progress('plan', 0, 4);
  const layout = layoutDistrict(seed, opts.buildings);
  const frame = new DistrictFrame(DEMO_ORIGIN.lon, DEMO_ORIGIN.lat, layout.plan.rotationDeg);
  progress('plan', 1, 4);
  const households = new Int32Array(layout.buildings.length + 1);
  for (const b of layout.buildings) households[b.id] = householdCount(seed, b);
  const areas = planAreas(seed, layout.plan, layout.buildings, (b) => households[b.id]!);
  const centres = assignCommunityCentres(areas);
  progress('plan', 2, 4);
  const emergency = planEmergency(seed, layout, areas, frame, centres);
  const basemap = buildBasemap(seed, layout, areas, emergency, frame);
  progress('plan', 3, 4);
  const gridOf = new Map<PlannedBuilding, { grid: number; community: number }>();
  for (const g of areas.grids)
    for (const b of g.buildings) gridOf.set(b, { grid: g.id, community: g.community.id });
  progress('plan', 4, 4);

  return store.transaction(async () => {
    const meta: [string, string][] = [
      ['name', STREET_NAME],
      ['origin_lon', String(DEMO_ORIGIN.lon)],
      ['origin_lat', String(DEMO_ORIGIN.lat)],
      ['source', 'demo'],
      ['seed', String(seed)],
      ['attribution', ATTRIBUTION],
      ['created_day', endDay],
    ];
    for (const [key, value] of meta)
      await store.run('INSERT INTO twin_meta VALUES ($1, $2)', [key, value]);

    progress('areas', 0, 1);
    await writeAreas(store, areas, frame);
    progress('areas', 1, 1);

    progress('buildings', 0, layout.buildings.length);
    await writeBuildings(store, layout.buildings, gridOf, frame, (done) =>
      progress('buildings', done, layout.buildings.length),
    );

    progress('facilities', 0, 1);
    const a = await store.appender('departments');
    for (const d of emergency.departments) {
      a.appendInteger(d.id);
      a.appendVarchar(d.code);
      a.appendVarchar(d.name);
      a.appendVarchar(d.kind);
      a.appendDouble(d.lon);
      a.appendDouble(d.lat);
      a.endRow();
    }
    a.closeSync();
    const workers = await store.appender('grid_workers');
    for (const w of emergency.gridWorkers) {
      const rng = Rng.derive(seed, 0x9d1d, w.id);
      const pii: ContactPii = {
        name: personName(rng, rng.chance(0.55) ? 'F' : 'M', rng.int(1972, 2000)),
        phone: mobileNumber(rng),
      };
      workers.appendInteger(w.id);
      workers.appendInteger(w.gridId);
      workers.appendVarchar(w.callsign);
      workers.appendBlob(
        store.cipher.encrypt(JSON.stringify(pii), fieldAad('grid_workers', 'pii_enc', w.id)),
      );
      workers.appendDouble(w.lon);
      workers.appendDouble(w.lat);
      workers.endRow();
    }
    workers.closeSync();
    const f = await store.appender('facilities');
    for (const x of emergency.facilities) {
      f.appendInteger(x.id);
      f.appendVarchar(x.kind);
      f.appendVarchar(x.name);
      f.appendDouble(x.lon);
      f.appendDouble(x.lat);
      if (x.capacity === null) f.appendNull();
      else f.appendInteger(x.capacity);
      f.appendVarchar('open');
      if (x.buildingId === null) f.appendNull();
      else f.appendInteger(x.buildingId);
      f.appendVarchar('demo');
      f.endRow();
    }
    f.closeSync();
    const r = await store.appender('resources');
    for (const x of emergency.resources) {
      r.appendInteger(x.id);
      r.appendVarchar(x.kind);
      r.appendVarchar(x.callsign);
      if (x.depotFacilityId === null) r.appendNull();
      else r.appendInteger(x.depotFacilityId);
      if (x.departmentId === null) r.appendNull();
      else r.appendInteger(x.departmentId);
      r.appendVarchar('idle');
      r.appendDouble(x.lon);
      r.appendDouble(x.lat);
      r.endRow();
    }
    r.closeSync();
    progress('facilities', 1, 1);

    progress('basemap', 0, 1);
    const m = await store.appender('basemap_features');
    basemap.forEach((row, i) => {
      m.appendInteger(i + 1);
      m.appendVarchar(row.layer);
      m.appendVarchar(row.kind);
      if (row.name === null) m.appendNull();
      else m.appendVarchar(row.name);
      m.appendVarchar(JSON.stringify(row.geometry));
      m.appendVarchar('demo');
      m.endRow();
    });
    m.closeSync();
    progress('basemap', 1, 1);
    await writeTerrain(store, planTerrain(seed, layout, frame));

    const totals = await writePopulation(store, layout.buildings, seed, endDate, days, progress);

    progress('meters', 0, totals.households);
    totals.anomalies += await generateMeterReadings(store, totals.households, {
      seed,
      days,
      endDay,
      onBatch: (done, total) => progress('meters', done, total),
    });
    await seedPointsHistory(store, { seed, endDay, onBatch: (done, total) => progress('points', done, total) });

    return {
      buildings: layout.buildings.length,
      households: totals.households,
      persons: totals.persons,
      facilities: emergency.facilities.length,
      resources: emergency.resources.length,
      meterRows: totals.households * days,
      anomalies: totals.anomalies,
      elderlyShare: totals.persons > 0 ? totals.elderly / totals.persons : 0,
    };
  });
}

function parseDay(day: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!d || d.toISOString().slice(0, 10) !== day)
    throw new RangeError(`endDay must be a date as YYYY-MM-DD, got "${day}".`);
  return d;
}

async function writeAreas(
  store: DuckDbStore,
  areas: AreaPlan,
  frame: DistrictFrame,
): Promise<void> {
  const ring = (r: Rect): number[] => frame.flatRing(rectRing(r), true);
  const street = areas.streetRect;
  // The district reaches beyond the street; its outline here is the street's grown by 1 km.
  const district = {
    u0: street.u0 - 1000,
    v0: street.v0 - 1000,
    u1: street.u1 + 1000,
    v1: street.v1 + 1000,
  };
  const a = await store.appender('areas');
  const add = (
    id: number,
    parent: number | null,
    level: string,
    code: string,
    name: string,
    r: Rect,
  ): void => {
    a.appendInteger(id);
    if (parent === null) a.appendNull();
    else a.appendInteger(parent);
    a.appendVarchar(level);
    a.appendVarchar(code);
    a.appendVarchar(name);
    a.appendList(ring(r), LIST(DOUBLE));
    a.endRow();
  };
  add(areas.districtId, null, 'district', DISTRICT_CODE, DISTRICT_NAME, district);
  add(areas.streetId, areas.districtId, 'street', STREET_CODE, STREET_NAME, street);
  for (const c of areas.communities) add(c.id, areas.streetId, 'community', c.code, c.name, c.rect);
  for (const g of areas.grids) add(g.id, g.community.id, 'grid', g.code, g.name, g.rect);
  a.closeSync();
}

/**
 * Buildings go through a staging table with the footprint as JSON text, cast to DOUBLE[][] by
 * DuckDB in one INSERT … SELECT: about ten times faster than appending nested lists value by value.
 */
async function writeBuildings(
  store: DuckDbStore,
  buildings: PlannedBuilding[],
  gridOf: Map<PlannedBuilding, { grid: number; community: number }>,
  frame: DistrictFrame,
  onBatch: (done: number) => void,
): Promise<void> {
  await store.run(
    `CREATE TABLE ${STAGE_TABLE} AS SELECT * EXCLUDE (footprint), ''::VARCHAR AS footprint_json FROM buildings LIMIT 0`,
  );
  const a = await store.appender(STAGE_TABLE);
  buildings.forEach((b, i) => {
    const [lon, lat] = frame.toLonLat(b.cu, b.cv);
    const area = gridOf.get(b);
    a.appendInteger(b.id);
    a.appendNull(); // ext_id: only imported footprints have one
    a.appendVarchar(b.name);
    a.appendVarchar(b.address);
    a.appendUTinyInt(buildingUseCode(b.use));
    a.appendFloat(b.heightM);
    a.appendUSmallInt(b.floors);
    a.appendVarchar('generated');
    a.appendSmallInt(b.yearBuilt);
    if (area) {
      a.appendInteger(area.community);
      a.appendInteger(area.grid);
    } else {
      a.appendNull();
      a.appendNull();
    }
    a.appendDouble(lon);
    a.appendDouble(lat);
    a.appendUTinyInt(b.unitsPerFloor);
    a.appendVarchar(`[${JSON.stringify(frame.flatRing(b.ring, false))}]`);
    a.endRow();
    if ((i + 1) % 20_000 === 0) onBatch(i + 1);
  });
  a.closeSync();
  await store.run(
    `INSERT INTO buildings SELECT * EXCLUDE (footprint_json), footprint_json::DOUBLE[][] FROM ${STAGE_TABLE} ORDER BY id`,
  );
  await store.run(`DROP TABLE ${STAGE_TABLE}`);
  onBatch(buildings.length);
}

async function writePopulation(
  store: DuckDbStore,
  buildings: PlannedBuilding[],
  seed: number,
  endDate: Date,
  days: number,
  progress: (step: string, done: number, total: number) => void,
): Promise<PopulationTotals> {
  const firstDay = endDate.getTime() - (days - 1) * 86_400_000;
  const ctx = {
    seed,
    cipher: store.cipher,
    endDay: endDate,
    days,
    dayIso: (offset: number): string =>
      new Date(firstDay + offset * 86_400_000).toISOString().slice(0, 10),
  };
  const out = {
    households: await store.appender('households'),
    persons: await store.appender('persons'),
    labels: await store.appender('meter_anomaly_labels'),
  };
  const totals: PopulationTotals = { households: 0, persons: 0, elderly: 0, anomalies: 0 };
  try {
    progress('households', 0, buildings.length);
    for (let i = 0; i < buildings.length; i++) {
      writeBuildingPopulation(ctx, buildings[i]!, out, totals);
      if ((i + 1) % POPULATION_BATCH === 0 || i + 1 === buildings.length) {
        progress('households', i + 1, buildings.length);
        // Let timers (progress bars, a UI) run between batches.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    out.households.flushSync();
    out.persons.flushSync();
    out.labels.flushSync();
  } finally {
    out.households.closeSync();
    out.persons.closeSync();
    out.labels.closeSync();
  }
  return totals;
}
