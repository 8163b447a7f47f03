/**
 * 信托制物业 (trust-model property management, Chengdu): the owners' property fees and the
 * compound's other income (parking, advertising) are a trust fund that belongs to the owners; the
 * property company is the trustee and takes a fixed fee, usually 8–10 % of the fees; everything
 * else is spent on the compound, each spending decided by the owners' council (业委会), and every
 * entry is open to every owner. Reported in one compound: collection 60 % → 98 %, disputes −90 %.
 *
 * The ledger's kinds, item categories, council votes and the rules that flag an entry; pure (the
 * store computes the same figures in DuckDB, data/store/trustProperty/queries.ts). Amounts are
 * integer fen (分), months `YYYY-MM` (Beijing time).
 */

export const ENTRY_KINDS = ['fee_income', 'other_income', 'spending', 'company_fee'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** What an income came from. */
export const INCOME_ITEMS = ['property_fee', 'parking', 'advertising', 'venue', 'other_income'] as const;
/** What a spending was for (公共部位维修 repairs, 电梯维保 elevator, 公共能耗 utilities, 秩序维护 security…). */
export const SPENDING_ITEMS = ['staff', 'cleaning', 'security', 'greening', 'repairs', 'elevator', 'utilities', 'facilities', 'activities', 'other_spending'] as const;
export const ENTRY_ITEMS = [...INCOME_ITEMS, ...SPENDING_ITEMS, 'trustee_fee'] as const;
export type IncomeItem = (typeof INCOME_ITEMS)[number];
export type SpendingItem = (typeof SPENDING_ITEMS)[number];
export type EntryItem = (typeof ENTRY_ITEMS)[number];

/** The items an entry of each kind may carry. */
export const ITEMS_OF_KIND: Readonly<Record<EntryKind, readonly EntryItem[]>> = {
  fee_income: ['property_fee'],
  other_income: ['parking', 'advertising', 'venue', 'other_income'],
  spending: SPENDING_ITEMS,
  company_fee: ['trustee_fee'],
};

/** The trustee's fixed fee, as a share of the month's property fees collected (成都 practice: 8–10 %). */
export const COMPANY_FEE_SHARE = { min: 0.08, max: 0.1 } as const;
/** A spending from this amount (¥5,000) needs a council decision that covers it. */
export const VOTE_THRESHOLD_FEN = 500_000;
/** The collection rate falling this many months in a row is flagged. */
export const COLLECTION_FALLING_MONTHS = 3;
/** Limits of what a console may record. */
export const TRUST_LIMITS = { amountFenMax: 100_000_000_00, textMax: 200, votersMax: 99 } as const;

export interface LedgerEntryFacts {
  id: string;
  /** Billing month the entry belongs to (`YYYY-MM`). */
  period: string;
  kind: EntryKind;
  item: EntryItem;
  amountFen: number;
  /** Property fees due for the month (fee income only; 0 for a late payment of an earlier month). */
  dueFen: number;
  voteId: string | null;
}

export interface CouncilVoteFacts {
  id: string;
  /** The item it decides on; null: the annual budget (covers routine spending of any item). */
  item: SpendingItem | null;
  /** Most it allows one spending to be; null: no cap. */
  capFen: number | null;
  yes: number;
  no: number;
  abstain: number;
  /** A decision that ratifies (追认) a spending made without one. */
  ratifiesEntryId: string | null;
}

/** A council vote passes with more than half of those voting for it. */
export const votePassed = (v: Pick<CouncilVoteFacts, 'yes' | 'no' | 'abstain'>): boolean => v.yes * 2 > v.yes + v.no + v.abstain;

export interface FundBalance {
  feeIncomeFen: number;
  otherIncomeFen: number;
  spendingFen: number;
  companyFeeFen: number;
  /** Income − spending − the trustee's fee. */
  balanceFen: number;
}

export function balanceOf(entries: readonly Pick<LedgerEntryFacts, 'kind' | 'amountFen'>[]): FundBalance {
  const sum = (k: EntryKind): number => entries.reduce((s, e) => s + (e.kind === k ? e.amountFen : 0), 0);
  const feeIncomeFen = sum('fee_income');
  const otherIncomeFen = sum('other_income');
  const spendingFen = sum('spending');
  const companyFeeFen = sum('company_fee');
  return { feeIncomeFen, otherIncomeFen, spendingFen, companyFeeFen, balanceFen: feeIncomeFen + otherIncomeFen - spendingFen - companyFeeFen };
}

export interface MonthCollection {
  period: string;
  dueFen: number;
  collectedFen: number;
  /** Collected ÷ due (收缴率); null when nothing was due. */
  rate: number | null;
}

/** The collection rate of each month (fees collected for that month ÷ fees due), oldest first. */
export function collectionByMonth(entries: readonly LedgerEntryFacts[]): MonthCollection[] {
  const months = new Map<string, { due: number; got: number }>();
  for (const e of entries) {
    if (e.kind !== 'fee_income') continue;
    const m = months.get(e.period) ?? { due: 0, got: 0 };
    m.due += e.dueFen;
    m.got += e.amountFen;
    months.set(e.period, m);
  }
  return [...months.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, m]) => ({ period, dueFen: m.due, collectedFen: m.got, rate: m.due > 0 ? m.got / m.due : null }));
}

