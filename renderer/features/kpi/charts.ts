/** ECharts options of the dashboard's charts, one per chart, from a report (pure). */
import type { EChartsCoreOption } from 'echarts/core';
import type { KpiChartId, KpiReport } from '../../../data/model/kpi/index.ts';
import { bucketLabel } from './format.ts';

type T = (key: string, opts?: Record<string, unknown>) => string;
const TEXT = { color: '#b9cde4', fontFamily: 'Noto Sans SC, sans-serif' };
const AXIS = {
  axisLabel: { ...TEXT, fontSize: 12 },
  axisLine: { lineStyle: { color: '#3a5878' } },
  splitLine: { lineStyle: { color: '#1e3450' } },
  nameTextStyle: { ...TEXT, fontSize: 12 },
};
const COLOURS = ['#39c5f7', '#f2b84b', '#5fd39a', '#ef6a6a', '#a98bf5', '#8fa3bf'];
const base = (): EChartsCoreOption => ({
  color: COLOURS,
  textStyle: { ...TEXT, fontSize: 13 },
  animation: false,
  tooltip: { trigger: 'axis', textStyle: { fontFamily: TEXT.fontFamily } },
  legend: { top: 0, textStyle: { ...TEXT, fontSize: 12 }, itemWidth: 14, itemHeight: 10 },
  grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
});
const pct = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 10);
const hours = (min: number | null): number | null =>
  min === null ? null : Math.round((min / 60) * 100) / 100;
const short = (s: string, n = 14): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export interface ChartSpec {
  id: KpiChartId;
  unit: 'count' | 'percent' | 'hours' | 'alerts' | 'mixed';
  option: EChartsCoreOption;
  /** A line under the title (a mean, how a rate is defined). */
  note?: string;
}

