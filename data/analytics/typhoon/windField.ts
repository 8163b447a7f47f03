/**
 * Wind over time at many places (building centroids): speed and Beaufort force at every step, the
 * moment force 7 and force 10 arrive, the peak, and the typhoon warning signal that applies at each
 * step; and the same per grid.
 *
 * How it stays fast (100,000 buildings × 72 hours in well under a second): the vortex is fitted
 * once per step (`vortex.ts`); its four quadrant profiles are tabulated over just the range of
 * distances the places span at that step (a district 10 km across needs a few hundred samples), so
 * a place costs a table lookup, a blend and a vector sum — no logarithm, power or arctangent. Steps
 * are walked from last to first so that every per-place result is a running update of small typed
 * arrays: the earliest arrival is the last one seen, the warning look-ahead is "the next step at
 * which each rule's wind occurs", kept per rule. Output arrays are step-major (all places of a step
 * together), the layout the map reads a moment from.
 */
import type { TrackPoint } from '../../model/typhoon/types.ts';
import { BEAUFORT_LOWER_MS, MAX_BEAUFORT_FORCE, WARNING_SIGNALS, WARNING_SIGNAL_RULES, beaufortForce, type WarningSignal } from '../../model/typhoon/scales.ts';
import { DEFAULT_WIND_MODEL, hollandGradientWind, type WindModelOptions } from './holland.ts';
import { KM_PER_DEG, vortexAt, type StormVortex } from './vortex.ts';

export const HOUR_MS = 3_600_000;
/** Signal codes in the step-major `signal` arrays: 0 none, then WARNING_SIGNALS in rising order. */
export const SIGNAL_NONE = 0;
/** At most this many place-steps per request (≈ 1.6 GB of outputs): beyond it, ask for fewer hours or places. */
const MAX_CELLS = 200_000_000;
/** Tabulated profile samples per quadrant per step, at most; spacing no finer than 50 m. */
const MAX_TABLE = 8192;
const MIN_TABLE_STEP_KM = 0.05;

/** A request the caller got wrong (not a storm the model cannot describe): the message says what and how to fix it. */
export class WindModelInputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'WindModelInputError';
  }
}

export interface WindTimelineRequest {
  /** The storm's track: fixes, then the forecast positions to plan on, in time order. */
  track: readonly TrackPoint[];
  /** Places (building centroids), WGS84 degrees. A place with a non-finite coordinate is skipped (reported). */
  lon: Float64Array;
  lat: Float64Array;
  /** First step, UTC epoch ms. */
  startUtcMs: number;
  /** Number of steps. */
  hours: number;
  /** Step length, ms (default one hour). */
  stepMs?: number;
  /** Grid (网格) of each place, 0…gridCount−1, or −1 for none; with `gridCount`, per-grid results are returned. */
  gridOfPoint?: Int32Array | null;
  gridCount?: number;
  /**
   * The warning signal at a step looks up to 24 h ahead. With `lookAhead` (default) the model also
   * runs past the last step, to the track's end at most, so the last steps' signals see the wind
   * to come as the first ones do; those extra steps are not returned.
   */
  lookAhead?: boolean;
  options?: Partial<WindModelOptions>;
}

/** Per grid: when gales come, how strong the wind gets, the signal at each step. */
export interface GridWindSummary {
  gridCount: number;
  /** Earliest force-7 arrival among the grid's places, UTC ms; NaN when none within the range. */
  arrival7UtcMs: Float64Array;
  arrival10UtcMs: Float64Array;
  maxForce: Uint8Array;
  maxSpeedMs: Float32Array;
  /** How many of the grid's places reach force 7 / force 10 within the range. */
  placesReaching7: Int32Array;
  placesReaching10: Int32Array;
  /** Step-major [step × gridCount]: the highest signal of any of the grid's places. */
  signal: Uint8Array;
}

