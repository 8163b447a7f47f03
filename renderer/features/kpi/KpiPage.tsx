/**
 * The KPI dashboard as a whole-window page (`#kpi=7d`, `#kpi=30d`, `#kpi=<fromMs>-<toMs>`): a
 * period picker, the summary tiles and one card per chart (title, unit, ECharts canvas, CSV and
 * XLSX of its table), all computed by the host in DuckDB from the event log. Aggregates only.
 */
import { PageNav } from '../PageNav.tsx';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../components/EChart.tsx';
import { setLanguage } from '../../i18n/index.ts';
import {
  isKpiPreset,
  KPI_MAX_SPAN_MS,
  KPI_PRESETS,
  type KpiChartId,
  type KpiPreset,
  type KpiReport,
} from '../../../data/model/kpi/index.ts';
import { loadPreset, loadReport, useKpiStore } from './store.ts';
import { chartSpecs, type ChartSpec } from './charts.ts';
import { kpiCsv, kpiTables, kpiXlsx, type KpiTable } from './tables.ts';
import { summaryTiles } from './format.ts';
import './kpi.css';

/** `7d` → that preset; `<fromMs>-<toMs>` → that period; anything else → 7 days. */
function startFrom(value: string): void {
  if (isKpiPreset(value)) return void loadPreset(value);
  const m = /^(\d{10,16})-(\d{10,16})$/.exec(value);
  if (m) {
    const fromMs = Number(m[1]);
    const toMs = Number(m[2]);
    if (toMs > fromMs && toMs - fromMs <= KPI_MAX_SPAN_MS)
      return void loadReport({ fromMs, toMs }, null);
  }
  void loadPreset('7d');
}

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
const day = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const fileStem = (k: KpiReport): string => `kpi_${day(k.period.fromMs)}_${day(k.period.toMs - 1)}`;

function PeriodPicker(): React.JSX.Element {
  const { t } = useTranslation();
  const preset = useKpiStore((s) => s.preset);
  const period = useKpiStore((s) => s.period);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  useEffect(() => {
    if (!period) return;
    setFrom(day(period.fromMs));
    setTo(day(period.toMs - 1));
  }, [period]);
  const fromMs = Date.parse(`${from}T00:00:00+08:00`);
  const toMs = Date.parse(`${to}T00:00:00+08:00`) + 86_400_000;
  const valid = Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs;
  const tooLong = valid && toMs - fromMs > KPI_MAX_SPAN_MS;
  return (
    <div className="kpi-period" role="group" aria-label={t('kpi.period')}>
      <span className="kpi-period-label">{t('kpi.period')}</span>
      {KPI_PRESETS.map((p: KpiPreset) => (
        <button
          key={p}
          type="button"
          className={`kpi-preset${preset === p ? ' active' : ''}`}
          aria-pressed={preset === p}
          data-testid={`kpi-preset-${p}`}
          onClick={() => void loadPreset(p)}
        >
          {t(`kpi.preset.${p}`)}
        </button>
      ))}
      <label className="kpi-date">
        {t('kpi.from')}
        <input
          type="date"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          data-testid="kpi-from"
        />
      </label>
      <label className="kpi-date">
        {t('kpi.to')}
        <input
          type="date"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          data-testid="kpi-to"
        />
      </label>
      <button
        type="button"
        className="kpi-preset"
        disabled={!valid || tooLong}
        onClick={() => void loadReport({ fromMs, toMs }, null)}
        data-testid="kpi-apply"
      >
        {t('kpi.apply')}
      </button>
      {tooLong && <span className="kpi-warn">{t('kpi.tooLong')}</span>}
    </div>
  );
}

function Tiles({ k }: { k: KpiReport }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const tiles = summaryTiles(k, t, i18n.language);
  return (
    <div className="kpi-tiles" data-testid="kpi-tiles">
      {tiles.map(([id, value]) => (
        <div className="kpi-tile" key={id} data-testid={`kpi-tile-${id}`}>
          <span className="kpi-tile-value">{value}</span>
          <span className="kpi-tile-label">{t(`kpi.tile.${id}`)}</span>
        </div>
      ))}
    </div>
  );
}

