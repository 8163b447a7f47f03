/**
 * The KPI dashboard's figures (issue 13): what the district's incident handling, satisfaction,
 * hot spots, workload and meter alerts came to over a period. Computed in DuckDB from the event
 * log's projections (data/analytics/kpi/), served by the `kpi` contract section, drawn by
 * renderer/features/kpi. Aggregates only: nothing here names a resident.
 */

/** The longest period one report covers (two years and a leap day). */
export const KPI_MAX_SPAN_MS = 731 * 86_400_000;
/** Periods up to this long are bucketed by hour, longer ones by day (Beijing time). */
export const KPI_HOURLY_MAX_SPAN_MS = 3 * 86_400_000;
/** Days and hours are cut in the district's time (China Standard Time, UTC+8, no DST). */
export const KPI_TZ_OFFSET_MS = 8 * 3_600_000;
/** Most repeated places listed (the map draws up to KPI_HOTSPOT_MAP_MAX). */
export const KPI_HOTSPOT_LIST_MAX = 15;
export const KPI_HOTSPOT_MAP_MAX = 500;
/** A place is a hot spot from this many reports in the period. */
export const KPI_HOTSPOT_MIN_REPORTS = 2;
/** Road incidents (no building) are placed on a grid of this many degrees (~50 m). */
export const KPI_PLACE_CELL_DEG = 0.0005;
/** Grid workers listed in the workload chart (busiest first). */
export const KPI_WORKERS_MAX = 15;

export type KpiBucket = 'hour' | 'day';

/** Handling-time bins (minutes from report to the end of handling, 处置完成); the last is open-ended. */
export const HANDLING_BINS_MIN = [0, 30, 60, 120, 240, 480, 1440, 4320] as const;

export const KPI_CHARTS = [
  'handlingDistribution',
  'handlingTrend',
  'slaByCategory',
  'slaByGrid',
  'satisfaction',
  'hotspots',
  'workload',
  'alertOutcomes',
] as const;
export type KpiChartId = (typeof KPI_CHARTS)[number];

export interface KpiPeriod {
  fromMs: number;
  toMs: number;
}

export interface KpiSummary {
  reported: number;
  handled: number;
  cancelled: number;
  /** Reported in the period and not handled yet. */
  open: number;
  slaMet: number;
  /** Handled late, or still open past the deadline. */
  slaMissed: number;
  /** met / (met + missed); null when nothing is due yet. */
  slaCompliance: number | null;
  meanHandlingMin: number | null;
  medianHandlingMin: number | null;
  meanRating: number | null;
  rated: number;
}

export interface HandlingBin {
  /** Lower edge, minutes (inclusive). */
  fromMin: number;
  /** Upper edge, minutes (exclusive); null for the last, open-ended bin. */
  toMin: number | null;
  count: number;
}

export interface HandlingTrendPoint {
  /** Start of the hour or day, epoch ms. */
  atMs: number;
  reported: number;
  handled: number;
  /** Handling time of the incidents reported in this bucket and handled (minutes). */
  meanMin: number | null;
  medianMin: number | null;
}

export interface SlaRow {
  met: number;
  missed: number;
  /** Still open and not yet due. */
  pending: number;
  compliance: number | null;
}
export interface SlaByCategory extends SlaRow {
  category: string;
  slaMinutes: number;
}
export interface SlaByGrid extends SlaRow {
  /** null: outside every grid. */
  gridId: number | null;
  gridName: string | null;
}

export interface Satisfaction {
  /** Ratings 1★..5★ (index 0 = 1★). */
  counts: [number, number, number, number, number];
  mean: number | null;
  trend: { atMs: number; mean: number | null; rated: number }[];
}

/** A place reported more than once: a building, or a ~50 m cell of road. */
export interface Hotspot {
  key: string;
  buildingId: number | null;
  lon: number;
  lat: number;
  /** The building's address, else the grid's name; never a resident. */
  label: string | null;
  count: number;
  /** The category reported most there. */
  topCategory: string;
}

export interface WorkloadRow {
  id: number;
  /** A grid worker's call sign (网格员-03-02) or a department's name; never a person's name. */
  label: string;
  assigned: number;
  handled: number;
  meanHandlingMin: number | null;
}

export interface AlertOutcomeRow {
  kind: string;
  raised: number;
  safe: number;
  neededHelp: number;
  falseAlarm: number;
  /** Not visited yet. */
  open: number;
  /** Visits that were not false alarms / visits; null before any visit. */
  precision: number | null;
  /** False alarms / visits for this kind (what the visits say the detector gets wrong); null before any visit. */
  falseAlarmRate: number | null;
}

export interface KpiReport {
  period: KpiPeriod;
  bucket: KpiBucket;
  computedAtMs: number;
  summary: KpiSummary;
  handlingDistribution: HandlingBin[];
  handlingTrend: HandlingTrendPoint[];
  slaByCategory: SlaByCategory[];
  slaByGrid: SlaByGrid[];
  satisfaction: Satisfaction;
  /** The busiest repeated places (up to KPI_HOTSPOT_LIST_MAX). */
  hotspots: Hotspot[];
  /** Every repeated place, for the map (up to KPI_HOTSPOT_MAP_MAX). */
  hotspotMap: Hotspot[];
  workload: { gridWorkers: WorkloadRow[]; departments: WorkloadRow[] };
  alertOutcomes: AlertOutcomeRow[];
  /** How long each chart's query took in the host, ms. */
  queryMs: Record<KpiChartId, number>;
}

/** The bucket a period is drawn in. */
export const bucketFor = (period: KpiPeriod): KpiBucket =>
  period.toMs - period.fromMs <= KPI_HOURLY_MAX_SPAN_MS ? 'hour' : 'day';

/** Start of the hour or the Beijing-time day that holds `ms`. */
export function bucketStart(ms: number, bucket: KpiBucket): number {
  const size = bucket === 'hour' ? 3_600_000 : 86_400_000;
  return Math.floor((ms + KPI_TZ_OFFSET_MS) / size) * size - KPI_TZ_OFFSET_MS;
}

/** Presets of the period picker: `#kpi=7d` and the like. */
export const KPI_PRESETS = ['24h', '7d', '30d', '90d', '365d'] as const;
export type KpiPreset = (typeof KPI_PRESETS)[number];
const PRESET_MS: Record<KpiPreset, number> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
  '365d': 365 * 86_400_000,
};
export function presetPeriod(preset: KpiPreset, nowMs: number): KpiPeriod {
  return { fromMs: nowMs - PRESET_MS[preset], toMs: nowMs };
}
export const isKpiPreset = (v: string): v is KpiPreset =>
  (KPI_PRESETS as readonly string[]).includes(v);
