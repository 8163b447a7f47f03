/**
 * A storm's wind field at one moment: a parametric vortex fitted to what the track says then.
 *
 * The symmetric part is Holland's profile. Inside the radius of maximum wind Rm every quadrant
 * follows the Holland (1980) gradient wind (pressure deficit, Rm, shape B, air density, Coriolis),
 * scaled to the 10 m wind by the surface factor. Outside Rm each quadrant NE/SE/SW/NW follows
 * Holland et al. (2010): V = V_a · (h(r)/h(r_a))^x between knots, h being the normalised 1980
 * profile and x the exponent that makes the profile pass through the next knot. Holland 2010 fits
 * one outer wind (x varying from 0.5 at Rm to the value that meets it); a bulletin gives up to three
 * per quadrant (the 7/10/12-force radii), so each segment between two of them gets its own
 * exponent. Every knot is met exactly, and because ln V is linear in ln h between knots (ln h
 * falls strictly outside Rm) the profile can only fall with radius: no overshoot between radii.
 *
 * Convention for the radii: a bulletin's radius "of force 7" (7级风圈半径) is where the mean wind
 * falls to the lower bound of force 7, 13.9 m/s (10: 24.5, 12: 32.7) — CMA's definition, and the
 * one data/model/typhoon/scales.ts records (WIND_CIRCLE_EDGE_MS). The international 30/50/64-kt
 * radii would put the edge at 15.4/25.7/32.9 m/s instead.
 *
 * Rm: where the fix has radii, Rm is the radius for which the Holland (1980) profile through the
 * reported Vmax meets the innermost reported radius (geometric mean over the quadrants that have
 * it) — the storm's own size rather than a climatology. Without radii (CMA best track, Lekima after
 * landfall) Rm comes from Vickery & Wadhera (2008). B follows from gradient balance at Rm with the
 * reported Vmax (Holland 1980), so the modelled peak is the reported one.
 *
 * Forward motion: the translation vector, turned 20° to the left of the motion (Lin & Chavas 2012),
 * weighted by Jelesnianski's (1966) Rm·r/(Rm²+r²), is added to the symmetric wind vector (which
 * crosses the isobars inwards by the inflow angle). In the northern hemisphere the two add up on
 * the right of the motion. The reported Vmax includes the motion, so the symmetric peak is Vmax
 * minus the half translation speed the motion term adds at Rm; at the knots the symmetric target
 * is the bulletin's speed minus the motion term there, so the total meets the bulletin. Where the
 * bulletin's radii leave no room for the motion term (a force-10 radius with Vmax barely above
 * force 10) the term is scaled down for that fix until every radius can be met; `motionScale` says
 * by how much.
 *
 * Between quadrant centres (45°, 135°, 225°, 315°) the two neighbouring profiles are blended with
 * weights cos²(angle to each centre), which sum to 1 and need no trigonometry per point.
 */
import { trackStateAt, type TrackState } from '../../model/typhoon/track.ts';
import { QUADRANTS, type Quadrant, type TrackPoint, type WindRadii } from '../../model/typhoon/types.ts';
import { WIND_CIRCLE_EDGE_MS, WIND_CIRCLE_FORCES, type WindCircleForce } from '../../model/typhoon/scales.ts';
import {
  DEFAULT_WIND_MODEL,
  atkinsonHollidayDeficitHpa,
  coriolis,
  hollandB,
  hollandGradientWind,
  motionWeight,
  vickeryWadheraRmaxKm,
  type WindModelOptions,
} from './holland.ts';

/** km per degree of latitude (and of longitude at the equator), on the sphere the track code uses. */
export const KM_PER_DEG = (6371.0088 * Math.PI) / 180;
const SQRT1_2 = Math.SQRT1_2;
/** Translation speeds above this (m/s, ~90 km/h) are a track error, not a storm; they are capped. */
const MAX_TRANSLATION_MS = 25;
/** A knot must lie this much (m/s) below the one inside it, or the profile could not fall to it. */
const KNOT_MARGIN_MS = 0.01;
const MOTION_SCALES = [1, 0.75, 0.5, 0.25, 0] as const;