export interface WindTimeline {
  startUtcMs: number;
  stepMs: number;
  hours: number;
  pointCount: number;
  /** Step-major [step × pointCount], 10 m 2-minute mean speed, m/s; NaN for a skipped place. */
  speedMs: Float32Array;
  /** Step-major Beaufort force (0–17) of `speedMs`, classed as data/model/typhoon/scales.ts does. */
  force: Uint8Array;
  /** Step-major warning signal code (SIGNAL_NONE, 1 blue … 4 red): the CMA rules seen from that step. */
  signal: Uint8Array;
  /**
   * When force 7 / 10 first blows within the range, UTC ms, between steps by linear interpolation of
   * the speed (the first step itself when it is already blowing then); NaN when it does not.
   */
  arrival7UtcMs: Float64Array;
  arrival10UtcMs: Float64Array;
  peakForce: Uint8Array;
  peakSpeedMs: Float32Array;
  /** First step of the peak speed, UTC ms; NaN when the place has no wind in the range. */
  peakUtcMs: Float64Array;
  /** The fitted vortex of each step (null where the track does not reach). */
  vortices: (StormVortex | null)[];
  grids: GridWindSummary | null;
  skippedPoints: number;
  /** What the caller should know: skipped places, radii the fit left out. */
  notes: string[];
}

/** The signal a code stands for. */
export function signalOfCode(code: number): WarningSignal | null {
  return code >= 1 && code <= WARNING_SIGNALS.length ? WARNING_SIGNALS[code - 1]! : null;
}

/** Force of round(speed × 10) for speeds 0.0…102.3 m/s; anything higher is force 17. */
const FORCE_OF_DECI = (() => {
  const lut = new Uint8Array(1024);
  for (let i = 0; i < lut.length; i++) lut[i] = beaufortForce(i / 10)!;
  return lut;
})();

/** Beaufort force of a speed, as `beaufortForce` but without its checks (the speed is a model output ≥ 0). */
export function forceOfSpeed(speedMs: number): number {
  const deci = (speedMs * 10 + 0.5) | 0;
  return deci < 1024 ? FORCE_OF_DECI[deci]! : MAX_BEAUFORT_FORCE;
}

/** The speed (m/s) from which a speed rounds into a force: the force's lower bound less 0.05. */
const forceThreshold = (force: number): number => BEAUFORT_LOWER_MS[force]! - 0.05;

function validate(req: WindTimelineRequest): { stepMs: number; gridCount: number } {
  const { lon, lat, track } = req;
  if (!(lon instanceof Float64Array) || !(lat instanceof Float64Array) || lon.length !== lat.length) {
    throw new WindModelInputError(`wind timeline: lon and lat must be Float64Arrays of the same length (got ${lon?.length} and ${lat?.length}); pass one longitude and one latitude per place`);
  }
  const stepMs = req.stepMs ?? HOUR_MS;
  if (!Number.isFinite(req.startUtcMs)) throw new WindModelInputError(`wind timeline: start time ${req.startUtcMs} is not a time; pass UTC epoch milliseconds`);
  if (!Number.isInteger(req.hours) || req.hours < 1) throw new WindModelInputError(`wind timeline: ${req.hours} steps asked for; ask for a whole number of steps, at least 1`);
  if (!(stepMs >= 60_000) || !Number.isFinite(stepMs)) throw new WindModelInputError(`wind timeline: step of ${stepMs} ms; use a step of at least one minute (default one hour)`);
  if (lon.length * req.hours > MAX_CELLS) {
    throw new WindModelInputError(`wind timeline: ${lon.length} places × ${req.hours} steps is more than ${MAX_CELLS} values; ask for fewer steps or split the places`);
  }
  for (let i = 0; i < track.length; i++) {
    const p = track[i]!;
    if (!Number.isFinite(p.timeUtcMs) || !Number.isFinite(p.lon) || !Number.isFinite(p.lat) || Math.abs(p.lat) > 90) {
      throw new WindModelInputError(`wind timeline: track point #${i} has time ${p.timeUtcMs}, lon ${p.lon}, lat ${p.lat}; every point needs a time and a position (lat within ±90)`);
    }
    if (i > 0 && p.timeUtcMs < track[i - 1]!.timeUtcMs) {
      throw new WindModelInputError(`wind timeline: track point #${i} (${new Date(p.timeUtcMs).toISOString()}) is earlier than the point before it; sort the track by time`);
    }
  }
  let gridCount = 0;
  if (req.gridOfPoint) {
    gridCount = req.gridCount ?? 0;
    if (!Number.isInteger(gridCount) || gridCount < 0) throw new WindModelInputError(`wind timeline: gridCount ${req.gridCount}; pass the number of grids with gridOfPoint`);
    if (req.gridOfPoint.length !== lon.length) {
      throw new WindModelInputError(`wind timeline: gridOfPoint has ${req.gridOfPoint.length} entries for ${lon.length} places; give one grid index (or −1) per place`);
    }
    for (let i = 0; i < req.gridOfPoint.length; i++) {
      const g = req.gridOfPoint[i]!;
      if (g < -1 || g >= gridCount) throw new WindModelInputError(`wind timeline: place #${i} is in grid ${g}, outside 0…${gridCount - 1}; use −1 for a place in no grid`);
    }
  }
  return { stepMs, gridCount };
}

