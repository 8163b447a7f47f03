/**
 * Layouts (issue 12): which panels a screen shows, where, and how large its type is.
 *
 * A layout is made for a display — one console monitor, one large 4K screen, or a video wall of
 * panels with bezels between them — and a viewing distance. Two arrangements:
 *  - `overlay` (console and single screen): the 3D overview fills the window and the panels float
 *    over it (top bar, controls on the left, the boards in tabs on the right, the time bar);
 *  - `cells` (walls): each panel of the wall holds cells with a role; the 3D overview is one of
 *    them. No cell but the overview crosses a seam, and none sits under a bezel.
 *
 * Type and symbols scale with the distance: the smallest text of the base design (sized for a
 * console at arm's length) is enlarged until it subtends the legibility minimum at the layout's
 * distance on its display. Pure: no DOM here (layout/choose.ts measures the window).
 */

import type { LayoutId } from '../../electron/common/layouts.ts';

/** What a cell of a wall shows. */
export type CellRole = 'overview' | 'incidents' | 'typhoon' | 'kpis' | 'resources' | 'camera';

/** A cell, in panel units of its wall: x 0..cols, y 0..rows (a half panel is 0.5). */
export interface LayoutCell {
  role: CellRole;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The display a layout is made for. */
export interface DisplaySpec {
  /** Panels across and down (1×1 for a single screen). */
  cols: number;
  rows: number;
  /** Device pixels of one panel. */
  panelW: number;
  panelH: number;
  /** Size of one device pixel on the glass, mm. */
  pitchMm: number;
  /** Glass lost between two neighbouring panels (both bezels together), mm. */
  bezelMm: number;
}

export type { LayoutId } from '../../electron/common/layouts.ts';

export interface LayoutDef {
  id: LayoutId;
  arrangement: 'overlay' | 'cells';
  display: DisplaySpec;
  /** Where its viewers stand, m (the `distance` setting overrides it). */
  distanceM: number;
  /** Cells of a `cells` layout; empty for `overlay`. */
  cells: readonly LayoutCell[];
}

/**
 * Smallest text size of the base design, CSS px at scale 1 (renderer/styles: captions, badges,
 * time marks). Common text is 15–17 px.
 */
export const SMALLEST_TEXT_PX = 13;

/**
 * Legibility: a glyph must stand at least 1/240 of the viewing distance tall (the sign-makers'
 * "1 inch per 20 feet" minimum, about 14 arcmin; ISO 9241-303 asks 16 arcmin for continuous
 * reading at a desk, which the console base design already meets).
 */
export const GLYPH_HEIGHT_PER_DISTANCE = 1 / 240;
/** A CJK ideograph of Noto Sans SC is about 0.88 em tall (Latin capitals are smaller but wider apart). */
export const GLYPH_PER_EM = 0.88;

/** Scale steps: a twentieth, rounded up so the minimum is always met. */
const STEP = 20;

/**
 * UI scale (CSS zoom) for a viewing distance on a display of this pixel pitch: 1 for the base
 * design, never less; `devicePixelRatio` device pixels make one CSS pixel.
 */
export function scaleForDistance(distanceM: number, pitchMm: number, devicePixelRatio = 1): number {
  const emMm = (distanceM * 1000 * GLYPH_HEIGHT_PER_DISTANCE) / GLYPH_PER_EM;
  const smallestCssPx = emMm / (pitchMm * devicePixelRatio);
  const scale = smallestCssPx / SMALLEST_TEXT_PX;
  return Math.max(1, Math.ceil(scale * STEP - 1e-9) / STEP);
}

const FHD = { panelW: 1920, panelH: 1080 } as const;
const UHD = { panelW: 3840, panelH: 2160 } as const;
/** 55-inch narrow-bezel LCD wall panel: 1.21 m across 1920 px, 3.5 mm of bezel between two. */
const PANEL_55_FHD = { ...FHD, pitchMm: 0.63, bezelMm: 3.5 } as const;
/** 98-inch 4K LCD panel: 2.16 m across 3840 px. */
const PANEL_98_UHD = { ...UHD, pitchMm: 0.5625, bezelMm: 8 } as const;

/**
 * Wall cells. The 3D overview takes whole panels; where its middle would fall on a seam the
 * camera aims at the nearest panel's centre instead (layout/choose.ts mapFocus).
 */
const CELLS_2X1: readonly LayoutCell[] = [
  { role: 'overview', x: 0, y: 0, w: 1, h: 1 },
  { role: 'kpis', x: 1, y: 0, w: 0.5, h: 0.4 },
  { role: 'incidents', x: 1, y: 0.4, w: 0.5, h: 0.6 },
  { role: 'typhoon', x: 1.5, y: 0, w: 0.5, h: 0.6 },
  { role: 'resources', x: 1.5, y: 0.6, w: 0.5, h: 0.4 },
];
/** Two 1080p panels read from 4 m hold two boards beside the overview, not four. */
const CELLS_2X1_FHD: readonly LayoutCell[] = [
  { role: 'overview', x: 0, y: 0, w: 1, h: 1 },
  { role: 'kpis', x: 1, y: 0, w: 0.5, h: 1 },
  { role: 'incidents', x: 1.5, y: 0, w: 0.5, h: 1 },
];
const CELLS_3X3: readonly LayoutCell[] = [
  { role: 'kpis', x: 0, y: 0, w: 1, h: 1 },
  { role: 'incidents', x: 1, y: 0, w: 1, h: 1 },
  { role: 'typhoon', x: 2, y: 0, w: 1, h: 1 },
  { role: 'overview', x: 0, y: 1, w: 3, h: 2 },
];
/** 4K panels have room for the resource board and the camera slot in one panel; 1080p ones do not. */
const CELLS_4X2_UHD: readonly LayoutCell[] = [
  { role: 'kpis', x: 0, y: 0, w: 1, h: 1 },
  { role: 'incidents', x: 0, y: 1, w: 1, h: 1 },
  { role: 'overview', x: 1, y: 0, w: 2, h: 2 },
  { role: 'typhoon', x: 3, y: 0, w: 1, h: 1 },
  { role: 'resources', x: 3, y: 1, w: 1, h: 0.5 },
  { role: 'camera', x: 3, y: 1.5, w: 1, h: 0.5 },
];
const CELLS_4X2_FHD: readonly LayoutCell[] = [
  { role: 'kpis', x: 0, y: 0, w: 1, h: 1 },
  { role: 'incidents', x: 0, y: 1, w: 1, h: 1 },
  { role: 'overview', x: 1, y: 0, w: 2, h: 2 },
  { role: 'typhoon', x: 3, y: 0, w: 1, h: 1 },
  { role: 'resources', x: 3, y: 1, w: 1, h: 1 },
];

export const LAYOUTS: readonly LayoutDef[] = [
  // A desk monitor (24-inch FHD, 27-inch QHD) at 65 cm: the base design.
  { id: 'console', arrangement: 'overlay', display: { cols: 1, rows: 1, ...FHD, pitchMm: 0.2745, bezelMm: 0 }, distanceM: 0.65, cells: [] },
  // One 4K screen about 2.9 m across (a fine-pitch LED wall, P0.75) read from 3–5 m.
  { id: 'screen-4k', arrangement: 'overlay', display: { cols: 1, rows: 1, ...UHD, pitchMm: 0.75, bezelMm: 0 }, distanceM: 4, cells: [] },
  { id: 'wall-2x1-4k', arrangement: 'cells', display: { cols: 2, rows: 1, ...PANEL_98_UHD }, distanceM: 4, cells: CELLS_2X1 },
  { id: 'wall-2x1-1080', arrangement: 'cells', display: { cols: 2, rows: 1, ...PANEL_55_FHD }, distanceM: 4, cells: CELLS_2X1_FHD },
  { id: 'wall-3x3-1080', arrangement: 'cells', display: { cols: 3, rows: 3, ...PANEL_55_FHD }, distanceM: 5, cells: CELLS_3X3 },
  { id: 'wall-3x3-4k', arrangement: 'cells', display: { cols: 3, rows: 3, ...PANEL_98_UHD }, distanceM: 6, cells: CELLS_3X3 },
  { id: 'wall-4x2-1080', arrangement: 'cells', display: { cols: 4, rows: 2, ...PANEL_55_FHD }, distanceM: 5, cells: CELLS_4X2_FHD },
  { id: 'wall-4x2-4k', arrangement: 'cells', display: { cols: 4, rows: 2, ...PANEL_98_UHD }, distanceM: 6, cells: CELLS_4X2_UHD },
];

/** Every layout's id (the CLI's own list, electron/common/layouts.ts, is checked against it in tests/unit/layoutChooser.test.ts). */
export const LAYOUT_IDS: readonly LayoutId[] = LAYOUTS.map((l) => l.id);

/** Viewing distances a setting may ask for, m (as `serve --distance` checks them). */
export const DISTANCE_RANGE_M = { min: 0.3, max: 30 } as const;

export function layoutById(id: string): LayoutDef | undefined {
  return LAYOUTS.find((l) => l.id === id);
}
