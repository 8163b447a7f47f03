/**
 * The layout a link asks for: `layout=<id>`, `distance=<m>`, `bezel=<mm>` in the query
 * (`/?layout=wall-2x1-4k&distance=5`) or the fragment (`#wall=<token>&layout=wall-3x3-1080`).
 * Read once at start: the sign-in clears the fragment right after (it may carry a credential).
 * A value that is not understood is ignored with a console warning naming it and what is allowed;
 * the window's size then decides.
 */
import type { LayoutSettings } from './choose.ts';
import { DISTANCE_RANGE_M, LAYOUT_IDS } from './model.ts';

function number(raw: string | null, name: string, min: number, max: number): number | undefined {
  if (raw === null || raw === '') return undefined;
  const v = Number(raw);
  if (Number.isFinite(v) && v >= min && v <= max) return v;
  console.warn(`[civictwin] layout setting ${name}=${raw} ignored: give a number from ${min} to ${max}.`);
  return undefined;
}

export function parseLayoutSettings(search: string, hash: string): LayoutSettings {
  const query = new URLSearchParams(search.replace(/^\?/, ''));
  const fragment = new URLSearchParams(hash.replace(/^#/, ''));
  const get = (key: string): string | null => fragment.get(key) ?? query.get(key);
  const settings: LayoutSettings = {};
  const layout = get('layout');
  if (layout !== null) {
    if ((LAYOUT_IDS as readonly string[]).includes(layout)) settings.layout = layout;
    else console.warn(`[civictwin] layout=${layout.slice(0, 40)} ignored: use one of ${LAYOUT_IDS.join(', ')}.`);
  }
  const distanceM = number(get('distance'), 'distance', DISTANCE_RANGE_M.min, DISTANCE_RANGE_M.max);
  if (distanceM !== undefined) settings.distanceM = distanceM;
  const bezelMm = number(get('bezel'), 'bezel', 0, 100);
  if (bezelMm !== undefined) settings.bezelMm = bezelMm;
  return settings;
}

/** What this page's address asked for, read as the module loads (before the sign-in clears the fragment). */
export const START_SETTINGS: LayoutSettings =
  typeof window === 'undefined' ? {} : parseLayoutSettings(window.location.search, window.location.hash);
