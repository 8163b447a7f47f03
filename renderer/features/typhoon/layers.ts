/**
 * Typhoon planning on the map, at the player's moment: the observed track coloured by grade, the
 * current forecast track with its uncertainty cone, the 7/10/12 wind circles per quadrant where the
 * storm is at that moment, its landfall, and the storm with its figures.
 */
import type { Layer } from '@deck.gl/core';
import { PathLayer, PolygonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { PathStyleExtension } from '@deck.gl/extensions';
import { trackStateAt } from '../../../data/model/typhoon/track.ts';
import { beaufortForce, TC_GRADE_INFO } from '../../../data/model/typhoon/scales.ts';
import type { TrackPoint } from '../../../data/model/typhoon/types.ts';
import { FONT_FAMILY } from '../../gfx/fonts.ts';
import { playerNow, useLiveStore } from '../../state/liveStore.ts';
import type { LayerContext, MapLayersDef } from '../feature.ts';
import { forecastCone, GRADE_COLOURS, gradeSegments, quadrantCircle } from './geometry.ts';
import { toStorm, useTyphoonStore } from './store.ts';

export const TYPHOON_LAYER_IDS = {
  track: 'typhoon-track',
  fixes: 'typhoon-fixes',
  forecast: 'typhoon-forecast',
  cone: 'typhoon-cone',
  circles: 'typhoon-wind-circles',
  landfall: 'typhoon-landfall',
  storm: 'typhoon-storm',
  label: 'typhoon-label',
} as const;

/** The circles' colours: force 7 yellow, 10 orange, 12 red, as on official maps. */
const CIRCLE_STYLE = [
  { key: 'r7' as const, line: [255, 214, 64, 255], fill: [255, 214, 64, 38] },
  { key: 'r10' as const, line: [255, 140, 30, 255], fill: [255, 140, 30, 50] },
  { key: 'r12' as const, line: [240, 40, 50, 255], fill: [240, 40, 50, 64] },
];

const dash = new PathStyleExtension({ dash: true });

/** The storm's time advances with the player: the layers follow it in steps of this much storm time. */
const STEP_MS = 5 * 60_000;

function build(context: LayerContext): Layer[] {
  const { track, visible } = useTyphoonStore.getState();
  if (!visible || !track || track.fixes.length === 0) return [];
  const t = toStorm(context.timeMs);
  const all: TrackPoint[] = [...track.fixes, ...track.forecast];
  const lastFix = track.fixes[track.fixes.length - 1]!;
  const state = trackStateAt(all, t);
  const layers: Layer[] = [
    new PathLayer({
      id: TYPHOON_LAYER_IDS.track,
      data: gradeSegments(track.fixes),
      getPath: (d: { path: [number, number][] }) => d.path,
      getColor: (d: { colour: [number, number, number] }) => d.colour,
      getWidth: 4,
      widthUnits: 'pixels',
      capRounded: true,
      parameters: { depthCompare: 'always', depthWriteEnabled: false },
    }),
    new ScatterplotLayer({
      id: TYPHOON_LAYER_IDS.fixes,
      data: track.fixes,
      getPosition: (d: TrackPoint) => [d.lon, d.lat],
      getFillColor: (d: TrackPoint) => [...GRADE_COLOURS[d.grade], 255] as [number, number, number, number],
      getLineColor: [10, 16, 28, 255],
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1,
      radiusUnits: 'pixels',
      getRadius: 4,
      parameters: { depthCompare: 'always', depthWriteEnabled: false },
    }),
  ];
  if (track.forecast.length > 0) {
    const cone = forecastCone(track.forecast, lastFix);
    if (cone) {
      layers.push(
        new PolygonLayer({
          id: TYPHOON_LAYER_IDS.cone,
          data: [{ polygon: cone }],
          getPolygon: (d: { polygon: [number, number][] }) => d.polygon,
          getFillColor: [182, 156, 255, 40],
          getLineColor: [182, 156, 255, 200],
          lineWidthUnits: 'pixels',
          getLineWidth: 1.5,
          parameters: { depthCompare: 'always', depthWriteEnabled: false },
        }),
      );
    }
    layers.push(
      new PathLayer({
        id: TYPHOON_LAYER_IDS.forecast,
        data: [{ path: [[lastFix.lon, lastFix.lat], ...track.forecast.map((p) => [p.lon, p.lat] as [number, number])] }],
        getPath: (d: { path: [number, number][] }) => d.path,
        getColor: [220, 200, 255, 255],
        getWidth: 3,
        widthUnits: 'pixels',
        getDashArray: [6, 4],
        dashJustified: true,
        extensions: [dash],
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
      } as never),
    );
  }
  if (track.landfalls.length > 0) {
    layers.push(
      new ScatterplotLayer({
        id: TYPHOON_LAYER_IDS.landfall,
        data: track.landfalls,
        getPosition: (d: { lon: number; lat: number }) => [d.lon, d.lat],
        getFillColor: [255, 255, 255, 255],
        getLineColor: [240, 40, 50, 255],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 3,
        radiusUnits: 'pixels',
        getRadius: 7,
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
      }),
    );
  }
  if (state) {
    const circles = CIRCLE_STYLE.flatMap((c) => {
      const radii = state.radii?.[c.key];
      const ring = radii ? quadrantCircle(state.lon, state.lat, radii) : null;
      return ring ? [{ ring, line: c.line, fill: c.fill }] : [];
    });
    layers.push(
      new PolygonLayer({
        id: TYPHOON_LAYER_IDS.circles,
        data: circles,
        getPolygon: (d: { ring: [number, number][] }) => d.ring,
        getFillColor: (d: { fill: number[] }) => d.fill as [number, number, number, number],
        getLineColor: (d: { line: number[] }) => d.line as [number, number, number, number],
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
        updateTriggers: { getPolygon: t },
      }),
      new ScatterplotLayer({
        id: TYPHOON_LAYER_IDS.storm,
        data: [state],
        getPosition: (d: { lon: number; lat: number }) => [d.lon, d.lat],
        getFillColor: [...GRADE_COLOURS[state.grade], 255] as [number, number, number, number],
        getLineColor: [255, 255, 255, 255],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 3,
        radiusUnits: 'pixels',
        getRadius: 11,
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
        updateTriggers: { getPosition: t },
      }),
      new TextLayer({
        id: TYPHOON_LAYER_IDS.label,
        data: [state],
        getPosition: (d: { lon: number; lat: number }) => [d.lon, d.lat],
        getText: () => stormLabel(track.storm.nameZh ?? track.storm.name, state.maxWindMs, state.grade),
        getSize: 22,
        getColor: [255, 255, 255, 255],
        getPixelOffset: [0, -30],
        fontFamily: FONT_FAMILY,
        characterSet: 'auto',
        sizeUnits: 'pixels',
        fontWeight: 700,
        fontSettings: { sdf: true, fontSize: 56, buffer: 10, radius: 14, cutoff: 0.22, smoothing: 0.12 },
        outlineWidth: 5,
        outlineColor: [4, 8, 16, 235],
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
        updateTriggers: { getPosition: t, getText: t },
      }),
    );
  }
  return layers;
}

/** "利奇马 · 超强台风 · 16级 52 m/s": what a planner reads off the storm at a glance. */
export function stormLabel(name: string, windMs: number | null, grade: keyof typeof TC_GRADE_INFO): string {
  const force = windMs === null ? null : beaufortForce(windMs);
  return `${name} · ${TC_GRADE_INFO[grade].zh}${force === null ? '' : ` · ${force}级 ${Math.round(windMs!)} m/s`}`;
}

export const typhoonLayers: MapLayersDef = {
  id: 'typhoon',
  subscribe(onChange) {
    const offStore = useTyphoonStore.subscribe((s, prev) => {
      if (s.track !== prev.track || s.visible !== prev.visible || s.shiftMs !== prev.shiftMs) onChange();
    });
    const offLive = useLiveStore.subscribe((s, prev) => {
      if (s.mode !== prev.mode || s.replay !== prev.replay) onChange();
    });
    // The storm moves with the clock: redraw when its time has moved a step (live, or replay playing).
    let lastStep = -1;
    const timer = setInterval(() => {
      const step = Math.floor(toStorm(playerNow()) / STEP_MS);
      if (useTyphoonStore.getState().track && step !== lastStep) {
        lastStep = step;
        onChange();
      }
    }, 1000);
    return () => {
      offStore();
      offLive();
      clearInterval(timer);
    };
  },
  build,
};
