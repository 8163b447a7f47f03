/**
 * The map view's imperative core: one maplibre map with deck.gl interleaved into its WebGL2
 * context for the city (buildings, facilities, labels: drawn with the base map, sharing its depth),
 * and a second deck.gl canvas laid over it for the live layers (incidents, resources, trails,
 * alert beacons). The split is about time: the live layers change many times a second (pulses,
 * gliding markers, new incidents), and redrawing them must not redraw the 3D city and the base map
 * each time. With software GL a full 1080p city frame costs a large part of a second; the live
 * canvas's own drawing costs a few milliseconds (the browser's compositing of the frame then
 * costs more: about 55 ms at 1080p with llvmpipe, see the README). The live canvas follows the
 * map's camera on every map render (deck.gl's overlaid MapboxOverlay).
 *
 * It reads the twin and UI stores directly and pushes layers to deck.gl without going through
 * React, so hover and selection never re-render components (ARCHITECTURE-ANCHORS §2 rule 13).
 * Created and disposed by `MapView`.
 */
import type maplibregl from 'maplibre-gl';
import { MapboxOverlay } from '@deck.gl/mapbox';
import { AmbientLight, DirectionalLight, LightingEffect, type PickingInfo } from '@deck.gl/core';
import type { BasemapCollection, BuildingColumns, Facility, TwinInfo } from '../../../electron/common/dto.ts';
import type { BuildingGeometry } from './layers/buildingGeometry.ts';
import { buildBasemapStyle } from './basemapStyle.ts';
import { buildLayers, LAYER_IDS, type LayerCount } from './layers/buildLayers.ts';
import type { Layer } from '@deck.gl/core';
import { colouringNow, followColouring } from '../../features/colourBy.ts';
import type { BuildingColouring } from './layers/buildingColours.ts';
import { buildBasemapLabels, DETAIL_LABEL_ZOOM, labelCharacters, type LabelDatum } from './layers/labels.ts';
import { getFacilityAtlas } from './layers/facilityAtlas.ts';
import type { IconAtlas } from './layers/facilityIcons.ts';
import { FACILITY_GLYPHS } from './layers/facilityIcons.ts';
import { ensureFont } from '../../gfx/fonts.ts';
import { watchContextLoss } from '../../gfx/contextLoss.ts';
import { GpuFence } from '../../gfx/gpuFence.ts';
import { useGfxStore } from '../../state/gfxStore.ts';
import { hoverBuildingRow, selectBuilding, showBuilding, useUiStore } from '../../state/uiStore.ts';
import { playerNow, setPanelRefreshMs, useLiveStore } from '../../state/liveStore.ts';
import { getLiveAtlas, INCIDENT_GLYPH_TEXT } from './layers/liveIcons.ts';
import { positions } from '../../sources/positionBuffer.ts';
import { escapeHtml } from './liveTooltips.ts';
import { LiveMapPart } from './LiveMapPart.ts';
import type { RecordDevice } from './layers/resourceRecords.ts';
import { FramePacer } from './framePacer.ts';
import { registerCameraTarget, type CameraPreset } from '../../actions/camera.ts';
import { buildingName, requestBuildingName } from '../../actions/buildingNames.ts';
import { registerMapProbe } from '../../testing/testHooks.ts';
import { mapPadding } from '../../app/layout.ts';
import { symbolScale, useLayoutStore } from '../../layout/store.ts';
import { t } from '../../i18n/index.ts';
import { BUILDING_USES } from '../../../data/model/domain.ts';
import { MAP_LAYER_DEFS } from '../../features/registry.ts';
import { createMap, removeMap } from './maplibreRelease.ts';

export interface MapData {
  info: TwinInfo;
  columns: BuildingColumns;
  geometry: BuildingGeometry;
  basemap: BasemapCollection;
  facilities: Facility[];
}

/** Facility names are drawn from this zoom on. */
const FACILITY_NAME_ZOOM = 15.6;
/** Zooms where the set of labels changes (see labels.ts minZoom values). */
const LABEL_TIERS = [14.5, 14.8, FACILITY_NAME_ZOOM, DETAIL_LABEL_ZOOM];
const zoomTier = (zoom: number): number => LABEL_TIERS.filter((z) => zoom >= z).length;

