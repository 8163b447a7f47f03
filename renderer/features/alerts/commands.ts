/**
 * Moving through the alert list by keys: ↓/↑ move the highlighted alert (in the filtered order),
 * Enter opens it (its building and dwelling), x ticks it for a bulk acknowledgement.
 */
import type { CommandDef } from '../feature.ts';
import { feedNow, useLivePanels } from '../../state/liveStore.ts';
import { useUiStore } from '../../state/uiStore.ts';
import { moveCursor, useListCursor } from '../../state/listCursor.ts';
import { selectAlert } from '../../actions/alerts.ts';
import { alertOrder } from './AlertList.tsx';
import { matchesFilters, toggleChecked, useAlertFilters } from './alertFilters.ts';

const listShown = (): boolean => useUiStore.getState().rightPanel === 'alerts' && !useLivePanels.getState().alertCounts;
const visibleIds = (): string[] => {
  const f = useAlertFilters.getState();
  const now = feedNow();
  return alertOrder(useLivePanels.getState().alerts)
    .filter((a) => matchesFilters(a, f, now))
    .map((a) => a.id);
};
const cursorRow = (): string | null => {
  const id = useListCursor.getState().alerts;
  return id !== null && visibleIds().includes(id) ? id : null;
};

export const alertCommands: readonly CommandDef[] = [
  { id: 'alerts.next', labelKey: 'alerts.cmd.next', keys: ['ArrowDown', 'j'], enabled: listShown, run: () => void moveCursor('alerts', visibleIds(), 1) },
  { id: 'alerts.prev', labelKey: 'alerts.cmd.prev', keys: ['ArrowUp', 'k'], enabled: listShown, run: () => void moveCursor('alerts', visibleIds(), -1) },
  {
    id: 'alerts.open',
    labelKey: 'alerts.cmd.open',
    keys: ['Enter'],
    enabled: () => listShown() && useListCursor.getState().alerts !== null,
    run: () => {
      const id = cursorRow();
      if (id) selectAlert(id);
    },
  },
  {
    id: 'alerts.toggle',
    labelKey: 'alerts.cmd.toggle',
    keys: ['x'],
    enabled: () => listShown() && useListCursor.getState().alerts !== null,
    run: () => {
      const id = cursorRow();
      if (id && useLivePanels.getState().alerts[id]?.status === 'open') toggleChecked(id);
    },
  },
];
