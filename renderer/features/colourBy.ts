/**
 * "Colour buildings by": the channels the feature modules register (COLOUR_BY_DEFS), the one
 * chosen in the UI store, and the colouring at the player's moment for the map and the legend.
 * The shell keeps no list of channels: a module adds one in its own folder.
 */
import { useSyncExternalStore } from 'react';
import type { BuildingColumns } from '../../electron/common/dto.ts';
import type { BuildingColouring } from '../views/map/layers/buildingColours.ts';
import type { BuildingGeometry } from '../views/map/layers/buildingGeometry.ts';
import { useUiStore } from '../state/uiStore.ts';
import { playerNow } from '../state/liveStore.ts';
import type { ColourByDef } from './feature.ts';
import { COLOUR_BY_DEFS } from './registry.ts';

/** The channel shown when none (or an unknown one) is chosen. */
export const DEFAULT_COLOUR_BY = 'use';

/** The channel of an id; the default one for an id no module registers. */
export function colourByDef(id: string, defs: readonly ColourByDef[] = COLOUR_BY_DEFS): ColourByDef {
  return defs.find((d) => d.id === id) ?? defs.find((d) => d.id === DEFAULT_COLOUR_BY) ?? defs[0]!;
}

/** Chooses a channel; an id no module registers chooses the default. */
export function setColourBy(id: string): void {
  useUiStore.setState({ colourBy: colourByDef(id).id });
}

/** The chosen channel's colouring at the player's moment. */
export function colouringNow(columns: BuildingColumns, geometry: BuildingGeometry, id = useUiStore.getState().colourBy): BuildingColouring {
  return colourByDef(id).colour({ columns, geometry, timeMs: playerNow() });
}

/**
 * Calls `onChange` whenever the chosen channel's colouring may have changed: another channel
 * chosen, or what the chosen one follows (its `subscribe`). Returns the unsubscribe.
 */
export function followColouring(onChange: () => void): () => void {
  let current = colourByDef(useUiStore.getState().colourBy);
  let off = current.subscribe?.(onChange) ?? null;
  const offUi = useUiStore.subscribe((s, prev) => {
    if (s.colourBy === prev.colourBy) return;
    const next = colourByDef(s.colourBy);
    if (next !== current) {
      off?.();
      current = next;
      off = current.subscribe?.(onChange) ?? null;
    }
    onChange();
  });
  return () => {
    offUi();
    off?.();
  };
}

const listeners = new Set<() => void>();
let stopFollowing: (() => void) | null = null;
function subscribeColouring(listener: () => void): () => void {
  listeners.add(listener);
  stopFollowing ??= followColouring(() => {
    for (const l of listeners) l();
  });
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      stopFollowing?.();
      stopFollowing = null;
    }
  };
}

/**
 * For components: the chosen channel's colouring, re-rendered only when it is another object
 * (channels memoise theirs: a live delta that changes no building keeps the legend as it is).
 * Null before the twin is loaded.
 */
export function useColouringNow(columns: BuildingColumns | null, geometry: BuildingGeometry | null): BuildingColouring | null {
  return useSyncExternalStore(subscribeColouring, () => (columns && geometry ? colouringNow(columns, geometry) : null));
}
