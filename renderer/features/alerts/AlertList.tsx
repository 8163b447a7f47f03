/**
 * 表计告警: open and acknowledged meter alerts, elderly residents living alone first, each with a
 * plain-language explanation of what the meters saw. Choosing one flies to its building and makes
 * the dwelling glow in the inspector; the operator acknowledges it and records the visit outcome
 * (safe / needed help / false alarm, with a required reason).
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeterAlert, VisitOutcome } from '../../../electron/common/dto.ts';
import { METER_ANOMALY_KINDS } from '../../../data/model/domain.ts';
import { openAlertTotal, useLivePanels, type AlertCounts } from '../../state/liveStore.ts';
import { useUiStore } from '../../state/uiStore.ts';
import { acknowledgeAlert, createWorkOrder, recordVisitOutcome, selectAlert } from '../../actions/alerts.ts';
import { formatAgo, formatDateTime, formatNumber, formatWhen } from '../../i18n/format.ts';
import { t as translate } from '../../i18n/index.ts';
import { useFeedNow } from '../../components/live/useClock.ts';
import { useCan } from '../../state/sessionStore.ts';
import { setCursor, useListCursor } from '../../state/listCursor.ts';
import { ListTools } from '../../components/ListTools.tsx';
import type { ListExport } from '../../actions/exportList.ts';
import { careFlagNames } from '../../../data/model/domain.ts';
import { BULK_ACK_MAX, BULK_ACK_REASON } from '../../../data/model/alerts/limits.ts';
import {
  ALERT_AGES,
  ALERT_GROUPS,
  alertGrids,
  clearAlertFilters,
  filtersActive,
  matchesFilters,
  setAlertFilter,
  setChecked,
  toggleChecked,
  useAlertFilters,
  type AlertFilters,
} from './alertFilters.ts';
import { acknowledgeAlerts } from './bulk.ts';

/** Alerts drawn in the list at once (the rest are counted); a wall has no use for 300 rows. */
const SHOWN = 60;
const OUTCOMES: VisitOutcome[] = ['safe', 'needed_help', 'false_alarm'];

/** The explanation as a sentence, e.g. 连续 30 小时用水 0 升、用电 0.9 千瓦时；平时每天约 136 升、2.5 千瓦时. */
export function explainAlert(a: MeterAlert): string {
  const e = a.explanation;
  const v = {
    hours: formatNumber(e.hours, 0),
    water: formatNumber(e.waterL),
    power: e.powerKwh === null ? '' : formatNumber(e.powerKwh),
    usualWater: formatNumber(e.usualWaterL, 0),
    usualPower: e.usualPowerKwh === null ? '' : formatNumber(e.usualPowerKwh),
    nightMin: formatNumber(e.nightMinL),
    count: e.days,
  };
  // A home with a water meter only: the sentence says nothing of power.
  return translate(`alerts.explain.${a.kind}${e.powerKwh === null && a.kind !== 'night_flow' ? 'Water' : ''}`, v);
}

export function alertOrder(alerts: Record<string, MeterAlert>): MeterAlert[] {
  return Object.values(alerts).sort(
    (a, b) =>
      Number(b.elderlyAlone) - Number(a.elderlyAlone) ||
      Number(a.status !== 'open') - Number(b.status !== 'open') ||
      METER_ANOMALY_KINDS.indexOf(a.kind) - METER_ANOMALY_KINDS.indexOf(b.kind) ||
      a.raisedAt - b.raisedAt ||
      a.id.localeCompare(b.id),
  );
}

function OutcomeForm({ alert, onDone }: { alert: MeterAlert; onDone: () => void }): React.JSX.Element {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<VisitOutcome>('safe');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const empty = reason.trim().length === 0;
  const submit = async (): Promise<void> => {
    setTried(true);
    if (empty) return;
    setBusy(true);
    const ok = await recordVisitOutcome(alert.id, outcome, reason.trim());
    setBusy(false);
    if (ok) onDone();
  };
  return (
    <div className="action-sheet outcome-form" data-testid="outcome-form" onClick={(e) => e.stopPropagation()}>
      <div className="segmented outcome-choices" role="radiogroup" aria-label={t('alerts.recordOutcome')}>
        {OUTCOMES.map((o) => (
          <button
            key={o}
            type="button"
            role="radio"
            aria-checked={o === outcome}
            className={`seg-btn outcome-${o}${o === outcome ? ' is-on' : ''}`}
            data-testid={`outcome-${o}`}
            onClick={() => setOutcome(o)}
          >
            {t(`alerts.outcome.${o}`)}
          </button>
        ))}
      </div>
      <label className="reason-label" htmlFor={`reason-${alert.id}`}>
        {t('alerts.reason')}
      </label>
      <textarea
        id={`reason-${alert.id}`}
        className={`textarea${tried && empty ? ' is-invalid' : ''}`}
        data-testid="outcome-reason"
        rows={2}
        maxLength={500}
        value={reason}
        placeholder={t('alerts.reasonPlaceholder')}
        onChange={(e) => setReason(e.target.value)}
      />
      {tried && empty && <p className="form-error">{t('alerts.reasonRequired')}</p>}
      <div className="sheet-buttons">
        <button type="button" className="btn" onClick={onDone}>
          {t('alerts.cancel')}
        </button>
        <button type="button" className="btn btn-primary" data-testid="outcome-submit" disabled={busy} onClick={() => void submit()}>
          {t('alerts.submit')}
        </button>
      </div>
    </div>
  );
}

