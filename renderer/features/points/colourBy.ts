/**
 * "Colour buildings by: points participation" — the heat map by building: each building coloured
 * by the share of its households taking part over the last year (classes; the legend lists each
 * class with how many buildings). Buildings without households, and on a wall those too small to
 * count (the host leaves them out), are grey.
 */
import type { BuildingColumns } from '../../../electron/common/dto.ts';
import type { Participation } from '../../../data/model/points/index.ts';
import { useColouring, type BuildingColouring, type LegendText } from '../../views/map/layers/buildingColours.ts';
import type { ColourByDef } from '../feature.ts';
import { ensureHeat, usePointsStore } from './store.ts';
import { participationColouring } from './heat.ts';

const fallbacks = new WeakMap<BuildingColumns, Map<string, BuildingColouring>>();
function fallback(cols: BuildingColumns, text: LegendText): BuildingColouring {
  let m = fallbacks.get(cols);
  if (!m) fallbacks.set(cols, (m = new Map()));
  const key = JSON.stringify(text);
  let c = m.get(key);
  if (!c) {
    const base = useColouring(cols);
    m.set(key, (c = { rowColours: base.rowColours, legend: { kind: 'message', text, base: base.legend } }));
  }
  return c;
}

let cache: { heat: Participation; cols: BuildingColumns; colouring: BuildingColouring } | null = null;

export const participationColourBy: ColourByDef = {
  id: 'pointsParticipation',
  labelKey: 'points.colourBy.label',
  order: 30,
  subscribe(onChange) {
    ensureHeat();
    return usePointsStore.subscribe((s, prev) => {
      if (s.heat !== prev.heat || s.heatState !== prev.heatState) onChange();
    });
  },
  colour({ columns }) {
    const { heat, heatState, heatError } = usePointsStore.getState();
    if (!heat) {
      if (heatState === 'failed') return fallback(columns, { key: 'points.colourBy.failed', values: { error: heatError ?? '' } });
      // Not from inside a render (the legend asks for the colouring while rendering).
      queueMicrotask(ensureHeat);
      return fallback(columns, { key: 'points.colourBy.loading' });
    }
    if (cache && cache.heat === heat && cache.cols === columns) return cache.colouring;
    const colouring = participationColouring(columns, heat);
    cache = { heat, cols: columns, colouring };
    return colouring;
  },
};
