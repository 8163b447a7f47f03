/**
 * Dispatch by kind at this screen: the units out now (with their road routes), loaded once after
 * sign-in and replaced by each of the host's pushes (`dispatch.onDispatchesChanged`). `version`
 * moves with every change, so an open incident's proposal is asked for again.
 */
import type { ActiveDispatch, IncidentProposal } from '../../../electron/common/dispatch/contract.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostCall } from '../../actions/hostCall.ts';
import { createStore } from '../../state/createStore.ts';

export interface DispatchState {
  dispatches: ActiveDispatch[];
  version: number;
}

export const useDispatchStore = createStore<DispatchState>()(() => ({ dispatches: [], version: 0 }));

const setDispatches = (dispatches: ActiveDispatch[]): void =>
  useDispatchStore.setState((s) => ({ dispatches, version: s.version + 1 }));

let unsubscribe: (() => void) | null = null;

/** Loads the units out and follows the pushes (once per session). */
export function startDispatch(): void {
  if (unsubscribe) return;
  unsubscribe = getAppApi().dispatch.onDispatchesChanged((push) => setDispatches(push.dispatches));
  void hostCall(() => getAppApi().dispatch.getActiveDispatches(), []).then(setDispatches);
}

export const proposeByKind = (incidentId: string): Promise<IncidentProposal | null> =>
  hostCall(() => getAppApi().dispatch.proposeByKind(incidentId), null);

/** Asks for the units out again (after this console sent one: the push follows within a second). */
export const refreshDispatches = (): Promise<void> =>
  hostCall(() => getAppApi().dispatch.getActiveDispatches(), null).then((d) => {
    if (d) setDispatches(d);
  });
