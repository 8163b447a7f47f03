/**
 * The briefing's maps, drawn by the app's own map stack (maplibre with the offline base map,
 * deck.gl interleaved, the city's and the typhoon module's layers) into an off-screen map of the
 * printed size, copied out as an image once everything has drawn, and the map freed again. One map
 * at a time: each holds a WebGL context, and the browser keeps only a few.
 *
 * A printed page keeps the image, not the WebGL canvas (whose buffer the print would find empty).
 */
import maplibregl from 'maplibre-gl';
import { MapboxOverlay } from '@deck.gl/mapbox';
import { AmbientLight, DirectionalLight, LightingEffect, type Layer } from '@deck.gl/core';
import { buildBasemapStyle } from '../../../views/map/basemapStyle.ts';
import type { BasemapCollection } from '../../../../electron/common/dto.ts';

export type LonLatBounds = [number, number, number, number];

export interface BriefMapSpec {
  /** CSS pixels of the printed map; drawn at `pixelRatio` times that. */
  width: number;
  height: number;
  bounds: LonLatBounds;
  padding?: number;
  basemap: BasemapCollection;
  layers: (zoom: number) => Layer[];
}

// The same light as the console's map (MapController), so the city looks as it does there.
const lighting = new LightingEffect({
  ambient: new AmbientLight({ color: [190, 210, 255], intensity: 1.15 }),
  sun: new DirectionalLight({ color: [255, 240, 225], intensity: 1.6, direction: [-1.2, -2.4, -2] }),
  fill: new DirectionalLight({ color: [110, 160, 255], intensity: 0.55, direction: [2, 1.5, -1] }),
});

/** How long one map may take to draw before the briefing gives up on it (software GL is slow). */
const MAP_TIMEOUT_MS = 60_000;

const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));

/** Draws one map and returns it as a JPEG data URL. */
export async function drawBriefMap(spec: BriefMapSpec, pixelRatio = 2): Promise<string> {
  const container = document.createElement('div');
  // Off the page, at the printed size: maplibre sizes its canvas from the container.
  container.style.cssText = `position:fixed;left:-${spec.width + 100}px;top:0;width:${spec.width}px;height:${spec.height}px;`;
  document.body.appendChild(container);
  let map: maplibregl.Map | null = null;
  try {
    map = new maplibregl.Map({
      container,
      style: buildBasemapStyle(spec.basemap),
      bounds: spec.bounds,
      fitBoundsOptions: { padding: spec.padding ?? 24 },
      interactive: false,
      attributionControl: false,
      maplibreLogo: false,
      fadeDuration: 0,
      pixelRatio,
      renderWorldCopies: false,
      canvasContextAttributes: { antialias: true, preserveDrawingBuffer: true },
    });
    const m = map;
    await withTimeout(new Promise<void>((ok) => m.once('load', () => ok())), 'the base map did not load');
    m.fitBounds(spec.bounds, { padding: spec.padding ?? 24, duration: 0 });
    const overlay = new MapboxOverlay({ interleaved: true, layers: spec.layers(m.getZoom()), effects: [lighting] });
    m.addControl(overlay);
    // Drawn twice over: deck.gl's layers settle (font atlases, buffers) on the first frames.
    for (let i = 0; i < 2; i++) {
      await withTimeout(new Promise<void>((ok) => m.once('idle', () => ok())), 'the map did not finish drawing');
      await frame();
      m.triggerRepaint();
    }
    await withTimeout(new Promise<void>((ok) => m.once('idle', () => ok())), 'the map did not finish drawing');
    return m.getCanvas().toDataURL('image/jpeg', 0.9);
  } finally {
    try {
      map?.remove();
    } catch {
      // A map whose context is gone may throw on removal; its canvas goes with the container.
    }
    container.remove();
  }
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, fail) => setTimeout(() => fail(new Error(`${what} within ${MAP_TIMEOUT_MS / 1000} s`)), MAP_TIMEOUT_MS))]);
}

/** Bounds around points, widened to at least `minSpanDeg` and by `margin` of the span. */
export function boundsOf(points: readonly [number, number][], margin = 0.08, minSpanDeg = 0): LonLatBounds {
  const lons = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  let [w, s, e, n] = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
  const grow = (lo: number, hi: number): [number, number] => {
    const span = Math.max(hi - lo, minSpanDeg);
    const mid = (lo + hi) / 2;
    const half = (span * (1 + 2 * margin)) / 2;
    return [mid - half, mid + half];
  };
  [w, e] = grow(w, e);
  [s, n] = grow(s, n);
  return [w, Math.max(-80, s), e, Math.min(80, n)];
}
