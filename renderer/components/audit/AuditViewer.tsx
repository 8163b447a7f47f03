/**
 * The audit viewer (issue 10), for supervisors and administrators: who did what to which record,
 * when and why, filtered by period, person, action and subject; who revealed personal data in the
 * last hour against the per-person limit; whether the hash chain is intact; "导出 CSV". The host
 * refuses it to anyone below supervisor whatever this screen shows.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { AuditPage, AuditVerdict } from '../../../electron/common/auditLog.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostCall } from '../../actions/hostCall.ts';
import { pushToast } from '../../state/toastStore.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { actionKey, EMPTY_FORM, presetRange, toFilter, type AuditFilterForm, type PeriodPreset } from './auditPeriod.ts';
import './auditViewer.css';

const PAGE_SIZE = 50;
const PRESETS: PeriodPreset[] = ['hour', 'today', 'week', 'all'];

export function AuditViewer({ onClose }: { onClose: () => void }): React.JSX.Element {
  const { t } = useTranslation();
  const [form, setForm] = useState<AuditFilterForm>(() => ({ ...EMPTY_FORM, ...presetRange('today', Date.now()) }));
  const [page, setPage] = useState(0);
  const [data, setData] = useState<AuditPage | null>(null);
  const [loading, setLoading] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [chain, setChain] = useState<AuditVerdict | null>(null);
  const latest = useRef(0);

  const load = useCallback(async (f: AuditFilterForm, p: number) => {
    const request = ++latest.current;
    setLoading(true);
    const result = await hostCall(() => getAppApi().audit.query(toFilter(f, p, PAGE_SIZE)), null);
    if (request !== latest.current) return; // a newer filter was asked for meanwhile
    setLoading(false);
    if (result) setData(result);
  }, []);

  // Text filters wait for a pause in typing; the rest apply at once.
  useEffect(() => {
    const timer = setTimeout(() => void load(form, page), 250);
    return () => clearTimeout(timer);
  }, [form, page, load]);

  useEffect(() => {
    void hostCall(() => getAppApi().audit.verify(), null).then(setChain);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const change = (patch: Partial<AuditFilterForm>): void => {
    setForm((f) => ({ ...f, ...patch }));
    setPage(0);
  };

  const exportCsv = async (): Promise<void> => {
    setExporting(true);
    const csv = await hostCall(() => getAppApi().audit.exportCsv(toFilter(form, 0, PAGE_SIZE)), null);
    setExporting(false);
    if (csv === null) return;
    const rows = Math.max(0, csv.trimEnd().split('\r\n').length - 1);
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `civictwin-audit-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '')}.csv`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    pushToast('info', t('audit.exported', { count: rows }));
    // The export is itself audited: show its row.
    void load(form, page);
  };

  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const actionLabel = (action: string): string => t(actionKey(action), { defaultValue: action });

  return createPortal(
    <div className="audit-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <section className="audit-viewer" role="dialog" aria-modal="true" aria-labelledby="audit-title" data-testid="audit-viewer">
        <header className="audit-head">
          <h2 id="audit-title">{t('audit.title')}</h2>
          <ChainBadge chain={chain} />
          <button type="button" className="icon-btn audit-close" aria-label={t('audit.close')} title={t('audit.close')} onClick={onClose}>
            ×
          </button>
        </header>

        <div className="audit-filters">
          <div className="audit-field">
            <span>{t('audit.period')}</span>
            <div className="audit-presets">
              {PRESETS.map((p) => (
                <button key={p} type="button" className="seg-btn" onClick={() => change(presetRange(p, Date.now()))}>
                  {t(`audit.periods.${p}`)}
                </button>
              ))}
            </div>
          </div>
          <label className="audit-field">
            <span>{t('audit.from')}</span>
            <input type="datetime-local" value={form.from} onChange={(e) => change({ from: e.target.value })} data-testid="audit-from" />
          </label>
          <label className="audit-field">
            <span>{t('audit.to')}</span>
            <input type="datetime-local" value={form.to} onChange={(e) => change({ to: e.target.value })} data-testid="audit-to" />
          </label>
          <label className="audit-field">
            <span>{t('audit.person')}</span>
            <input list="audit-actors" value={form.actor} placeholder={t('audit.personPlaceholder')} onChange={(e) => change({ actor: e.target.value })} data-testid="audit-actor" />
            <datalist id="audit-actors">
              {data?.actors.map((a) => <option key={a} value={a} />)}
            </datalist>
          </label>
          <label className="audit-field">
            <span>{t('audit.action')}</span>
            <select value={form.action} onChange={(e) => change({ action: e.target.value })} data-testid="audit-action">
              <option value="">{t('audit.allActions')}</option>
              {data?.actions.map((a) => (
                <option key={a} value={a}>
                  {actionLabel(a)}
                </option>
              ))}
            </select>
          </label>
          <label className="audit-field">
            <span>{t('audit.subject')}</span>
            <input value={form.subject} placeholder={t('audit.subjectPlaceholder')} onChange={(e) => change({ subject: e.target.value })} data-testid="audit-subject" />
          </label>
          <div className="audit-buttons">
            <button type="button" className="btn" onClick={() => change({ ...EMPTY_FORM })}>
              {t('audit.reset')}
            </button>
            <button type="button" className="btn btn-primary" disabled={exporting} onClick={() => void exportCsv()} data-testid="audit-export">
              {exporting ? t('audit.exporting') : t('audit.export')}
            </button>
          </div>
        </div>

        {data && <RevealWatch data={data} onPick={(actor) => change({ actor, action: 'reveal_personal_data', ...presetRange('hour', Date.now()) })} />}

        <div className="audit-table-wrap">
          <table className="audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th>{t('audit.columns.time')}</th>
                <th>{t('audit.columns.actor')}</th>
                <th>{t('audit.columns.action')}</th>
                <th>{t('audit.columns.subject')}</th>
                <th>{t('audit.columns.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {data?.rows.map((r) => (
                <tr key={r.id} data-testid="audit-row" className={r.action === 'reveal_refused' || r.action === 'sign_in_failed' ? 'audit-row-warn' : undefined}>
                  <td className="audit-time">{formatDateTime(r.atMs)}</td>
                  <td>{r.actor}</td>
                  <td title={r.action}>{actionLabel(r.action)}</td>
                  <td className="audit-subject">{r.subject}</td>
                  <td className="audit-reason">{r.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data && data.rows.length === 0 && <p className="audit-empty">{loading ? t('audit.loading') : t('audit.empty')}</p>}
          {!data && <p className="audit-empty">{t('audit.loading')}</p>}
        </div>

        <footer className="audit-foot">
          <span data-testid="audit-total">{t('audit.total', { total: total.toLocaleString() })}</span>
          <span>{t('audit.page', { page: page + 1, pages })}</span>
          <button type="button" className="btn" disabled={page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))}>
            {t('audit.prev')}
          </button>
          <button type="button" className="btn" disabled={page + 1 >= pages} onClick={() => setPage((p) => p + 1)}>
            {t('audit.next')}
          </button>
        </footer>
      </section>
    </div>,
    document.body,
  );
}

/** Whether the hash chain is intact, from the host's walk of it when the viewer opened. */
function ChainBadge({ chain }: { chain: AuditVerdict | null }): React.JSX.Element {
  const { t } = useTranslation();
  if (!chain) return <span className="audit-chain">{t('audit.chainChecking')}</span>;
  if (!chain.ok) {
    return (
      <span className="audit-chain audit-chain-broken" data-testid="audit-chain" role="alert">
        {t('audit.chainBroken', { problem: chain.problem })}
      </span>
    );
  }
  return (
    <span className="audit-chain audit-chain-ok" data-testid="audit-chain" title={t('audit.chainOkTitle', { head: chain.headHash })}>
      {t('audit.chainOk', { rows: chain.rows.toLocaleString() })}
      {chain.unsealed > 0 && t('audit.chainUnsealed', { count: chain.unsealed })}
    </span>
  );
}

/** Reveals of personal data in the last hour, per person, against the limit; a click filters to that person's. */
function RevealWatch({ data, onPick }: { data: AuditPage; onPick: (actor: string) => void }): React.JSX.Element {
  const { t } = useTranslation();
  const limit = data.revealLimitPerHour;
  return (
    <div className="audit-reveals" data-testid="audit-reveals">
      <span className="audit-reveals-title">{data.revealsLastHour.length ? t('audit.reveals', { limit }) : t('audit.noReveals')}</span>
      {data.revealsLastHour.map((r) => (
        <button
          key={r.actor}
          type="button"
          className={`audit-reveal-chip${r.count >= limit ? ' at-limit' : r.count >= limit * 0.8 ? ' near-limit' : ''}`}
          onClick={() => onPick(r.actor)}
        >
          {r.actor} <b>{r.count}</b>/{limit}
        </button>
      ))}
    </div>
  );
}
