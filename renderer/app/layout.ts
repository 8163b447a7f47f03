/**
 * Screen layout shared by CSS (custom properties set from here at start-up) and the camera (which
 * frames the district in the part of the map the panels leave free). Sized for a 1920×1080 panel.
 */
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

/**
 * Free map area around which the camera frames things. With `docked` (a building is selected),
 * the inspector dock covers the bottom of the map, so the free area is above it.
 */
export function mapPadding(docked = false): { top: number; bottom: number; left: number; right: number } {
  const narrow = window.innerWidth < 1400;
  return {
    top: LAYOUT.top + LAYOUT.gap * 2,
    bottom: docked
      ? LAYOUT.bottom + LAYOUT.timeline + LAYOUT.inspectorHeight + LAYOUT.gap * 4
      : LAYOUT.bottom + LAYOUT.timeline + LAYOUT.gap * 3,
    left: narrow ? LAYOUT.gap * 2 : LAYOUT.left + LAYOUT.gap * 3,
    right: narrow ? LAYOUT.gap * 2 : LAYOUT.right + LAYOUT.gap * 3,
  };
}

export function applyLayoutVariables(): void {
  const s = document.documentElement.style;
  s.setProperty('--top-h', `${LAYOUT.top}px`);
  s.setProperty('--bottom-h', `${LAYOUT.bottom}px`);
  s.setProperty('--left-w', `${LAYOUT.left}px`);
  s.setProperty('--right-w', `${LAYOUT.right}px`);
  s.setProperty('--gap', `${LAYOUT.gap}px`);
  s.setProperty('--inspector-h', `${LAYOUT.inspectorHeight}px`);
  s.setProperty('--timeline-h', `${LAYOUT.timeline}px`);
}
