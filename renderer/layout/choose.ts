/**
 * Picks the layout for a window and places its cells. An explicit setting wins (`layout=`,
 * `distance=`, `bezel=` in the page's query or fragment, layout/settings.ts); otherwise the
 * window's size decides: a window the size of a listed wall (its panels, with or without the
 * bezels' hidden pixels between them) is that wall, a window of 3200×1800 device px or more is a
 * single large screen read from across the room, anything smaller a console. Pure: the window's
 * size and pixel ratio come in as arguments.
 */
import { LAYOUTS, layoutById, scaleForDistance, type CellRole, type DisplaySpec, type LayoutDef } from './model.ts';

export interface LayoutSettings {
  layout?: string;
  /** Viewing distance, m. */
  distanceM?: number;
  /** Bezel between two panels, mm (a wall's own value otherwise). */
  bezelMm?: number;
}

export interface WindowSize {
  /** CSS px. */
  width: number;
  height: number;
  devicePixelRatio: number;
}

/** A rectangle in CSS px of the window. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PlacedCell {
  role: CellRole;
  rect: Rect;
}

export interface ResolvedLayout {
  def: LayoutDef;
  /** How the layout was chosen: a setting, or the window's size. */
  chosenBy: 'setting' | 'window';
  distanceM: number;
  /** CSS zoom of the panels and factor of the map's symbols and labels; ≥ 1. */
  scale: number;
  /** The window in the panels' own px (CSS px ÷ scale): what their narrower forms go by. */
  effective: { width: number; height: number };
  /** The panels of the wall, CSS px (one for a single screen). */
  panels: Rect[];
  /** Hidden pixels under each seam, CSS px: the wall controller's bezel compensation (0 when it has none). */
  hiddenPx: number;
  /** Cells of a `cells` layout, CSS px. */
  cells: PlacedCell[];
  /**
   * Where the camera aims inside the overview, CSS px from the overview's top left: its middle,
   * or the middle of the nearest panel when its middle falls on a seam.
   */
  mapFocus: { x: number; y: number } | null;
}

/** Hidden pixels per seam a window of `total` px implies for `n` panels of `panel` px, or null if it does not fit. */
function seamPixels(total: number, n: number, panel: number): number | null {
  const extra = total - n * panel;
  if (n === 1) return Math.abs(extra) <= 2 ? 0 : null;
  const perSeam = extra / (n - 1);
  // Bezel compensation hides at most a few percent of a panel under each seam.
  return perSeam >= -1 && perSeam <= panel * 0.05 ? Math.max(0, Math.round(perSeam)) : null;
}

/** The wall whose panels make up this window (device px), with the hidden pixels per seam. */
function wallForWindow(deviceW: number, deviceH: number): { def: LayoutDef; hidden: number } | null {
  for (const def of LAYOUTS) {
    if (def.arrangement !== 'cells') continue;
    const { cols, rows, panelW, panelH } = def.display;
    const hx = seamPixels(deviceW, cols, panelW);
    const hy = seamPixels(deviceH, rows, panelH);
    if (hx === null || hy === null) continue;
    if (cols > 1 && rows > 1 && Math.abs(hx - hy) > 2) continue;
    return { def, hidden: cols > 1 ? hx : hy };
  }
  return null;
}

/** The console's monitor: finer pixels above full HD (a 27-inch QHD rather than a 24-inch FHD). */
function consoleDisplay(def: LayoutDef, deviceW: number): DisplaySpec {
  return deviceW > 2200 ? { ...def.display, pitchMm: 0.2331 } : def.display;
}

function byWindow(win: WindowSize): { def: LayoutDef; hidden: number } {
  const deviceW = Math.round(win.width * win.devicePixelRatio);
  const deviceH = Math.round(win.height * win.devicePixelRatio);
  const wall = wallForWindow(deviceW, deviceH);
  if (wall) return wall;
  const screen = deviceW >= 3200 && deviceH >= 1800;
  return { def: layoutById(screen ? 'screen-4k' : 'console')!, hidden: 0 };
}

/** Splits `total` px into `n` panels with `hidden` px between them; returns each panel's start. */
function panelStarts(total: number, n: number, hidden: number): { starts: number[]; size: number } {
  const size = (total - hidden * (n - 1)) / n;
  return { starts: Array.from({ length: n }, (_, i) => i * (size + hidden)), size };
}

/** Position of wall coordinate `u` (panel units) in px; an edge on a seam stays on the panel's side. */
function toPx(u: number, starts: number[], size: number, end: boolean): number {
  const i = Math.floor(u);
  const frac = u - i;
  if (end && frac === 0 && i > 0) return starts[i - 1]! + size;
  const panel = Math.min(i, starts.length - 1);
  return starts[panel]! + (u - panel) * size;
}

