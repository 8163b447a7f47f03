/**
 * The strongest wind each building sees over a storm's track and forecast, estimated from what the
 * track says at each moment: the centre, the maximum wind and the 7/10/12 wind circles per
 * quadrant (the circles drawn on the map). Between the circles the speed is interpolated (the
 * circle's edge is its force's lower bound, GB/T 28591), inside the innermost circle it rises to
 * the maximum wind at the radius of maximum wind, and beyond the force-7 circle it decays as
 * (r/R)^-0.6 (a modified Rankine vortex). A track without circles (the CMA best track) gets the
 * Rankine profile from its maximum wind alone.
 *
 * Pure over arrays, so it is tested without a browser; the renderer runs it once per storm.
 */
import { QUADRANTS, type Quadrant, type TrackPoint } from '../../../data/model/typhoon/types.ts';
import { trackStateAt, type TrackState } from '../../../data/model/typhoon/track.ts';
import { BEAUFORT_LOWER_MS } from '../../../data/model/typhoon/scales.ts';

const KM_PER_DEG = 111.32;
/** Radius of maximum wind when the circles do not bound it, km. */
const DEFAULT_RMAX_KM = 30;
/** Decay exponent beyond the outermost circle. */
const DECAY = 0.6;
/** The track is sampled this often. */
export const WIND_SAMPLE_MS = 15 * 60_000;

const CIRCLES = [
  { key: 'r12' as const, speed: BEAUFORT_LOWER_MS[12]! },
  { key: 'r10' as const, speed: BEAUFORT_LOWER_MS[10]! },
  { key: 'r7' as const, speed: BEAUFORT_LOWER_MS[7]! },
];

/** Quadrant of a point seen from the centre (east/north offsets in km). */
function quadrantOf(eastKm: number, northKm: number): Quadrant {
  if (eastKm >= 0) return northKm >= 0 ? 'ne' : 'se';
  return northKm >= 0 ? 'nw' : 'sw';
}

/** Radial profile of one quadrant: (radius km, speed m/s) from the centre outwards, speeds falling. */
export function quadrantProfile(state: Pick<TrackState, 'maxWindMs' | 'radii'>, quadrant: Quadrant): [number, number][] | null {
  const anchors: [number, number][] = [];
  for (const c of CIRCLES) {
    const r = state.radii?.[c.key]?.[quadrant] ?? null;
    // A circle must lie outside the stronger one inside it; a contradicting radius is left out.
    if (r !== null && r > 0 && (anchors.length === 0 || r > anchors[anchors.length - 1]![0])) anchors.push([r, c.speed]);
  }
  let vmax = state.maxWindMs;
  if (vmax === null || !(vmax > 0)) {
    if (anchors.length === 0) return null;
    vmax = anchors[0]![1];
  }
  const inner = anchors[0];
  if (inner && vmax < inner[1]) vmax = inner[1];
  const rmax = inner ? Math.min(DEFAULT_RMAX_KM, inner[0] * 0.5) : DEFAULT_RMAX_KM;
  return [[0, 0], [rmax, vmax], ...anchors];
}

/** Speed at `rKm` from the centre along a profile. */
export function speedAt(profile: readonly [number, number][], rKm: number): number {
  for (let i = 1; i < profile.length; i++) {
    const [r1, v1] = profile[i]!;
    if (rKm <= r1) {
      const [r0, v0] = profile[i - 1]!;
      return r1 > r0 ? v0 + ((v1 - v0) * (rKm - r0)) / (r1 - r0) : v1;
    }
  }
  const [R, V] = profile[profile.length - 1]!;
  return V * (R / rKm) ** DECAY;
}

/**
 * Peak speed (m/s) per point over the track's whole time (fixes then forecast, in time order), at
 * `lonLat` ([count × 2] absolute lon/lat). 0 where the track says nothing (no wind at all).
 */
export function peakWindAt(points: readonly TrackPoint[], lonLat: ArrayLike<number>, count: number, sampleMs = WIND_SAMPLE_MS): Float32Array {
  const peak = new Float32Array(count);
  if (points.length === 0) return peak;
  const t0 = points[0]!.timeUtcMs;
  const t1 = points[points.length - 1]!.timeUtcMs;
  for (let t = t0; t <= t1; t += sampleMs) {
    const state = trackStateAt(points, t);
    if (!state) continue;
    const profiles = new Map<Quadrant, [number, number][] | null>();
    for (const q of QUADRANTS) profiles.set(q, quadrantProfile(state, q));
    const cosLat = Math.cos((state.lat * Math.PI) / 180);
    for (let i = 0; i < count; i++) {
      const east = (lonLat[2 * i]! - state.lon) * cosLat * KM_PER_DEG;
      const north = (lonLat[2 * i + 1]! - state.lat) * KM_PER_DEG;
      const profile = profiles.get(quadrantOf(east, north));
      if (!profile) continue;
      const v = speedAt(profile, Math.hypot(east, north));
      if (v > peak[i]!) peak[i] = v;
    }
  }
  return peak;
}
