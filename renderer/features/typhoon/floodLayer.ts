/**
 * Waterlogging on the map at the player's moment: the water as a surface (a BitmapLayer whose
 * fragment stage is shaders/water/: depth → water colour, soft shores, the car and wading limits as
 * contours, ripples moving with the timeline) between the two hourly steps around the moment, and
 * the road stretches the water closes then, red and dashed (darker where no one should wade).
 *
 * The host sends the depths sparse (the cells ever wet); one RGBA texture holds the two steps
 * around the moment (R the earlier, G the later) and is rebuilt only when the moment crosses an
 * hour: between hours only a uniform changes.
 */
import type { Layer, UpdateParameters } from '@deck.gl/core';
import { BitmapLayer, PathLayer, type BitmapLayerProps } from '@deck.gl/layers';
import { PathStyleExtension } from '@deck.gl/extensions';
import type { ShaderModule } from '@luma.gl/shadertools';
import { waterSurfaceFs, waterSurfaceUniforms } from '../../../shaders/index.ts';
import type { FloodView } from '../../../electron/common/typhoon/flood.ts';
import { playerNow, useLiveStore } from '../../state/liveStore.ts';
import type { LayerContext, MapLayersDef } from '../feature.ts';
import { floodMoment, useFloodStore, type FloodMoment } from './floodStore.ts';
import { useTyphoonStore } from './store.ts';

export const FLOOD_LAYER_IDS = {
  water: 'typhoon-flood-water',
  roads: 'typhoon-flood-roads',
} as const;

/** Deeper than this a road is closed to cars, and to people on foot (flood.ts CAR_LIMIT_M, WALK_LIMIT_M). */
const CAR_LIMIT_M = 0.3;
const WALK_LIMIT_M = 0.5;
/** The water is redrawn when the moment has moved this much (interpolation between hours in 5-minute steps). */
const MOMENT_STEP_MS = 5 * 60_000;

type WaterUniformProps = { cells: [number, number]; mixT: number; time: number; depthUnit: number };

const waterModule = {
  name: 'water',
  vs: waterSurfaceUniforms,
  fs: waterSurfaceUniforms,
  uniformTypes: { cells: 'vec2<f32>', mixT: 'f32', time: 'f32', depthUnit: 'f32' },
  defaultUniforms: { cells: [1, 1], mixT: 0, time: 0, depthUnit: 0.02 },
} as const satisfies ShaderModule<WaterUniformProps>;

interface WaterSurfaceExtraProps {
  /** cols × rows RGBA bytes: R depth at the earlier step, G at the later one (bytes of depthUnitM). */
  depthPair: Uint8Array | null;
  cols: number;
  rows: number;
  mixT: number;
  /** Ripple phase (the player's time, slowed). */
  rippleTime: number;
  depthUnitM: number;
}

type Texture = ReturnType<Layer['context']['device']['createTexture']>;

/** A BitmapLayer that draws the water depth texture with the water shader. */
class WaterSurfaceLayer extends BitmapLayer<WaterSurfaceExtraProps> {
  public static override layerName = 'WaterSurfaceLayer';
  public static override defaultProps = {
    ...BitmapLayer.defaultProps,
    depthPair: { type: 'object', value: null, compare: false },
    cols: 1,
    rows: 1,
    mixT: 0,
    rippleTime: 0,
    depthUnitM: 0.02,
  };

  public override getShaders(): ReturnType<BitmapLayer['getShaders']> {
    const shaders = super.getShaders() as { modules: unknown[] } & Record<string, unknown>;
    return { ...shaders, fs: waterSurfaceFs, modules: [...shaders.modules, waterModule] } as ReturnType<BitmapLayer['getShaders']>;
  }

  public override updateState(params: UpdateParameters<this>): void {
    super.updateState(params as never);
    const { props, oldProps } = params;
    const state = this.state as { waterTexture?: Texture | null };
    if (props.depthPair === oldProps.depthPair && state.waterTexture) return;
    const { depthPair, cols, rows } = props;
    if (!depthPair) return;
    let texture = state.waterTexture ?? null;
    if (!texture || texture.width !== cols || texture.height !== rows) {
      texture?.destroy();
      texture = this.context.device.createTexture({
        width: cols,
        height: rows,
        format: 'rgba8unorm',
        sampler: { minFilter: 'linear', magFilter: 'linear', addressModeU: 'clamp-to-edge', addressModeV: 'clamp-to-edge' },
      });
      this.setState({ waterTexture: texture });
    }
    texture.writeData(depthPair);
  }

  public override finalizeState(context: Parameters<BitmapLayer['finalizeState']>[0]): void {
    (this.state as { waterTexture?: Texture | null }).waterTexture?.destroy();
    super.finalizeState(context);
  }

