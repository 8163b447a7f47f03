/**
 * The wind model against the bulletins it is fitted to (every quadrant radius of Lekima, In-Fa and
 * Muifa in the Wenzhou Typhoon Net data), its shape (falling outside Rmax, stronger right of the
 * motion), Lekima replayed over the demo district (warnings escalate, force 10 before landfall),
 * the bulk path against the exact one, and the evacuation clock.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseWenzhouJson } from '../../data/import/typhoon/wenzhouJson.ts';
import { parseCmaBestTrack } from '../../data/import/typhoon/cmaBestTrack.ts';
import { WARNING_SIGNAL_RULES, WIND_CIRCLE_EDGE_MS, beaufortForce, warningSignalFor, warningSignalRank, type WindOutlookSample } from '../../data/model/typhoon/scales.ts';
import { QUADRANTS, type StormTrack, type TrackPoint } from '../../data/model/typhoon/types.ts';
import { DEFAULT_WIND_MODEL } from '../../data/analytics/typhoon/holland.ts';
import { stormMotionAt, vortexAt, vortexSpeedAt, vortexWindAtOffset } from '../../data/analytics/typhoon/vortex.ts';
import { HOUR_MS, WindModelInputError, forceOfSpeed, windTimeline } from '../../data/analytics/typhoon/windField.ts';
import { clearanceTime, evacuationClock, type GridEvacuationPlan } from '../../data/analytics/typhoon/evacuationClock.ts';
import { benchWindField } from '../../data/analytics/typhoon/benchWindField.ts';
import { planningBulletin, readWindTrack, trackForWindModel } from '../../data/analytics/typhoon/windTrack.ts';
import { importTrackFiles } from '../../data/import/typhoon/importTracks.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { realDataDir, tempDir } from './helpers.ts';

const real = realDataDir();
const STORMS = ['201909', '202106', '202212'] as const;

function readStorm(code: string): StormTrack {
  const file = join(real!, 'typhoon', `${code}.json`);
  return parseWenzhouJson(readFileSync(file, 'utf8'), file)[0]!;
}

/** Beijing time (UTC+8, as the Wenzhou data and Chinese bulletins write it) to UTC ms. */
const beijing = (text: string): number => Date.parse(`${text}+08:00`);

/** The point `km` from (lon, lat) at `bearingDeg` on the sphere (great circle, as bulletins measure radii). */
function destination(lon: number, lat: number, bearingDeg: number, km: number): [number, number] {
  const R = 6371.0088;
  const d = km / R;
  const b = (bearingDeg * Math.PI) / 180;
  const p1 = (lat * Math.PI) / 180;
  const l1 = (lon * Math.PI) / 180;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [(l2 * 180) / Math.PI, (p2 * 180) / Math.PI];
}

const QUADRANT_BEARING = { ne: 45, se: 135, sw: 225, nw: 315 } as const;
const CIRCLES = [7, 10, 12] as const;

