/** Incidents' entry in the feature services registry (electron/services/modules.ts). */
import type { ServiceModule } from '../modules.ts';
import { IncidentService } from './IncidentService.ts';

export const incidentsServiceModule: ServiceModule<'incidents'> = {
  start: async ({ store, live, personalData }) => ({
    api: new IncidentService(store, { personalData, live }),
  }),
};
