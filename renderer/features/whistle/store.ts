/**
 * 吹哨报到 on the screen: the active whistles, the departments, the scoreboard. Read from the host
 * every 15 s while signed in (a department's report-in arrives over ingest, an escalation from the
 * host's own check) and at once after this console's own action.
 */
import { create } from 'zustand';
import type { WhistleCase, WhistleScoreboard, WhistleInput } from '../../../electron/common/whistle/contract.ts';
import type { PartOutcome } from '../../../data/model/whistle/index.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostCall } from '../../actions/hostCall.ts';

interface WhistleState {
  cases: WhistleCase[];
  board: WhistleScoreboard | null;
  departments: { id: number; name: string; kind: string }[];
  /** The incident the blow form is for (from the incident's detail, or picked). */
  draftIncidentId: string | null;
  visible: boolean;
  loadedAt: number;
}

export const useWhistleStore = create<WhistleState>(() => ({ cases: [], board: null, departments: [], draftIncidentId: null, visible: true, loadedAt: 0 }));

const DAY = 86_400_000;

export async function loadWhistles(): Promise<void> {
  const now = Date.now();
  const [cases, board] = await Promise.all([
    hostCall(() => getAppApi().whistle.listWhistles(now - DAY), null),
    hostCall(() => getAppApi().whistle.getScoreboard(now - 30 * DAY, now + 60_000), null),
  ]);
  // An unchanged answer keeps the old objects: a new array every 15 s made the map redraw its whole
  // scene each time (half a second of a software GPU, which delayed the next incident's marker).
  useWhistleStore.setState((s) => ({ cases: sameAs(s.cases, cases), board: sameAs(s.board, board), loadedAt: now }));
}

/** `next`, unless it is null (the call failed: keep what is shown) or equal in content to `current`. */
function sameAs<T>(current: T, next: T | null): T {
  if (next === null) return current;
  return JSON.stringify(next) === JSON.stringify(current) ? current : next;
}

let timer: ReturnType<typeof setInterval> | null = null;
export function followWhistles(): void {
  if (timer) return;
  void hostCall(() => getAppApi().whistle.listDepartments(), []).then((departments) => useWhistleStore.setState({ departments }));
  void loadWhistles();
  timer = setInterval(() => void loadWhistles(), 15_000);
}

export async function blowWhistle(input: WhistleInput): Promise<WhistleCase | null> {
  const c = await hostCall(() => getAppApi().whistle.blowWhistle(input), null);
  if (c) await loadWhistles();
  return c;
}

export async function markSummons(whistleId: string, departmentId: number, step: 'reported_in' | 'part_done', outcome: PartOutcome | null): Promise<void> {
  const c = await hostCall(() => getAppApi().whistle.recordSummonsStep(whistleId, departmentId, step, outcome, ''), null);
  if (c) await loadWhistles();
}

export async function rateDepartment(whistleId: string, departmentId: number, rating: number): Promise<void> {
  const c = await hostCall(() => getAppApi().whistle.rateDepartment(whistleId, departmentId, rating), null);
  if (c) await loadWhistles();
}

export const activeWhistleCount = (cases: readonly WhistleCase[]): number => cases.filter((c) => !c.done).length;
