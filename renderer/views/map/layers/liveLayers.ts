/**
 * The live map layers, rebuilt every animation frame with stable ids and drawn on the live canvas
 * over the map (MapController): incidents (badges with a ring that pulses by severity), resources
 * (gliding markers with heading and trails) and the buildings that have an open meter alert (a
 * beacon on the roof).
 *
 * Per frame only cheap things change: the pulse is the rings' `radiusScale`/`opacity` uniforms,
 * and resource positions are one packed-record upload (resourceRecords.ts). Everything derived
 * from the store (incident lists, beacons) is cached by the store objects' identity, so deck.gl
 * re-uploads nothing while the data has not changed.
 */
import { COORDINATE_SYSTEM, type Layer } from '@deck.gl/core';
import { IconLayer, PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { BuildingColumns, Incident, MeterAlert, ResourceInfo } from '../../../../electron/common/dto.ts';
import { INCIDENT_CATEGORIES, isOpenStatus, type Severity } from '../../../../data/model/incidents.ts';
import { RESOURCE_STATUSES } from '../../../../data/model/domain.ts';
import type { BuildingGeometry } from './buildingGeometry.ts';
import type { IconAtlas } from './facilityIcons.ts';
import type { LayerCount } from './buildLayers.ts';
import { incidentIconKey, resourceIconKey, RESOURCE_STATUS_COLOURS, SEVERITIES, SEVERITY_COLOURS, SEVERITY_NAMES } from './liveIcons.ts';
import { TRAIL_WINDOW_MS, type PositionBuffer } from '../../../sources/positionBuffer.ts';
import type { LiveLayer } from '../../../state/uiStore.ts';
import type { AlertCounts } from '../../../state/liveStore.ts';
import { CLOSED_FADE_MS } from '../../../sources/LiveSource.ts';
import { packRgba, ResourceRecords, type RecordDevice } from './resourceRecords.ts';
import { symbolScale } from '../../../layout/store.ts';

export const LIVE_LAYER_IDS = {
  trails: 'resource-trails',
  alerts: 'alert-buildings',
  alertSelection: 'alert-selection',
  resources: 'resources',
  incidents: 'incidents',
  incidentSelection: 'incident-selection',
  pulse: (s: Severity, k = ''): string => `incident-pulse-${SEVERITY_NAMES[s]}${k}`,
} as const;

/** Pulse period (ms) and how far the ring grows (px) per severity: critical fastest and widest. */
const PULSE: Record<Severity, { periodMs: number; growPx: number }> = {
  4: { periodMs: 900, growPx: 34 },
  3: { periodMs: 1500, growPx: 28 },
  2: { periodMs: 2300, growPx: 22 },
  1: { periodMs: 3200, growPx: 18 },
};
/** Incident badges: about 70 m across, between 26 and 44 px (the overview stays readable). */
const INCIDENT_M = 70;
const INCIDENT_MIN_PX = 26;
const INCIDENT_MAX_PX = 44;
/** Metres per CSS pixel at a zoom and latitude (maplibre's 512-px tiles). */
const metresPerPixel = (zoom: number, lat: number): number => (40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** zoom);
/** Resource markers: metres with pixel bounds, so 150 of them do not bury the overview. */
const RESOURCE_M = 34;
const RESOURCE_MIN_PX = 17;
const RESOURCE_MAX_PX = 32;

export interface DrawnIncident {
  incident: Incident;
  alpha: number;
}
export interface AlertBeacon {
  buildingId: number;
  position: [number, number, number];
  elderlyAlone: boolean;
  open: boolean;
  alertIds: string[];
  /** On a wall view: the building's alerts by kind (a wall is not sent the alerts themselves). */
  kinds?: AlertCounts[number];
}

export interface LiveFrameInput {
  nowPerf: number;
  /** Time the view shows (server now, or the replayed moment). */
  feedNowMs: number;
  bearing: number;
  zoom: number;
  incidents: Record<string, Incident>;
  alerts: Record<string, MeterAlert>;
  /** A wall view's alerts, counted per building and kind; null at a console. */
  alertCounts: AlertCounts | null;
  resources: ResourceInfo[];
  visible: Record<LiveLayer, boolean>;
  selectedIncidentId: string | null;
  selectedAlertId: string | null;
  atlas: IconAtlas | null;
  /** The live canvas's GPU device once deck.gl has started (resource records go straight to it). */
  device: RecordDevice | null;
}

export interface LiveFrameOutput {
  /** Under the labels (trails). */
  low: Layer[];
  /** Over labels and facilities. */
  high: Layer[];
  counts: LayerCount[];
  incidentIds: string[];
  /** Something moves or pulses: keep rendering frames. */
  animating: boolean;
}

const rgba = (c: readonly number[], a: number): [number, number, number, number] => [c[0]!, c[1]!, c[2]!, Math.round(a)];
const ALWAYS_ON_TOP = { depthCompare: 'always' as const, depthWriteEnabled: false };
/**
 * Frames at the start in which the incident layers draw one invisible marker of each severity when
 * there is none. The first draw of a layer pays for its GPU pipeline and texture (with a software
 * rasteriser about half a second); paid at load, it is not paid in the frame that must show the
 * first incident of the day.
 */
const WARM_UP_FRAMES = 3;
/** Alpha of the warm-up markers: under the icons' alphaCutoff, and 1/255 for the rings. */
const WARM_UP_ALPHA = 1 / 255;

export class LiveLayerBuilder {
  private readonly columns: BuildingColumns;
  private readonly geometry: BuildingGeometry;
  private readonly buffer: PositionBuffer;
  private incidentsKey: Record<string, Incident> | null = null;
  private drawn: DrawnIncident[] = [];
  private openBySeverity = new Map<Severity, DrawnIncident[]>();
  private fading = false;
  private alertsKey: Record<string, MeterAlert> | null = null;
  private alertCountsKey: AlertCounts | null = null;
  private beacons: AlertBeacon[] = [];
  private slotsVersion = -1;
  private slots: number[] = [];
  private trails: { path: [number, number][]; slot: number }[] = [];
  private readonly records: ResourceRecords;
  private trailsAt = -Infinity;
  private warmUpFrames = WARM_UP_FRAMES;

  public constructor(columns: BuildingColumns, geometry: BuildingGeometry, buffer: PositionBuffer) {
    this.columns = columns;
    this.geometry = geometry;
    this.buffer = buffer;
    this.records = new ResourceRecords(columns.originLon, columns.originLat);
  }

  /** The position-buffer slot drawn as record `index` of the resources layer (picking). */
  public resourceSlotAt(index: number): number | null {
    return index >= 0 && index < this.slots.length ? this.slots[index]! : null;
  }

  public dispose(): void {
    this.records.dispose();
  }

  /** Incidents to draw: open ones, and closed ones while they fade. */
  private updateIncidents(incidents: Record<string, Incident>, feedNowMs: number): void {
    if (incidents === this.incidentsKey && !this.fading) return;
    this.incidentsKey = incidents;
    const drawn: DrawnIncident[] = [];
    let fading = false;
    for (const incident of Object.values(incidents)) {
      if (isOpenStatus(incident.status)) {
        drawn.push({ incident, alpha: 1 });
        continue;
      }
      const alpha = 1 - (feedNowMs - incident.updatedAt) / CLOSED_FADE_MS;
      if (alpha > 0.02) {
        drawn.push({ incident, alpha: Math.min(1, alpha) });
        fading = true;
      }
    }
    // Most severe on top.
    drawn.sort((a, b) => a.incident.severity - b.incident.severity || a.incident.reportedAt - b.incident.reportedAt);
    this.drawn = drawn;
    this.fading = fading;
    this.openBySeverity = new Map(SEVERITIES.map((s) => [s, drawn.filter((d) => d.alpha === 1 && d.incident.severity === s)]));
  }

  private updateBeacons(alerts: Record<string, MeterAlert>, alertCounts: AlertCounts | null): void {
    if (alerts === this.alertsKey && alertCounts === this.alertCountsKey) return;
    this.alertsKey = alerts;
    this.alertCountsKey = alertCounts;
    const byBuilding = new Map<number, AlertBeacon>();
    const beaconOf = (buildingId: number): AlertBeacon | null => {
      const row = this.geometry.rowOfId.get(buildingId);
      if (row === undefined) return null;
      let b = byBuilding.get(buildingId);
      if (!b) {
        const z = (this.columns.heightM[row] ?? 0) + 2;
        b = { buildingId, position: [this.geometry.centroids[2 * row]!, this.geometry.centroids[2 * row + 1]!, z], elderlyAlone: false, open: false, alertIds: [] };
        byBuilding.set(buildingId, b);
      }
      return b;
    };
    // A wall's beacons: one per building with alerts, drawn as open (it is not told which are acknowledged).
    for (const [buildingId, kinds] of Object.entries(alertCounts ?? {})) {
      const b = beaconOf(Number(buildingId));
      if (!b) continue;
      b.kinds = kinds;
      b.open = true;
    }
    for (const a of Object.values(alerts)) {
      const b = beaconOf(a.buildingId);
      if (!b) continue;
      b.alertIds.push(a.id);
      if (a.status === 'open') b.open = true;
      if (a.elderlyAlone && a.status === 'open') b.elderlyAlone = true;
    }
    // Open elderly-alone beacons drawn last (on top).
    this.beacons = [...byBuilding.values()].sort((x, y) => Number(x.open) - Number(y.open) || Number(x.elderlyAlone) - Number(y.elderlyAlone));
  }

  /** An invisible incident at the district's origin (WARM_UP_FRAMES); never counted or reported as drawn. */
  private warmUpMarker(severity: Severity): DrawnIncident {
    const incident = { id: `warm-up-${severity}`, category: INCIDENT_CATEGORIES[0], severity, status: 'reported', lon: this.columns.originLon, lat: this.columns.originLat } as Incident;
    return { incident, alpha: WARM_UP_ALPHA };
  }

  private isStale(slot: number, feedNowMs: number): boolean {
    const fix = this.buffer.fixMs[slot]!;
    return fix <= 0 || this.buffer.isOverdue(slot, feedNowMs);
  }

  public build(f: LiveFrameInput): LiveFrameOutput {
    const low: Layer[] = [];
    const high: Layer[] = [];
    const counts: LayerCount[] = [];
    const buf = this.buffer;
    const moving = buf.frame(f.nowPerf);
    this.updateIncidents(f.incidents, f.feedNowMs);
    this.updateBeacons(f.alerts, f.alertCounts);

    if (f.visible.alerts && this.beacons.length > 0) {
      high.push(
        new ScatterplotLayer<AlertBeacon>({
          id: LIVE_LAYER_IDS.alerts,
          data: this.beacons,
          getPosition: (d) => d.position,
          // Metres with pixel bounds: discreet over the whole district, clear from street level.
          getRadius: (d) => (d.elderlyAlone ? 7 : 5.5),
          radiusUnits: 'meters',
          radiusMinPixels: 3.5 * symbolScale(),
          radiusMaxPixels: 11 * symbolScale(),
          getFillColor: (d) => (d.elderlyAlone ? [255, 106, 43, 255] : d.open ? [255, 190, 60, 240] : [120, 150, 190, 200]),
          getLineColor: [20, 8, 2, 230],
          getLineWidth: 1.5,
          lineWidthUnits: 'pixels',
          stroked: true,
          billboard: true,
          pickable: true,
          parameters: ALWAYS_ON_TOP,
        }),
      );
      counts.push({ id: LIVE_LAYER_IDS.alerts, count: this.beacons.length });
      const selected = f.selectedAlertId ? this.beacons.find((b) => b.alertIds.includes(f.selectedAlertId!)) : undefined;
      if (selected) {
        const phase = (f.nowPerf % 1600) / 1600;
        high.push(
          new ScatterplotLayer<AlertBeacon>({
            id: LIVE_LAYER_IDS.alertSelection,
            data: [selected],
            getPosition: (d) => d.position,
            getRadius: 1,
            radiusScale: 14 + phase * 26,
            radiusUnits: 'pixels',
            stroked: true,
            filled: false,
            getLineColor: [255, 106, 43, 255],
            getLineWidth: 3,
            lineWidthUnits: 'pixels',
            billboard: true,
            opacity: 1 - phase,
            parameters: ALWAYS_ON_TOP,
          }),
        );
      }
    }

    if (f.visible.resources && f.atlas) {
      if (buf.version !== this.slotsVersion) {
        this.slotsVersion = buf.version;
        this.slots = [];
        for (let s = 0; s < buf.count; s++) if (buf.known[s]) this.slots.push(s);
      }
      // Trails at ≤ 10 Hz: their head lags the marker by at most a metre.
      if (f.nowPerf - this.trailsAt > 100 || this.trailsAt > f.nowPerf) {
        this.trailsAt = f.nowPerf;
        const since = f.feedNowMs - TRAIL_WINDOW_MS;
        this.trails = [];
        for (const s of this.slots) {
          const path = buf.trailOf(s, since);
          if (path.length >= 2) this.trails.push({ path, slot: s });
        }
      }
      low.push(
        new PathLayer<{ path: [number, number][]; slot: number }>({
          id: LIVE_LAYER_IDS.trails,
          data: this.trails,
          getPath: (d) => d.path,
          getColor: (d) => rgba(RESOURCE_STATUS_COLOURS[RESOURCE_STATUSES[buf.status[d.slot]!] ?? 'offline'], this.isStale(d.slot, f.feedNowMs) ? 60 : 170),
          getWidth: 3,
          widthUnits: 'pixels',
          capRounded: true,
          jointRounded: true,
          pickable: false,
        }),
      );
      counts.push({ id: LIVE_LAYER_IDS.trails, count: this.trails.length });
      // Icons are white-tinted (the status colour is in the icon); a stale fix fades.
      const fresh = packRgba(255, 255, 255, 255);
      const stale = packRgba(255, 255, 255, 95);
      this.records.pack(buf, this.slots, f.bearing, (s) => (this.isStale(s, f.feedNowMs) ? stale : fresh));
      const slots = this.slots;
      high.push(
        new IconLayer({
          id: LIVE_LAYER_IDS.resources,
          data: this.records.data(f.device) as never,
          coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
          coordinateOrigin: this.records.origin,
          iconAtlas: f.atlas.canvas as never,
          iconMapping: f.atlas.mapping,
          // Binary data: accessors get the record index. Only the icon (status, moving) is an
          // accessor, re-run when the slots or statuses change (buffer version).
          getIcon: (_: unknown, { index }: { index: number }) => {
            const s = slots[index]!;
            return resourceIconKey(RESOURCE_STATUSES[buf.status[s]!] ?? 'offline', buf.speed[s]! > 0.5);
          },
          getSize: RESOURCE_M,
          sizeUnits: 'meters',
          sizeMinPixels: RESOURCE_MIN_PX * symbolScale(),
          sizeMaxPixels: RESOURCE_MAX_PX * symbolScale(),
          billboard: true,
          pickable: true,
          alphaCutoff: 0.05,
          parameters: ALWAYS_ON_TOP,
          textureParameters: { minFilter: 'linear', magFilter: 'linear', mipmapFilter: 'linear' },
          updateTriggers: { getIcon: buf.version },
        }),
      );
      counts.push({ id: LIVE_LAYER_IDS.resources, count: this.slots.length });
    }

    const drawnIds: string[] = [];
    if (f.visible.incidents && f.atlas) {
      // Bounds grow with the layout's scale: a wall read from across the room (renderer/layout/).
      const scale = symbolScale();
      const iconPx = Math.min(INCIDENT_MAX_PX * scale, Math.max(INCIDENT_MIN_PX * scale, INCIDENT_M / metresPerPixel(f.zoom, this.columns.originLat)));
      const ringScale = iconPx / (INCIDENT_MAX_PX * scale);
      const warming = this.warmUpFrames > 0;
      if (warming) this.warmUpFrames--;
      for (const s of [...SEVERITIES].reverse()) {
        const real = this.openBySeverity.get(s) ?? [];
        const data = real.length === 0 && warming ? [this.warmUpMarker(s)] : real;
        if (data.length === 0) continue;
        const { periodMs, growPx } = PULSE[s];
        const rings = s === 4 ? ['', '-b'] : [''];
        rings.forEach((k, i) => {
          const phase = ((f.nowPerf / periodMs + i / rings.length) % 1 + 1) % 1;
          high.push(
            new ScatterplotLayer<DrawnIncident>({
              id: LIVE_LAYER_IDS.pulse(s, k),
              data,
              getPosition: (d) => [d.incident.lon, d.incident.lat],
              getRadius: 1,
              radiusScale: iconPx / 2 + phase * growPx * ringScale,
              radiusUnits: 'pixels',
              stroked: true,
              filled: false,
              getLineColor: rgba(SEVERITY_COLOURS[s], 255),
              getLineWidth: s >= 3 ? 4 : 3,
              lineWidthUnits: 'pixels',
              billboard: true,
              opacity: data === real ? 0.95 * (1 - phase) : WARM_UP_ALPHA,
              parameters: ALWAYS_ON_TOP,
            }),
          );
        });
      }
      const selected = f.selectedIncidentId ? this.drawn.find((d) => d.incident.id === f.selectedIncidentId) : undefined;
      if (selected) {
        high.push(
          new ScatterplotLayer<DrawnIncident>({
            id: LIVE_LAYER_IDS.incidentSelection,
            data: [selected],
            getPosition: (d) => [d.incident.lon, d.incident.lat],
            getRadius: iconPx / 2 + 8,
            radiusUnits: 'pixels',
            stroked: true,
            filled: true,
            getFillColor: [54, 214, 255, 50],
            getLineColor: [54, 214, 255, 255],
            getLineWidth: 4,
            lineWidthUnits: 'pixels',
            billboard: true,
            parameters: ALWAYS_ON_TOP,
          }),
        );
      }
      high.push(
        new IconLayer<DrawnIncident>({
          id: LIVE_LAYER_IDS.incidents,
          data: this.drawn.length === 0 && warming ? SEVERITIES.map((sev) => this.warmUpMarker(sev)) : this.drawn,
          iconAtlas: f.atlas.canvas as never,
          iconMapping: f.atlas.mapping,
          getIcon: (d) => incidentIconKey(d.incident.category, d.incident.severity),
          getPosition: (d) => [d.incident.lon, d.incident.lat],
          getColor: (d) => [255, 255, 255, Math.round(255 * d.alpha)],
          getSize: iconPx,
          sizeUnits: 'pixels',
          billboard: true,
          pickable: true,
          alphaCutoff: 0.02,
          parameters: ALWAYS_ON_TOP,
          textureParameters: { minFilter: 'linear', magFilter: 'linear', mipmapFilter: 'linear' },
        }),
      );
      for (const d of this.drawn) drawnIds.push(d.incident.id);
      counts.push({ id: LIVE_LAYER_IDS.incidents, count: this.drawn.length });
    }
    // Only what is shown keeps the frames coming.
    const animating =
      (f.visible.resources && moving > 0) || (f.visible.incidents && (this.fading || drawnIds.length > 0)) || (f.visible.alerts && f.selectedAlertId !== null);
    return { low, high, counts, incidentIds: drawnIds, animating };
  }
}