/** One quadrant's profile outside Rm: knot 0 is (Rm, symmetric peak); then the bulletin's radii. */
export interface QuadrantProfile {
  quadrant: Quadrant;
  /** Knot radii, km, increasing; [0] = Rm. */
  radiusKm: number[];
  /** Symmetric (motion removed) 10 m speed at each knot, m/s, decreasing. */
  speedMs: number[];
  /** ln h at each knot (h = Holland 1980 profile / its peak); [0] = 0. */
  lnShape: number[];
  /** Holland 2010 exponent of the segment from knot i outwards (the last one continues beyond). */
  exponent: number[];
  /** The Beaufort force each knot stands for; [0] = 0 (Rm). */
  force: number[];
}

/** The fitted vortex of one moment. Plain numbers: cheap to keep one per hour of a timeline. */
export interface StormVortex {
  timeUtcMs: number;
  lon: number;
  lat: number;
  /** +1 north of the equator (anticlockwise rotation), −1 south. */
  hemisphere: 1 | -1;
  /** Reported maximum 10 m wind, 2-minute mean, m/s (the track's, or from pressure when it has none). */
  vmaxMs: number;
  /** Peak of the symmetric part, m/s. */
  vmSymMs: number;
  rmaxKm: number;
  /**
   * `radii`: fitted to this moment's radii; `borrowed`: to the nearest fix's radii, winds scaled
   * (see vortexAt); `vickery-wadhera`: no radii within a day, climatological Rm.
   */
  rmaxSource: 'radii' | 'borrowed' | 'vickery-wadhera';
  hollandB: number;
  deltaPHpa: number;
  /** Coriolis parameter, 1/s. */
  coriolis: number;
  /** Peak of the 1980 gradient profile, m/s: the normaliser of h. */
  gradientPeakMs: number;
  /** Translation of the storm, m/s (east, north components). */
  motionEastMs: number;
  motionNorthMs: number;
  /** Share of the forward-motion term kept (1, or less where the radii leave no room for it). */
  motionScale: number;
  /** The forward-motion vector before its radial weight: motionScale × translation, turned. */
  asymEastMs: number;
  asymNorthMs: number;
  /** cos and sin of the inflow angle. */
  inflowCos: number;
  inflowSin: number;
  exposureFactor: number;
  /** NE, SE, SW, NW. */
  quadrants: [QuadrantProfile, QuadrantProfile, QuadrantProfile, QuadrantProfile];
  /** What the fit had to set aside (inconsistent radii), for the planner to see. */
  notes: string[];
}

/** The storm's translation, m/s, from its track over ±window hours around the moment. */
export function stormMotionAt(points: readonly TrackPoint[], timeUtcMs: number, windowHours: number): { eastMs: number; northMs: number } {
  if (points.length < 2) return { eastMs: 0, northMs: 0 };
  const t0 = Math.max(points[0]!.timeUtcMs, timeUtcMs - windowHours * 3_600_000);
  const t1 = Math.min(points[points.length - 1]!.timeUtcMs, timeUtcMs + windowHours * 3_600_000);
  const a = trackStateAt(points, t0);
  const b = trackStateAt(points, t1);
  if (a === null || b === null || t1 - t0 < 60_000) return { eastMs: 0, northMs: 0 };
  const seconds = (t1 - t0) / 1000;
  const midLat = ((a.lat + b.lat) / 2) * (Math.PI / 180);
  let east = ((b.lon - a.lon) * Math.cos(midLat) * KM_PER_DEG * 1000) / seconds;
  let north = ((b.lat - a.lat) * KM_PER_DEG * 1000) / seconds;
  const speed = Math.hypot(east, north);
  if (speed > MAX_TRANSLATION_MS) {
    east *= MAX_TRANSLATION_MS / speed;
    north *= MAX_TRANSLATION_MS / speed;
  }
  return { eastMs: east, northMs: north };
}

/** How far in time (ms) a fix's radii may lend the vortex its shape when the moment itself has none. */
export const SHAPE_PERSISTENCE_MS = 24 * 3_600_000;

