/**
 * Reads what the evacuation plan needs from a twin: buildings (use, year, position), households
 * (building, floor, size, care tags; whether every member is a minor, from persons' tags) — never
 * the encrypted personal fields — open shelters with their capacity, and the road lines.
 */
import type { DuckDbStore } from '../../../store/DuckDbStore.ts';
import { CareFlag } from '../../../model/domain.ts';
import { RoadGraph } from '../../RoadGraph.ts';
import { loadRoadLines } from '../../roadNetwork.ts';
import type { RiskHousehold } from './rules.ts';
import type { PlanBuilding, PlanShelter } from './evacuationPlan.ts';
import type { ShelterExclusion } from '../../../model/typhoon/notes.ts';

export interface EvacuationInputs {
  buildings: PlanBuilding[];
  households: RiskHousehold[];
  shelters: PlanShelter[];
  /** Shelters left out (closed, or no capacity), with why. */
  excludedShelters: { id: number; name: string; why: ShelterExclusion }[];
  roads: RoadGraph;
}

export async function loadEvacuationInputs(store: DuckDbStore): Promise<EvacuationInputs> {
  const buildings = (
    await store.all<{ id: number; use_code: number; year_built: number | null; lon: number; lat: number; grid_id: number | null }>(
      'SELECT id, use_code, year_built, centroid_lon AS lon, centroid_lat AS lat, grid_id FROM buildings ORDER BY id',
    )
  ).map((b) => ({ id: b.id, useCode: b.use_code, yearBuilt: b.year_built, lon: b.lon, lat: b.lat, gridId: b.grid_id }));
  const households = (
    await store.all<{ id: number; building_id: number; floor: number; size: number; care_flags: number; minors_alone: boolean }>(
      /* sql */ `
      SELECT h.id, h.building_id, h.floor, h.size, h.care_flags,
             coalesce(p.n > 0 AND p.minors = p.n, false) AS minors_alone
      FROM households h
      LEFT JOIN (SELECT household_id, count(*) AS n, count(*) FILTER (WHERE care_flags & ${CareFlag.Minor} <> 0) AS minors
                 FROM persons GROUP BY household_id) p ON p.household_id = h.id
      ORDER BY h.id`,
    )
  ).map((h) => ({
    id: h.id,
    buildingId: h.building_id,
    floor: h.floor,
    size: h.size,
    careFlags: h.care_flags,
    minorsAlone: h.minors_alone,
    // The population schema has no bedridden tag.
    bedridden: null,
  }));
  const facilityRows = await store.all<{ id: number; name: string; lon: number; lat: number; capacity: number | null; status: string }>(
    "SELECT id, name, lon, lat, capacity, status FROM facilities WHERE kind = 'shelter' ORDER BY id",
  );
  const shelters: PlanShelter[] = [];
  const excludedShelters: EvacuationInputs['excludedShelters'] = [];
  for (const f of facilityRows) {
    if (f.status !== 'open') excludedShelters.push({ id: f.id, name: f.name, why: { kind: 'not_open', status: f.status } });
    else if (f.capacity === null || f.capacity <= 0) excludedShelters.push({ id: f.id, name: f.name, why: { kind: 'no_capacity' } });
    else shelters.push({ id: f.id, name: f.name, lon: f.lon, lat: f.lat, capacity: f.capacity, wheelchairAccessible: null });
  }
  return { buildings, households, shelters, excludedShelters, roads: RoadGraph.fromLines(await loadRoadLines(store)) };
}
