/** Opening the 积分制 page from anywhere (`?` lists it; the key `g`): a new window at `#points=365d`, or this one if none can open. */
import type { CommandDef } from '../feature.ts';

export function openPointsPage(value = '365d'): void {
  const url = `${window.location.pathname}${window.location.search}#points=${value}`;
  const win = window.open(url, '_blank');
  if (!win) {
    window.location.hash = `points=${value}`;
    window.location.reload();
  }
}

export const pointsCommands: readonly CommandDef[] = [{ id: 'points.open', labelKey: 'points.cmd.open', keys: ['g'], run: () => openPointsPage() }];