/**
 * The fitted vortex at a moment of a track (fixes, then forecast positions); null outside the track
 * or without intensity.
 *
 * Sources stop giving radii for a while (Wenzhou's track has none once Lekima is over land; its
 * first fixes have none either). Falling back to Vickery & Wadhera's climatological Rm there would
 * change the storm's size from one hour to the next — Lekima's force-10 wind would reach farther
 * an hour after landfall than an hour before. So a moment without radii borrows the radii of the
 * nearest fix that has them (within 24 h) with the wind at each scaled by the ratio of the maximum
 * winds (now / then): a storm that weakens from 52 to 40 m/s has 18.8 m/s where it had 24.5, so its
 * circles shrink. The fit is otherwise the same, with this moment's motion. Only a track without
 * radii near the moment (the CMA best track) gets the climatological Rm.
 */
export function vortexAt(points: readonly TrackPoint[], timeUtcMs: number, options: Partial<WindModelOptions> = {}): StormVortex | null {
  const opts = { ...DEFAULT_WIND_MODEL, ...options };
  const state = trackStateAt(points, timeUtcMs);
  if (state === null) return null;
  const motion = stormMotionAt(points, timeUtcMs, opts.motionWindowHours);
  if (!hasRadii(state.radii)) {
    const donor = nearestPointWithRadii(points, timeUtcMs);
    const vmax = state.maxWindMs;
    if (donor !== null && donor.maxWindMs !== null && donor.maxWindMs > 0 && vmax !== null && vmax > 0) {
      const borrowed = fitVortex({ ...state, radii: donor.radii }, motion, opts, { knotSpeedScale: vmax / donor.maxWindMs, fromUtcMs: donor.timeUtcMs });
      if (borrowed !== null) return borrowed;
    }
  }
  return fitVortex(state, motion, opts);
}

function hasRadii(radii: WindRadii | null): boolean {
  if (radii === null) return false;
  for (const circle of [radii.r7, radii.r10, radii.r12]) {
    if (circle === null) continue;
    for (const q of QUADRANTS) if ((circle[q] ?? 0) > 0) return true;
  }
  return false;
}

/** The track point with radii nearest in time to the moment (the earlier of two equally near), within SHAPE_PERSISTENCE_MS. */
function nearestPointWithRadii(points: readonly TrackPoint[], timeUtcMs: number): TrackPoint | null {
  let best: TrackPoint | null = null;
  let bestGap = SHAPE_PERSISTENCE_MS;
  for (const p of points) {
    const gap = Math.abs(p.timeUtcMs - timeUtcMs);
    if (gap <= bestGap && hasRadii(p.radii) && (best === null || gap < bestGap)) {
      best = p;
      bestGap = gap;
    }
  }
  return best;
}

/** The translation vector turned `turnDeg` to the left of the motion (to the right in the south). */
function turnedMotion(motion: { eastMs: number; northMs: number }, hemisphere: 1 | -1, turnDeg: number): [number, number] {
  const turn = (hemisphere * turnDeg * Math.PI) / 180;
  return [motion.eastMs * Math.cos(turn) - motion.northMs * Math.sin(turn), motion.eastMs * Math.sin(turn) + motion.northMs * Math.cos(turn)];
}

interface Candidate {
  force: WindCircleForce;
  radiusKm: number;
  edgeMs: number;
}

/** Unit vectors (east, north) of the quadrant centres NE, SE, SW, NW. */
const QUADRANT_UNIT: ReadonlyArray<readonly [number, number]> = [
  [SQRT1_2, SQRT1_2],
  [SQRT1_2, -SQRT1_2],
  [-SQRT1_2, -SQRT1_2],
  [-SQRT1_2, SQRT1_2],
];

/**
 * Fits the vortex to one state of the track (position, intensity, radii) and its motion. null when
 * the state has neither a maximum wind nor a central pressure: there is nothing to scale a profile to.
 */
