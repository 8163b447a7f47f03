/**
 * "Colour buildings by: points participation" — the heat map by building: each building coloured
 * by the share of its households taking part over the last year (classes; the legend lists each
 * class with how many buildings). Buildings without households, and on a wall those too small to
 * count (the host leaves them out), are grey.
 */
import type { BuildingColumns } from '../../../electron/common/dto.ts';
import { participationClass, PARTICIPATION_CLASSES, type Participation } from '../../../data/model/points/index.ts';
import { NO_DATA, useColouring, type BuildingColouring, type LegendText, type Rgb } from '../../views/map/layers/buildingColours.ts';
import type { ColourByDef } from '../feature.ts';
import { ensureHeat, usePointsStore } from './store.ts';

/** Low participation cool, high warm: deep blue → cyan → green → amber → red-orange. */
export const PARTICIPATION_COLOURS: readonly Rgb[] = [
  [38, 70, 128],
  [36, 140, 190],
  [70, 196, 150],
  [240, 200, 80],
  [244, 112, 60],
];

function classText(i: number, count: number): LegendText {
  const from = Math.round(PARTICIPATION_CLASSES[i]! * 100);
  const next = PARTICIPATION_CLASSES[i + 1];
  if (next === undefined) return { key: 'points.colourBy.clsTop', values: { from, count } };
  return { key: 'points.colourBy.cls', values: { from, to: Math.round(next * 100), count } };
}

/** Colours per building row from the host's per-building figures (ids in any order). */
export function participationColouring(cols: BuildingColumns, heat: Participation): BuildingColouring {
  const byId = new Map<number, number>();
  const b = heat.buildings;
  for (let i = 0; i < b.ids.length; i++) if (b.households[i]! > 0) byId.set(b.ids[i]!, b.participating[i]! / b.households[i]!);
  const out = new Uint8Array(cols.count * 4);
  const counts = new Array<number>(PARTICIPATION_CLASSES.length).fill(0);
  let none = 0;
  for (let r = 0; r < cols.count; r++) {
    const share = byId.get(cols.id[r]!);
    let c: Rgb = NO_DATA;
    if (share === undefined) none++;
    else {
      const k = participationClass(share);
      counts[k]!++;
      c = PARTICIPATION_COLOURS[k]!;
    }
    out[4 * r] = c[0];
    out[4 * r + 1] = c[1];
    out[4 * r + 2] = c[2];
    out[4 * r + 3] = 255;
  }
  const items = PARTICIPATION_COLOURS.flatMap((colour, i) => (counts[i]! > 0 ? [{ colour, text: classText(i, counts[i]!), testId: `legend-participation-${i}` }] : []));
  if (none > 0) items.push({ colour: NO_DATA, text: { key: 'points.colourBy.none', values: { count: none } }, testId: 'legend-participation-none' });
  return { rowColours: out, legend: { kind: 'classes', items, note: { key: 'points.colourBy.note' } } };
}

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
