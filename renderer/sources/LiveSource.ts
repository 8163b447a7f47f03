/**
 * Feeds the live store and the position buffer from the host's `LiveApi`: a snapshot at start
 * (and again after a `seq` gap, a host restart or a silent socket), then the pushed deltas.
 *
 * Deltas are merged into a pending batch as they arrive and applied to the store at most once per
 * animation frame (DESIGN.md §3). Positions skip the store: they go straight into the mutable
 * position buffer that the map reads each frame. Merging is order-independent (an incident is
 * replaced only by one at least as recent, an alert only by one at least as far along), so a
 * delta that overtakes the snapshot it follows does no harm.
 */
import type { BuildingAlertCount, FeedStatus, Incident, LiveDelta, LiveSnapshot, MeterAlert } from '../../electron/common/dto.ts';
import { getAppApi } from '../bridge/appApi.ts';
import { hostErrorText } from '../actions/hostCall.ts';
import { applyFeedPatch, useLiveStore, withAlertCounts, type LiveState } from '../state/liveStore.ts';
import { positions } from './positionBuffer.ts';
import { isOpenStatus } from '../../data/model/incidents.ts';

/** A closed incident stays on the map this long (feed time) while it fades out. */
export const CLOSED_FADE_MS = 10_000;
/** With no message for this long, the source asks for a snapshot itself (socket down?). */
const SILENCE_RESYNC_MS = 30_000;

interface Pending {
  incidents: Map<string, Incident>;
  alerts: Map<string, MeterAlert>;
  /** A wall's alert counts of the buildings whose alerts changed, oldest first. */
  alertCounts: BuildingAlertCount[];
  feed: FeedStatus | null;
  receivedAt: number;
}
const pending: Pending = { incidents: new Map(), alerts: new Map(), alertCounts: [], feed: null, receivedAt: 0 };

let started = false;
let lastSeq = 0;
let lastMessageAt = 0;
let snapshotInFlight = false;
let resyncAgain = false;
let retryMs = 2000;
let flushScheduled = false;
let unsubscribe: (() => void) | null = null;

/** Sequence number of the last delta received (test hook). */
export const lastDeltaSeq = (): number => lastSeq;

const ALERT_RANK: Record<MeterAlert['status'], number> = { open: 0, acknowledged: 1, closed: 2 };

function newerIncident(cur: Incident | undefined, next: Incident): boolean {
  return !cur || next.updatedAt >= cur.updatedAt;
}
function furtherAlert(cur: MeterAlert | undefined, next: MeterAlert): boolean {
  return !cur || ALERT_RANK[next.status] >= ALERT_RANK[cur.status];
}

/** Drops closed incidents whose fade is over, so a wall running for days does not grow. */
function pruneIncidents(incidents: Record<string, Incident>, nowMs: number): void {
  for (const [id, inc] of Object.entries(incidents)) {
    if (!isOpenStatus(inc.status) && nowMs - inc.updatedAt > CLOSED_FADE_MS * 3) delete incidents[id];
  }
}

function feedPatch(feed: FeedStatus | null, receivedAt: number, s: LiveState): Partial<LiveState> {
  if (!feed || (s.feed && feed.serverNowMs < s.feed.serverNowMs)) return {};
  return { feed, clockOffsetMs: feed.serverNowMs - receivedAt };
}

//#region batches
/** Urgent batches applied in the current window, and when it began (performance.now). */
let urgentInWindow = 0;
let urgentWindowAt = -Infinity;
/** A flood of incident changes (a storm of reports, a runaway producer) falls back to per frame. */
const MAX_URGENT_PER_WINDOW = 8;
/**
 * The window is a display frame's worth of time rather than "until the next animation frame":
 * when the GPU falls behind, the browser withholds animation frames for seconds, and counting
 * per frame then sent every later incident to wait for one.
 */
const URGENT_WINDOW_MS = 50;

/**
 * Positions and feed status reach the store at most once per animation frame (DESIGN.md §3). A
 * batch with a new or changed incident or alert is applied on arrival instead, and the map draws
 * it as soon as the GPU has taken its last frame: waiting for the next animation frame cost a
 * whole frame of event-to-pixel latency (a tenth of a second with software GL). Such changes are
 * rare (tens an hour in a district; the event-to-pixel benchmark sends 20 a second), and past
 * MAX_URGENT_PER_WINDOW they wait for the frame like everything else.
 */
