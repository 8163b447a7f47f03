/**
 * `TrustPropertyApi`: 信托制物业. The figures come from DuckDB (data/store/trustProperty/queries.ts);
 * the ledger's entries are read with their council votes, and an owner named in one (a late
 * payment) is shown masked (张* · 3幢 2-301), never in full, and never to a wall: a wall gets the
 * list and the board, which are aggregates (a counterparty on a flagged spending is left out for
 * it, as a console's operator may have typed a person's name there). Entries and votes booked at
 * a console are written with their audit row in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { fieldAad } from '../../../data/store/crypto.ts';
import { maskName, type ContactPii } from '../../../data/model/masking.ts';
import {
  ITEMS_OF_KIND,
  periodOf,
  spendProblem,
  votePassed,
  type CouncilVoteFacts,
  type EntryItem,
  type EntryKind,
  type SpendingItem,
  type TrustBoard,
  type TrustCompoundSummary,
} from '../../../data/model/trustProperty/index.ts';
import { ledgerRows, trustBoard, trustCompounds, voteRows, type LedgerRow, type VoteRow } from '../../../data/store/trustProperty/queries.ts';
import type { TrustEntryInput, TrustLedgerEntry, TrustLedgerPage, TrustPropertyApi, TrustVote, TrustVoteInput } from '../../common/trustProperty/contract.ts';
import { appendAudit, currentActor } from '../audit.ts';
import { servingWall } from '../wallView.ts';

export interface TrustPropertyOptions {
  personalData: 'masked' | 'none';
  now?: () => number;
}

const toVote = (v: VoteRow): TrustVote => ({
  id: v.id,
  votedAt: v.voted_at,
  title: v.title,
  item: v.item as SpendingItem | null,
  capFen: v.cap,
  yes: v.yes,
  no: v.no,
  abstain: v.abstain,
  passed: votePassed(v),
  ratifiesEntryId: v.ratifies_entry_id,
});
const voteFacts = (v: TrustVote): CouncilVoteFacts => ({ id: v.id, item: v.item, capFen: v.capFen, yes: v.yes, no: v.no, abstain: v.abstain, ratifiesEntryId: v.ratifiesEntryId });

export class TrustPropertyService implements TrustPropertyApi {
  public constructor(
    private readonly store: DuckDbStore,
    private readonly options: TrustPropertyOptions,
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  public listCompounds(): Promise<TrustCompoundSummary[]> {
    return trustCompounds(this.store);
  }

  public async getBoard(compoundId: number | null): Promise<TrustBoard> {
    const board = await trustBoard(this.store, compoundId);
    if (!servingWall(this.options.personalData)) return board;
    return { ...board, anomalies: board.anomalies.map((a) => ({ ...a, party: null })) };
  }

  public async getLedger(compoundId: number, fromPeriod: string, toPeriod: string): Promise<TrustLedgerPage> {
    if (servingWall(this.options.personalData)) throw new Error('A wall view shows no one: the ledger is not sent to a wall. Open it at a console; the wall shows the board.');
    if (fromPeriod > toPeriod) throw new RangeError('The ledger period must start before it ends.');
    await this.compoundOrThrow(compoundId);
    const votes = (await voteRows(this.store, compoundId)).map(toVote);
    const rows = await ledgerRows(this.store, compoundId, fromPeriod, toPeriod);
    return { compoundId, fromPeriod, toPeriod, entries: this.entries(rows, votes), votes };
  }

  public async recordEntry(input: TrustEntryInput): Promise<TrustLedgerEntry> {
    await this.compoundOrThrow(input.compoundId);
    if (!ITEMS_OF_KIND[input.kind].includes(input.item)) throw new RangeError(`An entry of kind ${input.kind} cannot be for ${input.item}.`);
    const at = this.now();
    if (input.period > periodOf(at)) throw new RangeError('An entry cannot be booked for a month that has not begun.');
    if (input.kind !== 'fee_income' && input.dueFen) throw new RangeError('Only fee income has fees due.');
    const voteId = input.voteId ?? null;
    if (voteId !== null) {
      const vote = await this.store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM trust_votes WHERE id = $1 AND compound_id = $2', [voteId, input.compoundId]);
      if (!vote?.n) throw new RangeError(`The compound's council has no vote ${voteId}.`);
    }
    const actor = currentActor();
    const id = `TL-${input.compoundId}-${input.period}-${randomUUID().slice(0, 8)}`;
    await this.store.transaction(async () => {
      await this.store.run(
        `INSERT INTO trust_ledger VALUES ($1, $2, ($3 || '-01')::DATE, make_timestamp($4::BIGINT * 1000), $5, $6, $7::BIGINT, $8::BIGINT, $9, $10, NULL, $11, $12)`,
        [id, input.compoundId, input.period, at, input.kind, input.item, input.amountFen, input.dueFen ?? 0, voteId, input.party, input.note ?? null, actor],
      );
      await appendAudit(this.store, { actor, action: 'trustProperty.recordEntry', subject: `trust-compound:${input.compoundId}`, reason: `${id}; ${input.kind} ${input.item} ${(input.amountFen / 100).toFixed(2)} 元${voteId ? `; vote ${voteId}` : ''}`, atMs: at });
    });
    const page = await this.getLedger(input.compoundId, input.period, input.period);
    return page.entries.find((e) => e.id === id)!;
  }

  public async recordVote(input: TrustVoteInput): Promise<TrustVote> {
    await this.compoundOrThrow(input.compoundId);
    const ratifies = input.ratifiesEntryId ?? null;
    if (ratifies !== null) {
      const entry = await this.store.one<{ kind: string }>('SELECT kind FROM trust_ledger WHERE id = $1 AND compound_id = $2', [ratifies, input.compoundId]);
      if (entry?.kind !== 'spending') throw new RangeError(`The compound has no spending ${ratifies} to ratify.`);
    }
    const actor = currentActor();
    const at = this.now();
    const id = `TV-${input.compoundId}-${randomUUID().slice(0, 8)}`;
    await this.store.transaction(async () => {
      await this.store.run(
        `INSERT INTO trust_votes VALUES ($1, $2, make_timestamp($3::BIGINT * 1000), $4, $5, $6::BIGINT, $7, $8, $9, $10, $11)`,
        [id, input.compoundId, at, input.title, input.item, input.capFen, input.yes, input.no, input.abstain, ratifies, actor],
      );
      await appendAudit(this.store, { actor, action: 'trustProperty.recordVote', subject: `trust-compound:${input.compoundId}`, reason: `${id}; ${input.yes}/${input.no}/${input.abstain}${ratifies ? `; ratifies ${ratifies}` : ''}`, atMs: at });
    });
    return toVote((await voteRows(this.store, input.compoundId)).find((v) => v.id === id)!);
  }

  private async compoundOrThrow(compoundId: number): Promise<void> {
    const row = await this.store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM trust_compounds WHERE id = $1', [compoundId]);
    if (!row?.n) throw new RangeError(`No compound has id ${compoundId}.`);
  }

  private entries(rows: LedgerRow[], votes: TrustVote[]): TrustLedgerEntry[] {
    const byId = new Map(votes.map((v) => [v.id, voteFacts(v)]));
    const ratified = new Set(votes.filter((v) => v.passed && v.ratifiesEntryId !== null).map((v) => v.ratifiesEntryId!));
    return rows.map((r) => {
      const kind = r.kind as EntryKind;
      const item = r.item as EntryItem;
      const vote = r.vote_id !== null && r.vote_title !== null ? { id: r.vote_id, title: r.vote_title, yes: r.vote_yes ?? 0, no: r.vote_no ?? 0, abstain: r.vote_abstain ?? 0 } : null;
      return {
        id: r.id,
        period: r.period,
        bookedAt: r.booked_at,
        kind,
        item,
        amountFen: r.amount,
        dueFen: r.due,
        party: r.household_id !== null ? this.owner(r) : r.party,
        note: r.note,
        vote: vote ? { ...vote, passed: votePassed(vote) } : null,
        flagged: spendProblem({ id: r.id, period: r.period, kind, item, amountFen: r.amount, dueFen: r.due, voteId: r.vote_id }, byId, ratified),
      };
    });
  }

  /** An owner who paid themself: the name masked (张*), with the building and flat. */
  private owner(r: LedgerRow): string {
    const where = [r.building_name, r.unit].filter((s) => s).join(' ');
    let name = '业主';
    if (this.options.personalData !== 'none' && r.contact_enc && r.household_id !== null) {
      const contact = JSON.parse(this.store.cipher.decrypt(r.contact_enc, fieldAad('households', 'contact_enc', r.household_id))) as ContactPii;
      name = `业主 ${maskName(contact.name)}`;
    }
    return where ? `${name} · ${where}` : name;
  }
}
