/**
 * Live typhoon events (data/feed/typhoon/events.ts) → rows of the typhoon tables. The ingest commit calls
 * `applyTyphoonEvents(store, freshEvents, receivedAtMs)` inside its transaction with the events the
 * log kept (replays are duplicates there and never reach this); that is the whole wiring.
 *
 * - A fix upserts its storm and its point at (storm, ts): a corrected fix replaces the first.
 * - A forecast stores a bulletin issued at the event's ts with its positions; a bulletin sent again
 *   under a new event id replaces its own earlier copy. The newest bulletin of an agency is the
 *   current forecast (readCurrentForecasts); older ones stay as its history.
 * - A fix marked `landfall` also records a landfall there.
 */
import type { DuckDbStore } from '../DuckDbStore.ts';
import type { ProjectionModule } from '../projection.ts';
import type { TyphoonIngestEvent } from '../../feed/typhoon/events.ts';
import { stormId } from '../../model/typhoon/agencies.ts';
import { gradeForWind, type TcGrade } from '../../model/typhoon/scales.ts';
import type { QuadrantRadii, TrackPoint, WindRadii } from '../../model/typhoon/types.ts';
import { emptyWrite, mergeWrites, pointRow, writeTyphoonRows, type StormRow, type TyphoonWrite } from './rows.ts';

type RadiiInput = { r7?: QuadrantInput | null; r10?: QuadrantInput | null; r12?: QuadrantInput | null } | undefined;
type QuadrantInput = { ne?: number | null; se?: number | null; sw?: number | null; nw?: number | null };

function toRadii(input: RadiiInput): WindRadii | null {
  if (!input) return null;
  const circle = (q: QuadrantInput | null | undefined): QuadrantRadii | null => {
    if (!q) return null;
    const pick = (v: number | null | undefined): number | null => (v != null && v > 0 ? v : null);
    const out = { ne: pick(q.ne), se: pick(q.se), sw: pick(q.sw), nw: pick(q.nw) };
    return out.ne ?? out.se ?? out.sw ?? out.nw ? out : null;
  };
  const radii = { r7: circle(input.r7), r10: circle(input.r10), r12: circle(input.r12) };
  return radii.r7 || radii.r10 || radii.r12 ? radii : null;
}

/** The agency's grade, else the grade of the wind; a point with neither is `weak` (CMA's "unknown"). */
function gradeOf(grade: TcGrade | undefined, windMs: number | null | undefined): TcGrade {
  return grade ?? (windMs != null ? (gradeForWind(windMs) ?? 'weak') : 'weak');
}

/**
 * The season of a storm number YYNN seen at `tsMs`: the year ending in YY nearest the event's
 * (a storm numbered 1901 can be fixed on 31 December 2018); the event's year for other numbers.
 */
function seasonOf(number: string, tsMs: number, given: number | undefined): number {
  if (given !== undefined) return given;
  const y0 = new Date(tsMs).getUTCFullYear();
  if (!/^\d{4}$/.test(number)) return y0;
  const yy = Number(number.slice(0, 2));
  return [y0, y0 + 1, y0 - 1].find((y) => y % 100 === yy) ?? y0;
}

/** The rows one event becomes. Pure. */
export function projectTyphoonEvent(event: TyphoonIngestEvent, receivedAtMs: number): TyphoonWrite {
  const d = event.data;
  const id = stormId(d.agency, d.stormNumber);
  const w = emptyWrite();
  const storm: StormRow = {
    id, agency: d.agency, number: /^\d{4}$/.test(d.stormNumber) ? d.stormNumber : null, intl_number: null,
    year: seasonOf(d.stormNumber, event.tsMs, d.season), name: d.name ?? null, name_zh: d.nameZh ?? null, serial: null,
    end_note: null, format: 'ingest', source: event.source,
  };
  w.storms.push(storm);
  if (event.type === 'typhoon.fix') {
    const f = event.data;
    const point: TrackPoint = {
      timeUtcMs: event.tsMs, lon: f.position.lon, lat: f.position.lat, pressureHpa: f.pressureHpa ?? null, maxWindMs: f.maxWindMs ?? null,
      grade: gradeOf(f.grade, f.maxWindMs), radii: toRadii(f.radii), isForecast: false, agency: f.agency,
      moveDirection: f.moveDirection ?? null, moveSpeedKmh: f.moveSpeedKmh ?? null,
    };
    w.fixes.push(pointRow(id, f.agency, point, event.id));
    if (f.landfall) {
      w.landfalls.push({
        storm_id: id, ts: event.tsMs, lon: point.lon, lat: point.lat, place: f.landfall.place ?? null, pressure_hpa: point.pressureHpa,
        max_wind_ms: point.maxWindMs, grade: point.grade, event_id: event.id,
      });
    }
    return w;
  }
  const f = event.data;
  w.bulletins.push({ storm_id: id, agency: f.agency, issued_at: event.tsMs, points: f.points.length, source: event.source, received_at: receivedAtMs, event_id: event.id });
  for (const p of f.points) {
    const point: TrackPoint = {
      timeUtcMs: event.tsMs + Math.round(p.leadHours * 3_600_000), lon: p.position.lon, lat: p.position.lat, pressureHpa: p.pressureHpa ?? null,
      maxWindMs: p.maxWindMs ?? null, grade: gradeOf(p.grade, p.maxWindMs), radii: toRadii(p.radii), isForecast: true,
      leadHours: p.leadHours, bulletinUtcMs: event.tsMs, agency: f.agency,
    };
    w.forecastPoints.push(pointRow(id, f.agency, point, event.id));
  }
  return w;
}

/** Projects and writes fresh typhoon events, in the caller's transaction when one is open. */
export async function applyTyphoonEvents(store: DuckDbStore, events: readonly TyphoonIngestEvent[], receivedAtMs: number): Promise<void> {
  if (events.length === 0) return;
  await writeTyphoonRows(store, mergeWrites(events.map((e) => projectTyphoonEvent(e, receivedAtMs))), receivedAtMs);
}

/**
 * The typhoon module's entry in the ingest projections (data/store/projections.ts): fixes and
 * bulletins replace their earlier copies, so they are applied in the commit, not appended as rows.
 */
export const typhoonProjection: ProjectionModule = {
  tables: {},
  project: { 'typhoon.fix': () => undefined, 'typhoon.forecast': () => undefined },
  apply: (store, events, receivedAtMs) =>
    applyTyphoonEvents(store, events.filter((e): e is TyphoonIngestEvent => e.type === 'typhoon.fix' || e.type === 'typhoon.forecast'), receivedAtMs),
};
