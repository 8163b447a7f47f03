/**
 * The page's own watchdog (issue 12, kiosk), for a wall panel in a browser where nothing else
 * watches it (in Electron the main process also restarts a crashed or hung renderer:
 * electron/main/watchdog.ts). The page reloads itself when its map is frozen — a visible page
 * whose map has drawn no frame for `frozenMs`, though asked to draw (the map is asked once it has
 * been idle a third of that; a new map gets `firstFrameMs` for its first) — or when the map's
 * WebGL context has stayed lost for `lostMs` after the rebuilds contextLoss.ts tries. A map that
 * could not be built again (no WebGL any more) draws nothing: frozen. Time while the page is hidden does not count (browsers stop drawing it).
 *
 * A panel that keeps failing waits longer before each reload (none, then 15 s, 30 s … capped at
 * 10 min; the count lives in sessionStorage and is forgotten after 10 min without a reload), so a
 * broken GPU does not reload the page in a loop. The reason of the last reload is kept there too
 * and logged when the page comes back.
 */
import { useGfxStore } from '../state/gfxStore.ts';

export interface PageWatchdogOptions {
  frozenMs: number;
  /** A new map's first frame may take this long (style, fonts and the city built on a busy CPU). */
  firstFrameMs: number;
  lostMs: number;
  checkMs: number;
  reload: () => void;
}

const DEFAULTS: PageWatchdogOptions = { frozenMs: 30_000, firstFrameMs: 90_000, lostMs: 30_000, checkMs: 1000, reload: () => location.reload() };
const STORE_KEY = 'civictwin.watchdog';
/** A run of reloads ends after this long without one. */
const STREAK_RESET_MS = 600_000;
const MAX_WAIT_MS = 600_000;

interface Heartbeat {
  requestFrame: () => void;
  drawn: boolean;
}
let heartbeat: Heartbeat | null = null;
/** performance.now() of the map's last frame (or of its mount); null before any map. */
let lastFrameAt: number | null = null;
let askedAt = -Infinity;

/**
 * Called by the map's owner when a map is built: `frame()` on each frame it draws, `detach()` when
 * it is removed. A map that is removed and not replaced keeps counting as frozen.
 */
export function attachMapHeartbeat(requestFrame: () => void): { frame(): void; detach(): void } {
  const beat: Heartbeat = { requestFrame, drawn: false };
  heartbeat = beat;
  lastFrameAt = performance.now();
  return {
    frame: () => {
      if (heartbeat !== beat) return;
      lastFrameAt = performance.now();
      beat.drawn = true;
    },
    detach: () => {
      if (heartbeat === beat) heartbeat = null;
    },
  };
}

interface Streak {
  count: number;
  lastAt: number;
  reason?: string;
}
function readStreak(): Streak {
  try {
    const s = JSON.parse(sessionStorage.getItem(STORE_KEY) ?? 'null') as Streak | null;
    if (s && typeof s.count === 'number' && typeof s.lastAt === 'number') return s;
  } catch {
    // storage unavailable or garbled: a fresh run
  }
  return { count: 0, lastAt: 0 };
}

/** The wait before reloading a panel that has already reloaded `count` times in a row. */
export function reloadWaitMs(count: number): number {
  return count === 0 ? 0 : Math.min(MAX_WAIT_MS, 15_000 * 2 ** (count - 1));
}

/** Starts watching; returns the function that stops it. */
export function startPageWatchdog(options: Partial<PageWatchdogOptions> = {}): () => void {
  const testOverrides = import.meta.env.CIVICTWIN_TEST_HOOKS ? ((window as unknown as { __civictwinWatchdog?: Partial<PageWatchdogOptions> }).__civictwinWatchdog ?? {}) : {};
  const o: PageWatchdogOptions = { ...DEFAULTS, ...options, ...testOverrides };
  const previous = readStreak();
  if (previous.reason) console.warn(`[civictwin] watchdog: page reloaded (${previous.reason}; ${previous.count} in a row)`);
  let lostSince: number | null = null;
  let hiddenAt: number | null = null;
  let reloading = false;

  const reload = (reason: string): void => {
    reloading = true;
    const now = Date.now();
    const streak = readStreak();
    const count = now - streak.lastAt > STREAK_RESET_MS ? 0 : streak.count;
    const wait = reloadWaitMs(count);
    console.warn(`[civictwin] watchdog: ${reason}; reloading the page${wait ? ` in ${Math.round(wait / 1000)} s (${count} reloads in a row)` : ''}`);
    setTimeout(() => {
      try {
        sessionStorage.setItem(STORE_KEY, JSON.stringify({ count: count + 1, lastAt: Date.now(), reason } satisfies Streak));
      } catch {
        // storage unavailable: reload anyway
      }
      o.reload();
    }, wait);
  };

  const check = (): void => {
    if (reloading) return;
    const now = performance.now();
    if (document.visibilityState !== 'visible') {
      hiddenAt ??= now;
      return;
    }
    if (hiddenAt !== null) {
      // Hidden time does not count against the map.
      if (lastFrameAt !== null) lastFrameAt += now - hiddenAt;
      if (lostSince !== null) lostSince += now - hiddenAt;
      hiddenAt = null;
    }
    const lost = useGfxStore.getState().map.lost;
    if (!lost) lostSince = null;
    else lostSince ??= now;
    if (lostSince !== null && now - lostSince > o.lostMs) {
      reload(`the map's WebGL context has been lost for ${Math.round((now - lostSince) / 1000)} s`);
      return;
    }
    if (lastFrameAt === null || lost) return; // no map yet, or one waiting for its context
    const idle = now - lastFrameAt;
    // Frozen only if it was asked for a frame and had a third of the time to draw it (a page whose
    // clock jumped, e.g. after a suspend, is asked first).
    const askedInVain = !heartbeat || (askedAt > lastFrameAt && now - askedAt >= o.frozenMs / 3);
    const limit = heartbeat && !heartbeat.drawn ? Math.max(o.frozenMs, o.firstFrameMs) : o.frozenMs;
    if (idle > limit && askedInVain) {
      reload(heartbeat ? `the map has drawn no frame for ${Math.round(idle / 1000)} s` : `the map could not be built again (${Math.round(idle / 1000)} s without one)`);
      return;
    }
    if (heartbeat && idle > o.frozenMs / 3 && now - askedAt > o.frozenMs / 3) {
      askedAt = now;
      heartbeat.requestFrame();
    }
  };
  const timer = setInterval(check, o.checkMs);
  // A page that has stayed up for a while ends the run of reloads.
  const settle = setTimeout(() => {
    if (!reloading && readStreak().count > 0) sessionStorage.removeItem(STORE_KEY);
  }, STREAK_RESET_MS);
  return () => {
    clearInterval(timer);
    clearTimeout(settle);
  };
}
