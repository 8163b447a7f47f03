import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { fieldAad } from '../../data/store/crypto.ts';
import {
  AGE_BANDS,
  CareFlag,
  FACILITY_KINDS,
  METER_ANOMALY_KINDS,
  ageBandOf,
} from '../../data/model/domain.ts';
import { localProjection } from '../../data/model/geo.ts';
import type { ContactPii, PersonPii } from '../../data/model/masking.ts';
import {
  DEMO_ORIGIN,
  generateDistrict,
  type SeedSummary,
} from '../../data/seed/generateDistrict.ts';
import { idCheckChar, isValidIdNumber } from '../../data/seed/names.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir('civictwin-seed-');
const BUILDINGS = 300;
const DAYS = 90;
const END_DAY = '2026-11-24';

interface Generated {
  store: DuckDbStore;
  summary: SeedSummary;
}

async function generate(name: string, seed: number): Promise<Generated> {
  const store = await DuckDbStore.open(tmp.path(`${name}.duckdb`), { create: true });
  const summary = await generateDistrict(store, { seed, buildings: BUILDINGS });
  return { store, summary };
}

let a: Generated;
let b: Generated;
let c: Generated;

beforeAll(async () => {
  a = await generate('a', 7);
  b = await generate('b', 7);
  c = await generate('c', 8);
});

afterAll(() => {
  for (const g of [a, b, c]) g?.store.close();
  tmp.cleanup();
});

/** Rows of a query as JSON, with encrypted blobs replaced by their decrypted text. */
async function rowsWithPii(
  g: Generated,
  sql: string,
  table: string,
  blobColumn: string,
): Promise<string[]> {
  const rows = await g.store.all<Record<string, unknown> & { id: number }>(sql);
  return rows.map((r) => {
    const blob = r[blobColumn] as Uint8Array | null;
    const clear = blob ? g.store.cipher.decrypt(blob, fieldAad(table, blobColumn, r.id)) : null;
    return JSON.stringify({ ...r, [blobColumn]: clear });
  });
}

const tableDigest = async (g: Generated, table: string, columns: string): Promise<string> =>
  String(
    (await g.store.one<{ h: bigint }>(`SELECT bit_xor(hash(${columns})) AS h FROM ${table}`))?.h,
  );

