/**
 * 吹哨报到's entry in the feature services registry (electron/services/modules.ts): serves the
 * section and checks the deadlines every 15 s (and after any whistle step arrives), escalating late
 * report-ins once each.
 */
import type { ServiceModule } from '../modules.ts';
import { WhistleService } from './WhistleService.ts';

const CHECK_INTERVAL_MS = 15_000;

export const whistleServiceModule: ServiceModule<'whistle'> = {
  start: async ({ store, ingest, personalData, log }) => {
    const service = new WhistleService(store, { ingest, personalData, log });
    let running = false;
    const check = (): void => {
      if (running) return;
      running = true;
      void service
        .escalateLate()
        .catch((err: unknown) => log(`whistle: deadline check failed: ${String(err)}`))
        .finally(() => (running = false));
    };
    const timer = setInterval(check, CHECK_INTERVAL_MS);
    timer.unref();
    return {
      api: service,
      stop: () => clearInterval(timer),
    };
  },
};
