/**
 * Moving through the incident queue by keys: ↓/↑ move the highlighted row (the list scrolls to
 * it), Enter opens it. Only while the queue is the panel shown.
 */
import type { CommandDef } from '../feature.ts';
import { feedNow, useLivePanels } from '../../state/liveStore.ts';
import { useUiStore } from '../../state/uiStore.ts';
import { moveCursor, useListCursor } from '../../state/listCursor.ts';
import { selectIncident } from '../../actions/incidents.ts';
import { queueOrder } from './IncidentQueue.tsx';

const queueShown = (): boolean => {
  const ui = useUiStore.getState();
  return ui.rightPanel === 'incidents' && ui.selectedIncidentId === null;
};
const queueIds = (): string[] => queueOrder(useLivePanels.getState().incidents, feedNow()).map((r) => r.incident.id);

export const incidentCommands: readonly CommandDef[] = [
  { id: 'incidents.next', labelKey: 'incidents.cmd.next', keys: ['ArrowDown', 'j'], enabled: queueShown, run: () => void moveCursor('incidents', queueIds(), 1) },
  { id: 'incidents.prev', labelKey: 'incidents.cmd.prev', keys: ['ArrowUp', 'k'], enabled: queueShown, run: () => void moveCursor('incidents', queueIds(), -1) },
  {
    id: 'incidents.open',
    labelKey: 'incidents.cmd.open',
    keys: ['Enter'],
    enabled: () => queueShown() && useListCursor.getState().incidents !== null,
    run: () => {
      const id = useListCursor.getState().incidents;
      if (id && queueIds().includes(id)) selectIncident(id);
    },
  },
];
