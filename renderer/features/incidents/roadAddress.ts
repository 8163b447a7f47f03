/**
 * Road addresses in the renderer: an incident that names no building is placed on the nearest
 * named road of the base map the twin store holds (data/model/roadAddress.ts, the same rule the
 * host's search uses), and written in the current language.
 */
import type { BasemapCollection, Incident } from '../../../electron/common/dto.ts';
import { RoadIndex, type RoadAddress } from '../../../data/model/roadAddress.ts';
import { useTwinStore } from '../../state/twinStore.ts';
import { t } from '../../i18n/index.ts';

const indexes = new WeakMap<BasemapCollection, RoadIndex>();
const located = new WeakMap<Incident, RoadAddress | null>();

function roadIndex(): RoadIndex | null {
  const basemap = useTwinStore.getState().basemap;
  if (!basemap) return null;
  let index = indexes.get(basemap);
  if (!index) {
    index = RoadIndex.fromFeatures(basemap.features);
    indexes.set(basemap, index);
  }
  return index;
}

/** Where on a road an incident without a building is; null for one at a building or off every road. */
export function incidentRoadAddress(incident: Incident): RoadAddress | null {
  if (incident.buildingId !== null || incident.address) return null;
  if (located.has(incident)) return located.get(incident)!;
  const index = roadIndex();
  if (!index) return null;
  const address = index.locate(incident.lon, incident.lat);
  located.set(incident, address);
  return address;
}

/** `解放路，距中山路口约 120 米` / `Jiefang Rd, about 120 m from Zhongshan Rd`; at a junction `解放路与中山路路口`. */
export function formatRoadAddress(a: RoadAddress): string {
  if (a.cross === null || a.fromCrossM === null) return t('incidents.road.only', { road: a.road });
  if (a.fromCrossM === 0) return t('incidents.road.junction', { road: a.road, cross: a.cross });
  return t('incidents.road.fromCross', { road: a.road, cross: a.cross, m: a.fromCrossM });
}

/** The place an incident row shows: its building's address, else its road address, else null. */
export function incidentPlace(incident: Incident): string | null {
  if (incident.address) return incident.address;
  const road = incidentRoadAddress(incident);
  return road ? formatRoadAddress(road) : null;
}
