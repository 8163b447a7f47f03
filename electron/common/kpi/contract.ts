/**
 * The KPI dashboard's contract section (feature module, issue 13): the district's figures for a
 * period, computed by the host in DuckDB from the event log. Aggregates only (counts, times,
 * rates, call signs, department and grid names, building addresses): a wall may be shown them.
 */
import { z } from 'zod';
import { KPI_MAX_SPAN_MS, type KpiPeriod, type KpiReport } from '../../../data/model/kpi/index.ts';
import { epochMs, m, type MemberSpec } from '../sections.ts';

export interface KpiApi {
  /** Every chart's figures for [fromMs, toMs) (at most two years). */
  getReport(period: KpiPeriod): Promise<KpiReport>;
}

export const kpiPeriod = z
  .strictObject({ fromMs: epochMs, toMs: epochMs })
  .refine((p) => p.toMs > p.fromMs, { message: 'The period must end after it starts.' })
  .refine((p) => p.toMs - p.fromMs <= KPI_MAX_SPAN_MS, {
    message: 'A period is at most two years.',
  });

export const KPI_SECTION = {
  getReport: m('view', kpiPeriod),
} as const satisfies Record<keyof KpiApi, MemberSpec>;