const AlertRow = memo(function AlertRow({
  alert,
  selected,
  nowMs,
  readOnly,
  checked,
  cursor,
}: {
  alert: MeterAlert;
  selected: boolean;
  nowMs: number;
  readOnly: boolean;
  checked: boolean;
  cursor: boolean;
}): React.JSX.Element {
  const { t } = useTranslation();
  const [form, setForm] = useState(false);
  const [busy, setBusy] = useState(false);
  const checkable = !readOnly && alert.status === 'open';
  return (
    <li
      className={`alert-row is-checkable${alert.elderlyAlone ? ' is-elderly' : ''}${alert.status === 'open' ? ' is-open' : ''}${selected ? ' is-selected' : ''}${cursor ? ' is-cursor' : ''}`}
      data-testid="alert-row"
      data-alert-id={alert.id}
      data-status={alert.status}
      data-kind={alert.kind}
      data-cursor={cursor || undefined}
      aria-current={cursor || undefined}
    >
      <span className="alert-check">
        {checkable && (
          <input type="checkbox" data-testid="alert-check" aria-label={t('alerts.bulk.check')} checked={checked} onChange={() => toggleChecked(alert.id)} />
        )}
      </span>
      <button
        type="button"
        className="alert-main"
        onClick={() => {
          setCursor('alerts', alert.id);
          selectAlert(alert.id);
        }}
      >
        <span className="alert-head">
          {alert.elderlyAlone && <span className="tag tag-ElderlyAlone">{t('alerts.elderlyAlone')}</span>}
          <span className="alert-kind">{t(`alertKind.${alert.kind}`)}</span>
          <span className={`alert-status status-${alert.status}`}>{t(`alerts.status.${alert.status}`)}</span>
        </span>
        <span className="alert-where">
          {alert.address} <b>{alert.unit}</b>
        </span>
        <span className="alert-explain">{explainAlert(alert)}</span>
        <span className="alert-meta">
          {alert.status === 'acknowledged' && alert.acknowledgedAt !== null
            ? t('alerts.acknowledgedBy', { who: alert.acknowledgedBy ?? '—', time: formatWhen(alert.acknowledgedAt, nowMs) })
            : t('alerts.raised', { ago: formatAgo(nowMs - alert.raisedAt) })}
        </span>
      </button>
      {selected && !readOnly && !form && (
        <div className="alert-actions">
          {alert.status === 'open' && (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="alert-ack"
              disabled={busy}
              onClick={() => {
                setBusy(true);
                void acknowledgeAlert(alert.id).finally(() => setBusy(false));
              }}
            >
              {t('alerts.ack')}
            </button>
          )}
          <button type="button" className="btn" data-testid="alert-work-order" disabled={busy} onClick={() => void createWorkOrder(alert.id)}>
            {t('alerts.workOrder')}
          </button>
          <button type="button" className="btn" data-testid="alert-outcome" onClick={() => setForm(true)}>
            {t('alerts.recordOutcome')}
          </button>
        </div>
      )}
      {selected && !readOnly && form && <OutcomeForm alert={alert} onDone={() => setForm(false)} />}
    </li>
  );
});

/**
 * A wall's meter alerts: how many of each kind, in how many buildings. A wall is not sent the
 * alerts (each is one household's); the map marks their buildings.
 */
