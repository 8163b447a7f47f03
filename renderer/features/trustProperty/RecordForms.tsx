/**
 * An operator books an entry in a compound's ledger or the council's vote (a ratification clears
 * a spending's flag). Both go to the host, which checks the role, writes the audit row and
 * answers with what it stored; the board then reloads. Hidden from viewers and walls.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ENTRY_KINDS, ITEMS_OF_KIND, SPENDING_ITEMS, type EntryItem, type EntryKind, type SpendingItem } from '../../../data/model/trustProperty/index.ts';
import type { TrustLedgerPage } from '../../../electron/common/trustProperty/contract.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostErrorText } from '../../actions/hostCall.ts';
import { useCan } from '../../state/sessionStore.ts';
import { loadTrust } from './store.ts';

const fenOf = (yuan: string): number => Math.round(Number(yuan) * 100);

export function RecordForms({ compoundId, period, ledger }: { compoundId: number; period: string; ledger: TrustLedgerPage | null }): React.JSX.Element | null {
  const { t } = useTranslation();
  const mayAct = useCan('operator');
  const [kind, setKind] = useState<EntryKind>('spending');
  const [item, setItem] = useState<EntryItem>('repairs');
  const [amount, setAmount] = useState('');
  const [party, setParty] = useState('');
  const [voteId, setVoteId] = useState('');
  const [note, setNote] = useState('');
  const [title, setTitle] = useState('');
  const [voteItem, setVoteItem] = useState<SpendingItem | ''>('');
  const [cap, setCap] = useState('');
  const [counts, setCounts] = useState({ yes: '5', no: '0', abstain: '0' });
  const [ratifies, setRatifies] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  if (!mayAct) return null;
  const done = async (work: () => Promise<unknown>): Promise<void> => {
    setStatus(null);
    try {
      await work();
      setStatus(t('trustProperty.form.saved'));
      await loadTrust(compoundId);
    } catch (err) {
      setStatus(hostErrorText(err));
    }
  };
  const flagged = ledger?.entries.filter((e) => e.flagged) ?? [];
  const validAmount = Number(amount) > 0;
  return (
    <details className="trust-card trust-forms" data-testid="trust-forms">
      <summary>{t('trustProperty.form.title')}</summary>
      <form
        className="trust-form"
        onSubmit={(e) => {
          e.preventDefault();
          void done(() =>
            getAppApi().trustProperty.recordEntry({ compoundId, period, kind, item, amountFen: fenOf(amount), party: party.trim(), voteId: voteId || null, ...(note.trim() ? { note: note.trim() } : {}) }),
          );
        }}
      >
        <b>{t('trustProperty.form.entry', { period })}</b>
        <select
          value={kind}
          onChange={(e) => {
            const k = e.target.value as EntryKind;
            setKind(k);
            setItem(ITEMS_OF_KIND[k][0]!);
          }}
          aria-label={t('trustProperty.ledger.kind')}
        >
          {ENTRY_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`trustProperty.kind.${k}`)}
            </option>
          ))}
        </select>
        <select value={item} onChange={(e) => setItem(e.target.value as EntryItem)} aria-label={t('trustProperty.ledger.item')}>
          {ITEMS_OF_KIND[kind].map((i) => (
            <option key={i} value={i}>
              {t(`trustProperty.item.${i}`)}
            </option>
          ))}
        </select>
        <input type="number" min="0.01" step="0.01" value={amount} onChange={(e) => setAmount(e.target.value)} placeholder={t('trustProperty.ledger.amount')} />
        <input value={party} maxLength={200} onChange={(e) => setParty(e.target.value)} placeholder={t('trustProperty.ledger.party')} />
        <select value={voteId} onChange={(e) => setVoteId(e.target.value)} aria-label={t('trustProperty.ledger.vote')}>
          <option value="">{t('trustProperty.form.noVote')}</option>
          {(ledger?.votes ?? []).map((v) => (
            <option key={v.id} value={v.id}>
              {v.title}
            </option>
          ))}
        </select>
        <input value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} placeholder={t('trustProperty.ledger.note')} />
        <button type="submit" disabled={!validAmount || party.trim() === ''}>
          {t('trustProperty.form.book')}
        </button>
      </form>
      <form
        className="trust-form"
        onSubmit={(e) => {
          e.preventDefault();
          void done(() =>
            getAppApi().trustProperty.recordVote({
              compoundId,
              title: title.trim(),
              item: voteItem || null,
              capFen: cap ? fenOf(cap) : null,
              yes: Number(counts.yes),
              no: Number(counts.no),
              abstain: Number(counts.abstain),
              ratifiesEntryId: ratifies || null,
            }),
          );
        }}
      >
        <b>{t('trustProperty.form.vote')}</b>
        <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} placeholder={t('trustProperty.form.voteTitle')} />
        <select value={voteItem} onChange={(e) => setVoteItem(e.target.value as SpendingItem | '')} aria-label={t('trustProperty.ledger.item')}>
          <option value="">{t('trustProperty.form.budget')}</option>
          {SPENDING_ITEMS.map((i) => (
            <option key={i} value={i}>
              {t(`trustProperty.item.${i}`)}
            </option>
          ))}
        </select>
        <input type="number" min="0" step="0.01" value={cap} onChange={(e) => setCap(e.target.value)} placeholder={t('trustProperty.form.cap')} />
        {(['yes', 'no', 'abstain'] as const).map((k) => (
          <label key={k} className="trust-count">
            {t(`trustProperty.form.${k}`)}
            <input type="number" min="0" max="99" step="1" value={counts[k]} onChange={(e) => setCounts((c) => ({ ...c, [k]: e.target.value }))} />
          </label>
        ))}
        <select value={ratifies} onChange={(e) => setRatifies(e.target.value)} aria-label={t('trustProperty.form.ratifies')}>
          <option value="">{t('trustProperty.form.noRatify')}</option>
          {flagged.map((f) => (
            <option key={f.id} value={f.id}>
              {t('trustProperty.form.ratify', { period: f.period, note: f.note ?? f.party ?? f.id })}
            </option>
          ))}
        </select>
        <button type="submit" disabled={title.trim() === ''}>
          {t('trustProperty.form.record')}
        </button>
      </form>
      {status && <p className="trust-status" data-testid="trust-form-status">{status}</p>}
    </details>
  );
}
