/**
 * The micro-projects on the city map: a disc per project at its building (or its own place, a
 * pocket park), coloured by stage (the legend shows which), sized by budget, with a red ring when
 * flagged. Switched by the `M` command.
 */
import type { Layer } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { MicroProjectRow } from '../../../data/model/microProjects/index.ts';
import type { MapLayersDef } from '../feature.ts';
import { useMicroMapStore } from './store.ts';
import { STAGE_RGB } from './stageColours.ts';

export const MICRO_LAYER_ID = 'micro-projects';
const OVERLAY = { depthCompare: 'always', depthWriteEnabled: false } as const;

export const microLayers: MapLayersDef = {
  id: MICRO_LAYER_ID,
  subscribe(onChange) {
    return useMicroMapStore.subscribe((s, prev) => {
      if (s.visible !== prev.visible || s.projects !== prev.projects) onChange();
    });
  },
  build(): Layer[] {
    const { visible, projects } = useMicroMapStore.getState();
    if (!visible || projects.length === 0) return [];
    return [
      new ScatterplotLayer<MicroProjectRow>({
        id: MICRO_LAYER_ID,
        data: projects,
        getPosition: (p) => [p.lon, p.lat],
        getRadius: (p) => 6 + 10 * Math.sqrt(Math.min(p.budgetFen, 50_000_000) / 50_000_000),
        radiusUnits: 'pixels',
        getFillColor: (p) => [...STAGE_RGB[p.stage], 215],
        getLineColor: (p) => (p.flags.length > 0 ? [255, 77, 79, 255] : [10, 20, 35, 220]),
        lineWidthUnits: 'pixels',
        getLineWidth: (p) => (p.flags.length > 0 ? 4 : 1.5),
        stroked: true,
        pickable: false,
        parameters: OVERLAY,
      }),
    ];
  },
};
