/**
 * The dashboard's charts as tables (one per chart, plus the summary), in the screen's language:
 * what CSV and XLSX export write. Pure (no DOM, no React), so a test reads the same tables back.
 * The XLSX is written with write-excel-file (its universal build: a Blob in the browser and Node).
 */
import writeXlsxFile from 'write-excel-file/universal';
import type { KpiReport } from '../../../data/model/kpi/index.ts';
import { bucketLabel } from './format.ts';

export type Cell = string | number | null;
export interface KpiTable {
  id: string;
  title: string;
  columns: string[];
  rows: Cell[][];
}
type T = (key: string, opts?: Record<string, unknown>) => string;

const pct = (v: number | null): Cell => (v === null ? null : Math.round(v * 1000) / 10);
const r1 = (v: number | null): Cell => (v === null ? null : Math.round(v * 10) / 10);
const r2 = (v: number | null): Cell => (v === null ? null : Math.round(v * 100) / 100);

/** Every chart's table, in the dashboard's order. `t` is i18next's for the `kpi` keys. */
export function kpiTables(k: KpiReport, t: T, lang = 'zh-CN'): KpiTable[] {
  const c = (key: string): string => t(`kpi.col.${key}`);
  const when = (ms: number): string => bucketLabel(ms, k.bucket, lang);
  const s = k.summary;
  return [
    {
      id: 'summary',
      title: t('kpi.summary'),
      columns: [c('figure'), c('value')],
      rows: [
        [t('kpi.fig.reported'), s.reported],
        [t('kpi.fig.handled'), s.handled],
        [t('kpi.fig.open'), s.open],
        [t('kpi.fig.cancelled'), s.cancelled],
        [t('kpi.fig.slaCompliance'), pct(s.slaCompliance)],
        [t('kpi.fig.meanHandling'), r1(s.meanHandlingMin)],
        [t('kpi.fig.medianHandling'), r1(s.medianHandlingMin)],
        [t('kpi.fig.meanRating'), r2(s.meanRating)],
      ],
    },
    {
      id: 'handlingDistribution',
      title: t('kpi.chart.handlingDistribution'),
      columns: [c('fromMin'), c('toMin'), c('incidents')],
      rows: k.handlingDistribution.map((b) => [b.fromMin, b.toMin, b.count]),
    },
    {
      id: 'handlingTrend',
      title: t('kpi.chart.handlingTrend'),
      columns: [c(k.bucket), c('reported'), c('handled'), c('meanMin'), c('medianMin')],
      rows: k.handlingTrend.map((p) => [
        when(p.atMs),
        p.reported,
        p.handled,
        r1(p.meanMin),
        r1(p.medianMin),
      ]),
    },
    {
      id: 'slaByCategory',
      title: t('kpi.chart.slaByCategory'),
      columns: [
        c('category'),
        c('slaMinutes'),
        c('met'),
        c('missed'),
        c('pending'),
        c('compliancePct'),
      ],
      rows: k.slaByCategory.map((r) => [
        t(`category.${r.category}`),
        r.slaMinutes,
        r.met,
        r.missed,
        r.pending,
        pct(r.compliance),
      ]),
    },
    {
      id: 'slaByGrid',
      title: t('kpi.chart.slaByGrid'),
      columns: [c('grid'), c('met'), c('missed'), c('pending'), c('compliancePct')],
      rows: k.slaByGrid.map((r) => [
        r.gridName ?? t('kpi.noGrid'),
        r.met,
        r.missed,
        r.pending,
        pct(r.compliance),
      ]),
    },
    {
      id: 'satisfaction',
      title: t('kpi.chart.satisfaction'),
      columns: [c('rating'), c('count')],
      rows: k.satisfaction.counts.map((n, i) => [`${i + 1}★`, n]),
    },
    {
      id: 'hotspots',
      title: t('kpi.chart.hotspots'),
      columns: [c('place'), c('reports'), c('topCategory'), c('lon'), c('lat')],
      rows: k.hotspotMap.map((h) => [
        h.label ?? t('kpi.road'),
        h.count,
        t(`category.${h.topCategory}`),
        h.lon,
        h.lat,
      ]),
    },
    {
      id: 'workload',
      title: t('kpi.chart.workload'),
      columns: [c('kind'), c('assignee'), c('assigned'), c('handled'), c('meanMin')],
      rows: [
        ...k.workload.gridWorkers.map((w): Cell[] => [
          t('kpi.gridWorkers'),
          w.label,
          w.assigned,
          w.handled,
          r1(w.meanHandlingMin),
        ]),
        ...k.workload.departments.map((w): Cell[] => [
          t('kpi.departments'),
          w.label,
          w.assigned,
          w.handled,
          r1(w.meanHandlingMin),
        ]),
      ],
    },
    {
      id: 'alertOutcomes',
      title: t('kpi.chart.alertOutcomes'),
      columns: [
        c('alertKind'),
        c('raised'),
        c('safe'),
        c('neededHelp'),
        c('falseAlarm'),
        c('notVisited'),
        c('precisionPct'),
        c('falseAlarmPct'),
      ],
      rows: k.alertOutcomes.map((a) => [
        t(`alertKind.${a.kind}`),
        a.raised,
        a.safe,
        a.neededHelp,
        a.falseAlarm,
        a.open,
        pct(a.precision),
        pct(a.falseAlarmRate),
      ]),
    },
  ];
}

/** RFC 4180 CSV with a BOM (Excel opens Chinese text right), header first. */
export function kpiCsv(table: KpiTable): string {
  const cell = (v: Cell): string => {
    if (v === null) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return (
    '\uFEFF' +
    [table.columns, ...table.rows].map((row) => row.map(cell).join(',')).join('\n') +
    '\n'
  );
}

/** Excel forbids these in sheet names, and names over 31 characters. */
const sheetName = (title: string, i: number): string =>
  `${i + 1} ${title.replace(/[[\]:*?/\\]/g, ' ')}`.slice(0, 31);

/** One workbook, a sheet per table (bold header row). */
export async function kpiXlsx(tables: readonly KpiTable[]): Promise<Blob> {
  const sheets = tables.map((tb, i) => ({
    sheet: sheetName(tb.title, i),
    data: [
      tb.columns.map((h) => ({ value: h, fontWeight: 'bold' as const })),
      ...tb.rows.map((row) => row.map((v) => (v === null ? null : { value: v }))),
    ],
    columns: tb.columns.map((h) => ({ width: Math.max(10, Math.min(40, h.length * 2 + 4)) })),
  }));
  return writeXlsxFile(sheets).toBlob();
}
