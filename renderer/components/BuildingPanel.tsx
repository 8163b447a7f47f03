/** Right-hand building panel (楼栋档案): the selected building's record from the host. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { BuildingDetail } from '../../electron/common/dto.ts';
import { AGE_BANDS } from '../../data/model/domain.ts';
import { useDetailStore } from '../state/detailStore.ts';
import { selectBuilding, useUiStore } from '../state/uiStore.ts';
import { EChart, CHART_TEXT } from './EChart.tsx';

function Row({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }): React.JSX.Element {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

function AgeChart({ detail }: { detail: BuildingDetail }): React.JSX.Element {
  const { t } = useTranslation();
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 44, right: 12, top: 16, bottom: 30 },
      tooltip: { trigger: 'axis', textStyle: { fontSize: 15 } },
      xAxis: {
        type: 'category',
        data: AGE_BANDS.map((b) => `${b}${t('panel.ageSuffix')}`),
        axisLabel: { ...CHART_TEXT, fontSize: 14 },
        axisLine: { lineStyle: { color: '#2a4868' } },
        axisTick: { show: false },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { ...CHART_TEXT, fontSize: 13 },
        splitLine: { lineStyle: { color: 'rgba(80,130,180,0.18)' } },
      },
      series: [
        {
          type: 'bar',
          barWidth: '56%',
          data: detail.ageBands.map((v, i) => ({
            value: v,
            itemStyle: { color: i >= 3 ? '#ffb020' : i === 0 ? '#36d6ff' : '#3d8bd9', borderRadius: [3, 3, 0, 0] },
          })),
          label: { show: true, position: 'top', ...CHART_TEXT, fontSize: 14, color: '#e6f1ff' },
        },
      ],
    }),
    [detail, t],
  );
  return <EChart option={option} height={190} testId="panel-age-chart" />;
}

function CareTile({ label, value, tone, testId }: { label: string; value: number; tone: string; testId: string }): React.JSX.Element {
  return (
    <div className={`care-tile tone-${tone}${value > 0 ? ' active' : ''}`}>
      <span className="care-value" data-testid={testId}>
        {value}
      </span>
      <span className="care-label">{label}</span>
    </div>
  );
}

export function BuildingPanel(): React.JSX.Element | null {
  const { t } = useTranslation();
  const selectedId = useUiStore((s) => s.selectedBuildingId);
  const slot = useDetailStore((s) => s.building);
  if (selectedId === null) return null;
  const d = slot.id === selectedId ? slot.value : null;
  const none = t('panel.unknown');
  return (
    <div className="building-panel" data-testid="building-panel">
      <header className="panel-head">
        <div>
          <span className="eyebrow">{t('panel.title')}</span>
          <h2 className="panel-heading">{d ? (d.name ?? d.address) : slot.loading ? t('panel.loading') : t('panel.notFound')}</h2>
        </div>
        <button type="button" className="icon-btn" aria-label={t('panel.close')} title={t('panel.close')} onClick={() => selectBuilding(null)}>
          ×
        </button>
      </header>
      {d && (
        <div className="panel-body">
          <dl className="fields">
            <Row label={t('panel.address')} testId="panel-address">
              {d.address}
            </Row>
            <Row label={t('panel.use')}>{t(`use.${d.use}`)}</Row>
            <Row label={t('panel.floors')} testId="panel-floors">
              {t('panel.floorsValue', { count: d.floors })}
              {d.floorsEstimated && <span className="muted" data-testid="panel-floors-estimated"> · {t('panel.floorsEstimated')}</span>}
            </Row>
            <Row label={t('panel.height')}>
              {t('panel.heightValue', { value: d.heightM.toFixed(1) })}
              <span className="muted"> · {t(`panel.heightSource.${d.heightSource}`)}</span>
            </Row>
            {d.yearBuilt !== null && <Row label={t('panel.yearBuilt')}>{d.yearBuilt}</Row>}
            <Row label={t('panel.community')}>
              {d.community?.name ?? none}
              {d.grid && <span className="muted"> · {d.grid.name}</span>}
            </Row>
            <Row label={t('panel.gridWorker')}>{d.gridWorker ?? none}</Row>
          </dl>
          <div className="stat-row">
            <div className="stat">
              <span className="stat-value" data-testid="panel-households">
                {d.households}
              </span>
              <span className="stat-label">{t('panel.households')}</span>
            </div>
            {!d.peopleWithheld && (
              <>
                <div className="stat">
                  <span className="stat-value" data-testid="panel-residents">
                    {d.residents}
                  </span>
                  <span className="stat-label">{t('panel.residents')}</span>
                </div>
                <div className="stat">
                  <span className="stat-value">{Math.round(d.rentalShare * 100)}%</span>
                  <span className="stat-label">{t('panel.rentalShare')}</span>
                </div>
              </>
            )}
          </div>
          {d.peopleWithheld ? (
            // A wall is not told about the people of a building with one or two households.
            <p className="muted" data-testid="panel-people-withheld">
              {t('panel.peopleWithheld')}
            </p>
          ) : d.households === 0 ? (
            // An imported map without a household register: say so rather than draw empty tiles and a flat chart.
            <p className="muted" data-testid="panel-no-households">
              {t('inspector.noUnits')}
            </p>
          ) : (
            <>
              <h3 className="section-title">{t('panel.care')}</h3>
              <div className="care-grid">
                <CareTile label={t('panel.elderlyAlone')} value={d.care.elderlyAlone} tone="amber" testId="panel-elderly-alone" />
                <CareTile label={t('panel.disabled')} value={d.care.disabled} tone="purple" testId="panel-disabled" />
                <CareTile label={t('panel.minors')} value={d.care.minors} tone="cyan" testId="panel-minors" />
                <CareTile label={t('panel.lowIncome')} value={d.care.lowIncome} tone="green" testId="panel-low-income" />
              </div>
              <h3 className="section-title">{t('panel.ageBands')}</h3>
              <AgeChart detail={d} />
            </>
          )}
          <h3 className="section-title">{t('panel.facilitiesInside')}</h3>
          {d.facilities.length === 0 ? (
            <p className="muted">{t('panel.none')}</p>
          ) : (
            <ul className="inside-list">
              {d.facilities.map((f) => (
                <li key={f.id}>
                  <span className="tag">{t(`facility.${f.kind}`)}</span> {f.name}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