const lighting = new LightingEffect({
  ambient: new AmbientLight({ color: [190, 210, 255], intensity: 1.15 }),
  sun: new DirectionalLight({ color: [255, 240, 225], intensity: 1.6, direction: [-1.2, -2.4, -2] }),
  fill: new DirectionalLight({ color: [110, 160, 255], intensity: 0.55, direction: [2, 1.5, -1] }),
});

interface SavedCamera {
  center: [number, number];
  zoom: number;
  pitch: number;
  bearing: number;
  /** The layout it was framed in (renderer/layout/). */
  layout: string;
}
/** The part of deck.gl's Deck that its own render loop uses each frame (Deck._onRenderFrame). */
interface ImmediateDeck {
  isInitialized: boolean;
  device?: RecordDevice;
  layerManager: { updateLayers(): void } | null;
  redraw(reason?: string): void;
}

/** The map's WebGL is drawn by the CPU (no GPU, or a blocklisted one). */
function isSoftwareGl(canvas: HTMLCanvasElement): boolean {
  const gl = canvas.getContext('webgl2');
  if (!gl) return false;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
}

/** Camera of the last map, so a remount after a lost context comes back where it was. */
let savedCamera: SavedCamera | null = null;

export class MapController {
  private readonly map: maplibregl.Map;
  /** The city, interleaved with the base map. */
  private readonly overlay: MapboxOverlay;
  /** The live layers, on their own canvas over the map (see the file comment). */
  private readonly liveOverlay: MapboxOverlay;
  private readonly data: MapData;
  private readonly tooltip: HTMLDivElement;
  private readonly disposers: (() => void)[] = [];
  private atlas: IconAtlas | null = null;
  private readonly live: LiveMapPart;
  private readonly pacer: FramePacer;
  /** Tells the pacer whether the live canvas's last frame is still on the GPU. */
  private gpuFence: GpuFence | null = null;
  /** The city's layers (rebuilt by `render`). */
  private staticCounts: LayerCount[] = [];
  /** The building colouring last drawn (a channel's change redraws only when it is another object). */
  private shownColouring: BuildingColouring | null = null;
  /** Live object under the pointer, whose tooltip is refreshed as it ages or moves. */
  private hoverLive: { x: number; y: number; html: () => string } | null = null;
  private hoverRefreshAt = 0;
  private labels: LabelDatum[] | null = null;
  private counts: LayerCount[] = [];
  /** Label tier of the current zoom; layers are rebuilt only when it changes. */
  private zoomTier = -1;
  private styleLoaded = false;
  private ready = false;
  private disposed = false;

