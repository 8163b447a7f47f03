/**
 * The layout in force: resolved at start from the page's settings and the window, again whenever
 * the window changes size (a window dragged onto the wall, a display added). Sets the CSS side:
 * `--ui-scale` (the panels' zoom), the arrangement and the effective width classes on <html>.
 * The map reads `symbolScale()` for its markers and labels and `useLayoutStore` for its camera.
 */
import { createStore } from '../state/createStore.ts';
import { resolveLayout, type LayoutSettings, type ResolvedLayout } from './choose.ts';
import { START_SETTINGS } from './settings.ts';
import { useTwinStore } from '../state/twinStore.ts';

/** Effective (CSS px ÷ scale) widths below which the overlay's panels take a narrower form (styles). */
const WIDTH_STEPS = [1400, 1700, 2200] as const;
/** Effective heights below which the left column tightens. */
const HEIGHT_STEPS = [820, 960] as const;

function currentWindow(): { width: number; height: number; devicePixelRatio: number } {
  return { width: window.innerWidth, height: window.innerHeight, devicePixelRatio: window.devicePixelRatio || 1 };
}

let settings: LayoutSettings = START_SETTINGS;

export const useLayoutStore = createStore<{ layout: ResolvedLayout }>()(() => ({
  layout: resolveLayout(typeof window === 'undefined' ? { width: 1920, height: 1080, devicePixelRatio: 1 } : currentWindow(), START_SETTINGS),
}));

/** The layout now (outside React). */
export const currentLayout = (): ResolvedLayout => useLayoutStore.getState().layout;

/** Below this effective height the left column folds its facility list (it would not fit open). */
export const SHORT_HEIGHT = 820;

/** Factor for symbols and labels drawn on the map: the panels' scale. */
export const symbolScale = (): number => currentLayout().scale;

function sameLayout(a: ResolvedLayout, b: ResolvedLayout): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function applyToDocument(layout: ResolvedLayout): void {
  const root = document.documentElement;
  root.style.setProperty('--ui-scale', String(layout.scale));
  root.dataset.layout = layout.def.id;
  root.dataset.arrangement = layout.def.arrangement;
  const { width: effective, height: effectiveHeight } = layout.effective;
  // The narrower forms are the console's: a wall's cells have their own sizes.
  const overlay = layout.def.arrangement === 'overlay';
  for (const step of WIDTH_STEPS) root.classList.toggle(`vw-lt-${step}`, overlay && effective < step);
  // The window size the classes were set for (tests wait on it after a resize).
  root.dataset.layoutFor = `${window.innerWidth}x${window.innerHeight}`;
  for (const step of HEIGHT_STEPS) root.classList.toggle(`vh-lt-${step}`, overlay && effectiveHeight < step);
}

/** Re-resolves from the window and the settings; the store changes only when the result does. */
export function updateLayout(next: LayoutSettings = settings): void {
  settings = next;
  const layout = resolveLayout(currentWindow(), settings);
  applyToDocument(layout);
  if (!sameLayout(layout, currentLayout())) useLayoutStore.setState({ layout });
}

let started = false;
/**
 * At start: apply the layout and follow the window's size, and the host's setting once it is
 * known (`serve --layout/--distance`; what the page's address asks for wins over it).
 */
export function startLayout(): void {
  updateLayout();
  if (started) return;
  started = true;
  window.addEventListener('resize', () => updateLayout());
  useTwinStore.subscribe((s, prev) => {
    if (s.host === prev.host) return;
    const fromHost: LayoutSettings = {};
    if (s.host?.display?.layout) fromHost.layout = s.host.display.layout;
    if (s.host?.display?.distanceM !== undefined) fromHost.distanceM = s.host.display.distanceM;
    updateLayout({ ...fromHost, ...START_SETTINGS });
  });
}
