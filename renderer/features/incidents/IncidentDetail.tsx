/**
 * One incident: what, where, who reported it, the SLA clock, and its closed loop
 * 上报→受理→派发→处置→反馈→评价 as a step timeline with the time of each step (Beijing time).
 * In live mode the operator acts from here (IncidentActions); in replay it is read-only and shows
 * the steps taken up to the replayed moment.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Incident, IncidentDetail as Detail, IncidentStepRecord } from '../../../electron/common/dto.ts';
import { INCIDENT_STEPS, isOpenStatus, type IncidentStep } from '../../../data/model/incidents.ts';
import { useLivePanels } from '../../state/liveStore.ts';
import { fetchIncident, selectIncident } from '../../actions/incidents.ts';
import { formatWhen, formatNumber } from '../../i18n/format.ts';
import { useFeedNow } from '../../components/live/useClock.ts';
import { CategoryIcon, SlaTimer, incidentSla } from './IncidentQueue.tsx';
import { IncidentActions } from './IncidentActions.tsx';
import { formatRoadAddress, incidentRoadAddress } from './roadAddress.ts';

/** Which loop step a recorded step fills: a reassignment is a dispatch, closing is the evaluation. */
const LOOP_STEP: Record<string, IncidentStep> = { reassigned: 'dispatched', closed: 'evaluated' };
const loopStepOf = (step: string): IncidentStep | null =>
  LOOP_STEP[step] ?? ((INCIDENT_STEPS as readonly string[]).includes(step) ? (step as IncidentStep) : null);

function StepTimeline({ incident, steps, nowMs }: { incident: Incident; steps: IncidentStepRecord[]; nowMs: number }): React.JSX.Element {
  const { t } = useTranslation();
  const latest = new Map<IncidentStep, IncidentStepRecord>();
  for (const r of steps) {
    const s = loopStepOf(r.step);
    if (s) latest.set(s, r);
  }
  const open = isOpenStatus(incident.status);
  const firstPending = INCIDENT_STEPS.find((s) => !latest.has(s));
  return (
    <ol className="step-timeline">
      {INCIDENT_STEPS.map((step) => {
        const r = latest.get(step);
        const state = r ? 'done' : open && step === firstPending ? 'current' : 'pending';
        const actor = r?.actor === 'console' ? t('detail.consoleActor') : r?.actor;
        const who = !r
          ? ''
          : step === 'reported'
            ? t(`reporter.${incident.reporter}`)
            : r.assignee && step === 'dispatched'
              ? t(r.step === 'reassigned' ? 'detail.reassignedTo' : 'detail.to', { label: r.assignee.label })
              : r.rating
                ? t('detail.rated', { count: r.rating })
                : actor
                  ? t('detail.by', { actor })
                  : '';
        return (
          <li key={step} className={`step step-${state}`} data-testid="incident-step" data-step={step} data-state={state}>
            <span className="step-dot" aria-hidden />
            <span className="step-name">{t(`step.${step}`)}</span>
            <span className="step-time mono">{r ? formatWhen(r.ts, nowMs) : state === 'current' ? '…' : '—'}</span>
            {who && <span className="step-who">{who}</span>}
          </li>
        );
      })}
    </ol>
  );
}

export function IncidentDetail({ id }: { id: string }): React.JSX.Element {
  const { t } = useTranslation();
  const stored = useLivePanels((s) => s.incidents[id]);
  const mode = useLivePanels((s) => s.mode);
  const nowMs = useFeedNow(1000);
  const [fetched, setFetched] = useState<{ id: string; value: Detail | null } | null>(null);
  const updatedAt = stored?.updatedAt ?? 0;
  useEffect(() => {
    let live = true;
    void fetchIncident(id).then((value) => live && setFetched({ id, value }));
    return () => {
      live = false;
    };
  }, [id, updatedAt]);
  const loading = fetched?.id !== id;
  const known = fetched?.id === id ? fetched.value : null;
  // Live: the newer of the pushed incident and the fetched detail; replay: the state as of then.
  const incident: Incident | null = mode === 'replay' ? (stored ?? null) : stored && known ? (stored.updatedAt >= known.updatedAt ? stored : known) : (stored ?? known);
  const steps = (known?.steps ?? []).filter((s) => mode === 'live' || s.ts <= nowMs);
  const roadAddress = incident ? incidentRoadAddress(incident) : null;

  return (
    <section className="live-panel incident-detail" data-testid="incident-detail">
      <header className="live-panel-head">
        <button type="button" className="back-btn" data-testid="detail-back" onClick={() => selectIncident(null)}>
          <span aria-hidden>‹</span> {t('detail.back')}
        </button>
      </header>
      {!incident ? (
        <p className="live-empty">{loading ? t('queue.loading') : t('detail.notFound')}</p>
      ) : (
        <div className="detail-body">
          <div className="detail-title">
            <CategoryIcon incident={incident} size={56} />
            <div>
              <h2 className="panel-heading">{t(`category.${incident.category}`)}</h2>
              <div className="detail-chips">
                <span className={`sev-chip sev-${incident.severity}`}>{t(`severity.${incident.severity}`)}</span>
                <span className={`status-chip status-${incident.status}`} data-testid="incident-detail-status" data-status={incident.status}>
                  {t(`incidentStatus.${incident.status}`)}
                </span>
              </div>
            </div>
            <SlaTimer incident={incident} sla={incidentSla(incident, nowMs)} nowMs={nowMs} />
          </div>
          <dl className="fields detail-fields">
            <div className="field">
              <dt>{t('detail.location')}</dt>
              <dd>
                {incident.address ? (
                  <span className="detail-address">{incident.address}</span>
                ) : roadAddress ? (
                  <span className="detail-address" data-testid="incident-road-address">
                    {formatRoadAddress(roadAddress)}
                  </span>
                ) : null}
                {incident.description ?? ''}
                <span className="muted mono">
                  {incident.buildingId !== null ? ` ${t('queue.location', { id: incident.buildingId })} ·` : ''} {formatNumber(incident.lon, 5)}, {formatNumber(incident.lat, 5)}
                </span>
              </dd>
            </div>
            <div className="field">
              <dt>{t('detail.reporter')}</dt>
              <dd>{t(`reporter.${incident.reporter}`)}</dd>
            </div>
            <div className="field">
              <dt>{t('detail.reportedAt')}</dt>
              <dd className="mono">{formatWhen(incident.reportedAt, nowMs)}</dd>
            </div>
            <div className="field">
              <dt>{t('detail.sla')}</dt>
              <dd className="mono">{t('detail.slaDue', { time: formatWhen(incident.slaDueAt, nowMs) })}</dd>
            </div>
            <div className="field">
              <dt>{t('detail.assignee')}</dt>
              <dd data-testid="incident-assignee">
                {incident.assignee ? `${incident.assignee.label} · ${t(`assigneeKind.${incident.assignee.kind}`)}` : t('detail.none')}
              </dd>
            </div>
          </dl>
          <h3 className="section-title">{t('detail.loop')}</h3>
          <StepTimeline incident={incident} steps={steps} nowMs={nowMs} />
          {incident.status === 'cancelled' && <p className="muted">{t('detail.cancelledNote')}</p>}
          {mode === 'live' ? <IncidentActions incident={incident} onChanged={(value) => setFetched({ id, value })} /> : <p className="replay-note">{t('detail.readOnly')}</p>}
        </div>
      )}
    </section>
  );
}