function WallAlertSummary({ counts }: { counts: AlertCounts }): React.JSX.Element {
  const { t } = useTranslation();
  const byKind = METER_ANOMALY_KINDS.map((kind) => ({ kind, count: Object.values(counts).reduce((sum, kinds) => sum + (kinds[kind] ?? 0), 0) }));
  const total = openAlertTotal({ alerts: {}, alertCounts: counts });
  return (
    <section className="live-panel" data-testid="alert-list">
      <header className="live-panel-head">
        <h2 className="panel-title">{t('alerts.title')}</h2>
        <div className="queue-summary">
          <span className="count-chip">{t('alerts.summary', { count: total })}</span>
          {total > 0 && <span className="count-chip">{t('alerts.wallBuildings', { count: Object.keys(counts).length })}</span>}
        </div>
      </header>
      {total === 0 ? (
        <p className="live-empty">{t('alerts.empty')}</p>
      ) : (
        <ul className="alert-list">
          {byKind
            .filter((k) => k.count > 0)
            .map((k) => (
              <li key={k.kind} className="alert-row is-open" data-testid="alert-kind-count" data-kind={k.kind}>
                <span className="alert-head">
                  <span className="alert-kind">{t('alerts.kindCount', { kind: t(`alertKind.${k.kind}`), count: k.count })}</span>
                </span>
              </li>
            ))}
        </ul>
      )}
      <p className="inspector-hint">{t('alerts.wallNote')}</p>
    </section>
  );
}

/** The filters over the list: kind, vulnerable group, grid, age. */
function FilterBar({ alerts, filters, matching }: { alerts: MeterAlert[]; filters: AlertFilters; matching: number }): React.JSX.Element {
  const { t } = useTranslation();
  const grids = useMemo(() => alertGrids(alerts), [alerts]);
  const select = (key: keyof AlertFilters, label: string, options: { value: string; label: string }[]): React.JSX.Element => (
    <label className="alert-filter">
      <span className="alert-filter-label">{label}</span>
      <select className="select" data-testid={`alert-filter-${key}`} value={filters[key]} onChange={(e) => setAlertFilter({ [key]: e.target.value })}>
        <option value="all">{t('alerts.filter.all')}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="alert-filters" role="group" aria-label={t('alerts.filter.label')} data-testid="alert-filters">
      {select('kind', t('alerts.filter.kind'), METER_ANOMALY_KINDS.map((k) => ({ value: k, label: t(`alertKind.${k}`) })))}
      {select('group', t('alerts.filter.group'), ALERT_GROUPS.map((g) => ({ value: g, label: t(`care.${g}`) })))}
      {select('grid', t('alerts.filter.grid'), grids.map((g) => ({ value: g.id, label: g.name ?? t('alerts.filter.noGrid') })))}
      {select('age', t('alerts.filter.age'), ALERT_AGES.map((a) => ({ value: a, label: t(`alerts.filter.ages.${a}`) })))}
      {filtersActive(filters) && (
        <span className="alert-filter-state">
          <span className="count-chip" data-testid="alert-filter-count">
            {t('alerts.filter.shown', { count: matching })}
          </span>
          <button type="button" className="btn btn-small" data-testid="alert-filter-clear" onClick={clearAlertFilters}>
            {t('alerts.filter.clear')}
          </button>
        </span>
      )}
    </div>
  );
}

