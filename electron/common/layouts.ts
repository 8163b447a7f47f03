/**
 * The screen layouts a host can be started with (`civictwin serve --layout`): the ids the
 * renderer's layouts are keyed by (renderer/layout/model.ts), so the CLI can refuse an unknown one.
 */
export const LAYOUT_IDS = [
  'console',
  'screen-4k',
  'wall-2x1-4k',
  'wall-2x1-1080',
  'wall-3x3-1080',
  'wall-3x3-4k',
  'wall-4x2-1080',
  'wall-4x2-4k',
] as const;
export type LayoutId = (typeof LAYOUT_IDS)[number];

/** Viewing distances a layout setting may ask for, m. */
export const DISTANCE_RANGE_M = { min: 0.3, max: 30 } as const;
