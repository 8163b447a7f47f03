/**
 * The road route of every unit out (dispatch by kind): from where it was sent to the incident,
 * amber while en route, red once on scene (the map's resource colours, liveIcons.ts), over a dark
 * casing so it reads on any base map. Live
 * only: in replay the routes of that moment are not drawn (the units' trails are).
 */
import type { Layer } from '@deck.gl/core';
import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { ActiveDispatch } from '../../../electron/common/dispatch/contract.ts';
import { useLiveStore } from '../../state/liveStore.ts';
import type { MapLayersDef } from '../feature.ts';
import { useDispatchStore } from './store.ts';

export const DISPATCH_LAYER_IDS = { casing: 'dispatch-route-casing', route: 'dispatch-route', start: 'dispatch-route-start' } as const;
/** The resources' own status colours (renderer/views/map/layers/liveIcons.ts): en route amber, on scene red. */
export const ROUTE_COLOURS = { en_route: [255, 176, 32, 255], on_scene: [255, 77, 79, 255] } as const;

interface RouteDatum {
  path: [number, number][];
  state: ActiveDispatch['state'];
}

function toPath(flat: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

const noDepth = { depthCompare: 'always', depthWriteEnabled: false } as const;

function build(): Layer[] {
  if (useLiveStore.getState().mode !== 'live') return [];
  const data: RouteDatum[] = useDispatchStore.getState().dispatches.map((d) => ({ path: toPath(d.route), state: d.state }));
  if (data.length === 0) return [];
  return [
    new PathLayer<RouteDatum>({
      id: DISPATCH_LAYER_IDS.casing,
      data,
      getPath: (d) => d.path,
      getColor: [4, 12, 24, 220],
      getWidth: 9,
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
      parameters: noDepth,
    }),
    new PathLayer<RouteDatum>({
      id: DISPATCH_LAYER_IDS.route,
      data,
      getPath: (d) => d.path,
      getColor: (d) => [...ROUTE_COLOURS[d.state]],
      getWidth: 5,
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
      parameters: noDepth,
      updateTriggers: { getColor: data.map((d) => d.state).join() },
    }),
    new ScatterplotLayer<RouteDatum>({
      id: DISPATCH_LAYER_IDS.start,
      data,
      getPosition: (d) => d.path[0]!,
      getFillColor: (d) => [...ROUTE_COLOURS[d.state]],
      getLineColor: [4, 12, 24, 255],
      stroked: true,
      lineWidthMinPixels: 2,
      getRadius: 6,
      radiusUnits: 'pixels',
      parameters: noDepth,
    }),
  ];
}

export const dispatchRouteLayers: MapLayersDef = {
  id: 'dispatch',
  subscribe(onChange) {
    const a = useDispatchStore.subscribe(onChange);
    let mode = useLiveStore.getState().mode;
    const b = useLiveStore.subscribe((s) => {
      if (s.mode === mode) return;
      mode = s.mode;
      onChange();
    });
    return () => {
      a();
      b();
    };
  },
  build,
};
