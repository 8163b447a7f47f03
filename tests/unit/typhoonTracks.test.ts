/**
 * Typhoon tracks: the Chinese scales, both file formats (every real file in
 * ../shared/data/real/typhoon imports, Lekima in both with its landfall near Wenling), Beijing time,
 * errors that name the file, line or point and field (and nothing but such errors on mangled
 * input), idempotent import into a real DuckDB twin, live fix and forecast events with the newest
 * bulletin current and the older in history, and the `civictwin typhoon import` command.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { realDataDir, tempDir } from './helpers.ts';
import { civictwin, serveHost } from './twinProcesses.ts';
import { ImportError } from '../../data/import/ImportError.ts';
import { parseBeijingTime } from '../../data/import/typhoon/beijingTime.ts';
import { importTrackFiles, NoSuchStormError } from '../../data/import/typhoon/importTracks.ts';
import { parseTrackText, readTrackFile } from '../../data/import/typhoon/readTrackFiles.ts';
import { TrackImportError } from '../../data/import/typhoon/TrackImportError.ts';
import { TYPHOON_EVENT_SCHEMAS, type TyphoonIngestEvent } from '../../data/feed/typhoon/events.ts';
import {
  BEAUFORT_LOWER_MS, TC_GRADES, TC_GRADE_INFO, beaufortForce, beaufortRange, cmaCodeOfGrade, gradeForWind, gradeFromCmaCode, gradeFromText,
  warningSignalAt, warningSignalFor,
} from '../../data/model/typhoon/scales.ts';
import { distanceKm, trackStateAt } from '../../data/model/typhoon/track.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { applyTyphoonEvents } from '../../data/store/typhoon/projection.ts';
import { listStorms, readBulletinHistory, readCurrentForecasts, readStormTrack } from '../../data/store/typhoon/readTracks.ts';
import { saveStormTracks } from '../../data/store/typhoon/saveTracks.ts';

const REAL = realDataDir();
const TYPHOON = REAL === null ? '' : join(REAL, 'typhoon');
const realFiles = (): string[] => readdirSync(TYPHOON).sort().map((n) => join(TYPHOON, n));
const H = 3_600_000;
/** Lekima's landfall at Chengnan, Wenling: 2019-08-10 01:45 Beijing time. */
const LEKIMA_LANDFALL_UTC = Date.UTC(2019, 7, 9, 17, 45);

describe('Chinese scales', () => {
  it('Beaufort force from m/s, at both edges of every class', () => {
    for (let force = 0; force < BEAUFORT_LOWER_MS.length; force++) {
      const range = beaufortRange(force)!;
      expect(beaufortForce(range.minMs)).toBe(force);
      if (range.maxMs !== null) expect(beaufortForce(range.maxMs)).toBe(force);
    }
    expect([13.8, 13.9, 17.1, 17.2, 24.4, 24.5, 32.6, 32.7, 50.9, 51.0, 56.0, 56.1, 80].map(beaufortForce)).toEqual([6, 7, 7, 8, 9, 10, 11, 12, 15, 16, 16, 17, 17]);
    expect(beaufortRange(7)).toEqual({ minMs: 13.9, maxMs: 17.1 });
    expect(beaufortRange(17)).toEqual({ minMs: 56.1, maxMs: null });
    expect(beaufortForce(13.899999)).toBe(7); // a km/h conversion just under the edge
    expect([-1, NaN, Infinity].map(beaufortForce)).toEqual([null, null, null]);
    expect(beaufortRange(18)).toBeNull();
  });

  it('GB/T 19201-2006 grades, their Beaufort forces and the CMA grade codes', () => {
    const edges: [number, string][] = [[10.7, 'weak'], [10.8, 'TD'], [17.1, 'TD'], [17.2, 'TS'], [24.4, 'TS'], [24.5, 'STS'], [32.6, 'STS'], [32.7, 'TY'], [41.4, 'TY'], [41.5, 'STY'], [50.9, 'STY'], [51.0, 'SuperTY'], [70, 'SuperTY']];
    for (const [ms, grade] of edges) expect(gradeForWind(ms), `${ms} m/s`).toBe(grade);
    // The grades are bands of the Beaufort scale: TD 6–7, TS 8–9, STS 10–11, TY 12–13, STY 14–15, SuperTY 16+.
    const forces = { TD: [6, 7], TS: [8, 9], STS: [10, 11], TY: [12, 13], STY: [14, 15], SuperTY: [16, 17] } as const;
    for (const [grade, [lo, hi]] of Object.entries(forces)) {
      const info = TC_GRADE_INFO[grade as keyof typeof forces];
      expect(beaufortForce(info.minMs!)).toBe(lo);
      if (info.maxMs !== null) expect(beaufortForce(info.maxMs)).toBe(hi);
    }
    expect([0, 1, 2, 3, 4, 5, 6, 9].map(gradeFromCmaCode)).toEqual(['weak', 'TD', 'TS', 'STS', 'TY', 'STY', 'SuperTY', 'ET']);
    expect([7, 8, 10, -1].map(gradeFromCmaCode)).toEqual([null, null, null, null]);
    for (const g of TC_GRADES) expect(gradeFromCmaCode(cmaCodeOfGrade(g))).toBe(g);
    expect(gradeForWind(-3)).toBeNull();
  });

  it('grades named in text as Chinese sites write them', () => {
    expect(['热带低压(TD)', '热带风暴(TS)', '强热带风暴(STS)', '台风(TY)', '强台风(STY)', '超强台风(Super TY)', '超强台风（Super TY）', '台风', 'STS', '温带气旋', '变性温带气旋(ET)'].map(gradeFromText))
      .toEqual(['TD', 'TS', 'STS', 'TY', 'STY', 'SuperTY', 'SuperTY', 'TY', 'STS', 'ET', 'ET']);
    expect(gradeFromText('飓风')).toBeNull();
    expect(gradeFromText('')).toBeNull();
  });

  it('typhoon warning signals: blue, yellow within 24 h, orange within 12 h, red within 6 h', () => {
    expect(warningSignalFor([])).toBeNull();
    expect(warningSignalFor([{ hoursAhead: 20, meanForce: 5 }])).toBeNull();
    expect(warningSignalFor([{ hoursAhead: 20, meanForce: 6 }])).toBe('blue');
    expect(warningSignalFor([{ hoursAhead: 20, meanForce: 5, gustForce: 8 }])).toBe('blue');
    expect(warningSignalFor([{ hoursAhead: 25, meanForce: 12 }])).toBeNull(); // beyond every rule's hours
    expect(warningSignalFor([{ hoursAhead: 23, meanForce: 8 }])).toBe('yellow');
    expect(warningSignalFor([{ hoursAhead: 23, meanForce: 6, gustForce: 10 }])).toBe('yellow');
    expect(warningSignalFor([{ hoursAhead: 13, meanForce: 10 }])).toBe('yellow'); // force 10, but more than 12 h away
    expect(warningSignalFor([{ hoursAhead: 12, meanForce: 10 }])).toBe('orange');
    expect(warningSignalFor([{ hoursAhead: 7, meanForce: 12 }])).toBe('orange');
    expect(warningSignalFor([{ hoursAhead: 6, meanForce: 12 }])).toBe('red');
    expect(warningSignalFor([{ hoursAhead: 0, meanForce: 9, gustForce: 14 }])).toBe('red'); // already blowing
    expect(warningSignalFor([{ hoursAhead: -1, meanForce: 14 }])).toBeNull(); // the past does not count
    expect(warningSignalFor([{ hoursAhead: 20, meanForce: 7 }, { hoursAhead: 5, meanForce: 13 }])).toBe('red');
    // Seen from each hour, a storm arriving at a place escalates the signal.
    const arrival = Date.UTC(2019, 7, 9, 18);
    const series = [-30, -20, -10, -5, 0].map((h, i) => ({ timeMs: arrival + h * H, meanForce: [5, 6, 8, 10, 12][i]!, gustForce: null }));
    const at = (hBefore: number) => warningSignalAt(series, arrival - hBefore * H);
    expect([at(60), at(50), at(40), at(30), at(12), at(6), at(0)]).toEqual([null, null, 'blue', 'yellow', 'orange', 'red', 'red']);
  });
});