  public constructor(container: HTMLDivElement, data: MapData) {
    this.data = data;
    this.live = new LiveMapPart(data.columns, data.geometry);
    this.pacer = new FramePacer((now) => this.frame(now));
    const padding = mapPadding();
    this.map = createMap({
      container,
      style: buildBasemapStyle(data.basemap),
      bounds: data.info.bbox,
      fitBoundsOptions: { padding },
      maxPitch: 85,
      attributionControl: false,
      maplibreLogo: false,
      fadeDuration: 0,
      canvasContextAttributes: { antialias: true, preserveDrawingBuffer: false, powerPreference: 'high-performance' },
    });
    // Ctrl/right-drag rotates and tilts (maplibre defaults); keyboard rotation for console use.
    this.map.keyboard.enable();
    this.overlay = new MapboxOverlay({
      interleaved: true,
      layers: [],
      effects: [lighting],
      pickingRadius: 3,
      onAfterRender: () => this.onAfterRender(),
    });
    this.map.addControl(this.overlay);
    // Without a GPU the live canvas goes without multisampling: every animated 1080p frame was
    // rasterised four times over by the CPU (its markers smooth their own edges in the shader).
    // Its drawing buffer is not preserved (luma.gl's default is to preserve it, which costs a
    // full-canvas copy per frame): every frame redraws the whole canvas anyway.
    const softwareGl = isSoftwareGl(this.map.getCanvas());
    this.liveOverlay = new MapboxOverlay({
      interleaved: false,
      deviceProps: { webgl: { antialias: !softwareGl, preserveDrawingBuffer: false } },
      layers: [],
      pickingRadius: 3,
      onAfterRender: ({ gl }: { gl: WebGL2RenderingContext }) => {
        // Every frame of the live canvas is fenced, whoever drew it (data, animation, camera).
        this.gpuFence ??= new GpuFence(gl);
        this.pacer.gpu ??= this.gpuFence;
        this.gpuFence.mark();
        if (this.styleLoaded) this.live.afterRender((done) => this.gpuFence?.whenPassed(done));
      },
    });
    this.map.addControl(this.liveOverlay);
    // With a software rasteriser (no GPU: SwiftShader, llvmpipe) every animated frame is a
    // full-screen composite on the CPU that also runs the host ingesting the feed: pulses and
    // gliding markers run at ten frames a second there (measured with llvmpipe at 1080p: at 25 the
    // GPU process took more than a core with the feed idle, and the page's event-to-pixel p50 at
    // 20 ev/s was ~75 ms; at 10, ~45 ms). Data changes are not held by this floor.
    // The panels' backdrop blur goes too: it is recomputed over the map whenever a marker under a
    // panel moves, which costs a software compositor most of a frame (styles/app.css).
    if (softwareGl) {
      this.pacer.floorMs = 100;
      setPanelRefreshMs(1000);
      document.documentElement.classList.add('software-gl');
    }

    this.tooltip = document.createElement('div');
    this.tooltip.className = 'map-tooltip';
    container.appendChild(this.tooltip);

    this.map.on('load', () => {
      this.styleLoaded = true;
      // The container may have been laid out after construction: frame the district again
      // (or go back to where the previous map was, after a remount).
      // A camera saved under another layout framed another box: frame the district again.
      const previous = savedCamera?.layout === useLayoutStore.getState().layout.def.id ? savedCamera : null;
      this.map.resize();
      if (previous) this.map.jumpTo(previous);
      else this.map.fitBounds(data.info.bbox, { padding: mapPadding(), duration: 0 });
      this.render();
    });
    this.map.on('zoom', () => {
      const tier = zoomTier(this.map.getZoom());
      if (tier !== this.zoomTier) {
        this.zoomTier = tier;
        this.render();
      }
    });
    // NOTE: clicks are picked here rather than through deck's onClick: in interleaved mode the
    // overlay's pointer-down bookkeeping occasionally missed a click right after a hover (seen
    // with synthetic clicks in Playwright), while maplibre's own click event is reliable.
    this.map.on('click', (e) => this.onClick(this.pickAt(e.point.x, e.point.y)));
    // Hover is picked the same way, at most once per animation frame: a live object over the
    // city wins, as it is drawn on top. NOTE: not through the overlays' `onHover`: the interleaved
    // overlay only picks when the map repaints, so over an idle map a hovered roof was never
    // named (the e2e building test hovers a still map and caught it). The live overlay still runs
    // its own pointer pick as well; its layers are small, so that second pick is cheap.
    let hoverAt: { x: number; y: number } | null = null;
    let hoverFrame = 0;
    this.map.on('mousemove', (e) => {
      hoverAt = { x: e.point.x, y: e.point.y };
      hoverFrame ||= requestAnimationFrame(() => {
        hoverFrame = 0;
        if (hoverAt && !this.disposed) this.onHover(this.pickAt(hoverAt.x, hoverAt.y), hoverAt);
      });
    });
    this.map.on('mouseout', () => {
      hoverAt = null;
      this.onHover(null, null);
    });
    this.map.on('moveend', () => {
      if (!this.styleLoaded) return;
      const c = this.map.getCenter();
      savedCamera = { center: [c.lng, c.lat], zoom: this.map.getZoom(), pitch: this.map.getPitch(), bearing: this.map.getBearing(), layout: useLayoutStore.getState().layout.def.id };
    });
    this.map.on('error', (e) => console.warn('[civictwin] map error', e.error));
    this.disposers.push(watchContextLoss(this.map.getCanvas(), 'map', { remountOnRestore: true }));
    this.disposers.push(
      useUiStore.subscribe((s, prev) => {
        if (s.selectedBuildingId !== prev.selectedBuildingId || s.hoveredBuildingRow !== prev.hoveredBuildingRow) {
          this.render();
        } else if (s.liveLayers !== prev.liveLayers || s.selectedIncidentId !== prev.selectedIncidentId || s.selectedAlertId !== prev.selectedAlertId) {
          this.pacer.drawNow();
        }
      }),
    );
    this.disposers.push(
      useLiveStore.subscribe((s, prev) => {
        // Incidents and alerts are drawn at once (event-to-pixel latency), outside the pacing;
        // new fixes only need the animation running (markers glide towards them). A colouring
        // that follows the feed redraws the city through `followColouring` below.
        if (s.incidents !== prev.incidents || s.alerts !== prev.alerts || s.alertCounts !== prev.alertCounts || s.resources !== prev.resources || s.mode !== prev.mode) this.pacer.drawNow();
        else if (s.version !== prev.version) this.pacer.animate();
      }),
    );
    // Another layout (a window moved onto the wall, another scale): symbols follow its scale and
    // the district is framed again in the free area, off the wall's seams.
    this.disposers.push(
      useLayoutStore.subscribe((s, prev) => {
        if (s.layout === prev.layout) return;
        // A console only resized keeps the person's camera; another layout or scale, or a wall's
        // cells moving, frames the district again.
        const reframe = s.layout.def.id !== prev.layout.def.id || s.layout.scale !== prev.layout.scale || s.layout.def.arrangement === 'cells';
        if (!reframe) {
          this.render();
          return;
        }
        // After the shell has given the map its new box (the next frames).
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            if (this.disposed) return;
            this.map.resize();
            this.render();
            if (this.styleLoaded) this.map.fitBounds(data.info.bbox, { padding: mapPadding(), duration: 0 });
          }),
        );
      }),
    );
    // The building colouring: another channel chosen, or what the chosen one follows (the live
    // feed, the player's time); the city is drawn again only when the colouring is another object.
    this.disposers.push(
      followColouring(() => {
        if (colouringNow(data.columns, data.geometry) !== this.shownColouring) this.render();
      }),
    );
    // A feature module's layers are rebuilt when what they draw changes.
    for (const def of MAP_LAYER_DEFS) this.disposers.push(def.subscribe(() => this.render()));
    registerCameraTarget(this);
    registerMapProbe({
      isReady: () => this.ready && !useGfxStore.getState().map.lost,
      layers: () => this.counts.map((c) => ({ ...c })),
      buildingScreenPoint: (id) => this.buildingScreenPoint(id),
      cameraMoving: () => this.map.isMoving(),
      incidentIds: () => this.live.incidentIds(),
      resourcePosition: (id) => positions.position(id),
      resourceScreenPoint: (id) => this.resourceScreenPoint(id),
      whenDrawn: (version) => this.live.whenDrawn(version, () => this.pacer.request()),
    });
    this.render();
    void this.loadCanvasText();
  }

  /** Labels and icons are drawn into canvas atlases: wait for the bundled font first. */
  private async loadCanvasText(): Promise<void> {
    const labels = buildBasemapLabels(this.data.basemap);
    await ensureFont(labelCharacters(labels, this.data.facilities) + FACILITY_GLYPHS + INCIDENT_GLYPH_TEXT);
    if (this.disposed) return;
    this.labels = labels;
    this.atlas = getFacilityAtlas();
    this.live.atlas = getLiveAtlas();
    this.render();
  }

  private render(): void {
    if (this.disposed) return;
    const ui = useUiStore.getState();
    const { columns, geometry, facilities } = this.data;
    const selectedRow = ui.selectedBuildingId === null ? -1 : (geometry.rowOfId.get(ui.selectedBuildingId) ?? -1);
    const colouring = colouringNow(columns, geometry, ui.colourBy);
    this.shownColouring = colouring;
    const { layers, counts } = buildLayers({
      columns,
      geometry,
      colouring,
      selectedRow,
      hoveredRow: ui.hoveredBuildingRow,
      facilities,
      atlas: this.atlas,
      labels: this.labels,
      showFacilityNames: this.map.getZoom() >= FACILITY_NAME_ZOOM,
      zoom: this.map.getZoom(),
    });
    // The feature modules' layers (renderer/features/registry.ts), at the player's moment.
    const context = { timeMs: playerNow(), originLon: columns.originLon, originLat: columns.originLat };
    const featureLayers = MAP_LAYER_DEFS.flatMap((def) => def.build(context));
    this.overlay.setProps({ layers: [...layers, ...featureLayers] });
    this.staticCounts = [...counts, ...featureLayers.map((l) => ({ id: l.id, count: layerCount(l) }))];
    this.pacer.drawNow();
  }

  /** One frame: the live layers for this instant, handed to the live canvas's deck.gl. */
  private frame(nowPerf: number): boolean {
    if (this.disposed) return false;
    const deck = (this.liveOverlay as unknown as { _deck?: ImmediateDeck })._deck;
    const device = deck?.isInitialized ? (deck.device ?? null) : null;
    const out = this.live.build(nowPerf, this.map.getBearing(), this.map.getZoom(), device);
    this.counts = [...this.staticCounts, ...out.counts];
    this.liveOverlay.setProps({ layers: [...out.low, ...out.high] });
    // Draw now, in this animation frame (the pacer's), rather than at deck.gl's own next one: one
    // frame less is up to a tenth of a second of event-to-pixel latency with software GL. The
    // reason forces the draw: resource records change inside their GPU buffer, not in props.
    if (deck?.isInitialized && deck.layerManager) {
      deck.layerManager.updateLayers();
      deck.redraw('live frame');
    }
    if (this.hoverLive && nowPerf - this.hoverRefreshAt > 500) {
      this.hoverRefreshAt = nowPerf;
      this.showTooltip(this.hoverLive.x, this.hoverLive.y, this.hoverLive.html());
    }
    return out.animating;
  }

  private onAfterRender(): void {
    if (!this.ready && this.styleLoaded && this.atlas) this.ready = true;
  }

  /** What is under a map pixel: a live object first (it is drawn on top), else the city. */
  private pickAt(x: number, y: number): PickingInfo | null {
    const live = this.liveOverlay.pickObject({ x, y, radius: 3 });
    if (live?.layer) return live;
    return this.overlay.pickObject({ x, y, radius: 3 });
  }

  private onHover(info: PickingInfo | null, at: { x: number; y: number } | null): void {
    const canvas = this.map.getCanvas();
    const layerId = info?.layer?.id;
    if (!info || !at) {
      hoverBuildingRow(-1);
      canvas.style.cursor = '';
      this.tooltip.style.display = 'none';
      this.hoverLive = null;
      return;
    }
    if (layerId === LAYER_IDS.buildings && info.index >= 0) {
      const row = this.data.columns.polygonBuilding[info.index] ?? -1;
      hoverBuildingRow(row);
      canvas.style.cursor = 'pointer';
      this.showTooltip(at.x, at.y, this.buildingTooltip(row));
    } else if (layerId === LAYER_IDS.facilities && info.object) {
      const f = info.object as Facility;
      hoverBuildingRow(-1);
      canvas.style.cursor = f.buildingId !== null ? 'pointer' : '';
      const cap = f.capacity !== null ? ` · ${t('facility.capacity', { count: f.capacity })}` : '';
      this.showTooltip(at.x, at.y, `<b>${escapeHtml(f.name)}</b><span>${escapeHtml(t(`facility.${f.kind}`))}${escapeHtml(cap)}</span>`);
    } else if (this.liveHover(info, at)) {
      hoverBuildingRow(-1);
      return;
    } else {
      hoverBuildingRow(-1);
      canvas.style.cursor = '';
      this.tooltip.style.display = 'none';
    }
    this.hoverLive = null;
  }

  /** Tooltip of an incident, resource or alert beacon; false when the pointer is on none. */
  private liveHover(info: PickingInfo, at: { x: number; y: number }): boolean {
    const html = this.live.hoverHtml(info);
    if (!html) return false;
    // Incidents and alert beacons open their panel on click; resources only explain themselves.
    this.map.getCanvas().style.cursor = info.layer?.id === 'resources' ? '' : 'pointer';
    this.hoverLive = { x: at.x, y: at.y, html };
    this.showTooltip(at.x, at.y, html());
    return true;
  }

  private buildingTooltip(row: number): string {
    const c = this.data.columns;
    const id = c.id[row] ?? -1;
    const use = BUILDING_USES[c.use[row] ?? 8] ?? 'other';
    const parts = [t(`use.${use}`), t('tooltip.floors', { count: c.floors[row] ?? 0 })];
    if ((c.households[row] ?? 0) > 0) parts.push(t('tooltip.residents', { count: c.residents[row] ?? 0 }));
    const name = buildingName(id);
    // Its name once known (asked when the hover rests), its number until then.
    if (name === undefined)
      requestBuildingName(id, () => {
        if (!this.disposed && useUiStore.getState().hoveredBuildingRow === row && this.tooltip.style.display !== 'none') this.tooltip.innerHTML = this.buildingTooltip(row);
      });
    return `<b>${escapeHtml(name ?? t('tooltip.building', { id }))}</b><span>${escapeHtml(parts.join(' · '))}</span>`;
  }

  private showTooltip(x: number, y: number, html: string): void {
    this.tooltip.innerHTML = html;
    this.tooltip.style.display = 'block';
    // The tooltip zooms with the panels (styles/layout.css): its offset is in its own, zoomed px.
    const zoom = symbolScale();
    this.tooltip.style.transform = `translate(${Math.round((x + 16) / zoom)}px, ${Math.round((y + 16) / zoom)}px)`;
  }

  private onClick(info: PickingInfo | null): void {
    const layerId = info?.layer?.id;
    if (this.live.click(info)) return;
    if (info && layerId === LAYER_IDS.buildings && info.index >= 0) {
      const row = this.data.columns.polygonBuilding[info.index];
      if (row !== undefined) showBuilding(this.data.columns.id[row] ?? null);
    } else if (info && layerId === LAYER_IDS.facilities && info.object) {
      const f = info.object as Facility;
      if (f.buildingId !== null) showBuilding(f.buildingId);
    } else if (!layerId) {
      selectBuilding(null);
    }
  }

  //#region camera
  /** Pixel offset from the map centre to the centre of the area the panels leave free. */
  private freeAreaOffset(padding: ReturnType<typeof mapPadding>): [number, number] {
    return [(padding.left - padding.right) / 2, (padding.top - padding.bottom) / 2];
  }

  public flyToPreset(preset: CameraPreset): void {
    const docked = useUiStore.getState().selectedBuildingId !== null;
    const padding = mapPadding(docked);
    const { bbox } = this.data.info;
    if (preset === 'overview') {
      this.map.fitBounds(bbox, { padding, pitch: 0, bearing: 0, duration: 1400 });
    } else if (preset === 'oblique') {
      const cam = this.map.cameraForBounds(bbox, { padding, bearing: -20 });
      const center = cam?.center ?? this.map.getCenter();
      this.map.flyTo({ center, zoom: (cam?.zoom ?? this.map.getZoom()) + 0.45, pitch: 55, bearing: -20, duration: 1600 });
    } else {
      const target = this.selectedCentroid() ?? this.map.getCenter().toArray();
      const [ox, oy] = this.freeAreaOffset(padding);
      // Street level looks along the street: put the target in the lower part of the free area.
      this.map.flyTo({ center: target as [number, number], zoom: 17.5, pitch: 75, bearing: this.map.getBearing() || -20, offset: [ox, oy + 90], duration: 1800 });
    }
  }

  public flyToBounds(bounds: [number, number, number, number]): void {
    const padding = mapPadding(useUiStore.getState().selectedBuildingId !== null);
    this.map.fitBounds([[bounds[0], bounds[1]], [bounds[2], bounds[3]]], { padding, pitch: 0, bearing: 0, duration: 1600, maxZoom: 16 });
  }

  public flyToPoint(lon: number, lat: number): void {
    // With a building selected the inspector covers the bottom of the map: aim above it.
    const padding = mapPadding(useUiStore.getState().selectedBuildingId !== null);
    this.map.flyTo({ center: [lon, lat], zoom: 17.2, pitch: 60, bearing: this.map.getBearing() || -20, offset: this.freeAreaOffset(padding), duration: 1600 });
  }

  private selectedCentroid(): [number, number] | null {
    const id = useUiStore.getState().selectedBuildingId;
    const row = id === null ? undefined : this.data.geometry.rowOfId.get(id);
    if (row === undefined) return null;
    return [this.data.geometry.centroids[2 * row]!, this.data.geometry.centroids[2 * row + 1]!];
  }
  //#endregion

  /** Page position of a building's roof centre; null if off the map or covered by a panel. */
  private buildingScreenPoint(id: number): [number, number] | null {
    const g = this.data.geometry;
    const row = g.rowOfId.get(id);
    if (row === undefined) return null;
    const lon = g.centroids[2 * row]!;
    const lat = g.centroids[2 * row + 1]!;
    const height = this.data.columns.heightM[row] ?? 0;
    // deck.gl's own viewport projects the roof (with altitude) exactly as it draws; maplibre's
    // `project` only knows the ground, so it is the fallback.
    return this.pagePoint(this.overlay, [lon, lat, height]);
  }

  /** Page position of a resource marker as drawn now; null if off the map or under a panel. */
  private resourceScreenPoint(id: number): [number, number] | null {
    const p = positions.position(id);
    return p ? this.pagePoint(this.liveOverlay, [p[0], p[1], 0]) : null;
  }

  private pagePoint(overlay: MapboxOverlay, at: [number, number, number]): [number, number] | null {
    const deck = (overlay as unknown as { _deck?: { getViewports(): { project(p: number[]): number[] }[] } })._deck;
    const viewport = deck?.getViewports()[0];
    const ground = this.map.project([at[0], at[1]]);
    const p = viewport ? viewport.project(at) : [ground.x, ground.y];
    const rect = this.map.getCanvas().getBoundingClientRect();
    const x = rect.left + (p[0] ?? NaN);
    const y = rect.top + (p[1] ?? NaN);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
    if (x < rect.left || y < rect.top || x >= rect.right || y >= rect.bottom) return null;
    // The live canvas lets pointer events through, so the map canvas is what a click would hit.
    const hit = document.elementFromPoint(x, y);
    if (hit && hit !== this.map.getCanvas()) return null;
    return [x, y];
  }

  public dispose(): void {
    this.disposed = true;
    this.pacer.dispose();
    this.gpuFence?.release();
    this.live.dispose();
    registerCameraTarget(null);
    registerMapProbe(null);
    for (const d of this.disposers.splice(0)) d();
    hoverBuildingRow(-1);
    // The overlays' decks and their WebGL devices go first, each on its own: map.remove() on a
    // lost context can throw before it reaches its controls, and a deck left behind keeps its
    // context, buffers and shaders alive (a wall that lost its context 100 times grew by 75 MB;
    // tests/e2e/kiosk.test.ts).
    for (const overlay of [this.liveOverlay, this.overlay]) {
      // luma.gl's device.destroy() leaves its canvas context's observers running: a media-query
      // listener for the pixel ratio keeps the canvas, its WebGL context and every buffer and
      // shader reachable for the life of the page. Stopped here by hand once the deck is gone.
      const device = (overlay as unknown as { _deck?: { device?: { canvasContext?: { destroy(): void } | null } | null } })._deck?.device;
      try {
        this.map.removeControl(overlay);
      } catch {
        try {
          overlay.finalize();
        } catch (err) {
          console.warn('[civictwin] deck overlay finalize failed', err);
        }
      }
      try {
        device?.canvasContext?.destroy();
      } catch (err) {
        console.warn('[civictwin] canvas context destroy failed', err);
      }
    }
    // With every style it had: a lost context leaves maplibre's own remove() one short (maplibreRelease.ts).
    removeMap(this.map);
  }
}

/** How many objects a feature layer draws, for the test hooks (its data's length when it has one). */
function layerCount(layer: Layer): number {
  const data = layer.props.data as unknown;
  if (Array.isArray(data)) return data.length;
  const length = (data as { length?: unknown } | null)?.length;
  return typeof length === 'number' ? length : 0;
}