describe.skipIf(real === null)('wind field fitted to the bulletins (real Wenzhou Typhoon Net tracks)', () => {
  /*
   * Tolerance: the fit passes through every radius exactly (closed form per segment), so what is
   * left is the distance rule (equirectangular about the mean latitude instead of the great
   * circle: ≤ 0.1 % at 400 km, i.e. ≤ 0.4 km, which moves the wind by ≤ 0.03 m/s on the flattest
   * outer profiles). 0.1 m/s is a quarter of the smallest step a reported speed makes (0.1 m/s
   * classes, ±0.05 rounding) above that. As forces: force N at 97 % of the radius, below N at 103 %.
   */
  it('gives the force a bulletin gives at each quadrant radius: force 7, 10 and 12, every fix of three storms', () => {
    let checks = 0;
    let worst = 0;
    for (const code of STORMS) {
      const { fixes } = readStorm(code);
      for (const fix of fixes) {
        if (fix.radii === null) continue;
        const v = vortexAt(fixes, fix.timeUtcMs)!;
        expect(v.rmaxSource).toBe('radii');
        expect(v.notes.filter((n) => n.includes('left out'))).toEqual([]);
        for (const q of QUADRANTS) {
          for (const force of CIRCLES) {
            const r = fix.radii[`r${force}`]?.[q] ?? null;
            if (r === null) continue;
            const at = (km: number): number => vortexSpeedAt(v, ...destination(fix.lon, fix.lat, QUADRANT_BEARING[q], km));
            const speed = at(r);
            const where = `${code} ${new Date(fix.timeUtcMs).toISOString()} ${q} force ${force} at ${r} km`;
            expect(Math.abs(speed - WIND_CIRCLE_EDGE_MS[force]), where).toBeLessThan(0.1);
            expect(forceOfSpeed(at(r * 0.97)), where).toBeGreaterThanOrEqual(force);
            expect(forceOfSpeed(at(r * 1.03)), where).toBeLessThan(force);
            worst = Math.max(worst, Math.abs(speed - WIND_CIRCLE_EDGE_MS[force]));
            checks++;
          }
        }
      }
    }
    expect(checks).toBeGreaterThan(3000);
    expect(worst).toBeLessThan(0.05);
  });

  it('the bulk timeline gives the same at the radii (profile tables do not blur the circles)', () => {
    const { fixes } = readStorm('201909');
    const fix = fixes.find((p) => p.timeUtcMs === beijing('2019-08-09T20:00:00'))!;
    const lon: number[] = [];
    const lat: number[] = [];
    const want: number[] = [];
    for (const q of QUADRANTS) {
      for (const force of CIRCLES) {
        const r = fix.radii![`r${force}`]![q]!;
        const [x, y] = destination(fix.lon, fix.lat, QUADRANT_BEARING[q], r);
        lon.push(x);
        lat.push(y);
        want.push(WIND_CIRCLE_EDGE_MS[force]);
      }
    }
    const t = windTimeline({ track: fixes, lon: Float64Array.from(lon), lat: Float64Array.from(lat), startUtcMs: fix.timeUtcMs, hours: 1 });
    want.forEach((w, i) => expect(Math.abs(t.speedMs[i]! - w)).toBeLessThan(0.1));
  });

  it('falls with distance outside Rmax in every direction, every 5 hours of every storm', () => {
    for (const code of STORMS) {
      const { fixes } = readStorm(code);
      const first = fixes[0]!.timeUtcMs;
      const last = fixes[fixes.length - 1]!.timeUtcMs;
      for (let t = first; t <= last; t += 5 * HOUR_MS) {
        const v = vortexAt(fixes, t);
        if (v === null) continue;
        for (let bearing = 0; bearing < 360; bearing += 22.5) {
          const b = (bearing * Math.PI) / 180;
          let previous = Infinity;
          for (let r = 1.02 * v.rmaxKm; r <= 800; r *= 1.015) {
            const s = vortexWindAtOffset(v, r * Math.sin(b), r * Math.cos(b)).speedMs;
            if (s < 3) break;
            expect(s, `${code} ${new Date(t).toISOString()} bearing ${bearing} at ${r.toFixed(1)} km (${v.rmaxSource})`).toBeLessThanOrEqual(previous + 1e-9);
            previous = s;
          }
        }
      }
    }
  });

  it('takes the storm motion from the track: Lekima near the coast within a few km/h of the reported speed', () => {
    const { fixes } = readStorm('201909');
    const gaps: number[] = [];
    for (const fix of fixes) {
      if (fix.moveSpeedKmh == null || fix.timeUtcMs < beijing('2019-08-07T00:00:00') || fix.timeUtcMs > beijing('2019-08-10T12:00:00')) continue;
      const m = stormMotionAt(fixes, fix.timeUtcMs, DEFAULT_WIND_MODEL.motionWindowHours);
      gaps.push(Math.abs(Math.hypot(m.eastMs, m.northMs) * 3.6 - fix.moveSpeedKmh));
      // Moving north-west to north: east component ≤ 0, north > 0.
      expect(m.northMs).toBeGreaterThan(0);
      expect(m.eastMs).toBeLessThanOrEqual(0.5);
    }
    expect(gaps.length).toBeGreaterThan(50);
    expect(gaps.reduce((s, g) => s + g, 0) / gaps.length).toBeLessThan(4);
  });

  it('puts the stronger winds to the right of the motion (Lekima in the CMA best track, no radii: the motion term alone)', () => {
    const file = join(real!, 'typhoon', 'CH2019BST.txt');
    const { fixes } = parseCmaBestTrack(readFileSync(file, 'utf8'), file).find((s) => s.storm.name.toUpperCase() === 'LEKIMA')!;
    const v = vortexAt(fixes, beijing('2019-08-10T05:00:00'))!;
    expect(v.rmaxSource).toBe('vickery-wadhera');
    const heading = Math.atan2(v.motionEastMs, v.motionNorthMs);
    for (const r of [v.rmaxKm, 2 * v.rmaxKm, 60]) {
      const right = vortexWindAtOffset(v, r * Math.sin(heading + Math.PI / 2), r * Math.cos(heading + Math.PI / 2)).speedMs;
      const left = vortexWindAtOffset(v, r * Math.sin(heading - Math.PI / 2), r * Math.cos(heading - Math.PI / 2)).speedMs;
      expect(right).toBeGreaterThan(left + 1);
    }
  });

  it('replays Lekima over a place 20 km from its landfall: warnings escalate blue → yellow → orange → red, force 10 arrives before landfall', () => {
    const track = readStorm('201909');
    const landfall = track.landfalls[0]!;
    expect(landfall.timeUtcMs).toBe(beijing('2019-08-10T01:45:00'));
    // Wenling, north of the landfall point (121.5 E, 28.2 N): ~24 km.
    const start = beijing('2019-08-08T00:00:00');
    const t = windTimeline({ track: track.fixes, lon: Float64Array.of(121.4), lat: Float64Array.of(28.4), startUtcMs: start, hours: 60 });
    const levels = Array.from(t.signal);
    const firstAt = (code: number): number => levels.findIndex((l) => l >= code);
    const landfallHour = (landfall.timeUtcMs - start) / HOUR_MS;
    // Each colour comes in order, and red before landfall.
    expect(firstAt(1)).toBeGreaterThanOrEqual(0);
    expect(firstAt(1)).toBeLessThan(firstAt(2));
    expect(firstAt(2)).toBeLessThan(firstAt(3));
    expect(firstAt(3)).toBeLessThan(firstAt(4));
    expect(firstAt(4)).toBeLessThan(landfallHour);
    // Never lowered before the storm has passed.
    const redUntil = levels.lastIndexOf(4);
    for (let h = 1; h <= redUntil; h++) expect(levels[h]!, `hour ${h}`).toBeGreaterThanOrEqual(levels[h - 1]!);
    // Gales come first, force 10 before landfall; the peak is at the landfall hour or right after.
    expect(t.arrival7UtcMs[0]!).toBeLessThan(t.arrival10UtcMs[0]!);
    expect(t.arrival10UtcMs[0]!).toBeLessThan(landfall.timeUtcMs);
    expect(t.peakForce[0]!).toBeGreaterThanOrEqual(14);
    expect(Math.abs(t.peakUtcMs[0]! - landfall.timeUtcMs)).toBeLessThanOrEqual(2 * HOUR_MS);
  });

  it('covers the demo district with the force-10 circle before landfall, grid by grid', () => {
    const track = readStorm('201909');
    const landfall = track.landfalls[0]!.timeUtcMs;
    // The demo district: ~10 km around (121.42 E, 28.38 N), 100 grids of 1 km.
    const n = 20_000;
    const { lon, lat, gridOfPoint } = district(n);
    const start = beijing('2019-08-08T00:00:00');
    const t = windTimeline({ track: track.fixes, lon, lat, startUtcMs: start, hours: 72, gridOfPoint, gridCount: 100 });
    const g = t.grids!;
    for (let k = 0; k < 100; k++) {
      expect(g.arrival10UtcMs[k]!).toBeLessThan(landfall);
      expect(g.arrival7UtcMs[k]!).toBeLessThan(g.arrival10UtcMs[k]!);
      expect(g.placesReaching10[k]).toBeGreaterThan(0);
    }
    // The grid figures are those of their places.
    for (let k = 0; k < 100; k += 17) {
      let earliest = Infinity;
      let strongest = 0;
      for (let i = 0; i < n; i++) {
        if (gridOfPoint[i] !== k) continue;
        earliest = Math.min(earliest, t.arrival7UtcMs[i]!);
        strongest = Math.max(strongest, t.peakForce[i]!);
      }
      expect(g.arrival7UtcMs[k]).toBe(earliest);
      expect(g.maxForce[k]).toBe(strongest);
      for (let h = 0; h < 72; h += 7) {
        let highest = 0;
        for (let i = 0; i < n; i++) if (gridOfPoint[i] === k) highest = Math.max(highest, t.signal[h * n + i]!);
        expect(g.signal[h * 100 + k]).toBe(highest);
      }
    }
  });

  it('bulk timeline = exact per-place model, and its signals = the model layer\'s warning rule over the look-ahead', () => {
    const track = readStorm('201909');
    const { lon, lat } = district(500);
    const start = beijing('2019-08-08T12:00:00');
    const H = 48;
    const t = windTimeline({ track: track.fixes, lon, lat, startUtcMs: start, hours: H });
    // A longer run supplies the wind beyond the range that the look-ahead sees.
    const long = windTimeline({ track: track.fixes, lon, lat, startUtcMs: start, hours: H + 24, lookAhead: false });
    for (let h = 0; h < H; h++) {
      const v = t.vortices[h]!;
      for (let i = 0; i < lon.length; i += 7) {
        const k = h * lon.length + i;
        expect(Math.abs(t.speedMs[k]! - vortexSpeedAt(v, lon[i]!, lat[i]!))).toBeLessThan(0.01);
        expect(t.force[k]).toBe(beaufortForce(t.speedMs[k]!));
        const outlook: WindOutlookSample[] = [];
        for (let a = 0; a <= 24; a++) {
          const s = long.speedMs[(h + a) * lon.length + i]!;
          outlook.push({ hoursAhead: a, meanForce: beaufortForce(s), gustForce: beaufortForce(s * DEFAULT_WIND_MODEL.gustFactor) });
        }
        expect(t.signal[k], `hour ${h} place ${i}`).toBe(warningSignalRank(warningSignalFor(outlook)) + 1);
      }
    }
    expect(WARNING_SIGNAL_RULES.map((r) => r.signal)).toEqual(['blue', 'yellow', 'orange', 'red']);
  });
});

