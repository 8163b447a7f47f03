/**
 * "Colour buildings by: open incidents". Follows the live feed once it is there (the twin's
 * column is only the count at load time).
 */
import type { BuildingColumns, Incident } from '../../../electron/common/dto.ts';
import { isOpenStatus } from '../../../data/model/incidents.ts';
import { useLiveStore } from '../../state/liveStore.ts';
import { countColouring, type BuildingColouring } from '../../views/map/layers/buildingColours.ts';
import type { ColourByDef } from '../feature.ts';

/** Open incidents per building row, counted from the live incidents that name a building. */
export function openIncidentCounts(cols: BuildingColumns, rowOfId: Map<number, number>, incidents: Iterable<Incident>): Uint16Array {
  const counts = new Uint16Array(cols.count);
  for (const inc of incidents) {
    if (inc.buildingId === null || !isOpenStatus(inc.status)) continue;
    const row = rowOfId.get(inc.buildingId);
    if (row !== undefined) counts[row]!++;
  }
  return counts;
}

let cache: { cols: BuildingColumns; key: string; colouring: BuildingColouring } | null = null;
/**
 * Memoised on the counts themselves: a delta that changes no building's count keeps the same
 * colouring (and deck.gl uploads nothing).
 */
function memoCounts(cols: BuildingColumns, counts: ArrayLike<number>): BuildingColouring {
  const parts: string[] = [];
  for (let r = 0; r < counts.length; r++) if (counts[r]! > 0) parts.push(`${r}:${counts[r]}`);
  const key = parts.join(',');
  if (cache && cache.cols === cols && cache.key === key) return cache.colouring;
  cache = { cols, key, colouring: countColouring(counts) };
  return cache.colouring;
}

export const openIncidentsColourBy: ColourByDef = {
  id: 'openIncidents',
  labelKey: 'colourBy.openIncidents',
  order: 10,
  subscribe(onChange) {
    return useLiveStore.subscribe((s, prev) => {
      if (s.incidents !== prev.incidents || s.status !== prev.status) onChange();
    });
  },
  colour({ columns, geometry }) {
    const live = useLiveStore.getState();
    if (live.status !== 'ready') return memoCounts(columns, columns.openIncidents);
    return memoCounts(columns, openIncidentCounts(columns, geometry.rowOfId, Object.values(live.incidents)));
  },
};
