/**
 * Hotline tickets into a twin's incident history (issue 14): a real 311 export reproduces its
 * counts per category and month and feeds the KPI figures on day one; a file of another city is
 * refused whole (strict) or reported row by row (--skip-invalid); a Chinese 12345 export with
 * 满意度 and addresses is placed on the twin's buildings; a second import adds nothing.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { categoryFor, parseLocalTime, parseUtcOffset } from '../../data/import/tickets.ts';
import { importTickets } from '../../electron/cli/importTickets.ts';
import { importIntoTwin } from '../../electron/cli/twinFiles.ts';
import { openTwin } from '../../data/store/openTwin.ts';
import { computeKpis } from '../../data/analytics/kpi/kpiQueries.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices } from '../../electron/services/index.ts';

const REAL = resolve(__dirname, '../../../shared/data/real/service-requests');
const BOSTON = join(REAL, 'boston-rodent-activity-2015.csv');
const NYC = join(REAL, 'nyc-311-sample.csv');
const haveReal = existsSync(BOSTON) && existsSync(NYC);
const quiet = (): void => undefined;

/** A twin of two buildings: one in downtown Boston, one in Dorchester; addresses for the 12345 test. */
async function bostonTwin(dir: string): Promise<string> {
  const square = (lon: number, lat: number, id: string, name: string) => ({
    type: 'Feature',
    properties: { id, height: 12, name },
    geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.0004, lat], [lon + 0.0004, lat + 0.0003], [lon, lat + 0.0003], [lon, lat]]] },
  });
  const file = join(dir, 'buildings.geojson');
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [square(-71.06, 42.36, 'b1', 'Downtown 1'), square(-71.0728, 42.2911, 'b2', 'Dorchester 2')] }));
  const db = join(dir, 'twin.duckdb');
  await importIntoTwin(db, [file], undefined, quiet);
  return db;
}

async function count(db: string, sql: string): Promise<number> {
  const store = await openTwin(db, { readOnly: true });
  try {
    return Number((await store.one<{ n: number | bigint }>(sql))!.n);
  } finally {
    store.close();
  }
}

describe('ticket export reading', () => {
  it('reads the time formats of Chinese and US exports in the export’s zone', () => {
    const cst = parseUtcOffset('+08:00');
    expect(cst).toBe(480);
    expect(parseUtcOffset('-05:00')).toBe(-300);
    expect(parseLocalTime('2026-03-01 08:05:00', cst)).toBe(Date.UTC(2026, 2, 1, 0, 5));
    expect(parseLocalTime('2026/3/1 8:05', cst)).toBe(Date.UTC(2026, 2, 1, 0, 5));
    expect(parseLocalTime('2026年3月1日 08:05', cst)).toBe(Date.UTC(2026, 2, 1, 0, 5));
    expect(parseLocalTime('01/02/2015 11:15:21 AM', -300)).toBe(Date.UTC(2015, 0, 2, 16, 15, 21));
    expect(parseLocalTime('01/02/2015 12:05:00 AM', -300)).toBe(Date.UTC(2015, 0, 2, 5, 5));
    expect(parseLocalTime('2026-04-31 10:00', cst)).toBeNull();
    expect(parseLocalTime('yesterday', cst)).toBeNull();
    expect(() => parseUtcOffset('Beijing')).toThrow(/\+08:00/);
  });

  it('maps source categories to the twin’s by keyword, a mapping file winning', () => {
    expect(categoryFor('噪音扰民')).toBe('noise');
    expect(categoryFor('Noise - Residential')).toBe('noise');
    expect(categoryFor('Street Light Condition')).toBe('streetlight');
    expect(categoryFor('Rodent Activity')).toBe('garbage');
    expect(categoryFor('道路积水')).toBe('waterlogging');
    expect(categoryFor('Illegal Parking')).toBe('other');
    expect(categoryFor('Illegal Parking', { 'Illegal Parking': 'street_vending' })).toBe('street_vending');
  });
});

