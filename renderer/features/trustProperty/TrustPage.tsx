/**
 * 信托制物业's page (`#trust=all`, `#trust=<compoundId>`): a compound's board as its owners would see
 * it — collection rate and disputes over the year, spending by item, the fund's balance, the
 * trustee's fee share against the agreed 8–10 %, anomalies in red with why, and the public ledger
 * (sortable, each spending with its council vote). `all` shows every compound together and the
 * list to pick one from. Figures come from the host (DuckDB); owners are masked in the ledger.
 */
import { PageNav } from '../PageNav.tsx';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../components/EChart.tsx';
import { setLanguage } from '../../i18n/index.ts';
import type { TrustAnomalyView, TrustBoard, TrustCompoundSummary } from '../../../data/model/trustProperty/index.ts';
import type { TrustLedgerEntry } from '../../../electron/common/trustProperty/contract.ts';
import { loadTrust, useTrustStore } from './store.ts';
import { trustCharts } from './charts.ts';
import { RecordForms } from './RecordForms.tsx';
import './trust.css';

type T = (key: string, opts?: Record<string, unknown>) => string;
const idOf = (value: string): number | null => (/^\d{1,9}$/.test(value) ? Number(value) : null);
const pctText = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);

function useMoney(): (fen: number) => string {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const nf = new Intl.NumberFormat(i18n.language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return (fen: number) => nf.format(fen / 100);
  }, [i18n.language]);
}

function anomalyText(a: TrustAnomalyView, t: T, money: (fen: number) => string): string {
  if (a.kind === 'spend_without_vote')
    return t('trustProperty.anomaly.spend_without_vote', {
      compound: a.compoundName,
      period: a.period,
      item: a.item ? t(`trustProperty.item.${a.item}`) : '',
      amount: money(a.amountFen ?? 0),
      party: a.party ?? t('trustProperty.noParty'),
      why: t(`trustProperty.anomaly.problem.${a.problem ?? 'no_vote'}`),
    });
  if (a.kind === 'collection_falling') return t('trustProperty.anomaly.collection_falling', { compound: a.compoundName, period: a.period, prev: pctText(a.previous), now: pctText(a.value) });
  return t('trustProperty.anomaly.company_fee_share', { compound: a.compoundName, period: a.period, share: pctText(a.value) });
}

function Tiles({ b }: { b: TrustBoard }): React.JSX.Element {
  const { t } = useTranslation();
  const money = useMoney();
  const last = b.months.at(-1);
  const first = b.months[0];
  const tiles: [string, string][] = [
    ['collection', pctText(last?.collectionRate)],
    ['first', pctText(first?.collectionRate)],
    ['balance', `¥${money(b.totals.balanceFen)}`],
    ['share', pctText(b.totals.feeIncomeFen > 0 ? b.totals.companyFeeFen / b.totals.feeIncomeFen : null)],
    ['anomalies', String(b.anomalies.length)],
    ['disputes', first && last ? `${first.disputes} → ${last.disputes}` : '—'],
  ];
  return (
    <div className="trust-tiles trust-tiles" data-testid="trust-tiles">
      {tiles.map(([id, value]) => (
        <div className={`trust-tile${id === 'anomalies' && b.anomalies.length > 0 ? ' trust-tile-alarm' : ''}`} key={id} data-testid={`trust-tile-${id}`}>
          <span className="trust-tile-value">{value}</span>
          <span className="trust-tile-label">{t(`trustProperty.tile.${id}`)}</span>
        </div>
      ))}
    </div>
  );
}

