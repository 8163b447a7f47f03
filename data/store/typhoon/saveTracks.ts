/**
 * Storing imported tracks. A file holds each of its storms' whole record from that source, so
 * importing a storm replaces its fixes and landfalls (a corrected file leaves no stale point) and
 * upserts its bulletins; the storm keeps its id and first-import time. Everything of one import is
 * written in one transaction: a failure leaves the twin as it was.
 */
import type { DuckDbStore } from '../DuckDbStore.ts';
import type { StormTrack } from '../../model/typhoon/types.ts';
import { ID_LIST, emptyWrite, mergeWrites, pointRow, writeTyphoonRows, type TyphoonWrite } from './rows.ts';

export interface SavedStorm {
  stormId: string;
  /** False when the twin already had this storm (same agency and number): it was updated. */
  created: boolean;
  fixes: number;
  bulletins: number;
  landfalls: number;
}

/** The rows a storm's track from a file becomes. `source` names the file. */
export function trackWrite(track: StormTrack, source: string, receivedAtMs: number): TyphoonWrite {
  const { storm } = track;
  const w = emptyWrite();
  w.storms.push({
    id: storm.id, agency: storm.agency, number: storm.number, intl_number: storm.intlNumber, year: storm.year, name: storm.name,
    name_zh: storm.nameZh, serial: storm.serial, end_note: storm.endNote, format: storm.format, source,
  });
  w.replaceFixesOf.push(storm.id);
  w.replaceLandfallsOf.push(storm.id);
  w.fixes.push(...track.fixes.map((p) => pointRow(storm.id, storm.agency, p)));
  for (const b of track.bulletins) {
    w.bulletins.push({ storm_id: storm.id, agency: b.agency, issued_at: b.issuedUtcMs, points: b.points.length, source, received_at: receivedAtMs, event_id: null });
    w.forecastPoints.push(...b.points.map((p) => pointRow(storm.id, b.agency, { ...p, agency: b.agency, bulletinUtcMs: b.issuedUtcMs })));
  }
  w.landfalls.push(
    ...track.landfalls.map((l) => ({
      storm_id: storm.id, ts: l.timeUtcMs, lon: l.lon, lat: l.lat, place: l.place, pressure_hpa: l.pressureHpa, max_wind_ms: l.maxWindMs,
      grade: l.grade, event_id: null,
    })),
  );
  return w;
}

/**
 * Saves tracks (each with the file it came from) in one transaction. A storm given twice (two
 * files, or one file named twice) is saved once, from the last.
 */
export async function saveStormTracks(store: DuckDbStore, items: readonly { track: StormTrack; source: string }[], nowMs = Date.now()): Promise<SavedStorm[]> {
  const last = new Map<string, { track: StormTrack; source: string }>();
  for (const item of items) {
    last.delete(item.track.storm.id);
    last.set(item.track.storm.id, item);
  }
  const chosen = [...last.values()];
  if (chosen.length === 0) return [];
  return store.transaction(async () => {
    const ids = chosen.map((c) => c.track.storm.id);
    const existing = new Set(
      (await store.all<{ id: string }>(`SELECT id FROM typhoon_storms WHERE id IN ${ID_LIST}`, { ids: JSON.stringify(ids) })).map((r) => r.id),
    );
    // Storm ids are unique here, so one merged write replaces each storm's fixes with its own only.
    await writeTyphoonRows(store, mergeWrites(chosen.map(({ track, source }) => trackWrite(track, source, nowMs))), nowMs);
    return chosen.map(({ track }) => ({
      stormId: track.storm.id,
      created: !existing.has(track.storm.id),
      fixes: track.fixes.length,
      bulletins: track.bulletins.length,
      landfalls: track.landfalls.length,
    }));
  });
}
