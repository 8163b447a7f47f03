/**
 * The buildings' own attributes as "colour buildings by" channels: use, residents, the elderly
 * share and care households. Static: computed once per loaded twin and kept.
 */
import type { BuildingColumns } from '../../../electron/common/dto.ts';
import { NO_DATA, rampColouring, useColouring, type BuildingColouring } from '../../views/map/layers/buildingColours.ts';
import type { ColourByDef } from '../feature.ts';

type Attribute = 'residents' | 'elderlyPct' | 'careHouseholds';

function attributeColouring(cols: BuildingColumns, by: Attribute): BuildingColouring {
  const inhabited = (r: number): boolean => cols.households[r]! > 0;
  const special = { colour: NO_DATA, meaning: 'noData' as const };
  if (by === 'elderlyPct') {
    const probe = rampColouring(cols.elderlyPct, inhabited, { unit: 'percent', special });
    const max = (probe.legend as { max: number }).max;
    // A share's ramp reaches at least 10 %: a young district is not painted as an old one.
    return max >= 10 ? probe : rampColouring(cols.elderlyPct, inhabited, { unit: 'percent', special, max: 10 });
  }
  return rampColouring(by === 'residents' ? cols.residents : cols.careHouseholds, inhabited, { unit: 'count', special });
}

const cache = new WeakMap<BuildingColumns, Map<string, BuildingColouring>>();
/** One colouring per loaded twin and channel, shared by the map and the legend. */
function memo(cols: BuildingColumns, id: string, make: () => BuildingColouring): BuildingColouring {
  let perColumns = cache.get(cols);
  if (!perColumns) cache.set(cols, (perColumns = new Map()));
  let c = perColumns.get(id);
  if (!c) perColumns.set(id, (c = make()));
  return c;
}

const attribute = (id: Attribute, order: number): ColourByDef => ({
  id,
  labelKey: `colourBy.${id}`,
  order,
  colour: ({ columns }) => memo(columns, id, () => attributeColouring(columns, id)),
});

export const buildingColourBy: readonly ColourByDef[] = [
  { id: 'use', labelKey: 'colourBy.use', order: 0, colour: ({ columns }) => memo(columns, 'use', () => useColouring(columns)) },
  attribute('residents', 1),
  attribute('elderlyPct', 2),
  attribute('careHouseholds', 3),
];
