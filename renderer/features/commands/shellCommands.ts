/**
 * The shell's own commands: Esc closes what is on top (the help, a dialog, the household card,
 * the incident detail, the building inspector, in that order), `?` shows every command.
 */
import type { CommandDef } from '../feature.ts';
import { selectBuilding, selectHousehold, selectIncidentId, useUiStore } from '../../state/uiStore.ts';
import { selectAlert } from '../../actions/alerts.ts';
import { setHelpOpen, useHelpStore } from './helpStore.ts';

/** A modal dialog of another part (the audit log) is open: it closes itself on Esc. */
const otherDialogOpen = (): boolean => document.querySelector('[role="dialog"][aria-modal="true"]:not([data-help-overlay])') !== null;

/** What Esc would close now, top first; null for nothing. */
export function closable(): 'help' | 'dialog' | 'field' | 'household' | 'incident' | 'inspector' | null {
  if (useHelpStore.getState().open) return 'help';
  if (otherDialogOpen()) return 'dialog';
  const active = document.activeElement;
  if (active instanceof HTMLElement && active.matches('input, textarea, select, [contenteditable="true"]')) return 'field';
  const ui = useUiStore.getState();
  if (ui.selectedHouseholdId !== null) return 'household';
  if (ui.selectedIncidentId !== null) return 'incident';
  if (ui.selectedBuildingId !== null || ui.selectedAlertId !== null) return 'inspector';
  return null;
}

export const shellCommands: readonly CommandDef[] = [
  {
    id: 'shell.close',
    labelKey: 'commands.close',
    keys: ['Escape'],
    enabled: () => {
      const what = closable();
      return what !== null && what !== 'dialog';
    },
    run: () => {
      switch (closable()) {
        case 'help':
          setHelpOpen(false);
          return;
        case 'field':
          (document.activeElement as HTMLElement).blur();
          return;
        case 'household':
          selectHousehold(null);
          return;
        case 'incident':
          selectIncidentId(null);
          return;
        case 'inspector':
          selectAlert(null);
          selectBuilding(null);
          return;
        default:
      }
    },
  },
  {
    id: 'shell.help',
    labelKey: 'commands.help',
    keys: ['?'],
    run: () => setHelpOpen(!useHelpStore.getState().open),
  },
];
