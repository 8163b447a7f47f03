/**
 * Reading typhoons back: the storms in the twin with their figures, a storm's track, its current
 * forecasts (each agency's newest bulletin, at or before a moment, so the player shows the forecast
 * that was current at its time) and the history of bulletins.
 */
import type { DuckDbStore } from '../DuckDbStore.ts';
import { ID_LIST } from './rows.ts';
import { TC_GRADES, type TcGrade } from '../../model/typhoon/scales.ts';
import { QUADRANTS, type ForecastBulletin, type Landfall, type QuadrantRadii, type Storm, type StormTrack, type TrackPoint, type TrackSourceFormat, type WindRadii } from '../../model/typhoon/types.ts';

export interface StormSummary {
  storm: Storm;
  /** The file or source that last wrote it. */
  source: string;
  fixes: number;
  firstUtcMs: number | null;
  lastUtcMs: number | null;
  /** The fix with the strongest wind (the first of equals). */
  peak: { timeUtcMs: number; maxWindMs: number; pressureHpa: number | null; grade: TcGrade } | null;
  minPressureHpa: number | null;
  landfalls: Landfall[];
  bulletins: number;
  updatedUtcMs: number;
}

const asGrade = (g: unknown): TcGrade => ((TC_GRADES as readonly string[]).includes(g as string) ? (g as TcGrade) : 'weak');
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toStorm(r: Record<string, unknown>): Storm {
  return {
    id: r.id as string, agency: r.agency as string, number: (r.number as string | null) ?? null, intlNumber: (r.intl_number as string | null) ?? null,
    year: Number(r.year), name: r.name as string, nameZh: (r.name_zh as string | null) ?? null, serial: num(r.serial),
    endNote: (r.end_note as string | null) ?? null, format: r.format as TrackSourceFormat,
  };
}

const POINT_SELECT = `storm_id, is_forecast, agency, epoch_ms(bulletin_at)::DOUBLE AS bulletin_at, lead_hours, epoch_ms(ts)::DOUBLE AS ts, lon, lat,
  pressure_hpa, max_wind_ms, grade, ${['r7', 'r10', 'r12'].flatMap((c) => QUADRANTS.map((q) => `${c}_${q}`)).join(', ')}, move_direction, move_speed_kmh`;

function toPoint(r: Record<string, unknown>): TrackPoint {
  const circle = (c: string): QuadrantRadii | null => {
    const out = {} as QuadrantRadii;
    let any = false;
    for (const q of QUADRANTS) {
      out[q] = num(r[`${c}_${q}`]);
      any ||= out[q] !== null;
    }
    return any ? out : null;
  };
  const radii: WindRadii = { r7: circle('r7'), r10: circle('r10'), r12: circle('r12') };
  const p: TrackPoint = {
    timeUtcMs: Number(r.ts), lon: Number(r.lon), lat: Number(r.lat), pressureHpa: num(r.pressure_hpa), maxWindMs: num(r.max_wind_ms),
    grade: asGrade(r.grade), radii: radii.r7 || radii.r10 || radii.r12 ? radii : null, isForecast: Boolean(r.is_forecast),
    agency: r.agency as string,
  };
  if (p.isForecast) {
    p.leadHours = Number(r.lead_hours);
    p.bulletinUtcMs = Number(r.bulletin_at);
  } else {
    p.moveDirection = (r.move_direction as string | null) ?? null;
    p.moveSpeedKmh = num(r.move_speed_kmh);
  }
  return p;
}

function toLandfall(r: Record<string, unknown>): Landfall {
  return {
    timeUtcMs: Number(r.ts), lon: Number(r.lon), lat: Number(r.lat), place: (r.place as string | null) ?? null, pressureHpa: num(r.pressure_hpa),
    maxWindMs: num(r.max_wind_ms), grade: r.grade === null || r.grade === undefined ? null : asGrade(r.grade),
  };
}

