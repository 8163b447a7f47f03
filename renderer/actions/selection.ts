/**
 * Keeps the detail store in step with the selection: the building panel and inspector data for
 * the selected building, the household card for the selected dwelling. Late answers for an
 * earlier selection are dropped.
 */
import { getAppApi } from '../bridge/appApi.ts';
import { useDetailStore } from '../state/detailStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { hostCall } from './hostCall.ts';
import { seesNoOneHere } from '../state/wallView.ts';

async function loadBuilding(id: number | null): Promise<void> {
  const api = getAppApi();
  if (id === null) {
    useDetailStore.setState({
      building: { id: null, loading: false, value: null },
      units: { id: null, loading: false, value: null },
      household: { id: null, loading: false, value: null },
    });
    return;
  }
  useDetailStore.setState({
    building: { id, loading: true, value: null },
    units: { id, loading: true, value: null },
    household: { id: null, loading: false, value: null },
  });
  const detail = hostCall(() => api.store.getBuildingDetail(id), null).then((value) => {
    if (useDetailStore.getState().building.id === id) useDetailStore.setState({ building: { id, loading: false, value } });
  });
  // A wall is sent no dwellings (the host refuses them): its inspector stays closed.
  const units = (seesNoOneHere() ? Promise.resolve(null) : hostCall(() => api.store.getBuildingUnits(id), null)).then((value) => {
    if (useDetailStore.getState().units.id === id) useDetailStore.setState({ units: { id, loading: false, value } });
  });
  await Promise.all([detail, units]);
}

async function loadHousehold(id: number | null): Promise<void> {
  if (id === null) {
    useDetailStore.setState({ household: { id: null, loading: false, value: null } });
    return;
  }
  useDetailStore.setState({ household: { id, loading: true, value: null } });
  const value = await hostCall(() => getAppApi().store.getHousehold(id), null);
  if (useDetailStore.getState().household.id === id) useDetailStore.setState({ household: { id, loading: false, value } });
}

/**
 * Shows the open household with names and phone numbers in full. The host writes the reveal,
 * with its reason and the signed-in person, to the audit log before it answers; a refusal (wall
 * view, no reason, the hourly limit reached: it says when the next is possible) is a toast.
 */
export async function revealHousehold(id: number, reason: string): Promise<boolean> {
  const value = await hostCall(() => getAppApi().store.revealHousehold(id, reason), null);
  if (!value || useDetailStore.getState().household.id !== id) return false;
  useDetailStore.setState({ household: { id, loading: false, value } });
  return true;
}

let started = false;
/** Starts following the selection (idempotent). */
export function followSelection(): void {
  if (started) return;
  started = true;
  useUiStore.subscribe((s, prev) => {
    if (s.selectedBuildingId !== prev.selectedBuildingId) void loadBuilding(s.selectedBuildingId);
    if (s.selectedHouseholdId !== prev.selectedHouseholdId) void loadHousehold(s.selectedHouseholdId);
  });
}
