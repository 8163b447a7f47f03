/**
 * The live picture as panels show it: incidents and meter alerts by id, the fleet's static facts,
 * feed freshness, and whether the view follows the live feed or replays a past moment. Written by
 * the LiveSource (one batch per animation frame at most) and the replay controller; resource
 * *positions* are not here — they live in the mutable position buffer (sources/positionBuffer.ts)
 * that the map reads each frame, so high-rate data never re-renders a component.
 */
import type { BuildingAlertCount, FeedStatus, Incident, IncidentOverflow, MeterAlert, ResourceInfo, TimelineRange } from '../../electron/common/dto.ts';
import type { MeterAnomalyKind } from '../../data/model/domain.ts';
import { onPanelTick } from './panelClock.ts';
import { createStore } from './createStore.ts';

export type LiveMode = 'live' | 'replay';
export const REPLAY_SPEEDS = [1, 5, 15, 60] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

export interface ReplayClock {
  /** Replayed time at `anchorWallMs`. */
  anchorMs: number;
  /** Wall clock (Date.now) when the anchor was set. */
  anchorWallMs: number;
  playing: boolean;
  speed: ReplaySpeed;
}

export interface LiveState {
  /** `error` when the host has no live API or cannot be reached (the twin still works). */
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  mode: LiveMode;
  /** The moment the shown incidents/alerts describe (server time, or the replayed moment). */
  stateAtMs: number;
  replay: ReplayClock;
  /** What the timeline can scrub over. */
  range: TimelineRange | null;
  incidents: Record<string, Incident>;
  /** Open incidents the last snapshot counted by grid instead of listing (beyond its bound), or null. */
  incidentOverflow: IncidentOverflow | null;
  /** Open and acknowledged alerts (closed ones are dropped). */
  alerts: Record<string, MeterAlert>;
  /**
   * On a wall view, all it is told of meter alerts: those not yet closed, per building and kind
   * (`alerts` is then empty). null at a console.
   */
  alertCounts: AlertCounts | null;
  resources: ResourceInfo[];
  feed: FeedStatus | null;
  /** Server clock minus local clock, from the last snapshot or delta. */
  clockOffsetMs: number;
  /** Bumped on every applied batch (the map waits for a version to be drawn). */
  version: number;
}

export const useLiveStore = createStore<LiveState>()(() => ({
  status: 'idle',
  error: null,
  mode: 'live',
  stateAtMs: 0,
  replay: { anchorMs: 0, anchorWallMs: 0, playing: false, speed: 15 },
  range: null,
  incidents: {},
  incidentOverflow: null,
  alerts: {},
  alertCounts: null,
  resources: [],
  feed: null,
  clockOffsetMs: 0,
  version: 0,
}));

//#region panels
/**
 * The live store as panels read it: the same state; the feed's changes republished at most every
 * `panelRefreshMs` (one after a quiet spell at once, the last of a burst at the end). The map
 * reads `useLiveStore` itself: a marker's latency is what the wall is watched for. A list redrawn
 * twenty times a second during a storm of reports reads no better than four times, and every
 * re-render is rasterised again, which without a GPU takes the CPU the map's frames need
 * (measured: hiding the panels halved event-to-pixel latency in the page with llvmpipe).
 */
export const useLivePanels = createStore<LiveState>()(() => useLiveStore.getState());
let panelRefreshMs = 250;
/** Set while the panels take the feed's changes on the panel clock's tick (see setPanelRefreshMs). */
let stopTickPublishing: (() => void) | null = null;
/**
 * Without a GPU the map asks for a longer interval (each panel repaint is CPU raster there). From
 * one second on, the feed's changes reach the panels on the panel clock's tick, in the same
 * render as the clocks' own second: one repaint a second instead of two at unrelated phases.
 */