export function fitVortex(
  state: TrackState,
  motion: { eastMs: number; northMs: number },
  options: Partial<WindModelOptions> = {},
  borrowed: { knotSpeedScale: number; fromUtcMs: number } | null = null,
): StormVortex | null {
  const opts = { ...DEFAULT_WIND_MODEL, ...options };
  const notes: string[] = [];
  const pc = state.pressureHpa;
  let vmax = state.maxWindMs;
  if ((vmax === null || !(vmax > 0)) && pc !== null && pc < 1010) {
    vmax = 6.7 * Math.pow(Math.max(0, 1010 - pc), 0.644) * 0.514444;
    notes.push(`no maximum wind: ${vmax.toFixed(1)} m/s from the central pressure ${pc} hPa (Atkinson & Holliday 1977)`);
  }
  if (vmax === null || !(vmax > 0) || !Number.isFinite(state.lat) || !Number.isFinite(state.lon)) return null;
  let deltaP = pc !== null && Number.isFinite(pc) ? opts.envPressureHpa - pc : NaN;
  if (!(deltaP >= 1)) {
    deltaP = Math.max(1, atkinsonHollidayDeficitHpa(vmax));
    if (pc !== null) notes.push(`central pressure ${pc} hPa is not below the environment's ${opts.envPressureHpa} hPa: deficit ${deltaP.toFixed(1)} hPa from the wind`);
  }
  const hemisphere: 1 | -1 = state.lat >= 0 ? 1 : -1;
  const f = coriolis(state.lat);
  const rho = opts.airDensity;
  const [turnedEast, turnedNorth] = turnedMotion(motion, hemisphere, opts.motionTurnDeg);
  const translation = Math.hypot(motion.eastMs, motion.northMs);
  const inflow = (opts.inflowDeg * Math.PI) / 180;
  const inflowCos = Math.cos(inflow);
  const inflowSin = Math.sin(inflow);

  const candidates = quadrantCandidates(state, vmax, borrowed?.knotSpeedScale ?? 1, notes);
  if (borrowed !== null) notes.push(`no radii at this moment: those of ${new Date(borrowed.fromUtcMs).toISOString()}, winds × ${borrowed.knotSpeedScale.toFixed(2)}`);
  const anyRadii = candidates.some((c) => c.length > 0);
  const innermostForce = Math.max(0, ...candidates.flatMap((c) => c.map((k) => k.force)));

  // The symmetric target at a knot: |T_sym·w + a| = T, with w the wind direction at the quadrant
  // centre and a the motion term there, solved for T_sym (a quadratic with one positive root).
  const symmetricTarget = (q: number, rKm: number, edgeMs: number, rmKm: number, scale: number): number => {
    const [ux, uy] = QUADRANT_UNIT[q]!;
    const [wx, wy] = windDirection(ux, uy, hemisphere, inflowCos, inflowSin);
    const weight = scale * motionWeight(rKm, rmKm);
    const ax = weight * turnedEast;
    const ay = weight * turnedNorth;
    const wa = wx * ax + wy * ay;
    const disc = wa * wa - (ax * ax + ay * ay) + edgeMs * edgeMs;
    return disc > 0 ? -wa + Math.sqrt(disc) : 0;
  };

  let chosen: { scale: number; rm: number; b: number; vmSym: number; profiles: QuadrantProfile[] } | null = null;
  for (const scale of MOTION_SCALES) {
    const vmSym = vmax - scale * 0.5 * translation;
    if (!(vmSym > 0)) continue;
    const bAt = (rm: number): number => hollandB(vmSym / opts.surfaceFactor, deltaP, rm, rho, f);
    const shapeAt = (rKm: number, rm: number, b: number): number =>
      hollandGradientWind(rKm, deltaP, rm, b, rho, f) / hollandGradientWind(rm, deltaP, rm, b, rho, f);
    let rm: number;
    if (anyRadii) {
      const logs: number[] = [];
      let innermost = Infinity;
      candidates.forEach((list, q) => {
        if (list.length > 0) innermost = Math.min(innermost, list[0]!.radiusKm);
        const k = list.find((c) => c.force === innermostForce);
        if (k === undefined) return;
        const misfit = (r: number): number => vmSym * shapeAt(k.radiusKm, r, bAt(r)) - symmetricTarget(q, k.radiusKm, k.edgeMs, r, scale);
        logs.push(Math.log(solveRmax(misfit, k.radiusKm)));
      });
      rm = Math.exp(logs.reduce((s, x) => s + x, 0) / logs.length);
      rm = Math.min(rm, 0.9 * innermost);
    } else {
      rm = vickeryWadheraRmaxKm(deltaP, state.lat);
    }
    const b = bAt(rm);
    const last = scale === 0;
    const profiles: QuadrantProfile[] = [];
    let feasible = true;
    for (let q = 0; q < 4; q++) {
      const p: QuadrantProfile = { quadrant: QUADRANTS[q]!, radiusKm: [rm], speedMs: [vmSym], lnShape: [0], exponent: [], force: [0] };
      for (const k of candidates[q]!) {
        const target = symmetricTarget(q, k.radiusKm, k.edgeMs, rm, scale);
        const prevR = p.radiusKm[p.radiusKm.length - 1]!;
        const prevV = p.speedMs[p.speedMs.length - 1]!;
        if (k.radiusKm > prevR && target > 0 && target < prevV - KNOT_MARGIN_MS) {
          p.radiusKm.push(k.radiusKm);
          p.speedMs.push(target);
          p.lnShape.push(Math.log(shapeAt(k.radiusKm, rm, b)));
          p.force.push(k.force);
        } else if (last) {
          notes.push(`${QUADRANTS[q]} force-${k.force} radius ${k.radiusKm} km cannot be met (the wind inside it is no stronger): left out`);
        } else {
          feasible = false;
        }
      }
      // Segment exponents: ln V linear in ln h between knots. Beyond the last knot the bulletin says
      // only that the wind is below that force: the last slope goes on, kept within 0.5–2 so that a
      // steep drop between two close radii is not carried out to a calm, nor a flat one to a gale
      // far away (1 = Holland 1980, 0.5 its square root). Without knots: Holland 1980 itself.
      for (let i = 0; i + 1 < p.radiusKm.length; i++) {
        const dh = p.lnShape[i + 1]! - p.lnShape[i]!;
        p.exponent.push(dh < -1e-12 ? (Math.log(p.speedMs[i + 1]!) - Math.log(p.speedMs[i]!)) / dh : 1);
      }
      p.exponent.push(p.exponent.length > 0 ? Math.min(2, Math.max(0.5, p.exponent[p.exponent.length - 1]!)) : 1);
      profiles.push(p);
    }
    if (!feasible && !last) continue;
    if (!last && !motionKeepsProfilesFalling(profiles, rm, scale * translation, (r) => shapeAt(r, rm, b))) continue;
    chosen = { scale, rm, b, vmSym, profiles };
    break;
  }
  if (chosen === null) return null;
  if (chosen.scale < 1 && translation > 0.5) notes.push(`forward-motion term scaled to ${chosen.scale} so that the radii can be met and the wind falls with distance`);
  const { scale, rm, b, vmSym, profiles } = chosen;
  return {
    timeUtcMs: state.timeUtcMs,
    lon: state.lon,
    lat: state.lat,
    hemisphere,
    vmaxMs: vmax,
    vmSymMs: vmSym,
    rmaxKm: rm,
    rmaxSource: anyRadii ? (borrowed !== null ? 'borrowed' : 'radii') : 'vickery-wadhera',
    hollandB: b,
    deltaPHpa: deltaP,
    coriolis: f,
    gradientPeakMs: hollandGradientWind(rm, deltaP, rm, b, rho, f),
    motionEastMs: motion.eastMs,
    motionNorthMs: motion.northMs,
    motionScale: scale,
    asymEastMs: scale * turnedEast,
    asymNorthMs: scale * turnedNorth,
    inflowCos,
    inflowSin,
    exposureFactor: opts.exposureFactor,
    quadrants: profiles as StormVortex['quadrants'],
    notes,
  };
}

