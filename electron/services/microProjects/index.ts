/** 民生微实事's entry in the feature services registry (electron/services/modules.ts). */
import type { ServiceModule } from '../modules.ts';
import { MicroProjectsService } from './MicroProjectsService.ts';

export const microProjectsServiceModule: ServiceModule<'microProjects'> = {
  start: async ({ store, personalData }) => ({ api: new MicroProjectsService(store, { personalData }) }),
};
