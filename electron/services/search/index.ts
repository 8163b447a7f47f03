/** Search's entry in the feature services registry (electron/services/modules.ts). */
import type { ServiceModule } from '../modules.ts';
import { SearchService } from './SearchService.ts';

export const searchServiceModule: ServiceModule<'search'> = {
  start: async ({ store, personalData }) => ({ api: new SearchService(store, { personalData }) }),
};