/**
 * Wind, arrival times, peaks and warning signals for every place over `hours` steps. Throws
 * WindModelInputError for a request that cannot be answered (mismatched arrays, unsorted track);
 * never for a storm: where the track is silent the wind is 0 and `notes` say why.
 */
export function windTimeline(req: WindTimelineRequest): WindTimeline {
  const { stepMs, gridCount } = validate(req);
  const opts = { ...DEFAULT_WIND_MODEL, ...req.options };
  const { lon, lat, track } = req;
  const n = lon.length;
  const H = req.hours;
  const notes: string[] = [];

  // Steps to model: the range, plus the look-ahead beyond it while the track lasts.
  const maxWindowSteps = Math.max(...WARNING_SIGNAL_RULES.map((r) => Math.floor((r.withinHours * HOUR_MS) / stepMs)));
  const trackEnd = track.length > 0 ? track[track.length - 1]!.timeUtcMs : -Infinity;
  let total = H;
  if (req.lookAhead !== false) while (total < H + maxWindowSteps && req.startUtcMs + total * stepMs <= trackEnd) total++;
  const vortices: (StormVortex | null)[] = [];
  for (let h = 0; h < total; h++) vortices.push(vortexAt(track, req.startUtcMs + h * stepMs, opts));
  const noteSet = new Set<string>();
  for (let h = 0; h < H; h++) for (const note of vortices[h]?.notes ?? []) if (!note.startsWith('no radii at this moment')) noteSet.add(`${new Date(req.startUtcMs + h * stepMs).toISOString()}: ${note}`);
  notes.push(...[...noteSet].slice(0, 20));
  if (noteSet.size > 20) notes.push(`… and ${noteSet.size - 20} more notes from the fit`);
  if (vortices.slice(0, H).every((v) => v === null)) notes.push('the track does not reach into the requested time range (or has no intensity there): no wind');

  const speedMs = new Float32Array(n * H);
  const force = new Uint8Array(n * H);
  const signal = new Uint8Array(n * H);
  const arrival7 = new Float64Array(n).fill(NaN);
  const arrival10 = new Float64Array(n).fill(NaN);
  const peakForce = new Uint8Array(n);
  const peakSpeed = new Float32Array(n);
  const peakUtc = new Float64Array(n).fill(NaN);

  // Warning rules as one speed threshold each (mean force, or gust force through the gust factor)
  // and a look-ahead in steps. The four CMA rules are unrolled below: blue, yellow, orange, red.
  if (WARNING_SIGNAL_RULES.length !== 4) throw new Error('windTimeline expects the four CMA typhoon signals');
  const thresholds = new Float64Array(WARNING_SIGNAL_RULES.map((r) => Math.min(forceThreshold(r.meanForce), forceThreshold(r.gustForce) / opts.gustFactor)));
  const windows = new Int32Array(WARNING_SIGNAL_RULES.map((r) => Math.floor((r.withinHours * HOUR_MS) / stepMs)));
  // nextHit[rule × n + place]: the next step at which the rule's wind occurs (FAR: none yet).
  const nextHit = new Int32Array(4 * n).fill(FAR_STEP);

  const cosLat = new Float64Array(n);
  const valid = new Uint8Array(n);
  let skipped = 0;
  for (let i = 0; i < n; i++) {
    const ok = Number.isFinite(lon[i]!) && Number.isFinite(lat[i]!) && Math.abs(lat[i]!) <= 90;
    valid[i] = ok ? 1 : 0;
    if (!ok) skipped++;
    cosLat[i] = ok ? Math.cos((lat[i]! * Math.PI) / 180) : 1;
  }
  if (skipped > 0) notes.push(`${skipped} place(s) without a valid position were skipped (speed NaN); give them a centroid to include them`);

  const gridOf = gridCount > 0 ? req.gridOfPoint! : null;
  const gridSignal = gridOf ? new Uint8Array(H * gridCount) : null;
  const stepSpeed = new Float32Array(n);
  const stepLevel = new Uint8Array(n);
  const places: PlaceArrays = { lon, lat, cosLat, valid, count: n - skipped, minLon: Infinity, maxLon: -Infinity, minLat: Infinity, maxLat: -Infinity, minCos: 1, maxCos: 0 };
  for (let i = 0; i < n; i++) {
    if (!valid[i]) continue;
    places.minLon = Math.min(places.minLon, lon[i]!);
    places.maxLon = Math.max(places.maxLon, lon[i]!);
    places.minLat = Math.min(places.minLat, lat[i]!);
    places.maxLat = Math.max(places.maxLat, lat[i]!);
    places.minCos = Math.min(places.minCos, cosLat[i]!);
    places.maxCos = Math.max(places.maxCos, cosLat[i]!);
  }
  const state: PlaceState = { nextHit, nextSpeed: new Float32Array(n), arrival7, arrival10, peakForce, peakSpeed, peakUtc };
  let table = new Float64Array(0);

  for (let h = total - 1; h >= 0; h--) {
    const v = vortices[h] ?? null;
    if (v === null) stepSpeed.fill(0);
    else {
      // The span of distances this step, so the profile table covers exactly it.
      const [minR, maxR] = distanceBounds(places, v.lon, v.lat);
      const dr = Math.max(MIN_TABLE_STEP_KM, (maxR - minR) / (MAX_TABLE - 2));
      const rLo = Math.max(0, minR - dr);
      const stride = Math.ceil((maxR - rLo) / dr) + 2;
      if (table.length < 4 * stride) table = new Float64Array(4 * stride);
      tabulate(v, rLo, dr, stride, table, opts.airDensity);
      speedKernel(places, v, table, rLo, 1 / dr, stride, stepSpeed);
    }
    warningKernel(stepSpeed, valid, h, nextHit, thresholds, windows, stepLevel);
    if (h < H) {
      recordStep(stepSpeed, stepLevel, valid, h, H, req.startUtcMs + h * stepMs, stepMs, state, speedMs, force, signal);
      if (gridSignal) {
        const row = h * gridCount;
        for (let i = 0; i < n; i++) {
          const g = gridOf![i]!;
          if (g >= 0 && stepLevel[i]! > gridSignal[row + g]!) gridSignal[row + g] = stepLevel[i]!;
        }
      }
    }
  }
  // Already blowing at the first step: it arrived (at the latest) then.
  const thr7 = forceThreshold(7);
  const thr10 = forceThreshold(10);
  for (let i = 0; i < n; i++) {
    if (!valid[i]) continue;
    if (speedMs[i]! >= thr7) arrival7[i] = req.startUtcMs;
    if (speedMs[i]! >= thr10) arrival10[i] = req.startUtcMs;
  }

  const grids = gridOf ? summariseGrids(gridOf, gridCount, valid, arrival7, arrival10, peakForce, peakSpeed, gridSignal!) : null;
  return {
    startUtcMs: req.startUtcMs,
    stepMs,
    hours: H,
    pointCount: n,
    speedMs,
    force,
    signal,
    arrival7UtcMs: arrival7,
    arrival10UtcMs: arrival10,
    peakForce,
    peakSpeedMs: peakSpeed,
    peakUtcMs: peakUtc,
    vortices: vortices.slice(0, H),
    grids,
    skippedPoints: skipped,
    notes,
  };
}

