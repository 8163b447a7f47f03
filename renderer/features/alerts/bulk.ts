/** Acknowledging the ticked alerts with one reason (`alerts.acknowledgeAlerts`, operator). */
import { getAppApi } from '../../bridge/appApi.ts';
import { hostCall } from '../../actions/hostCall.ts';
import { feedNow, useLiveStore } from '../../state/liveStore.ts';
import { useSessionStore } from '../../state/sessionStore.ts';
import { pushToast } from '../../state/toastStore.ts';
import { t } from '../../i18n/index.ts';
import { setChecked } from './alertFilters.ts';

export async function acknowledgeAlerts(ids: string[], reason: string): Promise<boolean> {
  const result = await hostCall(() => getAppApi().alerts.acknowledgeAlerts(ids, reason), null);
  if (!result) return false;
  // Shown at once; the push confirms it a moment later.
  const done = new Set(result.acknowledged);
  const who = useSessionStore.getState().session?.name ?? null;
  const at = feedNow();
  useLiveStore.setState((s) => {
    const alerts = { ...s.alerts };
    for (const id of done) {
      const a = alerts[id];
      if (a && a.status === 'open') alerts[id] = { ...a, status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: who };
    }
    return { alerts, version: s.version + 1 };
  });
  setChecked([]);
  pushToast('info', [t('alerts.bulk.done', { count: result.acknowledged.length }), result.skipped.length > 0 ? t('alerts.bulk.skipped', { count: result.skipped.length }) : ''].filter(Boolean).join('；'), 6000);
  return true;
}