describe('generateDistrict: determinism', () => {
  it('gives identical districts for the same seed (decrypted personal data included)', async () => {
    expect(a.summary).toEqual(b.summary);
    const plain: [string, string][] = [
      [
        'buildings',
        'id, name, address, use_code, height_m, floors, year_built, community_id, grid_id, centroid_lon, centroid_lat, units_per_floor, footprint',
      ],
      ['areas', 'id, parent_id, level, code, name, ring'],
      ['facilities', 'id, kind, name, lon, lat, capacity, building_id'],
      ['resources', 'id, kind, callsign, depot_facility_id, department_id, lon, lat'],
      ['departments', 'id, code, name, kind, lon, lat'],
      ['basemap_features', 'id, layer, kind, name, geometry::VARCHAR'],
      ['meter_daily', 'household_id, day, water_l, power_kwh, night_min_l'],
      ['meter_anomaly_labels', 'household_id, kind, start_day, end_day'],
      ['twin_meta', 'key, value'],
    ];
    for (const [table, columns] of plain)
      expect(await tableDigest(a, table, columns), table).toBe(
        await tableDigest(b, table, columns),
      );
    const hh =
      'SELECT id, building_id, floor, slot, unit, size, care_flags, is_rental, contact_enc FROM households ORDER BY id';
    expect(await rowsWithPii(a, hh, 'households', 'contact_enc')).toEqual(
      await rowsWithPii(b, hh, 'households', 'contact_enc'),
    );
    const persons =
      'SELECT id, household_id, relation, sex, age_band, care_flags, pii_enc FROM persons ORDER BY id';
    expect(await rowsWithPii(a, persons, 'persons', 'pii_enc')).toEqual(
      await rowsWithPii(b, persons, 'persons', 'pii_enc'),
    );
    const workers = 'SELECT id, grid_id, callsign, pii_enc, lon, lat FROM grid_workers ORDER BY id';
    expect(await rowsWithPii(a, workers, 'grid_workers', 'pii_enc')).toEqual(
      await rowsWithPii(b, workers, 'grid_workers', 'pii_enc'),
    );
  });

  it('gives a different district for a different seed', async () => {
    const cols = 'id, address, footprint';
    expect(await tableDigest(a, 'buildings', cols)).not.toBe(
      await tableDigest(c, 'buildings', cols),
    );
    expect(await tableDigest(a, 'meter_daily', 'household_id, day, water_l')).not.toBe(
      await tableDigest(c, 'meter_daily', 'household_id, day, water_l'),
    );
  });

  it('writes the requested number of buildings and the twin metadata', async () => {
    expect(a.summary.buildings).toBe(BUILDINGS);
    expect(
      (await a.store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM buildings'))?.n,
    ).toBe(BUILDINGS);
    const meta = Object.fromEntries(
      (await a.store.all<{ key: string; value: string }>('SELECT key, value FROM twin_meta')).map(
        (r) => [r.key, r.value],
      ),
    );
    expect(meta).toMatchObject({
      name: '江滨街道（示范）',
      source: 'demo',
      seed: '7',
      created_day: END_DAY,
      origin_lon: '121.42',
      origin_lat: '28.38',
    });
    expect(meta.attribution).toContain('Synthetic');
  });
});

describe('generateDistrict: population', () => {
  it('has an ageing population: at least a fifth aged 60+, some of them living alone', async () => {
    const ages = await a.store.one<{ n: number; old: number }>(
      'SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE age_band >= 3)::INTEGER AS old FROM persons',
    );
    expect(ages!.old / ages!.n).toBeGreaterThanOrEqual(0.2);
    expect(ages!.old / ages!.n).toBeLessThan(0.32);
    expect(a.summary.elderlyShare).toBeCloseTo(ages!.old / ages!.n, 6);
    const singles = await a.store.one<{ n: number; alone: number; old: number }>(
      `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE h.care_flags & ${CareFlag.ElderlyAlone} <> 0)::INTEGER AS alone,
              count(*) FILTER (WHERE p.age_band >= 3)::INTEGER AS old
       FROM households h JOIN persons p ON p.household_id = h.id WHERE h.size = 1`,
    );
    expect(singles!.alone).toBeGreaterThan(0);
    expect(singles!.alone).toBe(singles!.old); // the flag is exactly "one person, aged 60+"
    expect(singles!.old / singles!.n).toBeGreaterThan(0.2);
  });

  it('keeps household sizes, flags and members consistent', async () => {
    const bad = await a.store.one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM households h
       LEFT JOIN (SELECT household_id, count(*) AS members, bit_or(care_flags) AS flags, count(*) FILTER (WHERE relation = '户主') AS heads
                  FROM persons GROUP BY household_id) p ON p.household_id = h.id
       WHERE p.members IS NULL OR p.members <> h.size OR p.heads <> 1 OR (p.flags & ~${CareFlag.LowIncome}) <> (h.care_flags & ~${CareFlag.LowIncome})
          OR h.size NOT BETWEEN 1 AND 5 OR h.unit <> CAST(h.floor * 100 + h.slot + 1 AS VARCHAR)`,
    );
    expect(bad?.n).toBe(0);
    const minors = await a.store.one<{ n: number; flagged: number }>(
      `SELECT count(*) FILTER (WHERE age_band = 0)::INTEGER AS n, count(*) FILTER (WHERE age_band = 0 AND care_flags & ${CareFlag.Minor} <> 0)::INTEGER AS flagged FROM persons`,
    );
    expect(minors!.n).toBeGreaterThan(0);
    expect(minors!.flagged).toBe(minors!.n);
    const relations = (
      await a.store.all<{ relation: string }>('SELECT DISTINCT relation FROM persons ORDER BY 1')
    ).map((r) => r.relation);
    expect(relations.sort()).toEqual(['其他', '子女', '户主', '父母', '配偶'].sort());
  });

  it('has a plausible rental share and about 15 households per building', async () => {
    const r = await a.store.one<{ n: number; rented: number }>(
      'SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE is_rental)::INTEGER AS rented FROM households',
    );
    expect(r!.rented / r!.n).toBeGreaterThan(0.12);
    expect(r!.rented / r!.n).toBeLessThan(0.35);
    expect(a.summary.households).toBe(r!.n);
    expect(r!.n / BUILDINGS).toBeGreaterThan(8);
    expect(r!.n / BUILDINGS).toBeLessThan(25);
  });

  it('stores valid, consistent personal data: names, GB 11643 ID numbers, mobile numbers', async () => {
    const rows = await a.store.all<{
      id: number;
      age_band: number;
      sex: string;
      pii_enc: Uint8Array;
    }>('SELECT id, age_band, sex, pii_enc FROM persons ORDER BY id');
    const end = new Date(`${END_DAY}T00:00:00Z`);
    for (const row of rows) {
      const pii = JSON.parse(
        a.store.cipher.decrypt(row.pii_enc, fieldAad('persons', 'pii_enc', row.id)),
      ) as PersonPii;
      expect(pii.name).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
      expect(isValidIdNumber(pii.idNumber), pii.idNumber).toBe(true);
      expect(pii.idNumber).toMatch(/^(33|34|36|41|42|43|50|51|52)\d{4}(19|20)\d{2}/);
      expect(Number(pii.idNumber[16]) % 2).toBe(row.sex === 'M' ? 1 : 0);
      const born = new Date(
        `${pii.idNumber.slice(6, 10)}-${pii.idNumber.slice(10, 12)}-${pii.idNumber.slice(12, 14)}T00:00:00Z`,
      );
      let age = end.getUTCFullYear() - born.getUTCFullYear();
      if (
        end.getUTCMonth() < born.getUTCMonth() ||
        (end.getUTCMonth() === born.getUTCMonth() && end.getUTCDate() < born.getUTCDate())
      )
        age--;
      expect(ageBandOf(age), `${pii.idNumber} vs band ${AGE_BANDS[row.age_band]}`).toBe(
        row.age_band,
      );
      expect(pii.phone).toMatch(/^1[358]\d{9}$/);
    }
    const contacts = await a.store.all<{ id: number; contact_enc: Uint8Array }>(
      'SELECT id, contact_enc FROM households ORDER BY id LIMIT 500',
    );
    for (const h of contacts) {
      const contact = JSON.parse(
        a.store.cipher.decrypt(h.contact_enc, fieldAad('households', 'contact_enc', h.id)),
      ) as ContactPii;
      expect(contact.name.length).toBeGreaterThanOrEqual(2);
      expect(contact.phone).toMatch(/^1[358]\d{9}$/);
    }
  });

  it('computes the GB 11643 check character', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('110105194912310021')).toBe(false);
  });
});

describe('generateDistrict: geography', () => {
  /** Footprints in metres, turned back by the street grid's angle so they are axis-aligned. */
  async function alignedBoxes(
    g: Generated,
  ): Promise<{ id: number; box: [number, number, number, number] }[]> {
    const proj = localProjection(DEMO_ORIGIN.lon, DEMO_ORIGIN.lat);
    const rows = await g.store.all<{ id: number; footprint: number[][] }>(
      'SELECT id, footprint FROM buildings ORDER BY id',
    );
    const first = rows[0]!.footprint[0]!;
    const [x0, y0] = proj.toMetres(first[0]!, first[1]!);
    const [x1, y1] = proj.toMetres(first[2]!, first[3]!);
    const angle = Math.atan2(y1 - y0, x1 - x0);
    const cos = Math.cos(-angle);
    const sin = Math.sin(-angle);
    return rows.map((r) => {
      const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const ring of r.footprint) {
        for (let i = 0; i < ring.length; i += 2) {
          const [x, y] = proj.toMetres(ring[i]!, ring[i + 1]!);
          const u = x * cos - y * sin;
          const v = x * sin + y * cos;
          box[0] = Math.min(box[0], u);
          box[1] = Math.min(box[1], v);
          box[2] = Math.max(box[2], u);
          box[3] = Math.max(box[3], v);
        }
      }
      return { id: r.id, box };
    });
  }

  it('places every building in a community and a grid cell, inside the street, on a valid footprint', async () => {
    const street = await a.store.one<{ ring: number[] }>(
      "SELECT ring FROM areas WHERE level = 'street'",
    );
    const lons = street!.ring.filter((_, i) => i % 2 === 0);
    const lats = street!.ring.filter((_, i) => i % 2 === 1);
    const [minLon, maxLon, minLat, maxLat] = [
      Math.min(...lons),
      Math.max(...lons),
      Math.min(...lats),
      Math.max(...lats),
    ];
    const rows = await a.store.all<{
      id: number;
      community_id: number | null;
      grid_id: number | null;
      footprint: number[][];
      height_m: number;
      floors: number;
      height_source: string;
    }>(
      'SELECT id, community_id, grid_id, footprint, height_m, floors, height_source FROM buildings',
    );
    for (const r of rows) {
      expect(r.community_id).not.toBeNull();
      expect(r.grid_id).not.toBeNull();
      expect(r.height_source).toBe('generated');
      expect(r.height_m).toBeGreaterThan(2);
      expect(r.floors).toBeGreaterThanOrEqual(1);
      expect(r.footprint.length).toBeGreaterThanOrEqual(1);
      for (const ring of r.footprint) {
        expect(ring.length % 2).toBe(0);
        expect(ring.length).toBeGreaterThanOrEqual(8);
        for (let i = 0; i < ring.length; i += 2) {
          expect(ring[i]).toBeGreaterThanOrEqual(minLon);
          expect(ring[i]).toBeLessThanOrEqual(maxLon);
          expect(ring[i + 1]).toBeGreaterThanOrEqual(minLat);
          expect(ring[i + 1]).toBeLessThanOrEqual(maxLat);
        }
      }
    }
    // Grid cells belong to the building's community.
    const mismatched = await a.store.one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM buildings b JOIN areas g ON g.id = b.grid_id WHERE g.level <> 'grid' OR g.parent_id <> b.community_id`,
    );
    expect(mismatched?.n).toBe(0);
  });

  it('never lets two footprints overlap', async () => {
    const boxes = await alignedBoxes(a);
    let overlaps = 0;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const p = boxes[i]!.box;
        const q = boxes[j]!.box;
        // 0.5 m tolerance for the rounding of coordinates to 1e-7 degrees.
        if (p[0] < q[2] - 0.5 && q[0] < p[2] - 0.5 && p[1] < q[3] - 0.5 && q[1] < p[3] - 0.5)
          overlaps++;
      }
    }
    expect(overlaps).toBe(0);
  });

  it('has 4+ communities split into grid cells of a few hundred households, each with a grid worker', async () => {
    const levels = Object.fromEntries(
      (
        await a.store.all<{ level: string; n: number }>(
          'SELECT level, count(*)::INTEGER AS n FROM areas GROUP BY level',
        )
      ).map((r) => [r.level, r.n]),
    );
    expect(levels).toMatchObject({ district: 1, street: 1 });
    expect(levels.community).toBeGreaterThanOrEqual(4);
    expect(levels.grid).toBeGreaterThanOrEqual(levels.community!);
    const biggest = await a.store.one<{ n: number }>(
      `SELECT max(n)::INTEGER AS n FROM (SELECT b.grid_id, count(*) AS n FROM households h JOIN buildings b ON b.id = h.building_id GROUP BY b.grid_id)`,
    );
    expect(biggest!.n).toBeLessThanOrEqual(400);
    const workers = await a.store.all<{
      id: number;
      grid_id: number;
      callsign: string;
      pii_enc: Uint8Array;
    }>('SELECT id, grid_id, callsign, pii_enc FROM grid_workers');
    expect(workers.length).toBe(levels.grid);
    expect(new Set(workers.map((w) => w.grid_id)).size).toBe(workers.length);
    for (const w of workers) {
      expect(w.callsign).toMatch(/^网格员-\d{2,}-\d{2,}$/);
      const pii = JSON.parse(
        a.store.cipher.decrypt(w.pii_enc, fieldAad('grid_workers', 'pii_enc', w.id)),
      ) as ContactPii;
      expect(pii.phone).toMatch(/^1[358]\d{9}$/);
    }
  });

  it('puts each building centroid and each grid worker inside its own grid cell', async () => {
    const rings = new Map(
      (
        await a.store.all<{ id: number; ring: number[] }>(
          "SELECT id, ring FROM areas WHERE level = 'grid'",
        )
      ).map((r) => [r.id, r.ring]),
    );
    const inside = (ring: number[], lon: number, lat: number): boolean => {
      let hit = false;
      for (let i = 0, j = ring.length / 2 - 1; i < ring.length / 2; j = i++) {
        const [xi, yi, xj, yj] = [ring[2 * i]!, ring[2 * i + 1]!, ring[2 * j]!, ring[2 * j + 1]!];
        if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) hit = !hit;
      }
      return hit;
    };
    const buildings = await a.store.all<{
      id: number;
      grid_id: number;
      centroid_lon: number;
      centroid_lat: number;
    }>('SELECT id, grid_id, centroid_lon, centroid_lat FROM buildings');
    for (const b of buildings)
      expect(
        inside(rings.get(b.grid_id)!, b.centroid_lon, b.centroid_lat),
        `building ${b.id}`,
      ).toBe(true);
    const workers = await a.store.all<{ id: number; grid_id: number; lon: number; lat: number }>(
      'SELECT id, grid_id, lon, lat FROM grid_workers',
    );
    for (const w of workers)
      expect(inside(rings.get(w.grid_id)!, w.lon, w.lat), `worker ${w.id}`).toBe(true);
  });

  it('has facilities of every required kind, and resources at their depots', async () => {
    const kinds = new Set(
      (await a.store.all<{ kind: string }>('SELECT DISTINCT kind FROM facilities')).map(
        (r) => r.kind,
      ),
    );
    for (const k of [
      'shelter',
      'hospital',
      'fire_station',
      'pump_station',
      'material_depot',
      'community_centre',
      'aed',
      'school',
      'police',
    ])
      expect(kinds).toContain(k);
    for (const k of kinds) expect(FACILITY_KINDS as readonly string[]).toContain(k);
    const shelters = await a.store.one<{ lo: number; hi: number }>(
      "SELECT min(capacity) AS lo, max(capacity) AS hi FROM facilities WHERE kind = 'shelter'",
    );
    expect(shelters!.lo).toBeGreaterThanOrEqual(300);
    expect(shelters!.hi).toBeLessThanOrEqual(3000);
    const centres = await a.store.one<{ n: number; communities: number }>(
      "SELECT count(*)::INTEGER AS n, (SELECT count(*) FROM areas WHERE level = 'community')::INTEGER AS communities FROM facilities WHERE kind = 'community_centre'",
    );
    expect(centres!.n).toBe(centres!.communities);
    const resources = new Set(
      (
        await a.store.all<{ kind: string }>(
          "SELECT DISTINCT kind FROM resources WHERE status = 'idle'",
        )
      ).map((r) => r.kind),
    );
    for (const k of ['ambulance', 'fire_engine', 'rescue_boat', 'pump_truck', 'volunteer_team'])
      expect(resources).toContain(k);
    const atHospital = await a.store.one<{ n: number }>(
      "SELECT count(*)::INTEGER AS n FROM resources r JOIN facilities f ON f.id = r.depot_facility_id WHERE r.kind = 'ambulance' AND f.kind = 'hospital'",
    );
    expect(atHospital!.n).toBeGreaterThan(0);
    expect(
      (await a.store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM departments'))!.n,
    ).toBeGreaterThanOrEqual(8);
  });

  it('draws a base map: river, embankments, roads and bridges, parks, boundaries, labels', async () => {
    const features = await a.store.all<{ layer: string; kind: string; geometry: string }>(
      'SELECT layer, kind, geometry::VARCHAR AS geometry FROM basemap_features',
    );
    const has = (layer: string, kind: string): boolean =>
      features.some((f) => f.layer === layer && f.kind === kind);
    for (const [layer, kind] of [
      ['water', 'river'],
      ['road', 'embankment'],
      ['road', 'primary'],
      ['road', 'secondary'],
      ['road', 'bridge'],
      ['green', 'park'],
      ['boundary', 'community'],
      ['label', 'community'],
    ] as const) {
      expect(has(layer, kind), `${layer}/${kind}`).toBe(true);
    }
    for (const f of features) {
      const g = JSON.parse(f.geometry) as { type: string; coordinates: unknown };
      if (f.layer === 'road') expect(g.type).toBe('LineString');
      if (f.layer === 'label') expect(g.type).toBe('Point');
      if (['water', 'green', 'landuse', 'boundary'].includes(f.layer))
        expect(g.type).toBe('Polygon');
    }
  });
});

