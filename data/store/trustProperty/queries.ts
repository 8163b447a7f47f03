/**
 * 信托制物业's figures, computed in DuckDB: each month's fees due and collected (collection rate),
 * other income, spending, the trustee's fee and its share, the fund's running balance, disputes;
 * spending by item; and the anomalies (the same rules as data/model/trustProperty, in SQL). A
 * compound id of null means every compound together.
 */
import type { DuckDbStore } from '../DuckDbStore.ts';
import {
  COLLECTION_FALLING_MONTHS,
  COMPANY_FEE_SHARE,
  VOTE_THRESHOLD_FEN,
  type AnomalyKind,
  type EntryItem,
  type FundBalance,
  type SpendingItem,
  type SpendProblem,
  type TrustAnomalyView,
  type TrustBoard,
  type TrustCompoundSummary,
  type TrustMonth,
} from '../../model/trustProperty/index.ts';

/** `compound_id = 12`, or TRUE for every compound (ids are validated integers; never text). */
const only = (compoundId: number | null, column = 'compound_id'): string => {
  if (compoundId === null) return 'TRUE';
  if (!Number.isInteger(compoundId)) throw new RangeError('A compound id is an integer.');
  return `${column} = ${compoundId}`;
};

/** Each compound's months: fees due and collected, the trustee's fee, other income and spending. */
const MONTHS_CTE = (where: string): string => /* sql */ `
  months AS (
    SELECT compound_id, period,
      coalesce(sum(due_fen) FILTER (WHERE kind = 'fee_income'), 0)::DOUBLE AS due,
      sum(amount_fen) FILTER (WHERE kind = 'fee_income')::DOUBLE AS got,
      coalesce(sum(amount_fen) FILTER (WHERE kind = 'other_income'), 0)::DOUBLE AS other,
      coalesce(sum(amount_fen) FILTER (WHERE kind = 'spending'), 0)::DOUBLE AS spent,
      coalesce(sum(amount_fen) FILTER (WHERE kind = 'company_fee'), 0)::DOUBLE AS fee
    FROM trust_ledger WHERE ${where} GROUP BY compound_id, period
  )`;

/** The anomaly rules in SQL: rows (compound_id, period, kind, entry_id, amount, problem, value, previous). */
export const ANOMALIES_SQL = (where: string): string => /* sql */ `
  WITH ${MONTHS_CTE(where)},
  votes AS (SELECT *, yes * 2 > yes + no + abstain AS passed FROM trust_votes),
  ratified AS (SELECT DISTINCT ratifies_entry_id AS id FROM votes WHERE passed AND ratifies_entry_id IS NOT NULL),
  spend AS (
    SELECT e.compound_id, strftime(e.period, '%Y-%m') AS period, 'spend_without_vote' AS kind, e.id AS entry_id, e.amount_fen::DOUBLE AS amount,
      CASE WHEN v.id IS NULL THEN 'no_vote' WHEN NOT v.passed THEN 'vote_failed'
           WHEN v.item IS NOT NULL AND v.item <> e.item THEN 'other_item'
           WHEN v.cap_fen IS NOT NULL AND e.amount_fen > v.cap_fen THEN 'over_cap' END AS problem,
      NULL::DOUBLE AS value, NULL::DOUBLE AS previous, e.item, e.party
    FROM trust_ledger e LEFT JOIN votes v ON v.id = e.vote_id AND v.compound_id = e.compound_id
    WHERE ${where.replaceAll('compound_id', 'e.compound_id')} AND e.kind = 'spending' AND e.amount_fen >= ${VOTE_THRESHOLD_FEN}
      AND e.id NOT IN (SELECT id FROM ratified)
  ),
  rates AS (
    SELECT compound_id, period, CASE WHEN due > 0 THEN got / due END AS rate FROM months WHERE got IS NOT NULL
  ),
  steps AS (
    SELECT *, coalesce(rate < lag(rate) OVER w, false) AS down, lag(rate, ${COLLECTION_FALLING_MONTHS}) OVER w AS previous
    FROM rates WINDOW w AS (PARTITION BY compound_id ORDER BY period)
  ),
  runs AS (
    SELECT *, sum(CASE WHEN down THEN 0 ELSE 1 END) OVER (PARTITION BY compound_id ORDER BY period ROWS UNBOUNDED PRECEDING) AS run FROM steps
  ),
  streaks AS (
    SELECT *, CASE WHEN down THEN row_number() OVER (PARTITION BY compound_id, run ORDER BY period) - 1 ELSE 0 END AS streak FROM runs
  ),
  falling AS (
    SELECT compound_id, strftime(period, '%Y-%m') AS period, 'collection_falling' AS kind, NULL AS entry_id, NULL::DOUBLE AS amount, NULL AS problem,
      rate AS value, previous, NULL AS item, NULL AS party
    FROM streaks WHERE streak = ${COLLECTION_FALLING_MONTHS}
  ),
  share AS (
    SELECT compound_id, strftime(period, '%Y-%m') AS period, 'company_fee_share' AS kind, NULL AS entry_id, NULL::DOUBLE AS amount, NULL AS problem,
      fee / got AS value, NULL::DOUBLE AS previous, NULL AS item, NULL AS party
    FROM months WHERE got > 0 AND (fee / got < ${COMPANY_FEE_SHARE.min - 0.0005} OR fee / got > ${COMPANY_FEE_SHARE.max + 0.0005})
  ),
  flagged AS (
    SELECT * FROM spend WHERE problem IS NOT NULL UNION ALL SELECT * FROM falling UNION ALL SELECT * FROM share
  )
  SELECT f.*, c.name AS compound_name FROM flagged f JOIN trust_compounds c ON c.id = f.compound_id
  ORDER BY f.period DESC, f.compound_id, f.kind, f.entry_id`;