/** Tick all (open, matching), and acknowledge the ticked ones with one reason. */
function BulkBar({ open, checkedIds }: { open: MeterAlert[]; checkedIds: string[] }): React.JSX.Element | null {
  const { t } = useTranslation();
  const [form, setForm] = useState(false);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  if (open.length === 0 && checkedIds.length === 0) return null;
  const all = open.length > 0 && open.every((a) => checkedIds.includes(a.id));
  const short = reason.trim().length < BULK_ACK_REASON.min;
  const tooMany = checkedIds.length > BULK_ACK_MAX;
  const submit = async (): Promise<void> => {
    setTried(true);
    if (short || tooMany || checkedIds.length === 0) return;
    setBusy(true);
    const ok = await acknowledgeAlerts(checkedIds, reason.trim());
    setBusy(false);
    if (ok) {
      setForm(false);
      setReason('');
      setTried(false);
    }
  };
  return (
    <div className="alert-bulk" data-testid="alert-bulk">
      <div className="alert-bulk-row">
        <label className="alert-select-all">
          <input type="checkbox" data-testid="alert-select-all" checked={all} onChange={() => setChecked(all ? [] : open.map((a) => a.id).slice(0, BULK_ACK_MAX))} />
          {t('alerts.bulk.selectAll', { count: open.length })}
        </label>
        <button type="button" className="btn btn-small btn-primary" data-testid="alert-bulk-ack" disabled={checkedIds.length === 0} onClick={() => setForm(true)}>
          {t('alerts.bulk.ack', { count: checkedIds.length })}
        </button>
      </div>
      {form && checkedIds.length > 0 && (
        <div className="action-sheet alert-bulk-form" data-testid="alert-bulk-form">
          <label className="reason-label" htmlFor="alert-bulk-reason">
            {t('alerts.bulk.reasonLabel')}
          </label>
          <textarea
            id="alert-bulk-reason"
            className={`textarea${tried && short ? ' is-invalid' : ''}`}
            data-testid="alert-bulk-reason"
            rows={2}
            maxLength={BULK_ACK_REASON.max}
            value={reason}
            placeholder={t('alerts.bulk.reasonPlaceholder')}
            onChange={(e) => setReason(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.stopPropagation();
                setForm(false);
              }
            }}
          />
          {tried && short && <p className="form-error">{t('alerts.bulk.reasonRequired')}</p>}
          {tooMany && <p className="form-error">{t('alerts.bulk.tooMany', { max: BULK_ACK_MAX })}</p>}
          <div className="sheet-buttons">
            <button type="button" className="btn" onClick={() => setForm(false)}>
              {t('alerts.cancel')}
            </button>
            <button type="button" className="btn btn-primary" data-testid="alert-bulk-submit" disabled={busy} onClick={() => void submit()}>
              {t('alerts.bulk.submit')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

/** The list as a table (CSV, print): the alerts the filters let through, in the list's order. */
export function alertsExport(alerts: MeterAlert[]): ListExport {
  const h = (k: string): string => translate(`alerts.export.${k}`);
  return {
    title: h('title'),
    columns: ['id', 'kind', 'status', 'groups', 'address', 'unit', 'grid', 'raisedAt', 'explanation', 'acknowledgedBy'].map(h),
    rows: alerts.map((a) => [
      a.id,
      translate(`alertKind.${a.kind}`),
      translate(`alerts.status.${a.status}`),
      careFlagNames(a.careFlags ?? (a.elderlyAlone ? 1 : 0))
        .map((c) => translate(`care.${c}`))
        .join(' '),
      a.address,
      a.unit,
      a.gridName ?? '',
      formatDateTime(a.raisedAt),
      explainAlert(a),
      a.acknowledgedBy ?? '',
    ]),
  };
}

export function AlertList(): React.JSX.Element {
  const { t } = useTranslation();
  const alerts = useLivePanels((s) => s.alerts);
  const alertCounts = useLivePanels((s) => s.alertCounts);
  const mode = useLivePanels((s) => s.mode);
  // A viewer sees the alerts; acknowledging and recording visits is an operator's.
  const mayAct = useCan('operator');
  const selectedId = useUiStore((s) => s.selectedAlertId);
  const cursor = useListCursor((s) => s.alerts);
  const filterState = useAlertFilters();
  const nowMs = useFeedNow(5000);
  const ordered = useMemo(() => alertOrder(alerts), [alerts]);
  const { checked, ...filters } = filterState;
  const matching = useMemo(() => ordered.filter((a) => matchesFilters(a, filterState, nowMs)), [ordered, filterState, nowMs]);
  const readOnly = mode !== 'live' || !mayAct;
  const openMatching = readOnly ? [] : matching.filter((a) => a.status === 'open');
  // Ticks on alerts no longer open (acknowledged elsewhere) or filtered away do not count.
  const checkedIds = openMatching.filter((a) => checked[a.id]).map((a) => a.id);
  const shown = matching.slice(0, SHOWN);
  const selected = selectedId ? alerts[selectedId] : undefined;
  if (selected && !shown.includes(selected)) shown.unshift(selected);
  const cursorAlert = cursor ? alerts[cursor] : undefined;
  if (cursorAlert && !shown.includes(cursorAlert) && matching.includes(cursorAlert)) shown.push(cursorAlert);
  const elderly = ordered.filter((a) => a.elderlyAlone).length;
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (cursor) list.current?.querySelector(`[data-alert-id="${CSS.escape(cursor)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [cursor]);
  if (alertCounts) return <WallAlertSummary counts={alertCounts} />;
  return (
    <section className="live-panel" data-testid="alert-list">
      <header className="live-panel-head">
        <h2 className="panel-title">{t('alerts.title')}</h2>
        <div className="queue-summary">
          <span className="count-chip">{t('alerts.summary', { count: ordered.length })}</span>
          {elderly > 0 && <span className="count-chip chip-orange">{t('alerts.elderlyCount', { count: elderly })}</span>}
          {matching.length > 0 && <ListTools id="alerts" build={() => alertsExport(matching)} />}
        </div>
      </header>
      {ordered.length > 0 && <FilterBar alerts={ordered} filters={filters} matching={matching.length} />}
      {!readOnly && <BulkBar open={openMatching} checkedIds={checkedIds} />}
      {ordered.length === 0 ? (
        <p className="live-empty">{t('alerts.empty')}</p>
      ) : (
        <ul className="alert-list" ref={list}>
          {shown.map((a) => (
            <AlertRow key={a.id} alert={a} selected={a.id === selectedId} nowMs={nowMs} readOnly={readOnly} checked={checked[a.id] === true} cursor={a.id === cursor} />
          ))}
          {matching.length > shown.length && <li className="list-more">{t('alerts.more', { count: matching.length - shown.length, shown: shown.length })}</li>}
        </ul>
      )}
    </section>
  );
}
