/**
 * The KPI dashboard on a wall (issue 13, "also as wall panels"): under the KPI cell's counts, the
 * last 7 days' summary figures and, where the cell has room, the handling-time trend and SLA
 * compliance by category. Aggregates only (the `kpi` section is wall-safe). The cell's size is
 * set by the layout, so the charts are fitted to the height that is left and dropped, not clipped,
 * when there is none; the figures refresh every five minutes for a wall that runs for days.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { presetPeriod, type KpiChartId, type KpiReport } from '../../../data/model/kpi/index.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { EChart } from '../../components/EChart.tsx';
import { chartSpecs } from './charts.ts';
import { summaryTiles } from './format.ts';
import './kpi.css';

const REFRESH_MS = 5 * 60_000;
const WALL_CHARTS: readonly KpiChartId[] = ['handlingTrend', 'slaByCategory'];
/** Below this height (CSS px of the cell) a chart says nothing readable: it is left out. */
const MIN_CHART_PX = 150;
/** Two charts side by side from this width; one below it. */
const TWO_CHARTS_PX = 700;
const CHART_HEAD_PX = 26;

function useSevenDayReport(): KpiReport | null {
  const [report, setReport] = useState<KpiReport | null>(null);
  useEffect(() => {
    let live = true;
    const load = (): void => {
      getAppApi()
        .kpi.getReport(presetPeriod('7d', Date.now()))
        .then((r) => live && setReport(r))
        // A failed refresh keeps the last figures: a wall shows no error pop-ups.
        .catch(() => undefined);
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  return report;
}

/** The box's own size in CSS px (clientWidth/Height are unaffected by the cell's zoom). */
function useBoxSize(ref: React.RefObject<HTMLDivElement | null>): { w: number; h: number } {
  const [size, setSize] = useState({ w: 0, h: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const measure = (): void =>
      setSize((s) => (s.w === el.clientWidth && s.h === el.clientHeight ? s : { w: el.clientWidth, h: el.clientHeight }));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

export function KpiWallSection(): React.JSX.Element | null {
  const { t, i18n } = useTranslation();
  const report = useSevenDayReport();
  const box = useRef<HTMLDivElement>(null);
  const { w, h } = useBoxSize(box);
  const specs = useMemo(
    () => (report ? chartSpecs(report, t, i18n.language).filter((s) => WALL_CHARTS.includes(s.id)) : []),
    [report, t, i18n.language],
  );
  const chartH = h - CHART_HEAD_PX;
  const shown = chartH < MIN_CHART_PX ? [] : specs.slice(0, w >= TWO_CHARTS_PX ? 2 : 1);
  return (
    <div className="kpi-wall" data-testid="kpi-wall">
      <h3 className="kpi-wall-title">{t('kpi.wall.title')}</h3>
      {report && (
        <div className="kpi-board" data-testid="kpi-wall-tiles">
          {summaryTiles(report, t, i18n.language)
            .filter(([id]) => id !== 'reported')
            .map(([id, value]) => (
              <div className="kpi" key={id} data-testid={`kpi-wall-${id}`}>
                <span className="kpi-value">{value}</span>
                <span className="kpi-label">{t(`kpi.tile.${id}`)}</span>
              </div>
            ))}
        </div>
      )}
      <div className="kpi-wall-charts" ref={box} style={{ gridTemplateColumns: `repeat(${Math.max(1, shown.length)}, minmax(0, 1fr))` }}>
        {shown.map((s) => (
          <section key={s.id} className="kpi-wall-chart" data-testid={`kpi-wall-chart-${s.id}`}>
            <h4>{t(`kpi.chart.${s.id}`)}</h4>
            <EChart option={s.option} height={chartH} testId={`kpi-wall-canvas-${s.id}`} />
          </section>
        ))}
      </div>
    </div>
  );
}
