/**
 * A typhoon as the twin keeps it: the storm, its track (fixes: where an agency placed the centre
 * and how strong it was), its forecasts (each bulletin's positions ahead, with their lead times)
 * and its landfalls. Times are UTC epoch milliseconds everywhere; sources that give Beijing time
 * are converted when they are read.
 */
import type { TcGrade } from './scales.ts';

/** Quadrants in the order bulletins give them. */
export const QUADRANTS = ['ne', 'se', 'sw', 'nw'] as const;
export type Quadrant = (typeof QUADRANTS)[number];

/** Radius of one wind circle per quadrant, km; null where the quadrant has none (or it was not given). */
export type QuadrantRadii = Record<Quadrant, number | null>;

/**
 * The 7/10/12 wind circles (7级/10级/12级风圈) of a fix or forecast position; a circle is null when
 * no quadrant has it (the storm is too weak for it, or the source gives no radii).
 */
export interface WindRadii {
  r7: QuadrantRadii | null;
  r10: QuadrantRadii | null;
  r12: QuadrantRadii | null;
}

/**
 * Who published a track or a forecast: an agency code such as `CMA`, `JMA`, `JTWC`, `HKO`, or a
 * publisher such as `WZTF` (see agencies.ts). Kept as text: bulletins name agencies the table may
 * not know yet, and the twin keeps what the source said.
 */
export type AgencyCode = string;

/**
 * Which data set a storm came from: the CMA best track (reanalysed after the season, 6-hourly,
 * 3-hourly near landfall, no radii), the Wenzhou Typhoon Net's real-time track (hourly near the
 * coast, quadrant radii, landfalls), or live bulletins through ingest.
 */
export type TrackSourceFormat = 'cma-bst' | 'wenzhou-json' | 'ingest';

export interface Storm {
  /** `<agency>:<code>`: the storm's identity in the twin; importing the same storm again keeps it. */
  id: string;
  agency: AgencyCode;
  /** The Chinese storm number YYNN (台风编号, "1909"); null for a storm that never got one (most depressions). */
  number: string | null;
  /** The international (RSMC Tokyo) number YYNN, when the source gives one. */
  intlNumber: string | null;
  /** Season (year) the storm is numbered in. */
  year: number;
  /** English name as the source writes it ("LEKIMA", "In-Fa"); "(nameless)" when it has none. */
  name: string;
  /** Chinese name (利奇马) when the source gives it. */
  nameZh: string | null;
  /** The data set's running number of the season, including depressions (CMA best track). */
  serial: number | null;
  /** How the source says the record ends (CMA: dissipated, left the area, merged, quasi-stationary). */
  endNote: string | null;
  format: TrackSourceFormat;
}

export interface TrackPoint {
  timeUtcMs: number;
  lon: number;
  lat: number;
  /** Central pressure, hPa; null when missing. */
  pressureHpa: number | null;
  /** Maximum sustained wind near the centre, 2-minute mean, m/s; null when missing. */
  maxWindMs: number | null;
  grade: TcGrade;
  /** Wind circles; null when the source gives none (the CMA best track never does). */
  radii: WindRadii | null;
  isForecast: boolean;
  /** Forecast positions: hours after the bulletin's time. */
  leadHours?: number;
  /** Forecast positions: the bulletin's time (UTC ms). */
  bulletinUtcMs?: number;
  /** Forecast positions: who forecast it (the storm's agency for fixes). */
  agency?: AgencyCode;
  /** Direction of motion as the source writes it (西北, NNW); null when not given. */
  moveDirection?: string | null;
  moveSpeedKmh?: number | null;
}

/** One forecast bulletin: an agency's positions ahead, issued at one time. */
export interface ForecastBulletin {
  agency: AgencyCode;
  issuedUtcMs: number;
  /** In time order, each with `isForecast`, `leadHours` and `bulletinUtcMs` set. */
  points: TrackPoint[];
}

export interface Landfall {
  timeUtcMs: number;
  lon: number;
  lat: number;
  /** Where, as the source names it (浙江省温岭市); null when not given. */
  place: string | null;
  /**
   * Intensity at landfall: the source's when it gives one, else the last fix at or before the
   * landfall time (sources fix hourly near the coast, landfall falls between fixes).
   */
  pressureHpa: number | null;
  maxWindMs: number | null;
  grade: TcGrade | null;
}

/** Everything one source says about one storm. */
export interface StormTrack {
  storm: Storm;
  /** Observed positions, in time order. */
  fixes: TrackPoint[];
  /** Forecast bulletins, oldest first. */
  bulletins: ForecastBulletin[];
  landfalls: Landfall[];
}
