/**
 * 出行报备 in `meter_away_notices`: reading a household's notices, recording and cancelling one, and
 * finding the open no-usage alerts a new notice explains. The detector (data/analytics/
 * meterDetector.ts) skips the days of every notice not cancelled.
 */
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import type { AwayNotice } from '../../common/alerts/contract.ts';
import { ALERT_START_DAY_SQL } from '../../../data/model/alerts/alertId.ts';

interface NoticeRow {
  id: number | bigint;
  household_id: number;
  start_day: string;
  end_day: string;
  note: string | null;
  recorded_by: string | null;
  recorded_at: number | null;
  cancelled: boolean | null;
}

const COLUMNS = /* sql */ `id, household_id, strftime(start_day, '%Y-%m-%d') AS start_day, strftime(end_day, '%Y-%m-%d') AS end_day,
  note, recorded_by, epoch_ms(recorded_at) AS recorded_at, cancelled IS TRUE AS cancelled`;

const toNotice = (r: NoticeRow): AwayNotice => ({
  id: Number(r.id),
  householdId: Number(r.household_id),
  startDay: r.start_day,
  endDay: r.end_day,
  note: r.note,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at === null ? null : Number(r.recorded_at),
  cancelled: r.cancelled === true,
});

/** The household's notices not cancelled and not over by `today` (YYYY-MM-DD), earliest first. */
export async function currentNotices(store: DuckDbStore, householdId: number, today: string): Promise<AwayNotice[]> {
  const rows = await store.all<NoticeRow>(
    `SELECT ${COLUMNS} FROM meter_away_notices
     WHERE household_id = $h AND cancelled IS NOT TRUE AND end_day >= CAST($today AS DATE)
     ORDER BY start_day, id LIMIT 200`,
    { h: householdId, today },
  );
  return rows.map(toNotice);
}

export async function noticeById(store: DuckDbStore, id: number): Promise<AwayNotice | null> {
  const row = await store.one<NoticeRow>(`SELECT ${COLUMNS} FROM meter_away_notices WHERE id = $id`, { id });
  return row ? toNotice(row) : null;
}

export async function insertNotice(
  store: DuckDbStore,
  n: { householdId: number; startDay: string; endDay: string; note: string | null; actor: string; atMs: number },
): Promise<number> {
  const row = await store.one<{ id: number | bigint }>(
    `INSERT INTO meter_away_notices (household_id, start_day, end_day, note, recorded_by, recorded_at, cancelled)
     VALUES ($h, CAST($s AS DATE), CAST($e AS DATE), $note, $who, make_timestamp($t::BIGINT * 1000), false) RETURNING id`,
    { h: n.householdId, s: n.startDay, e: n.endDay, note: n.note, who: n.actor, t: n.atMs },
  );
  return Number(row!.id);
}

/** Marks a notice cancelled; false when there is none with this id or it was cancelled before. */
export async function markCancelled(store: DuckDbStore, id: number, actor: string, atMs: number): Promise<boolean> {
  const rows = await store.all(
    `UPDATE meter_away_notices SET cancelled = true, cancelled_by = $who, cancelled_at = make_timestamp($t::BIGINT * 1000)
     WHERE id = $id AND cancelled IS NOT TRUE RETURNING id`,
    { id, who: actor, t: atMs },
  );
  return rows.length > 0;
}

/**
 * Ids of the household's no-usage alerts not closed whose silence the notice covers: the alert's
 * first day (read from its id, `meterAlertId`) is on or before the notice's last day, and the notice has begun
 * by `today`. A notice for next week explains no silence of today.
 */
export async function alertsExplainedBy(store: DuckDbStore, householdId: number, startDay: string, endDay: string, today: string): Promise<string[]> {
  const rows = await store.all<{ id: string }>(
    `SELECT id FROM meter_alerts
     WHERE household_id = $h AND kind = 'no_usage' AND status <> 'closed'
       AND ${ALERT_START_DAY_SQL} <= CAST($e AS DATE)
       AND CAST($s AS DATE) <= CAST($today AS DATE)
     ORDER BY id`,
    { h: householdId, s: startDay, e: endDay, today },
  );
  return rows.map((r) => r.id);
}
