/**
 * What the feed simulator needs to know about a twin, read through the contract (so the same code
 * serves the in-process demo feed and `civictwin feed --target URL` against any host).
 */
import type { AppApi } from '../../common/contract.ts';
import type { ResourceKind } from '../../../data/model/domain.ts';
import { RoadGraph, type RoadLine } from '../../../data/analytics/RoadGraph.ts';
import { roadLineFlags } from '../../../data/analytics/roadNetwork.ts';

export interface SimResource {
  id: number;
  kind: ResourceKind;
  callsign: string;
  lon: number;
  lat: number;
}
export interface SimBuilding {
  id: number;
  lon: number;
  lat: number;
  residents: number;
}
export interface SimWorld {
  roads: RoadGraph;
  resources: SimResource[];
  buildings: SimBuilding[];
  /** Households with an elderly resident living alone, for meter readings. */
  elderlyAloneHouseholds: number[];
  /** Other households that report hourly readings. */
  otherHouseholds: number[];
}

export async function loadWorld(api: AppApi, meterBuildings = 40): Promise<SimWorld> {
  const [basemap, buildings, snapshot] = await Promise.all([api.store.getBasemap(), api.store.getBuildings(), api.live.getLiveSnapshot()]);
  const lines: RoadLine[] = [];
  for (const f of basemap.features) {
    if (f.properties.layer !== 'road') continue;
    const flags = roadLineFlags(f.properties.way ?? null);
    if (f.geometry.type === 'LineString') lines.push({ coords: f.geometry.coordinates, ...flags });
    else if (f.geometry.type === 'MultiLineString') for (const coords of f.geometry.coordinates) lines.push({ coords, ...flags });
  }
  // Building centroids from the columns: mean of each building's first polygon.
  const sims: SimBuilding[] = [];
  for (let p = 0; p < buildings.polygonCount; p++) {
    const row = buildings.polygonBuilding[p]!;
    if (sims[row]) continue;
    let sx = 0;
    let sy = 0;
    const a = buildings.polygonStart[p]!;
    const b = buildings.polygonStart[p + 1]!;
    for (let v = a; v < b; v++) {
      sx += buildings.positions[2 * v]!;
      sy += buildings.positions[2 * v + 1]!;
    }
    const n = Math.max(1, b - a);
    sims[row] = { id: buildings.id[row]!, lon: buildings.originLon + sx / n, lat: buildings.originLat + sy / n, residents: buildings.residents[row]! };
  }
  const byId = new Map(snapshot.resources.map((r) => [r.id, r]));
  const resources: SimResource[] = [];
  for (let i = 0; i < snapshot.positions.count; i++) {
    const info = byId.get(snapshot.positions.resourceId[i]!);
    if (!info) continue;
    resources.push({ id: info.id, kind: info.kind, callsign: info.callsign, lon: snapshot.positions.lon[i]!, lat: snapshot.positions.lat[i]! });
  }
  // Meter households: the dwellings of a spread of residential buildings.
  const elderlyAloneHouseholds: number[] = [];
  const otherHouseholds: number[] = [];
  const residential = sims.filter((b) => b && b.residents > 0);
  const step = Math.max(1, Math.floor(residential.length / meterBuildings));
  for (let i = 0; i < residential.length && i / step < meterBuildings; i += step) {
    const units = await api.store.getBuildingUnits(residential[i]!.id);
    for (const u of units?.units ?? []) (u.careFlags & 1 ? elderlyAloneHouseholds : otherHouseholds).push(u.householdId);
  }
  return { roads: RoadGraph.fromLines(lines), resources, buildings: sims.filter(Boolean), elderlyAloneHouseholds, otherHouseholds };
}
