/**
 * 信托制物业 (issue 13): the compounds' trust-fund boards (`#trust=all`, `#trust=<compoundId>`), a
 * command to open them (`t`, not on a wall), the compounds on the map by collection rate and
 * anomaly (`T`), and the strings. Listed once in renderer/features/registry.ts.
 */
import type { FeatureModule } from '../feature.ts';
import { useLayoutStore } from '../../layout/store.ts';
import { TrustPage } from './TrustPage.tsx';
import { openTrustBoard, toggleTrustMap } from './store.ts';
import { trustLayers } from './layers.ts';
import { trustStrings } from './strings.ts';

export const trustPropertyFeature: FeatureModule = {
  id: 'trustProperty',
  pages: [{ key: 'trust', component: TrustPage, nav: { labelKey: 'trustProperty.nav', value: 'all', order: 20 } }],
  commands: [
    {
      id: 'trustProperty.open',
      labelKey: 'trustProperty.cmd.open',
      keys: ['t'],
      enabled: () => useLayoutStore.getState().layout.def.arrangement !== 'cells',
      run: () => openTrustBoard(),
    },
    {
      id: 'trustProperty.map',
      labelKey: 'trustProperty.cmd.map',
      keys: ['T'],
      enabled: () => useLayoutStore.getState().layout.def.arrangement !== 'cells',
      run: () => void toggleTrustMap(),
    },
  ],
  mapLayers: [trustLayers],
  i18n: trustStrings,
};
