/**
 * Benchmark of the wind field: every building of a district over a 72-hour track at hourly steps,
 * target ≤ 1 s, against a same-run baseline — the straightforward implementation (one object per
 * building, one object per building-hour, haversine distance and arctangent bearing, the exact
 * profile with its logarithms and powers, the model layer's `warningSignalFor` per hour) — with
 * the two runs' answers compared.
 *
 * The district is synthetic (centroids spread over ~10 km around the demo district's origin, about
 * 20 km from Lekima's landfall) and so is the track (a Lekima-like super typhoon: 6-hourly fixes
 * with 7/10/12 radii closing on the district from the south-east, landfall at hour 50, radii-less
 * fixes over land as the Wenzhou data have them): the benchmark needs no data files.
 */
import type { BenchRow as WindBenchRow } from '../benchRow.ts';
import type { QuadrantRadii, TrackPoint } from '../../model/typhoon/types.ts';
import { beaufortForce, warningSignalFor, warningSignalRank, type WindOutlookSample } from '../../model/typhoon/scales.ts';
import { distanceKm } from '../../model/typhoon/track.ts';
import { DEFAULT_WIND_MODEL } from './holland.ts';
import { vortexWindAtOffset } from './vortex.ts';
import { HOUR_MS, windTimeline, type WindTimeline } from './windField.ts';

/** Same shape as the CLI bench table's rows (electron/cli/benchLive.ts BenchRow). */
export type { BenchRow as WindBenchRow } from '../benchRow.ts';

/** The demo district's origin (data/seed/generateDistrict.ts DEMO_ORIGIN). */
const ORIGIN_LON = 121.42;
const ORIGIN_LAT = 28.38;
const HOURS = 72;
const TARGET_MS = 1000;
/** The baseline takes ~10× longer: it runs on at most this many buildings and is scaled up. */
const BASELINE_MAX_BUILDINGS = 10_000;

/** Deterministic centroids over ~10 × 10 km, and a grid (1 km cells) for each. */
export function syntheticDistrict(buildings: number): { lon: Float64Array; lat: Float64Array; gridOfPoint: Int32Array; gridCount: number } {
  const lon = new Float64Array(buildings);
  const lat = new Float64Array(buildings);
  const gridOfPoint = new Int32Array(buildings);
  let seed = 0x2019_0810;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 0x1_0000_0000;
  };
  const kmLon = 111.195 * Math.cos((ORIGIN_LAT * Math.PI) / 180);
  for (let i = 0; i < buildings; i++) {
    const x = (rnd() - 0.5) * 10;
    const y = (rnd() - 0.5) * 10;
    lon[i] = ORIGIN_LON + x / kmLon;
    lat[i] = ORIGIN_LAT + y / 111.195;
    gridOfPoint[i] = Math.min(9, Math.floor(x + 5)) + 10 * Math.min(9, Math.floor(y + 5));
  }
  return { lon, lat, gridOfPoint, gridCount: 100 };
}

/** A Lekima-like track of 72 hours from `startUtcMs`: fixes every 6 h, radii until landfall. */
export function syntheticTrack(startUtcMs: number): TrackPoint[] {
  const quad = (ne: number, se: number, sw: number, nw: number): QuadrantRadii => ({ ne, se, sw, nw });
  const points: TrackPoint[] = [];
  for (let h = 0; h <= HOURS; h += 6) {
    // Closing from ~560 km south-east at ~11 km/h, landfall near the district at hour 50, then north.
    const beforeLandfall = h <= 48;
    const k = (50 - h) / 50;
    const lon = h <= 50 ? ORIGIN_LON + 0.05 + 3.4 * k : ORIGIN_LON + 0.05 - 0.02 * (h - 50);
    const lat = h <= 50 ? ORIGIN_LAT - 0.15 - 3.8 * k : ORIGIN_LAT - 0.15 + 0.12 * (h - 50);
    const maxWind = beforeLandfall ? 55 + Math.min(7, h / 6) - Math.max(0, h - 36) / 4 : Math.max(18, 50 - (h - 48) * 1.3);
    points.push({
      timeUtcMs: startUtcMs + h * HOUR_MS,
      lon,
      lat,
      pressureHpa: beforeLandfall ? 925 - Math.min(10, h / 4) + Math.max(0, h - 36) : Math.min(990, 935 + (h - 48) * 2.5),
      maxWindMs: maxWind,
      grade: beforeLandfall ? 'SuperTY' : 'STS',
      radii: beforeLandfall ? { r7: quad(320, 380, 380, 300), r10: quad(140, 140, 130, 120), r12: quad(65, 65, 60, 60) } : null,
      isForecast: h > 24,
    });
  }
  return points;
}

/**
 * The straightforward implementation the benchmark compares with: the same vortex per hour (fitting
 * is not what costs), then per building and hour an object with great-circle distance and bearing,
 * the exact profile, the model layer's force, and each hour's signal from the next 24 hours' samples.
 */