/**
 * Whether adding the motion term can leave the total wind rising with distance somewhere outside
 * Rm. Along any ray the total is |Vs·w + D(r)·a| (w, a fixed); outside Rm both Vs and D fall, and
 * on the side where a opposes w the falling D *raises* the total unless Vs falls at least as fast:
 * |Vs'| ≥ |D'|·|a| (with Vs > D·|a|) keeps every bearing falling, and a cos²-blend of two profiles
 * that satisfy it satisfies it too. Checked per quadrant on 96 radii from just outside Rm to twice
 * the outermost knot, where the wind is above 3 m/s (farther out nothing a planner reads depends on it).
 * Example it catches: Muifa 2022-09-16 03 UTC, fast-moving, whose NW profile is nearly flat from Rm
 * to its force-7 radius: with the full motion term the wind there rose outwards, so force 7 began
 * just outside the bulletin's radius instead of at it.
 */
function motionKeepsProfilesFalling(profiles: readonly QuadrantProfile[], rm: number, motionMs: number, shape: (rKm: number) => number): boolean {
  if (motionMs <= 0) return true;
  const speedAt = (p: QuadrantProfile, r: number): number => {
    let j = 0;
    while (j + 1 < p.radiusKm.length && p.radiusKm[j + 1]! <= r) j++;
    return p.speedMs[j]! * Math.exp(p.exponent[j]! * (Math.log(shape(r)) - p.lnShape[j]!));
  };
  const samples = 96;
  for (const p of profiles) {
    const rEnd = Math.max(2 * p.radiusKm[p.radiusKm.length - 1]!, 3 * rm);
    const r0 = 1.01 * rm;
    const growth = Math.pow(rEnd / r0, 1 / (samples - 1));
    for (let i = 0, r = r0; i < samples; i++, r *= growth) {
      const vs = speedAt(p, r);
      if (vs < 3) break;
      const dr = r * 1e-5;
      const slope = (speedAt(p, r + dr) - vs) / dr;
      const d = motionWeight(r, rm);
      const dPrime = (rm * (rm * rm - r * r)) / ((rm * rm + r * r) * (rm * rm + r * r));
      if (vs <= d * motionMs || -slope < -dPrime * motionMs) return false;
    }
  }
  return true;
}

