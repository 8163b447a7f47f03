/**
 * The evacuation plan on the map: each grid of the plan filled by its evacuation clock (late red,
 * on time green, done blue) with the households still to move, the shelters with their planned
 * load against capacity, and where pump trucks and boats wait. Counts only: nothing about anyone,
 * so a wall draws the same.
 */
import type { Layer } from '@deck.gl/core';
import { PolygonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { EvacuationClockStatus, PlanBoardGrid } from '../../../../electron/common/typhoon/evacuationContract.ts';
import { FONT_FAMILY } from '../../../gfx/fonts.ts';
import { i18n, t } from '../../../i18n/index.ts';
import type { MapLayersDef } from '../../feature.ts';
import { useTyphoonStore } from '../store.ts';
import { usePlanStore } from './planStore.ts';

export const PLAN_LAYER_IDS = {
  grids: 'typhoon-plan-grids',
  gridLabels: 'typhoon-plan-grid-labels',
  shelters: 'typhoon-plan-shelters',
  shelterLabels: 'typhoon-plan-shelter-labels',
  resources: 'typhoon-plan-resources',
  resourceLabels: 'typhoon-plan-resource-labels',
} as const;

type Rgba = [number, number, number, number];
const FILL: Record<EvacuationClockStatus, Rgba> = {
  late: [224, 38, 47, 70],
  'on-time': [61, 220, 132, 50],
  done: [54, 160, 255, 45],
  'no-gale': [160, 170, 180, 30],
  invalid: [160, 170, 180, 30],
};
const LINE: Record<EvacuationClockStatus, Rgba> = {
  late: [255, 77, 79, 230],
  'on-time': [61, 220, 132, 200],
  done: [54, 160, 255, 200],
  'no-gale': [160, 170, 180, 160],
  invalid: [160, 170, 180, 160],
};
const OVERLAY = { depthCompare: 'always', depthWriteEnabled: false } as const;
const TEXT = {
  fontFamily: FONT_FAMILY,
  characterSet: 'auto' as const,
  sizeUnits: 'pixels' as const,
  fontWeight: 700,
  fontSettings: { sdf: true, fontSize: 56, buffer: 10, radius: 14, cutoff: 0.22, smoothing: 0.12 },
  outlineWidth: 5,
  outlineColor: [4, 8, 16, 235] as Rgba,
  parameters: OVERLAY,
};

function centroid(ring: [number, number][]): [number, number] {
  const n = ring.length;
  return [ring.reduce((a, p) => a + p[0], 0) / n, ring.reduce((a, p) => a + p[1], 0) / n];
}

function build(): Layer[] {
  const { visible } = useTyphoonStore.getState();
  const { plan, board } = usePlanStore.getState();
  if (!visible || !plan || !board) return [];
  const lang = i18n.language;
  const grids = board.grids.filter((g): g is PlanBoardGrid & { ring: [number, number][] } => g.ring !== null && g.households > 0);
  const shelters = plan.shelters.filter((s) => s.planned > 0);
  return [
    new PolygonLayer({
      id: PLAN_LAYER_IDS.grids,
      data: grids,
      getPolygon: (g: PlanBoardGrid & { ring: [number, number][] }) => g.ring,
      getFillColor: (g: PlanBoardGrid) => FILL[g.clock.status],
      getLineColor: (g: PlanBoardGrid) => LINE[g.clock.status],
      getLineWidth: 2,
      lineWidthUnits: 'pixels',
      stroked: true,
      filled: true,
      pickable: false,
      parameters: OVERLAY,
      updateTriggers: { getFillColor: board, getLineColor: board },
    }),
    new TextLayer({
      ...TEXT,
      id: PLAN_LAYER_IDS.gridLabels,
      data: grids,
      getPosition: (g: PlanBoardGrid & { ring: [number, number][] }) => centroid(g.ring),
      getText: (g: PlanBoardGrid) => t('typhoon.plan.mapLeft', { n: g.left }),
      getSize: 15,
      getColor: (g: PlanBoardGrid) => (g.clock.late ? [255, 170, 170, 255] : [220, 255, 230, 255]),
      updateTriggers: { getText: [board, lang], getColor: board },
    }),
    new ScatterplotLayer({
      id: PLAN_LAYER_IDS.shelters,
      data: shelters,
      getPosition: (s: { lon: number; lat: number }) => [s.lon, s.lat],
      getRadius: 9,
      radiusUnits: 'pixels',
      getFillColor: (s: { planned: number; capacity: number }) => (s.planned >= s.capacity ? [255, 176, 32, 255] : [61, 220, 132, 255]),
      getLineColor: [4, 8, 16, 255],
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      stroked: true,
      parameters: OVERLAY,
    }),
    new TextLayer({
      ...TEXT,
      id: PLAN_LAYER_IDS.shelterLabels,
      data: shelters,
      getPosition: (s: { lon: number; lat: number }) => [s.lon, s.lat],
      getText: (s: { planned: number; capacity: number }) => t('typhoon.plan.mapShelter', { planned: s.planned, capacity: s.capacity }),
      getSize: 15,
      getColor: [255, 255, 255, 255],
      getPixelOffset: [0, -20],
      updateTriggers: { getText: lang },
    }),
    new ScatterplotLayer({
      id: PLAN_LAYER_IDS.resources,
      data: plan.prePositions,
      getPosition: (p: { lon: number; lat: number }) => [p.lon, p.lat],
      getRadius: 7,
      radiusUnits: 'pixels',
      getFillColor: (p: { kind: string }) => (p.kind === 'rescue_boat' ? [54, 214, 255, 255] : [80, 120, 255, 255]),
      getLineColor: [255, 255, 255, 255],
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      stroked: true,
      parameters: OVERLAY,
    }),
    new TextLayer({
      ...TEXT,
      id: PLAN_LAYER_IDS.resourceLabels,
      data: plan.prePositions,
      getPosition: (p: { lon: number; lat: number }) => [p.lon, p.lat],
      getText: (p: { callsign: string }) => p.callsign,
      getSize: 13,
      getColor: [190, 235, 255, 255],
      getPixelOffset: [0, 16],
    }),
  ];
}

export const planLayers: MapLayersDef = {
  id: 'typhoon-plan',
  subscribe(onChange) {
    const offPlan = usePlanStore.subscribe((s, prev) => {
      if (s.plan !== prev.plan || s.board !== prev.board) onChange();
    });
    const offTyphoon = useTyphoonStore.subscribe((s, prev) => {
      if (s.visible !== prev.visible) onChange();
    });
    const onLanguage = (): void => onChange();
    i18n.on('languageChanged', onLanguage);
    return () => {
      offPlan();
      offTyphoon();
      i18n.off('languageChanged', onLanguage);
    };
  },
  build,
};
