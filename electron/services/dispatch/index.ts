/** Dispatch by kind's entry in the feature services registry (electron/services/modules.ts). */
import type { ServiceModule } from '../modules.ts';
import { DispatchService } from './DispatchService.ts';

export const dispatchServiceModule: ServiceModule<'dispatch'> = {
  start: async ({ store }) => {
    const service = new DispatchService(store);
    return { api: service, stop: () => service.stop() };
  },
};