/**
 * Per quadrant, the bulletin's radii as knots (innermost first), inconsistent ones noted and
 * dropped. `speedScale` ≠ 1 for borrowed radii: the wind at each is the circle's edge speed scaled.
 */
function quadrantCandidates(state: TrackState, vmax: number, speedScale: number, notes: string[]): Candidate[][] {
  const out: Candidate[][] = [];
  for (const q of QUADRANTS) {
    const list: Candidate[] = [];
    for (const force of [...WIND_CIRCLE_FORCES].reverse()) {
      const circle = state.radii?.[`r${force}`] ?? null;
      const r = circle?.[q] ?? null;
      if (r === null || !(r > 0) || !Number.isFinite(r)) continue;
      const edge = WIND_CIRCLE_EDGE_MS[force] * speedScale;
      if (edge >= vmax - KNOT_MARGIN_MS) {
        if (speedScale !== 1) continue; // a borrowed circle the weaker storm no longer has
        notes.push(`${q} force-${force} radius ${r} km given with a maximum wind of ${vmax.toFixed(1)} m/s (below force ${force}): left out`);
        continue;
      }
      const inner = list[list.length - 1];
      if (inner !== undefined && r <= inner.radiusKm) {
        notes.push(`${q} force-${force} radius ${r} km is not outside the force-${inner.force} radius ${inner.radiusKm} km: left out`);
        continue;
      }
      list.push({ force, radiusKm: r, edgeMs: edge });
    }
    out.push(list);
  }
  return out;
}

/**
 * The Rm at which `misfit` (modelled minus wanted speed at the knot radius) changes sign, by
 * bisection between 3 km (or half the radius) and 95 % of the knot radius. The modelled speed at a
 * fixed radius grows with Rm (a wider vortex), so the misfit rises with Rm.
 */