function ChartCard({
  id,
  unit,
  note,
  option,
  table,
  stem,
  height,
}: {
  id: KpiChartId;
  unit: string;
  note?: string;
  option: ChartSpec['option'];
  table: KpiTable;
  stem: string;
  height: number;
}): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <section className="kpi-card" data-testid={`kpi-chart-${id}`} aria-label={t(`kpi.chart.${id}`)}>
      <header className="kpi-card-head">
        <h2>{t(`kpi.chart.${id}`)}</h2>
        <span className="kpi-unit">{t(`kpi.unit.${unit}`)}</span>
        <span className="kpi-card-actions">
          <button
            type="button"
            data-testid={`kpi-csv-${id}`}
            onClick={() =>
              download(
                `${stem}_${id}.csv`,
                new Blob([kpiCsv(table)], { type: 'text/csv;charset=utf-8' }),
              )
            }
          >
            {t('kpi.csv')}
          </button>
          <button
            type="button"
            data-testid={`kpi-xlsx-${id}`}
            onClick={() => void kpiXlsx([table]).then((b) => download(`${stem}_${id}.xlsx`, b))}
          >
            {t('kpi.xlsx')}
          </button>
        </span>
      </header>
      {note && <p className="kpi-note">{note}</p>}
      <EChart option={option} height={height} testId={`kpi-canvas-${id}`} />
    </section>
  );
}

/** The dashboard's body for a report: the tiles and the charts. Also what a wall's KPI cell shows (compact). */
export function KpiCharts({
  k,
  compact = false,
}: {
  k: KpiReport;
  compact?: boolean;
}): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const specs = useMemo(() => chartSpecs(k, t, i18n.language), [k, t, i18n.language]);
  const tables = useMemo(() => kpiTables(k, t, i18n.language), [k, t, i18n.language]);
  const stem = fileStem(k);
  const shown = compact
    ? specs.filter((s) => s.id === 'handlingTrend' || s.id === 'slaByCategory')
    : specs;
  return (
    <>
      <Tiles k={k} />
      <div className={`kpi-grid${compact ? ' compact' : ''}`}>
        {shown.map((s) => (
          <ChartCard
            key={s.id}
            id={s.id}
            unit={s.unit}
            note={s.note}
            option={s.option}
            table={tables.find((tb) => tb.id === s.id)!}
            stem={stem}
            height={
              compact
                ? 220
                : s.id === 'slaByGrid' || s.id === 'workload' || s.id === 'hotspots'
                  ? 340
                  : 280
            }
          />
        ))}
      </div>
    </>
  );
}

export function KpiPage({ value }: { value: string }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const report = useKpiStore((s) => s.report);
  const loading = useKpiStore((s) => s.loading);
  const error = useKpiStore((s) => s.error);
  useEffect(() => startFrom(value), [value]);
  useEffect(() => {
    document.title = t('kpi.title');
  }, [t]);
  const totalMs = report ? Object.values(report.queryMs).reduce((s, v) => s + v, 0) : 0;
  const exportAll = (): void => {
    if (report)
      void kpiXlsx(kpiTables(report, t, i18n.language)).then((b) =>
        download(`${fileStem(report)}.xlsx`, b),
      );
  };
  const back = (): void => {
    window.location.hash = '';
    window.location.reload();
  };
  return (
    <div
      className="kpi-page"
      data-testid="kpi-page"
      data-ready={report && !loading ? 'true' : 'false'}
    >
      <header className="kpi-head">
        <h1>{t('kpi.title')}</h1>
        <PageNav current="kpi" />
        <span className="badge">{t('kpi.aggregatesOnly')}</span>
        <PeriodPicker />
        <span className="kpi-head-actions">
          <button type="button" onClick={exportAll} disabled={!report} data-testid="kpi-export-all">
            {t('kpi.exportAll')}
          </button>
          <button
            type="button"
            onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}
            data-testid="kpi-language"
          >
            {i18n.language === 'en' ? '中文' : 'EN'}
          </button>
          <button type="button" onClick={back}>
            {t('kpi.back')}
          </button>
        </span>
      </header>
      {error && <p className="kpi-error">{error}</p>}
      {loading && <p className="kpi-status">{t('kpi.loading')}</p>}
      {report && (
        <>
          {report.summary.reported === 0 && <p className="kpi-status">{t('kpi.empty')}</p>}
          <KpiCharts k={report} />
          <p className="kpi-foot">{t('kpi.computedIn', { ms: Math.round(totalMs) })}</p>
        </>
      )}
    </div>
  );
}