describe('reading a track between fixes', () => {
  const point = (h: number, lon: number, wind: number, r10: number | null) => ({
    timeUtcMs: h * H, lon, lat: 28, pressureHpa: 950 - h, maxWindMs: wind, grade: 'TY' as const, isForecast: false,
    radii: { r7: { ne: 300, se: 300, sw: 200, nw: 200 }, r10: r10 === null ? null : { ne: r10, se: r10, sw: r10, nw: r10 }, r12: null },
  });
  it('interpolates position, intensity and each quadrant\'s radius; nothing outside the track', () => {
    const track = [point(0, 122, 40, null), point(6, 121, 46, 120)];
    const mid = trackStateAt(track, 3 * H)!;
    expect([mid.lon, mid.lat, mid.maxWindMs, mid.pressureHpa, mid.grade]).toEqual([121.5, 28, 43, 947, 'TY']);
    expect(mid.radii!.r7).toEqual({ ne: 300, se: 300, sw: 200, nw: 200 });
    expect(mid.radii!.r10).toEqual({ ne: 60, se: 60, sw: 60, nw: 60 }); // a circle that appears grows from nothing
    expect(mid.radii!.r12).toBeNull();
    expect(trackStateAt(track, 6 * H)!.lon).toBe(121);
    expect([trackStateAt(track, -1), trackStateAt(track, 6 * H + 1), trackStateAt([], 0), trackStateAt(track, NaN)]).toEqual([null, null, null, null]);
    expect(distanceKm(121, 28, 121, 29)).toBeCloseTo(111.2, 1);
  });
});

describe('Beijing time', () => {
  it('converts times without a zone suffix from UTC+8, keeps times with one', () => {
    expect(parseBeijingTime('2019-08-10T01:45:00')).toBe(LEKIMA_LANDFALL_UTC);
    expect(parseBeijingTime('2019-08-10 01:45')).toBe(LEKIMA_LANDFALL_UTC);
    expect(parseBeijingTime('2019/8/10 1:45:00')).toBe(LEKIMA_LANDFALL_UTC);
    expect(parseBeijingTime('2019-01-01T05:00:00')).toBe(Date.UTC(2018, 11, 31, 21)); // across the year
    expect(parseBeijingTime('2019-08-09T17:45:00Z')).toBe(LEKIMA_LANDFALL_UTC);
    expect(parseBeijingTime('2019-08-10T01:45:00+08:00')).toBe(LEKIMA_LANDFALL_UTC);
    expect(parseBeijingTime('2019-08-09T12:45:00-05:00')).toBe(LEKIMA_LANDFALL_UTC);
    for (const bad of ['2019-02-30T00:00:00', '2019-08-10T24:00:00', '2019-13-01T00:00:00', 'yesterday', '', '2019-08-10']) {
      expect(parseBeijingTime(bad), bad).toBeNull();
    }
  });
});