interface AnomalyRow {
  compound_id: number;
  compound_name: string;
  period: string;
  kind: AnomalyKind;
  entry_id: string | null;
  amount: number | null;
  problem: SpendProblem | null;
  value: number | null;
  previous: number | null;
  item: EntryItem | null;
  party: string | null;
}

export async function trustAnomalies(store: DuckDbStore, compoundId: number | null): Promise<TrustAnomalyView[]> {
  const rows = await store.all<AnomalyRow>(ANOMALIES_SQL(only(compoundId)));
  return rows.map((r) => ({
    kind: r.kind,
    period: r.period,
    entryId: r.entry_id,
    amountFen: r.amount,
    problem: r.problem,
    value: r.value,
    previous: r.previous,
    compoundId: r.compound_id,
    compoundName: r.compound_name,
    item: r.item,
    party: r.party,
  }));
}

/** Every compound (or one) with its latest collection rate, balance, open anomalies and disputes (first and last month). */
export async function trustCompounds(store: DuckDbStore, compoundId: number | null = null): Promise<TrustCompoundSummary[]> {
  const where = only(compoundId);
  const rows = await store.all<{
    id: number; name: string; community: string | null; households: number; buildings: number; lon: number; lat: number; trustee: string;
    agreed_share: number; trust_since: string; rate_last: number | null; rate_first: number | null; balance: number | null; anomalies: number;
    disputes_first: number | null; disputes_last: number | null;
  }>(/* sql */ `
    WITH ${MONTHS_CTE(where)},
    rates AS (
      SELECT compound_id, arg_max(got / due, period) FILTER (WHERE due > 0) AS rate_last, arg_min(got / due, period) FILTER (WHERE due > 0) AS rate_first,
        sum(coalesce(got, 0) + other - spent - fee) AS balance
      FROM months GROUP BY compound_id
    ),
    flags AS (SELECT compound_id, count(*)::INTEGER AS n FROM (${ANOMALIES_SQL(where)}) GROUP BY compound_id),
    disputes AS (SELECT compound_id, arg_min(disputes, period) AS first, arg_max(disputes, period) AS last FROM trust_disputes WHERE ${where} GROUP BY compound_id)
    SELECT c.id, c.name, a.name AS community, c.households, c.buildings, c.lon, c.lat, c.trustee, c.agreed_share, strftime(c.trust_since, '%Y-%m') AS trust_since,
      r.rate_last, r.rate_first, r.balance, coalesce(f.n, 0) AS anomalies, d.first AS disputes_first, d.last AS disputes_last
    FROM trust_compounds c LEFT JOIN rates r ON r.compound_id = c.id LEFT JOIN flags f ON f.compound_id = c.id
    LEFT JOIN disputes d ON d.compound_id = c.id LEFT JOIN areas a ON a.id = c.community_id
    WHERE ${only(compoundId, 'c.id')}
    ORDER BY c.id`);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    community: r.community,
    households: r.households,
    buildings: r.buildings,
    lon: r.lon,
    lat: r.lat,
    trustee: r.trustee,
    agreedShare: r.agreed_share,
    trustSince: r.trust_since,
    collectionRate: r.rate_last,
    firstCollectionRate: r.rate_first,
    balanceFen: r.balance ?? 0,
    openAnomalies: r.anomalies,
    disputesFirst: r.disputes_first,
    disputesLast: r.disputes_last,
  }));
}