export function setPanelRefreshMs(ms: number): void {
  panelRefreshMs = ms;
  stopTickPublishing?.();
  stopTickPublishing = ms >= 1000 ? onPanelTick(() => panelsPending && publishToPanels()) : null;
}
let panelsPublishedAt = -Infinity;
let panelsTimer: ReturnType<typeof setTimeout> | null = null;
/** The feed changed something the panels have not been given yet. */
let panelsPending = false;
function publishToPanels(): void {
  panelsTimer = null;
  panelsPending = false;
  panelsPublishedAt = performance.now();
  useLivePanels.setState(useLiveStore.getState(), true);
}
/** Set while the feed writes (see `applyFeedPatch`): only the feed's changes are paced. */
let feedWriting = false;
/**
 * Applies a change that came from the live feed. Panels see it at their pace; every other
 * change (an operator's action, a seek, a mode switch) reaches them at once, with all before it.
 */
export function applyFeedPatch(patch: Partial<LiveState>): void {
  feedWriting = true;
  try {
    useLiveStore.setState(patch);
  } finally {
    feedWriting = false;
  }
}
useLiveStore.subscribe(() => {
  if (!feedWriting) {
    if (panelsTimer) clearTimeout(panelsTimer);
    publishToPanels();
    return;
  }
  panelsPending = true;
  if (panelsTimer || stopTickPublishing) return;
  const wait = panelsPublishedAt + panelRefreshMs - performance.now();
  if (wait <= 0) publishToPanels();
  else panelsTimer = setTimeout(publishToPanels, wait);
});

//#region clocks
/** The host's "now", estimated from the last message's `serverNowMs`. */
export function serverNow(): number {
  return Date.now() + useLiveStore.getState().clockOffsetMs;
}
/** The replayed moment now (advances while playing). */
export function replayNow(clock: ReplayClock = useLiveStore.getState().replay): number {
  return clock.playing ? clock.anchorMs + (Date.now() - clock.anchorWallMs) * clock.speed : clock.anchorMs;
}
/**
 * The moment the feed's picture describes: the host's now in live mode, the replayed moment in
 * replay. In the forecast future it stays now (incidents, SLA clocks and resources there are as
 * they are now); the player's own moment is `playerNow`.
 */
export function feedNow(): number {
  return useLiveStore.getState().mode === 'live' ? serverNow() : Math.min(replayNow(), serverNow());
}

/** The player's moment: as `feedNow`, but on into the forecast future (a typhoon's track). */
export function playerNow(): number {
  return useLiveStore.getState().mode === 'live' ? serverNow() : replayNow();
}
//#endregion

//#region derived
/** Meter alerts per building and kind (counts above zero only). */
export type AlertCounts = Record<number, Partial<Record<MeterAnomalyKind, number>>>;

/** `counts` with each building's kinds in `update` replaced (a count of 0 removes the kind). */
export function withAlertCounts(counts: AlertCounts, update: readonly BuildingAlertCount[]): AlertCounts {
  const out: AlertCounts = { ...counts };
  for (const c of update) {
    const kinds = { ...out[c.buildingId] };
    if (c.count > 0) kinds[c.kind] = c.count;
    else delete kinds[c.kind];
    if (Object.keys(kinds).length > 0) out[c.buildingId] = kinds;
    else delete out[c.buildingId];
  }
  return out;
}

/** Meter alerts not yet closed that the view holds: listed ones at a console, counted ones on a wall. */
export function openAlertTotal(s: Pick<LiveState, 'alerts' | 'alertCounts'>): number {
  let total = Object.keys(s.alerts).length;
  for (const kinds of Object.values(s.alertCounts ?? {})) for (const n of Object.values(kinds)) total += n ?? 0;
  return total;
}

/** Latest event of the three live layers, or null when none has arrived. */
export function lastFeedEventMs(feed: FeedStatus | null): number | null {
  if (!feed) return null;
  const { incidents, resources, meters } = feed.lastEventMs;
  const all = [incidents, resources, meters].filter((v): v is number => v !== null);
  return all.length ? Math.max(...all) : null;
}
//#endregion
