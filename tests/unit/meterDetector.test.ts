/**
 * The meter detector on the generator's labelled anomalies, and on real smart-water-meter data
 * (DAIAD trial, Spain, CC BY-SA 4.0: ../shared/data/real/meters/) with anomalies injected into
 * real households' series.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { generateDistrict } from '../../data/seed/generateDistrict.ts';
import { dayAt, detectEpisodes, loadLabels, loadMeterMatrix, scoreEpisodes } from '../../data/analytics/meterDetector.ts';
import { readFirstZipEntry } from './zip.ts';
import { realDataDir, tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('meter detector on the generator’s labelled anomalies', () => {
  it('finds the labelled no-usage, night-flow and sudden-change episodes, and beats the domain rule on no-usage', async () => {
    const store = await DuckDbStore.open(tmp.path('seed.duckdb'), { create: true });
    await generateDistrict(store, { seed: 7, buildings: 400 });
    const span = (await store.one<{ a: string; b: string }>("SELECT strftime(min(day), '%Y-%m-%d') a, strftime(max(day), '%Y-%m-%d') b FROM meter_daily"))!;
    const matrix = await loadMeterMatrix(store, span.a, span.b);
    const from = dayAt(span.a, 36);
    const labels = await loadLabels(store, from, span.b);
    const ours = scoreEpisodes(detectEpisodes(matrix, 'civictwin', from), labels);
    const rule = scoreEpisodes(detectEpisodes(matrix, 'domain_rule', from), labels);
    for (const s of ours) {
      expect(s.labels, s.kind).toBeGreaterThan(5);
      expect(s.recall, s.kind).toBeGreaterThan(0.9);
      expect(s.precision, s.kind).toBeGreaterThan(0.9);
    }
    const ruleNoUsage = rule.find((s) => s.kind === 'no_usage')!;
    expect(ours.find((s) => s.kind === 'no_usage')!.recall).toBeGreaterThan(ruleNoUsage.recall);
    store.close();
  });
});

const REAL = realDataDir();

describe.skipIf(!REAL)('meter detector on real smart-meter data (DAIAD)', () => {
  it('flags few days on real households and finds no-usage days injected into their real series', async () => {
    const csv = join(tmp.dir, 'swm.csv');
    writeFileSync(csv, readFirstZipEntry(join(REAL!, 'meters/swm_trialA_extended.zip')));
    const store = await DuckDbStore.open(tmp.path('real.duckdb'), { create: true });
    // Hourly litres → one row per household-day: total, and the minimum hourly flow 01:00–05:00.
    // This trial has no electricity meter, so power is a steady 3 kWh a day (it never triggers).
    await store.run(`
      CREATE TEMP TABLE raw AS
      SELECT V1 AS meter, strptime(V2, '%d/%m/%Y %H:%M:%S') AS t, V4::DOUBLE AS litres
      FROM read_csv('${csv}', delim = ';', header = true, columns = {'V1': 'VARCHAR', 'V2': 'VARCHAR', 'V3': 'BIGINT', 'V4': 'BIGINT'})`);
    await store.run(`CREATE TEMP TABLE ids AS SELECT meter, row_number() OVER (ORDER BY meter)::INTEGER AS id FROM (SELECT DISTINCT meter FROM raw)`);
    await store.run(`INSERT INTO households (id, building_id, floor, slot, unit, size) SELECT id, 1, 1, 0, '101', 2 FROM ids`);
    await store.run(`
      INSERT INTO meter_daily
      SELECT i.id, t::DATE AS day, sum(litres), 3.0, coalesce(min(litres) FILTER (WHERE hour(t) BETWEEN 1 AND 4), 0)
      FROM raw JOIN ids i USING (meter) GROUP BY ALL HAVING count(*) >= 20`);
    const span = (await store.one<{ a: string; b: string; n: number; d: number }>(
      "SELECT strftime(min(day), '%Y-%m-%d') a, strftime(max(day), '%Y-%m-%d') b, count(DISTINCT household_id)::INTEGER n, count(*)::INTEGER d FROM meter_daily",
    ))!;
    expect(span.n).toBeGreaterThan(80);
    const from = dayAt(span.a, 36);
    const before = detectEpisodes(await loadMeterMatrix(store, span.a, span.b), 'civictwin', from);
    const flaggedDays = before.reduce((s, e) => s + e.days, 0);
    // Real households: a handful of genuine-looking events, not a flood of alarms.
    expect(flaggedDays / span.d).toBeLessThan(0.05);

    // Inject 2 dry days (no water, standby power) into 10 real households that use water daily.
    const victims = await store.all<{ household_id: number }>(`
      SELECT household_id FROM meter_daily WHERE day BETWEEN DATE '${from}' - 35 AND DATE '${from}' + 20
      GROUP BY 1 HAVING count(*) >= 50 AND min(water_l) > 30 ORDER BY household_id LIMIT 10`);
    expect(victims.length).toBe(10);
    const dryFrom = dayAt(from, 10);
    const dryTo = dayAt(from, 11);
    await store.run(`UPDATE meter_daily SET water_l = 0, power_kwh = 0.2 WHERE day BETWEEN DATE '${dryFrom}' AND DATE '${dryTo}'
      AND household_id IN (${victims.map((v) => v.household_id).join(',')})`);
    await store.run(`INSERT INTO meter_anomaly_labels SELECT household_id, 'no_usage', DATE '${dryFrom}', DATE '${dryTo}' FROM (VALUES ${victims.map((v) => `(${v.household_id})`).join(',')}) t(household_id)`);
    const matrix = await loadMeterMatrix(store, span.a, span.b);
    const labels = await loadLabels(store, from, span.b);
    const ours = scoreEpisodes(detectEpisodes(matrix, 'civictwin', from), labels).find((s) => s.kind === 'no_usage')!;
    const rule = scoreEpisodes(detectEpisodes(matrix, 'domain_rule', from), labels).find((s) => s.kind === 'no_usage')!;
    expect(ours.recall).toBeGreaterThanOrEqual(0.9);
    expect(ours.recall).toBeGreaterThanOrEqual(rule.recall);
    store.close();
  });
});