function solveRmax(misfit: (rm: number) => number, knotKm: number): number {
  let lo = Math.min(3, knotKm * 0.5);
  let hi = knotKm * 0.95;
  if (misfit(hi) <= 0) return hi;
  if (misfit(lo) >= 0) return lo;
  for (let i = 0; i < 50 && hi - lo > 1e-4; i++) {
    const mid = 0.5 * (lo + hi);
    if (misfit(mid) > 0) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/** Unit wind direction (east, north) at a point in unit direction (ux, uy) from the centre. */
function windDirection(ux: number, uy: number, hemisphere: 1 | -1, inflowCos: number, inflowSin: number): [number, number] {
  // Tangential: anticlockwise in the north (east of the centre the wind blows north), clockwise in the south.
  const tx = -hemisphere * uy;
  const ty = hemisphere * ux;
  return [inflowCos * tx - inflowSin * ux, inflowCos * ty - inflowSin * uy];
}

/** h(r): the Holland 1980 gradient profile over its value at Rm. */
export function vortexShape(v: StormVortex, rKm: number, rho = DEFAULT_WIND_MODEL.airDensity): number {
  return hollandGradientWind(rKm, v.deltaPHpa, v.rmaxKm, v.hollandB, rho, v.coriolis) / v.gradientPeakMs;
}

/** Symmetric 10 m speed, m/s, of quadrant `q` (0 NE, 1 SE, 2 SW, 3 NW) at `rKm` from the centre. */
export function quadrantSpeed(v: StormVortex, q: number, rKm: number, rho = DEFAULT_WIND_MODEL.airDensity): number {
  const h = vortexShape(v, rKm, rho);
  if (rKm <= v.rmaxKm) return v.vmSymMs * h;
  const p = v.quadrants[q]!;
  let j = 0;
  while (j + 1 < p.radiusKm.length && p.radiusKm[j + 1]! <= rKm) j++;
  return p.speedMs[j]! * Math.exp(p.exponent[j]! * (Math.log(h) - p.lnShape[j]!));
}

/** The 10 m wind, m/s, at an offset (km east, km north) from the storm's centre: speed and vector. */
export function vortexWindAtOffset(v: StormVortex, eastKm: number, northKm: number): { speedMs: number; eastMs: number; northMs: number } {
  const r = Math.hypot(eastKm, northKm);
  if (!(r > 1e-9)) return { speedMs: 0, eastMs: 0, northMs: 0 };
  const ux = eastKm / r;
  const uy = northKm / r;
  const dNE = (ux + uy) * SQRT1_2;
  const dSE = (ux - uy) * SQRT1_2;
  const vs = dNE * dNE * quadrantSpeed(v, dNE >= 0 ? 0 : 2, r) + dSE * dSE * quadrantSpeed(v, dSE >= 0 ? 1 : 3, r);
  const [wx, wy] = windDirection(ux, uy, v.hemisphere, v.inflowCos, v.inflowSin);
  const m = motionWeight(r, v.rmaxKm);
  const e = (vs * wx + m * v.asymEastMs) * v.exposureFactor;
  const n = (vs * wy + m * v.asymNorthMs) * v.exposureFactor;
  return { speedMs: Math.hypot(e, n), eastMs: e, northMs: n };
}

/**
 * Offset (km east, km north) of a place from the storm's centre: equirectangular with the mean of
 * the two latitudes' cosines — within 0.1 % of the great-circle distance out to ~500 km, where the
 * wind is weak and a kilometre changes it by hundredths of a m/s.
 */
export function offsetKm(centreLon: number, centreLat: number, lon: number, lat: number): [number, number] {
  const rad = Math.PI / 180;
  const cosMean = 0.5 * (Math.cos(centreLat * rad) + Math.cos(lat * rad));
  return [(lon - centreLon) * cosMean * KM_PER_DEG, (lat - centreLat) * KM_PER_DEG];
}

/** The 10 m wind speed, m/s, the vortex gives at a place. */
export function vortexSpeedAt(v: StormVortex, lon: number, lat: number): number {
  const [e, n] = offsetKm(v.lon, v.lat, lon, lat);
  return vortexWindAtOffset(v, e, n).speedMs;
}
