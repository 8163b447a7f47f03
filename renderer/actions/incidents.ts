/**
 * Incident commands from the console: choose one (the map flies to it), accept, dispatch,
 * reassign and close it. Each action is an event at the host (`incidents.actOnIncident`); the answer is
 * applied at once and the push confirms it. Host errors become toasts.
 */
import type { DispatchOption, IncidentAction, IncidentDetail } from '../../electron/common/dto.ts';
import { getAppApi } from '../bridge/appApi.ts';
import { hostCall } from './hostCall.ts';
import { flyToPoint } from './camera.ts';
import { selectIncidentId } from '../state/uiStore.ts';
import { useLiveStore } from '../state/liveStore.ts';

export function selectIncident(id: string | null): void {
  selectIncidentId(id);
  const inc = id === null ? undefined : useLiveStore.getState().incidents[id];
  if (inc) flyToPoint(inc.lon, inc.lat);
}

function applyIncident(d: IncidentDetail | null): void {
  if (!d || useLiveStore.getState().mode !== 'live') return;
  // The detail carries the steps too; the store keeps the `Incident` part.
  const { steps: _steps, ...incident } = d;
  useLiveStore.setState((s) => {
    const cur = s.incidents[d.id];
    if (cur && cur.updatedAt > incident.updatedAt) return s;
    return { incidents: { ...s.incidents, [d.id]: incident }, version: s.version + 1 };
  });
}

/** The host records the signed-in person as the one who acted. */
export async function actOnIncident(id: string, action: IncidentAction): Promise<IncidentDetail | null> {
  const d = await hostCall(() => getAppApi().incidents.actOnIncident(id, action), null);
  applyIncident(d);
  return d;
}

export const fetchIncident = (id: string): Promise<IncidentDetail | null> => hostCall(() => getAppApi().incidents.getIncident(id), null);
export const proposeDispatch = (id: string): Promise<DispatchOption[]> => hostCall(() => getAppApi().incidents.proposeDispatch(id), []);
