/** Incidents and their closed loop: the queue (or one incident) in the right-hand column. */
import { createElement } from 'react';
import { isOpenStatus } from '../../../data/model/incidents.ts';
import { useLivePanels } from '../../state/liveStore.ts';
import { useUiStore } from '../../state/uiStore.ts';
import { IncidentQueue } from './IncidentQueue.tsx';
import { IncidentDetail } from './IncidentDetail.tsx';
import type { FeatureModule } from '../feature.ts';
import { incidentCommands } from './commands.ts';
import { incidentsStrings } from './strings.ts';
import { openIncidentsColourBy } from './colourBy.ts';
import { incidentsTrack } from './timelineTrack.ts';

function IncidentsPanel(): React.JSX.Element {
  const incidentId = useUiStore((s) => s.selectedIncidentId);
  return incidentId ? createElement(IncidentDetail, { key: incidentId, id: incidentId }) : createElement(IncidentQueue);
}

export const incidentsFeature: FeatureModule = {
  id: 'incidents',
  panels: [
    {
      id: 'incidents',
      useCount: () =>
        useLivePanels((s) => Object.values(s.incidents).filter((i) => isOpenStatus(i.status)).length + (s.incidentOverflow?.summarised ?? 0)),
      component: IncidentsPanel,
    },
  ],
  commands: incidentCommands,
  colourBy: [openIncidentsColourBy],
  timelineTracks: [incidentsTrack],
  i18n: { 'zh-CN': { timelineTrack: '每小时新报事件', ...incidentsStrings['zh-CN'] }, en: { timelineTrack: 'Incidents reported per hour', ...incidentsStrings.en } },
};
