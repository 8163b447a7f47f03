/** 信托制物业's page state: the compounds, the board shown (one compound or all) and its ledger. */
import { create } from 'zustand';
import type { TrustBoard, TrustCompoundSummary } from '../../../data/model/trustProperty/index.ts';
import type { TrustLedgerPage } from '../../../electron/common/trustProperty/contract.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostErrorText } from '../../actions/hostCall.ts';

interface TrustState {
  compounds: TrustCompoundSummary[];
  /** null: all compounds. */
  selected: number | null;
  board: TrustBoard | null;
  ledger: TrustLedgerPage | null;
  loading: boolean;
  error: string | null;
  ledgerError: string | null;
}

export const useTrustStore = create<TrustState>(() => ({
  compounds: [],
  selected: null,
  board: null,
  ledger: null,
  loading: false,
  error: null,
  ledgerError: null,
}));

let request = 0;
/** Loads the list, the board of `compoundId` (null: all) and, for one compound, its year's ledger; a newer call wins. */
export async function loadTrust(compoundId: number | null): Promise<void> {
  const mine = ++request;
  useTrustStore.setState({ selected: compoundId, loading: true, error: null, ledgerError: null });
  try {
    const api = getAppApi().trustProperty;
    const [compounds, board] = await Promise.all([api.listCompounds(), api.getBoard(compoundId)]);
    if (mine !== request) return;
    useTrustStore.setState({ compounds, board, ledger: null });
    if (compoundId !== null && board.months.length > 0) {
      try {
        const ledger = await api.getLedger(compoundId, board.months[0]!.period, board.months.at(-1)!.period);
        if (mine === request) useTrustStore.setState({ ledger });
      } catch (err) {
        if (mine === request) useTrustStore.setState({ ledgerError: hostErrorText(err) });
      }
    }
    if (mine === request) useTrustStore.setState({ loading: false });
  } catch (err) {
    if (mine === request) useTrustStore.setState({ loading: false, error: hostErrorText(err) });
  }
}

/** Opens the board in a new window (`#trust=all`), or in this one where a new one cannot open. */
export function openTrustBoard(value = 'all'): void {
  const url = `${window.location.pathname}${window.location.search}#trust=${value}`;
  const win = window.open(url, '_blank');
  if (!win) {
    window.location.hash = `trust=${value}`;
    window.location.reload();
  }
}

interface TrustMapState {
  visible: boolean;
  compounds: TrustCompoundSummary[];
  error: string | null;
}
/** The console map's compound markers (switched by a command). */
export const useTrustMapStore = create<TrustMapState>(() => ({ visible: false, compounds: [], error: null }));

/** Shows or hides the compounds on the console's map; showing reads their latest figures. */
export async function toggleTrustMap(): Promise<void> {
  const visible = !useTrustMapStore.getState().visible;
  useTrustMapStore.setState({ visible });
  if (!visible) return;
  try {
    useTrustMapStore.setState({ compounds: await getAppApi().trustProperty.listCompounds(), error: null });
  } catch (err) {
    useTrustMapStore.setState({ error: hostErrorText(err) });
  }
}
