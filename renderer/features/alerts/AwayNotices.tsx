/**
 * 出行报备 in the household record: the household's announced absences that have not ended, each
 * cancellable, and a form (first day, last day, note) to record one. Its days raise no no-usage
 * alert; an open one over them leaves the list, closed as an announced absence. Viewers see the
 * list; operators record and cancel (the host checks both). A wall gets no household record.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AwayNotice } from '../../../electron/common/alerts/contract.ts';
import { AWAY_MAX_DAYS, AWAY_MAX_PAST_DAYS, AWAY_NOTE_MAX, awayDays, dayMs, dayOf } from '../../../data/model/alerts/awayNotice.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostCall } from '../../actions/hostCall.ts';
import { useCan } from '../../state/sessionStore.ts';
import { useLiveStore } from '../../state/liveStore.ts';
import { useUiStore } from '../../state/uiStore.ts';
import { pushToast } from '../../state/toastStore.ts';
import './away.css';

const DAY_MS = 86_400_000;

/** The i18n key of what is wrong with the days, or null. */
function rangeError(start: string, end: string, todayMs: number): string | null {
  if (Number.isNaN(dayMs(start)) || Number.isNaN(dayMs(end))) return 'alerts.away.errDay';
  if (dayMs(end) < dayMs(start)) return 'alerts.away.errOrder';
  if (awayDays(start, end) > AWAY_MAX_DAYS) return 'alerts.away.errLong';
  if (dayMs(start) < dayMs(dayOf(todayMs)) - AWAY_MAX_PAST_DAYS * DAY_MS) return 'alerts.away.errOld';
  return null;
}

/** Closed alerts leave the list at once (the live push confirms it a moment later). */
function dropAlerts(ids: string[]): void {
  if (ids.length === 0) return;
  useLiveStore.setState((s) => {
    const alerts = { ...s.alerts };
    for (const id of ids) delete alerts[id];
    return { alerts, version: s.version + 1 };
  });
  const selected = useUiStore.getState().selectedAlertId;
  if (selected !== null && ids.includes(selected)) useUiStore.setState({ selectedAlertId: null, glowHouseholdId: null });
}

export function AwayNotices({ householdId }: { householdId: number }): React.JSX.Element | null {
  const { t } = useTranslation();
  const mayList = useCan('viewer');
  const mayRecord = useCan('operator');
  const [notices, setNotices] = useState<AwayNotice[] | null>(null);
  const today = dayOf(Date.now());
  const [start, setStart] = useState(today);
  const [end, setEnd] = useState(dayOf(Date.now() + 6 * DAY_MS));
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);

  const load = useCallback(async () => {
    setNotices(await hostCall(() => getAppApi().alerts.listAwayNotices({ householdId }), []));
  }, [householdId]);
  useEffect(() => {
    setNotices(null);
    if (mayList) void load();
  }, [load, mayList]);

  if (!mayList) return null;
  const error = rangeError(start, end, Date.now());
  const submit = async (): Promise<void> => {
    setTried(true);
    if (error) return;
    setBusy(true);
    const trimmed = note.trim();
    const r = await hostCall(() => getAppApi().alerts.addAwayNotice({ householdId, startDay: start, endDay: end, ...(trimmed ? { note: trimmed } : {}) }), null);
    setBusy(false);
    if (!r) return;
    dropAlerts(r.closedAlerts);
    pushToast('info', r.closedAlerts.length > 0 ? t('alerts.away.savedClosed', { count: r.closedAlerts.length }) : t('alerts.away.saved'), 5000);
    setNote('');
    setTried(false);
    await load();
  };
  const cancel = async (id: number): Promise<void> => {
    setBusy(true);
    const r = await hostCall(() => getAppApi().alerts.cancelAwayNotice({ id }), null);
    setBusy(false);
    if (r) pushToast('info', t('alerts.away.cancelled'), 4000);
    await load();
  };

  return (
    <section className="away-notices" data-testid="away-notices">
      <h4 className="section-title">{t('alerts.away.title')}</h4>
      {notices === null ? (
        <p className="muted away-empty">{t('alerts.away.loading')}</p>
      ) : notices.length === 0 ? (
        <p className="muted away-empty" data-testid="away-none">
          {t('alerts.away.none')}
        </p>
      ) : (
        <ul className="away-list" data-testid="away-list">
          {notices.map((n) => (
            <li key={n.id} className={`away-item${n.startDay <= today ? ' is-now' : ''}`} data-testid="away-item">
              <div className="away-days mono">
                {n.startDay} – {n.endDay}
                <span className="away-badge">{n.startDay <= today ? t('alerts.away.now') : t('alerts.away.upcoming')}</span>
              </div>
              {n.note && <div className="away-note">{n.note}</div>}
              <div className="away-by muted">{n.recordedBy ? t('alerts.away.by', { who: n.recordedBy }) : t('alerts.away.byGridWorker')}</div>
              {mayRecord && (
                <button type="button" className="btn btn-small away-cancel" data-testid="away-cancel" disabled={busy} onClick={() => void cancel(n.id)}>
                  {t('alerts.away.cancel')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayRecord && (
        <form
          className="away-form"
          data-testid="away-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <div className="away-form-days">
            <label>
              <span>{t('alerts.away.start')}</span>
              <input type="date" data-testid="away-start" value={start} onChange={(e) => setStart(e.target.value)} />
            </label>
            <label>
              <span>{t('alerts.away.end')}</span>
              <input type="date" data-testid="away-end" value={end} onChange={(e) => setEnd(e.target.value)} />
            </label>
          </div>
          <label>
            <span>{t('alerts.away.note')}</span>
            <input data-testid="away-note" value={note} maxLength={AWAY_NOTE_MAX} placeholder={t('alerts.away.notePlaceholder')} onChange={(e) => setNote(e.target.value)} />
          </label>
          {tried && error && <p className="form-error">{t(error, { max: AWAY_MAX_DAYS, past: AWAY_MAX_PAST_DAYS })}</p>}
          <button type="submit" className="btn btn-primary" data-testid="away-submit" disabled={busy}>
            {t('alerts.away.add')}
          </button>
          <p className="muted away-hint">{t('alerts.away.hint')}</p>
        </form>
      )}
    </section>
  );
}
