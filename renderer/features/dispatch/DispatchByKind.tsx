/**
 * In an incident's action panel: for each kind of responder its category needs (fire → fire engine
 * + grid worker, medical → ambulance, …), the units of that kind already out to it with their state,
 * and the nearest available one by road with its ETA and a button that dispatches it. A unit is
 * dispatched like a person (`incidents.actOnIncident`, a step in the loop); the host's push brings
 * its route to the map and its state (en route → on scene) here.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IncidentProposal, KindProposal } from '../../../electron/common/dispatch/contract.ts';
import { actOnIncident } from '../../actions/incidents.ts';
import type { IncidentActionProps } from '../feature.ts';
import { formatDistance } from '../../i18n/format.ts';
import { proposeByKind, refreshDispatches, useDispatchStore } from './store.ts';
import { kindKey } from './strings.ts';
import './dispatch.css';

function KindRow({ row, busy, onSend }: { row: KindProposal; busy: boolean; onSend: () => void }): React.JSX.Element {
  const { t } = useTranslation();
  const p = row.proposal;
  return (
    <li className="kind-row" data-testid="dispatch-kind" data-kind={row.kind}>
      <div className="kind-head">
        <span className="kind-name">{t(kindKey(row.kind))}</span>
        {row.sent.map((s) => (
          <span key={s.resourceId} className={`kind-sent is-${s.state}`} data-testid="dispatch-sent" data-state={s.state}>
            {s.label} · {t(`dispatch.state.${s.state}`)}
          </span>
        ))}
      </div>
      {p ? (
        <div className="kind-proposal">
          <span className="option-name" title={p.label}>
            {p.label}
          </span>
          <span className="option-figures mono">
            {formatDistance(p.roadDistanceM)} · {t('dispatch.eta', { count: p.etaMin })}
          </span>
          <button type="button" className="btn btn-primary kind-send" data-testid="dispatch-unit" disabled={busy} onClick={onSend}>
            {t('dispatch.send')}
          </button>
        </div>
      ) : (
        <div className="kind-proposal muted">{t('dispatch.none')}</div>
      )}
    </li>
  );
}

export function DispatchByKind({ incident, onChanged }: IncidentActionProps): React.JSX.Element {
  const { t } = useTranslation();
  const version = useDispatchStore((s) => s.version);
  const [proposal, setProposal] = useState<IncidentProposal | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    void proposeByKind(incident.id).then((p) => live && setProposal(p));
    return () => {
      live = false;
    };
  }, [incident.id, incident.updatedAt, version]);

  const send = async (row: KindProposal): Promise<void> => {
    if (!row.proposal) return;
    setBusy(true);
    const d = await actOnIncident(incident.id, { action: 'dispatch', assignee: row.proposal.assignee });
    setBusy(false);
    if (d) {
      onChanged(d);
      await refreshDispatches();
    }
  };
  return (
    <section className="action-sheet dispatch-by-kind" data-testid="dispatch-by-kind">
      <h4 className="sheet-title">{t('dispatch.title')}</h4>
      {proposal === undefined ? (
        <p className="muted">{t('dispatch.loading')}</p>
      ) : (
        <ul className="kind-rows">
          {(proposal?.kinds ?? []).map((row) => (
            <KindRow key={row.kind} row={row} busy={busy} onSend={() => void send(row)} />
          ))}
        </ul>
      )}
    </section>
  );
}
