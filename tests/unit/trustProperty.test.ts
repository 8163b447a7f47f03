/**
 * Issue 13, 信托制物业: the owners' trust fund ledger of a compound. The rules (pure) flag a spending
 * without a council decision, a falling collection rate and a trustee's fee outside 8–10 %.
 */
import { describe, expect, it } from 'vitest';
import { anomaliesOf, balanceOf, collectionByMonth, companyFeeShareByMonth, type CouncilVoteFacts, type LedgerEntryFacts } from '../../data/model/trustProperty/index.ts';

const e = (id: string, period: string, kind: LedgerEntryFacts['kind'], item: LedgerEntryFacts['item'], amountFen: number, extra: Partial<LedgerEntryFacts> = {}): LedgerEntryFacts => ({ id, period, kind, item, amountFen, dueFen: 0, voteId: null, ...extra });
const budget: CouncilVoteFacts = { id: 'V-budget', item: null, capFen: null, yes: 6, no: 1, abstain: 0, ratifiesEntryId: null };

describe('the trust fund rules', () => {
  const entries: LedgerEntryFacts[] = [
    e('f1', '2026-01', 'fee_income', 'property_fee', 60_000_00, { dueFen: 100_000_00 }),
    e('c1', '2026-01', 'company_fee', 'trustee_fee', 5_400_00),
    e('p1', '2026-01', 'other_income', 'parking', 8_000_00),
    e('s1', '2026-01', 'spending', 'cleaning', 12_000_00, { voteId: 'V-budget' }),
    e('s2', '2026-01', 'spending', 'facilities', 23_600_00),
    e('s3', '2026-01', 'spending', 'greening', 4_000_00),
    e('f2', '2026-02', 'fee_income', 'property_fee', 90_000_00, { dueFen: 100_000_00 }),
    e('c2', '2026-02', 'company_fee', 'trustee_fee', 12_000_00),
  ];
  it('balances: income − spending − the trustee fee', () => {
    const b = balanceOf(entries);
    expect(b.feeIncomeFen + b.otherIncomeFen - b.spendingFen - b.companyFeeFen).toBe(b.balanceFen);
    expect(b.balanceFen).toBe(60_000_00 + 8_000_00 + 90_000_00 - 12_000_00 - 23_600_00 - 4_000_00 - 5_400_00 - 12_000_00);
  });
  it('computes the collection rate and fee share per month', () => {
    expect(collectionByMonth(entries).map((m) => m.rate)).toEqual([0.6, 0.9]);
    expect(companyFeeShareByMonth(entries).map((m) => m.share)).toEqual([0.09, 12_000_00 / 90_000_00]);
  });
  it('flags a spend over ¥5,000 without a vote, and a fee above 10 %; not the budgeted or small ones', () => {
    const flags = anomaliesOf(entries, [budget]);
    expect(flags.map((f) => [f.kind, f.entryId ?? f.period, f.problem])).toEqual([
      ['spend_without_vote', 's2', 'no_vote'],
      ['company_fee_share', '2026-02', null],
    ]);
    // A failed vote does not cover it; a passed ratification (追认) does.
    expect(anomaliesOf([e('s9', '2026-03', 'spending', 'repairs', 9_000_00, { voteId: 'V-x' })], [{ ...budget, id: 'V-x', yes: 2, no: 5 }])[0]!.problem).toBe('vote_failed');
    expect(anomaliesOf(entries, [budget, { ...budget, id: 'V-r', ratifiesEntryId: 's2' }]).some((f) => f.entryId === 's2')).toBe(false);
  });
  it('flags a collection rate falling three months in a row, once', () => {
    const rates = [0.9, 0.95, 0.93, 0.9, 0.85, 0.8, 0.82];
    const fees = rates.map((r, i) => e(`f${i}`, `2026-0${i + 1}`, 'fee_income', 'property_fee', Math.round(r * 1000_00), { dueFen: 1000_00 }));
    const flags = anomaliesOf(fees, []).filter((f) => f.kind === 'collection_falling');
    expect(flags.map((f) => f.period)).toEqual(['2026-05']);
    expect(flags[0]).toMatchObject({ value: 0.85, previous: 0.95 });
  });
});
