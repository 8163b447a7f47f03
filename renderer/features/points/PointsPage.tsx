/**
 * 积分制 as a whole-window page (`#points=365d`, `#points=30d`, `#points=<fromMs>-<toMs>`): the
 * period, the summary tiles, who is under-represented, and one card per chart (trend by kind, by
 * kind with the elderly's share, age bands, household types, grids, shops). Aggregates only.
 */
import { PageNav } from '../PageNav.tsx';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../components/EChart.tsx';
import { setLanguage } from '../../i18n/index.ts';
import { POINTS_PRESETS, pointsPresetPeriod, underRepresented } from '../../../data/model/points/index.ts';
import { loadPointsFrom, loadPointsReport, usePointsStore, type PointsReport } from './store.ts';
import { pointsChartSpecs } from './charts.ts';
import './points.css';

function Tiles({ r }: { r: PointsReport }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  const s = r.participation.summary;
  const elderly = r.who.ageBands.filter((b) => b.band >= 3);
  const elderlyRate = elderly.reduce((a, b) => a + b.participants, 0) / Math.max(1, elderly.reduce((a, b) => a + b.residents, 0));
  const allRate = s.participants / Math.max(1, s.residents);
  const tiles: [string, string][] = [
    ['share', `${(s.share * 100).toFixed(1)}%`],
    ['participating', nf.format(s.participating)],
    ['earned', nf.format(s.pointsEarned)],
    ['redeemed', nf.format(s.pointsRedeemed)],
    ['elderly', `${(elderlyRate * 100).toFixed(0)}% / ${(allRate * 100).toFixed(0)}%`],
  ];
  return (
    <div className="points-tiles" data-testid="points-tiles">
      {tiles.map(([id, value]) => (
        <div className="points-tile" key={id} data-testid={`points-tile-${id}`}>
          <span className="points-tile-value">{value}</span>
          <span className="points-tile-label">{t(`points.tile.${id}`)}</span>
        </div>
      ))}
    </div>
  );
}

function Charts({ r }: { r: PointsReport }): React.JSX.Element {
  const { t } = useTranslation();
  const specs = useMemo(() => pointsChartSpecs(r, t), [r, t]);
  const under = underRepresented(r.who.ageBands);
  return (
    <>
      <p className={`points-note${under.length ? ' warn' : ''}`} data-testid="points-under">
        {under.length ? t('points.underRepresented', { bands: under.map((b) => b.label).join('、') }) : t('points.noneUnder')}
      </p>
      <div className="points-grid">
        {specs.map((s) => (
          <section className="points-card" key={s.id} data-testid={`points-chart-${s.id}`} aria-label={t(`points.chart.${s.id}`)}>
            <header className="points-card-head">
              <h2>{t(`points.chart.${s.id}`)}</h2>
            </header>
            {s.note && <p className="points-card-note">{s.note}</p>}
            <EChart option={s.option} height={s.id === 'grids' ? 360 : 290} testId={`points-canvas-${s.id}`} />
          </section>
        ))}
      </div>
    </>
  );
}

export function PointsPage({ value }: { value: string }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const report = usePointsStore((s) => s.report);
  const loading = usePointsStore((s) => s.loading);
  const error = usePointsStore((s) => s.error);
  const preset = usePointsStore((s) => s.preset);
  useEffect(() => void loadPointsFrom(value), [value]);
  useEffect(() => {
    document.title = t('points.title');
  }, [t]);
  const back = (): void => {
    window.location.hash = '';
    window.location.reload();
  };
  return (
    <div className="points-page" data-testid="points-page" data-ready={report && !loading ? 'true' : 'false'}>
      <header className="points-head">
        <h1>{t('points.title')}</h1>
        <PageNav current="points" />
        <span className="badge">{t('points.aggregatesOnly')}</span>
        <div className="points-period" role="group" aria-label={t('points.period')}>
          <span className="points-period-label">{t('points.period')}</span>
          {POINTS_PRESETS.map((p) => (
            <button
              key={p}
              type="button"
              className={`points-preset${preset === p ? ' active' : ''}`}
              aria-pressed={preset === p}
              data-testid={`points-preset-${p}`}
              onClick={() => void loadPointsReport(pointsPresetPeriod(p, Date.now()), p)}
            >
              {t(`points.preset.${p}`)}
            </button>
          ))}
        </div>
        <span className="points-head-actions">
          <button type="button" onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')} data-testid="points-language">
            {i18n.language === 'en' ? '中文' : 'EN'}
          </button>
          <button type="button" onClick={back}>
            {t('points.back')}
          </button>
        </span>
      </header>
      {error && <p className="points-error">{error}</p>}
      {loading && <p className="points-status">{t('points.loading')}</p>}
      {report && (
        <>
          {report.participation.summary.records === 0 && <p className="points-status">{t('points.empty')}</p>}
          <Tiles r={report} />
          <Charts r={report} />
        </>
      )}
    </div>
  );
}
