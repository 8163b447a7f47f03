/**
 * The track the wind model plans on: the fixes known at the session's moment, then the newest
 * forecast bulletin's positions beyond the last fix — so the field can be evaluated at any hour
 * up to the forecast's end (+72 h and more), as the player scrubs into the forecast zone.
 */
import type { DuckDbStore } from '../../store/DuckDbStore.ts';
import { readCurrentForecasts, readStormTrack } from '../../store/typhoon/readTracks.ts';
import type { ForecastBulletin, StormTrack, TrackPoint } from '../../model/typhoon/types.ts';

export interface WindTrackOptions {
  /** The session's "now" (UTC ms): fixes after it and bulletins issued after it are not known yet. Default: everything. */
  asOfUtcMs?: number;
  /** Whose forecast to plan on when several agencies issued one; default the storm's own agency, then CMA, then the newest. */
  agency?: string;
}

/** The bulletin to plan on: the newest issued by `asOf`, preferring the given agency, then the storm's, then CMA. */
export function planningBulletin(track: StormTrack, options: WindTrackOptions = {}): ForecastBulletin | null {
  const asOf = options.asOfUtcMs ?? Infinity;
  const issued = track.bulletins.filter((b) => b.issuedUtcMs <= asOf && b.points.length > 0);
  for (const agency of [options.agency, track.storm.agency, 'CMA']) {
    if (agency === undefined) continue;
    const mine = issued.filter((b) => b.agency === agency);
    if (mine.length > 0) return mine.reduce((a, b) => (b.issuedUtcMs > a.issuedUtcMs ? b : a));
  }
  return issued.length > 0 ? issued.reduce((a, b) => (b.issuedUtcMs > a.issuedUtcMs ? b : a)) : null;
}

/** Fixes up to the session's moment, then the planning bulletin's positions after the last fix, in time order. */
export function trackForWindModel(track: StormTrack, options: WindTrackOptions = {}): TrackPoint[] {
  const asOf = options.asOfUtcMs ?? Infinity;
  const fixes = track.fixes.filter((p) => p.timeUtcMs <= asOf).sort((a, b) => a.timeUtcMs - b.timeUtcMs);
  const lastFix = fixes.length > 0 ? fixes[fixes.length - 1]!.timeUtcMs : -Infinity;
  const bulletin = planningBulletin(track, options);
  // A bulletin's first position usually repeats the fix it was issued at: only what lies beyond the last fix is forecast.
  const ahead = (bulletin?.points ?? []).filter((p) => p.timeUtcMs > lastFix).sort((a, b) => a.timeUtcMs - b.timeUtcMs);
  return [...fixes, ...ahead];
}

/** The same from the twin: a storm's stored fixes and current forecasts; null for an unknown storm id. */
export async function readWindTrack(store: DuckDbStore, stormId: string, options: WindTrackOptions = {}): Promise<TrackPoint[] | null> {
  const track = await readStormTrack(store, stormId);
  if (track === null) return null;
  const bulletins = await readCurrentForecasts(store, stormId, options.asOfUtcMs ?? Number.MAX_SAFE_INTEGER);
  return trackForWindModel({ ...track, bulletins }, options);
}
