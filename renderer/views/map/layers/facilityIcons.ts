/**
 * Facility markers: a canvas-drawn icon atlas (no image files, no network) of map pins, one per
 * facility kind, each a coloured badge with a Chinese character (避 医 消 泵 储 社 学 警) or `AED`.
 * Drawn once with the bundled Noto Sans SC after the font has loaded.
 */
import { FACILITY_KINDS, type FacilityKind } from '../../../../data/model/domain.ts';
import type { Rgb } from './buildingColours.ts';

export interface FacilityStyle {
  glyph: string;
  colour: Rgb;
}

export const FACILITY_STYLES: Record<FacilityKind, FacilityStyle> = {
  shelter: { glyph: '避', colour: [34, 168, 96] },
  hospital: { glyph: '医', colour: [226, 60, 64] },
  fire_station: { glyph: '消', colour: [255, 98, 36] },
  pump_station: { glyph: '泵', colour: [34, 134, 230] },
  material_depot: { glyph: '储', colour: [236, 162, 30] },
  community_centre: { glyph: '社', colour: [0, 172, 193] },
  aed: { glyph: 'AED', colour: [216, 27, 96] },
  school: { glyph: '学', colour: [142, 88, 214] },
  police: { glyph: '警', colour: [52, 78, 200] },
};

/** Pixel size of one atlas cell; icons are drawn at 2× their largest on-screen size. */
const CELL = 128;

export interface IconAtlas {
  canvas: HTMLCanvasElement;
  mapping: Record<string, { x: number; y: number; width: number; height: number; anchorX: number; anchorY: number; mask: boolean }>;
}

const css = (c: Rgb, a = 1): string => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${a})`;

function drawPin(ctx: CanvasRenderingContext2D, x0: number, style: FacilityStyle): void {
  const cx = x0 + CELL / 2;
  const r = 14;
  const top = 6;
  const size = 92;
  const left = cx - size / 2;
  ctx.save();
  ctx.shadowColor = 'rgba(0, 0, 0, 0.65)';
  ctx.shadowBlur = 8;
  ctx.shadowOffsetY = 3;
  // Badge with a pointer: the anchor is the pointer's tip.
  ctx.beginPath();
  ctx.moveTo(left + r, top);
  ctx.lineTo(left + size - r, top);
  ctx.quadraticCurveTo(left + size, top, left + size, top + r);
  ctx.lineTo(left + size, top + size - r);
  ctx.quadraticCurveTo(left + size, top + size, left + size - r, top + size);
  ctx.lineTo(cx + 12, top + size);
  ctx.lineTo(cx, top + size + 20);
  ctx.lineTo(cx - 12, top + size);
  ctx.lineTo(left + r, top + size);
  ctx.quadraticCurveTo(left, top + size, left, top + size - r);
  ctx.lineTo(left, top + r);
  ctx.quadraticCurveTo(left, top, left + r, top);
  ctx.closePath();
  ctx.fillStyle = css(style.colour);
  ctx.fill();
  ctx.restore();
  ctx.lineWidth = 5;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.92)';
  ctx.stroke();
  // Inner sheen so the badge reads as a marker, not a flat square.
  const g = ctx.createLinearGradient(0, top, 0, top + size);
  g.addColorStop(0, 'rgba(255,255,255,0.22)');
  g.addColorStop(0.5, 'rgba(255,255,255,0)');
  ctx.fillStyle = g;
  ctx.fill();
  ctx.fillStyle = '#ffffff';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const latin = /^[A-Z]+$/.test(style.glyph);
  ctx.font = latin ? '700 34px "Noto Sans SC", sans-serif' : '700 60px "Noto Sans SC", sans-serif';
  ctx.fillText(style.glyph, cx, top + size / 2 + (latin ? 2 : 4));
}

/** The glyphs the atlas needs, for preloading the font subsets. */
export const FACILITY_GLYPHS = Object.values(FACILITY_STYLES).map((s) => s.glyph).join('');

export function createFacilityAtlas(): IconAtlas {
  const canvas = document.createElement('canvas');
  canvas.width = CELL * FACILITY_KINDS.length;
  canvas.height = CELL;
  // CPU-backed: the legend reads swatches from it (see createLiveAtlas).
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const mapping: IconAtlas['mapping'] = {};
  FACILITY_KINDS.forEach((kind, i) => {
    if (ctx) drawPin(ctx, i * CELL, FACILITY_STYLES[kind]);
    mapping[kind] = { x: i * CELL, y: 0, width: CELL, height: CELL, anchorX: CELL / 2, anchorY: 120, mask: false };
  });
  return { canvas, mapping };
}

/** A small swatch of one marker for the legend, as a data: URL (CSP allows `img-src data:`). */
export function facilityIconDataUrl(atlas: IconAtlas, kind: FacilityKind): string {
  const c = document.createElement('canvas');
  c.width = CELL;
  c.height = CELL;
  c.getContext('2d', { willReadFrequently: true })?.drawImage(atlas.canvas, FACILITY_KINDS.indexOf(kind) * CELL, 0, CELL, CELL, 0, 0, CELL, CELL);
  return c.toDataURL('image/png');
}