const FAR_STEP = 0x3fffffff;
// Module-local copies of imported constants: under tsx an imported binding is read through a
// getter, which in the per-place loops cost more than the arithmetic (measured: ~40 % of the time).
const KM_DEG: number = KM_PER_DEG;
const FORCE_MAX: number = MAX_BEAUFORT_FORCE;

interface PlaceArrays {
  lon: Float64Array;
  lat: Float64Array;
  cosLat: Float64Array;
  valid: Uint8Array;
  /** Bounding box and cosine range of the valid places. */
  count: number;
  minLon: number;
  maxLon: number;
  minLat: number;
  maxLat: number;
  minCos: number;
  maxCos: number;
}

interface PlaceState {
  nextHit: Int32Array;
  /** Speed at the step after the one being recorded (steps are walked backwards; only steps in the range matter). */
  nextSpeed: Float32Array;
  arrival7: Float64Array;
  arrival10: Float64Array;
  peakForce: Uint8Array;
  peakSpeed: Float32Array;
  peakUtc: Float64Array;
}

/**
 * Bounds (km) on the distance of every valid place from a centre, by the offset rule of
 * `offsetKm`, from the places' bounding box: O(1) per step instead of a pass over the places. The
 * nearest bound uses the smallest cosine factor and the farthest the largest, so every place lies
 * within [near, far].
 */
