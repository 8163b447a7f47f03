/** ECharts options of the trust board's charts, from a board (pure). */
import type { EChartsCoreOption } from 'echarts/core';
import { COMPANY_FEE_SHARE, type TrustBoard } from '../../../data/model/trustProperty/index.ts';

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
const yuan = (fen: number): number => Math.round(fen) / 100;

export type TrustChartId = 'collection' | 'spending' | 'balance' | 'share';
export interface TrustChartSpec {
  id: TrustChartId;
  unit: 'percent' | 'yuan' | 'mixed';
  option: EChartsCoreOption;
}

export function trustCharts(b: TrustBoard, t: T): TrustChartSpec[] {
  const months = b.months.map((m) => m.period);
  const items = [...b.spendingByItem].reverse();
  return [
    {
      id: 'collection',
      unit: 'mixed',
      option: {
        ...base(),
        xAxis: { type: 'category', data: months, ...AXIS },
        yAxis: [
          { type: 'value', min: 0, max: 100, ...AXIS },
          { type: 'value', minInterval: 1, ...AXIS, splitLine: { show: false } },
        ],
        series: [
          { type: 'line', name: t('trustProperty.series.rate'), data: b.months.map((m) => pct(m.collectionRate)), symbolSize: 6, lineStyle: { width: 3 } },
          { type: 'bar', name: t('trustProperty.series.disputes'), yAxisIndex: 1, data: b.months.map((m) => m.disputes), barMaxWidth: 18, itemStyle: { color: '#ef6a6a', opacity: 0.7 } },
        ],
      },
    },
    {
      id: 'spending',
      unit: 'yuan',
      option: {
        ...base(),
        legend: { show: false },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, textStyle: { fontFamily: TEXT.fontFamily } },
        xAxis: { type: 'value', ...AXIS },
        yAxis: { type: 'category', data: items.map((i) => t(`trustProperty.item.${i.item}`)), ...AXIS },
        series: [{ type: 'bar', name: t('trustProperty.series.spending'), data: items.map((i) => yuan(i.amountFen)), barMaxWidth: 22, itemStyle: { color: '#5fd39a' } }],
      },
    },
    {
      id: 'balance',
      unit: 'yuan',
      option: {
        ...base(),
        xAxis: { type: 'category', data: months, ...AXIS },
        yAxis: { type: 'value', ...AXIS },
        series: [
          { type: 'bar', name: t('trustProperty.series.income'), data: b.months.map((m) => yuan(m.collectedFen + m.otherIncomeFen)), barMaxWidth: 14, itemStyle: { color: '#39c5f7', opacity: 0.55 } },
          { type: 'bar', name: t('trustProperty.series.spending'), data: b.months.map((m) => yuan(m.spendingFen + m.companyFeeFen)), barMaxWidth: 14, itemStyle: { color: '#f2b84b', opacity: 0.55 } },
          { type: 'line', name: t('trustProperty.series.balance'), data: b.months.map((m) => yuan(m.balanceFen)), symbolSize: 6, lineStyle: { width: 3, color: '#5fd39a' }, itemStyle: { color: '#5fd39a' } },
        ],
      },
    },
    {
      id: 'share',
      unit: 'percent',
      option: {
        ...base(),
        xAxis: { type: 'category', data: months, ...AXIS },
        yAxis: { type: 'value', min: 0, max: (v: { max: number }) => Math.max(14, Math.ceil(v.max + 1)), ...AXIS },
        series: [
          {
            type: 'line',
            name: t('trustProperty.series.share'),
            data: b.months.map((m) => {
              const v = pct(m.companyFeeShare);
              const out = m.companyFeeShare !== null && (m.companyFeeShare > COMPANY_FEE_SHARE.max + 0.0005 || m.companyFeeShare < COMPANY_FEE_SHARE.min - 0.0005);
              return out ? { value: v, itemStyle: { color: '#ff4d4f' }, symbolSize: 12 } : v;
            }),
            symbolSize: 6,
            lineStyle: { width: 3 },
          },
          { type: 'line', name: t('trustProperty.series.min'), data: months.map(() => COMPANY_FEE_SHARE.min * 100), symbol: 'none', lineStyle: { type: 'dashed', color: '#8fa3bf' }, itemStyle: { color: '#8fa3bf' } },
          { type: 'line', name: t('trustProperty.series.max'), data: months.map(() => COMPANY_FEE_SHARE.max * 100), symbol: 'none', lineStyle: { type: 'dashed', color: '#ef6a6a' }, itemStyle: { color: '#ef6a6a' } },
        ],
      },
    },
  ];
}