/** Storms in the twin, newest season first; `ids` or `number` narrow the list. */
export async function listStorms(store: DuckDbStore, filter: { ids?: readonly string[]; number?: string } = {}): Promise<StormSummary[]> {
  const where: string[] = [];
  const params: Record<string, string> = {};
  if (filter.ids) {
    where.push(`s.id IN ${ID_LIST}`);
    params.ids = JSON.stringify(filter.ids);
  }
  if (filter.number !== undefined) {
    where.push('s.number = $number');
    params.number = filter.number;
  }
  const rows = await store.all<Record<string, unknown>>(
    `WITH fx AS (
       SELECT storm_id, count(*)::INTEGER AS fixes, epoch_ms(min(ts))::DOUBLE AS first_ms, epoch_ms(max(ts))::DOUBLE AS last_ms,
         arg_max(epoch_ms(ts)::DOUBLE, (max_wind_ms, -epoch_ms(ts))) FILTER (WHERE max_wind_ms IS NOT NULL) AS peak_ms, max(max_wind_ms) AS peak_wind,
         arg_max(pressure_hpa, (max_wind_ms, -epoch_ms(ts))) FILTER (WHERE max_wind_ms IS NOT NULL) AS peak_pressure,
         arg_max(grade, (max_wind_ms, -epoch_ms(ts))) FILTER (WHERE max_wind_ms IS NOT NULL) AS peak_grade,
         min(pressure_hpa) AS min_pressure
       FROM typhoon_track_points WHERE NOT is_forecast GROUP BY storm_id),
     bl AS (SELECT storm_id, count(*)::INTEGER AS bulletins FROM typhoon_bulletins GROUP BY storm_id)
     SELECT s.*, epoch_ms(s.updated_at)::DOUBLE AS updated_ms, coalesce(fx.fixes, 0) AS fixes, fx.first_ms, fx.last_ms, fx.peak_ms, fx.peak_wind,
       fx.peak_pressure, fx.peak_grade, fx.min_pressure, coalesce(bl.bulletins, 0) AS bulletins
     FROM typhoon_storms s LEFT JOIN fx ON fx.storm_id = s.id LEFT JOIN bl ON bl.storm_id = s.id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY s.year DESC, s.number NULLS LAST, s.id`,
    params,
  );
  const landfalls = await store.all<Record<string, unknown>>(
    `SELECT storm_id, epoch_ms(ts)::DOUBLE AS ts, lon, lat, place, pressure_hpa, max_wind_ms, grade FROM typhoon_landfalls
     WHERE storm_id IN ${ID_LIST} ORDER BY storm_id, ts`,
    { ids: JSON.stringify(rows.map((r) => r.id)) },
  );
  const landfallsOf = new Map<string, Landfall[]>();
  for (const l of landfalls) {
    const list = landfallsOf.get(l.storm_id as string) ?? [];
    list.push(toLandfall(l));
    landfallsOf.set(l.storm_id as string, list);
  }
  return rows.map((r) => ({
    storm: toStorm(r),
    source: r.source as string,
    fixes: Number(r.fixes),
    firstUtcMs: num(r.first_ms),
    lastUtcMs: num(r.last_ms),
    peak: r.peak_wind === null || r.peak_wind === undefined
      ? null
      : { timeUtcMs: Number(r.peak_ms), maxWindMs: Number(r.peak_wind), pressureHpa: num(r.peak_pressure), grade: asGrade(r.peak_grade) },
    minPressureHpa: num(r.min_pressure),
    landfalls: landfallsOf.get(r.id as string) ?? [],
    bulletins: Number(r.bulletins),
    updatedUtcMs: Number(r.updated_ms),
  }));
}

