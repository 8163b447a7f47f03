/** 信托制物业's entry in the feature services registry (electron/services/modules.ts). */
import type { ServiceModule } from '../modules.ts';
import { TrustPropertyService } from './TrustPropertyService.ts';

export const trustPropertyServiceModule: ServiceModule<'trustProperty'> = {
  start: async ({ store, personalData }) => ({ api: new TrustPropertyService(store, { personalData }) }),
};
