/**
 * 民生微实事 (issue 13): the communities' micro-project boards (`#projects=all`,
 * `#projects=<communityId>`), a command to open them (`m`, not on a wall), the projects on the map
 * by stage with a legend (`M`), and the strings. Listed once in renderer/features/registry.ts.
 */
import type { FeatureModule } from '../feature.ts';
import { useLayoutStore } from '../../layout/store.ts';
import { ProjectsPage } from './ProjectsPage.tsx';
import { openMicroBoard, toggleMicroMap } from './store.ts';
import { microLayers } from './layers.ts';
import { MicroMapLegend } from './MapLegend.tsx';
import { microStrings } from './strings.ts';

export const microProjectsFeature: FeatureModule = {
  id: 'microProjects',
  pages: [{ key: 'projects', component: ProjectsPage, nav: { labelKey: 'microProjects.nav', value: 'all', order: 25 } }],
  commands: [
    {
      id: 'microProjects.open',
      labelKey: 'microProjects.cmd.open',
      keys: ['m'],
      enabled: () => useLayoutStore.getState().layout.def.arrangement !== 'cells',
      run: () => openMicroBoard(),
    },
    {
      id: 'microProjects.map',
      labelKey: 'microProjects.cmd.map',
      keys: ['M'],
      enabled: () => useLayoutStore.getState().layout.def.arrangement !== 'cells',
      run: () => void toggleMicroMap(),
    },
  ],
  mapLayers: [microLayers],
  overlays: [MicroMapLegend],
  i18n: microStrings,
};
