/** The demo to officials (issue 12): its presenter bar and the story's steps. Listed once in renderer/features/registry.ts. */
import type { FeatureModule } from '../feature.ts';
import { PresenterBar } from './PresenterBar.tsx';
import { startDemo } from './store.ts';
import { demoStrings } from './strings.ts';
import './presenter.css';

export const demoFeature: FeatureModule = {
  id: 'demo',
  overlays: [PresenterBar],
  i18n: demoStrings,
  start: startDemo,
};
