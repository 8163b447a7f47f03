/**
 * History that lasts: the retention policy moves old rows to day-partitioned Parquet and deletes
 * them from the twin without losing or doubling a row; replay over an archived period shows the
 * same state as before; the file gives space back (reuse on the host, a smaller file after
 * compaction); the live snapshot stays bounded with tens of thousands of open incidents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { generateDistrict } from '../../data/seed/generateDistrict.ts';
import { refreshBuildingStats } from '../../data/store/buildingStats.ts';
import { IngestService } from '../../electron/services/IngestService.ts';
import { LiveService } from '../../electron/services/LiveService.ts';
import { SNAPSHOT_OPEN_INCIDENTS } from '../../electron/services/incidents/incidentQueries.ts';
import { archiveDirFor, listArchiveFiles } from '../../data/store/archive.ts';
import { compactTwin, lastRetentionRun, parseKeepSetting, readPolicy, runRetention, scheduleRetention, setPolicy } from '../../data/store/retention.ts';
import { encodeColumns } from '../../data/feed/columnar.ts';
import type { LiveSnapshot } from '../../electron/common/dto.ts';
import { tempDir } from './helpers.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

const tmp = tempDir('civictwin-retention-');
afterAll(() => tmp.cleanup());

/** Fixes of 20 resources every 2 minutes over [from, to) (57,600 over 4 days), sent as a producer would. */
async function ingestPositions(store: DuckDbStore, from: number, to: number): Promise<void> {
  const clock = { now: from };
  const ingest = new IngestService(await store.connectAgain(), { now: () => clock.now });
  const resources = await store.all<{ id: number; lon: number; lat: number }>('SELECT id, lon, lat FROM resources ORDER BY id LIMIT 20');
  let batch: object[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const r = await ingest.ingestValues(batch, 'http');
    expect(r.rejected).toEqual([]);
    batch = [];
  };
  for (let t = from; t < to; t += 120_000) {
    clock.now = t + 1000;
    resources.forEach((r, k) => {
      const phase = (t - from) / HOUR + k;
      batch.push({
        id: `pos-${r.id}-${t}`, type: 'resource.position', ts: iso(t), source: 'gps',
        data: { resourceId: r.id, lon: r.lon + 0.002 * Math.sin(phase), lat: r.lat + 0.002 * Math.cos(phase), heading: (phase * 30) % 360, speed: 4, status: 'en_route' },
      });
    });
    if (batch.length >= 4000) await flush();
  }
  await flush();
  ingest.close();
}

/** A seeded twin with 4 days of position fixes (10 to 6 days ago), and incidents, sensor readings and bad input 40 days ago. */
async function twinWithHistory(path: string): Promise<{ store: DuckDbStore; seededBytes: number }> {
  const store = await DuckDbStore.open(path, { create: true });
  await generateDistrict(store, { seed: 5, buildings: 120 });
  await refreshBuildingStats(store);
  await store.checkpoint();
  const seededBytes = statSync(path).size;
  await ingestPositions(store, NOW - 10 * DAY, NOW - 6 * DAY);
  // 40 days ago: incidents through their closed loop, sensor readings, and input that was refused.
  const old = NOW - 40 * DAY;
  const clock = { now: old + 2 * HOUR };
  const ingest = new IngestService(await store.connectAgain(), { now: () => clock.now });
  const [lon, lat] = [121.42, 28.38];
  const events: object[] = [];
  for (let i = 0; i < 30; i++) {
    const ts = old + i * 60_000;
    events.push({ id: `old-inc-${i}`, type: 'incident.reported', ts: iso(ts), source: 'hotline', data: { incidentId: `OLD-${i}`, category: 'garbage', severity: 2, lon, lat, reporter: 'hotline' } });
    events.push({ id: `old-acc-${i}`, type: 'incident.status', ts: iso(ts + 5 * 60_000), source: 'console', data: { incidentId: `OLD-${i}`, status: 'accepted' } });
    if (i % 2 === 0) events.push({ id: `old-close-${i}`, type: 'incident.status', ts: iso(ts + 60 * 60_000), source: 'console', data: { incidentId: `OLD-${i}`, status: 'closed', rating: 5 } });
    events.push({ id: `old-sensor-${i}`, type: 'sensor.reading', ts: iso(ts), source: 'river', data: { sensorId: 'WL-1', kind: 'water_level', value: 2 + i / 100 } });
  }
  expect((await ingest.ingestValues(events, 'http')).accepted).toBe(events.length);
  expect((await ingest.ingestNdjson('not json\n{"id":1}', 'http')).rejected).toHaveLength(2);
  ingest.close();
  await store.checkpoint();
  return { store, seededBytes };
}

