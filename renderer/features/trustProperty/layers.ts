/**
 * The compounds under the trust model on the city map: a disc per compound, its colour by the
 * latest collection rate (red below 80 %, amber below 95 %, green above), its size by households,
 * and a red ring when it has anomalies. Switched by the `T` command.
 */
import type { Layer } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { TrustCompoundSummary } from '../../../data/model/trustProperty/index.ts';
import type { MapLayersDef } from '../feature.ts';
import { useTrustMapStore } from './store.ts';

export const TRUST_LAYER_ID = 'trust-compounds';
const OVERLAY = { depthCompare: 'always', depthWriteEnabled: false } as const;

export function collectionColour(rate: number | null): [number, number, number, number] {
  if (rate === null) return [143, 163, 191, 170];
  if (rate < 0.8) return [255, 77, 79, 190];
  if (rate < 0.95) return [255, 176, 32, 190];
  return [61, 220, 132, 190];
}

export const trustLayers: MapLayersDef = {
  id: TRUST_LAYER_ID,
  subscribe(onChange) {
    return useTrustMapStore.subscribe((s, prev) => {
      if (s.visible !== prev.visible || s.compounds !== prev.compounds) onChange();
    });
  },
  build(): Layer[] {
    const { visible, compounds } = useTrustMapStore.getState();
    if (!visible || compounds.length === 0) return [];
    const max = Math.max(...compounds.map((c) => c.households), 1);
    return [
      new ScatterplotLayer<TrustCompoundSummary>({
        id: TRUST_LAYER_ID,
        data: compounds,
        getPosition: (c) => [c.lon, c.lat],
        getRadius: (c) => 8 + 14 * Math.sqrt(c.households / max),
        radiusUnits: 'pixels',
        getFillColor: (c) => collectionColour(c.collectionRate),
        getLineColor: (c) => (c.openAnomalies > 0 ? [255, 77, 79, 255] : [230, 240, 255, 200]),
        lineWidthUnits: 'pixels',
        getLineWidth: (c) => (c.openAnomalies > 0 ? 4 : 1.5),
        stroked: true,
        pickable: false,
        parameters: OVERLAY,
      }),
    ];
  },
};