describe.skipIf(!haveReal)('import tickets into a twin', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'civictwin-tickets-'));
    db = await bostonTwin(dir);
  }, 120_000);

  it('a real 311 export reproduces its counts per category and month, and the KPI figures see it', async () => {
    const r = await importTickets(db, BOSTON, { offsetMin: -300 });
    expect(r.skipped).toEqual([]);
    expect(r.imported).toBe(2171);
    expect(r.columns.created).toBe('OPEN_DT');
    // The file's own counts, read independently: OPEN_DT is MM/DD/YYYY in Boston's time.
    const rows = parse(readFileSync(BOSTON, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
    const expected = new Map<string, number>();
    for (const row of rows) {
      const [mm, , yyyy] = row.OPEN_DT!.split(' ')[0]!.split('/');
      const key = `${row.TYPE}|${yyyy}-${mm}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const store = await openTwin(db, { readOnly: true });
    try {
      const got = await store.all<{ k: string; n: number | bigint }>(
        `SELECT source_category || '|' || strftime(reported_at - INTERVAL 5 HOUR, '%Y-%m') AS k, count(*) AS n FROM incidents GROUP BY k`,
      );
      expect(new Map(got.map((g) => [g.k, Number(g.n)]))).toEqual(expected);
      const closed = rows.filter((row) => row.CLOSED_DT!.trim() !== '').length;
      expect(Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM incident_steps WHERE step = 'closed'`))!.n)).toBe(closed);
      // The KPI dashboard over 2015 counts the same reports and handled tickets.
      const k = await computeKpis(store, { fromMs: Date.UTC(2015, 0, 1, 5), toMs: Date.UTC(2016, 0, 1, 5) }, Date.UTC(2016, 5, 1));
      expect(k.summary.reported).toBe(rows.length);
      expect(k.summary.handled).toBe(closed);
      expect(k.summary.medianHandlingMin).toBeGreaterThan(0);
    } finally {
      store.close();
    }
    // A second import of the same file adds nothing.
    const again = await importTickets(db, BOSTON, { offsetMin: -300 });
    expect(again.imported).toBe(0);
    expect(again.alreadyIn).toBe(2171);
    expect(await count(db, 'SELECT count(*) AS n FROM incidents')).toBe(2171);
  }, 120_000);

  it('a file of another city is refused whole, with the distance; nothing is written', async () => {
    const before = await count(db, 'SELECT count(*) AS n FROM events');
    await expect(importTickets(db, NYC, { offsetMin: -300 })).rejects.toThrow(/1000 of 1000 rows cannot be imported, so nothing was[\s\S]*km from the twin's area[\s\S]*--skip-invalid/);
    expect(await count(db, 'SELECT count(*) AS n FROM events')).toBe(before);
  }, 60_000);

  it('--skip-invalid imports the good rows and reports exactly the others; 12345 fields and addresses work', async () => {
    const file = join(dir, '12345工单-2026-11.csv');
    writeFileSync(
      file,
      [
        '工单编号,受理时间,办结时间,诉求类别,诉求内容,事发地址,经度,纬度,办理状态,满意度',
        'A1,2026-11-02 09:00:00,2026-11-02 15:30:00,噪音扰民,夜间施工,,-71.0598,42.3601,已办结,满意',
        'A2,2026-11-03 10:00:00,,环境卫生,垃圾未清运,Dorchester 2,,,处理中,',
        'A3,not a time,2026-11-03 12:00:00,噪音扰民,,,-71.06,42.36,已办结,',
        'A4,2026-11-05 10:00:00,2026-11-04 10:00:00,路灯损坏,,,-71.06,42.36,已办结,',
        'A5,2026-11-06 10:00:00,2026-11-06 18:00:00,道路积水,,Nowhere 99,,,已办结,不满意',
        'A6,2026-11-07 10:00:00,,占道经营,,,-73.95,40.65,处理中,',
        'A7,2026-11-08 10:00:00,2026-11-08 11:00:00,设施损坏,井盖破损,,-71.0727,42.2912,已办结,七星',
        'A8,2026-11-09 10:00:00,2026-11-09 12:00:00,路灯损坏,,,-71.0727,42.2912,已办结,3',
      ].join('\n'),
    );
    const before = await count(db, 'SELECT count(*) AS n FROM incidents');
    const r = await importTickets(db, file, { offsetMin: 480, skipInvalid: true });
    expect(r.skipped.map((p) => [p.line, p.id])).toEqual([
      [4, 'A3'],
      [5, 'A4'],
      [6, 'A5'],
      [7, 'A6'],
      [8, 'A7'],
    ]);
    expect(r.skipped[0]!.reason).toMatch(/受理时间 "not a time" is not a date/);
    expect(r.skipped[1]!.reason).toMatch(/before/);
    expect(r.skipped[2]!.reason).toMatch(/address "Nowhere 99" is no building's address/);
    expect(r.skipped[3]!.reason).toMatch(/km from the twin's area/);
    expect(r.skipped[4]!.reason).toMatch(/not a rating/);
    expect(r.reportPath).not.toBeNull();
    const report = readFileSync(r.reportPath!, 'utf8').trim().split('\n');
    expect(report).toHaveLength(1 + 5);
    expect(r.imported).toBe(3);
    expect(r.placedByAddress).toBe(1);
    expect(await count(db, 'SELECT count(*) AS n FROM incidents')).toBe(before + 3);
    const store = await openTwin(db, { readOnly: true });
    try {
      const rows = await store.all<{ category: string; source_category: string; building_id: number | null; rating: number | null; closed: boolean }>(
        `SELECT i.category, i.source_category, i.building_id,
                max(s.rating) AS rating, bool_or(s.step = 'closed') AS closed
           FROM incidents i JOIN incident_steps s ON s.incident_id = i.id
          WHERE i.id LIKE 'T:12345%' GROUP BY ALL ORDER BY min(i.reported_at)`,
      );
      expect(rows.map((x) => [x.category, x.source_category, x.rating, x.closed])).toEqual([
        ['noise', '噪音扰民', 5, true],
        ['garbage', '环境卫生', null, false],
        ['streetlight', '路灯损坏', 3, true],
      ]);
      // The address put A2 on its building; A1's coordinates are within 40 m of the downtown one.
      expect(rows.every((x) => x.building_id !== null)).toBe(true);
    } finally {
      store.close();
    }
  }, 60_000);

  it('a twin of imported data only has no live feed configured: its silence is not an interruption', async () => {
    const store = await DuckDbStore.open(db);
    const services = await createServices(store, { host: 'web', personalData: 'masked' });
    try {
      expect((await services.api.live.getLiveSnapshot()).feed.configured).toBe(false);
      // The first event through the ingest sets the feed up.
      const r = await services.ingest.ingestValues([{ id: `live-${Date.now()}`, type: 'incident.reported', ts: new Date().toISOString(), source: 'camera-1', data: { incidentId: 'L1', category: 'garbage', severity: 2, lon: -71.0598, lat: 42.3601, reporter: 'camera' } }], 'http');
      expect(r.accepted).toBe(1);
      expect((await services.api.live.getLiveSnapshot()).feed.configured).toBe(true);
    } finally {
      services.stop();
      await store.closeWhenIdle();
    }
  }, 60_000);

  it('--dry-run writes nothing', async () => {
    const before = await count(db, 'SELECT count(*) AS n FROM events');
    const r = await importTickets(db, join(REAL, 'boston-311-sample.csv'), { offsetMin: -300, dryRun: true });
    expect(r.imported).toBe(100);
    expect(r.dryRun).toBe(true);
    expect(await count(db, 'SELECT count(*) AS n FROM events')).toBe(before);
  }, 60_000);
});
