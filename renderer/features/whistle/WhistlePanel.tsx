/**
 * 吹哨报到 tab: blow the whistle on an incident (kind, the departments summoned, the deadline to
 * report on site), the active whistles with each department's state and time (on the way with its
 * ETA, on site after how many minutes, late and escalated), the operator's marks for a department
 * that phones in, and the scoreboard ranking departments by report-in on time, speed and rating,
 * with the whistle rate (吹哨率) officials watch.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { WHISTLE_KINDS, DEFAULT_REPORT_IN_MIN, type WhistleKind } from '../../../data/model/whistle/index.ts';
import type { WhistleCase } from '../../../electron/common/whistle/contract.ts';
import { isOpenStatus } from '../../../data/model/incidents.ts';
import { useLiveStore } from '../../state/liveStore.ts';
import { useCan } from '../../state/sessionStore.ts';
import { useFeedNow } from '../../components/live/useClock.ts';
import { formatClock, formatNumber } from '../../i18n/format.ts';
import { blowWhistle, markSummons, rateDepartment, useWhistleStore } from './store.ts';
import { STATE_COLOURS } from './layers.ts';
import './whistle.css';

const DEADLINES = [15, 30, 60, 120];
const rgb = (c: readonly number[]): string => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

function BlowForm(): React.JSX.Element {
  const { t } = useTranslation();
  const incidents = useLiveStore((s) => s.incidents);
  const { departments, draftIncidentId } = useWhistleStore();
  const open = useMemo(
    () =>
      Object.values(incidents)
        .filter((i) => isOpenStatus(i.status))
        .sort((a, b) => b.severity - a.severity || a.reportedAt - b.reportedAt)
        .slice(0, 200),
    [incidents],
  );
  const [kind, setKind] = useState<WhistleKind>('daily');
  const [chosen, setChosen] = useState<number[]>([]);
  const [deadline, setDeadline] = useState(DEFAULT_REPORT_IN_MIN);
  const [busy, setBusy] = useState(false);
  const incidentId = draftIncidentId ?? '';
  // Folded until asked for (or opened from an incident's detail): the active whistles come first.
  const [unfolded, setUnfolded] = useState(false);
  if (!unfolded && draftIncidentId === null) {
    return (
      <button type="button" className="btn btn-primary whistle-go" data-testid="whistle-open-form" onClick={() => setUnfolded(true)}>
        {t('whistle.blow')}
      </button>
    );
  }
  const toggle = (id: number): void => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  const ready = incidentId !== '' && chosen.length >= 2 && !busy;
  return (
    <section className="whistle-blow" data-testid="whistle-blow">
      <h3 className="whistle-h">{t('whistle.blowTitle')}</h3>
      <label className="whistle-label">
        {t('whistle.incident')}
        <select className="select" data-testid="whistle-incident" value={incidentId} onChange={(e) => useWhistleStore.setState({ draftIncidentId: e.target.value || null })}>
          <option value="">{t('whistle.pickIncident')}</option>
          {open.map((i) => (
            <option key={i.id} value={i.id}>
              {t(`category.${i.category}`)} · {i.address ?? i.id}
            </option>
          ))}
        </select>
      </label>
      <div className="whistle-seg" role="radiogroup" aria-label={t('whistle.kind')}>
        {WHISTLE_KINDS.map((k) => (
          <button key={k} type="button" role="radio" aria-checked={kind === k} className={`whistle-seg-btn${kind === k ? ' is-on' : ''}`} onClick={() => setKind(k)} data-testid={`whistle-kind-${k}`}>
            {t(`whistle.kinds.${k}`)}
          </button>
        ))}
      </div>
      <p className="whistle-label">{t('whistle.departments')}</p>
      <div className="whistle-deps">
        {departments.map((d) => (
          <label key={d.id} className={`whistle-dep${chosen.includes(d.id) ? ' is-on' : ''}`}>
            <input type="checkbox" checked={chosen.includes(d.id)} onChange={() => toggle(d.id)} data-testid={`whistle-dep-${d.id}`} />
            {d.name}
          </label>
        ))}
      </div>
      <div className="whistle-row">
        <span className="whistle-label">{t('whistle.deadline')}</span>
        <div className="whistle-seg" role="radiogroup" aria-label={t('whistle.deadline')}>
          {DEADLINES.map((m) => (
            <button key={m} type="button" role="radio" aria-checked={deadline === m} className={`whistle-seg-btn${deadline === m ? ' is-on' : ''}`} onClick={() => setDeadline(m)}>
              {t('whistle.minutes', { count: m })}
            </button>
          ))}
        </div>
      </div>
      <button
        type="button"
        className="btn btn-primary whistle-go"
        data-testid="whistle-confirm"
        disabled={!ready}
        onClick={() => {
          setBusy(true);
          void blowWhistle({ incidentId, kind, departmentIds: chosen, deadlineMin: deadline }).then((c) => {
            setBusy(false);
            if (c) {
              setChosen([]);
              setUnfolded(false);
              useWhistleStore.setState({ draftIncidentId: null });
            }
          });
        }}
      >
        {t('whistle.blowConfirm')}
      </button>
    </section>
  );
}

function CaseCard({ c, now, mayAct }: { c: WhistleCase; now: number; mayAct: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const due = c.blownAt + c.deadlineMin * 60_000;
  const left = Math.round((due - now) / 60_000);
  return (
    <li className="whistle-case" data-testid="whistle-case">
      <div className="whistle-case-head">
        <span className={`whistle-kind kind-${c.kind}`}>{t(`whistle.kinds.${c.kind}`)}</span>
        <span className="whistle-case-title">
          {c.category ? t(`category.${c.category}`) : c.incidentId}
          {c.address ? ` · ${c.address}` : ''}
        </span>
      </div>
      <div className="whistle-case-sub muted">
        {t('whistle.due', { time: formatClock(due) })} · <span className={left < 0 ? 'is-late' : ''}>{left >= 0 ? t('whistle.left', { min: left }) : t('whistle.over', { min: -left })}</span>
      </div>
      <ul className="whistle-summons">
        {c.summons.map((s) => (
          <li key={s.departmentId} className={`whistle-summon state-${s.state}`} data-testid="whistle-summons" data-state={s.state}>
            <span className="whistle-dot" style={{ background: rgb(STATE_COLOURS[s.state]) }} aria-hidden />
            <span className="whistle-dep-name">{s.name}</span>
            <span className="whistle-state">
              {t(`whistle.state.${s.state}`)}
              {s.reportedInAt !== null ? ` · ${t('whistle.reportedIn', { min: Math.round((s.reportedInAt - c.blownAt) / 60_000) })}` : ''}
              {s.state === 'en_route' && s.etaMin !== null ? ` · ${t('whistle.eta', { min: s.etaMin })}` : ''}
              {s.outcome ? ` · ${t(`whistle.outcome.${s.outcome}`)}` : ''}
            </span>
            {s.escalatedAt !== null && <span className="whistle-escalated">{t('whistle.escalated')}</span>}
            {mayAct && s.reportedInAt === null && (
              <button type="button" className="btn btn-small" onClick={() => void markSummons(c.id, s.departmentId, 'reported_in', null)}>
                {t('whistle.markIn')}
              </button>
            )}
            {mayAct && s.reportedInAt !== null && s.doneAt === null && (
              <button type="button" className="btn btn-small" onClick={() => void markSummons(c.id, s.departmentId, 'part_done', 'resolved')}>
                {t('whistle.markDone')}
              </button>
            )}
            {mayAct && s.doneAt !== null && s.rating === null && (
              <span className="whistle-rate" role="radiogroup" aria-label={t('whistle.rate')}>
                {[1, 2, 3, 4, 5].map((n) => (
                  <button key={n} type="button" className="star" aria-label={`${n}`} onClick={() => void rateDepartment(c.id, s.departmentId, n)}>
                    ★
                  </button>
                ))}
              </span>
            )}
            {s.rating !== null && <span className="whistle-rating">{'★'.repeat(s.rating)}</span>}
          </li>
        ))}
      </ul>
    </li>
  );
}

function Scoreboard(): React.JSX.Element | null {
  const { t } = useTranslation();
  const board = useWhistleStore((s) => s.board);
  if (!board) return null;
  const mins = (v: number | null): string => (v === null ? '—' : t('whistle.min', { v: formatNumber(v, 0) }));
  return (
    <section className="whistle-board" data-testid="whistle-board">
      <h3 className="whistle-h">{t('whistle.board')}</h3>
      <p className="whistle-figures">
        <span>{t('whistle.whistles', { count: board.whistles })}</span>
        <span title={t('whistle.rateHint')}>{t('whistle.rate_', { pct: board.whistleRate === null ? '—' : `${formatNumber(board.whistleRate * 100, 1)}%` })}</span>
        {board.avgCaseHours !== null && <span>{t('whistle.avgCase', { h: formatNumber(board.avgCaseHours, 1) })}</span>}
      </p>
      <table className="whistle-table">
        <thead>
          <tr>
            <th>{t('whistle.rank')}</th>
            <th>{t('whistle.department')}</th>
            <th>{t('whistle.summoned')}</th>
            <th>{t('whistle.onTime')}</th>
            <th>{t('whistle.late')}</th>
            <th>{t('whistle.escalations')}</th>
            <th>{t('whistle.avgIn')}</th>
            <th>{t('whistle.rating')}</th>
          </tr>
        </thead>
        <tbody>
          {board.departments.map((d, i) => (
            <tr key={d.departmentId} data-testid="whistle-board-row" className={d.late > 0 ? 'has-late' : ''}>
              <td className="mono">{i + 1}</td>
              <td>{d.name}</td>
              <td className="mono">{d.summoned}</td>
              <td className="mono">{d.onTime}</td>
              <td className={`mono${d.late > 0 ? ' is-late' : ''}`}>{d.late}</td>
              <td className={`mono${d.escalations > 0 ? ' is-late' : ''}`}>{d.escalations}</td>
              <td className="mono">{mins(d.avgReportInMin)}</td>
              <td className="mono">{d.avgRating === null ? '—' : formatNumber(d.avgRating, 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function WhistlePanel(): React.JSX.Element {
  const { t } = useTranslation();
  const cases = useWhistleStore((s) => s.cases);
  const visible = useWhistleStore((s) => s.visible);
  const mayAct = useCan('operator');
  const now = useFeedNow(10_000);
  const active = cases.filter((c) => !c.done);
  return (
    <div className="whistle-panel" data-testid="whistle-panel">
      <header className="panel-head">
        <span className="eyebrow">{t('whistle.title')}</span>
        <label className="typhoon-toggle">
          <input type="checkbox" checked={visible} onChange={(e) => useWhistleStore.setState({ visible: e.target.checked })} />
          {t('whistle.onMap')}
        </label>
      </header>
      <section>
        <h3 className="whistle-h">
          {t('whistle.active')} <span className="count-chip">{active.length}</span>
        </h3>
        {active.length === 0 ? (
          <p className="muted">{t('whistle.none')}</p>
        ) : (
          <ul className="whistle-cases">
            {active.map((c) => (
              <CaseCard key={c.id} c={c} now={now} mayAct={mayAct} />
            ))}
          </ul>
        )}
        <p className="muted whistle-legend">{t('whistle.onMapLegend')}</p>
      </section>
      <Scoreboard />
      {mayAct && <BlowForm />}
    </div>
  );
}