/** Deterministic places over ~10 × 10 km around the demo district's origin, with 1-km grids. */
function district(n: number): { lon: Float64Array; lat: Float64Array; gridOfPoint: Int32Array } {
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  const gridOfPoint = new Int32Array(n);
  const kmLon = 111.195 * Math.cos((28.38 * Math.PI) / 180);
  for (let i = 0; i < n; i++) {
    // A low-discrepancy spread: every grid gets places.
    const x = ((i * 0.618034) % 1) * 10;
    const y = ((i * 0.7548777) % 1) * 10;
    lon[i] = 121.42 + (x - 5) / kmLon;
    lat[i] = 28.38 + (y - 5) / 111.195;
    gridOfPoint[i] = Math.min(9, Math.floor(x)) + 10 * Math.min(9, Math.floor(y));
  }
  return { lon, lat, gridOfPoint };
}

/** A track without radii (as the CMA best track), moving steadily. */
function steadyTrack(lat: number, headingDeg: number, kmh: number): TrackPoint[] {
  const points: TrackPoint[] = [];
  const h = (headingDeg * Math.PI) / 180;
  for (let k = 0; k <= 4; k++) {
    const km = kmh * 6 * k;
    points.push({
      timeUtcMs: Date.UTC(2020, 7, 1, 6 * k),
      lon: 130 + (km * Math.sin(h)) / (111.195 * Math.cos((lat * Math.PI) / 180)),
      lat: lat + (km * Math.cos(h)) / 111.195,
      pressureHpa: 950,
      maxWindMs: 45,
      grade: 'STY',
      radii: null,
      isForecast: k > 2,
    });
  }
  return points;
}

