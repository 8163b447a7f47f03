/**
 * Meter-alert commands: choose an alert (its building is selected and flown to, its dwelling
 * glows in the inspector), acknowledge it, record the visit outcome. Host errors become toasts.
 */
import type { MeterAlert, VisitOutcome } from '../../electron/common/dto.ts';
import { getAppApi } from '../bridge/appApi.ts';
import { hostCall } from './hostCall.ts';
import { flyToPoint } from './camera.ts';
import { selectBuilding, useUiStore } from '../state/uiStore.ts';
import { useLiveStore } from '../state/liveStore.ts';
import { useTwinStore } from '../state/twinStore.ts';
import { pushToast } from '../state/toastStore.ts';
import { t } from '../i18n/index.ts';

export function selectAlert(id: string | null, o: { fly: boolean } = { fly: true }): void {
  if (id === null) {
    useUiStore.setState({ selectedAlertId: null, glowHouseholdId: null });
    return;
  }
  const alert = useLiveStore.getState().alerts[id];
  if (!alert) return;
  selectBuilding(alert.buildingId);
  // The household record opens too: its recent water and power use is the evidence.
  useUiStore.setState({ selectedAlertId: id, glowHouseholdId: alert.householdId, selectedHouseholdId: alert.householdId, rightPanel: 'alerts' });
  if (o.fly) {
    const geometry = useTwinStore.getState().geometry;
    const row = geometry?.rowOfId.get(alert.buildingId);
    if (geometry && row !== undefined) flyToPoint(geometry.centroids[2 * row]!, geometry.centroids[2 * row + 1]!);
  }
}

/** Applies the host's answer at once (the push confirms it a moment later). */
function applyAlert(a: MeterAlert | null): void {
  if (!a) return;
  useLiveStore.setState((s) => {
    const alerts = { ...s.alerts };
    if (a.status === 'closed') delete alerts[a.id];
    else alerts[a.id] = a;
    return { alerts, version: s.version + 1 };
  });
}

export async function acknowledgeAlert(id: string): Promise<boolean> {
  const a = await hostCall(() => getAppApi().alerts.acknowledgeAlert(id), null);
  applyAlert(a);
  return a !== null;
}

/** The alert made a work order for its grid worker in one action (its visit outcome closes both). */
export async function createWorkOrder(id: string): Promise<boolean> {
  const o = await hostCall(() => getAppApi().alerts.createWorkOrder(id), null);
  if (!o) return false;
  pushToast('info', t(o.created ? 'alerts.workOrderMade' : 'alerts.workOrderExists', { who: o.assignee?.label ?? '—' }));
  return true;
}

export async function recordVisitOutcome(id: string, outcome: VisitOutcome, reason: string): Promise<boolean> {
  const a = await hostCall(() => getAppApi().alerts.recordVisitOutcome(id, outcome, reason), null);
  applyAlert(a);
  if (a) {
    pushToast('info', t('alerts.outcomeSaved', { address: `${a.address} ${a.unit}` }), 5000);
    if (useUiStore.getState().selectedAlertId === id) useUiStore.setState({ selectedAlertId: null, glowHouseholdId: null });
  }
  return a !== null;
}
