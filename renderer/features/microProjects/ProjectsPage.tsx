/**
 * 民生微实事's page (`#projects=all`, `#projects=<communityId>`): a community's year as its residents
 * would see it — the budget against the yearly allocation (spent, committed, left, an overrun in
 * red), projects by stage and category, satisfaction by month against 95 %, anomalies in red with
 * why, and the list of projects with their vote, organisation and progress; a project opens to its
 * milestones (dates, progress, photos) and ratings at a console. `all` shows every community.
 */
import { PageNav } from '../PageNav.tsx';
import { Fragment, useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../components/EChart.tsx';
import { setLanguage } from '../../i18n/index.ts';
import { useCan } from '../../state/sessionStore.ts';
import { SATISFACTION_TARGET, type MicroAnomalyView, type MicroBoard, type MicroCommunitySummary, type MicroProjectDetail, type MicroProjectRow } from '../../../data/model/microProjects/index.ts';
import { loadMicro, openProject, useMicroStore } from './store.ts';
import { microCharts } from './charts.ts';
import { stageCss } from './stageColours.ts';
import { ActionForms } from './ActionForms.tsx';
import './projects.css';

type T = (key: string, opts?: Record<string, unknown>) => string;
const idOf = (value: string): number | null => (/^\d{1,9}$/.test(value) ? Number(value) : null);
const pctText = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);

function useMoney(): (fen: number) => string {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const nf = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 0 });
    return (fen: number) => nf.format(Math.round(fen / 100));
  }, [i18n.language]);
}

function anomalyText(a: MicroAnomalyView, t: T, money: (fen: number) => string): string {
  return t(`microProjects.anomaly.${a.kind}`, { community: a.communityName, title: a.title, amount: money(a.amountFen ?? 0), milestone: a.milestone ?? '', due: a.due ?? '' });
}

function Tiles({ b }: { b: MicroBoard }): React.JSX.Element {
  const { t } = useTranslation();
  const money = useMoney();
  const ratings = b.satisfaction.reduce((s, m) => s + m.ratings, 0);
  const satisfied = b.satisfaction.reduce((s, m) => s + (m.satisfaction ?? 0) * m.ratings, 0);
  const sat = ratings > 0 ? satisfied / ratings : null;
  const used = b.budget.spentFen + b.budget.committedFen;
  const tiles: [string, string, boolean][] = [
    ['projects', String(b.projects.length), false],
    ['accepted', String(b.byStage.accepted), false],
    ['used', b.budget.allocationFen > 0 ? pctText(used / b.budget.allocationFen) : '—', used > b.budget.allocationFen],
    ['remaining', `¥${money(b.budget.remainingFen)}`, b.budget.remainingFen < 0],
    ['satisfaction', pctText(sat), sat !== null && sat < SATISFACTION_TARGET],
    ['anomalies', String(b.anomalies.length), b.anomalies.length > 0],
  ];
  return (
    <div className="micro-tiles" data-testid="micro-tiles">
      {tiles.map(([id, value, alarm]) => (
        <div className={`micro-tile${alarm ? ' micro-tile-alarm' : ''}`} key={id} data-testid={`micro-tile-${id}`}>
          <span className="micro-tile-value">{value}</span>
          <span className="micro-tile-label">{t(`microProjects.tile.${id}`)}</span>
        </div>
      ))}
    </div>
  );
}

