/** Typhoon planning's entry in the feature services registry (electron/services/modules.ts). */
import type { ServiceModule } from '../modules.ts';
import { TyphoonService } from './TyphoonService.ts';

export const typhoonServiceModule: ServiceModule<'typhoon'> = {
  start: async ({ store, personalData }) => {
    const service = new TyphoonService(store, personalData);
    return { api: service, onCommitted: (events) => service.onCommitted(events) };
  },
};
