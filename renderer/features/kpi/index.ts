/** The KPI dashboard (issue 13): its page (`#kpi=7d`), the console's button, the hot-spot map layer, its strings. Listed once in renderer/features/registry.ts. */
import type { FeatureModule } from '../feature.ts';
import { KpiPage } from './KpiPage.tsx';
import { KpiButton } from './KpiButton.tsx';
import { KpiWallSection } from './KpiWallSection.tsx';
import { hotspotLayers } from './layers.ts';
import { kpiStrings } from './strings.ts';

export const kpiFeature: FeatureModule = {
  id: 'kpi',
  pages: [{ key: 'kpi', component: KpiPage, nav: { labelKey: 'kpi.title', value: '7d', order: 10 } }],
  overlays: [KpiButton],
  wallKpiSections: [KpiWallSection],
  mapLayers: [hotspotLayers],
  i18n: kpiStrings,
};
