/**
 * 吹哨报到 on the map: each active whistle's case ringed, and each summoned department where it is
 * (its last position on the way, else its base; the case once on site) joined to the case by a
 * line coloured by its state — blue on the way or summoned, green on site or done, red late — with
 * its name and ETA or lateness beside it, in the bundled font.
 */
import type { Layer } from '@deck.gl/core';
import { LineLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Summons, WhistleCase } from '../../../electron/common/whistle/contract.ts';
import { FONT_FAMILY } from '../../gfx/fonts.ts';
import { t } from '../../i18n/index.ts';
import type { MapLayersDef } from '../feature.ts';
import { useWhistleStore } from './store.ts';

export const WHISTLE_LAYER_IDS = { cases: 'whistle-cases', lines: 'whistle-lines', departments: 'whistle-departments', labels: 'whistle-labels' } as const;

type Rgba = [number, number, number, number];
export const STATE_COLOURS: Record<Summons['state'], Rgba> = {
  summoned: [120, 170, 255, 255],
  en_route: [64, 150, 255, 255],
  on_site: [40, 200, 120, 255],
  late_on_site: [240, 170, 40, 255],
  done: [40, 200, 120, 180],
  late: [255, 60, 60, 255],
};

interface Placed {
  c: WhistleCase;
  s: Summons;
  from: [number, number];
  to: [number, number];
}

export function summonsLabel(s: Summons, nowMs: number): string {
  if (s.state === 'late') return `${s.name} · ${t('whistle.over', { min: Math.max(1, Math.round((nowMs - s.dueAt) / 60_000)) })}`;
  if (s.state === 'en_route' && s.etaMin !== null) return `${s.name} · ${t('whistle.eta', { min: s.etaMin })}`;
  return `${s.name} · ${t(`whistle.state.${s.state}`)}`;
}

function build(): Layer[] {
  const { cases, visible } = useWhistleStore.getState();
  const active = cases.filter((c) => !c.done);
  if (!visible || active.length === 0) return [];
  const placed: Placed[] = [];
  for (const c of active) {
    for (const s of c.summons) {
      if (s.lon === null || s.lat === null) continue;
      placed.push({ c, s, from: [s.lon, s.lat], to: [c.lon, c.lat] });
    }
  }
  const now = Date.now();
  const over = { depthCompare: 'always', depthWriteEnabled: false } as const;
  return [
    new ScatterplotLayer({
      id: WHISTLE_LAYER_IDS.cases,
      data: active,
      getPosition: (c: WhistleCase) => [c.lon, c.lat],
      getRadius: 26,
      radiusUnits: 'pixels',
      stroked: true,
      filled: true,
      getFillColor: [255, 200, 40, 60],
      getLineColor: [255, 200, 40, 255],
      getLineWidth: 4,
      lineWidthUnits: 'pixels',
      parameters: over,
    }),
    new LineLayer({
      id: WHISTLE_LAYER_IDS.lines,
      data: placed.filter((p) => p.s.state !== 'on_site' && p.s.state !== 'late_on_site' && p.s.state !== 'done'),
      getSourcePosition: (p: Placed) => p.from,
      getTargetPosition: (p: Placed) => p.to,
      getColor: (p: Placed) => STATE_COLOURS[p.s.state],
      getWidth: 4,
      widthUnits: 'pixels',
      parameters: over,
      updateTriggers: { getColor: useWhistleStore.getState().loadedAt },
    }),
    new ScatterplotLayer({
      id: WHISTLE_LAYER_IDS.departments,
      data: placed,
      getPosition: (p: Placed) => p.from,
      getRadius: 11,
      radiusUnits: 'pixels',
      stroked: true,
      getFillColor: (p: Placed) => STATE_COLOURS[p.s.state],
      getLineColor: [8, 14, 24, 255],
      getLineWidth: 2,
      lineWidthUnits: 'pixels',
      parameters: over,
      updateTriggers: { getFillColor: useWhistleStore.getState().loadedAt },
    }),
    new TextLayer({
      id: WHISTLE_LAYER_IDS.labels,
      // Departments on site share the case's point: their labels stack under it.
      data: placed.map((p, i) => ({ ...p, row: p.s.reportedInAt !== null ? placed.slice(0, i).filter((q) => q.c === p.c && q.s.reportedInAt !== null).length : 0 })),
      getPosition: (p: Placed) => p.from,
      getText: (p: Placed) => summonsLabel(p.s, now),
      getSize: 17,
      getColor: (p: Placed) => (p.s.state === 'late' ? [255, 120, 120, 255] : [235, 242, 250, 255]),
      getPixelOffset: (p: Placed & { row: number }) => [16, p.row * 22],
      getTextAnchor: 'start',
      getAlignmentBaseline: 'center',
      fontFamily: FONT_FAMILY,
      characterSet: 'auto',
      sizeUnits: 'pixels',
      fontWeight: 700,
      fontSettings: { sdf: true, fontSize: 48, buffer: 8, radius: 12, cutoff: 0.22, smoothing: 0.12 },
      outlineWidth: 4,
      outlineColor: [4, 8, 16, 235],
      parameters: over,
      updateTriggers: { getText: useWhistleStore.getState().loadedAt, getColor: useWhistleStore.getState().loadedAt },
    }),
  ];
}

export const whistleLayers: MapLayersDef = {
  id: 'whistle',
  subscribe(onChange) {
    return useWhistleStore.subscribe((s, prev) => {
      if (s.cases !== prev.cases || s.visible !== prev.visible) onChange();
    });
  },
  build,
};
