/** Residents' reports' entry in the feature services registry (electron/services/modules.ts). */
import type { ServiceModule } from '../modules.ts';
import { ReportsService } from './ReportsService.ts';

export const reportsServiceModule: ServiceModule<'reports'> = {
  start: async ({ store, ingest, personalData, live }) => ({
    api: new ReportsService(store, { ingest, personalData, live }),
  }),
};