describe.skipIf(REAL === null)('real track files (../shared/data/real/typhoon)', () => {
  it('every file imports: all storms and all points of each', async () => {
    const files = realFiles();
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const path of files) {
      const file = await readTrackFile(path);
      const text = readFileSync(path, 'utf8');
      if (file.format === 'cma-bst') {
        // Counted from the file itself: one storm per header, the header's declared number of points.
        const headers = text.split('\n').filter((l) => l.startsWith('66666'));
        expect(file.tracks.length, basename(path)).toBe(headers.length);
        const declared = headers.map((h) => Number(h.split(/\s+/)[2]));
        expect(file.tracks.map((t) => t.fixes.length)).toEqual(declared);
      } else {
        const json = JSON.parse(text) as { points: unknown[]; land: unknown[] }[];
        expect(file.tracks.map((t) => t.fixes.length)).toEqual(json.map((s) => s.points.length));
        expect(file.tracks.map((t) => t.landfalls.length)).toEqual(json.map((s) => s.land.length));
      }
    }
  });

  it('CMA best-track points carry the file\'s time, grade, position, pressure and wind', async () => {
    for (const path of realFiles().filter((p) => p.endsWith('.txt'))) {
      const { tracks } = await readTrackFile(path);
      const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('66666'));
      const points = tracks.flatMap((t) => t.fixes);
      expect(points.length).toBe(lines.length);
      lines.forEach((line, i) => {
        const [time, grade, lat, lon, pressure, wind] = line.trim().split(/\s+/);
        const p = points[i]!;
        expect(new Date(p.timeUtcMs).toISOString().slice(0, 13).replace(/\D/g, '')).toBe(time);
        expect(p.grade).toBe(gradeFromCmaCode(Number(grade)));
        expect([p.lat, p.lon, p.pressureHpa, p.maxWindMs]).toEqual([Number(lat) / 10, Number(lon) / 10, Number(pressure), Number(wind)]);
        expect(p.radii).toBeNull();
      });
    }
  });

  it('Wenzhou points carry the file\'s values, with Beijing time converted to UTC', async () => {
    for (const path of realFiles().filter((p) => p.endsWith('.json'))) {
      const [track] = (await readTrackFile(path)).tracks;
      const [json] = JSON.parse(readFileSync(path, 'utf8')) as { points: Record<string, unknown>[] }[];
      json!.points.forEach((raw, i) => {
        const p = track!.fixes[i]!;
        // Independently: the same wall-clock time read with an explicit +08:00.
        expect(p.timeUtcMs).toBe(Date.parse(`${raw.time as string}+08:00`));
        expect([p.lon, p.lat, p.maxWindMs, p.pressureHpa]).toEqual([raw.lng, raw.lat, raw.speed, raw.pressure]);
        expect(p.grade).toBe(gradeFromText(raw.strong as string));
        for (const force of [7, 10, 12] as const) {
          const quad = raw[`radius${force}_quad`] as Record<string, number | null>;
          for (const q of ['ne', 'se', 'sw', 'nw'] as const) {
            const want = quad[q] ? quad[q] : null;
            expect(p.radii?.[`r${force}`]?.[q] ?? null, `${basename(path)} points[${i}] radius${force}_quad.${q}`).toBe(want);
          }
        }
      });
    }
  });

  it('Lekima (1909) is in both formats, with its landfall near Wenling at 01:45 Beijing time (17:45 UTC on the 9th)', async () => {
    const all = (await Promise.all(realFiles().map(readTrackFile))).flatMap((f) => f.tracks);
    const lekima = all.filter((t) => t.storm.number === '1909');
    expect(lekima.map((t) => t.storm.id).sort()).toEqual(['CMA:1909', 'WZTF:1909']);
    const cma = lekima.find((t) => t.storm.agency === 'CMA')!;
    const wz = lekima.find((t) => t.storm.agency === 'WZTF')!;
    expect([cma.storm.name, wz.storm.name, wz.storm.nameZh, cma.storm.year, wz.storm.year]).toEqual(['LEKIMA', 'Lekima', '利奇马', 2019, 2019]);

    const landfall = wz.landfalls[0]!;
    expect(landfall.timeUtcMs).toBe(LEKIMA_LANDFALL_UTC);
    expect(new Date(landfall.timeUtcMs).toISOString()).toBe('2019-08-09T17:45:00.000Z');
    expect(landfall.place).toContain('温岭');
    expect(distanceKm(landfall.lon, landfall.lat, 121.4, 28.3)).toBeLessThan(20); // Chengnan, Wenling
    // The last fix before landfall (01:00 Beijing time): a super typhoon of 52 m/s (force 16).
    expect([landfall.maxWindMs, landfall.pressureHpa, landfall.grade]).toEqual([52, 925, 'SuperTY']);
    expect(beaufortForce(landfall.maxWindMs!)).toBe(16);
    expect(wz.landfalls[1]!.place).toContain('青岛');

    // The best track has no landfall records, but its track crosses the coast there and then.
    expect(cma.landfalls).toEqual([]);
    const atLandfall = trackStateAt(cma.fixes, LEKIMA_LANDFALL_UTC)!;
    expect(distanceKm(atLandfall.lon, atLandfall.lat, landfall.lon, landfall.lat)).toBeLessThan(25);
    // The CMA fix at 02:00 Beijing time on the 10th, as the file gives it: 28.3°N 121.4°E, 930 hPa, 52 m/s, code 6.
    const fix = cma.fixes.find((p) => p.timeUtcMs === Date.UTC(2019, 7, 9, 18))!;
    expect([fix.lat, fix.lon, fix.pressureHpa, fix.maxWindMs, fix.grade]).toEqual([28.3, 121.4, 930, 52, 'SuperTY']);
    // Peak of both records: 62 m/s, 915 hPa.
    for (const t of [cma, wz]) expect(Math.max(...t.fixes.map((p) => p.maxWindMs ?? 0))).toBe(62);
    // Near landfall the Wenzhou record has the wind circles TYPHOON.md quotes: gale 280–380 km, force 10 100 km, force 12 40 km.
    const beforeLandfall = wz.fixes.find((p) => p.timeUtcMs === Date.UTC(2019, 7, 9, 17))!;
    expect(beforeLandfall.radii).toEqual({ r7: { ne: 380, se: 380, sw: 350, nw: 280 }, r10: { ne: 100, se: 100, sw: 100, nw: 100 }, r12: { ne: 40, se: 40, sw: 40, nw: 40 } });
  });
});

