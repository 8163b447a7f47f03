/** Director mode's entry in the feature services registry (electron/services/modules.ts). */
import type { ServiceModule } from '../modules.ts';
import { DirectorService } from './DirectorService.ts';

export const directorServiceModule: ServiceModule<'director'> = {
  start: async ({ store, sections, log }) => {
    const director = new DirectorService({ store, sections, log });
    return { api: director, stop: () => director.stop() };
  },
};
