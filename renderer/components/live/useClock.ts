/**
 * Clocks for panels: a re-render every `everyMs`, returning the time the view shows (the host's
 * now in live mode, the replayed moment in replay). One interval per mounted panel, not per row.
 */
import { useEffect, useState } from 'react';
import { feedNow, useLiveStore } from '../../state/liveStore.ts';
import { ensureFont } from '../../gfx/fonts.ts';
import { INCIDENT_GLYPH_TEXT } from '../../views/map/layers/liveIcons.ts';

export function useFeedNow(everyMs = 1000): number {
  const [now, setNow] = useState(feedNow);
  useEffect(() => {
    const id = setInterval(() => setNow(feedNow()), everyMs);
    // A seek or a mode change moves the clock at once, not at the next tick.
    const unsubscribe = useLiveStore.subscribe((s, prev) => {
      if (s.mode !== prev.mode || s.replay !== prev.replay) setNow(feedNow());
    });
    return () => {
      clearInterval(id);
      unsubscribe();
    };
  }, [everyMs]);
  return now;
}

let fontReady = false;
const fontLoad = (): Promise<void> => ensureFont(INCIDENT_GLYPH_TEXT).then(() => void (fontReady = true));
/** True once the glyphs of the live icons are loaded (icons drawn earlier would bake a fallback font). */
export function useLiveIconsReady(): boolean {
  const [ready, setReady] = useState(fontReady);
  useEffect(() => {
    if (ready) return undefined;
    let live = true;
    void fontLoad().then(() => live && setReady(true));
    return () => {
      live = false;
    };
  }, [ready]);
  return ready;
}
