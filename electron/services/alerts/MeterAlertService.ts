/**
 * Raises meter alerts (`meter_alerts`) from two sources:
 *  - history: the daily detector (data/analytics/meterDetector.ts) over `meter_daily`; episodes
 *    still running on the last day become open alerts;
 *  - live: hourly `meter.reading` events; an elderly resident living alone with no water draw and
 *    no hour of power above the home's own base load (its fridge, router, standby: the lowest tenth
 *    of its hours in the window) for 24 h or more raises a `no_usage` alert with the measured hours.
 *    A fixed standby level would not do: a real home's base load runs 0.03–0.1 kWh an hour.
 * Alert ids are `<kind>-<household>-<first day>`, so raising twice never duplicates an alert.
 */
import { listValue, type DuckDBListValue } from '@duckdb/node-api';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { dayAt, detectEpisodes, forEachMeterSlice, type MeterEpisode } from '../../../data/analytics/meterDetector.ts';
import type { MeterAlertExplanation } from '../../common/dto.ts';
import { meterAlertId } from '../../../data/model/alerts/alertId.ts';

/** Hours without use before a live no-usage alert. */
export const LIVE_NO_USAGE_HOURS = 24;
/** An hour is activity when its power exceeds the home's base load × this, plus BASE_MARGIN_KWH_PER_H. */
const ABOVE_BASE_FACTOR = 1.5;
const BASE_MARGIN_KWH_PER_H = 0.05;

const round1 = (v: number): number => Math.round(v * 10) / 10;

export class MeterAlertService {
  private readonly store: DuckDbStore;
  private readonly now: () => number;

  public constructor(store: DuckDbStore, now: () => number = Date.now) {
    this.store = store;
    this.now = now;
  }

  /** Runs the daily detector on the last 43 days; returns the ids of alerts it raised. */
  public async raiseFromHistory(): Promise<string[]> {
    const span = await this.store.one<{ last: string | null }>("SELECT strftime(max(day), '%Y-%m-%d') AS last FROM meter_daily");
    if (!span?.last) return [];
    const first = dayAt(span.last, -42);
    // In slices of 25,000 households, the path `npm run bench` times on a million.
    const ongoing: MeterEpisode[] = [];
    await forEachMeterSlice(this.store, first, span.last, 25_000, (matrix) => {
      for (const e of detectEpisodes(matrix, 'civictwin', dayAt(span.last!, -1))) if (e.endDay === span.last) ongoing.push(e);
    });
    const raisedAt = Math.min(this.now(), Date.parse(span.last) + 32 * 3600_000); // next morning, 08:00 Beijing
    const rows = ongoing.map((e) => {
      const explanation: MeterAlertExplanation = {
        days: e.days,
        hours: e.days * 24,
        waterL: round1(e.waterL),
        // A home with a water meter only has no power to report (not 0 kWh).
        powerKwh: Number.isFinite(e.powerKwh) ? round1(e.powerKwh) : null,
        usualWaterL: Math.round(e.usualWaterL),
        usualPowerKwh: Number.isFinite(e.powerKwh) ? round1(e.usualPowerKwh) : null,
        nightMinL: round1(e.nightMinL),
      };
      return { id: meterAlertId(e.kind, e.householdId, e.startDay), householdId: e.householdId, kind: e.kind, explanation, score: e.days };
    });
    return this.insert(rows, raisedAt);
  }