function Anomalies({ b }: { b: MicroBoard }): React.JSX.Element {
  const { t } = useTranslation();
  const money = useMoney();
  return (
    <section className="micro-card micro-anomalies" data-testid="micro-anomalies" aria-label={t('microProjects.anomaly.title')}>
      <header className="micro-card-head">
        <h2>{t('microProjects.anomaly.title')}</h2>
      </header>
      {b.anomalies.length === 0 ? (
        <p className="micro-status">{t('microProjects.anomaly.none')}</p>
      ) : (
        <ul>
          {b.anomalies.map((a) => (
            <li key={`${a.kind}-${a.projectId}`} className="micro-anomaly" data-testid={`micro-anomaly-${a.kind}`}>
              {anomalyText(a, t, money)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Charts({ b }: { b: MicroBoard }): React.JSX.Element {
  const { t } = useTranslation();
  const specs = useMemo(() => microCharts(b, t), [b, t]);
  return (
    <div className="micro-grid">
      {specs.map((s) => (
        <section key={s.id} className="micro-card" data-testid={`micro-chart-${s.id}`} aria-label={t(`microProjects.chart.${s.id}`)}>
          <header className="micro-card-head">
            <h2>{t(`microProjects.chart.${s.id}`)}</h2>
            <span className="micro-unit">{t(`microProjects.unit.${s.unit}`)}</span>
          </header>
          <EChart option={s.option} height={s.id === 'budget' ? Math.max(220, Math.min(520, 60 + b.budgets.length * 34)) : 260} testId={`micro-canvas-${s.id}`} />
        </section>
      ))}
    </div>
  );
}

function Detail({ d }: { d: MicroProjectDetail }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <div className="micro-detail" data-testid="micro-detail">
      <p>
        {d.vote ? t('microProjects.detail.vote', { ...d.vote, members: d.councilMembers }) : t('microProjects.list.noVote')}
        {' · '}
        {t('microProjects.detail.scores')}
        {d.scores.map((count, i) => (
          <span key={i} className="micro-score">
            {t('microProjects.detail.score', { n: i + 1, count })}
          </span>
        ))}
      </p>
      <b>{t('microProjects.detail.milestones')}</b>
      {d.milestones.length === 0 ? (
        <p className="micro-status">{t('microProjects.detail.none')}</p>
      ) : (
        <ol className="micro-milestones">
          {d.milestones.map((m) => (
            <li key={m.seq} className={m.done ? 'done' : ''} data-testid="micro-milestone">
              <span className="micro-ms-title">{m.title}</span>
              <span>{t('microProjects.detail.due', { due: m.due })}</span>
              <span className={m.done ? 'micro-green' : ''}>{m.done ? t('microProjects.detail.done', { done: m.done }) : t('microProjects.detail.pending')}</span>
              <span className="micro-ms-bar" title={`${m.percent}%`}>
                <i style={{ width: `${m.percent}%` }} />
              </span>
              <span className="num">{m.percent}%</span>
              <span className="micro-photo" data-testid={m.photo ? 'micro-photo' : undefined}>
                {m.photo ? (
                  <>
                    <span className="micro-photo-tag">{t('microProjects.detail.photo')}</span>
                    {m.photo}
                  </>
                ) : (
                  t('microProjects.detail.noPhoto')
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function ProjectList({ b, showCommunity }: { b: MicroBoard; showCommunity: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const money = useMoney();
  const mayOpen = useCan('viewer');
  const { openId, detail, detailError } = useMicroStore();
  const cols = 10 + (showCommunity ? 1 : 0);
  return (
    <section className="micro-card micro-list" data-testid="micro-projects">
      <header className="micro-card-head">
        <h2>{t('microProjects.list.title')}</h2>
        <span className="micro-unit">{t('microProjects.list.count', { n: b.projects.length })}</span>
      </header>
      <div className="micro-list-scroll">
        <table className="micro-table">
          <thead>
            <tr>
              <th>{t('microProjects.list.name')}</th>
              {showCommunity && <th>{t('microProjects.list.community')}</th>}
              <th>{t('microProjects.list.kind')}</th>
              <th>{t('microProjects.list.proposer')}</th>
              <th>{t('microProjects.list.stage')}</th>
              <th className="num">{t('microProjects.list.budget')}</th>
              <th className="num">{t('microProjects.list.spent')}</th>
              <th>{t('microProjects.list.organisation')}</th>
              <th>{t('microProjects.list.vote')}</th>
              <th>{t('microProjects.list.progress')}</th>
              <th className="num">{t('microProjects.list.satisfaction')}</th>
            </tr>
          </thead>
          <tbody>
            {b.projects.map((p: MicroProjectRow) => (
              <Fragment key={p.id}>
                <tr className={`${p.flags.length > 0 ? 'micro-flagged' : ''}${p.id === openId ? ' selected' : ''}`} data-testid={p.flags.length > 0 ? 'micro-flagged-project' : 'micro-project'} onClick={mayOpen ? () => void openProject(p.id) : undefined}>
                  <td>
                    {mayOpen ? (
                      <button type="button" className="micro-link" onClick={(e) => (e.stopPropagation(), void openProject(p.id))}>
                        {p.title}
                      </button>
                    ) : (
                      p.title
                    )}
                    {p.flags.map((f) => (
                      <b key={f} className="micro-red micro-why">
                        {' '}
                        ⚠ {t(`microProjects.flag.${f}`)}
                      </b>
                    ))}
                  </td>
                  {showCommunity && <td>{p.communityName}</td>}
                  <td>
                    {t(`microProjects.category.${p.category}`)} · {t(`microProjects.item.${p.item}`)}
                  </td>
                  <td>{t(`microProjects.proposer.${p.proposerKind}`)}</td>
                  <td>
                    <span className="micro-stage" style={{ borderColor: stageCss(p.stage), color: stageCss(p.stage) }}>
                      {t(`microProjects.stage.${p.stage}`)}
                    </span>
                  </td>
                  <td className="num">{money(p.budgetFen)}</td>
                  <td className="num">{money(p.spentFen)}</td>
                  <td>{p.organisation ?? '—'}</td>
                  <td>{p.vote ? `${p.vote.for}/${p.vote.against}/${p.vote.abstain} ${t(p.votePassed ? 'microProjects.list.passed' : 'microProjects.list.failed')}` : t('microProjects.list.noVote')}</td>
                  <td className="micro-progress-cell">
                    <span className="micro-ms-bar">
                      <i style={{ width: `${p.progress}%` }} />
                    </span>
                    <span className="num">
                      {p.progress}% · {p.milestonesDone}/{p.milestonesTotal}
                    </span>
                    {p.next && p.stage !== 'accepted' && <span className="micro-next">{t('microProjects.list.next', p.next)}</span>}
                  </td>
                  <td className="num">{pctText(p.satisfaction)}</td>
                </tr>
                {p.id === openId && (
                  <tr className="micro-detail-row">
                    <td colSpan={cols}>{detailError ? <p className="micro-error">{detailError}</p> : detail?.id === p.id ? <Detail d={detail} /> : <p className="micro-status">{t('microProjects.loading')}</p>}</td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function CommunityList({ communities, selected, onPick }: { communities: MicroCommunitySummary[]; selected: number | null; onPick: (id: number | null) => void }): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <section className="micro-card micro-list" data-testid="micro-communities">
      <header className="micro-card-head">
        <h2>{t('microProjects.list2.communityList')}</h2>
      </header>
      <table className="micro-table">
        <thead>
          <tr>
            {(['name', 'projects', 'accepted', 'used', 'satisfaction', 'anomalies'] as const).map((k) => (
              <th key={k} className={k === 'name' ? '' : 'num'}>
                {t(`microProjects.community.${k}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {communities.map((c) => (
            <tr key={c.id} className={c.id === selected ? 'selected' : ''} onClick={() => onPick(c.id)} data-testid={`micro-community-${c.id}`}>
              <td>
                <button type="button" className="micro-link" onClick={(e) => (e.stopPropagation(), onPick(c.id))}>
                  {c.name}
                </button>
              </td>
              <td className="num">{c.projects}</td>
              <td className="num">{c.byStage.accepted}</td>
              <td className={`num${c.spentFen + c.committedFen > c.allocationFen ? ' micro-red' : ''}`}>{pctText(c.allocationFen > 0 ? (c.spentFen + c.committedFen) / c.allocationFen : null)}</td>
              <td className="num">{pctText(c.satisfaction)}</td>
              <td className={`num${c.anomalies > 0 ? ' micro-red' : ''}`}>{c.anomalies}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function ProjectsPage({ value }: { value: string }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const money = useMoney();
  const { communities, selected, board, loading, error } = useMicroStore();
  useEffect(() => void loadMicro(idOf(value)), [value]);
  useEffect(() => {
    document.title = t('microProjects.title');
  }, [t]);
  const pick = (id: number | null): void => {
    window.history.replaceState(null, '', `#projects=${id ?? 'all'}`);
    useMicroStore.setState({ openId: null, detail: null });
    void loadMicro(id);
  };
  const back = (): void => {
    window.location.hash = '';
    window.location.reload();
  };
  const c = board?.community ?? null;
  return (
    <div className="micro-page" data-testid="micro-page" data-ready={board && !loading ? 'true' : 'false'}>
      <header className="micro-head">
        <h1>{t('microProjects.title')}</h1>
        <PageNav current="projects" />
        <label className="micro-pick">
          {t('microProjects.communities')}
          <select value={selected ?? 'all'} onChange={(e) => pick(idOf(e.target.value))} data-testid="micro-pick">
            <option value="all">{t('microProjects.all')}</option>
            {communities.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
        <span className="micro-head-actions">
          <button type="button" onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')} data-testid="micro-language">
            {i18n.language === 'en' ? '中文' : 'EN'}
          </button>
          <button type="button" onClick={back}>
            {t('microProjects.back')}
          </button>
        </span>
      </header>
      {error && <p className="micro-error">{error}</p>}
      {loading && !board && <p className="micro-status">{t('microProjects.loading')}</p>}
      {board && (
        <>
          <p className="micro-status micro-sub" data-testid="micro-sub">
            {c ? `${c.name} · ${t('microProjects.sub', { year: board.year, allocation: money(c.allocationFen), members: c.councilMembers })}` : t('microProjects.allNote', { year: board.year })}
          </p>
          {board.projects.length === 0 && <p className="micro-status">{t('microProjects.empty')}</p>}
          <Tiles b={board} />
          <Anomalies b={board} />
          <Charts b={board} />
          {c && <ActionForms community={c} />}
          <ProjectList b={board} showCommunity={c === null} />
          <CommunityList communities={communities} selected={selected} onPick={pick} />
          <p className="micro-foot">{t('microProjects.computedIn', { ms: Math.round(board.queryMs) })}</p>
        </>
      )}
    </div>
  );
}