function distanceBounds(p: PlaceArrays, clon: number, clat: number): [number, number] {
  if (p.count === 0) return [0, 0];
  const halfCosC = 0.5 * Math.cos((clat * Math.PI) / 180);
  const cMin = (0.5 * p.minCos + halfCosC) * KM_DEG;
  const cMax = (0.5 * p.maxCos + halfCosC) * KM_DEG;
  const nearLon = clon < p.minLon ? p.minLon - clon : clon > p.maxLon ? clon - p.maxLon : 0;
  const nearLat = clat < p.minLat ? p.minLat - clat : clat > p.maxLat ? clat - p.maxLat : 0;
  const farLon = Math.max(Math.abs(clon - p.minLon), Math.abs(clon - p.maxLon));
  const farLat = Math.max(Math.abs(clat - p.minLat), Math.abs(clat - p.maxLat));
  return [Math.hypot(nearLon * cMin, nearLat * KM_DEG), Math.hypot(farLon * cMax, farLat * KM_DEG) * (1 + 1e-9)];
}

/**
 * The 10 m speed at every place for one step: offset from the centre, the two neighbouring
 * quadrants' tabulated profiles blended by cos², the wind vector (tangential, turned in by the
 * inflow angle) plus the motion term, times the exposure factor. Same sums as vortexWindAtOffset.
 */
