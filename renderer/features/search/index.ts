/**
 * Search over the twin (the host's `search` section: addresses, households masked, incidents,
 * facilities): its key (`/`) and its strings. The box itself is in the left column
 * (renderer/components/SearchBox.tsx).
 */
import type { FeatureModule } from '../feature.ts';
import { searchStrings } from './strings.ts';

export const SEARCH_INPUT_ID = 'search-input';

export const searchFeature: FeatureModule = {
  id: 'search',
  commands: [
    {
      id: 'search.focus',
      labelKey: 'search.focus',
      keys: ['/'],
      enabled: () => document.getElementById(SEARCH_INPUT_ID) !== null,
      run: () => {
        const input = document.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null;
        input?.focus();
        input?.select();
      },
    },
  ],
  i18n: searchStrings,
};
