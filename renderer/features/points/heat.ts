/**
 * The heat map's colouring by building (pure): each building row coloured by the class of the share
 * of its households taking part; the legend lists the classes that occur with their building counts.
 */
import type { BuildingColumns } from '../../../electron/common/dto.ts';
import { participationClass, PARTICIPATION_CLASSES, type Participation } from '../../../data/model/points/index.ts';
import { NO_DATA, type BuildingColouring, type LegendText, type Rgb } from '../../views/map/layers/buildingColours.ts';

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