function speedKernel(p: PlaceArrays, v: StormVortex, table: Float64Array, rLo: number, invDr: number, stride: number, out: Float32Array): void {
  const { lon, lat, cosLat, valid } = p;
  const clon = v.lon;
  const clat = v.lat;
  const halfCosC = 0.5 * Math.cos((clat * Math.PI) / 180);
  const rm = v.rmaxKm;
  const rm2 = rm * rm;
  // Tangential direction is (−hemi·uy, hemi·ux); turned inwards by the inflow angle.
  const hc = v.hemisphere * v.inflowCos;
  const is = v.inflowSin;
  const ax = v.asymEastMs;
  const ay = v.asymNorthMs;
  const expo = v.exposureFactor;
  const s2 = Math.SQRT1_2;
  for (let i = 0; i < lon.length; i++) {
    if (valid[i] === 0) {
      out[i] = NaN;
      continue;
    }
    const dx = (lon[i]! - clon) * (0.5 * cosLat[i]! + halfCosC) * KM_DEG;
    const dy = (lat[i]! - clat) * KM_DEG;
    const r = Math.sqrt(dx * dx + dy * dy);
    if (r < 1e-9) {
      out[i] = 0;
      continue;
    }
    const inv = 1 / r;
    const ux = dx * inv;
    const uy = dy * inv;
    const dNE = (ux + uy) * s2;
    const dSE = (ux - uy) * s2;
    const f = (r - rLo) * invDr;
    const k = f | 0;
    const t = f - k;
    const qa = (dNE >= 0 ? 0 : 2 * stride) + k;
    const qb = (dSE >= 0 ? stride : 3 * stride) + k;
    const a0 = table[qa]!;
    const b0 = table[qb]!;
    const vs = dNE * dNE * (a0 + t * (table[qa + 1]! - a0)) + dSE * dSE * (b0 + t * (table[qb + 1]! - b0));
    const m = (rm * r) / (rm2 + r * r);
    const e = vs * (-hc * uy - is * ux) + m * ax;
    const nn = vs * (hc * ux - is * uy) + m * ay;
    out[i] = Math.sqrt(e * e + nn * nn) * expo;
  }
}

/**
 * The warning level at step h for every place: a rule applies when its wind occurs at a step from
 * h to h + its window (steps are walked backwards, so nextHit already knows the later ones).
 */
function warningKernel(speed: Float32Array, valid: Uint8Array, h: number, nextHit: Int32Array, thr: Float64Array, win: Int32Array, level: Uint8Array): void {
  const n = speed.length;
  const t0 = thr[0]!, t1 = thr[1]!, t2 = thr[2]!, t3 = thr[3]!;
  const w0 = win[0]!, w1 = win[1]!, w2 = win[2]!, w3 = win[3]!;
  for (let i = 0; i < n; i++) {
    if (valid[i] === 0) {
      level[i] = 0;
      continue;
    }
    const s = speed[i]!;
    if (s >= t0) nextHit[i] = h;
    if (s >= t1) nextHit[n + i] = h;
    if (s >= t2) nextHit[2 * n + i] = h;
    if (s >= t3) nextHit[3 * n + i] = h;
    level[i] =
      nextHit[3 * n + i]! - h <= w3 ? 4 : nextHit[2 * n + i]! - h <= w2 ? 3 : nextHit[n + i]! - h <= w1 ? 2 : nextHit[i]! - h <= w0 ? 1 : 0;
  }
}

/** Writes step h into the outputs and updates arrivals and peaks (walking backwards: the last crossing seen is the earliest). */
function recordStep(
  speed: Float32Array,
  level: Uint8Array,
  valid: Uint8Array,
  h: number,
  H: number,
  tH: number,
  stepMs: number,
  st: PlaceState,
  speedOut: Float32Array,
  forceOut: Uint8Array,
  signalOut: Uint8Array,
): void {
  const n = speed.length;
  const base = h * n;
  speedOut.set(speed, base);
  signalOut.set(level, base);
  const thr7 = forceThreshold(7);
  const thr10 = forceThreshold(10);
  // A crossing into the step after the range does not count.
  const crossings = h + 1 < H;
  const { nextSpeed, arrival7, arrival10, peakForce, peakSpeed, peakUtc } = st;
  for (let i = 0; i < n; i++) {
    if (valid[i] === 0) continue;
    const s = speed[i]!;
    const deci = (s * 10 + 0.5) | 0;
    const fc = deci < 1024 ? FORCE_OF_DECI[deci]! : FORCE_MAX;
    forceOut[base + i] = fc;
    if (crossings) {
      const next = nextSpeed[i]!;
      if (s < thr7 && next >= thr7) arrival7[i] = tH + ((thr7 - s) / (next - s)) * stepMs;
      if (s < thr10 && next >= thr10) arrival10[i] = tH + ((thr10 - s) / (next - s)) * stepMs;
    }
    if (s >= peakSpeed[i]! && s > 0) {
      peakSpeed[i] = s;
      peakForce[i] = fc;
      peakUtc[i] = tH;
    }
    nextSpeed[i] = s;
  }
}

