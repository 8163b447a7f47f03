/**
 * The shared palette and helpers of "colour buildings by": ramps, the no-data colour, the legend's
 * shape, and pure colourings over typed columns (one pass, no row objects). Each channel itself
 * (use, residents, open incidents, wind, water…) lives in its feature module's folder and is
 * listed through renderer/features/registry.ts (COLOUR_BY_DEFS).
 */
import { BUILDING_USES, type BuildingUse } from '../../../../data/model/domain.ts';

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

/** A legend row's text: an i18n key and its values. */
export interface LegendText {
  key: string;
  values?: Record<string, string | number>;
}

export type Legend =
  | { kind: 'categorical'; items: { use: BuildingUse; colour: Rgb }[] }
  | {
      kind: 'ramp';
      ramp: Rgb[];
      min: number;
      max: number;
      /** The attribute's unit for the legend: `%` or a count; or an i18n key formatting `{{value}}` (e.g. metres). */
      unit: 'count' | 'percent' | { key: string };
      /** Colour and meaning of the special class, if any. */
      special: { colour: Rgb; meaning: 'noData' | 'none' | LegendText } | null;
    }
  /** Classes with a colour each (wind forces), with what each means. */
  | { kind: 'classes'; items: { colour: Rgb; text: LegendText; testId?: string }[]; note?: LegendText }
  /** Why the channel has nothing to colour (no storm chosen, no terrain model); `base` explains the colours shown instead. */
  | { kind: 'message'; text: LegendText; base: Legend | null };

export function rampColour(ramp: Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, t)) * (ramp.length - 1);
  const i = Math.min(ramp.length - 2, Math.floor(x));
  const f = x - i;
  const a = ramp[i]!;
  const b = ramp[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** The 98th percentile, so one outlier does not wash the whole district into the low end. */
export function robustMax(values: ArrayLike<number>, include: (row: number) => boolean): number {
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

/** Building use: the categorical palette (the default channel, and what a channel without data falls back to). */
export function useColouring(cols: { count: number; use: Uint8Array }): BuildingColouring {
  const n = cols.count;
  const out = new Uint8Array(n * 4);
  const present = new Set<number>();
  for (let r = 0; r < n; r++) {
    const code = cols.use[r]!;
    present.add(code);
    const c = USE_COLOURS[BUILDING_USES[code] ?? 'other'];
    out[4 * r] = c[0];
    out[4 * r + 1] = c[1];
    out[4 * r + 2] = c[2];
    out[4 * r + 3] = 255;
  }
  const items = BUILDING_USES.filter((_, code) => present.has(code)).map((use) => ({ use, colour: USE_COLOURS[use] }));
  return { rowColours: out, legend: { kind: 'categorical', items } };
}

/**
 * A value per row on a ramp from 0 to `max`; rows that `applies` rejects get `special`'s colour.
 * `max` defaults to the 98th percentile of the rows that apply.
 */
export function rampColouring(
  values: ArrayLike<number>,
  applies: (row: number) => boolean,
  options: { ramp?: Rgb[]; max?: number; unit: Extract<Legend, { kind: 'ramp' }>['unit']; special: { colour: Rgb; meaning: 'noData' | 'none' | LegendText } },
): BuildingColouring {
  const ramp = options.ramp ?? RAMP;
  const n = values.length;
  const out = new Uint8Array(n * 4);
  const max = options.max ?? robustMax(values, applies);
  for (let r = 0; r < n; r++) {
    const c = applies(r) ? rampColour(ramp, values[r]! / max) : options.special.colour;
    out[4 * r] = c[0];
    out[4 * r + 1] = c[1];
    out[4 * r + 2] = c[2];
    out[4 * r + 3] = 255;
  }
  return { rowColours: out, legend: { kind: 'ramp', ramp, min: 0, max, unit: options.unit, special: options.special } };
}

/** Counts per building where zero is calm and anything above it a warning (open incidents). */
export function countColouring(values: ArrayLike<number>): BuildingColouring {
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

export const rgbCss = (c: Rgb): string => `rgb(${Math.round(c[0])} ${Math.round(c[1])} ${Math.round(c[2])})`;