describe('wind field without radii', () => {
  it('is stronger to the right of the motion in the northern hemisphere and to the left in the southern, whatever the heading', () => {
    for (const heading of [0, 90, 200, 315]) {
      for (const lat of [25, -20]) {
        const track = steadyTrack(lat, heading, 25);
        const v = vortexAt(track, Date.UTC(2020, 7, 1, 12))!;
        expect(v.rmaxSource).toBe('vickery-wadhera');
        const h = (heading * Math.PI) / 180;
        for (const r of [v.rmaxKm, 2 * v.rmaxKm]) {
          const right = vortexWindAtOffset(v, r * Math.sin(h + Math.PI / 2), r * Math.cos(h + Math.PI / 2)).speedMs;
          const left = vortexWindAtOffset(v, r * Math.sin(h - Math.PI / 2), r * Math.cos(h - Math.PI / 2)).speedMs;
          if (lat > 0) expect(right, `heading ${heading}`).toBeGreaterThan(left + 2);
          else expect(left, `heading ${heading}`).toBeGreaterThan(right + 2);
        }
        // The strongest wind is about the reported maximum.
        let peak = 0;
        for (let b = 0; b < 360; b += 5) {
          const rb = (b * Math.PI) / 180;
          peak = Math.max(peak, vortexWindAtOffset(v, v.rmaxKm * Math.sin(rb), v.rmaxKm * Math.cos(rb)).speedMs);
        }
        expect(Math.abs(peak - 45)).toBeLessThan(1.5);
      }
    }
  });

  it('evaluates any hour between fixes and forecast positions; nothing before or after the track', () => {
    const track = steadyTrack(25, 315, 20);
    const mid = vortexAt(track, Date.UTC(2020, 7, 1, 21))!; // between the 18 h fix and the 24 h forecast
    expect(mid.lon).toBeCloseTo((track[3]!.lon + track[4]!.lon) / 2, 9);
    expect(mid.lat).toBeCloseTo((track[3]!.lat + track[4]!.lat) / 2, 9);
    expect(Math.hypot(mid.motionEastMs, mid.motionNorthMs) * 3.6).toBeCloseTo(20, 0);
    expect(vortexAt(track, Date.UTC(2020, 7, 1, 0) - 1)).toBeNull();
    const t = windTimeline({ track, lon: Float64Array.of(track[0]!.lon + 0.5), lat: Float64Array.of(track[0]!.lat), startUtcMs: Date.UTC(2020, 6, 31, 22), hours: 30 });
    expect(t.speedMs[0]).toBe(0); // 22:00, before the first fix
    expect(t.speedMs[3]!).toBeGreaterThan(10); // 01:00
    expect(t.speedMs[29]).toBe(0); // 04:00 next day, after the last forecast position
  });
});