describe('generateDistrict: meters', () => {
  it('has one reading per household and day', async () => {
    const r = await a.store.one<{ n: number; days: number; first: string; last: string }>(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT day)::INTEGER AS days, min(day)::VARCHAR AS first, max(day)::VARCHAR AS last FROM meter_daily`,
    );
    expect(r!.n).toBe(a.summary.households * DAYS);
    expect(a.summary.meterRows).toBe(r!.n);
    expect(r!.days).toBe(DAYS);
    expect(r!.last).toBe(END_DAY);
    expect(r!.first).toBe('2026-08-27');
  });

  it('produces realistic normal readings', async () => {
    const r = await a.store.one<{ water: number; power: number; night: number }>(
      `SELECT avg(m.water_l / h.size) AS water, avg(m.power_kwh / h.size) AS power, max(m.night_min_l) AS night
       FROM meter_daily m JOIN households h ON h.id = m.household_id
       WHERE m.household_id NOT IN (SELECT household_id FROM meter_anomaly_labels)`,
    );
    expect(r!.water).toBeGreaterThan(70);
    expect(r!.water).toBeLessThan(160);
    expect(r!.power).toBeGreaterThan(1.5);
    expect(r!.power).toBeLessThan(5);
    expect(r!.night).toBeLessThanOrEqual(2);
  });

  it('labels anomalies of all three kinds, and the readings show them', async () => {
    const labels = await a.store.all<{ kind: string; n: number }>(
      'SELECT kind, count(*)::INTEGER AS n FROM meter_anomaly_labels GROUP BY kind',
    );
    expect(labels.map((l) => l.kind).sort()).toEqual([...METER_ANOMALY_KINDS].sort());
    expect(labels.reduce((s, l) => s + l.n, 0)).toBe(a.summary.anomalies);
    // At most one label per household, so each span is unambiguous.
    const dup = await a.store.one<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM (SELECT household_id FROM meter_anomaly_labels GROUP BY 1 HAVING count(*) > 1)',
    );
    expect(dup!.n).toBe(0);
    // No usage: nothing drawn at all, no hour of activity, but the fridge runs: power at the
    // home's base load (never ~0, and a quarter to a half of a usual day), for the whole span.
    const noUsage = await a.store.one<{ rows: number; water: number; power: number; lowPower: number; active: number; share: number; days: number }>(
      `SELECT count(*)::INTEGER AS rows, max(m.water_l) AS water, max(m.power_kwh) AS power, min(m.power_kwh) AS "lowPower",
              max(m.water_active_h + m.power_active_h) AS active,
              avg(m.power_kwh / (SELECT avg(u.power_kwh) FROM meter_daily u WHERE u.household_id = l.household_id AND u.water_active_h > 0)) AS share,
              (SELECT sum(end_day - start_day + 1) FROM meter_anomaly_labels WHERE kind = 'no_usage')::INTEGER AS days
       FROM meter_anomaly_labels l JOIN meter_daily m ON m.household_id = l.household_id AND m.day BETWEEN l.start_day AND l.end_day
       WHERE l.kind = 'no_usage'`,
    );
    expect(noUsage!.rows).toBe(noUsage!.days);
    expect(noUsage!.water).toBe(0);
    expect(noUsage!.active).toBe(0);
    expect(noUsage!.lowPower).toBeGreaterThan(0.7);
    expect(noUsage!.power).toBeLessThan(1.7);
    expect(noUsage!.share).toBeGreaterThan(0.2);
    expect(noUsage!.share).toBeLessThan(0.6);
    // Elderly people living alone, a few per cent of households, have a large share of the
    // no-usage spells (the rest: unannounced trips of other elderly or disabled residents).
    const alone = await a.store.one<{ share: number }>(
      `SELECT avg(CASE WHEN h.care_flags & ${CareFlag.ElderlyAlone} <> 0 THEN 1 ELSE 0 END) AS share
       FROM meter_anomaly_labels l JOIN households h ON h.id = l.household_id WHERE l.kind = 'no_usage'`,
    );
    expect(alone!.share).toBeGreaterThan(0.25);
    // Night flow: a leak keeps the minimum night flow above 5 L/h on every labelled day.
    const night = await a.store.one<{ lo: number }>(
      `SELECT min(m.night_min_l) AS lo FROM meter_anomaly_labels l
       JOIN meter_daily m ON m.household_id = l.household_id AND m.day BETWEEN l.start_day AND l.end_day WHERE l.kind = 'night_flow'`,
    );
    expect(night!.lo).toBeGreaterThan(5);
    // Sudden change: the span's mean is ×3 or ×0.2 of the household's own level outside it.
    const changes = await a.store.all<{ ratio: number }>(
      `SELECT avg(m.water_l) FILTER (WHERE m.day BETWEEN l.start_day AND l.end_day)
              / avg(m.water_l) FILTER (WHERE m.day NOT BETWEEN l.start_day AND l.end_day) AS ratio
       FROM meter_anomaly_labels l JOIN meter_daily m ON m.household_id = l.household_id
       WHERE l.kind = 'sudden_change' GROUP BY l.household_id`,
    );
    expect(changes.length).toBeGreaterThan(0);
    for (const c of changes) expect(c.ratio > 2 || c.ratio < 0.35, `ratio ${c.ratio}`).toBe(true);
  });

  it('gives homes a base load, holidays (announced ones on notice), guests and hourly activity', async () => {
    // Every home has a base load: no day under 0.7 kWh, even when nobody is in.
    const r = await a.store.one<{ low: number; hours: number; powerHours: number; away: number; notices: number; watchedUnannounced: number }>(
      `SELECT min(power_kwh) AS low, avg(water_active_h) FILTER (WHERE water_l > 0) AS hours, avg(power_active_h) FILTER (WHERE water_l > 0) AS "powerHours",
              (SELECT count(*) FROM meter_daily m JOIN meter_away_notices n ON n.household_id = m.household_id AND m.day BETWEEN n.start_day AND n.end_day
                 WHERE m.water_l = 0 AND m.water_active_h = 0)::INTEGER AS away,
              (SELECT sum(end_day - start_day + 1) FROM meter_away_notices)::INTEGER AS notices,
              (SELECT count(*) FROM meter_anomaly_labels l JOIN households h ON h.id = l.household_id
                 WHERE l.kind = 'no_usage' AND h.care_flags & ${CareFlag.ElderlyAlone | CareFlag.Elderly | CareFlag.Disabled} = 0)::INTEGER AS "watchedUnannounced"
       FROM meter_daily`,
    );
    expect(r!.low).toBeGreaterThan(0.7);
    expect(r!.hours).toBeGreaterThan(3);
    expect(r!.hours).toBeLessThan(16);
    expect(r!.powerHours).toBeGreaterThan(5);
    // Announced holidays: water 0 and no activity on every announced day.
    expect(r!.notices).toBeGreaterThan(0);
    expect(r!.away).toBe(r!.notices);
    // No-usage labels only for the households the alert watches.
    expect(r!.watchedUnannounced).toBe(0);
    // Guests: some unlabelled, un-away days well above the household's own level.
    const guests = await a.store.one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM meter_daily m
       WHERE m.household_id NOT IN (SELECT household_id FROM meter_anomaly_labels)
         AND m.water_l > 1.5 * (SELECT avg(u.water_l) FROM meter_daily u WHERE u.household_id = m.household_id AND u.water_l > 0)`,
    );
    expect(guests!.n).toBeGreaterThan(0);
  });
});

