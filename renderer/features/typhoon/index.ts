/** Typhoon planning (issue 11): its tab, its map layers, its strings. Listed once in renderer/features/registry.ts. */
import type { FeatureModule } from '../feature.ts';
import { typhoonLayers } from './layers.ts';
import { TyphoonPanel } from './TyphoonPanel.tsx';
import { activeStormCount, followBulletins, loadStorms, setTyphoonVisible, useTyphoonStore } from './store.ts';
import { typhoonStrings } from './strings.ts';
import { floodLayers } from './floodLayer.ts';
import { followStorm as followStormFlood } from './floodStore.ts';
import { followPlans } from './plan/planStore.ts';
import { planLayers } from './plan/planLayers.ts';
import { BriefPage } from './brief/BriefPage.tsx';
import { typhoonColourBy } from './colourBy.ts';
import { signalTrack } from './timelineTrack.ts';

export const typhoonFeature: FeatureModule = {
  id: 'typhoon',
  // The tab's number is the storms active now (fixed in the last two days), not the archive's.
  panels: [{ id: 'typhoon', useCount: () => useTyphoonStore((s) => activeStormCount(s.storms)), component: TyphoonPanel }],
  mapLayers: [typhoonLayers, floodLayers, planLayers],
  // The briefing (`#brief=<stormId>`), printed to PDF by the hosts.
  pages: [{ key: 'brief', component: BriefPage }],
  colourBy: typhoonColourBy,
  timelineTracks: [signalTrack],
  // Director mode: a wall scene says whether the storm's layers show.
  applyScene: (scene) => setTyphoonVisible(scene.layers.includes('typhoon')),
  i18n: typhoonStrings,
  start: () => {
    followBulletins();
    followStormFlood();
    followPlans();
    void loadStorms();
  },
};
