/**
 * 一户一档: the household record opened from the inspector. Personal fields are shown exactly as
 * the host returned them (already masked by the service, or absent on wall views).
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HouseholdRecord } from '../../electron/common/dto.ts';
import { REVEAL_REASON } from '../../data/model/masking.ts';
import { AGE_BANDS, careFlagNames } from '../../data/model/domain.ts';
import { useDetailStore } from '../state/detailStore.ts';
import { selectHousehold, useUiStore } from '../state/uiStore.ts';
import { useTwinStore } from '../state/twinStore.ts';
import { revealHousehold } from '../actions/selection.ts';
import { useCan } from '../state/sessionStore.ts';
import { EChart, CHART_TEXT } from './EChart.tsx';
import { HOUSEHOLD_SECTION_DEFS } from '../features/registry.ts';

function UseSparkline({ record }: { record: HouseholdRecord }): React.JSX.Element {
  const { t } = useTranslation();
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 6, right: 6, top: 26, bottom: 4 },
      legend: { top: 0, right: 0, itemWidth: 14, itemHeight: 8, textStyle: { ...CHART_TEXT, fontSize: 13 } },
      tooltip: { trigger: 'axis', textStyle: { fontSize: 14 } },
      xAxis: { type: 'category', show: false, data: record.recentUse.map((d) => d.day) },
      yAxis: [
        { type: 'value', show: false, min: 0 },
        { type: 'value', show: false, min: 0 },
      ],
      series: [
        {
          name: t('household.water'),
          type: 'line',
          data: record.recentUse.map((d) => d.waterL),
          smooth: true,
          symbol: 'none',
          lineStyle: { color: '#36d6ff', width: 2 },
          itemStyle: { color: '#36d6ff' },
          areaStyle: { color: 'rgba(54,214,255,0.15)' },
        },
        {
          name: t('household.power'),
          type: 'line',
          yAxisIndex: 1,
          data: record.recentUse.map((d) => d.powerKwh),
          smooth: true,
          symbol: 'none',
          lineStyle: { color: '#ffb020', width: 2 },
          itemStyle: { color: '#ffb020' },
        },
      ],
    }),
    [record, t],
  );
  return <EChart option={option} height={96} testId="household-sparkline" />;
}

/**
 * "Show in full" at an operator console (never on a wall view, which receives no personal data):
 * asks for the reason first, as the audit log needs it (DESIGN.md §6).
 */
function RevealControl({ householdId }: { householdId: number }): React.JSX.Element | null {
  const { t } = useTranslation();
  const atConsole = useTwinStore((s) => s.host?.personalData === 'masked');
  const mayReveal = useCan('operator');
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  if (!atConsole || !mayReveal) return null;
  if (!asking) {
    return (
      <button type="button" className="btn reveal-btn" data-testid="household-reveal" onClick={() => setAsking(true)}>
        {t('household.reveal')}
      </button>
    );
  }
  const submit = async (): Promise<void> => {
    setBusy(true);
    const ok = await revealHousehold(householdId, reason);
    setBusy(false);
    if (ok) setAsking(false);
  };
  return (
    <form
      className="reveal-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        <span>{t('household.revealReason')}</span>
        <input
          data-testid="household-reveal-reason"
          value={reason}
          maxLength={REVEAL_REASON.max}
          placeholder={t('household.revealPlaceholder')}
          onChange={(e) => setReason(e.target.value)}
          autoFocus
        />
      </label>
      <div className="reveal-actions">
        <button type="submit" className="btn btn-primary" data-testid="household-reveal-confirm" disabled={busy || reason.trim().length < REVEAL_REASON.min}>
          {t('household.revealConfirm')}
        </button>
        <button type="button" className="btn" onClick={() => setAsking(false)}>
          {t('household.revealCancel')}
        </button>
      </div>
    </form>
  );
}

export function HouseholdCard(): React.JSX.Element | null {
  const { t } = useTranslation();
  const householdId = useUiStore((s) => s.selectedHouseholdId);
  const slot = useDetailStore((s) => s.household);
  if (householdId === null) return null;
  const h = slot.id === householdId ? slot.value : null;
  const tags = h ? careFlagNames(h.careFlags) : [];
  return (
    <article className="household-card" data-testid="household-card">
      <header className="panel-head">
        <div>
          <span className="eyebrow">{t('household.title')}</span>
          <h3 className="panel-heading small">{h ? `${h.unit}` : slot.loading ? t('household.loading') : t('household.notFound')}</h3>
        </div>
        <button type="button" className="icon-btn" aria-label={t('household.close')} title={t('household.close')} onClick={() => selectHousehold(null)}>
          ×
        </button>
      </header>
      {h && (
        <div className="household-body">
          <dl className="fields compact">
            <div className="field">
              <dt>{t('household.address')}</dt>
              <dd data-testid="household-address">{h.address}</dd>
            </div>
            <div className="field">
              <dt>{t('household.floorUnit')}</dt>
              <dd>{t('household.floorUnitValue', { floor: h.floor, unit: h.unit })}</dd>
            </div>
            <div className="field">
              <dt>{t('household.size')}</dt>
              <dd data-testid="household-size">{t('household.sizeValue', { count: h.size })}</dd>
            </div>
            <div className="field">
              <dt>{t('household.rental')}</dt>
              <dd>{h.isRental ? t('household.rented') : t('household.owned')}</dd>
            </div>
            <div className="field">
              <dt>{t('household.tags')}</dt>
              <dd className="tags">
                {tags.length === 0 ? t('household.noTags') : tags.map((n) => <span key={n} className={`tag tag-${n}`}>{t(`care.${n}`)}</span>)}
              </dd>
            </div>
            <div className="field">
              <dt>{t('household.contact')}</dt>
              <dd data-testid="household-contact">{h.contactName}</dd>
            </div>
            <div className="field">
              <dt>{t('household.phone')}</dt>
              <dd className="mono" data-testid="household-phone">
                {h.contactPhone}
              </dd>
            </div>
          </dl>
          <h4 className="section-title">{t('household.members')}</h4>
          <ul className="members" data-testid="household-members">
            {h.members.map((m, i) => (
              <li key={i}>
                <div className="member-line">
                  <span className="member-name">{m.name}</span>
                  <span>{m.relation}</span>
                  <span>{t(`household.sex.${m.sex}`)}</span>
                  <span>{AGE_BANDS[m.ageBand] ?? '—'}</span>
                  {careFlagNames(m.careFlags).map((n) => (
                    <span key={n} className={`tag tag-${n}`}>
                      {t(`care.${n}`)}
                    </span>
                  ))}
                </div>
                <div className="member-line mono muted">
                  <span title={t('household.idNumber')}>{m.idNumber}</span>
                  <span title={t('household.memberPhone')}>{m.phone}</span>
                </div>
              </li>
            ))}
          </ul>
          <h4 className="section-title">{t('household.recentUse')}</h4>
          <UseSparkline record={h} />
          {HOUSEHOLD_SECTION_DEFS.map((Section, i) => <Section key={i} householdId={h.id} />)}
          {h.revealed ? (
            <p className="masked-note revealed-note" data-testid="household-revealed">
              {t('household.revealed')}
            </p>
          ) : (
            <>
              <p className="masked-note">{t('household.masked')}</p>
              <RevealControl householdId={h.id} />
            </>
          )}
        </div>
      )}
    </article>
  );
}