describe('the track the model plans on', () => {
  const fixes = steadyTrack(25, 315, 20).slice(0, 3); // 00, 06, 12 UTC
  const forecast = (issuedHour: number, agency: string, hours: number[]): { agency: string; issuedUtcMs: number; points: TrackPoint[] } => ({
    agency,
    issuedUtcMs: Date.UTC(2020, 7, 1, issuedHour),
    points: hours.map((h) => ({ ...fixes[2]!, timeUtcMs: Date.UTC(2020, 7, 1, h), lon: fixes[2]!.lon - 0.1 * (h - 12) / 6, lat: fixes[2]!.lat + 0.1 * (h - 12) / 6, isForecast: true, agency, bulletinUtcMs: Date.UTC(2020, 7, 1, issuedHour), leadHours: h - issuedHour })),
  });
  const track: StormTrack = {
    storm: { id: 'CMA:2099', agency: 'CMA', number: '2099', intlNumber: null, year: 2020, name: 'TEST', nameZh: null, serial: null, endNote: null, format: 'ingest' },
    fixes,
    bulletins: [forecast(6, 'CMA', [6, 18, 30]), forecast(12, 'JMA', [12, 24, 36]), forecast(12, 'CMA', [12, 24, 36, 60, 84])],
    landfalls: [],
  };

  it('is the fixes known then and the newest bulletin beyond the last fix, preferring the storm\'s own agency', () => {
    const all = trackForWindModel(track);
    const hour = (p: TrackPoint): number => (p.timeUtcMs - Date.UTC(2020, 7, 1)) / HOUR_MS;
    // The 12 UTC CMA bulletin (the storm's agency, newer than the 06 UTC one), from beyond the 12 UTC fix.
    expect(all.map((p) => [hour(p), p.isForecast])).toEqual([[0, false], [6, false], [12, false], [24, true], [36, true], [60, true], [84, true]]);
    expect(planningBulletin(track)!.points.length).toBe(5);
    expect(planningBulletin(track, { agency: 'JMA' })!.agency).toBe('JMA');
    // At 08 UTC only the 06 UTC bulletin and the first two fixes were known.
    const then = trackForWindModel(track, { asOfUtcMs: Date.UTC(2020, 7, 1, 8) });
    expect(then.map((p) => p.timeUtcMs)).toEqual([0, 6, 18, 30].map((h) => Date.UTC(2020, 7, 1, h)));
    // The wind can be read at any hour into the forecast: +72 h after the last fix.
    const t = windTimeline({ track: all, lon: Float64Array.of(fixes[2]!.lon - 1), lat: Float64Array.of(fixes[2]!.lat + 1), startUtcMs: Date.UTC(2020, 7, 1, 12), hours: 73 });
    expect(t.vortices.every((v) => v !== null)).toBe(true);
    expect(t.vortices[48]!.lon).toBeCloseTo(fixes[2]!.lon - 0.8, 6);
  });
});

