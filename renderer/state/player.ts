/**
 * The player's reach into the future. The timeline plays one clock for every layer: live, a
 * replay of the past, and — when a feature module has something to show there (a typhoon's
 * forecast track up to +72 h) — the forecast future, shaded on the scrubber. Modules say how far
 * ahead they can show; the scrubber reaches the furthest.
 */
import { createStore } from './createStore.ts';

interface PlayerState {
  /** Per feature module: the last moment it can show (epoch ms), or null. */
  horizons: Record<string, number | null>;
}

export const usePlayerStore = createStore<PlayerState>()(() => ({ horizons: {} }));

/** A feature module's forecast reach; null when it has none (no storm loaded). */
export function setFutureHorizon(feature: string, untilMs: number | null): void {
  usePlayerStore.setState((s) => ({ horizons: { ...s.horizons, [feature]: untilMs } }));
}

/** How far past `nowMs` the timeline reaches, or null when nothing shows a future. */
export function futureUntil(nowMs: number, horizons = usePlayerStore.getState().horizons): number | null {
  let until: number | null = null;
  for (const h of Object.values(horizons)) if (h !== null && h > nowMs && (until === null || h > until)) until = h;
  return until;
}