describe.skipIf(REAL === null)('the typhoon tables', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: DuckDbStore;
  beforeEach(async () => {
    tmp = tempDir('civictwin-typhoon-');
    store = await DuckDbStore.open(tmp.path('twin.duckdb'), { create: true });
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });
  const count = async (table: string): Promise<number> => Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`))!.n);
  const counts = async () => ({
    storms: await count('typhoon_storms'), points: await count('typhoon_track_points'), landfalls: await count('typhoon_landfalls'), bulletins: await count('typhoon_bulletins'),
  });

  it('importing the same files again updates the storms in place, never duplicates them', async () => {
    const first = await importTrackFiles(store, [TYPHOON]);
    const after = await counts();
    const files = await Promise.all(realFiles().map(readTrackFile));
    const tracks = files.flatMap((f) => f.tracks);
    expect(after).toEqual({
      storms: tracks.length,
      points: tracks.reduce((n, t) => n + t.fixes.length, 0),
      landfalls: tracks.reduce((n, t) => n + t.landfalls.length, 0),
      bulletins: 0,
    });
    expect(first.saved.every((s) => s.created)).toBe(true);

    const again = await importTrackFiles(store, [TYPHOON]);
    expect(await counts()).toEqual(after);
    expect(again.saved.some((s) => s.created)).toBe(false);
    // The same storm named by both its files, or a file named twice, is one storm.
    await importTrackFiles(store, [join(TYPHOON, '201909.json'), join(TYPHOON, '201909.json'), join(TYPHOON, 'CH2019BST.txt')], { storms: ['1909'] });
    expect(await counts()).toEqual(after);

    // A corrected file replaces the storm's record: here Lekima's Wenzhou track without its last point and a landfall.
    const [json] = JSON.parse(readFileSync(join(TYPHOON, '201909.json'), 'utf8')) as { points: unknown[]; land: unknown[] }[];
    json!.points.pop();
    json!.land.pop();
    writeFileSync(tmp.path('201909-corrected.json'), JSON.stringify([json]));
    const corrected = await importTrackFiles(store, [tmp.path('201909-corrected.json')]);
    expect(corrected.saved).toEqual([{ stormId: 'WZTF:1909', created: false, fixes: 157, bulletins: 0, landfalls: 1 }]);
    expect(await counts()).toEqual({ ...after, points: after.points - 1, landfalls: after.landfalls - 1 });
  });

  it('reads back what the files say: Lekima\'s figures and landfall from the twin', async () => {
    const report = await importTrackFiles(store, [TYPHOON], { storms: ['利奇马'] });
    // Asked for by its Chinese name, which only the Wenzhou file gives: the best track's Lekima comes too.
    expect(report.saved.map((s) => s.stormId).sort()).toEqual(['CMA:1909', 'WZTF:1909']);
    const [cma, wz] = await listStorms(store, { number: '1909' });
    expect(cma!.storm.id).toBe('CMA:1909');
    expect([cma!.fixes, cma!.peak, cma!.minPressureHpa]).toEqual([62, { timeUtcMs: Date.UTC(2019, 7, 8, 12), maxWindMs: 62, pressureHpa: 915, grade: 'SuperTY' }, 915]);
    expect(wz!.landfalls[0]).toEqual({ timeUtcMs: LEKIMA_LANDFALL_UTC, lon: 121.5, lat: 28.2, place: '浙江省温岭市', pressureHpa: 925, maxWindMs: 52, grade: 'SuperTY' });
    const stored = await readStormTrack(store, 'WZTF:1909');
    const fromFile = (await readTrackFile(join(TYPHOON, '201909.json'))).tracks[0]!;
    expect(stored!.fixes).toEqual(fromFile.fixes);
    expect(stored!.storm).toEqual(fromFile.storm);
  });

  it('asked for a storm no file holds: says so and suggests the name meant', async () => {
    const err = await importTrackFiles(store, [TYPHOON], { storms: ['Lekma'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoSuchStormError);
    expect((err as Error).message).toMatch(/matches "Lekma" \(did you mean Lekima\?\)/);
    expect(await count('typhoon_storms')).toBe(0);
  });

  it('forecasts in Wenzhou JSON: each point\'s bulletins by agency, lead times from the fix, the newest current', async () => {
    const [json] = JSON.parse(readFileSync(join(TYPHOON, '201909.json'), 'utf8')) as { points: Record<string, unknown>[] }[];
    const at = (time: string) => json!.points.find((p) => p.time === time)!;
    // As the site publishes them: the first position repeats the fix; older bulletins wrote numbers as strings and times with slashes.
    at('2019-08-09T08:00:00').forecast = [
      { tm: '中国', forecastpoints: [
        { time: '2019-08-09T08:00:00', lng: 122.0, lat: 27.5, strong: '超强台风(Super TY)', power: 16, speed: 52, pressure: 930 },
        { time: '2019-08-09T20:00:00', lng: 121.5, lat: 28.4, strong: '超强台风(Super TY)', power: 16, speed: 52, pressure: 930 },
        { time: '2019-08-10T08:00:00', lng: 120.9, lat: 29.6, strong: '强热带风暴(STS)', power: 11, speed: 30, pressure: 975 },
      ] },
      { tm: '日本', forecastpoints: [{ time: '2019/8/9 20:00:00', lng: '121.6', lat: '28.3', strong: '台风', power: '13', speed: '40', pressure: '' }] },
    ];
    at('2019-08-09T14:00:00').forecast = [
      { tm: '中国', forecastpoints: [{ time: '2019-08-10T02:00:00', lng: 121.4, lat: 28.3, strong: '超强台风(Super TY)', speed: 52, pressure: 930 }] },
    ];
    writeFileSync(tmp.path('201909-forecasts.json'), JSON.stringify([json]));
    const [track] = (await readTrackFile(tmp.path('201909-forecasts.json'))).tracks;
    expect(track!.bulletins.map((b) => [b.agency, b.issuedUtcMs, b.points.map((p) => p.leadHours)])).toEqual([
      ['CMA', Date.UTC(2019, 7, 9, 0), [12, 24]],
      ['JMA', Date.UTC(2019, 7, 9, 0), [12]],
      ['CMA', Date.UTC(2019, 7, 9, 6), [12]],
    ]);
    expect(track!.bulletins[1]!.points[0]).toMatchObject({ lon: 121.6, lat: 28.3, maxWindMs: 40, pressureHpa: null, grade: 'TY', isForecast: true });

    await importTrackFiles(store, [tmp.path('201909-forecasts.json')]);
    await importTrackFiles(store, [tmp.path('201909-forecasts.json')]);
    expect(await count('typhoon_bulletins')).toBe(3);
    expect(await count('typhoon_track_points WHERE is_forecast')).toBe(4);
    const current = await readCurrentForecasts(store, 'WZTF:1909');
    expect(current.map((b) => [b.agency, b.issuedUtcMs])).toEqual([['CMA', Date.UTC(2019, 7, 9, 6)], ['JMA', Date.UTC(2019, 7, 9, 0)]]); // CMA's newer replaced its older
    const asOfEarlier = await readCurrentForecasts(store, 'WZTF:1909', Date.UTC(2019, 7, 9, 3));
    expect(asOfEarlier.map((b) => [b.agency, b.issuedUtcMs, b.points.length])).toEqual([['CMA', Date.UTC(2019, 7, 9, 0), 2], ['JMA', Date.UTC(2019, 7, 9, 0), 1]]);
  });

  it('live fixes and forecasts through the ingest projection: a newer bulletin is current, the older stays in history', async () => {
    const t0 = Date.UTC(2019, 7, 8, 18);
    let n = 0;
    const event = <T extends TyphoonIngestEvent['type']>(type: T, tsMs: number, data: unknown): TyphoonIngestEvent => {
      const parsed = TYPHOON_EVENT_SCHEMAS[type].safeParse(data);
      if (!parsed.success) throw new Error(parsed.error.message);
      return { id: `e${++n}`, type, ts: new Date(tsMs).toISOString(), tsMs, source: 'cma-nmc', data: parsed.data } as TyphoonIngestEvent;
    };
    const storm = { agency: 'CMA', stormNumber: '1909', name: 'LEKIMA', nameZh: '利奇马' };
    const fix = (tsMs: number, lat: number, wind: number, landfall?: string) => event('typhoon.fix', tsMs, {
      ...storm, position: { lon: 121.4, lat }, pressureHpa: 930, maxWindMs: wind,
      radii: { r7: { ne: 380, se: 380, sw: 350, nw: 280 }, r10: { ne: 100, se: 100, sw: 100, nw: 100 }, r12: { ne: 40, se: 40, sw: 40, nw: 40 } },
      ...(landfall ? { landfall: { place: landfall } } : {}),
    });
    const forecast = (tsMs: number, lon: number) => event('typhoon.forecast', tsMs, {
      ...storm, points: [12, 24, 48].map((leadHours, i) => ({ leadHours, position: { lon: lon - i * 0.5, lat: 28 + i }, maxWindMs: 50 - i * 10, pressureHpa: 935 + i * 20 })),
    });
    const first = forecast(t0, 122);
    await applyTyphoonEvents(store, [fix(t0, 26.5, 55), first], t0);
    const second = forecast(t0 + 6 * H, 121.6);
    await applyTyphoonEvents(store, [fix(t0 + 6 * H, 27.9, 52), second], t0 + 6 * H);
    await applyTyphoonEvents(store, [fix(LEKIMA_LANDFALL_UTC, 28.3, 52, '浙江省温岭市城南镇')], LEKIMA_LANDFALL_UTC);
    // The same bulletin again under a new event id, and a corrected fix at the same time: replaced, not added.
    await applyTyphoonEvents(store, [{ ...second, id: 'resent' }, fix(t0 + 6 * H, 27.8, 52)], t0 + 7 * H);

    expect(await counts()).toEqual({ storms: 1, points: 3 + 3 + 3, landfalls: 1, bulletins: 2 });
    const [summary] = await listStorms(store);
    expect(summary!.storm).toMatchObject({ id: 'CMA:1909', name: 'LEKIMA', nameZh: '利奇马', year: 2019, format: 'ingest' });
    expect(summary!.landfalls[0]).toMatchObject({ timeUtcMs: LEKIMA_LANDFALL_UTC, place: '浙江省温岭市城南镇', maxWindMs: 52, grade: 'SuperTY' });
    const track = await readStormTrack(store, 'CMA:1909');
    expect(track!.fixes.map((p) => p.lat)).toEqual([26.5, 27.8, 28.3]);
    expect(track!.fixes[0]!.radii!.r10).toEqual({ ne: 100, se: 100, sw: 100, nw: 100 });
    expect(track!.fixes[0]!.grade).toBe('SuperTY'); // from 55 m/s: the event named no grade

    const current = await readCurrentForecasts(store, 'CMA:1909');
    expect(current).toHaveLength(1);
    expect(current[0]!.issuedUtcMs).toBe(t0 + 6 * H);
    expect(current[0]!.points.map((p) => [p.leadHours, p.timeUtcMs, p.lon])).toEqual([[12, t0 + 18 * H, 121.6], [24, t0 + 30 * H, 121.1], [48, t0 + 54 * H, 120.6]]);
    expect((await readCurrentForecasts(store, 'CMA:1909', t0 + 3 * H))[0]!.issuedUtcMs).toBe(t0);
    expect((await readBulletinHistory(store, 'CMA:1909')).map((b) => [b.issuedUtcMs, b.points])).toEqual([[t0 + 6 * H, 3], [t0, 3]]);

    // A storm arriving by ingest keeps its name when a later event omits it.
    await applyTyphoonEvents(store, [event('typhoon.fix', t0 + 30 * H, { agency: 'CMA', stormNumber: '1909', position: { lon: 120.5, lat: 30 } })], t0 + 30 * H);
    expect((await listStorms(store))[0]!.storm.name).toBe('LEKIMA');
  });
});

describe('typhoon event schemas', () => {
  const fix = TYPHOON_EVENT_SCHEMAS['typhoon.fix'];
  const forecast = TYPHOON_EVENT_SCHEMAS['typhoon.forecast'];
  const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) => r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  it('takes a fix and a forecast as agencies send them', () => {
    expect(fix.safeParse({ agency: 'CMA', stormNumber: '1909', position: { lon: 121.4, lat: 28.3 }, maxWindMs: 52, pressureHpa: 930, grade: 'SuperTY', radii: { r7: { ne: 380, se: 380, sw: 350, nw: 280 }, r12: null } }).success).toBe(true);
    expect(forecast.safeParse({ agency: 'JMA', stormNumber: '1909', points: [{ leadHours: 24, position: { lon: 120, lat: 30 } }] }).success).toBe(true);
  });
  it('refuses what it cannot use, naming the field', () => {
    expect(paths(fix.safeParse({ agency: 'cma', stormNumber: '1909', position: { lon: 121, lat: 28 } }))).toEqual([expect.stringMatching(/^agency: an agency code/)]);
    expect(paths(fix.safeParse({ agency: 'CMA', stormNumber: '1909', position: { lon: 221, lat: 28 } }))[0]).toMatch(/^position\.lon/);
    expect(paths(fix.safeParse({ agency: 'CMA', stormNumber: '1909', position: { lon: 121, lat: 28 }, grade: 'Cat5' }))[0]).toMatch(/^grade/);
    expect(paths(fix.safeParse({ agency: 'CMA', stormNumber: '1909', position: { lon: 121, lat: 28 }, radii: { r7: { ne: -5 } } }))[0]).toMatch(/^radii\.r7\.ne/);
    expect(paths(fix.safeParse({ agency: 'CMA', stormNumber: '1909', position: { lon: 121, lat: 28 }, name: 'x\uD800' }))[0]).toMatch(/^name: .*surrogate/);
    const backwards = forecast.safeParse({ agency: 'CMA', stormNumber: '1909', points: [{ leadHours: 24, position: { lon: 120, lat: 30 } }, { leadHours: 12, position: { lon: 120, lat: 30 } }] });
    expect(paths(backwards)).toEqual(['points.1.leadHours: lead times must rise from one position to the next']);
    expect(paths(forecast.safeParse({ agency: 'CMA', stormNumber: '1909', points: [] }))[0]).toMatch(/^points/);
  });
});

describe.skipIf(REAL === null)('malformed track files', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir('civictwin-typhoon-bad-')));
  afterEach(() => tmp.cleanup());

  /** The error parsing `text` as `name` gives; fails the test if it parses. */
  const errorOf = (text: string, name: string): TrackImportError => {
    try {
      parseTrackText(text, `/some/folder/${name}`);
    } catch (err) {
      expect(err).toBeInstanceOf(TrackImportError);
      return err as TrackImportError;
    }
    throw new Error(`${name} was accepted`);
  };
  const cmaText = () => readFileSync(join(TYPHOON, 'CH2019BST.txt'), 'utf8');
  /** CH2019BST.txt with line `n` (1-based) changed by `edit`. */
  const cmaWith = (n: number, edit: (line: string) => string): string => cmaText().split('\n').map((l, i) => (i === n - 1 ? edit(l) : l)).join('\n');

  it('CMA best track: the file, line, storm and field, and what to write', () => {
    // Line 275 is Lekima's first point: "2019080318 1 158 1315 1002      13".
    expect(cmaText().split('\n')[274]).toBe('2019080318 1 158 1315 1002      13');
    let e = errorOf(cmaWith(275, (l) => l.replace(' 158 ', ' x58 ')), 'CH2019BST.txt');
    expect(e.message).toBe('CH2019BST.txt: line 275 (storm 1909 LEKIMA, header line 274), field lat (column 14): "x58" is not a whole number. Write the latitude in tenths of a degree north, e.g. 283 for 28.3°N.');
    expect([e.file, e.line, e.field]).toEqual(['/some/folder/CH2019BST.txt', 275, 'lat (column 14)']);
    e = errorOf(cmaWith(275, (l) => l.replace(' 1 158', ' 7 158')), 'CH2019BST.txt');
    expect(e.message).toMatch(/^CH2019BST\.txt: line 275 \(storm 1909 LEKIMA.*\), field grade \(column 12\): 7 is not a CMA grade code\. Use one of 0, 1, 2, 3, 4, 5, 6, 9/);
    e = errorOf(cmaWith(275, (l) => l.replace('2019080318', '2019023018')), 'CH2019BST.txt');
    expect(e.message).toMatch(/line 275 .*field time \(column 1\): "2019023018" is not a time YYYYMMDDHH\. Write the time in UTC/);
    e = errorOf(cmaWith(276, (l) => l.replace('2019080400', '2019080312')), 'CH2019BST.txt');
    expect(e.message).toMatch(/line 276 .*field time \(column 1\): 2019080312 is not after the previous point's time \(line 275\)/);
    e = errorOf(cmaWith(275, (l) => l.replace(' 1315 1002', ' 13151002')), 'CH2019BST.txt');
    expect(e.message).toMatch(/^CH2019BST\.txt: line 275 \(storm 1909 LEKIMA, header line 274\): has 5 fields, expected 6 \(or 7\)\. A point line reads/);
    e = errorOf(cmaWith(275, (l) => l.replace(' 1002 ', ' 2002 ')), 'CH2019BST.txt');
    expect(e.message).toMatch(/line 275 .*field pressure \(column 23\): 2002 hPa is outside 800…1100/);
    // A lost line: the storm's header promised more.
    e = errorOf(cmaText().split('\n').filter((_, i) => i !== 280).join('\n'), 'CH2019BST.txt');
    expect(e.message).toMatch(/^CH2019BST\.txt: line 274 \(storm 1909 LEKIMA, header line 274\), field point count: the header declares 62 point lines but line \d+ starts the next storm after 61\./);
    e = errorOf(cmaWith(274, (l) => l.replace('1909   62', '1909   6x')), 'CH2019BST.txt');
    expect(e.message).toMatch(/line 274 \(storm header\), field point count \(column 14\): "6x" is not a number of lines/);
    e = errorOf('66666 1909   62 0012 1909 0 3 LEKIMA 20200417\n', 'one.txt');
    expect(e.message).toMatch(/^one\.txt: line 1 .*declares 62 point lines but the file ends after 0/);
    e = errorOf(cmaWith(337, (l) => l.replace('66666 1910   48 0013 1910', '66666 1910   48 0013 1909')), 'CH2019BST.txt');
    expect(e.message).toBe('CH2019BST.txt: line 337 (storm 1909 KROSA, header line 337), field Chinese number: storm 1909 is already in this file (header line 274). Each storm appears once in a best-track file; remove the repeat or correct its number.');
    e = errorOf('hello\n', 'notes.txt');
    expect(e.message).toMatch(/^notes\.txt: line 1: is neither a CMA best-track file nor Wenzhou Typhoon Net JSON/);
  });

  it('Wenzhou JSON: the file, point index and field, and what to write', () => {
    const base = () => JSON.parse(readFileSync(join(TYPHOON, '201909.json'), 'utf8')) as Record<string, unknown>[];
    const withPoint = (i: number, patch: Record<string, unknown>): string => {
      const json = base();
      const points = json[0]!.points as Record<string, unknown>[];
      points[i] = { ...points[i], ...patch };
      return JSON.stringify(json);
    };
    const time12 = ((base()[0]!.points as Record<string, unknown>[])[12]!.time as string);
    expect(time12).toBe('2019-08-06T02:00:00');
    let e = errorOf(withPoint(12, { lng: 'east' }), '201909.json');
    expect(e.message).toBe('201909.json: points[12] (2019-08-06T02:00:00 Beijing time), field lng: "east" is not a number. Write the longitude in degrees east, e.g. 121.5.');
    expect([e.at, e.field]).toEqual(['points[12]', 'lng']);
    e = errorOf(withPoint(12, { time: '2019-08-05 26:00' }), '201909.json');
    expect(e.message).toMatch(/^201909\.json: points\[12\], field time: "2019-08-05 26:00" is not a date and time\. Write Beijing time as "2019-08-10T01:45:00"/);
    e = errorOf(withPoint(12, { strong: '飓风' }), '201909.json');
    expect(e.message).toMatch(/points\[12\] .*field strong: "飓风" is not a tropical cyclone grade\. Write one of 热带低压\(TD\)/);
    e = errorOf(withPoint(12, { radius7_quad: { ne: 300, se: -4, sw: 0, nw: 0 } }), '201909.json');
    expect(e.message).toMatch(/points\[12\] .*field radius7_quad\.se: -4 is outside 0…3000/);
    e = errorOf(withPoint(12, { radius10_quad: [1, 2] }), '201909.json');
    expect(e.message).toMatch(/field radius10_quad: is a list, not \{ ne, se, sw, nw \}/);
    e = errorOf(withPoint(12, { time: '2019-08-04T15:30:00' }), '201909.json');
    expect(e.message).toMatch(/points\[12\] .*field time: is not after the previous point's time \(points\[11\]\)/);
    e = errorOf(withPoint(12, { forecast: [{ tm: '中国', forecastpoints: [{ time: '2019-08-04T20:00:00', lng: 130, lat: 18 }] }] }), '201909.json');
    expect(e.message).toMatch(/points\[12\]\.forecast\[0\]\.forecastpoints\[0\] \(中国 forecast from 2019-08-06T02:00:00 Beijing time\), field time: is before the time of the fix/);
    e = errorOf(withPoint(12, { move_dir: 'x\uD800' }), '201909.json');
    expect(e.message).toMatch(/points\[12\] .*field move_dir: holds a lone UTF-16 surrogate/);
    e = errorOf(withPoint(12, { lat: null }), '201909.json');
    expect(e.message).toMatch(/points\[12\] .*field lat: is empty\. Write the latitude/);
    const noNumber = base();
    delete noNumber[0]!.tfbh;
    delete noNumber[0]!.ident;
    e = errorOf(JSON.stringify(noNumber), '201909.json');
    expect(e.message).toMatch(/^201909\.json: storm, field tfbh: missing is not a storm number\. Write the storm number as YYYYNN/);
    e = errorOf('[{"tfbh": "201909", "points": [}]', 'broken.json');
    expect(e.message).toBe('broken.json: is not valid JSON (line 1, column 32: Unexpected token \'}\'). Fix the JSON syntax at that place, or download the file again.');
    e = errorOf('[{"tfbh": "201909",\n  "name": "利奇马"\n  "points": []}]', 'broken.json');
    expect(e.message).toMatch(/^broken\.json: is not valid JSON \(line 3, column 3: /);
    e = errorOf('[]', 'empty.json');
    expect(e.message).toMatch(/^empty\.json: holds an empty list/);
  });

  it('reads Windows line ends and GB18030 text (what Chinese Windows tools save)', async () => {
    const crlf = parseTrackText(cmaText().replace(/\n/g, '\r\n'), 'CH2019BST.txt');
    expect(crlf.tracks.map((t) => t.fixes.length)).toEqual(parseTrackText(cmaText(), 'CH2019BST.txt').tracks.map((t) => t.fixes.length));
    const gb = (text: string, bytes: number[]): Buffer => Buffer.concat(text.split('@').flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from(bytes), Buffer.from(part)])));
    const name = [192, 251, 198, 230, 194, 237]; // 利奇马 in GB18030
    writeFileSync(tmp.path('gb.json'), gb('[{"tfbh": "201909", "name": "@", "ename": "Lekima", "points": [{"time": "2019-08-10T01:00:00", "lng": 121.5, "lat": 28.2, "strong": "TY", "speed": 40, "pressure": 950}]}]', name));
    const [track] = (await readTrackFile(tmp.path('gb.json'))).tracks;
    expect([track!.storm.nameZh, track!.fixes[0]!.timeUtcMs]).toEqual(['利奇马', Date.UTC(2019, 7, 9, 17)]);
    writeFileSync(tmp.path('binary.txt'), Buffer.from([0x66, 0x00, 0x01]));
    await expect(readTrackFile(tmp.path('binary.txt'))).rejects.toThrow(/^binary\.txt: is a binary file\. Name a CMA best-track text file/);
    await expect(readTrackFile(tmp.path('missing.txt'))).rejects.toThrow(/^missing\.txt: does not exist\. Check the path\./);
  });

  it('never fails with anything but an ImportError naming the file, whatever the bytes (seeded mutations)', async () => {
    // What the parsers accept, the twin takes: accepted mutations are written to a real twin too.
    const store = await DuckDbStore.open(tmp.path('fuzz.duckdb'), { create: true });
    let seed = 20190810;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const junk = ['', ' ', '-', '9999999999', 'NaN', '"', '{', ']', 'null', '1e999', '\u0000', '利奇马', '\uD800', ',', '66666', '0'];
    const mutate = (text: string): string => {
      const lines = text.split('\n');
      switch (rand(7)) {
        case 0: { // flip some characters
          const chars = [...text];
          for (let k = 0; k < 1 + rand(5); k++) chars[rand(chars.length)] = String.fromCharCode(rand(0x3000));
          return chars.join('');
        }
        case 1: return text.slice(0, rand(text.length)); // truncated download
        case 2: lines.splice(rand(lines.length), 1 + rand(3)); return lines.join('\n');
        case 3: { const i = rand(lines.length); lines.splice(i, 0, lines[i]!); return lines.join('\n'); }
        case 4: { // replace a token
          const i = rand(lines.length);
          const tokens = lines[i]!.split(/(\s+|[,:{}[\]])/);
          tokens[rand(tokens.length)] = junk[rand(junk.length)]!;
          lines[i] = tokens.join('');
          return lines.join('\n');
        }
        case 5: return text.replace(/\d/g, (d) => (rand(200) === 0 ? String((Number(d) + 5) % 10) : d));
        default: return junk[rand(junk.length)]!.repeat(1 + rand(3)) + text.slice(rand(200));
      }
    };
    let accepted = 0;
    let refused = 0;
    for (const path of realFiles()) {
      const original = readFileSync(path, 'utf8');
      // Wenzhou files are one long line each: pretty-printed, a line mutation hits one field.
      const text = path.endsWith('.json') ? JSON.stringify(JSON.parse(original), null, 1) : original;
      for (let k = 0; k < 60; k++) {
        const bad = mutate(text);
        try {
          const file = parseTrackText(bad, path);
          for (const t of file.tracks) for (const p of t.fixes) expect(Number.isFinite(p.timeUtcMs) && Math.abs(p.lat) <= 90 && p.lon >= -180 && p.lon <= 360).toBe(true);
          if (accepted++ % 4 === 0) await saveStormTracks(store, file.tracks.map((track) => ({ track, source: basename(path) })));
        } catch (err) {
          expect(err, `${basename(path)} mutation ${k}: ${String(err)}`).toBeInstanceOf(ImportError);
          expect((err as Error).message.startsWith(basename(path))).toBe(true);
          refused++;
        }
      }
    }
    store.close();
    expect(refused).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(20);
    expect(accepted + refused).toBe(realFiles().length * 60);
  });
});

describe.skipIf(REAL === null)('civictwin typhoon import', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir('civictwin-typhoon-cli-')));
  afterEach(() => tmp.cleanup());

  it('imports, prints a line per storm with its landfall, updates on a second run, refuses bad files and a held twin in one line', async () => {
    const db = tmp.path('twin.duckdb');
    const run = await civictwin(['typhoon', 'import', '--db', db, TYPHOON, '--storm', 'Lekima']);
    expect(run.code, run.out).toBe(0);
    const lines = run.out.split('\n');
    const wz = lines.find((l) => l.startsWith('new     WZTF:1909'))!;
    expect(wz).toMatch(/1909 Lekima 利奇马: 158 points .*max 62 m\/s 915 hPa 超强台风 SuperTY \(force 17\).*landfall 2019-08-10 01:45 BJT = 17:45 UTC 浙江省温岭市, 52 m\/s 925 hPa \(\+1 later\)/);
    const cma = lines.find((l) => l.startsWith('new     CMA:1909'))!;
    expect(cma).toMatch(/1909 LEKIMA: 62 points .*landfall \(from WZTF:1909\) 2019-08-10 01:45 BJT = 17:45 UTC 浙江省温岭市/);
    expect(run.out).toMatch(/Imported 2 storms \(2 new, 0 updated in place\) with 220 track points/);

    const again = await civictwin(['typhoon', 'import', '--db', db, join(TYPHOON, '201909.json')]);
    expect(again.out).toMatch(/^updated WZTF:1909/m);
    expect(again.out).toMatch(/Imported 1 storm \(0 new, 1 updated in place\)/);

    writeFileSync(tmp.path('CH2019BST.txt'), readFileSync(join(TYPHOON, 'CH2019BST.txt'), 'utf8').replace('2019080318 1 158 1315', '2019080318 1 158 13x5'));
    const bad = await civictwin(['typhoon', 'import', '--db', tmp.path('fresh.duckdb'), tmp.path('CH2019BST.txt')]);
    expect(bad.code).toBe(1);
    expect(existsSync(tmp.path('fresh.duckdb'))).toBe(false); // checked before a twin is created
    const message = bad.out.trim().split('\n').pop()!;
    expect(message).toBe('civictwin: CH2019BST.txt: line 275 (storm 1909 LEKIMA, header line 274), field lon (column 18): "13x5" is not a whole number. Write the longitude in tenths of a degree east, e.g. 1214 for 121.4°E.');
    expect(bad.out).not.toMatch(/\n\s+at /); // no stack trace

    const host = await serveHost(db);
    try {
      const held = await civictwin(['typhoon', 'import', '--db', db, join(TYPHOON, '201909.json')]);
      expect(held.code).toBe(1);
      expect(held.out.trim().split('\n').pop()).toBe(`civictwin: ${db} is open in civictwin serve (PID ${host.child.pid}, ${host.base}/): stop that host first, then import the tracks again (a running host cannot take track files yet)`);
    } finally {
      await host.stop();
    }
  });
});