describe.skipIf(real === null)('the track the model plans on, from the twin', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: DuckDbStore;
  beforeEach(async () => {
    tmp = tempDir('civictwin-wind-');
    store = await DuckDbStore.open(tmp.path('twin.duckdb'), { create: true });
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  it('reads Lekima as imported with a CMA bulletin issued on the 9th at 08:00 and plans on it', async () => {
    const [json] = JSON.parse(readFileSync(join(real!, 'typhoon', '201909.json'), 'utf8')) as { points: Record<string, unknown>[] }[];
    json!.points.find((p) => p.time === '2019-08-09T08:00:00')!.forecast = [
      { tm: '中国', forecastpoints: [
        { time: '2019-08-09T08:00:00', lng: 123.4, lat: 26.5, strong: '超强台风(Super TY)', speed: 58, pressure: 920 },
        { time: '2019-08-09T20:00:00', lng: 122.0, lat: 27.6, strong: '超强台风(Super TY)', speed: 55, pressure: 925 },
        { time: '2019-08-10T08:00:00', lng: 120.9, lat: 28.8, strong: '台风(TY)', speed: 35, pressure: 965 },
      ] },
    ];
    writeFileSync(tmp.path('201909-forecast.json'), JSON.stringify([json]));
    await importTrackFiles(store, [tmp.path('201909-forecast.json')]);
    const asOf = beijing('2019-08-09T08:00:00');
    const points = (await readWindTrack(store, 'WZTF:1909', { asOfUtcMs: asOf }))!;
    expect(points.filter((p) => p.isForecast).map((p) => p.timeUtcMs)).toEqual([beijing('2019-08-09T20:00:00'), beijing('2019-08-10T08:00:00')]);
    expect(points.filter((p) => !p.isForecast).every((p) => p.timeUtcMs <= asOf)).toBe(true);
    // Planning at 08:00 on the 9th: the forecast brings force 10 to Wenling before the landfall that followed.
    const t = windTimeline({ track: points, lon: Float64Array.of(121.4), lat: Float64Array.of(28.4), startUtcMs: asOf, hours: 24 });
    expect(t.arrival10UtcMs[0]!).toBeLessThan(beijing('2019-08-10T01:45:00'));
    expect(await readWindTrack(store, 'WZTF:0000')).toBeNull();
  });
});

describe('wind timeline input', () => {
  const track = steadyTrack(25, 0, 20);
  it('refuses a track out of time order with what to do', () => {
    const shuffled = [track[1]!, track[0]!, ...track.slice(2)];
    expect(() => windTimeline({ track: shuffled, lon: Float64Array.of(130), lat: Float64Array.of(25), startUtcMs: track[0]!.timeUtcMs, hours: 2 })).toThrow(WindModelInputError);
    expect(() => windTimeline({ track: shuffled, lon: Float64Array.of(130), lat: Float64Array.of(25), startUtcMs: track[0]!.timeUtcMs, hours: 2 })).toThrow(/sort the track by time/);
  });
  it('refuses mismatched arrays and grid indices, and skips places without a position', () => {
    expect(() => windTimeline({ track, lon: Float64Array.of(130, 131), lat: Float64Array.of(25), startUtcMs: track[0]!.timeUtcMs, hours: 2 })).toThrow(/same length/);
    expect(() =>
      windTimeline({ track, lon: Float64Array.of(130), lat: Float64Array.of(25), startUtcMs: track[0]!.timeUtcMs, hours: 2, gridOfPoint: Int32Array.of(5), gridCount: 3 }),
    ).toThrow(/place #0 is in grid 5/);
    const t = windTimeline({ track, lon: Float64Array.of(130.3, NaN), lat: Float64Array.of(25, 25), startUtcMs: track[0]!.timeUtcMs, hours: 2 });
    expect(t.skippedPoints).toBe(1);
    expect(t.speedMs[1]).toBeNaN();
    expect(t.speedMs[0]!).toBeGreaterThan(10);
    expect(t.notes.join(' ')).toMatch(/without a valid position/);
  });
});

describe('evacuation clock', () => {
  const plan: GridEvacuationPlan = {
    householdsToMove: 120,
    vehicleHouseholds: 12,
    gridWorkers: 6,
    walkMinutesPerHousehold: 15,
    vehicleMinutesPerHousehold: 40,
    vehicles: 2,
    vehicleTripMinutes: 50,
    householdsPerTrip: 1,
    mobilisationMinutes: 30,
  };
  const gale = Date.UTC(2019, 7, 9, 13); // 21:00 Beijing time

  it('computes clearance from the plan: workers share the doors, vehicles run in waves', () => {
    const c = clearanceTime(plan);
    // Workers: (108 × 15 + 12 × 40) / 6 = 350 min; vehicles: ⌈12 / 2⌉ × 50 = 300 min.
    expect(c.workerMinutes).toBe(350);
    expect(c.vehicleMinutes).toBe(300);
    expect(c.minutes).toBe(380);
    expect(c.bottleneck).toBe('workers');
    expect(clearanceTime({ ...plan, vehicles: 1 }).bottleneck).toBe('vehicles'); // 12 trips × 50 = 600 min
  });

  it('sets must-be-done-by = gale arrival − clearance, and says late once now is past it', () => {
    const onTime = evacuationClock(plan, gale, gale - 8 * HOUR_MS);
    expect(onTime.mustBeDoneByUtcMs).toBe(gale - 380 * 60_000);
    expect(onTime.status).toBe('on-time');
    expect(onTime.minutesToSpare).toBe(100);
    const late = evacuationClock(plan, gale, gale - 6 * HOUR_MS);
    expect(late.late).toBe(true);
    expect(late.status).toBe('late');
    expect(late.minutesToSpare).toBe(-20);
    // Progress: with 60 households moved the same moment is on time again.
    expect(evacuationClock({ ...plan, householdsToMove: 60, vehicleHouseholds: 6 }, gale, gale - 6 * HOUR_MS).status).toBe('on-time');
  });

  it('has no deadline without a gale, is done with no one left, and never throws on bad figures', () => {
    expect(evacuationClock(plan, NaN, gale).status).toBe('no-gale');
    expect(evacuationClock(plan, null, gale).late).toBe(false);
    expect(evacuationClock({ ...plan, householdsToMove: 0, vehicleHouseholds: 0 }, gale, gale).status).toBe('done');
    const noWorker = evacuationClock({ ...plan, gridWorkers: 0 }, gale, gale - 24 * HOUR_MS);
    expect(noWorker.status).toBe('late');
    expect(noWorker.problem).toMatch(/no grid worker/);
    const bad = evacuationClock({ ...plan, walkMinutesPerHousehold: -5 }, gale, gale - 24 * HOUR_MS);
    expect(bad.status).toBe('invalid');
    expect(bad.problem).toMatch(/walkMinutesPerHousehold is -5/);
    expect(evacuationClock({ ...plan, vehicleHouseholds: 500 }, gale, gale).problem).toMatch(/part of the households to move/);
  });
});

describe('wind field benchmark', () => {
  it('runs at a small size and reports time, baseline ratio and agreement', () => {
    const rows = benchWindField(2000);
    expect(rows[0]!.name).toMatch(/2,000 bldg × 72 h/);
    expect(rows[0]!.ratio).toMatch(/×$/);
    expect(rows[1]!.pass).toBe(true);
  });
});