  public override draw(opts: { shaderModuleProps: { picking: { isActive?: boolean } } }): void {
    const { model, coordinateConversion, bounds, waterTexture } = this.state as {
      model?: { shaderInputs: { setProps(p: object): void }; draw(pass: unknown): void };
      coordinateConversion: number;
      bounds: number[];
      waterTexture?: Texture | null;
    };
    // The water is not picked: a click goes through it to the building or road below.
    if (!model || !waterTexture || !this.props.depthPair || opts.shaderModuleProps.picking.isActive) return;
    const p = this.props;
    model.shaderInputs.setProps({
      bitmap: { bitmapTexture: waterTexture, bounds, coordinateConversion, desaturate: 0, tintColor: [1, 1, 1], transparentColor: [0, 0, 0, 0] },
      water: { cells: [p.cols, p.rows], mixT: p.mixT, time: p.rippleTime, depthUnit: p.depthUnitM } satisfies WaterUniformProps,
    });
    model.draw(this.context.renderPass);
  }
}

/** The RGBA bytes of the two steps around a moment, kept while the moment stays between them. */
let pairCache: { flood: FloodView; from: number; to: number; bytes: Uint8Array } | null = null;

function depthPair(flood: FloodView, m: FloodMoment): Uint8Array | null {
  const r = flood.raster;
  if (!r) return null;
  if (pairCache && pairCache.flood === flood && pairCache.from === m.from && pairCache.to === m.to) return pairCache.bytes;
  const bytes = new Uint8Array(r.cols * r.rows * 4);
  const n = r.cells.length;
  for (let k = 0; k < n; k++) {
    const at = r.cells[k]! * 4;
    bytes[at] = m.from >= 0 ? r.depth[m.from * n + k]! : 0;
    bytes[at + 1] = r.depth[m.to * n + k]!;
  }
  pairCache = { flood, from: m.from, to: m.to, bytes };
  return bytes;
}

/** A road stretch's depth at the moment, m. */
function roadDepthAt(flood: FloodView, road: number, m: FloodMoment): number {
  const unit = flood.raster?.depthUnitM ?? 0.02;
  const a = m.from >= 0 ? flood.roadDepth[road * flood.steps + m.from]! : 0;
  const b = flood.roadDepth[road * flood.steps + m.to]!;
  return (a + (b - a) * m.mix) * unit;
}

const dash = new PathStyleExtension({ dash: true });

function build(context: LayerContext): Layer[] {
  const { flood, visible } = useFloodStore.getState();
  const storm = useTyphoonStore.getState();
  // The water of the storm being planned for only (a flood arrives after its storm is chosen). It
  // has its own toggle: the storm's track and circles can be hidden to see the water clearly.
  if (!visible || !flood || flood.stormId !== storm.selectedId) return [];
  const m = floodMoment(flood, context.timeMs);
  if (!m) return [];
  const layers: Layer[] = [];
  const r = flood.raster;
  const bytes = depthPair(flood, m);
  if (r && bytes) {
    const [sw, nw, ne, se] = r.corners;
    layers.push(
      new WaterSurfaceLayer({
        id: FLOOD_LAYER_IDS.water,
        bounds: [sw, nw, ne, se],
        depthPair: bytes,
        cols: r.cols,
        rows: r.rows,
        mixT: m.mix,
        rippleTime: (context.timeMs / 60_000) * 0.2,
        depthUnitM: r.depthUnitM,
        pickable: false,
        parameters: { depthCompare: 'less-equal', depthWriteEnabled: false },
      } as unknown as BitmapLayerProps & Partial<WaterSurfaceExtraProps>),
    );
  }
  const closed: { path: [number, number][]; depth: number }[] = [];
  flood.roads.forEach((road, j) => {
    const depth = roadDepthAt(flood, j, m);
    if (depth > CAR_LIMIT_M) closed.push({ path: [[road.ends[0], road.ends[1]], [road.ends[2], road.ends[3]]], depth });
  });
  if (closed.length > 0) {
    layers.push(
      new PathLayer({
        id: FLOOD_LAYER_IDS.roads,
        data: closed,
        getPath: (d: { path: [number, number][] }) => d.path,
        getColor: (d: { depth: number }) => (d.depth > WALK_LIMIT_M ? [190, 10, 30, 255] : [255, 64, 64, 255]),
        getWidth: 6,
        widthUnits: 'pixels',
        capRounded: false,
        getDashArray: [3, 2],
        dashJustified: true,
        extensions: [dash],
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
        updateTriggers: { getColor: context.timeMs },
      } as never),
    );
  }
  return layers;
}

export const floodLayers: MapLayersDef = {
  id: 'typhoon-flood',
  subscribe(onChange) {
    const offFlood = useFloodStore.subscribe((s, prev) => {
      if (s.flood !== prev.flood || s.visible !== prev.visible) onChange();
    });
    const offStorm = useTyphoonStore.subscribe((s, prev) => {
      if (s.shiftMs !== prev.shiftMs || s.visible !== prev.visible) onChange();
    });
    const offLive = useLiveStore.subscribe((s, prev) => {
      if (s.mode !== prev.mode || s.replay !== prev.replay) onChange();
    });
    // The water rises with the clock: redraw when the moment has moved a step (live, or replay playing).
    let lastStep = -1;
    const timer = setInterval(() => {
      if (!useFloodStore.getState().flood) return;
      const step = Math.floor(playerNow() / MOMENT_STEP_MS);
      if (step !== lastStep) {
        lastStep = step;
        onChange();
      }
    }, 1000);
    return () => {
      offFlood();
      offStorm();
      offLive();
      clearInterval(timer);
    };
  },
  build,
};
