/**
 * 信托制物业's contract section (feature module, issue 13): each compound's trust fund as the owners
 * see it. The list and the board are aggregates (collection rate, balance, spending by item, the
 * trustee's fee, anomalies): a wall may be shown them. The ledger itself (who paid or was paid,
 * each spending's vote) is for people at a console: an owner who paid late is named only masked
 * (张*), and a wall is refused it. An operator books an entry or a council vote; both are audited.
 */
import { z } from 'zod';
import {
  ENTRY_ITEMS,
  ENTRY_KINDS,
  PERIOD_RE,
  SPENDING_ITEMS,
  TRUST_LIMITS,
  type EntryItem,
  type EntryKind,
  type SpendingItem,
  type SpendProblem,
  type TrustBoard,
  type TrustCompoundSummary,
} from '../../../data/model/trustProperty/index.ts';
import { idText, m, NO_ARGS, recordId, type MemberSpec } from '../sections.ts';

export interface TrustVote {
  id: string;
  votedAt: number;
  title: string;
  /** null: the annual budget (covers routine spending). */
  item: SpendingItem | null;
  capFen: number | null;
  yes: number;
  no: number;
  abstain: number;
  passed: boolean;
  ratifiesEntryId: string | null;
}

export interface TrustLedgerEntry {
  id: string;
  period: string;
  bookedAt: number;
  kind: EntryKind;
  item: EntryItem;
  amountFen: number;
  dueFen: number;
  /** Who paid or was paid: an organisation, a building's owners, or an owner masked (张* · 3幢 2-301). */
  party: string | null;
  note: string | null;
  vote: { id: string; title: string; yes: number; no: number; abstain: number; passed: boolean } | null;
  /** Why this spending is flagged (no vote, a failed vote, over its cap, another item), or null. */
  flagged: SpendProblem | null;
}

export interface TrustLedgerPage {
  compoundId: number;
  fromPeriod: string;
  toPeriod: string;
  entries: TrustLedgerEntry[];
  votes: TrustVote[];
}

export interface TrustEntryInput {
  compoundId: number;
  period: string;
  kind: EntryKind;
  item: EntryItem;
  amountFen: number;
  /** Fees due for the month (fee income of a building or the compound). */
  dueFen?: number;
  voteId?: string | null;
  party: string;
  note?: string;
}

export interface TrustVoteInput {
  compoundId: number;
  title: string;
  item: SpendingItem | null;
  capFen: number | null;
  yes: number;
  no: number;
  abstain: number;
  /** A spending made without a decision that this vote ratifies (追认). */
  ratifiesEntryId?: string | null;
}

export interface TrustPropertyApi {
  /** Every compound under the trust model with its latest figures. */
  listCompounds(): Promise<TrustCompoundSummary[]>;
  /** A compound's board (null: all compounds together): months, spending by item, totals, anomalies. */
  getBoard(compoundId: number | null): Promise<TrustBoard>;
  /** The public ledger of billing months [fromPeriod, toPeriod] (`YYYY-MM`), with each spending's vote. Not on a wall. */
  getLedger(compoundId: number, fromPeriod: string, toPeriod: string): Promise<TrustLedgerPage>;
  recordEntry(input: TrustEntryInput): Promise<TrustLedgerEntry>;
  recordVote(input: TrustVoteInput): Promise<TrustVote>;
}

const period = z.string().regex(PERIOD_RE);
const text = z.string().trim().min(1).max(TRUST_LIMITS.textMax);
const fen = z.number().int().min(0).max(TRUST_LIMITS.amountFenMax);
const voters = z.number().int().min(0).max(TRUST_LIMITS.votersMax);

const entryInput = z.strictObject({
  compoundId: recordId,
  period,
  kind: z.enum(ENTRY_KINDS),
  item: z.enum(ENTRY_ITEMS),
  amountFen: fen.min(1),
  dueFen: fen.optional(),
  voteId: idText.nullable().optional(),
  party: text,
  note: z.string().max(TRUST_LIMITS.textMax).optional(),
});

const voteInput = z
  .strictObject({
    compoundId: recordId,
    title: text,
    item: z.enum(SPENDING_ITEMS).nullable(),
    capFen: fen.nullable(),
    yes: voters,
    no: voters,
    abstain: voters,
    ratifiesEntryId: idText.nullable().optional(),
  })
  .refine((v) => v.yes + v.no + v.abstain > 0, { message: 'A vote needs at least one council member voting.' });

export const TRUST_PROPERTY_SECTION = {
  listCompounds: NO_ARGS('view'),
  getBoard: m('view', recordId.nullable()),
  getLedger: m('viewer', recordId, period, period),
  recordEntry: m('operator', entryInput),
  recordVote: m('operator', voteInput),
} as const satisfies Record<keyof TrustPropertyApi, MemberSpec>;
