/** Typhoon planning (issue 11): its tab, its map layers, its strings. Listed once in renderer/features/registry.ts. */
import type { FeatureModule } from '../feature.ts';
import { typhoonLayers } from './layers.ts';
import { TyphoonPanel } from './TyphoonPanel.tsx';
import { followBulletins, loadStorms, useTyphoonStore } from './store.ts';
import { typhoonStrings } from './strings.ts';

export const typhoonFeature: FeatureModule = {
  id: 'typhoon',
  panels: [{ id: 'typhoon', useCount: () => useTyphoonStore((s) => (s.storms.length > 0 ? s.storms.length : null)), component: TyphoonPanel }],
  mapLayers: [typhoonLayers],
  i18n: typhoonStrings,
  start: () => {
    followBulletins();
    void loadStorms();
  },
};
