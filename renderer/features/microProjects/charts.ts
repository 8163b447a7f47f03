/** ECharts options of the micro-projects board's charts, from a board (pure). */
import type { EChartsCoreOption } from 'echarts/core';
import { PROJECT_STAGES, SATISFACTION_TARGET, type MicroBoard } from '../../../data/model/microProjects/index.ts';
import { stageCss } from './stageColours.ts';

type T = (key: string, opts?: Record<string, unknown>) => string;
const TEXT = { color: '#b9cde4', fontFamily: 'Noto Sans SC, sans-serif' };
const AXIS = {
  axisLabel: { ...TEXT, fontSize: 12 },
  axisLine: { lineStyle: { color: '#3a5878' } },
  splitLine: { lineStyle: { color: '#1e3450' } },
  nameTextStyle: { ...TEXT, fontSize: 12 },
};
const base = (): EChartsCoreOption => ({
  textStyle: { ...TEXT, fontSize: 13 },
  animation: false,
  tooltip: { trigger: 'axis', textStyle: { fontFamily: TEXT.fontFamily } },
  legend: { top: 0, textStyle: { ...TEXT, fontSize: 12 }, itemWidth: 14, itemHeight: 10 },
  grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
});
/** 万元 with one decimal. */
const wan = (fen: number): number => Math.round(fen / 100_000) / 10;
const pct = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 10);

export const BUDGET_COLOURS = { spent: '#5fd39a', committed: '#f2b84b', remaining: '#3a5878', overrun: '#ff4d4f' } as const;

export type MicroChartId = 'budget' | 'stages' | 'satisfaction' | 'categories';
export interface MicroChartSpec {
  id: MicroChartId;
  unit: 'yuan' | 'count' | 'percent' | 'mixed';
  option: EChartsCoreOption;
}

export function microCharts(b: MicroBoard, t: T): MicroChartSpec[] {
  // Longest community first at the top: ECharts draws a category axis bottom-up.
  const rows = [...b.budgets].reverse();
  const stack = (key: keyof typeof BUDGET_COLOURS, data: number[]): Record<string, unknown> => ({
    type: 'bar',
    stack: 'budget',
    name: t(`microProjects.series.${key}`),
    data,
    barMaxWidth: 26,
    itemStyle: { color: BUDGET_COLOURS[key] },
  });
  const months = b.satisfaction.map((m) => m.period);
  return [
    {
      id: 'budget',
      unit: 'yuan',
      option: {
        ...base(),
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, textStyle: { fontFamily: TEXT.fontFamily } },
        xAxis: { type: 'value', ...AXIS },
        yAxis: { type: 'category', data: rows.map((r) => r.name), ...AXIS, axisLabel: { ...AXIS.axisLabel, width: 96, overflow: 'truncate' } },
        series: [
          stack('spent', rows.map((r) => wan(r.budget.spentFen))),
          stack('committed', rows.map((r) => wan(r.budget.committedFen))),
          stack('remaining', rows.map((r) => wan(Math.max(0, r.budget.remainingFen)))),
          // An overrun is drawn past the allocation, in red.
          stack('overrun', rows.map((r) => wan(Math.max(0, -r.budget.remainingFen)))),
        ],
      },
    },
    {
      id: 'stages',
      unit: 'count',
      option: {
        ...base(),
        legend: { show: false },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, textStyle: { fontFamily: TEXT.fontFamily } },
        xAxis: { type: 'category', data: PROJECT_STAGES.map((s) => t(`microProjects.stage.${s}`)), ...AXIS, axisLabel: { ...AXIS.axisLabel, interval: 0, width: 72, overflow: 'break' } },
        yAxis: { type: 'value', minInterval: 1, ...AXIS },
        series: [{ type: 'bar', name: t('microProjects.series.projects'), data: PROJECT_STAGES.map((s) => ({ value: b.byStage[s], itemStyle: { color: stageCss(s) } })), barMaxWidth: 36 }],
      },
    },
    {
      id: 'satisfaction',
      unit: 'percent',
      option: {
        ...base(),
        xAxis: { type: 'category', data: months, ...AXIS },
        yAxis: [
          { type: 'value', min: (v: { min: number }) => Math.max(0, Math.floor((Math.min(v.min, 90) - 5) / 10) * 10), max: 100, ...AXIS },
          { type: 'value', minInterval: 1, ...AXIS, splitLine: { show: false } },
        ],
        series: [
          { type: 'bar', name: t('microProjects.series.ratings'), yAxisIndex: 1, data: b.satisfaction.map((m) => m.ratings), barMaxWidth: 16, itemStyle: { color: '#39c5f7', opacity: 0.45 } },
          {
            type: 'line',
            name: t('microProjects.series.satisfaction'),
            data: b.satisfaction.map((m) => {
              const v = pct(m.satisfaction);
              return m.satisfaction !== null && m.satisfaction < SATISFACTION_TARGET - 0.05 ? { value: v, itemStyle: { color: '#ff4d4f' }, symbolSize: 10 } : v;
            }),
            symbolSize: 6,
            lineStyle: { width: 3, color: '#5fd39a' },
            itemStyle: { color: '#5fd39a' },
          },
          { type: 'line', name: t('microProjects.series.target'), data: months.map(() => SATISFACTION_TARGET * 100), symbol: 'none', lineStyle: { type: 'dashed', color: '#f2b84b' }, itemStyle: { color: '#f2b84b' } },
        ],
      },
    },
    {
      id: 'categories',
      unit: 'mixed',
      option: {
        ...base(),
        xAxis: { type: 'category', data: b.byCategory.map((c) => t(`microProjects.category.${c.category}`)), ...AXIS },
        yAxis: [
          { type: 'value', minInterval: 1, ...AXIS },
          { type: 'value', ...AXIS, splitLine: { show: false } },
        ],
        series: [
          { type: 'bar', name: t('microProjects.series.projects'), data: b.byCategory.map((c) => c.projects), barMaxWidth: 28, itemStyle: { color: '#a98bf5' } },
          { type: 'bar', name: t('microProjects.series.budget'), yAxisIndex: 1, data: b.byCategory.map((c) => wan(c.budgetFen)), barMaxWidth: 28, itemStyle: { color: '#39c5f7' } },
        ],
      },
    },
  ];
}