  /** Checks live hourly readings; returns the ids of alerts it raised. */
  public async checkLive(): Promise<string[]> {
    const now = this.now();
    const rows = await this.store.all<{ household_id: number; first_ms: number; last_ms: number; last_use_ms: number | null; water: number; power: number; hours: number; usual_w: number | null; usual_p: number | null }>(
      /* sql */ `
      WITH r AS (
        SELECT m.household_id, m.ts, m.interval_min, coalesce(m.water_l, 0) AS w, coalesce(m.power_kwh, 0) AS p,
          coalesce(m.power_kwh, 0) * 60.0 / greatest(m.interval_min, 1) AS p_h
        FROM meter_readings m JOIN households h ON h.id = m.household_id
        WHERE m.ts >= $since::TIMESTAMP AND (h.care_flags & 1) <> 0
      ), based AS (
        SELECT r.*, quantile_cont(p_h, 0.1) OVER (PARTITION BY household_id) AS base_h FROM r
      ), agg AS (
        SELECT household_id, epoch_ms(min(ts)) AS first_ms, epoch_ms(max(ts)) AS last_ms,
          epoch_ms(max(ts) FILTER (WHERE w > 1 OR p_h > ${ABOVE_BASE_FACTOR} * base_h + ${BASE_MARGIN_KWH_PER_H})) AS last_use_ms,
          sum(w) FILTER (WHERE w <= 1) AS water, sum(p) FILTER (WHERE w <= 1) AS power
        FROM based GROUP BY household_id
      )
      SELECT a.*, (a.last_ms - coalesce(a.last_use_ms, a.first_ms)) / 3600000.0 AS hours,
        (SELECT avg(water_l) FROM meter_daily d WHERE d.household_id = a.household_id AND d.day >= current_date - 35) AS usual_w,
        (SELECT avg(power_kwh) FROM meter_daily d WHERE d.household_id = a.household_id AND d.day >= current_date - 35) AS usual_p
      FROM agg a WHERE (a.last_ms - coalesce(a.last_use_ms, a.first_ms)) >= ${LIVE_NO_USAGE_HOURS} * 3600000`,
      { since: new Date(now - 72 * 3600_000).toISOString() },
    );
    const alerts = rows.map((r) => {
      const startMs = Number(r.last_use_ms ?? r.first_ms);
      const hours = Math.round(Number(r.hours));
      const explanation: MeterAlertExplanation = {
        days: Math.max(1, Math.round(hours / 24)),
        hours,
        waterL: round1(Number(r.water ?? 0)),
        powerKwh: r.power === null || r.power === undefined ? null : round1(Number(r.power)),
        usualWaterL: Math.round(Number(r.usual_w ?? 0)),
        usualPowerKwh: r.power === null || r.power === undefined ? null : round1(Number(r.usual_p ?? 0)),
        nightMinL: 0,
      };
      return {
        id: meterAlertId('no_usage', r.household_id, new Date(startMs).toISOString().slice(0, 10)),
        householdId: r.household_id,
        kind: 'no_usage' as const,
        explanation,
        score: hours / 24,
      };
    });
    return this.insert(alerts, now);
  }

  private async insert(rows: { id: string; householdId: number; kind: string; explanation: MeterAlertExplanation; score: number }[], raisedAtMs: number): Promise<string[]> {
    if (rows.length === 0) return [];
    const existing = new Set(
      (await this.store.all<{ id: string }>('SELECT id FROM meter_alerts WHERE list_contains($ids::VARCHAR[], id)', { ids: listOf(rows.map((r) => r.id)) })).map(
        (r) => r.id,
      ),
    );
    const fresh = rows.filter((r) => !existing.has(r.id));
    if (fresh.length === 0) return [];
    await this.store.transaction(async () => {
      const app = await this.store.appender('meter_alerts');
      // building_id is filled from households below; appenders cannot join.
      for (const r of fresh) {
        app.appendVarchar(r.id);
        app.appendInteger(r.householdId);
        app.appendInteger(0);
        app.appendVarchar(r.kind);
        app.appendVarchar(new Date(raisedAtMs).toISOString().replace('T', ' ').replace('Z', ''));
        app.appendVarchar(JSON.stringify(r.explanation));
        app.appendDouble(r.score);
        app.appendVarchar('open');
        for (let i = 0; i < 5; i++) app.appendNull();
        app.endRow();
      }
      app.flushSync();
      app.closeSync();
      await this.store.run(
        `UPDATE meter_alerts SET building_id = h.building_id FROM households h WHERE h.id = meter_alerts.household_id AND meter_alerts.building_id = 0`,
      );
    });
    return fresh.map((r) => r.id);
  }
}

const listOf = (values: string[]): DuckDBListValue => listValue(values);
