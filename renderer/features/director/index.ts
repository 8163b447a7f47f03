/**
 * Director mode (issue 12): the director console tab (operators) and, on a panel of a wall
 * session (`?wall=<session>&panel=<i>`), the scene and clock the host pushes, a panel's board and
 * the blank screen. Listed once in renderer/features/registry.ts.
 */
import type { FeatureModule } from '../feature.ts';
import { i18n } from '../../i18n/index.ts';
import { canDo, useSessionStore } from '../../state/sessionStore.ts';
import { DirectorConsole } from './DirectorConsole.tsx';
import { WallPanel } from './WallPanel.tsx';
import { PANEL, startDirector } from './store.ts';
import { directorStrings } from './strings.ts';
import './director.css';

export const directorFeature: FeatureModule = {
  id: 'director',
  // The console's tab, for those who may direct, never on a wall's own panels.
  panels: PANEL ? [] : [{ id: 'director', component: DirectorConsole, useDisabled: () => !canDo(useSessionStore((s) => s.session), 'operator') }],
  overlays: [WallPanel],
  i18n: directorStrings,
  start: () => {
    // The tab's name sits with the other tabs' (right.<id>).
    i18n.addResourceBundle('zh-CN', 'translation', { right: { director: directorStrings['zh-CN'].tab } }, true, false);
    i18n.addResourceBundle('en', 'translation', { right: { director: directorStrings.en.tab } }, true, false);
    startDirector();
  },
};
