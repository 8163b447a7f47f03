/** ECharts options of the 积分制 page's charts, from its figures (pure). */
import type { EChartsCoreOption } from 'echarts/core';
import { ACTIVITY_KINDS, POINTS_TZ_OFFSET_MS } from '../../../data/model/points/index.ts';
import type { PointsReport } from './store.ts';

type T = (key: string, opts?: Record<string, unknown>) => string;
export const POINTS_CHARTS = ['trend', 'kinds', 'ageBands', 'householdTypes', 'grids', 'shops'] as const;
export type PointsChartId = (typeof POINTS_CHARTS)[number];

const TEXT = { color: '#b9cde4', fontFamily: 'Noto Sans SC, sans-serif' };
const AXIS = {
  axisLabel: { ...TEXT, fontSize: 12 },
  axisLine: { lineStyle: { color: '#3a5878' } },
  splitLine: { lineStyle: { color: '#1e3450' } },
  nameTextStyle: { ...TEXT, fontSize: 12 },
};
const KIND_COLOURS = ['#39c5f7', '#5fd39a', '#a98bf5', '#f2b84b', '#ef6a6a', '#8fa3bf'];
const base = (): EChartsCoreOption => ({
  color: ['#39c5f7', '#f2b84b', '#5fd39a', '#ef6a6a', '#a98bf5'],
  textStyle: { ...TEXT, fontSize: 13 },
  animation: false,
  tooltip: { trigger: 'axis', textStyle: { fontFamily: TEXT.fontFamily } },
  legend: { top: 0, textStyle: { ...TEXT, fontSize: 12 }, itemWidth: 14, itemHeight: 10 },
  grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
});
const pct = (v: number): number => Math.round(v * 1000) / 10;
const short = (s: string, n = 12): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const monthLabel = (ms: number): string => new Date(ms + POINTS_TZ_OFFSET_MS).toISOString().slice(0, 7);
/** The start of the next month (Beijing time), as epoch ms. */
const nextMonthMs = (ms: number): number => {
  const d = new Date(ms + POINTS_TZ_OFFSET_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - POINTS_TZ_OFFSET_MS;
};

/** Grids shown at most in the by-grid chart: the lowest and the highest participation, half each. */
export const GRIDS_SHOWN = 20;

export function pointsChartSpecs(r: PointsReport, t: T): { id: PointsChartId; option: EChartsCoreOption; note?: string }[] {
  const months = r.trend.months;
  const kinds = r.who.kinds;
  const allGrids = [...r.participation.grids].sort((a, b) => a.share - b.share);
  // A district has ~100 grids: one card cannot name them all. The planning question is who takes
  // part least and who most, so the chart keeps both ends, with a gap between them.
  const cut = allGrids.length > GRIDS_SHOWN;
  const gap = { name: '…', share: Number.NaN, pointsPerHousehold: Number.NaN };
  const grids = cut ? [...allGrids.slice(0, GRIDS_SHOWN / 2), gap, ...allGrids.slice(-GRIDS_SHOWN / 2)] : allGrids;
  // The period's last month is partial when the period ends before the month does: say so, and draw it lighter.
  const last = months.at(-1);
  const lastPartial = last !== undefined && r.trend.period.toMs < nextMonthMs(last.monthMs);
  const monthName = (m: { monthMs: number }, i: number): string =>
    i === months.length - 1 && lastPartial ? `${monthLabel(m.monthMs)} ${t('points.toDate')}` : monthLabel(m.monthMs);
  const faded = <V,>(values: V[]): (V | { value: V; itemStyle: { opacity: number } })[] =>
    lastPartial ? values.map((v, i) => (i === values.length - 1 ? { value: v, itemStyle: { opacity: 0.45 } } : v)) : values;
  const shops = [...r.shops.shops].reverse();
  const percentAxis = { type: 'value', ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: '{value}%' } };
  return [
    {
      id: 'trend',
      option: {
        ...base(),
        color: [...KIND_COLOURS, '#ffffff', '#f2b84b'],
        // Eight series: the legend takes two lines above the axes' names.
        grid: { left: 8, right: 16, top: 62, bottom: 8, containLabel: true },
        xAxis: { type: 'category', data: months.map(monthName), ...AXIS },
        yAxis: [
          { type: 'value', name: t('points.series.points'), ...AXIS },
          { type: 'value', name: t('points.series.activeHouseholds'), ...AXIS, splitLine: { show: false } },
        ],
        series: [
          ...ACTIVITY_KINDS.map((k) => ({ type: 'bar', stack: 'earned', name: t(`points.kind.${k}`), data: faded(months.map((m) => m.pointsByKind[k])) })),
          { type: 'line', name: t('points.series.activeHouseholds'), yAxisIndex: 1, data: months.map((m) => m.activeHouseholds), symbolSize: 6, lineStyle: { width: 2 } },
          { type: 'line', name: t('points.series.redeemed'), data: months.map((m) => m.pointsRedeemed), lineStyle: { type: 'dashed', width: 2 }, symbol: 'none' },
        ],
      },
    },
    {
      id: 'kinds',
      option: {
        ...base(),
        xAxis: { type: 'category', data: kinds.map((k) => t(`points.kind.${k.kind}`)), ...AXIS, axisLabel: { ...AXIS.axisLabel, interval: 0, width: 92, overflow: 'break' as const } }, // six kinds: English names wrap at spaces rather than run into each other (92 px holds "Volunteering")
        yAxis: [
          { type: 'value', name: t('points.series.points'), ...AXIS },
          { ...percentAxis, max: 100, splitLine: { show: false } },
        ],
        series: [
          { type: 'bar', name: t('points.series.points'), data: kinds.map((k) => k.points) },
          { type: 'line', name: t('points.series.elderlyShare'), yAxisIndex: 1, data: kinds.map((k) => pct(k.elderlyShare)), symbolSize: 8 },
          { type: 'line', name: t('points.series.elderlyResidents'), yAxisIndex: 1, data: kinds.map(() => pct(r.who.elderlyResidentShare)), symbol: 'none', lineStyle: { type: 'dashed' } },
        ],
      },
    },
    {
      id: 'ageBands',
      option: {
        ...base(),
        xAxis: { type: 'category', data: r.who.ageBands.map((b) => b.label), ...AXIS },
        yAxis: { ...percentAxis },
        series: [
          { type: 'bar', name: t('points.series.residentShare'), data: r.who.ageBands.map((b) => pct(b.residentShare)) },
          { type: 'bar', name: t('points.series.participantShare'), data: r.who.ageBands.map((b) => pct(b.participantShare)) },
          { type: 'line', name: t('points.series.rate'), data: r.who.ageBands.map((b) => pct(b.rate)), symbolSize: 8 },
        ],
      },
    },
    {
      id: 'householdTypes',
      option: {
        ...base(),
        legend: { show: false },
        xAxis: { type: 'category', data: r.who.householdTypes.map((h) => t(`points.householdType.${h.type}`)), ...AXIS, axisLabel: { ...AXIS.axisLabel, interval: 0 } },
        yAxis: { ...percentAxis, max: 100 },
        series: [{ type: 'bar', name: t('points.series.share'), data: r.who.householdTypes.map((h) => pct(h.share)), itemStyle: { color: '#5fd39a' } }],
      },
    },
    {
      id: 'grids',
      option: {
        ...base(),
        xAxis: [{ ...percentAxis, max: 100 }, { type: 'value', ...AXIS, splitLine: { show: false } }],
        yAxis: { type: 'category', data: grids.map((g) => short(g.name)), ...AXIS, axisLabel: { ...AXIS.axisLabel, interval: 0, fontSize: 11 } },
        series: [
          { type: 'bar', name: t('points.series.share'), data: grids.map((g) => (Number.isNaN(g.share) ? null : pct(g.share))) },
          { type: 'line', name: t('points.series.perHousehold'), xAxisIndex: 1, connectNulls: false, data: grids.map((g) => (Number.isNaN(g.pointsPerHousehold) ? null : Math.round(g.pointsPerHousehold))), symbolSize: 5 },
        ],
      },
      ...(cut ? { note: t('points.gridsNote', { half: GRIDS_SHOWN / 2, total: allGrids.length }) } : {}),
    },
    {
      id: 'shops',
      option: {
        ...base(),
        xAxis: [{ type: 'value', ...AXIS }, { type: 'value', ...AXIS, splitLine: { show: false } }],
        yAxis: { type: 'category', data: shops.map((s) => short(s.name)), ...AXIS, axisLabel: { ...AXIS.axisLabel, interval: 0 } },
        series: [
          { type: 'bar', name: t('points.series.points'), data: shops.map((s) => s.points) },
          { type: 'bar', name: t('points.series.redemptions'), xAxisIndex: 1, data: shops.map((s) => s.redemptions) },
        ],
      },
    },
  ];
}
