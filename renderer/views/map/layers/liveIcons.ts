/**
 * Live markers as one canvas atlas (no image files, no network), drawn once the bundled font is
 * there: an incident badge per category × severity (a glyph on a disc in the severity colour) and
 * a resource marker per status (a heading arrow while moving, a dot while parked).
 */
import { INCIDENT_CATEGORIES, type IncidentCategory, type Severity } from '../../../../data/model/incidents.ts';
import { RESOURCE_STATUSES, type ResourceStatus } from '../../../../data/model/domain.ts';
import type { Rgb } from './buildingColours.ts';
import type { IconAtlas } from './facilityIcons.ts';

/** One character per category, as the facility markers do (占道经营 → 摊, 垃圾堆积 → 垃 …). */
export const INCIDENT_GLYPHS: Record<IncidentCategory, string> = {
  street_vending: '摊',
  garbage: '垃',
  waterlogging: '涝',
  streetlight: '灯',
  noise: '噪',
  fire: '火',
  medical: '急',
  elderly_care: '老',
  facility_damage: '损',
  typhoon_evacuation: '转',
  other: '事',
};
export const INCIDENT_GLYPH_TEXT = Object.values(INCIDENT_GLYPHS).join('');

export const SEVERITIES: readonly Severity[] = [4, 3, 2, 1];
/** critical red · high amber · medium yellow · low cyan. */
export const SEVERITY_COLOURS: Record<Severity, Rgb> = {
  4: [255, 59, 59],
  3: [255, 150, 28],
  2: [255, 214, 10],
  1: [47, 212, 240],
};
export const SEVERITY_NAMES: Record<Severity, 'critical' | 'high' | 'medium' | 'low'> = { 4: 'critical', 3: 'high', 2: 'medium', 1: 'low' };

/** idle green · en route amber · on scene red · offline grey. */
export const RESOURCE_STATUS_COLOURS: Record<ResourceStatus, Rgb> = {
  idle: [61, 220, 132],
  en_route: [255, 176, 32],
  on_scene: [255, 77, 79],
  offline: [128, 140, 156],
};

const CELL = 96;
const css = (c: Rgb, a = 1): string => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${a})`;

export const incidentIconKey = (category: IncidentCategory, severity: Severity): string => `inc-${category}-${severity}`;
export const resourceIconKey = (status: ResourceStatus, moving: boolean): string => `res-${status}-${moving ? 'arrow' : 'dot'}`;

function drawIncident(ctx: CanvasRenderingContext2D, x0: number, y0: number, category: IncidentCategory, severity: Severity): void {
  const cx = x0 + CELL / 2;
  const cy = y0 + CELL / 2;
  const colour = SEVERITY_COLOURS[severity];
  ctx.save();
  ctx.shadowColor = 'rgba(0, 0, 0, 0.7)';
  ctx.shadowBlur = 8;
  ctx.shadowOffsetY = 2;
  ctx.beginPath();
  ctx.arc(cx, cy, 36, 0, Math.PI * 2);
  ctx.fillStyle = css(colour);
  ctx.fill();
  ctx.restore();
  ctx.lineWidth = 5;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.95)';
  ctx.stroke();
  ctx.fillStyle = severity === 4 ? '#ffffff' : '#0a1420';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = '700 44px "Noto Sans SC", sans-serif';
  ctx.fillText(INCIDENT_GLYPHS[category], cx, cy + 3);
}

function drawResource(ctx: CanvasRenderingContext2D, x0: number, y0: number, status: ResourceStatus, moving: boolean): void {
  const cx = x0 + CELL / 2;
  const cy = y0 + CELL / 2;
  ctx.beginPath();
  if (moving) {
    // Navigation arrow pointing up (north); the layer rotates it to the heading.
    ctx.moveTo(cx, cy - 38);
    ctx.lineTo(cx + 30, cy + 34);
    ctx.lineTo(cx, cy + 18);
    ctx.lineTo(cx - 30, cy + 34);
    ctx.closePath();
  } else {
    ctx.arc(cx, cy, 26, 0, Math.PI * 2);
  }
  ctx.lineJoin = 'round';
  ctx.lineWidth = 10;
  ctx.strokeStyle = 'rgba(2, 8, 16, 0.95)';
  ctx.stroke();
  ctx.fillStyle = css(RESOURCE_STATUS_COLOURS[status]);
  ctx.fill();
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
  ctx.stroke();
  if (!moving) {
    ctx.beginPath();
    ctx.arc(cx, cy, 8, 0, Math.PI * 2);
    ctx.fillStyle = 'rgba(2, 8, 16, 0.9)';
    ctx.fill();
  }
}

export function createLiveAtlas(): IconAtlas {
  const cols = INCIDENT_CATEGORIES.length;
  const canvas = document.createElement('canvas');
  canvas.width = CELL * cols;
  canvas.height = CELL * (SEVERITIES.length + 1);
  // A CPU-backed canvas: the queue's and legend's swatches are read from it (liveIconDataUrl). A
  // GPU-backed one made each read wait for the GPU's queue, which with a software rasteriser held
  // the main thread 0.4 s in the frame that showed a new incident.
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const mapping: IconAtlas['mapping'] = {};
  const cell = (key: string, x: number, y: number): void => {
    mapping[key] = { x, y, width: CELL, height: CELL, anchorX: CELL / 2, anchorY: CELL / 2, mask: false };
  };
  SEVERITIES.forEach((severity, row) => {
    INCIDENT_CATEGORIES.forEach((category, col) => {
      if (ctx) drawIncident(ctx, col * CELL, row * CELL, category, severity);
      cell(incidentIconKey(category, severity), col * CELL, row * CELL);
    });
  });
  const y = SEVERITIES.length * CELL;
  RESOURCE_STATUSES.forEach((status, i) => {
    for (const moving of [true, false]) {
      const x = (2 * i + (moving ? 0 : 1)) * CELL;
      if (ctx) drawResource(ctx, x, y, status, moving);
      cell(resourceIconKey(status, moving), x, y);
    }
  });
  return { canvas, mapping };
}

let atlas: IconAtlas | null = null;
const swatches = new Map<string, string>();
/** The page's live atlas, created on first use (after the font has loaded). */
export function getLiveAtlas(): IconAtlas {
  if (!atlas) {
    atlas = createLiveAtlas();
    warmSwatches(Object.keys(atlas.mapping));
  }
  return atlas;
}

/**
 * Encodes every marker's swatch while the page is idle, a few at a time, so the first incident of
 * a kind does not pay for its PNG in the frame that must show it.
 */
function warmSwatches(keys: string[]): void {
  const idle = (globalThis as { requestIdleCallback?: (cb: (d: { timeRemaining(): number }) => void) => number }).requestIdleCallback;
  if (!idle) return;
  const step = (deadline: { timeRemaining(): number }): void => {
    while (keys.length > 0 && deadline.timeRemaining() > 2) liveIconDataUrl(keys.pop()!);
    if (keys.length > 0) idle(step);
  };
  idle(step);
}
/** One marker of the atlas as a data: URL, for the queue and the legend. */
export function liveIconDataUrl(key: string): string {
  let url = swatches.get(key);
  if (url) return url;
  const a = getLiveAtlas();
  const m = a.mapping[key];
  const c = document.createElement('canvas');
  c.width = CELL;
  c.height = CELL;
  if (m) c.getContext('2d', { willReadFrequently: true })?.drawImage(a.canvas, m.x, m.y, CELL, CELL, 0, 0, CELL, CELL);
  url = c.toDataURL('image/png');
  swatches.set(key, url);
  return url;
}