describe('generateDistrict: all or nothing', () => {
  it('leaves the store empty when generation fails part-way, and refuses a store that has data', async () => {
    const store = await DuckDbStore.open(tmp.path('fail.duckdb'), { create: true });
    try {
      await expect(
        generateDistrict(store, {
          seed: 1,
          buildings: 120,
          onProgress: (step) => {
            if (step === 'meters') throw new Error('disk full (simulated)');
          },
        }),
      ).rejects.toThrow('disk full');
      for (const table of [
        'twin_meta',
        'areas',
        'buildings',
        'households',
        'persons',
        'facilities',
        'basemap_features',
        'meter_daily',
        'meter_anomaly_labels',
      ]) {
        expect(
          (await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`))?.n,
          table,
        ).toBe(0);
      }
      await generateDistrict(store, { seed: 1, buildings: 120, days: 14 });
      await expect(generateDistrict(store, { seed: 1, buildings: 120 })).rejects.toThrow(
        /already has data/,
      );
    } finally {
      store.close();
    }
  });

  it('rejects options that make no sense', async () => {
    const store = await DuckDbStore.open(tmp.path('bad.duckdb'), { create: true });
    try {
      await expect(generateDistrict(store, { seed: 1, buildings: 10 })).rejects.toThrow(
        /Buildings/,
      );
      await expect(generateDistrict(store, { seed: -1, buildings: 200 })).rejects.toThrow(/Seed/);
      await expect(
        generateDistrict(store, { seed: 1, buildings: 200, endDay: '2026-02-30' }),
      ).rejects.toThrow(/endDay/);
    } finally {
      store.close();
    }
  });
});