/** The trustee's fee of each month as a share of the month's property fees collected. */
export function companyFeeShareByMonth(entries: readonly LedgerEntryFacts[]): { period: string; share: number | null }[] {
  const months = new Map<string, { fee: number; got: number }>();
  for (const e of entries) {
    if (e.kind !== 'fee_income' && e.kind !== 'company_fee') continue;
    const m = months.get(e.period) ?? { fee: 0, got: 0 };
    if (e.kind === 'fee_income') m.got += e.amountFen;
    else m.fee += e.amountFen;
    months.set(e.period, m);
  }
  return [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([period, m]) => ({ period, share: m.got > 0 ? m.fee / m.got : null }));
}

export const ANOMALY_KINDS = ['spend_without_vote', 'collection_falling', 'company_fee_share'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];
/** Why a spending is not covered: no decision, a decision that failed, one whose cap it exceeds, or one on another item. */
export type SpendProblem = 'no_vote' | 'vote_failed' | 'over_cap' | 'other_item';

export interface TrustAnomaly {
  kind: AnomalyKind;
  period: string;
  /** The spending flagged (spend_without_vote). */
  entryId: string | null;
  amountFen: number | null;
  problem: SpendProblem | null;
  /** collection_falling: the rate now and N months before; company_fee_share: the share. */
  value: number | null;
  previous: number | null;
}

/** Why a spending is not covered by a decision, or null when it is (or is below the threshold). */
export function spendProblem(e: LedgerEntryFacts, votes: ReadonlyMap<string, CouncilVoteFacts>, ratified: ReadonlySet<string>): SpendProblem | null {
  if (e.kind !== 'spending' || e.amountFen < VOTE_THRESHOLD_FEN || ratified.has(e.id)) return null;
  const v = e.voteId === null ? undefined : votes.get(e.voteId);
  if (!v) return 'no_vote';
  if (!votePassed(v)) return 'vote_failed';
  if (v.item !== null && v.item !== e.item) return 'other_item';
  if (v.capFen !== null && e.amountFen > v.capFen) return 'over_cap';
  return null;
}

/**
 * What the owners' board flags: a spending from the threshold without a passed council decision
 * covering it (unless a later decision ratified it); the collection rate falling N months in a row
 * (flagged once, in the Nth month); the trustee's fee outside the agreed 8–10 %.
 */
export function anomaliesOf(
  entries: readonly LedgerEntryFacts[],
  votes: readonly CouncilVoteFacts[],
  opts: { fallingMonths?: number; share?: { min: number; max: number } } = {},
): TrustAnomaly[] {
  const n = opts.fallingMonths ?? COLLECTION_FALLING_MONTHS;
  const share = opts.share ?? COMPANY_FEE_SHARE;
  const byId = new Map(votes.map((v) => [v.id, v]));
  const ratified = new Set(votes.filter((v) => v.ratifiesEntryId !== null && votePassed(v)).map((v) => v.ratifiesEntryId!));
  const out: TrustAnomaly[] = [];
  for (const e of entries) {
    const problem = spendProblem(e, byId, ratified);
    if (problem) out.push({ kind: 'spend_without_vote', period: e.period, entryId: e.id, amountFen: e.amountFen, problem, value: null, previous: null });
  }
  const rates = collectionByMonth(entries);
  let streak = 0;
  for (let i = 1; i < rates.length; i++) {
    const a = rates[i - 1]!.rate;
    const b = rates[i]!.rate;
    streak = a !== null && b !== null && b < a ? streak + 1 : 0;
    if (streak === n) out.push({ kind: 'collection_falling', period: rates[i]!.period, entryId: null, amountFen: null, problem: null, value: b, previous: rates[i - n]!.rate });
  }
  for (const m of companyFeeShareByMonth(entries)) {
    if (m.share === null) continue;
    // Half a per-mille of rounding either side (fees are booked in whole fen).
    if (m.share < share.min - 0.0005 || m.share > share.max + 0.0005) out.push({ kind: 'company_fee_share', period: m.period, entryId: null, amountFen: null, problem: null, value: m.share, previous: null });
  }
  return out.sort((a, b) => a.period.localeCompare(b.period) || a.kind.localeCompare(b.kind));
}

/** A compound on the list: its latest figures (aggregates only). */
export interface TrustCompoundSummary {
  id: number;
  name: string;
  community: string | null;
  households: number;
  buildings: number;
  lon: number;
  lat: number;
  trustee: string;
  agreedShare: number;
  trustSince: string;
  /** The latest month's collection rate, and the first month's. */
  collectionRate: number | null;
  firstCollectionRate: number | null;
  balanceFen: number;
  openAnomalies: number;
  disputesFirst: number | null;
  disputesLast: number | null;
}

/** One month of a compound's board (or of all compounds together). */
export interface TrustMonth {
  period: string;
  dueFen: number;
  collectedFen: number;
  collectionRate: number | null;
  otherIncomeFen: number;
  spendingFen: number;
  companyFeeFen: number;
  companyFeeShare: number | null;
  /** The fund's balance at the month's end. */
  balanceFen: number;
  disputes: number;
}

export interface TrustAnomalyView extends TrustAnomaly {
  compoundId: number;
  compoundName: string;
  /** What the flagged spending was (item and counterparty), for spend_without_vote. */
  item: EntryItem | null;
  party: string | null;
}

export interface TrustBoard {
  /** null: every compound together. */
  compound: TrustCompoundSummary | null;
  months: TrustMonth[];
  spendingByItem: { item: SpendingItem; amountFen: number }[];
  totals: FundBalance;
  anomalies: TrustAnomalyView[];
  queryMs: number;
}

/** `2026-03` from epoch ms, in Beijing time. */
export const periodOf = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 7);
export const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
