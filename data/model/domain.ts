/**
 * Domain vocabulary of the twin. Pure types and code tables: nothing here touches Node, the DOM or
 * a database, so every layer may import it.
 *
 * Small enumerations travel to the renderer as one byte per building (see `BuildingColumns`), so
 * each has a stable numeric code. NOTE: codes are persisted in the store; append, never renumber.
 */

/** What a building is used for. Index = code stored in `buildings.use_code`. */
export const BUILDING_USES = [
  'residential_walkup', // 老旧多层住宅 (6-storey walk-ups of the 1980s–90s)
  'residential_highrise', // 高层小区
  'commercial', // 商业街/商场
  'school',
  'hospital',
  'public', // 街道办、社区服务中心、派出所
  'industrial',
  'fire_station',
  'other',
] as const;
export type BuildingUse = (typeof BUILDING_USES)[number];
export const buildingUseCode = (use: BuildingUse): number => BUILDING_USES.indexOf(use);
export const buildingUseFromCode = (code: number): BuildingUse => BUILDING_USES[code] ?? 'other';

/** Administrative levels from the district down to the grid cell (网格). */
export const AREA_LEVELS = ['district', 'street', 'community', 'grid'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

/**
 * Care flags (特殊人群) as a bit set, so a household's or a person's flags fit in one byte and can be
 * aggregated in SQL with `bit_or`.
 */
export const CareFlag = {
  ElderlyAlone: 1, // 独居老人
  Disabled: 2, // 残疾人
  Minor: 4, // 未成年人
  LowIncome: 8, // 低保
  Elderly: 16, // 60 岁以上
} as const;
export type CareFlagName = keyof typeof CareFlag;
export const careFlagNames = (bits: number): CareFlagName[] =>
  (Object.keys(CareFlag) as CareFlagName[]).filter((k) => (bits & CareFlag[k]) !== 0);

/** Age bands shown in panels. Index = code stored in `persons.age_band`. */
export const AGE_BANDS = ['0-17', '18-34', '35-59', '60-79', '80+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export const ageBandOf = (age: number): number =>
  age < 18 ? 0 : age < 35 ? 1 : age < 60 ? 2 : age < 80 ? 3 : 4;

/** Facility kinds drawn as markers on the map. */
export const FACILITY_KINDS = [
  'shelter', // 避难场所
  'hospital',
  'fire_station',
  'pump_station', // 排涝泵站
  'material_depot', // 应急物资仓库
  'community_centre', // 社区服务中心
  'aed',
  'school',
  'police',
] as const;
export type FacilityKind = (typeof FACILITY_KINDS)[number];

/** Emergency resources that move. */
export const RESOURCE_KINDS = [
  'ambulance',
  'fire_engine',
  'rescue_boat',
  'pump_truck',
  'volunteer_team',
  'grid_worker',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];
export const RESOURCE_STATUSES = ['idle', 'en_route', 'on_scene', 'offline'] as const;
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number];

/**
 * Base-map layers kept in the store (no tile server: the map is drawn from these). Only `road` is
 * routed over; `transit` holds railways, metro, trams and ferries, `way` lines nobody travels on
 * (roads under construction, abandoned, runways).
 */
export const BASEMAP_LAYERS = ['road', 'water', 'green', 'landuse', 'boundary', 'label', 'transit', 'way'] as const;
export type BasemapLayer = (typeof BASEMAP_LAYERS)[number];

/** Meter anomaly kinds the detector raises and the generator labels. */
export const METER_ANOMALY_KINDS = ['no_usage', 'night_flow', 'sudden_change'] as const;
export type MeterAnomalyKind = (typeof METER_ANOMALY_KINDS)[number];

/**
 * Height used when a footprint carries neither `height` nor `levels`: a 3-storey building at
 * 3 m per storey. Documented in the README; the importer reports how many buildings got it.
 */
export const DEFAULT_BUILDING_HEIGHT_M = 9;
export const METRES_PER_STOREY = 3;
