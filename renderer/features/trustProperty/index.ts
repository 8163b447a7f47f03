/**
 * 信托制物业 (issue 13): the compounds' trust-fund boards (`#trust=all`, `#trust=<compoundId>`), a
 * command to open them (`t`, not on a wall) and the strings. Listed once in renderer/features/registry.ts.
 */
import type { FeatureModule } from '../feature.ts';
import { useLayoutStore } from '../../layout/store.ts';
import { TrustPage } from './TrustPage.tsx';
import { openTrustBoard } from './store.ts';
import { trustStrings } from './strings.ts';

export const trustPropertyFeature: FeatureModule = {
  id: 'trustProperty',
  pages: [{ key: 'trust', component: TrustPage }],
  commands: [
    {
      id: 'trustProperty.open',
      labelKey: 'trustProperty.cmd.open',
      keys: ['t'],
      enabled: () => useLayoutStore.getState().layout.def.arrangement !== 'cells',
      run: () => openTrustBoard(),
    },
  ],
  i18n: trustStrings,
};