function naiveTimeline(t: WindTimeline, lon: Float64Array, lat: Float64Array, count: number): { speed: number[][]; force: number[][]; signal: number[][]; arrival7: (number | null)[] } {
  interface Sample {
    timeUtcMs: number;
    speedMs: number;
    force: number;
  }
  interface Building {
    lon: number;
    lat: number;
    samples: Sample[];
  }
  const buildings: Building[] = [];
  for (let i = 0; i < count; i++) buildings.push({ lon: lon[i]!, lat: lat[i]!, samples: [] });
  for (const b of buildings) {
    for (let h = 0; h < t.hours; h++) {
      const v = t.vortices[h];
      const timeUtcMs = t.startUtcMs + h * t.stepMs;
      if (!v) {
        b.samples.push({ timeUtcMs, speedMs: 0, force: 0 });
        continue;
      }
      const d = distanceKm(v.lon, v.lat, b.lon, b.lat);
      const rad = Math.PI / 180;
      const y = Math.sin((b.lon - v.lon) * rad) * Math.cos(b.lat * rad);
      const x = Math.cos(v.lat * rad) * Math.sin(b.lat * rad) - Math.sin(v.lat * rad) * Math.cos(b.lat * rad) * Math.cos((b.lon - v.lon) * rad);
      const bearing = Math.atan2(y, x);
      const speedMs = vortexWindAtOffset(v, d * Math.sin(bearing), d * Math.cos(bearing)).speedMs;
      b.samples.push({ timeUtcMs, speedMs, force: beaufortForce(speedMs) ?? 0 });
    }
  }
  const out = { speed: [] as number[][], force: [] as number[][], signal: [] as number[][], arrival7: [] as (number | null)[] };
  for (const b of buildings) {
    out.speed.push(b.samples.map((s) => s.speedMs));
    out.force.push(b.samples.map((s) => s.force));
    out.arrival7.push(b.samples.find((s) => s.force >= 7)?.timeUtcMs ?? null);
    out.signal.push(
      b.samples.map((s, h) => {
        const outlook: WindOutlookSample[] = [];
        for (let k = h; k < b.samples.length && k <= h + 24; k++) {
          const w = b.samples[k]!;
          outlook.push({ hoursAhead: k - h, meanForce: w.force, gustForce: beaufortForce(w.speedMs * DEFAULT_WIND_MODEL.gustFactor) });
        }
        return warningSignalRank(warningSignalFor(outlook)) + 1;
      }),
    );
  }
  return out;
}

/**
 * Runs the benchmark for `buildings` buildings and returns its rows: the time (target ≤ 1 s, the
 * best of three runs after a small warm-up, as the model would run in a long-lived host), the
 * baseline's time scaled to the same size, and how closely the two agree.
 */
export function benchWindField(buildings: number): WindBenchRow[] {
  const n = Math.max(1, Math.floor(buildings));
  const start = Date.UTC(2019, 7, 8, 0);
  const track = syntheticTrack(start);
  const district = syntheticDistrict(n);
  const request = { track, lon: district.lon, lat: district.lat, startUtcMs: start, hours: HOURS, gridOfPoint: district.gridOfPoint, gridCount: district.gridCount };

  const warm = syntheticDistrict(1000);
  windTimeline({ ...request, lon: warm.lon, lat: warm.lat, gridOfPoint: warm.gridOfPoint });
  let best = Infinity;
  let timeline: WindTimeline | null = null;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    timeline = windTimeline(request);
    best = Math.min(best, performance.now() - t0);
  }
  const t = timeline!;

  const m = Math.min(n, BASELINE_MAX_BUILDINGS);
  const t0 = performance.now();
  const naive = naiveTimeline(t, district.lon, district.lat, m);
  const naiveMs = ((performance.now() - t0) * n) / m;

  let maxDiff = 0;
  let sameForce = 0;
  let sameSignal = 0;
  let arrivalMaxGapMin = 0;
  for (let i = 0; i < m; i++) {
    for (let h = 0; h < HOURS; h++) {
      const k = h * n + i;
      maxDiff = Math.max(maxDiff, Math.abs(t.speedMs[k]! - naive.speed[i]![h]!));
      if (t.force[k] === naive.force[i]![h]) sameForce++;
      if (t.signal[k] === naive.signal[i]![h]) sameSignal++;
    }
    // The baseline gives the first hour at force 7; the model the interpolated moment within the hour before.
    const a = naive.arrival7[i] ?? null;
    const b = t.arrival7UtcMs[i]!;
    if (a !== null && b === b) arrivalMaxGapMin = Math.max(arrivalMaxGapMin, Math.abs(a - b) / 60_000);
  }
  const cells = m * HOURS;
  const reached7 = t.grids!.placesReaching7.reduce((s, x) => s + x, 0);
  const earliest = Math.min(...t.grids!.arrival7UtcMs.filter((x) => x === x));
  const gridsAtRed = new Set<number>();
  for (let h = 0; h < HOURS; h++) for (let g = 0; g < t.grids!.gridCount; g++) if (t.grids!.signal[h * t.grids!.gridCount + g] === 4) gridsAtRed.add(g);
  const speedsOk = maxDiff < 0.25;
  return [
    {
      name: `wind field: ${n.toLocaleString('en-US')} bldg × ${HOURS} h (speed, force, signals, arrivals, ${district.gridCount} grids)`,
      value: `${best.toFixed(0)} ms`,
      baseline: `${naiveMs.toFixed(0)} ms naive${m < n ? ` (${m.toLocaleString('en-US')} bldg ×${(n / m).toFixed(0)})` : ''}`,
      ratio: `${(naiveMs / best).toFixed(1)}×`,
      target: `≤ ${TARGET_MS} ms`,
      pass: best <= TARGET_MS,
    },
    {
      name: '  agreement with the naive exact model',
      value: `max |Δv| ${maxDiff.toFixed(3)} m/s`,
      baseline: `force ${((100 * sameForce) / cells).toFixed(2)} %, signal ${((100 * sameSignal) / cells).toFixed(2)} % same`,
      target: '|Δv| < 0.25 m/s',
      pass: speedsOk,
    },
    {
      name: '  force-7 arrival (model interpolates within the hour)',
      value: `max gap ${arrivalMaxGapMin.toFixed(0)} min`,
      baseline: `${reached7.toLocaleString('en-US')} bldg reach force 7, first ${new Date(earliest).toISOString().slice(5, 16)}Z`,
      ratio: `${gridsAtRed.size} grids red`,
    },
  ];
}