const count = async (store: DuckDbStore, sql: string): Promise<number> => Number((await store.one<{ n: bigint }>(sql))!.n);

/** A snapshot without the parts that describe the host rather than the moment. */
const moment = (s: LiveSnapshot): unknown => ({ ...s, feed: null });

describe('retention and the Parquet archive', () => {
  const path = tmp.path('history.duckdb');
  let store: DuckDbStore;
  let live: LiveService;
  const cutoff = Math.floor((NOW - 7 * DAY) / DAY) * DAY;
  // Moments the timeline can be asked for: well inside the archived period, one whose 6-hour
  // look-back straddles the cutoff, and one in the days of the old incidents.
  const moments = [NOW - 9 * DAY + 3 * HOUR, cutoff + 2 * HOUR, NOW - 40 * DAY + 90 * 60_000];
  const before = new Map<number, unknown>();
  let positionsBefore = 0;
  let sizeBefore = 0;
  let seededBytes = 0;

  beforeAll(async () => {
    ({ store, seededBytes } = await twinWithHistory(path));
    live = new LiveService(store, { ingest: null, simulated: false, now: () => NOW });
    for (const t of moments) before.set(t, moment(await live.getStateAt(t)));
    positionsBefore = await count(store, `SELECT count(*) AS n FROM resource_positions WHERE ts < epoch_ms(${cutoff})`);
    sizeBefore = statSync(path).size;
  });
  afterAll(() => store.close());

  it('has sensible defaults with limits, settable in the twin', async () => {
    const policy = Object.fromEntries((await readPolicy(store)).map((p) => [p.rule.rule, p.keepDays]));
    expect(policy).toMatchObject({ resource_positions: 7, sensor_readings: 30, meter_readings: 400, events: 365, dead_letters: 30, incidents: 31 });
    expect(() => parseKeepSetting('meter_readings=30')).toThrow(/from 90 to 3660 days/);
    expect(() => parseKeepSetting('events=7')).toThrow(/from 31/);
    expect(() => parseKeepSetting('nonsense=7')).toThrow(/Unknown retention rule "nonsense"; use one of resource_positions/);
    expect(() => parseKeepSetting('resource_positions')).toThrow(/rule=days/);
    await setPolicy(store, 'sensor_readings', 60, 'test');
    expect((await readPolicy(store)).find((p) => p.rule.rule === 'sensor_readings')).toMatchObject({ keepDays: 60, source: { by: 'test' } });
    await setPolicy(store, 'sensor_readings', 30, 'test');
  });

  it('a dry run counts and changes nothing', async () => {
    const r = await runRetention(store, { now: NOW, dryRun: true });
    expect(r.rules.find((x) => x.rule === 'resource_positions')?.rows).toBe(positionsBefore);
    expect(existsSync(archiveDirFor(path))).toBe(false);
    expect(await count(store, 'SELECT count(*) AS n FROM resource_positions')).toBe(57_600);
  });

  it('moves old rows to day-partitioned Parquet, deletes them from the twin, and replay shows the same state', async () => {
    const r = await runRetention(store, { now: NOW });
    const dir = archiveDirFor(path);
    // Positions before the cutoff: out of the twin, every one of them in the archive, once.
    expect(await count(store, `SELECT count(*) AS n FROM resource_positions WHERE ts < epoch_ms(${cutoff})`)).toBe(0);
    const archived = await store.one<{ n: bigint; ids: bigint; days: bigint; wrong: bigint }>(
      `SELECT count(*) AS n, count(DISTINCT event_id) AS ids, count(DISTINCT day) AS days,
              count(*) FILTER (WHERE strftime(ts, '%Y-%m-%d') <> strftime(day, '%Y-%m-%d')) AS wrong
       FROM read_parquet('${dir}/resource_positions/*/*.parquet', hive_partitioning = true)`,
    );
    expect(Number(archived!.n)).toBe(positionsBefore);
    expect(Number(archived!.ids)).toBe(positionsBefore);
    expect(Number(archived!.wrong)).toBe(0);
    expect(readdirSync(join(dir, 'resource_positions')).every((d) => /^day=\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
    expect(r.rules.find((x) => x.rule === 'resource_positions')).toMatchObject({ rows: positionsBefore, cutoffMs: cutoff });
    // The telemetry log and sensor readings 40 days old are gone too (archived); dead letters as well.
    expect(await count(store, `SELECT count(*) AS n FROM sensor_readings`)).toBe(0);
    expect(await count(store, `SELECT count(*) AS n FROM events WHERE type = 'sensor.reading'`)).toBe(0);
    expect(await count(store, `SELECT count(*) AS n FROM read_parquet('${dir}/sensor_readings/*/*.parquet')`)).toBe(30);
    expect(await count(store, `SELECT count(*) AS n FROM dead_letters`)).toBe(0);
    expect(await count(store, `SELECT count(*) AS n FROM read_parquet('${dir}/dead_letters/*/*.parquet')`)).toBe(2);
    // Incident events are kept a year; incidents and their steps are never deleted, only copied.
    expect(await count(store, `SELECT count(*) AS n FROM events WHERE type LIKE 'incident.%'`)).toBe(75);
    expect(await count(store, `SELECT count(*) AS n FROM incidents`)).toBe(30);
    expect(await count(store, `SELECT count(*) AS n FROM read_parquet('${dir}/incidents/*/*.parquet')`)).toBe(30);
    expect(await count(store, `SELECT count(*) AS n FROM read_parquet('${dir}/incident_steps/*/*.parquet')`)).toBe(75);
    // The timeline over the archived period rebuilds exactly what it showed before.
    for (const t of moments) expect(moment(await live.getStateAt(t))).toEqual(before.get(t));
    const mid = await live.getStateAt(moments[0]!);
    expect(Array.from(mid.positions.tsMs).filter((x) => x > 0)).toHaveLength(20); // the positions did come from the archive
    // The host's path: DELETE + CHECKPOINT does not shrink the file on DuckDB 1.5 (the checkpoint
    // writes the changed row groups before it frees the old ones); the freed blocks are left for
    // later inserts to reuse. Compaction (below) is what gives the space back to the disk.
    expect(r.deletedRows).toBeGreaterThan(positionsBefore);
    expect(r.freeBytesAfter).toBeGreaterThan(0);
    console.log(`host path: twin ${(seededBytes / 1e6).toFixed(1)} MB seeded, ${(sizeBefore / 1e6).toFixed(1)} MB with 4 days of fixes, ${(r.fileBytesAfter / 1e6).toFixed(1)} MB after retention (${(r.freeBytesAfter / 1e6).toFixed(1)} MB of it free for reuse)`);
  });

  it('re-running is idempotent, removes the files of a run that never committed, and takes late events', async () => {
    const dir = archiveDirFor(path);
    const files = listArchiveFiles(dir, 'resource_positions');
    const again = await runRetention(store, { now: NOW });
    expect(again.archivedRows).toBe(0);
    expect(listArchiveFiles(dir, 'resource_positions')).toEqual(files);
    // A run killed after writing its Parquet but before its commit leaves a file with no record.
    const stray = join(dir, 'resource_positions', `day=${files[0]!.day}`, `20990101T000000Z-dead00-resource_positions-20990101_0.parquet`);
    copyFileSync(files[0]!.path, stray);
    // An event of the archived period arrives late (ingest takes events up to 30 days old).
    const ingest = new IngestService(await store.connectAgain(), { now: () => NOW });
    const late = { id: 'late-fix', type: 'resource.position', ts: iso(cutoff - 5 * HOUR), source: 'gps', data: { resourceId: 1, lon: 121.42, lat: 28.38 } };
    expect((await ingest.ingestValues([late], 'http')).accepted).toBe(1);
    ingest.close();
    const third = await runRetention(store, { now: NOW });
    expect(third.sweptFiles).toBe(1);
    expect(existsSync(stray)).toBe(false);
    expect(third.rules.find((x) => x.rule === 'resource_positions')?.rows).toBe(1);
    const archived = await store.one<{ n: bigint; ids: bigint }>(`SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM read_parquet('${dir}/resource_positions/*/*.parquet')`);
    expect(Number(archived!.n)).toBe(positionsBefore + 1);
    expect(Number(archived!.ids)).toBe(positionsBefore + 1);
    expect(await count(store, `SELECT count(*) AS n FROM resource_positions WHERE ts < epoch_ms(${cutoff})`)).toBe(0);
  });

  it('compaction shrinks the file, and the compacted twin replays the same', async () => {
    // Three weeks on, the raw log of those fixes (kept 31 days) goes too: a day more of it than of
    // the positions archived at NOW (how much depends on the time of day the test runs, as the
    // cutoffs are whole days, so it is compared with that count rather than a fixed number).
    expect((await runRetention(store, { now: NOW + 25 * DAY })).rules.find((x) => x.rule === 'events_telemetry')?.rows).toBeGreaterThan(positionsBefore);
    const { before: b, after } = await compactTwin(store);
    expect(after).toBeLessThan(b);
    expect(after).toBeLessThan(sizeBefore);
    console.log(`twin file: ${(sizeBefore / 1e6).toFixed(1)} MB before retention, ${(b / 1e6).toFixed(1)} MB after (host path), ${(after / 1e6).toFixed(1)} MB after compaction`);
    store = await DuckDbStore.open(path);
    live = new LiveService(store, { ingest: null, simulated: false, now: () => NOW });
    for (const t of moments) expect(moment(await live.getStateAt(t))).toEqual(before.get(t));
    // Keys and sequences survive the copy: a replayed id is still a duplicate, dead letters still number on.
    const ingest = new IngestService(await store.connectAgain(), { now: () => NOW });
    const fix = await store.one<{ id: string; ts: number }>("SELECT id, epoch_ms(ts) AS ts FROM events WHERE type = 'resource.position' ORDER BY ts DESC LIMIT 1");
    const again = { id: fix!.id, type: 'resource.position', ts: iso(Number(fix!.ts)), source: 'gps', data: { resourceId: 1, lon: 121.42, lat: 28.38 } };
    expect(await ingest.ingestValues([again], 'http')).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await ingest.ingestNdjson('{"bad": true}', 'http')).rejected).toHaveLength(1);
    ingest.close();
    expect(await count(store, 'SELECT max(id) AS n FROM dead_letters')).toBe(3);
  });

  it('civictwin archive runs the policy from the command line, and says so when a host holds the twin', async () => {
    await ingestPositions(store, NOW - 3 * DAY, NOW - 2.5 * DAY);
    const cli = (args: string[]) => spawnSync(process.execPath, ['electron/cli/civictwin.mjs', ...args], { encoding: 'utf8', timeout: 60_000 });
    // This process holds the twin as a host would: the command is refused in one line.
    const held = cli(['archive', '--db', path]);
    expect(held.status).toBe(1);
    expect(held.stderr.trim().split('\n')).toHaveLength(1);
    expect(held.stderr).toMatch(/is open in .*\(PID \d+.*stop that host first to archive/);
    store.close();
    const dry = cli(['archive', '--db', path, '--dry-run', '--keep', 'resource_positions=1']);
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toMatch(/would archive resource_positions/);
    const bad = cli(['archive', '--db', path, '--keep', 'events=3']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--keep events=3: must be from 31/);
    const real = cli(['archive', '--db', path, '--keep', 'resource_positions=1']);
    expect(real.status).toBe(0);
    expect(real.stdout).toMatch(/retention: archived [\d,]+ rows/);
    expect(real.stdout).toMatch(/compacted/);
  });
});

describe('the host runs the policy by itself', () => {
  it('at start when a run is overdue, logging what it archived, and not again until a day has passed', async () => {
    const store = await DuckDbStore.open(tmp.path('hosted.duckdb'), { create: true });
    try {
      await store.run(`INSERT INTO dead_letters (received_at, transport, reason, raw) VALUES (now()::TIMESTAMP - INTERVAL 40 DAY, 'http', 'bad', 'x')`);
      const lines: string[] = [];
      const first = scheduleRetention(store, { log: (l) => lines.push(l), startDelayMs: 10 });
      await expect.poll(() => lines.length, { timeout: 30_000 }).toBe(1);
      first.stop();
      expect(lines[0]).toMatch(/^retention: archived 1 rows \(dead_letters 1 \(before \d{4}-\d{2}-\d{2}\)\) to .*hosted\.duckdb\.archive, deleted 1 from the twin/);
      expect(await lastRetentionRun(store)).not.toBeNull();
      // A host restarted an hour later waits for the day to pass, but removes at once what a
      // killed run left in the archive (a file with no record in the twin).
      const [kept] = listArchiveFiles(archiveDirFor(store.path), 'dead_letters');
      const stray = join(kept!.path, '..', '20990101T000000Z-dead00-dead_letters-20990101_0.parquet');
      copyFileSync(kept!.path, stray);
      const second = scheduleRetention(store, { log: (l) => lines.push(l), startDelayMs: 10 });
      expect(await second.firstRunAt).toBeGreaterThan(Date.now() + 23 * HOUR);
      await expect.poll(() => lines.length, { timeout: 30_000 }).toBe(2);
      second.stop();
      expect(lines[1]).toMatch(/removed 1 archive files of a run that never committed/);
      expect(existsSync(stray)).toBe(false);
      expect(existsSync(kept!.path)).toBe(true);
    } finally {
      store.close();
    }
  });
});

describe('a table dated by day', () => {
  it('keeps meter_daily.day through the archive: the partition is the column', async () => {
    const store = await DuckDbStore.open(tmp.path('daily.duckdb'), { create: true });
    try {
      await store.run(`INSERT INTO meter_daily (household_id, day, water_l, power_kwh, night_min_l) SELECT h, DATE '2024-01-01' + d::INTEGER, h * 10 + d, d / 2, 0.5 FROM range(1, 4) a(h), range(0, 5) b(d)`);
      const original = await store.all<object>('SELECT household_id, day::VARCHAR AS day, water_l, power_kwh, night_min_l FROM meter_daily ORDER BY ALL');
      const r = await runRetention(store, { now: Date.parse('2026-01-01T00:00:00Z') });
      expect(r.rules.find((x) => x.rule === 'meter_daily')).toMatchObject({ rows: 15, days: 5 });
      expect(await count(store, 'SELECT count(*) AS n FROM meter_daily')).toBe(0);
      const glob = `${archiveDirFor(store.path)}/meter_daily/*/*.parquet`;
      const back = await store.all<object>(
        `SELECT household_id, day::VARCHAR AS day, water_l, power_kwh, night_min_l FROM read_parquet('${glob}', hive_partitioning = true) ORDER BY ALL`,
      );
      expect(back).toEqual(original);
    } finally {
      store.close();
    }
  });
});

describe('the live snapshot is bounded', () => {
  it('lists the 2,000 most urgent of 61,000 open incidents and counts the rest by grid, under 1 MB', async () => {
    const store = await DuckDbStore.open(tmp.path('flood.duckdb'), { create: true });
    try {
      await generateDistrict(store, { seed: 7, buildings: 200 });
      await refreshBuildingStats(store);
      const ingest = new IngestService(await store.connectAgain(), { now: () => NOW });
      const buildings = await store.all<{ id: number; lon: number; lat: number; grid_id: number }>('SELECT id, centroid_lon AS lon, centroid_lat AS lat, grid_id FROM buildings ORDER BY id');
      const total = 61_000;
      const expectedGrid = new Map<string, number>();
      for (let start = 0; start < total; start += 5000) {
        const batch = [];
        for (let i = start; i < Math.min(total, start + 5000); i++) {
          const b = buildings[i % buildings.length]!;
          // 100 fires reported an hour ago are overdue and critical: the queue's top.
          const urgent = i % 610 === 0;
          // Half name their building; the other half only their position (grid found by outline).
          batch.push({
            id: `flood-${i}`, type: 'incident.reported', ts: iso(urgent ? NOW - HOUR : NOW - 10 * 60_000 + (i % 500)), source: 'camera',
            data: { incidentId: `F-${i}`, category: urgent ? 'fire' : 'waterlogging', severity: urgent ? 4 : ((i % 3) + 1) as 1 | 2 | 3, lon: b.lon, lat: b.lat, reporter: 'camera', ...(i % 2 ? { buildingId: b.id } : {}) },
          });
          expectedGrid.set(`F-${i}`, b.grid_id);
        }
        expect((await ingest.ingestValues(batch, 'http')).accepted).toBe(batch.length);
      }
      ingest.close();
      const live = new LiveService(store, { ingest: null, simulated: false, now: () => NOW });
      const t0 = performance.now();
      const snap = await live.getLiveSnapshot();
      const ms = performance.now() - t0;
      const bytes = encodeColumns(snap).byteLength;
      console.log(`snapshot with ${total} open incidents: ${snap.incidents.length} listed, ${snap.incidentOverflow?.summarised} summarised in ${snap.incidentOverflow?.byGrid.length} grids; ${(bytes / 1e6).toFixed(2)} MB encoded, built in ${ms.toFixed(0)} ms`);
      expect(bytes).toBeLessThan(1_000_000);
      expect(snap.incidents).toHaveLength(SNAPSHOT_OPEN_INCIDENTS);
      expect(snap.incidents.filter((i) => i.category === 'fire')).toHaveLength(100);
      const o = snap.incidentOverflow!;
      expect(o).toMatchObject({ listed: SNAPSHOT_OPEN_INCIDENTS, summarised: total - SNAPSHOT_OPEN_INCIDENTS });
      // Each grid's count: the incidents not listed, by the grid of the building they were at.
      const listed = new Set(snap.incidents.map((i) => i.id));
      const want = new Map<number, number>();
      for (const [id, grid] of expectedGrid) if (!listed.has(id)) want.set(grid, (want.get(grid) ?? 0) + 1);
      expect(new Map(o.byGrid.map((g) => [g.gridId, g.count]))).toEqual(want);
      expect(o.byGrid.every((g) => g.gridName && g.maxSeverity >= 1 && g.oldestReportedAt <= NOW && g.overdue === 0)).toBe(true);
    } finally {
      store.close();
    }
  });
});