function scheduleFlush(urgent: boolean): void {
  if (urgent && !document.hidden) {
    const now = performance.now();
    if (now - urgentWindowAt > URGENT_WINDOW_MS) {
      urgentWindowAt = now;
      urgentInWindow = 0;
    }
    if (urgentInWindow++ < MAX_URGENT_PER_WINDOW) {
      flushScheduled = true;
      flush();
      return;
    }
  }
  if (flushScheduled) return;
  flushScheduled = true;
  // rAF is the normal path; the timer keeps a hidden window (no rAF) up to date once a second,
  // and an incident past the flood limit from waiting on withheld animation frames.
  const timer = setTimeout(flush, urgent ? URGENT_WINDOW_MS : 1000);
  requestAnimationFrame(() => {
    clearTimeout(timer);
    flush();
  });
}

function flush(): void {
  if (!flushScheduled) return;
  flushScheduled = false;
  const s = useLiveStore.getState();
  if (snapshotInFlight && s.status !== 'ready') return; // applied with the first snapshot
  if (s.mode !== 'live') {
    // Replay shows the host's rebuilt state; live changes are picked up by a snapshot on return.
    pending.incidents.clear();
    pending.alerts.clear();
    pending.alertCounts = [];
    if (pending.feed) applyFeedPatch(feedPatch(pending.feed, pending.receivedAt, s));
    pending.feed = null;
    return;
  }
  const patch: Partial<LiveState> = { ...feedPatch(pending.feed, pending.receivedAt, s), version: s.version + 1 };
  if (pending.incidents.size) {
    const incidents = { ...s.incidents };
    for (const inc of pending.incidents.values()) if (newerIncident(incidents[inc.id], inc)) incidents[inc.id] = inc;
    pruneIncidents(incidents, pending.feed?.serverNowMs ?? Date.now() + s.clockOffsetMs);
    patch.incidents = incidents;
  }
  if (pending.alerts.size) {
    const alerts = { ...s.alerts };
    for (const a of pending.alerts.values()) {
      if (!furtherAlert(alerts[a.id], a)) continue;
      if (a.status === 'closed') delete alerts[a.id];
      else alerts[a.id] = a;
    }
    patch.alerts = alerts;
  }
  // Counts are kept only where the snapshot brought them (a wall view); a console has the alerts.
  if (pending.alertCounts.length && s.alertCounts) patch.alertCounts = withAlertCounts(s.alertCounts, pending.alertCounts);
  if (pending.feed) patch.stateAtMs = pending.feed.serverNowMs;
  pending.incidents.clear();
  pending.alerts.clear();
  pending.alertCounts = [];
  pending.feed = null;
  applyFeedPatch(patch);
}

function onDelta(d: LiveDelta): void {
  lastMessageAt = Date.now();
  // A gap means deltas were missed (socket reconnect); a smaller seq means the host restarted.
  if (lastSeq !== 0 && d.seq !== lastSeq + 1) resyncLive();
  lastSeq = d.seq;
  const live = useLiveStore.getState().mode === 'live';
  for (const inc of d.incidents) if (newerIncident(pending.incidents.get(inc.id), inc)) pending.incidents.set(inc.id, inc);
  for (const a of d.alerts) if (furtherAlert(pending.alerts.get(a.id), a)) pending.alerts.set(a.id, a);
  if (d.alertCounts) pending.alertCounts.push(...d.alertCounts);
  if (live && d.positions.count > 0) positions.apply(d.positions, { nowPerf: performance.now() });
  pending.feed = d.feed;
  pending.receivedAt = lastMessageAt;
  scheduleFlush(d.incidents.length > 0 || d.alerts.length > 0 || (d.alertCounts?.length ?? 0) > 0);
}
//#endregion

//#region snapshots
export interface ApplySnapshotOptions {
  /** Glide resources to the snapshot's positions over this long (0 = jump). */
  glideMs: number;
  /** The snapshot is a past moment: positions may be older than the ones drawn. */
  replay: boolean;
}

