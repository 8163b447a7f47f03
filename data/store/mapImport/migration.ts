/**
 * What an imported district's map data says beyond the core tables (issue 14, "Bring your own
 * district"): per building whether its storeys were estimated from its height and where a
 * building part's base sits (`min_height`, so the map can float it); per road way its class,
 * one-way and bridge/tunnel flags. Side tables keyed by the core rows' ids, so the writers of
 * `buildings` and `basemap_features` (the demo generator's appenders) are unchanged.
 *
 * Railways, metro, trams and ferries move from the `road` layer (where earlier imports put them,
 * and where dispatch and evacuation route) to their own `transit` layer.
 */
import type { Migration } from '../migrations/index.ts';

/** Kinds earlier imports stored as roads that no vehicle or pedestrian routes over. */
export const TRANSIT_KINDS = ['rail', 'railway', 'subway', 'light_rail', 'tram', 'monorail', 'narrow_gauge', 'funicular', 'preserved', 'ferry', 'aerialway'] as const;

export const mapImportMigration = (version: number): Migration => ({
  version,
  name: 'imported map attributes',
  sql: /* sql */ `
CREATE TABLE building_storeys (
  building_id INTEGER PRIMARY KEY, floors_estimated BOOLEAN NOT NULL, min_height_m REAL NOT NULL,
  storey_m REAL, use_class VARCHAR, part_of VARCHAR
);
CREATE TABLE road_ways (
  feature_id INTEGER PRIMARY KEY, road_class VARCHAR NOT NULL, oneway TINYINT NOT NULL,
  bridge BOOLEAN NOT NULL, tunnel BOOLEAN NOT NULL
);
UPDATE basemap_features SET layer = 'transit'
  WHERE layer = 'road' AND kind IN (${TRANSIT_KINDS.map((k) => `'${k}'`).join(', ')});
`,
});
