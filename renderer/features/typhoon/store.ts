/**
 * Typhoon planning's state at this screen: the storms in the twin, the one being planned for, its
 * track and its wind over the district. A past storm (Lekima, 2019) is planned as a rehearsal:
 * its times are moved so that it makes landfall a day from now, and the timeline runs into it.
 */
import type { DistrictWind, StormListItem, StormTrackView } from '../../../electron/common/typhoon/contract.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostCall } from '../../actions/hostCall.ts';
import { createStore } from '../../state/createStore.ts';
import { serverNow } from '../../state/liveStore.ts';
import { setFutureHorizon } from '../../state/player.ts';

export interface TyphoonState {
  storms: StormListItem[];
  selectedId: string | null;
  track: StormTrackView | null;
  wind: DistrictWind | null;
  /**
   * Added to the storm's times to place it on the player's clock: 0 for a live storm, so that a
   * past one's landfall falls a day from now in a rehearsal.
   */
  shiftMs: number;
  visible: boolean;
  loading: boolean;
}

export const useTyphoonStore = createStore<TyphoonState>()(() => ({
  storms: [],
  selectedId: null,
  track: null,
  wind: null,
  shiftMs: 0,
  visible: true,
  loading: false,
}));

const HOUR = 3600_000;
/** A rehearsal puts the storm's landfall (or closest approach) this far ahead of now. */
const REHEARSAL_LEAD_MS = 24 * HOUR;
/** A storm whose last fix is older than this is a past storm: it is planned as a rehearsal. */
const LIVE_WINDOW_MS = 2 * HOUR * 24;

/** The storm's time on the player's clock. */
export const toPlayer = (stormUtcMs: number, shiftMs = useTyphoonStore.getState().shiftMs): number => stormUtcMs + shiftMs;
/** The player's time in the storm's own clock. */
export const toStorm = (playerMs: number, shiftMs = useTyphoonStore.getState().shiftMs): number => playerMs - shiftMs;

/**
 * Loads the storm list. A live storm (fixed in the last two days) is selected at once: it is on the
 * map and the timeline reaches into its forecast for everyone. A past one only when someone opens
 * the typhoon tab (`selectDefaultStorm`), so the everyday screen is not a rehearsal.
 */
export async function loadStorms(): Promise<void> {
  const storms = await hostCall(() => getAppApi().typhoon.listStorms(), []);
  useTyphoonStore.setState({ storms });
  const live = storms.find((s) => s.lastUtcMs !== null && s.lastUtcMs >= serverNow() - LIVE_WINDOW_MS);
  if (useTyphoonStore.getState().selectedId === null && live) await selectStorm(live.id);
}

/** The typhoon tab opened: plan for the nearest storm if none is chosen yet. */
export function selectDefaultStorm(): void {
  const { selectedId, storms } = useTyphoonStore.getState();
  if (selectedId === null && storms.length > 0) void selectStorm(storms[0]!.id);
}

export async function selectStorm(id: string): Promise<void> {
  useTyphoonStore.setState({ selectedId: id, loading: true });
  const api = getAppApi().typhoon;
  const track = await hostCall(() => api.getStormTrack(id), null);
  const wind = await hostCall(() => api.getDistrictWind(id), null);
  if (useTyphoonStore.getState().selectedId !== id) return;
  const points = [...(track?.fixes ?? []), ...(track?.forecast ?? [])];
  const last = points.at(-1)?.timeUtcMs ?? null;
  const now = serverNow();
  let shiftMs = 0;
  if (last !== null && last < now - LIVE_WINDOW_MS) {
    const anchor = track?.landfalls[0]?.timeUtcMs ?? wind?.peakUtcMs ?? last;
    shiftMs = Math.round((now + REHEARSAL_LEAD_MS - anchor) / HOUR) * HOUR;
  }
  useTyphoonStore.setState({ track, wind, shiftMs, loading: false });
  setFutureHorizon('typhoon', last === null ? null : last + shiftMs);
}

export function setTyphoonVisible(visible: boolean): void {
  useTyphoonStore.setState({ visible });
}

/** Follows live bulletins: a changed storm is reloaded (the one on screen at once). */
export function followBulletins(): void {
  getAppApi().typhoon.onStormsChanged(({ stormIds }) => {
    const selected = useTyphoonStore.getState().selectedId;
    void loadStorms().then(() => {
      if (selected !== null && stormIds.includes(selected)) void selectStorm(selected);
    });
  });
}

/** Storms fixed within the last two days (live ones), or null when there are none. */
export function activeStormCount(storms: readonly StormListItem[]): number | null {
  const n = storms.filter((s) => s.lastUtcMs !== null && s.lastUtcMs >= serverNow() - LIVE_WINDOW_MS).length;
  return n > 0 ? n : null;
}
