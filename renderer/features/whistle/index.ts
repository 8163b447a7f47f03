/** 吹哨报到 (issue 13): its tab, its map layer, its strings, and its button in an incident's detail. Listed once in renderer/features/registry.ts. */
import type { FeatureModule } from '../feature.ts';
import { i18n } from '../../i18n/index.ts';
import { WhistlePanel } from './WhistlePanel.tsx';
import { WhistleAction } from './WhistleAction.tsx';
import { whistleLayers } from './layers.ts';
import { activeWhistleCount, followWhistles, useWhistleStore } from './store.ts';
import { whistleStrings } from './strings.ts';

export const whistleFeature: FeatureModule = {
  id: 'whistle',
  panels: [{ id: 'whistle', useCount: () => useWhistleStore((s) => activeWhistleCount(s.cases)) || null, component: WhistlePanel }],
  mapLayers: [whistleLayers],
  incidentActions: [WhistleAction],
  i18n: whistleStrings,
  start: () => {
    // The tab's name sits with the other tabs' (right.<id>).
    i18n.addResourceBundle('zh-CN', 'translation', { right: { whistle: whistleStrings['zh-CN'].tab } }, true, false);
    i18n.addResourceBundle('en', 'translation', { right: { whistle: whistleStrings.en.tab } }, true, false);
    followWhistles();
  },
};
