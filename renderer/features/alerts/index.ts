/** Meter alerts: elderly residents living alone first, acknowledged and closed with a visit outcome. */
import { openAlertTotal, useLivePanels } from '../../state/liveStore.ts';
import { AlertList } from './AlertList.tsx';
import type { FeatureModule } from '../feature.ts';
import { alertCommands } from './commands.ts';
import { alertsStrings } from './strings.ts';
import { alertsTrack } from './timelineTrack.ts';
import { AwayNotices } from './AwayNotices.tsx';

export const alertsFeature: FeatureModule = {
  id: 'alerts',
  panels: [{ id: 'alerts', useCount: () => useLivePanels(openAlertTotal), component: AlertList }],
  timelineTracks: [alertsTrack],
  householdSections: [AwayNotices],
  commands: alertCommands,
  i18n: { 'zh-CN': { timelineTrack: '每小时新增表计预警（未办结）', ...alertsStrings['zh-CN'] }, en: { timelineTrack: 'Meter alerts raised per hour (open)', ...alertsStrings.en } },
};
