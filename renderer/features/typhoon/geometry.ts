/**
 * Shapes of a storm on the map, from its track (pure): wind circles per quadrant, the forecast's
 * uncertainty cone, the track's segments coloured by grade.
 */
import type { QuadrantRadii, TrackPoint } from '../../../data/model/typhoon/types.ts';
import type { TcGrade } from '../../../data/model/typhoon/scales.ts';

type Ring = [number, number][];

const KM_PER_DEG_LAT = 111.32;

/** A point `km` from (lon, lat) towards `bearingDeg` (clockwise from north), on a local plane. */
function offset(lon: number, lat: number, km: number, bearingDeg: number): [number, number] {
  const b = (bearingDeg * Math.PI) / 180;
  return [lon + (km * Math.sin(b)) / (KM_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180)), lat + (km * Math.cos(b)) / KM_PER_DEG_LAT];
}

/**
 * A wind circle as agencies draw it: a quarter arc per quadrant (NE 0–90°, SE 90–180°, SW, NW) at
 * that quadrant's radius. A quadrant with no radius takes the largest given (the agency reported
 * the circle without it).
 */
export function quadrantCircle(lon: number, lat: number, radii: QuadrantRadii, stepsPerQuarter = 12): Ring | null {
  const given = [radii.ne, radii.se, radii.sw, radii.nw].filter((r): r is number => r !== null && r > 0);
  if (given.length === 0) return null;
  const fallback = Math.max(...given);
  const ring: Ring = [];
  const quarters = [radii.ne, radii.se, radii.sw, radii.nw];
  quarters.forEach((r, q) => {
    for (let i = 0; i <= stepsPerQuarter; i++) ring.push(offset(lon, lat, r ?? fallback, q * 90 + (90 * i) / stepsPerQuarter));
  });
  ring.push(ring[0]!);
  return ring;
}

/**
 * The forecast's uncertainty cone: the hull of circles around each forecast position whose radius
 * grows with lead time. Radii follow the 70 % circles typical of CMA's official track errors
 * (about 70 km at 24 h, 120 at 48 h, 170 at 72 h, growing on after that).
 */
export function coneRadiusKm(leadHours: number): number {
  return 30 + Math.max(0, leadHours) * (leadHours <= 72 ? 1.95 : 2.2);
}

export function forecastCone(points: readonly TrackPoint[], origin: TrackPoint | null): Ring | null {
  const all: [number, number][] = [];
  const add = (p: { lon: number; lat: number }, km: number): void => {
    for (let i = 0; i < 24; i++) all.push(offset(p.lon, p.lat, km, i * 15));
  };
  if (origin) add(origin, coneRadiusKm(0));
  for (const p of points) add(p, coneRadiusKm(p.leadHours ?? 0));
  return all.length >= 3 ? convexHull(all) : null;
}

/** Andrew's monotone chain; the ring is closed. */
export function convexHull(points: [number, number][]): Ring {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: [number, number], a: [number, number], b: [number, number]): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: [number, number][] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  const hull = [...lower.slice(0, -1), ...upper.slice(0, -1)];
  hull.push(hull[0]!);
  return hull;
}

/** Colours of the grades as Chinese typhoon maps use them (weak grey → super typhoon deep red). */
export const GRADE_COLOURS: Record<TcGrade, [number, number, number]> = {
  weak: [160, 170, 180],
  TD: [90, 200, 110],
  TS: [60, 140, 255],
  STS: [250, 220, 60],
  TY: [255, 150, 40],
  STY: [255, 90, 160],
  SuperTY: [220, 30, 40],
  ET: [170, 140, 220],
};

/** The fixes as segments, each coloured by the grade at its start. */
export function gradeSegments(points: readonly TrackPoint[]): { path: [number, number][]; colour: [number, number, number] }[] {
  const out: { path: [number, number][]; colour: [number, number, number] }[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    out.push({ path: [[a.lon, a.lat], [b.lon, b.lat]], colour: GRADE_COLOURS[a.grade] });
  }
  return out;
}