/** A storm's fixes, every bulletin it has (oldest first) and its landfalls; null for an unknown id. */
export async function readStormTrack(store: DuckDbStore, id: string): Promise<StormTrack | null> {
  const row = await store.one<Record<string, unknown>>('SELECT * FROM typhoon_storms WHERE id = $id', { id });
  if (!row) return null;
  const points = (await store.all<Record<string, unknown>>(`SELECT ${POINT_SELECT} FROM typhoon_track_points WHERE storm_id = $id ORDER BY is_forecast, agency, bulletin_at, ts`, { id })).map(toPoint);
  const landfalls = (await store.all<Record<string, unknown>>('SELECT epoch_ms(ts)::DOUBLE AS ts, lon, lat, place, pressure_hpa, max_wind_ms, grade FROM typhoon_landfalls WHERE storm_id = $id ORDER BY ts', { id })).map(toLandfall);
  return { storm: toStorm(row), fixes: points.filter((p) => !p.isForecast), bulletins: groupBulletins(points.filter((p) => p.isForecast)), landfalls };
}

function groupBulletins(points: TrackPoint[]): ForecastBulletin[] {
  const byKey = new Map<string, ForecastBulletin>();
  for (const p of points) {
    const key = `${p.agency}\u0000${p.bulletinUtcMs}`;
    let b = byKey.get(key);
    if (!b) byKey.set(key, (b = { agency: p.agency!, issuedUtcMs: p.bulletinUtcMs!, points: [] }));
    b.points.push(p);
  }
  return [...byKey.values()].sort((a, b) => a.issuedUtcMs - b.issuedUtcMs || a.agency.localeCompare(b.agency));
}

/**
 * Each agency's newest bulletin for a storm issued at or before `asOfMs` (default: any time): the
 * forecast current then. A newer bulletin replaces an older one here; the older stays in
 * `readBulletinHistory`.
 */
export async function readCurrentForecasts(store: DuckDbStore, id: string, asOfMs: number = Number.MAX_SAFE_INTEGER): Promise<ForecastBulletin[]> {
  const points = await store.all<Record<string, unknown>>(
    `SELECT ${POINT_SELECT} FROM typhoon_track_points p
     WHERE storm_id = $id AND is_forecast AND bulletin_at = (
       SELECT max(b.issued_at) FROM typhoon_bulletins b WHERE b.storm_id = $id AND b.agency = p.agency AND b.issued_at <= epoch_ms($asOf::BIGINT))
     ORDER BY agency, ts`,
    { id, asOf: Math.min(asOfMs, 8.64e15) },
  );
  return groupBulletins(points.map(toPoint)).sort((a, b) => a.agency.localeCompare(b.agency));
}

/** Every bulletin of a storm, newest first, with where it came from. */
export async function readBulletinHistory(store: DuckDbStore, id: string): Promise<{ agency: string; issuedUtcMs: number; points: number; source: string; receivedUtcMs: number }[]> {
  const rows = await store.all<Record<string, unknown>>(
    `SELECT agency, epoch_ms(issued_at)::DOUBLE AS issued, points, source, epoch_ms(received_at)::DOUBLE AS received FROM typhoon_bulletins
     WHERE storm_id = $id ORDER BY issued_at DESC, agency`,
    { id },
  );
  return rows.map((r) => ({ agency: r.agency as string, issuedUtcMs: Number(r.issued), points: Number(r.points), source: r.source as string, receivedUtcMs: Number(r.received) }));
}

/**
 * Landfalls other records of the same storm number give (the CMA best track has none; the
 * Wenzhou record of the same storm does), excluding `exceptId`'s own.
 */
export async function landfallsOfNumber(store: DuckDbStore, number: string, exceptId: string): Promise<{ stormId: string; agency: string; landfall: Landfall }[]> {
  const rows = await store.all<Record<string, unknown>>(
    `SELECT l.storm_id, s.agency, epoch_ms(l.ts)::DOUBLE AS ts, l.lon, l.lat, l.place, l.pressure_hpa, l.max_wind_ms, l.grade
     FROM typhoon_landfalls l JOIN typhoon_storms s ON s.id = l.storm_id WHERE s.number = $number AND s.id <> $id ORDER BY l.ts, s.agency`,
    { number, id: exceptId },
  );
  return rows.map((r) => ({ stormId: r.storm_id as string, agency: r.agency as string, landfall: toLandfall(r) }));
}
