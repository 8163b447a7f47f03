/**
 * The evacuation plan at this screen: the latest plan of the storm being planned for, its board
 * (progress per grid against the evacuation clock) and, for operators, who is still left. Follows
 * the host's `onPlanProgress` pushes, so a grid worker's report moves every open board.
 */
import type { EvacuationPlanView, PlanBoard, PlanDispatchResult, EvacuationProgressStatus } from '../../../../electron/common/typhoon/evacuationContract.ts';
import { getAppApi } from '../../../bridge/appApi.ts';
import { hostCall } from '../../../actions/hostCall.ts';
import { createStore } from '../../../state/createStore.ts';
import { pushToast } from '../../../state/toastStore.ts';
import { t } from '../../../i18n/index.ts';
import { useTyphoonStore } from '../store.ts';

export interface PlanState {
  stormId: string | null;
  plan: EvacuationPlanView | null;
  board: PlanBoard | null;
  /** Rain scenario for the next plan, mm (null: none). */
  rainMm: number | null;
  busy: 'plan' | 'dispatch' | null;
  /** The grid whose households left are shown. */
  openGridId: number | null;
  lastDispatch: PlanDispatchResult | null;
}

export const usePlanStore = createStore<PlanState>()(() => ({
  stormId: null,
  plan: null,
  board: null,
  rainMm: 300,
  busy: null,
  openGridId: null,
  lastDispatch: null,
}));

/** Loads the storm's latest plan and its board (nothing when none was made yet). */
export async function loadLatestPlan(stormId: string | null): Promise<void> {
  usePlanStore.setState({ stormId, plan: null, board: null, openGridId: null, lastDispatch: null });
  if (stormId === null) return;
  const api = getAppApi().typhoon;
  const list = await hostCall(() => api.listEvacuationPlans(stormId), []);
  const latest = list[0];
  if (!latest || usePlanStore.getState().stormId !== stormId) return;
  await showPlan(latest.planId);
}

async function showPlan(planId: string): Promise<void> {
  const api = getAppApi().typhoon;
  const [plan, board] = await Promise.all([hostCall(() => api.getEvacuationPlan(planId), null), hostCall(() => api.getPlanBoard(planId), null)]);
  if (plan && plan.stormId === usePlanStore.getState().stormId) usePlanStore.setState({ plan, board });
}

export async function reloadBoard(): Promise<void> {
  const planId = usePlanStore.getState().plan?.planId;
  if (!planId) return;
  const board = await hostCall(() => getAppApi().typhoon.getPlanBoard(planId), null);
  if (board && usePlanStore.getState().plan?.planId === planId) usePlanStore.setState({ board });
}

export function setRain(rainMm: number | null): void {
  usePlanStore.setState({ rainMm });
}

export function toggleGrid(gridId: number): void {
  usePlanStore.setState((s) => ({ openGridId: s.openGridId === gridId ? null : gridId }));
}

/** Makes a plan for the storm on screen, at the player's clock (a rehearsal's shift goes with it). */
export async function makePlan(): Promise<void> {
  const { selectedId, shiftMs } = useTyphoonStore.getState();
  if (!selectedId || usePlanStore.getState().busy) return;
  usePlanStore.setState({ busy: 'plan' });
  const rain = usePlanStore.getState().rainMm;
  const plan = await hostCall(() => getAppApi().typhoon.planEvacuation(selectedId, { shiftMs, rainTotalMm: rain }), null);
  usePlanStore.setState({ busy: null });
  if (!plan) return;
  const board = await hostCall(() => getAppApi().typhoon.getPlanBoard(plan.planId), null);
  usePlanStore.setState({ stormId: selectedId, plan, board, lastDispatch: null });
}

/** One click: the plan's tasks into the live queue. */
export async function dispatchPlan(): Promise<void> {
  const plan = usePlanStore.getState().plan;
  if (!plan || usePlanStore.getState().busy) return;
  usePlanStore.setState({ busy: 'dispatch' });
  const result = await hostCall(() => getAppApi().typhoon.dispatchPlan(plan.planId), null);
  usePlanStore.setState({ busy: null });
  if (!result) return;
  pushToast('info', result.created ? t('typhoon.plan.dispatched', { n: result.tasks }) : t('typhoon.plan.alreadyDispatched', { n: result.tasks }));
  usePlanStore.setState({ lastDispatch: result, plan: { ...plan, dispatchedAtMs: result.dispatchedAtMs, dispatchedBy: result.dispatchedBy } });
  await reloadBoard();
}

export async function recordProgress(householdId: number, status: EvacuationProgressStatus): Promise<void> {
  const plan = usePlanStore.getState().plan;
  if (!plan) return;
  const board = await hostCall(() => getAppApi().typhoon.recordEvacuationProgress(plan.planId, householdId, status, null), null);
  if (board && usePlanStore.getState().plan?.planId === plan.planId) usePlanStore.setState({ board });
}

let pending: ReturnType<typeof setTimeout> | null = null;
/**
 * Follows the storm on screen (its latest plan) and the host's progress pushes. Reports come in
 * bursts: the board reloads at most every 300 ms.
 */
export function followPlans(): void {
  let shown = useTyphoonStore.getState().selectedId;
  void loadLatestPlan(shown);
  useTyphoonStore.subscribe((s) => {
    if (s.selectedId === shown) return;
    shown = s.selectedId;
    void loadLatestPlan(shown);
  });
  getAppApi().typhoon.onPlanProgress(({ planId }) => {
    const { plan, stormId } = usePlanStore.getState();
    if (plan && plan.planId !== planId) {
      // Another console made a newer plan for this storm: show it.
      void getAppApi()
        .typhoon.listEvacuationPlans(stormId)
        .then((list) => {
          if (list[0]?.planId === planId && usePlanStore.getState().plan?.planId !== planId) void showPlan(planId);
        }, () => undefined);
      return;
    }
    if (!plan) {
      if (stormId) void loadLatestPlan(stormId);
      return;
    }
    pending ??= setTimeout(() => {
      pending = null;
      void reloadBoard();
    }, 300);
  });
}
