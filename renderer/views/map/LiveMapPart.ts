/**
 * The live half of the map controller: builds the live layers for a frame from the stores and
 * the position buffer, knows what the last drawn frame held (for the test hooks and the
 * event-to-pixel hook), and answers hover and click on live objects.
 */
import type { PickingInfo } from '@deck.gl/core';
import type { BuildingColumns, Incident } from '../../../electron/common/dto.ts';
import type { BuildingGeometry } from './layers/buildingGeometry.ts';
import type { IconAtlas } from './layers/facilityIcons.ts';
import { LIVE_LAYER_IDS, LiveLayerBuilder, type AlertBeacon, type LiveFrameOutput } from './layers/liveLayers.ts';
import type { RecordDevice } from './layers/resourceRecords.ts';
import { positions } from '../../sources/positionBuffer.ts';
import { feedNow, useLiveStore } from '../../state/liveStore.ts';
import { selectIncidentId, showBuilding, useUiStore } from '../../state/uiStore.ts';
import { selectAlert } from '../../actions/alerts.ts';
import { notifyIncidentDrawn } from '../../testing/testHooks.ts';
import { beaconTooltip, incidentTooltip, resourceTooltip } from './liveTooltips.ts';

export class LiveMapPart {
  private readonly builder: LiveLayerBuilder;
  public atlas: IconAtlas | null = null;
  /** Live-store version and incident ids in the layers last handed to deck.gl… */
  private pushedVersion = 0;
  private pushedIncidents: string[] = [];
  /** …and in the last frame deck.gl actually drew. */
  private drawnVersion = 0;
  private drawnList: string[] = [];
  private readonly seen = new Set<string>();
  private readonly waiters: { version: number; resolve: () => void }[] = [];

  public constructor(columns: BuildingColumns, geometry: BuildingGeometry) {
    this.builder = new LiveLayerBuilder(columns, geometry, positions);
  }

  public build(nowPerf: number, bearing: number, zoom: number, device: RecordDevice | null): LiveFrameOutput {
    const live = useLiveStore.getState();
    const ui = useUiStore.getState();
    const out = this.builder.build({
      nowPerf,
      feedNowMs: feedNow(),
      bearing,
      zoom,
      incidents: live.incidents,
      alerts: live.alerts,
      alertCounts: live.alertCounts,
      resources: live.resources,
      visible: ui.liveLayers,
      selectedIncidentId: ui.selectedIncidentId,
      selectedAlertId: ui.selectedAlertId,
      atlas: this.atlas,
      device,
    });
    this.pushedVersion = live.version;
    this.pushedIncidents = out.incidentIds;
    return out;
  }

  /**
   * After a deck.gl frame: what was handed over is drawn once `whenOnScreen` calls back, which
   * the map does when the GPU has finished the frame (its fence), not when its commands were
   * queued: with a software rasteriser the two were a second apart under load.
   */
  public afterRender(whenOnScreen: (done: () => void) => void): void {
    const version = this.pushedVersion;
    const list = this.pushedIncidents;
    whenOnScreen(() => this.onScreen(version, list));
  }

  private onScreen(version: number, list: string[]): void {
    if (version < this.drawnVersion) return; // a later frame got there first
    this.drawnVersion = version;
    this.drawnList = list;
    const now = Date.now();
    // A wall runs for days: forget ids no longer drawn once the set gets large.
    if (this.seen.size > 5000) {
      const keep = new Set(list);
      for (const id of this.seen) if (!keep.has(id)) this.seen.delete(id);
    }
    for (const id of list) {
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      notifyIncidentDrawn(id, now);
    }
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.version <= this.drawnVersion) this.waiters.splice(i, 1)[0]!.resolve();
    }
  }

  /** Incident ids of the last drawn frame. */
  public incidentIds(): string[] {
    return [...this.drawnList];
  }

  /** Resolves after a frame that drew the live store at `version` or later. */
  public whenDrawn(version: number, redraw: () => void): Promise<void> {
    if (this.drawnVersion >= version) return Promise.resolve();
    redraw();
    return new Promise((resolve) => this.waiters.push({ version, resolve }));
  }

  /** Tooltip of an incident, resource or alert beacon (re-evaluated as it ages), or null. */
  public hoverHtml(info: PickingInfo): (() => string) | null {
    const id = info.layer?.id;
    if (id === LIVE_LAYER_IDS.incidents && info.object) {
      const inc = (info.object as { incident: Incident }).incident;
      return () => incidentTooltip(useLiveStore.getState().incidents[inc.id] ?? inc, feedNow());
    }
    const slot = id === LIVE_LAYER_IDS.resources ? this.builder.resourceSlotAt(info.index) : null;
    if (slot !== null) {
      const rid = positions.ids[slot];
      return () => resourceTooltip(positions, slot, useLiveStore.getState().resources.find((r) => r.id === rid), feedNow());
    }
    if (id === LIVE_LAYER_IDS.alerts && info.object) {
      const beacon = info.object as AlertBeacon;
      return () => beaconTooltip(beacon, useLiveStore.getState().alerts);
    }
    return null;
  }

  /** Handles a click on a live object; false when the click was on none. */
  public click(info: PickingInfo | null): boolean {
    const id = info?.layer?.id;
    if (info && id === LIVE_LAYER_IDS.incidents && info.object) {
      selectIncidentId((info.object as { incident: Incident }).incident.id);
      return true;
    }
    if (info && id === LIVE_LAYER_IDS.alerts && info.object) {
      const beacon = info.object as AlertBeacon;
      const first = beacon.alertIds[0];
      if (first) selectAlert(first, { fly: false });
      // A wall's beacon has no alerts to open: its building's record (counts) instead.
      else showBuilding(beacon.buildingId);
      return true;
    }
    return false;
  }

  public dispose(): void {
    this.builder.dispose();
    for (const w of this.waiters.splice(0)) w.resolve();
  }
}
