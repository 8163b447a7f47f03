/**
 * Colour of each building row for the chosen attribute, and the legend that explains it. Pure
 * functions over the typed columns: one pass per attribute change, no row objects.
 */
import type { BuildingColumns, Incident } from '../../../../electron/common/dto.ts';
import { isOpenStatus } from '../../../../data/model/incidents.ts';
import { BUILDING_USES, type BuildingUse } from '../../../../data/model/domain.ts';
import type { ColourBy } from '../../../state/uiStore.ts';

export type Rgb = [number, number, number];

/** Building use palette: mid-bright tones that stay distinct on the dark base map. */
export const USE_COLOURS: Record<BuildingUse, Rgb> = {
  residential_walkup: [98, 142, 194],
  residential_highrise: [146, 190, 238],
  commercial: [206, 166, 92],
  school: [96, 190, 142],
  hospital: [228, 104, 110],
  public: [160, 132, 220],
  industrial: [132, 138, 150],
  fire_station: [255, 128, 64],
  other: [108, 120, 136],
};

/** Sequential ramp for counts and shares: deep blue → cyan → amber → red. */
export const RAMP: Rgb[] = [
  [28, 58, 94],
  [30, 118, 160],
  [46, 190, 206],
  [242, 196, 84],
  [240, 96, 64],
];
/** Ramp for open incidents, where zero is the normal state and anything above it is a warning. */
export const ALERT_RAMP: Rgb[] = [
  [245, 190, 70],
  [244, 120, 50],
  [230, 50, 60],
];
/** Buildings the attribute does not apply to (e.g. residents of a school). */
export const NO_DATA: Rgb = [58, 66, 80];
/** Zero open incidents. */
export const CALM: Rgb = [70, 92, 118];

export type Legend =
  | { kind: 'categorical'; items: { use: BuildingUse; colour: Rgb }[] }
  | {
      kind: 'ramp';
      ramp: Rgb[];
      min: number;
      max: number;
      /** The attribute's unit for the legend: `%` or a count. */
      unit: 'count' | 'percent';
      /** Colour and meaning of the special class, if any. */
      special: { colour: Rgb; meaning: 'noData' | 'none' } | null;
    };

export function rampColour(ramp: Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, t)) * (ramp.length - 1);
  const i = Math.min(ramp.length - 2, Math.floor(x));
  const f = x - i;
  const a = ramp[i]!;
  const b = ramp[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** The 98th percentile, so one outlier does not wash the whole district into the low end. */
function robustMax(values: ArrayLike<number>, include: (row: number) => boolean): number {
  const picked: number[] = [];
  for (let i = 0; i < values.length; i++) if (include(i)) picked.push(values[i]!);
  if (picked.length === 0) return 1;
  picked.sort((a, b) => a - b);
  return Math.max(1, picked[Math.min(picked.length - 1, Math.floor(picked.length * 0.98))]!);
}

export interface BuildingColouring {
  /** [count × 4] RGBA per building row. */
  rowColours: Uint8Array;
  legend: Legend;
}

export function colourBuildings(cols: BuildingColumns, by: ColourBy): BuildingColouring {
  const n = cols.count;
  const out = new Uint8Array(n * 4);
  const put = (row: number, c: Rgb): void => {
    out[4 * row] = c[0];
    out[4 * row + 1] = c[1];
    out[4 * row + 2] = c[2];
    out[4 * row + 3] = 255;
  };
  if (by === 'use') {
    const present = new Set<number>();
    for (let r = 0; r < n; r++) {
      const code = cols.use[r]!;
      present.add(code);
      put(r, USE_COLOURS[BUILDING_USES[code] ?? 'other']);
    }
    const items = BUILDING_USES.filter((_, code) => present.has(code)).map((use) => ({ use, colour: USE_COLOURS[use] }));
    return { rowColours: out, legend: { kind: 'categorical', items } };
  }
  if (by === 'openIncidents') return colourByCounts(cols.openIncidents);
  const values = by === 'residents' ? cols.residents : by === 'elderlyPct' ? cols.elderlyPct : cols.careHouseholds;
  const inhabited = (r: number): boolean => cols.households[r]! > 0;
  const max = by === 'elderlyPct' ? Math.max(10, robustMax(values, inhabited)) : robustMax(values, inhabited);
  for (let r = 0; r < n; r++) {
    put(r, inhabited(r) ? rampColour(RAMP, values[r]! / max) : NO_DATA);
  }
  return {
    rowColours: out,
    legend: {
      kind: 'ramp',
      ramp: RAMP,
      min: 0,
      max,
      unit: by === 'elderlyPct' ? 'percent' : 'count',
      special: { colour: NO_DATA, meaning: 'noData' },
    },
  };
}

/** Open incidents per building: zero is calm, anything above it a warning. */
function colourByCounts(values: ArrayLike<number>): BuildingColouring {
  const n = values.length;
  const out = new Uint8Array(n * 4);
  const max = robustMax(values, (r) => values[r]! > 0);
  for (let r = 0; r < n; r++) {
    const v = values[r]!;
    const c = v === 0 ? CALM : rampColour(ALERT_RAMP, max <= 1 ? 1 : (v - 1) / (max - 1));
    out.set([c[0], c[1], c[2], 255], 4 * r);
  }
  return {
    rowColours: out,
    legend: { kind: 'ramp', ramp: ALERT_RAMP, min: 1, max, unit: 'count', special: { colour: CALM, meaning: 'none' } },
  };
}

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

let liveCache: { cols: BuildingColumns; key: string; colouring: BuildingColouring } | null = null;
/**
 * The "open incidents" colouring from the live feed. Memoised on the counts themselves, so a
 * delta that changes no building's count keeps the same colouring (and deck.gl uploads nothing).
 */
export function liveIncidentColouring(cols: BuildingColumns, rowOfId: Map<number, number>, incidents: Iterable<Incident>): BuildingColouring {
  const counts = openIncidentCounts(cols, rowOfId, incidents);
  const parts: string[] = [];
  counts.forEach((v, r) => v > 0 && parts.push(`${r}:${v}`));
  const key = parts.join(',');
  if (liveCache && liveCache.cols === cols && liveCache.key === key) return liveCache.colouring;
  liveCache = { cols, key, colouring: colourByCounts(counts) };
  return liveCache.colouring;
}

export const rgbCss = (c: Rgb): string => `rgb(${Math.round(c[0])} ${Math.round(c[1])} ${Math.round(c[2])})`;

const colouringCache = new WeakMap<BuildingColumns, Map<ColourBy, BuildingColouring>>();
/** `colourBuildings`, memoised per columns object, so the legend and the map share one result. */
export function colouringFor(cols: BuildingColumns, by: ColourBy): BuildingColouring {
  let perColumns = colouringCache.get(cols);
  if (!perColumns) colouringCache.set(cols, (perColumns = new Map()));
  let c = perColumns.get(by);
  if (!c) perColumns.set(by, (c = colourBuildings(cols, by)));
  return c;
}

/**
 * The colouring to draw: "open incidents" follows the live feed once it is there (the store's
 * column is only the count at load time); every other attribute is static.
 */
export function colouringNow(
  cols: BuildingColumns,
  rowOfId: Map<number, number>,
  by: ColourBy,
  live: { status: string; incidents: Record<string, Incident> },
): BuildingColouring {
  if (by === 'openIncidents' && live.status === 'ready') return liveIncidentColouring(cols, rowOfId, Object.values(live.incidents));
  return colouringFor(cols, by);
}
