/** Meter alerts: elderly residents living alone first, acknowledged and closed with a visit outcome. */
import { openAlertTotal, useLivePanels } from '../../state/liveStore.ts';
import { AlertList } from './AlertList.tsx';
import type { FeatureModule } from '../feature.ts';

export const alertsFeature: FeatureModule = {
  id: 'alerts',
  panels: [{ id: 'alerts', useCount: () => useLivePanels(openAlertTotal), component: AlertList }],
};
