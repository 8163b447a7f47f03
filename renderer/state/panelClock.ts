/**
 * One clock for every panel: the top bar's time, the SLA countdowns of the queue, the layers'
 * "last seen N s ago", the time bar. All of them change on the same tick, on the second, so the
 * browser re-renders, re-rasterises and recomposites the panels once a second rather than once
 * per panel at its own phase.
 *
 * Why it matters: without a GPU every panel repaint is rasterised and composited by the CPU, in
 * the same GPU-process thread that draws the map's live frames. Six panels ticking at six phases
 * made six such stalls a second, and an incident arriving during one waited for it (measured
 * with llvmpipe at 1080p: hiding any one panel group cut the page's event-to-pixel p99 by a
 * quarter). The feed's changes to panels can ride on the same tick (see liveStore's panel pacing).
 */
import { useSyncExternalStore } from 'react';

type Listener = () => void;

const listeners = new Set<Listener>();
/** Run first in each tick, in the same task, so their store changes render with the tick. */
const beforeTick = new Set<Listener>();
let timer: ReturnType<typeof setTimeout> | null = null;
/** Date.now() of the last tick. */
let tickMs = Date.now();

/** A few ms past the next whole second, so the clock shows the new second when it renders. */
function schedule(): void {
  if (timer || (listeners.size === 0 && beforeTick.size === 0)) return;
  timer = setTimeout(tick, 1000 - (Date.now() % 1000) + 4);
}

function tick(): void {
  timer = null;
  tickMs = Date.now();
  for (const fn of [...beforeTick]) fn();
  for (const fn of [...listeners]) fn();
  schedule();
}

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  schedule();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && beforeTick.size === 0 && timer) {
      clearTimeout(timer);
      timer = null;
    }
  };
}

/** Runs `fn` at the start of every tick (before the panels re-render); returns the unsubscribe. */
export function onPanelTick(fn: Listener): () => void {
  beforeTick.add(fn);
  schedule();
  return () => void beforeTick.delete(fn);
}

/**
 * Re-renders the calling panel on the clock's ticks, every `everyS` seconds of them (on the same
 * seconds for every panel that asks for the same step); returns the tick's Date.now().
 */
export function usePanelTick(everyS = 1): number {
  const step = Math.max(1, Math.round(everyS)) * 1000;
  return useSyncExternalStore(subscribe, () => tickMs - (tickMs % step));
}
