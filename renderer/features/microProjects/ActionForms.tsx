/**
 * An operator records a community's proposal, and for the project opened in the list the step its
 * stage allows: the council's vote, the award, a milestone (with a photo reference), acceptance or
 * the residents' ratings. Each goes to the host, which checks the role, writes the audit row and
 * answers with the project as stored; the board then reloads. Hidden from viewers and walls.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PROJECT_ITEM_IDS, PROJECT_ITEMS, PROPOSER_KINDS, dayOf, type MicroCommunitySummary, type ProjectItem, type ProposerKind } from '../../../data/model/microProjects/index.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostErrorText } from '../../actions/hostCall.ts';
import { useCan } from '../../state/sessionStore.ts';
import { loadMicro, useMicroStore } from './store.ts';

const fenOf = (yuan: string): number => Math.round(Number(yuan) * 100);

export function ActionForms({ community }: { community: MicroCommunitySummary }): React.JSX.Element | null {
  const { t } = useTranslation();
  const mayAct = useCan('operator');
  const detail = useMicroStore((s) => s.detail);
  const [title, setTitle] = useState('');
  const [item, setItem] = useState<ProjectItem>('stair_lighting');
  const [proposer, setProposer] = useState<ProposerKind>('council');
  const [budget, setBudget] = useState('');
  const [building, setBuilding] = useState('');
  const [votes, setVotes] = useState({ for: String(Math.ceil(community.councilMembers * 0.7)), against: '1', abstain: '0' });
  const [organisation, setOrganisation] = useState('');
  const [ms, setMs] = useState({ title: '', due: dayOf(Date.now()), done: '', percent: '10', photo: '' });
  const [spent, setSpent] = useState('');
  const [scores, setScores] = useState('5,5,4,5,4');
  const [status, setStatus] = useState<string | null>(null);
  if (!mayAct) return null;
  const api = getAppApi().microProjects;
  const done = async (work: () => Promise<unknown>): Promise<void> => {
    setStatus(null);
    try {
      await work();
      setStatus(t('microProjects.form.saved'));
      await loadMicro(community.id);
    } catch (err) {
      setStatus(hostErrorText(err));
    }
  };
  const submit = (work: () => Promise<unknown>) => (e: React.FormEvent) => {
    e.preventDefault();
    void done(work);
  };
  const d = detail && detail.communityId === community.id ? detail : null;
  return (
    <details className="micro-card micro-forms" data-testid="micro-forms">
      <summary>{t('microProjects.form.title')}</summary>
      <form
        className="micro-form"
        onSubmit={submit(() =>
          api.propose({
            communityId: community.id,
            title: title.trim(),
            category: PROJECT_ITEMS[item],
            item,
            proposerKind: proposer,
            budgetFen: fenOf(budget),
            place: /^\d+$/.test(building) ? { buildingId: Number(building) } : { lon: community.lon, lat: community.lat },
          }),
        )}
      >
        <b>{t('microProjects.form.propose')}</b>
        <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} placeholder={t('microProjects.form.name')} />
        <select value={item} onChange={(e) => setItem(e.target.value as ProjectItem)} aria-label={t('microProjects.list.kind')}>
          {PROJECT_ITEM_IDS.map((i) => (
            <option key={i} value={i}>
              {t(`microProjects.category.${PROJECT_ITEMS[i]}`)} · {t(`microProjects.item.${i}`)}
            </option>
          ))}
        </select>
        <select value={proposer} onChange={(e) => setProposer(e.target.value as ProposerKind)} aria-label={t('microProjects.list.proposer')}>
          {PROPOSER_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`microProjects.proposer.${k}`)}
            </option>
          ))}
        </select>
        <input type="number" min="1" step="100" value={budget} onChange={(e) => setBudget(e.target.value)} placeholder={t('microProjects.form.budget')} />
        <input value={building} onChange={(e) => setBuilding(e.target.value)} placeholder={t('microProjects.form.building')} />
        <button type="submit" disabled={title.trim() === '' || !(Number(budget) > 0)}>
          {t('microProjects.form.propose')}
        </button>
      </form>
      {!d ? (
        <p className="micro-status">{t('microProjects.form.pick')}</p>
      ) : (
        <>
          <p className="micro-status">{t('microProjects.form.step', { title: d.title })}</p>
          {(d.stage === 'proposed' || d.stage === 'voting') && (
            <>
              <form className="micro-form" onSubmit={submit(() => api.recordVote({ projectId: d.id, for: Number(votes.for), against: Number(votes.against), abstain: Number(votes.abstain) }))}>
                {(['for', 'against', 'abstain'] as const).map((k) => (
                  <label key={k} className="micro-count">
                    {t(`microProjects.form.${k}`)}
                    <input type="number" min="0" max="99" step="1" value={votes[k]} onChange={(e) => setVotes((v) => ({ ...v, [k]: e.target.value }))} />
                  </label>
                ))}
                <button type="submit">{t('microProjects.form.vote')}</button>
              </form>
              <form className="micro-form" onSubmit={submit(() => api.award({ projectId: d.id, organisation: organisation.trim(), budgetFen: d.budgetFen }))}>
                <input value={organisation} maxLength={200} onChange={(e) => setOrganisation(e.target.value)} placeholder={t('microProjects.form.organisation')} />
                <button type="submit" disabled={organisation.trim() === ''}>
                  {t('microProjects.form.award')}
                </button>
              </form>
            </>
          )}
          {(d.stage === 'awarded' || d.stage === 'in_progress') && (
            <>
              <form
                className="micro-form"
                onSubmit={submit(() => api.recordMilestone({ projectId: d.id, title: ms.title.trim(), due: ms.due, done: ms.done || null, percent: Number(ms.percent), photo: ms.done && ms.photo ? ms.photo : null }))}
              >
                <input value={ms.title} maxLength={200} onChange={(e) => setMs({ ...ms, title: e.target.value })} placeholder={t('microProjects.form.milestoneTitle')} />
                <label className="micro-count">
                  {t('microProjects.form.due')}
                  <input type="date" value={ms.due} onChange={(e) => setMs({ ...ms, due: e.target.value })} />
                </label>
                <label className="micro-count">
                  {t('microProjects.form.done')}
                  <input type="date" value={ms.done} onChange={(e) => setMs({ ...ms, done: e.target.value })} />
                </label>
                <label className="micro-count">
                  {t('microProjects.form.percent')}
                  <input type="number" min="0" max="100" value={ms.percent} onChange={(e) => setMs({ ...ms, percent: e.target.value })} />
                </label>
                <input value={ms.photo} maxLength={150} onChange={(e) => setMs({ ...ms, photo: e.target.value })} placeholder={t('microProjects.form.photo')} />
                <button type="submit" disabled={ms.title.trim() === ''}>
                  {t('microProjects.form.milestone')}
                </button>
              </form>
              <form className="micro-form" onSubmit={submit(() => api.accept({ projectId: d.id, spentFen: fenOf(spent) }))}>
                <input type="number" min="0" step="100" value={spent} onChange={(e) => setSpent(e.target.value)} placeholder={t('microProjects.form.spent')} />
                <button type="submit" disabled={!(Number(spent) > 0)}>
                  {t('microProjects.form.accept')}
                </button>
              </form>
            </>
          )}
          {d.stage === 'accepted' && (
            <form className="micro-form" onSubmit={submit(() => api.rate({ projectId: d.id, scores: scores.split(/[,，\s]+/).filter(Boolean).map(Number) }))}>
              <input value={scores} maxLength={1500} onChange={(e) => setScores(e.target.value)} placeholder={t('microProjects.form.scores')} />
              <button type="submit">{t('microProjects.form.rate')}</button>
            </form>
          )}
        </>
      )}
      {status && (
        <p className="micro-status" data-testid="micro-form-status">
          {status}
        </p>
      )}
    </details>
  );
}
