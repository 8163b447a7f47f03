/** Repeat-report hot spots on the city map: a circle per place, its area by the number of reports. */
import type { Layer } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { Hotspot } from '../../../data/model/kpi/index.ts';
import type { MapLayersDef } from '../feature.ts';
import { useKpiStore } from './store.ts';

export const HOTSPOT_LAYER_ID = 'kpi-hotspots';
const OVERLAY = { depthCompare: 'always', depthWriteEnabled: false } as const;

export const hotspotLayers: MapLayersDef = {
  id: HOTSPOT_LAYER_ID,
  subscribe(onChange) {
    return useKpiStore.subscribe((s, prev) => {
      if (s.mapVisible !== prev.mapVisible || s.mapHotspots !== prev.mapHotspots) onChange();
    });
  },
  build(): Layer[] {
    const { mapVisible, mapHotspots } = useKpiStore.getState();
    if (!mapVisible || mapHotspots.length === 0) return [];
    const max = Math.max(...mapHotspots.map((h) => h.count));
    return [
      new ScatterplotLayer<Hotspot>({
        id: HOTSPOT_LAYER_ID,
        data: mapHotspots,
        getPosition: (h) => [h.lon, h.lat],
        getRadius: (h) => 6 + 18 * Math.sqrt(h.count / max),
        radiusUnits: 'pixels',
        getFillColor: (h) => [255, Math.round(170 - 120 * (h.count / max)), 60, 150],
        getLineColor: [255, 235, 200, 230],
        lineWidthUnits: 'pixels',
        getLineWidth: 1.5,
        stroked: true,
        pickable: false,
        parameters: OVERLAY,
      }),
    ];
  },
};
