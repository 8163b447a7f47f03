/**
 * Screen layout shared by CSS (custom properties set from here at start-up) and the camera (which
 * frames the district in the part of the map the panels leave free). The sizes are the console's
 * base design, for a 1920×1080 panel at arm's length; the layout in force (renderer/layout/)
 * scales them by its `scale` (the panels' CSS zoom) or, on a wall, places the overview in a cell.
 */
import { currentLayout, startLayout, useLayoutStore } from '../layout/store.ts';
import { layoutStrings } from '../layout/strings.ts';
import { i18n } from '../i18n/index.ts';

export const LAYOUT = {
  top: 76,
  bottom: 40,
  left: 372,
  right: 540,
  gap: 16,
  inspectorHeight: 440,
  /** The time bar under the map, between the two columns. */
  timeline: 84,
} as const;

/** Effective width (CSS px ÷ scale) below which the columns narrow (styles: `.vw-lt-1700`). */
const MEDIUM_WIDTH = 1700;
/** Column widths there: the time bar between them keeps room for its slider. */
const MEDIUM = { left: 320, right: 440 } as const;

/** The side columns' widths at an effective window width. */
export function columnWidths(effectiveWidth: number): { left: number; right: number } {
  return effectiveWidth < MEDIUM_WIDTH ? MEDIUM : { left: LAYOUT.left, right: LAYOUT.right };
}

/**
 * Free map area around which the camera frames things. With `docked` (a building is selected),
 * the inspector dock covers the bottom of the map, so the free area is above it. On a wall, the
 * area is placed so that its middle is the layout's focus (off the bezel seams).
 */
export function mapPadding(docked = false): { top: number; bottom: number; left: number; right: number } {
  const layout = currentLayout();
  const s = layout.scale;
  const overview = layout.cells.find((c) => c.role === 'overview')?.rect;
  if (layout.def.arrangement === 'cells' && overview && layout.mapFocus) {
    const { x, y } = layout.mapFocus;
    const margin = LAYOUT.gap * 2 * s;
    return {
      left: Math.max(0, 2 * x - overview.w) + margin,
      right: Math.max(0, overview.w - 2 * x) + margin,
      top: Math.max(0, 2 * y - overview.h) + margin,
      bottom: Math.max(0, overview.h - 2 * y) + margin,
    };
  }
  const effective = layout.effective.width;
  const narrow = effective < 1400;
  const columns = columnWidths(effective);
  const { top, bottom, gap } = chromeSizes(layout.effective.height);
  const p = {
    top: top + gap * 2,
    bottom: docked ? bottom + LAYOUT.timeline + LAYOUT.inspectorHeight + gap * 4 : bottom + LAYOUT.timeline + gap * 3,
    left: narrow ? gap * 2 : columns.left + gap * 3,
    right: narrow ? gap * 2 : columns.right + gap * 3,
  };
  return { top: p.top * s, bottom: p.bottom * s, left: p.left * s, right: p.right * s };
}

/** Effective height below which the bars and gaps tighten (a 768-px console). */
const SHORT = 820;

/** The bars' heights and the gap at an effective window height: tighter on a short window. */
export function chromeSizes(effectiveHeight: number): { top: number; bottom: number; gap: number } {
  return effectiveHeight < SHORT ? { top: 66, bottom: 34, gap: 10 } : { top: LAYOUT.top, bottom: LAYOUT.bottom, gap: LAYOUT.gap };
}

function applyChromeSizes(): void {
  const s = document.documentElement.style;
  const c = chromeSizes(currentLayout().effective.height);
  s.setProperty('--top-h', `${c.top}px`);
  s.setProperty('--bottom-h', `${c.bottom}px`);
  s.setProperty('--gap', `${c.gap}px`);
}

export function applyLayoutVariables(): void {
  const s = document.documentElement.style;
  s.setProperty('--left-w', `${LAYOUT.left}px`);
  s.setProperty('--right-w', `${LAYOUT.right}px`);
  s.setProperty('--left-w-medium', `${MEDIUM.left}px`);
  s.setProperty('--right-w-medium', `${MEDIUM.right}px`);
  s.setProperty('--inspector-h', `${LAYOUT.inspectorHeight}px`);
  s.setProperty('--timeline-h', `${LAYOUT.timeline}px`);
  // The wall boards' strings, before the start-up reads the UI's characters for the font.
  i18n.addResourceBundle('zh-CN', 'translation', { layout: layoutStrings['zh-CN'] }, true, true);
  i18n.addResourceBundle('en', 'translation', { layout: layoutStrings.en }, true, true);
  // The layout in force: scale, arrangement, width classes; followed on every resize.
  startLayout();
  applyChromeSizes();
  useLayoutStore.subscribe(applyChromeSizes);
}
