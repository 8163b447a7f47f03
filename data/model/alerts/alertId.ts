/**
 * A meter alert's id: its kind, household and the first day of the episode (`no_usage-812-2026-11-28`).
 * The same episode raised again gets the same id, so it is never raised twice; and the first day
 * can be read back from the id's last ten characters (`meter_alerts` keeps no separate column).
 */
export const meterAlertId = (kind: string, householdId: number, startDay: string): string => `${kind}-${householdId}-${startDay}`;

/** SQL for the first day of the episode an alert id names (see `meterAlertId`). */
export const ALERT_START_DAY_SQL = "TRY_CAST(right(id, 10) AS DATE)";
