/**
 * Meter alerts' entry in the feature services registry (electron/services/modules.ts): raises the
 * alerts the meter history shows at start, checks live meter readings as they come in, and serves
 * the console's actions on an alert.
 */
import type { ServiceModule } from '../modules.ts';
import { AlertService } from './AlertService.ts';
import { MeterAlertService } from './MeterAlertService.ts';

/** Live meter readings are checked at most this often (ms), not per batch: the check reads 72 h of readings. */
const LIVE_CHECK_INTERVAL_MS = 20_000;

export const alertsServiceModule: ServiceModule<'alerts'> = {
  start: async ({ store, live }) => {
    const raising = new MeterAlertService(store);
    await raising.raiseFromHistory();
    await raising.checkLive();
    let liveCheck: NodeJS.Timeout | null = null;
    const scheduleLiveCheck = (): void => {
      liveCheck ??= setTimeout(() => {
        liveCheck = null;
        void raising.checkLive().then(
          (ids) => live.alertsChanged(ids),
          () => undefined,
        );
      }, LIVE_CHECK_INTERVAL_MS);
      liveCheck.unref();
    };
    return {
      api: new AlertService(store, { live }),
      onCommitted: (events) => {
        if (events.some((e) => e.type === 'meter.reading')) scheduleLiveCheck();
      },
      stop: () => {
        if (liveCheck) clearTimeout(liveCheck);
        liveCheck = null;
      },
    };
  },
};