function Anomalies({ b }: { b: TrustBoard }): React.JSX.Element {
  const { t } = useTranslation();
  const money = useMoney();
  return (
    <section className="trust-card trust-anomalies" data-testid="trust-anomalies" aria-label={t('trustProperty.anomaly.title')}>
      <header className="trust-card-head">
        <h2>{t('trustProperty.anomaly.title')}</h2>
      </header>
      {b.anomalies.length === 0 ? (
        <p className="trust-status">{t('trustProperty.anomaly.none')}</p>
      ) : (
        <ul>
          {b.anomalies.map((a) => (
            <li key={`${a.kind}-${a.compoundId}-${a.period}-${a.entryId ?? ''}`} className="trust-anomaly" data-testid={`trust-anomaly-${a.kind}`}>
              {anomalyText(a, t, money)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Charts({ b }: { b: TrustBoard }): React.JSX.Element {
  const { t } = useTranslation();
  const specs = useMemo(() => trustCharts(b, t), [b, t]);
  return (
    <div className="trust-grid">
      {specs.map((s) => (
        <section key={s.id} className="trust-card" data-testid={`trust-chart-${s.id}`} aria-label={t(`trustProperty.chart.${s.id}`)}>
          <header className="trust-card-head">
            <h2>{t(`trustProperty.chart.${s.id}`)}</h2>
            <span className="trust-unit">{t(`trustProperty.unit.${s.unit}`)}</span>
          </header>
          <EChart option={s.option} height={280} testId={`trust-canvas-${s.id}`} />
        </section>
      ))}
    </div>
  );
}

function CompoundList({ compounds, selected, onPick }: { compounds: TrustCompoundSummary[]; selected: number | null; onPick: (id: number | null) => void }): React.JSX.Element {
  const { t } = useTranslation();
  const money = useMoney();
  return (
    <section className="trust-card trust-list" data-testid="trust-compounds">
      <header className="trust-card-head">
        <h2>{t('trustProperty.compounds')}</h2>
      </header>
      <table className="trust-table">
        <thead>
          <tr>
            {(['name', 'community', 'households', 'first', 'rate', 'balance', 'disputes', 'anomalies'] as const).map((k) => (
              <th key={k}>{t(`trustProperty.list.${k}`)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {compounds.map((c) => (
            <tr key={c.id} className={c.id === selected ? 'selected' : ''} onClick={() => onPick(c.id)} data-testid={`trust-compound-${c.id}`}>
              <td>
                <button type="button" className="trust-link" onClick={() => onPick(c.id)}>
                  {c.name}
                </button>
              </td>
              <td>{c.community ?? '—'}</td>
              <td className="num">{c.households}</td>
              <td className="num">{pctText(c.firstCollectionRate)}</td>
              <td className="num">{pctText(c.collectionRate)}</td>
              <td className="num">{money(c.balanceFen)}</td>
              <td className="num">{c.disputesFirst === null ? '—' : `${c.disputesFirst} → ${c.disputesLast ?? '—'}`}</td>
              <td className={`num${c.openAnomalies > 0 ? ' trust-red' : ''}`}>{c.openAnomalies}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

type SortKey = 'bookedAt' | 'period' | 'kind' | 'item' | 'party' | 'amountFen' | 'vote';
const sortValue = (e: TrustLedgerEntry, k: SortKey): string | number => (k === 'vote' ? (e.vote?.title ?? '') : k === 'party' ? (e.party ?? '') : e[k]);

function Ledger({ entries }: { entries: TrustLedgerEntry[] }): React.JSX.Element {
  const { t } = useTranslation();
  const money = useMoney();
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'bookedAt', desc: true });
  const rows = useMemo(() => {
    const out = [...entries].sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return c || a.id.localeCompare(b.id);
    });
    return sort.desc ? out.reverse() : out;
  }, [entries, sort]);
  const day = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
  const head = (key: SortKey, label: string): React.JSX.Element => (
    <th aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="trust-sort" title={t('trustProperty.ledger.sortBy')} data-testid={`trust-sort-${key}`} onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key === 'amountFen' || key === 'bookedAt' }))}>
        {label}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  return (
    <section className="trust-card trust-ledger" data-testid="trust-ledger">
      <header className="trust-card-head">
        <h2>{t('trustProperty.ledger.title')}</h2>
        <span className="trust-unit">{t('trustProperty.ledger.count', { n: entries.length })}</span>
      </header>
      <div className="trust-ledger-scroll">
        <table className="trust-table">
          <thead>
            <tr>
              {head('bookedAt', t('trustProperty.ledger.booked'))}
              {head('period', t('trustProperty.ledger.period'))}
              {head('kind', t('trustProperty.ledger.kind'))}
              {head('item', t('trustProperty.ledger.item'))}
              {head('party', t('trustProperty.ledger.party'))}
              {head('amountFen', t('trustProperty.ledger.amount'))}
              {head('vote', t('trustProperty.ledger.vote'))}
              <th>{t('trustProperty.ledger.note')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id} className={e.flagged ? 'trust-flagged' : ''} data-testid={e.flagged ? 'trust-flagged-entry' : undefined}>
                <td>{day(e.bookedAt)}</td>
                <td>{e.period}</td>
                <td>{t(`trustProperty.kind.${e.kind}`)}</td>
                <td>{t(`trustProperty.item.${e.item}`)}</td>
                <td>{e.party ?? t('trustProperty.noParty')}</td>
                <td className="num">{e.kind === 'spending' || e.kind === 'company_fee' ? `−${money(e.amountFen)}` : money(e.amountFen)}</td>
                <td>
                  {e.vote ? (
                    <span title={t('trustProperty.ledger.votes', e.vote)}>
                      {e.vote.title}
                      {!e.vote.passed && <b className="trust-red"> ({t('trustProperty.ledger.failed')})</b>}
                    </span>
                  ) : (
                    t('trustProperty.ledger.noVote')
                  )}
                  {e.flagged && <b className="trust-red trust-why"> ⚠ {t(`trustProperty.anomaly.problem.${e.flagged}`)}</b>}
                </td>
                <td>{e.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function TrustPage({ value }: { value: string }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const money = useMoney();
  const { compounds, selected, board, ledger, loading, error, ledgerError } = useTrustStore();
  useEffect(() => void loadTrust(idOf(value)), [value]);
  useEffect(() => {
    document.title = t('trustProperty.title');
  }, [t]);
  const pick = (id: number | null): void => {
    window.history.replaceState(null, '', `#trust=${id ?? 'all'}`);
    void loadTrust(id);
  };
  const back = (): void => {
    window.location.hash = '';
    window.location.reload();
  };
  const c = board?.compound ?? null;
  return (
    <div className="trust-page" data-testid="trust-page" data-ready={board && !loading ? 'true' : 'false'}>
      <header className="trust-head">
        <h1>{t('trustProperty.title')}</h1>
        <PageNav current="trust" />
        <label className="trust-date">
          {t('trustProperty.compounds')}
          <select value={selected ?? 'all'} onChange={(e) => pick(idOf(e.target.value))} data-testid="trust-pick">
            <option value="all">{t('trustProperty.all')}</option>
            {compounds.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
        <span className="trust-head-actions">
          <button type="button" onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')} data-testid="trust-language">
            {i18n.language === 'en' ? '中文' : 'EN'}
          </button>
          <button type="button" onClick={back}>
            {t('trustProperty.back')}
          </button>
        </span>
      </header>
      {error && <p className="trust-error">{error}</p>}
      {loading && <p className="trust-status">{t('trustProperty.loading')}</p>}
      {board && (
        <>
          <p className="trust-status trust-sub" data-testid="trust-sub">
            {c
              ? `${c.name} · ${t('trustProperty.trustee', { name: c.trustee, share: pctText(c.agreedShare), since: c.trustSince, households: c.households, buildings: c.buildings })} · ${t('trustProperty.tile.balance')} ¥${money(c.balanceFen)}`
              : t('trustProperty.allNote')}
          </p>
          {board.months.length === 0 && <p className="trust-status">{t('trustProperty.empty')}</p>}
          <Tiles b={board} />
          <Anomalies b={board} />
          <Charts b={board} />
          {ledgerError && <p className="trust-error">{ledgerError}</p>}
          {c && board.months.length > 0 && <RecordForms compoundId={c.id} period={board.months.at(-1)!.period} ledger={ledger} />}
          {c ? ledger && <Ledger entries={ledger.entries} /> : <p className="trust-status">{t('trustProperty.ledger.pickCompound')}</p>}
          <CompoundList compounds={compounds} selected={selected} onPick={pick} />
          <p className="trust-foot">{t('trustProperty.computedIn', { ms: Math.round(board.queryMs) })}</p>
        </>
      )}
    </div>
  );
}
