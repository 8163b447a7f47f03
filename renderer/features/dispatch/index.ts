/**
 * Dispatch by kind (issue 13): the proposal per kind in an incident's actions (DispatchByKind, shown
 * by renderer/features/incidents/IncidentActions.tsx through the registry) and the units' road routes on the map.
 */
import type { FeatureModule } from '../feature.ts';
import { dispatchRouteLayers } from './routeLayer.ts';
import { DispatchByKind } from './DispatchByKind.tsx';
import { startDispatch } from './store.ts';
import { DISPATCH_STRINGS } from './strings.ts';

export const dispatchFeature: FeatureModule = {
  id: 'dispatch',
  mapLayers: [dispatchRouteLayers],
  incidentActions: [DispatchByKind],
  i18n: DISPATCH_STRINGS,
  start: startDispatch,
};
