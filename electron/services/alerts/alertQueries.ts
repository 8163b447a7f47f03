/**
 * Reading meter alerts back from `meter_alerts` as of any moment (open, acknowledged or closed at
 * `$t`). The live picture (LiveService, the one clock) reads the snapshot and its pushes through
 * these; the alerts section the alert it changed.
 */
import { listValue } from '@duckdb/node-api';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import type {
  LiveDelta,
  MeterAlert,
  MeterAlertExplanation,
  VisitOutcome,
} from '../../common/dto.ts';
import type { MeterAnomalyKind } from '../../../data/model/domain.ts';
import { countsForBuildings } from '../wallView.ts';

export const ALERTS_AT = (where: string): string => /* sql */ `
  SELECT a.id, a.household_id, a.building_id, b.address, h.unit, a.kind, (h.care_flags & 1) <> 0 AS elderly_alone,
    epoch_ms(a.raised_at) AS raised_at,
    CASE WHEN a.closed_at IS NOT NULL AND a.closed_at <= $t THEN 'closed'
         WHEN a.acknowledged_at IS NOT NULL AND a.acknowledged_at <= $t THEN 'acknowledged' ELSE 'open' END AS status,
    a.explanation, a.acknowledged_by, epoch_ms(a.acknowledged_at) AS acknowledged_at, a.outcome, a.outcome_reason,
    h.care_flags, b.grid_id, g.name AS grid_name
  FROM meter_alerts a JOIN households h ON h.id = a.household_id JOIN buildings b ON b.id = a.building_id
  LEFT JOIN areas g ON g.id = b.grid_id
  WHERE a.raised_at <= $t AND ${where}
  ORDER BY elderly_alone DESC, CASE a.kind WHEN 'no_usage' THEN 0 WHEN 'night_flow' THEN 1 ELSE 2 END, a.raised_at`;

export interface AlertRow {
  id: string;
  household_id: number;
  building_id: number;
  address: string;
  unit: string;
  kind: string;
  elderly_alone: boolean;
  raised_at: number;
  status: string;
  explanation: string;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  outcome: string | null;
  outcome_reason: string | null;
  care_flags: number;
  grid_id: number | null;
  grid_name: string | null;
}
export const toAlert = (r: AlertRow): MeterAlert => ({
  id: r.id,
  householdId: r.household_id,
  buildingId: r.building_id,
  address: r.address,
  unit: r.unit,
  kind: r.kind as MeterAnomalyKind,
  elderlyAlone: r.elderly_alone,
  raisedAt: Number(r.raised_at),
  status: r.status as MeterAlert['status'],
  explanation: JSON.parse(r.explanation) as MeterAlertExplanation,
  acknowledgedBy: r.acknowledged_by,
  acknowledgedAt: r.acknowledged_at === null ? null : Number(r.acknowledged_at),
  outcome: r.outcome as VisitOutcome | null,
  outcomeReason: r.outcome_reason,
  careFlags: Number(r.care_flags),
  gridId: r.grid_id,
  gridName: r.grid_name,
});

/** One alert as it stands at `atMs`; null when there is none with this id. */
export async function alertAt(
  store: DuckDbStore,
  id: string,
  atMs: number,
): Promise<MeterAlert | null> {
  const row = await store.one<AlertRow>(ALERTS_AT('a.id = $id'), {
    id,
    t: new Date(atMs).toISOString(),
  });
  return row ? toAlert(row) : null;
}

/** Every kind's count of alerts not closed at `atMs` in each of `buildingIds` (0 included): what a wall is told. */
export async function alertCountsOf(
  store: DuckDbStore,
  buildingIds: number[],
  atMs: number,
): Promise<LiveDelta['alertCounts']> {
  const t = new Date(atMs).toISOString();
  const rows = await store.all<{ building_id: number; kind: MeterAnomalyKind; n: number }>(
    `SELECT building_id, kind, count(*)::INTEGER AS n FROM meter_alerts
     WHERE list_contains($b::INTEGER[], building_id) AND raised_at <= $t::TIMESTAMP AND (closed_at IS NULL OR closed_at > $t::TIMESTAMP)
     GROUP BY building_id, kind`,
    { b: listValue([...new Set(buildingIds)]), t },
  );
  return countsForBuildings(
    buildingIds,
    rows.map((r) => ({ buildingId: r.building_id, kind: r.kind, count: r.n })),
  );
}