export function chartSpecs(k: KpiReport, t: T, lang: string): ChartSpec[] {
  const binLabel = (from: number, to: number | null): string => {
    const f = (m: number): string => String(m < 60 ? m : m < 1440 ? m / 60 : m / 1440);
    const u = (m: number): string => (m < 60 ? t('kpi.min') : m < 1440 ? t('kpi.h') : t('kpi.d'));
    if (to === null) return `≥${f(from)}${u(from)}`;
    return from === 0 || u(from) === u(to)
      ? `${f(from)}–${f(to)}${u(to)}`
      : `${f(from)}${u(from)}–${f(to)}${u(to)}`;
  };
  const trendX = k.handlingTrend.map((p) => bucketLabel(p.atMs, k.bucket, lang));
  const workers = [...k.workload.departments, ...k.workload.gridWorkers].slice(0, 18).reverse();
  const spots = [...k.hotspots].reverse();
  const cats = k.slaByCategory;
  return [
    {
      id: 'handlingDistribution',
      unit: 'count',
      option: {
        ...base(),
        legend: { show: false },
        xAxis: {
          type: 'category',
          data: k.handlingDistribution.map((b) => binLabel(b.fromMin, b.toMin)),
          ...AXIS,
          axisLabel: { ...AXIS.axisLabel, interval: 0, fontSize: 11 },
        },
        yAxis: { type: 'value', minInterval: 1, ...AXIS },
        series: [
          {
            type: 'bar',
            name: t('kpi.series.incidents'),
            data: k.handlingDistribution.map((b) => b.count),
            barMaxWidth: 36,
          },
        ],
      },
    },
    {
      id: 'handlingTrend',
      unit: 'mixed',
      option: {
        ...base(),
        xAxis: { type: 'category', data: trendX, ...AXIS },
        yAxis: [
          { type: 'value', name: t('kpi.h'), ...AXIS },
          {
            type: 'value',
            name: t('kpi.series.incidents'),
            minInterval: 1,
            ...AXIS,
            splitLine: { show: false },
          },
        ],
        series: [
          {
            type: 'bar',
            name: t('kpi.series.reported'),
            yAxisIndex: 1,
            data: k.handlingTrend.map((p) => p.reported),
            itemStyle: { color: '#2b4a6e' },
          },
          {
            type: 'line',
            name: t('kpi.series.median'),
            data: k.handlingTrend.map((p) => hours(p.medianMin)),
            connectNulls: true,
            symbolSize: 5,
            lineStyle: { width: 2.5 },
          },
          {
            type: 'line',
            name: t('kpi.series.mean'),
            data: k.handlingTrend.map((p) => hours(p.meanMin)),
            connectNulls: true,
            symbolSize: 4,
          },
        ],
      },
    },
    {
      id: 'slaByCategory',
      unit: 'percent',
      option: {
        ...base(),
        legend: { show: false },
        xAxis: { type: 'value', max: 100, ...AXIS },
        yAxis: { type: 'category', data: cats.map((c) => t(`category.${c.category}`)), ...AXIS },
        series: [
          {
            type: 'bar',
            name: t('kpi.series.compliance'),
            data: cats.map((c) => ({
              value: pct(c.compliance),
              itemStyle: {
                color:
                  (c.compliance ?? 1) >= 0.9
                    ? '#5fd39a'
                    : (c.compliance ?? 1) >= 0.7
                      ? '#f2b84b'
                      : '#ef6a6a',
              },
            })),
            label: { show: true, position: 'right', ...TEXT, fontSize: 12, formatter: '{c}%' },
            barMaxWidth: 18,
          },
        ],
      },
    },
    {
      id: 'slaByGrid',
      unit: 'percent',
      option: {
        ...base(),
        legend: { show: false },
        xAxis: {
          type: 'category',
          data: k.slaByGrid.map((g) => g.gridName ?? t('kpi.noGrid')),
          ...AXIS,
          axisLabel: { ...AXIS.axisLabel, rotate: 45, formatter: (v: string) => short(v, 8) },
        },
        yAxis: { type: 'value', max: 100, ...AXIS },
        series: [
          {
            type: 'bar',
            name: t('kpi.series.compliance'),
            data: k.slaByGrid.map((g) => ({
              value: pct(g.compliance),
              itemStyle: {
                color:
                  (g.compliance ?? 1) >= 0.9
                    ? '#5fd39a'
                    : (g.compliance ?? 1) >= 0.7
                      ? '#f2b84b'
                      : '#ef6a6a',
              },
            })),
            barMaxWidth: 22,
          },
        ],
      },
    },
    {
      id: 'satisfaction',
      unit: 'count',
      note:
        k.satisfaction.mean === null
          ? undefined
          : t('kpi.meanStars', { v: k.satisfaction.mean.toFixed(2), n: k.summary.rated }),
      option: {
        ...base(),
        legend: { show: false },
        xAxis: { type: 'category', data: ['1★', '2★', '3★', '4★', '5★'], ...AXIS },
        yAxis: { type: 'value', minInterval: 1, ...AXIS },
        series: [
          {
            type: 'bar',
            name: t('kpi.series.ratings'),
            data: k.satisfaction.counts.map((n, i) => ({
              value: n,
              itemStyle: { color: ['#ef6a6a', '#f28b4b', '#f2b84b', '#9fd36a', '#5fd39a'][i] },
            })),
            barMaxWidth: 44,
            label: { show: true, position: 'top', ...TEXT, fontSize: 12 },
          },
        ],
      },
    },
    {
      id: 'hotspots',
      unit: 'count',
      option: {
        ...base(),
        legend: { show: false },
        xAxis: { type: 'value', minInterval: 1, ...AXIS },
        yAxis: {
          type: 'category',
          data: spots.map((h) => short(h.label ?? t('kpi.road'), 16)),
          ...AXIS,
        },
        series: [
          {
            type: 'bar',
            name: t('kpi.series.reports'),
            data: spots.map((h) => h.count),
            barMaxWidth: 16,
            itemStyle: { color: '#ef8a5a' },
          },
        ],
      },
    },
    {
      id: 'workload',
      unit: 'count',
      option: {
        ...base(),
        xAxis: { type: 'value', minInterval: 1, ...AXIS },
        yAxis: { type: 'category', data: workers.map((w) => short(w.label, 14)), ...AXIS },
        series: [
          {
            type: 'bar',
            name: t('kpi.series.assigned'),
            data: workers.map((w) => w.assigned),
            barMaxWidth: 14,
          },
          {
            type: 'bar',
            name: t('kpi.series.handled'),
            data: workers.map((w) => w.handled),
            barMaxWidth: 14,
          },
        ],
      },
    },
    {
      id: 'alertOutcomes',
      unit: 'alerts',
      note: t('kpi.precisionNote'),
      option: {
        ...base(),
        xAxis: {
          type: 'category',
          data: k.alertOutcomes.map(
            (a) =>
              `${t(`alertKind.${a.kind}`)}${a.precision === null ? '' : `\n${t('kpi.series.precision')} ${pct(a.precision)}%`}${a.falseAlarmRate === null ? '' : `\n${t('kpi.series.falseAlarmRate')} ${pct(a.falseAlarmRate)}%`}`,
          ),
          ...AXIS,
        },
        yAxis: { type: 'value', minInterval: 1, ...AXIS },
        series: (
          [
            ['safe', '#5fd39a'],
            ['neededHelp', '#f2b84b'],
            ['falseAlarm', '#ef6a6a'],
            ['notVisited', '#6d819c'],
          ] as const
        ).map(([key, colour]) => ({
          type: 'bar',
          stack: 'outcome',
          name: t(`kpi.series.${key}`),
          itemStyle: { color: colour },
          barMaxWidth: 48,
          data: k.alertOutcomes.map((a) =>
            key === 'safe'
              ? a.safe
              : key === 'neededHelp'
                ? a.neededHelp
                : key === 'falseAlarm'
                  ? a.falseAlarm
                  : a.open,
          ),
        })),
      },
    },
  ];
}
