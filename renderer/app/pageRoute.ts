/**
 * The module page a link asked for (`#<key>=<value>`, renderer/features/feature.ts FeaturePageDef),
 * read once as the app starts: the sign-in clears the fragment (it may carry a credential) right
 * after.
 */
import type { FeaturePageDef } from '../features/feature.ts';
import { PAGE_DEFS } from '../features/registry.ts';

const atStart = typeof window === 'undefined' ? new URLSearchParams() : new URLSearchParams(window.location.hash.slice(1));

export function requestedPage(): { def: FeaturePageDef; value: string } | null {
  for (const def of PAGE_DEFS) {
    const value = atStart.get(def.key);
    if (value) return { def, value: value.slice(0, 200) };
  }
  return null;
}