/** Replaces the store's picture with a snapshot (live resync, or a replayed moment). */
export function applySnapshot(snap: LiveSnapshot, o: ApplySnapshotOptions, receivedAt = Date.now()): void {
  const s = useLiveStore.getState();
  const incidents: Record<string, Incident> = {};
  for (const inc of snap.incidents) incidents[inc.id] = inc;
  const alerts: Record<string, MeterAlert> = {};
  for (const a of snap.alerts) if (a.status !== 'closed') alerts[a.id] = a;
  if (!o.replay && s.mode === 'live') {
    // Deltas that arrived while the snapshot was on its way may be newer than it.
    for (const inc of Object.values(s.incidents)) {
      const mine = incidents[inc.id];
      if (mine ? inc.updatedAt > mine.updatedAt : inc.updatedAt > snap.atMs) incidents[inc.id] = inc;
    }
    for (const a of Object.values(s.alerts)) {
      const mine = alerts[a.id];
      if (mine ? ALERT_RANK[a.status] > ALERT_RANK[mine.status] : a.raisedAt > snap.atMs) alerts[a.id] = a;
    }
    for (const inc of pending.incidents.values()) if (newerIncident(incidents[inc.id], inc)) incidents[inc.id] = inc;
    for (const a of pending.alerts.values()) {
      if (!furtherAlert(alerts[a.id], a)) continue;
      if (a.status === 'closed') delete alerts[a.id];
      else alerts[a.id] = a;
    }
    pending.incidents.clear();
    pending.alerts.clear();
  }
  // A wall's counts are absolute per building: the snapshot's replace them (a count that changed
  // while it was on its way comes again with the next change of that building).
  pending.alertCounts = [];
  positions.setResources(snap.resources);
  positions.apply(snap.positions, { nowPerf: performance.now(), durationMs: o.glideMs, allowOlder: o.replay });
  positions.setTrails(snap.trails);
  useLiveStore.setState({
    ...feedPatch(snap.feed, receivedAt, s),
    status: 'ready',
    error: null,
    incidents,
    incidentOverflow: snap.incidentOverflow ?? null,
    alerts,
    alertCounts: snap.alertCounts ? withAlertCounts({}, snap.alertCounts) : null,
    resources: snap.resources,
    stateAtMs: snap.atMs,
    version: s.version + 1,
  });
}

async function loadSnapshot(): Promise<void> {
  if (snapshotInFlight) {
    resyncAgain = true;
    return;
  }
  snapshotInFlight = true;
  if (useLiveStore.getState().status !== 'ready') useLiveStore.setState({ status: 'loading' });
  try {
    const snap = await getAppApi().live.getLiveSnapshot();
    lastMessageAt = Date.now();
    retryMs = 2000;
    if (useLiveStore.getState().mode === 'live') applySnapshot(snap, { glideMs: 600, replay: false }, lastMessageAt);
  } catch (err) {
    console.warn('[civictwin] live snapshot failed', err);
    if (useLiveStore.getState().status !== 'ready') useLiveStore.setState({ status: 'error', error: hostErrorText(err) });
    setTimeout(resyncLive, retryMs);
    retryMs = Math.min(30_000, retryMs * 2);
  } finally {
    snapshotInFlight = false;
  }
  if (resyncAgain) {
    resyncAgain = false;
    void loadSnapshot();
  }
}

/** Reloads the live picture from a snapshot (after a gap, on return from replay). */
export function resyncLive(): void {
  void loadSnapshot();
}

async function loadRange(): Promise<void> {
  try {
    useLiveStore.setState({ range: await getAppApi().live.getTimelineRange() });
  } catch (err) {
    console.warn('[civictwin] timeline range failed', err);
  }
}
/** Refreshes how far back the timeline reaches (on entering replay). */
export const refreshTimelineRange = loadRange;
//#endregion

/** Starts following the live feed (idempotent). */
export function startLiveSource(): void {
  if (started) return;
  started = true;
  const live = getAppApi().live;
  try {
    unsubscribe = live.onLiveDelta(onDelta);
  } catch (err) {
    console.warn('[civictwin] live push unavailable', err);
  }
  void loadSnapshot();
  void loadRange();
  setInterval(() => {
    const { mode, status } = useLiveStore.getState();
    if (mode === 'live' && status === 'ready' && Date.now() - lastMessageAt > SILENCE_RESYNC_MS) resyncLive();
  }, 10_000);
  setInterval(() => void loadRange(), 5 * 60_000);
  window.addEventListener('online', resyncLive);
}

/** Stops the subscription (tests, hot reload). */
export function stopLiveSource(): void {
  unsubscribe?.();
  unsubscribe = null;
  started = false;
}
