/** The demo story's entry in the feature services registry (electron/services/modules.ts). */
import type { ServiceModule } from '../modules.ts';
import { DemoStoryService } from './DemoStoryService.ts';

export const demoServiceModule: ServiceModule<'demo'> = {
  start: async ({ store, ingest, sections, log }) => {
    const story = new DemoStoryService({ store, ingest, sections, log });
    return { api: story, stop: () => story.stop() };
  },
};