/**
 * Samples each quadrant's symmetric profile at rLo + j·dr, j = 0…stride−1, into
 * table[q·stride + j]. One Holland evaluation per radius serves all four quadrants.
 */
function tabulate(v: StormVortex, rLo: number, dr: number, stride: number, table: Float64Array, rho: number): void {
  const seg = [0, 0, 0, 0];
  for (let j = 0; j < stride; j++) {
    const r = rLo + j * dr;
    const h = hollandGradientWind(r, v.deltaPHpa, v.rmaxKm, v.hollandB, rho, v.coriolis) / v.gradientPeakMs;
    if (r <= v.rmaxKm) {
      const s = v.vmSymMs * h;
      for (let q = 0; q < 4; q++) table[q * stride + j] = s;
      continue;
    }
    const lnh = Math.log(h);
    for (let q = 0; q < 4; q++) {
      const p = v.quadrants[q]!;
      let k = seg[q]!;
      while (k + 1 < p.radiusKm.length && p.radiusKm[k + 1]! <= r) k++;
      seg[q] = k;
      table[q * stride + j] = p.speedMs[k]! * Math.exp(p.exponent[k]! * (lnh - p.lnShape[k]!));
    }
  }
}

function summariseGrids(
  gridOf: Int32Array,
  gridCount: number,
  valid: Uint8Array,
  arrival7: Float64Array,
  arrival10: Float64Array,
  peakForce: Uint8Array,
  peakSpeed: Float32Array,
  signal: Uint8Array,
): GridWindSummary {
  const out: GridWindSummary = {
    gridCount,
    arrival7UtcMs: new Float64Array(gridCount).fill(NaN),
    arrival10UtcMs: new Float64Array(gridCount).fill(NaN),
    maxForce: new Uint8Array(gridCount),
    maxSpeedMs: new Float32Array(gridCount),
    placesReaching7: new Int32Array(gridCount),
    placesReaching10: new Int32Array(gridCount),
    signal,
  };
  for (let i = 0; i < gridOf.length; i++) {
    const g = gridOf[i]!;
    if (g < 0 || !valid[i]) continue;
    const a7 = arrival7[i]!;
    const a10 = arrival10[i]!;
    if (a7 === a7) {
      out.placesReaching7[g]!++;
      if (!(out.arrival7UtcMs[g]! <= a7)) out.arrival7UtcMs[g] = a7;
    }
    if (a10 === a10) {
      out.placesReaching10[g]!++;
      if (!(out.arrival10UtcMs[g]! <= a10)) out.arrival10UtcMs[g] = a10;
    }
    if (peakForce[i]! > out.maxForce[g]!) out.maxForce[g] = peakForce[i]!;
    if (peakSpeed[i]! > out.maxSpeedMs[g]!) out.maxSpeedMs[g] = peakSpeed[i]!;
  }
  return out;
}

/** One place's wind over the range, for a chart or a tooltip. */
export function placeSeries(t: WindTimeline, place: number): { timeUtcMs: number; speedMs: number; force: number; signal: WarningSignal | null }[] {
  const out = [];
  for (let h = 0; h < t.hours; h++) {
    const k = h * t.pointCount + place;
    out.push({ timeUtcMs: t.startUtcMs + h * t.stepMs, speedMs: t.speedMs[k]!, force: t.force[k]!, signal: signalOfCode(t.signal[k]!) });
  }
  return out;
}
