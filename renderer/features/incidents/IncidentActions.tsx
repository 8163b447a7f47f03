/**
 * What the operator can do with an incident in its current state: 受理 accept, 派发 dispatch
 * (the host proposes the nearest free grid workers and departments by road; the nearest is
 * pre-selected, the operator confirms), 改派 reassign, 结案 close with a 1–5 rating.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DispatchOption, Incident, IncidentDetail } from '../../../electron/common/dto.ts';
import { actOnIncident, proposeDispatch } from '../../actions/incidents.ts';
import { useCan } from '../../state/sessionStore.ts';
import { formatDistance } from '../../i18n/format.ts';
import { INCIDENT_ACTION_DEFS } from '../registry.ts';

type Step = null | 'dispatch' | 'reassign' | 'close';

function DispatchPicker({
  incidentId,
  reassign,
  busy,
  onConfirm,
  onCancel,
}: {
  incidentId: string;
  reassign: boolean;
  busy: boolean;
  onConfirm: (o: DispatchOption) => void;
  onCancel: () => void;
}): React.JSX.Element {
  const { t } = useTranslation();
  const [options, setOptions] = useState<DispatchOption[] | null>(null);
  const [chosen, setChosen] = useState(0);
  useEffect(() => {
    let live = true;
    void proposeDispatch(incidentId).then((o) => {
      if (!live) return;
      setOptions(o);
      setChosen(0);
    });
    return () => {
      live = false;
    };
  }, [incidentId]);
  const pick = options?.[chosen];
  return (
    <div className="action-sheet" data-testid="dispatch-picker">
      <h4 className="sheet-title">{t('detail.proposals')}</h4>
      {options === null ? (
        <p className="muted">{t('detail.loadingOptions')}</p>
      ) : options.length === 0 ? (
        <p className="muted">{t('detail.noOptions')}</p>
      ) : (
        <ul className="dispatch-options" role="radiogroup">
          {options.map((o, i) => (
            <li key={`${o.kind}-${o.id}`}>
              <button
                type="button"
                role="radio"
                aria-checked={i === chosen}
                className={`dispatch-option${i === chosen ? ' is-chosen' : ''}`}
                data-testid="dispatch-option"
                onClick={() => setChosen(i)}
              >
                <span className="radio" aria-hidden />
                <span className="option-name">
                  {o.label}
                  <span className="muted"> · {t(`assigneeKind.${o.kind}`)}</span>
                  {i === 0 && <span className="proposed-tag">{t('detail.proposed')}</span>}
                </span>
                <span className="option-figures mono">
                  {formatDistance(o.roadDistanceM)} · {t('detail.eta', { count: o.etaMin })}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="sheet-buttons">
        <button type="button" className="btn" onClick={onCancel}>
          {t('detail.cancel')}
        </button>
        <button type="button" className="btn btn-primary" data-testid="dispatch-confirm" disabled={!pick || busy} onClick={() => pick && onConfirm(pick)}>
          {t(reassign ? 'detail.confirmReassign' : 'detail.confirmDispatch')}
        </button>
      </div>
    </div>
  );
}

function CloseSheet({ busy, onConfirm, onCancel }: { busy: boolean; onConfirm: (rating: number) => void; onCancel: () => void }): React.JSX.Element {
  const { t } = useTranslation();
  const [rating, setRating] = useState(5);
  return (
    <div className="action-sheet" data-testid="close-sheet">
      <h4 className="sheet-title">
        {t('detail.rating')} <span className="muted">{t('detail.ratingValue', { count: rating })}</span>
      </h4>
      <div className="rating" role="radiogroup" aria-label={t('detail.rating')}>
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            type="button"
            role="radio"
            aria-checked={n === rating}
            aria-label={t('detail.ratingValue', { count: n })}
            className={`star${n <= rating ? ' is-on' : ''}`}
            data-testid={`rating-${n}`}
            onClick={() => setRating(n)}
          >
            ★
          </button>
        ))}
      </div>
      <div className="sheet-buttons">
        <button type="button" className="btn" onClick={onCancel}>
          {t('detail.cancel')}
        </button>
        <button type="button" className="btn btn-primary" data-testid="close-confirm" disabled={busy} onClick={() => onConfirm(rating)}>
          {t('detail.confirmClose')}
        </button>
      </div>
    </div>
  );
}

export function IncidentActions({ incident, onChanged }: { incident: Incident; onChanged: (d: IncidentDetail | null) => void }): React.JSX.Element | null {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setStep(null), [incident.id, incident.status]);

  const run = async (action: Parameters<typeof actOnIncident>[1]): Promise<void> => {
    setBusy(true);
    const d = await actOnIncident(incident.id, action);
    setBusy(false);
    if (d) {
      onChanged(d);
      setStep(null);
    }
  };
  // A viewer or a wall sees the incident but not the buttons the host would refuse them.
  const mayAct = useCan('operator');
  const s = incident.status;
  const canAccept = s === 'reported';
  const canDispatch = s === 'accepted';
  const canReassign = s === 'dispatched' || s === 'handling';
  const canClose = s === 'dispatched' || s === 'handling' || s === 'feedback';
  if (!mayAct || (!canAccept && !canDispatch && !canReassign && !canClose)) return null;

  return (
    <div className="incident-actions">
      {/* Other modules' parts (dispatch by kind: the nearest unit of each kind the category needs). */}
      {step === null && (canDispatch || canReassign) && INCIDENT_ACTION_DEFS.map((Part, i) => <Part key={i} incident={incident} onChanged={onChanged} />)}
      {step === null && (
        <div className="action-buttons">
          {canAccept && (
            <button type="button" className="btn btn-primary btn-big" data-testid="action-accept" disabled={busy} onClick={() => void run({ action: 'accept' })}>
              {t('detail.accept')}
            </button>
          )}
          {canDispatch && (
            <button type="button" className="btn btn-primary btn-big" data-testid="action-dispatch" disabled={busy} onClick={() => setStep('dispatch')}>
              {t('detail.dispatch')}
            </button>
          )}
          {canReassign && (
            <button type="button" className="btn btn-big" data-testid="action-reassign" disabled={busy} onClick={() => setStep('reassign')}>
              {t('detail.reassign')}
            </button>
          )}
          {canClose && (
            <button type="button" className="btn btn-big" data-testid="action-close" disabled={busy} onClick={() => setStep('close')}>
              {t('detail.close')}
            </button>
          )}
        </div>
      )}
      {(step === 'dispatch' || step === 'reassign') && (
        <DispatchPicker
          incidentId={incident.id}
          reassign={step === 'reassign'}
          busy={busy}
          onCancel={() => setStep(null)}
          onConfirm={(o) => void run({ action: step, assignee: { kind: o.kind, id: o.id } })}
        />
      )}
      {step === 'close' && <CloseSheet busy={busy} onCancel={() => setStep(null)} onConfirm={(rating) => void run({ action: 'close', rating })} />}
    </div>
  );
}