/** A compound's board (or every compound's together): months with the running balance, spending by item, totals, anomalies. */
export async function trustBoard(store: DuckDbStore, compoundId: number | null): Promise<TrustBoard> {
  const started = performance.now();
  const where = only(compoundId);
  const months = await store.all<{ period: string; due: number; got: number; other: number; spent: number; fee: number; balance: number; disputes: number }>(/* sql */ `
    WITH ${MONTHS_CTE(where)},
    total AS (SELECT period, sum(due) AS due, sum(coalesce(got, 0)) AS got, sum(other) AS other, sum(spent) AS spent, sum(fee) AS fee FROM months GROUP BY period),
    d AS (SELECT period, sum(disputes)::INTEGER AS disputes FROM trust_disputes WHERE ${where} GROUP BY period)
    SELECT strftime(t.period, '%Y-%m') AS period, t.due, t.got, t.other, t.spent, t.fee,
      sum(t.got + t.other - t.spent - t.fee) OVER (ORDER BY t.period ROWS UNBOUNDED PRECEDING) AS balance, coalesce(d.disputes, 0) AS disputes
    FROM total t LEFT JOIN d ON d.period = t.period ORDER BY t.period`);
  const byItem = await store.all<{ item: SpendingItem; amount: number }>(
    `SELECT item, sum(amount_fen)::DOUBLE AS amount FROM trust_ledger WHERE ${where} AND kind = 'spending' GROUP BY item ORDER BY amount DESC, item`,
  );
  const totals = await store.one<{ fee_income: number; other_income: number; spending: number; company_fee: number }>(/* sql */ `
    SELECT coalesce(sum(amount_fen) FILTER (WHERE kind = 'fee_income'), 0)::DOUBLE AS fee_income,
      coalesce(sum(amount_fen) FILTER (WHERE kind = 'other_income'), 0)::DOUBLE AS other_income,
      coalesce(sum(amount_fen) FILTER (WHERE kind = 'spending'), 0)::DOUBLE AS spending,
      coalesce(sum(amount_fen) FILTER (WHERE kind = 'company_fee'), 0)::DOUBLE AS company_fee
    FROM trust_ledger WHERE ${where}`);
  const t = totals ?? { fee_income: 0, other_income: 0, spending: 0, company_fee: 0 };
  const fund: FundBalance = {
    feeIncomeFen: t.fee_income,
    otherIncomeFen: t.other_income,
    spendingFen: t.spending,
    companyFeeFen: t.company_fee,
    balanceFen: t.fee_income + t.other_income - t.spending - t.company_fee,
  };
  const compound = compoundId === null ? null : ((await trustCompounds(store, compoundId))[0] ?? null);
  if (compoundId !== null && !compound) throw new RangeError(`No compound has id ${compoundId}.`);
  const out: TrustMonth[] = months.map((m) => ({
    period: m.period,
    dueFen: m.due,
    collectedFen: m.got,
    collectionRate: m.due > 0 ? m.got / m.due : null,
    otherIncomeFen: m.other,
    spendingFen: m.spent,
    companyFeeFen: m.fee,
    companyFeeShare: m.got > 0 ? m.fee / m.got : null,
    balanceFen: m.balance,
    disputes: m.disputes,
  }));
  return {
    compound,
    months: out,
    spendingByItem: byItem.map((r) => ({ item: r.item, amountFen: r.amount })),
    totals: fund,
    anomalies: await trustAnomalies(store, compoundId),
    queryMs: performance.now() - started,
  };
}

/** A ledger row as stored, with its vote and, for an owner's own payment, the household's sealed contact. */
export interface LedgerRow {
  id: string;
  period: string;
  booked_at: number;
  kind: string;
  item: string;
  amount: number;
  due: number;
  vote_id: string | null;
  vote_title: string | null;
  vote_yes: number | null;
  vote_no: number | null;
  vote_abstain: number | null;
  party: string | null;
  household_id: number | null;
  unit: string | null;
  building_name: string | null;
  contact_enc: Uint8Array | null;
  note: string | null;
}

/** Entries of `compoundId` whose billing month is in [fromPeriod, toPeriod] (`YYYY-MM`), newest booked first. */
export function ledgerRows(store: DuckDbStore, compoundId: number, fromPeriod: string, toPeriod: string): Promise<LedgerRow[]> {
  return store.all<LedgerRow>(
    /* sql */ `
    SELECT e.id, strftime(e.period, '%Y-%m') AS period, epoch_ms(e.booked_at)::DOUBLE AS booked_at, e.kind, e.item, e.amount_fen::DOUBLE AS amount,
      e.due_fen::DOUBLE AS due, e.vote_id, v.title AS vote_title, v.yes::INTEGER AS vote_yes, v.no::INTEGER AS vote_no, v.abstain::INTEGER AS vote_abstain,
      e.party, e.household_id, h.unit, b.name AS building_name, h.contact_enc, e.note
    FROM trust_ledger e LEFT JOIN trust_votes v ON v.id = e.vote_id
    LEFT JOIN households h ON h.id = e.household_id LEFT JOIN buildings b ON b.id = h.building_id
    WHERE e.compound_id = $1 AND e.period BETWEEN ($2 || '-01')::DATE AND ($3 || '-01')::DATE
    ORDER BY e.booked_at DESC, e.id DESC LIMIT 5000`,
    [compoundId, fromPeriod, toPeriod],
  );
}

export interface VoteRow {
  id: string;
  voted_at: number;
  title: string;
  item: string | null;
  cap: number | null;
  yes: number;
  no: number;
  abstain: number;
  ratifies_entry_id: string | null;
}

export function voteRows(store: DuckDbStore, compoundId: number): Promise<VoteRow[]> {
  return store.all<VoteRow>(
    `SELECT id, epoch_ms(voted_at)::DOUBLE AS voted_at, title, item, cap_fen::DOUBLE AS cap, yes::INTEGER AS yes, no::INTEGER AS no, abstain::INTEGER AS abstain, ratifies_entry_id
     FROM trust_votes WHERE compound_id = $1 ORDER BY voted_at DESC`,
    [compoundId],
  );
}
