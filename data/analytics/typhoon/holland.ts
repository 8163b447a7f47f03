/**
 * The physics of the parametric vortex, as plain functions of numbers: the Holland (1980) gradient
 * wind profile, the empirical relations used where a track says less than the profile needs, and
 * the forward-motion term. `vortex.ts` assembles them into a storm's wind field at one moment.
 *
 * Units: distances in km at the interface (metres inside the physics), speeds in m/s, pressures in
 * hPa, angles in degrees. Every constant says where it comes from; the choices a planner could
 * question are options of the model (`WindModelOptions`), with these as defaults.
 */

/** Earth's angular velocity, rad/s. */
const OMEGA = 7.292e-5;

/**
 * The model's tunable conventions. Defaults are the values the project documents and tests with;
 * a caller overrides one by passing a partial object.
 */
export interface WindModelOptions {
  /**
   * Environmental pressure at the storm's outer edge, hPa. The CMA data give central pressure only;
   * 1008.3 hPa is the western North Pacific mean used by the AIR hurricane model (Butke 2012), which
   * CLIMADA adopts for tracks without an outer pressure.
   */
  envPressureHpa: number;
  /** Air density in the boundary layer, kg/m³ (Holland 1980; CLIMADA's RHO_AIR). */
  airDensity: number;
  /**
   * Gradient-level to 10 m wind ratio (surface reduction factor) for a 2-minute mean over open
   * water: 0.9, after Knaff et al. (2011, fig. 3) as used by stormwindmodel (0.9 over water within
   * ~100 km of the centre). It converts the reported surface Vmax to the gradient wind whose
   * balance with the pressure deficit fixes Holland's B.
   */
  surfaceFactor: number;
  /**
   * Factor on the final 10 m wind for the exposure of the places evaluated. 1 = open exposure, the
   * exposure the bulletin's radii and the warning signals refer to — so the radius a bulletin gives
   * for force 7 is where the model gives force 7. Knaff et al. (2011) reduce over-land winds by
   * 20 % (0.8) for roughness; pass that for sheltered, built-up places if wanted.
   */
  exposureFactor: number;
  /**
   * Surface inflow angle, degrees: the wind crosses the isobars towards the centre. Zhang &
   * Uhlhorn (2012, MWR 140) find a mean near 23° at the sea surface; 20° is used.
   */
  inflowDeg: number;
  /**
   * The forward-motion wind is the translation vector turned this many degrees counter-clockwise
   * (clockwise in the southern hemisphere), following Lin & Chavas (2012, JGR 117, D09120), who fit
   * the surface background wind as 0.55 × translation turned ~20° to the left of the motion.
   */
  motionTurnDeg: number;
  /**
   * Half-window, hours, over which the translation vector is taken from the track: positions are
   * rounded to 0.1° (11 km), so hourly differences of an hourly track jump between 0 and 22 km/h;
   * over ±3 h the rounding error falls to ~2 km/h.
   */
  motionWindowHours: number;
  /**
   * 3-second gust over 2-minute mean, for the warning signals' gust criteria. Harper, Kepert &
   * Ginger (2010, WMO/TD-1555) give gust factors for a 1-minute mean of about 1.1 at sea rising to
   * about 1.5 over rough ground inland; 1.4 stands for a built-up coastal district (between their
   * off-land and in-land exposures).
   */
  gustFactor: number;
}

export const DEFAULT_WIND_MODEL: Readonly<WindModelOptions> = Object.freeze({
  envPressureHpa: 1008.3,
  airDensity: 1.15,
  surfaceFactor: 0.9,
  exposureFactor: 1,
  inflowDeg: 20,
  motionTurnDeg: 20,
  motionWindowHours: 3,
  gustFactor: 1.4,
});

/** Holland's B is kept within the range his 1980 paper found physically reasonable. */
export const HOLLAND_B_MIN = 1.0;
export const HOLLAND_B_MAX = 2.5;

/** Coriolis parameter f = 2Ω·sin|φ|, 1/s (magnitude; the hemisphere is handled by the caller). */
export function coriolis(latDeg: number): number {
  return 2 * OMEGA * Math.abs(Math.sin((latDeg * Math.PI) / 180));
}

/**
 * Holland (1980) gradient wind, m/s, at `rKm` from the centre:
 *   Vg(r) = √( B·Δp/ρ · (Rm/r)^B · exp(−(Rm/r)^B) + (r·f/2)² ) − r·f/2
 * with Δp in Pa. 0 at the centre.
 */
export function hollandGradientWind(rKm: number, deltaPHpa: number, rmaxKm: number, b: number, rho: number, f: number): number {
  if (!(rKm > 0)) return 0;
  const s = Math.pow(rmaxKm / rKm, b);
  const half = (rKm * 1000 * f) / 2;
  const term = ((b * deltaPHpa * 100) / rho) * s * Math.exp(-s);
  return Math.sqrt(term + half * half) - half;
}

/**
 * Holland's B from the peak gradient wind, by gradient balance at Rmax (Holland 1980: at r = Rm,
 * Vg = √(BΔp/(ρe) + (Rm f/2)²) − Rm f/2, solved for B), clamped to [1, 2.5]. With B from this
 * relation the profile peaks at the reported wind rather than at a climatological one.
 */
export function hollandB(gradientVmaxMs: number, deltaPHpa: number, rmaxKm: number, rho: number, f: number): number {
  const v = gradientVmaxMs;
  const b = (rho * Math.E * (v * v + v * f * rmaxKm * 1000)) / (deltaPHpa * 100);
  return Math.min(HOLLAND_B_MAX, Math.max(HOLLAND_B_MIN, Number.isFinite(b) ? b : HOLLAND_B_MIN));
}

/**
 * Radius of maximum wind, km, from the pressure deficit and latitude — Vickery & Wadhera (2008,
 * JAMC 47, eq. 11): ln Rmax = 3.015 − 6.291·10⁻⁵·Δp² + 0.0337·|φ| (Δp in hPa). Used when a fix has
 * no wind radii to fit Rmax to; kept within 8–200 km.
 */
export function vickeryWadheraRmaxKm(deltaPHpa: number, latDeg: number): number {
  const r = Math.exp(3.015 - 6.291e-5 * deltaPHpa * deltaPHpa + 0.0337 * Math.abs(latDeg));
  return Math.min(200, Math.max(8, r));
}

/**
 * Central pressure deficit, hPa, from the maximum wind when a fix has no usable pressure —
 * Atkinson & Holliday (1977), the western North Pacific wind–pressure relation:
 * Vmax[kt] = 6.7·(1010 − pc)^0.644, solved for the deficit.
 */
export function atkinsonHollidayDeficitHpa(vmaxMs: number): number {
  const kt = vmaxMs / 0.514444;
  return Math.pow(Math.max(kt, 0) / 6.7, 1 / 0.644);
}

/**
 * Radial weight of the forward-motion wind: Jelesnianski (1966), as in NOAA's SLOSH model:
 * Rm·r/(Rm² + r²) — 0 at the centre, ½ at Rmax, then falling as Rm/r. Multiplied by the
 * translation speed it adds half the storm's speed at the eyewall, close to Lin & Chavas's 0.55.
 */
export function motionWeight(rKm: number, rmaxKm: number): number {
  return (rmaxKm * rKm) / (rmaxKm * rmaxKm + rKm * rKm);
}