export function resolveLayout(win: WindowSize, settings: LayoutSettings = {}): ResolvedLayout {
  const asked = settings.layout ? layoutById(settings.layout) : undefined;
  const picked = asked ? { def: asked, hidden: -1 } : byWindow(win);
  const def = picked.def;
  const deviceW = win.width * win.devicePixelRatio;
  const display = def.id === 'console' ? consoleDisplay(def, deviceW) : def.display;
  const { cols, rows } = display;
  // An asked-for wall on a window of another size: its hidden pixels from the window, if it fits.
  let hiddenDevice = picked.hidden;
  // A bezel given in mm: the controller hides that much glass as pixels under each seam.
  if (settings.bezelMm !== undefined && def.arrangement === 'cells') hiddenDevice = Math.round(settings.bezelMm / display.pitchMm);
  else if (hiddenDevice < 0) hiddenDevice = cols > 1 ? (seamPixels(deviceW, cols, display.panelW) ?? 0) : rows > 1 ? (seamPixels(win.height * win.devicePixelRatio, rows, display.panelH) ?? 0) : 0;
  const hiddenPx = hiddenDevice / win.devicePixelRatio;
  const distanceM = settings.distanceM ?? def.distanceM;
  // Pixels of a window that is not the display's own size still have the display's pitch:
  // a 4K wall laid out in a smaller window (a preview) is that wall scaled down.
  const fit = Math.min(deviceW / (display.panelW * cols), (win.height * win.devicePixelRatio) / (display.panelH * rows));
  const pitchMm = def.arrangement === 'cells' && fit > 0 ? display.pitchMm / fit : display.pitchMm;
  const legible = scaleForDistance(distanceM, pitchMm, win.devicePixelRatio);
  // The overlay's panels need a 1280×720 CSS-px window: a window too small for the distance asked
  // shows the console at the largest scale it holds rather than panels cut off.
  const scale = def.arrangement === 'overlay' ? Math.max(1, Math.min(legible, Math.floor(Math.min(win.width / 1280, win.height / 720) * 20) / 20)) : legible;

  const xs = panelStarts(win.width, cols, hiddenPx);
  const ys = panelStarts(win.height, rows, hiddenPx);
  const panels: Rect[] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) panels.push({ x: xs.starts[c]!, y: ys.starts[r]!, w: xs.size, h: ys.size });
  const cells: PlacedCell[] = def.cells.map((cell) => {
    const x0 = toPx(cell.x, xs.starts, xs.size, false);
    const y0 = toPx(cell.y, ys.starts, ys.size, false);
    const x1 = toPx(cell.x + cell.w, xs.starts, xs.size, true);
    const y1 = toPx(cell.y + cell.h, ys.starts, ys.size, true);
    return { role: cell.role, rect: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } };
  });
  const overview = cells.find((c) => c.role === 'overview')?.rect ?? { x: 0, y: 0, w: win.width, h: win.height };
  return {
    def,
    chosenBy: asked ? 'setting' : 'window',
    distanceM,
    scale,
    effective: { width: Math.round(win.width / scale), height: Math.round(win.height / scale) },
    panels,
    hiddenPx,
    cells,
    mapFocus: def.arrangement === 'cells' ? focusOffSeams(overview, panels) : null,
  };
}

/** Distance (px) from a seam within which a point counts as on it: a bezel and a label's half width. */
const ON_SEAM_PX = 48;
/** How far off a seam the camera aims, in panels: the district's middle clear of the bezel, little of the view lost. */
const OFF_SEAM_PANELS = 0.25;

/**
 * The overview's middle, moved a quarter panel off any seam it falls on (a district's centre drawn
 * across a bezel is cut in two): towards the lower panel (nearer eye level on a tall wall) and the
 * right one. Relative to the overview's top left.
 */
export function focusOffSeams(overview: Rect, panels: Rect[]): { x: number; y: number } {
  const axis = (mid: number, lo: number, hi: number, edges: number[], panelSize: number): number => {
    const seam = edges.find((e) => e > lo + 1 && e < hi - 1 && Math.abs(mid - e) < ON_SEAM_PX);
    return seam === undefined ? mid : seam + OFF_SEAM_PANELS * panelSize;
  };
  const p = panels[0];
  if (!p) return { x: overview.w / 2, y: overview.h / 2 };
  const xEdges = panels.flatMap((q) => [q.x, q.x + q.w]);
  const yEdges = panels.flatMap((q) => [q.y, q.y + q.h]);
  const x = axis(overview.x + overview.w / 2, overview.x, overview.x + overview.w, xEdges, p.w);
  const y = axis(overview.y + overview.h / 2, overview.y, overview.y + overview.h, yEdges, p.h);
  return { x: x - overview.x, y: y - overview.y };
}
