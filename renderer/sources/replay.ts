/**
 * Timeline replay: the view shows the host's state *as it was* at a past moment, rebuilt from the
 * event log (`live.getStateAt`), never pieced together from events in a window. While playing,
 * the replayed clock runs at 1×–60× and states are fetched at most ~4 a second (one request in
 * flight); resources glide between successive states through the same position buffer as live.
 */
import { getAppApi } from '../bridge/appApi.ts';
import { hostCall } from '../actions/hostCall.ts';
import { replayNow, serverNow, useLiveStore, type ReplaySpeed } from '../state/liveStore.ts';
import { applySnapshot, refreshTimelineRange, resyncLive } from './LiveSource.ts';
import { futureUntil } from '../state/player.ts';

/** Minimum wall time between two state requests while playing. */
const FETCH_EVERY_MS = 250;
/** Playing closer than this to now returns to live. */
const LIVE_EDGE_MS = 1500;

let loop: ReturnType<typeof setInterval> | null = null;
let inFlight = false;
let lastFetchWall = 0;
let lastApplyWall = 0;
/** Bumped by every seek; a state fetched for an older seek still shows, but does not settle it. */
let generation = 0;
let needFetch = false;
const waiters: { gen: number; resolve: () => void }[] = [];

/** The past the event log holds, up to now, or on to the forecast's end when a module shows one. */
function clampToRange(atMs: number): number {
  const range = useLiveStore.getState().range;
  const now = serverNow();
  const from = range?.fromMs ?? now - 24 * 3600_000;
  return Math.min(futureUntil(now) ?? now, Math.max(from, atMs));
}

async function fetchState(atMs: number, gen: number): Promise<void> {
  inFlight = true;
  lastFetchWall = Date.now();
  // In the forecast future the incidents and resources are as they are now; the modules that
  // show a future (the typhoon's track and wind) draw it from the player's time.
  const snap = await hostCall(() => getAppApi().live.getStateAt(Math.min(atMs, serverNow())), null);
  inFlight = false;
  const s = useLiveStore.getState();
  if (snap && s.mode === 'replay') {
    const now = Date.now();
    // Playing: glide over the time until the next state is expected; scrubbing: a short glide.
    const glideMs = s.replay.playing ? Math.min(1500, Math.max(FETCH_EVERY_MS, now - lastApplyWall)) : 300;
    lastApplyWall = now;
    applySnapshot(snap, { glideMs, replay: true });
  }
  for (let i = waiters.length - 1; i >= 0; i--) {
    if (waiters[i]!.gen <= gen) {
      waiters[i]!.resolve();
      waiters.splice(i, 1);
    }
  }
}

function tick(): void {
  const s = useLiveStore.getState();
  if (s.mode !== 'replay') return stopLoop();
  const t = replayNow(s.replay);
  const now = serverNow();
  const until = futureUntil(now);
  if (s.replay.playing && until === null && t >= now - LIVE_EDGE_MS) {
    backToLive();
    return;
  }
  if (s.replay.playing && until !== null && t >= until) {
    // The end of the forecast: hold there.
    useLiveStore.setState({ replay: { ...s.replay, anchorMs: until, anchorWallMs: Date.now(), playing: false } });
    return;
  }
  if (inFlight) return;
  // Scrubbing or playing, at most one state per FETCH_EVERY_MS; in the future, once (it is now's).
  const inFuture = t > now;
  if ((needFetch || (s.replay.playing && !inFuture)) && Date.now() - lastFetchWall >= FETCH_EVERY_MS) {
    needFetch = false;
    void fetchState(t, generation);
  }
}

function startLoop(): void {
  loop ??= setInterval(tick, 50);
}
function stopLoop(): void {
  if (loop) clearInterval(loop);
  loop = null;
}

/** Shows the state at `atMs` (entering replay if needed); resolves once that state is in the store. */
export function seekTo(atMs: number): Promise<void> {
  const s = useLiveStore.getState();
  const t = clampToRange(atMs);
  if (s.mode !== 'replay') void refreshTimelineRange();
  useLiveStore.setState({ mode: 'replay', replay: { ...s.replay, anchorMs: t, anchorWallMs: Date.now() } });
  generation++;
  needFetch = true;
  startLoop();
  const done = new Promise<void>((resolve) => waiters.push({ gen: generation, resolve }));
  tick();
  return done;
}

export function play(speed?: ReplaySpeed): void {
  const s = useLiveStore.getState();
  if (s.mode !== 'replay') return;
  useLiveStore.setState({ replay: { anchorMs: replayNow(s.replay), anchorWallMs: Date.now(), playing: true, speed: speed ?? s.replay.speed } });
  lastApplyWall = Date.now();
  startLoop();
}

export function pause(): void {
  const s = useLiveStore.getState();
  useLiveStore.setState({ replay: { ...s.replay, anchorMs: replayNow(s.replay), anchorWallMs: Date.now(), playing: false } });
  needFetch = true;
}

export function setSpeed(speed: ReplaySpeed): void {
  const s = useLiveStore.getState();
  useLiveStore.setState({ replay: { ...s.replay, anchorMs: replayNow(s.replay), anchorWallMs: Date.now(), speed } });
}

/** Leaves replay: the live picture comes back from a fresh snapshot. */
export function backToLive(): void {
  stopLoop();
  const s = useLiveStore.getState();
  if (s.mode === 'live') return;
  generation++;
  for (const w of waiters.splice(0)) w.resolve();
  useLiveStore.setState({ mode: 'live', replay: { ...s.replay, playing: false } });
  // Live fixes are newer than the replayed ones, so the snapshot glides every marker back.
  resyncLive();
}
