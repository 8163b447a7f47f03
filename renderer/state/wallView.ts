/**
 * Whether this screen is a wall view (issue 10, "the wall shows no one"): a wall's session, or any
 * session on a wall host. The host sends a wall aggregates only (no dwelling, no household, meter
 * alerts as counts per building); the renderer hides what it does not get rather than show empty
 * household panels, and says so in the badge.
 */
import { useSessionStore } from './sessionStore.ts';
import { useTwinStore } from './twinStore.ts';

export function seesNoOneHere(): boolean {
  return useTwinStore.getState().host?.personalData === 'none' || useSessionStore.getState().session?.role === 'wall';
}

/** For components: true on a wall view. */
export function useSeesNoOne(): boolean {
  const noPersonalData = useTwinStore((s) => s.host?.personalData === 'none');
  const wall = useSessionStore((s) => s.session?.role === 'wall');
  return noPersonalData || wall;
}
