/** 积分制 (issue 13): its page (`#points=365d`), the map's participation colour-by (heat by building), the command that opens the page, its strings. Listed once in renderer/features/registry.ts. */
import type { FeatureModule } from '../feature.ts';
import { PointsPage } from './PointsPage.tsx';
import { participationColourBy } from './colourBy.ts';
import { pointsCommands } from './commands.ts';
import { pointsStrings } from './strings.ts';

export const pointsFeature: FeatureModule = {
  id: 'points',
  pages: [{ key: 'points', component: PointsPage, nav: { labelKey: 'points.title', value: '365d', order: 30 } }],
  colourBy: [participationColourBy],
  commands: pointsCommands,
  i18n: pointsStrings,
};
