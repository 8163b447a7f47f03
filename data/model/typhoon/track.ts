/**
 * Reading a track: where the storm was (or is forecast to be) at a moment between fixes, its
 * peak, and distances on the sphere. The player asks for the storm at its clock's time, which
 * rarely falls on a fix.
 */
import { QUADRANTS, type QuadrantRadii, type TrackPoint, type WindRadii } from './types.ts';

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in km (haversine). */
export function distanceKm(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The storm's state at a moment: interpolated between the two points around it. */
export interface TrackState {
  timeUtcMs: number;
  lon: number;
  lat: number;
  pressureHpa: number | null;
  maxWindMs: number | null;
  /** The earlier point's grade: grades are classes, they do not interpolate. */
  grade: TrackPoint['grade'];
  radii: WindRadii | null;
}

/**
 * Linear interpolation of position, pressure, wind and each quadrant's radius between the points
 * on either side of `timeUtcMs` (points in time order). null before the first and after the last
 * point: a track says nothing there. A value missing on either side stays missing.
 */
export function trackStateAt(points: readonly TrackPoint[], timeUtcMs: number): TrackState | null {
  if (points.length === 0 || !Number.isFinite(timeUtcMs)) return null;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  if (timeUtcMs < first.timeUtcMs || timeUtcMs > last.timeUtcMs) return null;
  // Binary search for the last point at or before the moment.
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (points[mid]!.timeUtcMs <= timeUtcMs) lo = mid;
    else hi = mid - 1;
  }
  const a = points[lo]!;
  const b = points[Math.min(lo + 1, points.length - 1)]!;
  const span = b.timeUtcMs - a.timeUtcMs;
  const f = span > 0 ? (timeUtcMs - a.timeUtcMs) / span : 0;
  const mix = (x: number | null, y: number | null): number | null => (x === null || y === null ? null : x + (y - x) * f);
  return {
    timeUtcMs,
    lon: a.lon + (b.lon - a.lon) * f,
    lat: a.lat + (b.lat - a.lat) * f,
    pressureHpa: mix(a.pressureHpa, b.pressureHpa),
    maxWindMs: mix(a.maxWindMs, b.maxWindMs),
    grade: a.grade,
    radii: f === 0 ? a.radii : mixRadii(a.radii, b.radii, f),
  };
}

function mixRadii(a: WindRadii | null, b: WindRadii | null, f: number): WindRadii | null {
  if (a === null || b === null) return null;
  const circle = (x: QuadrantRadii | null, y: QuadrantRadii | null): QuadrantRadii | null => {
    // A circle that appears or vanishes between fixes grows from or shrinks to nothing.
    if (x === null && y === null) return null;
    const out = {} as QuadrantRadii;
    let any = false;
    for (const q of QUADRANTS) {
      const rx = x?.[q] ?? 0;
      const ry = y?.[q] ?? 0;
      const r = rx + (ry - rx) * f;
      out[q] = r > 0 ? r : null;
      any ||= r > 0;
    }
    return any ? out : null;
  };
  return { r7: circle(a.r7, b.r7), r10: circle(a.r10, b.r10), r12: circle(a.r12, b.r12) };
}

/** The point with the strongest wind (the first of equals); null when no point has a wind. */
export function peakPoint(points: readonly TrackPoint[]): TrackPoint | null {
  let best: TrackPoint | null = null;
  for (const p of points) if (p.maxWindMs !== null && (best === null || p.maxWindMs > best.maxWindMs!)) best = p;
  return best;
}

/** The last point at or before a moment (points in time order); null when none is. */
export function lastPointAtOrBefore(points: readonly TrackPoint[], timeUtcMs: number): TrackPoint | null {
  let found: TrackPoint | null = null;
  for (const p of points) {
    if (p.timeUtcMs > timeUtcMs) break;
    found = p;
  }
  return found;
}

/** A moment as Beijing time (UTC+8, no daylight saving), "2019-08-10 01:45", for people. */
export function formatBeijingTime(timeUtcMs: number): string {
  return new Date(timeUtcMs + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
