/**
 * Clocks for panels: a re-render on the shared panel clock's ticks (state/panelClock.ts), every
 * `everyMs` rounded to whole seconds, returning the time the view shows (the host's now in live
 * mode, the replayed moment in replay). One subscription per mounted panel, not per row.
 */
import { useEffect, useReducer, useState } from 'react';
import { feedNow, useLiveStore } from '../../state/liveStore.ts';
import { usePanelTick } from '../../state/panelClock.ts';
import { ensureFont } from '../../gfx/fonts.ts';
import { INCIDENT_GLYPH_TEXT } from '../../views/map/layers/liveIcons.ts';

export function useFeedNow(everyMs = 1000): number {
  usePanelTick(everyMs / 1000);
  useRenderOnSeek();
  // Read at render, so a panel re-rendered for its data shows the current second too.
  return feedNow();
}

/** A seek or a mode change moves the panels' clocks at once, not at the next tick. */
function useRenderOnSeek(): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(
    () =>
      useLiveStore.subscribe((s, prev) => {
        if (s.mode !== prev.mode || s.replay !== prev.replay) bump();
      }),
    [],
  );
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
