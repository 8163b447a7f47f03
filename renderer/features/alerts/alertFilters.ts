/**
 * The alert list's filters (kind, vulnerable group, grid, age) and the alerts ticked for a bulk
 * acknowledgement. The list and its keyboard commands read the same filtered order from here.
 */
import type { MeterAlert } from '../../../electron/common/dto.ts';
import { CareFlag, METER_ANOMALY_KINDS, type CareFlagName, type MeterAnomalyKind } from '../../../data/model/domain.ts';
import { createStore } from '../../state/createStore.ts';

export const ALERT_AGES = ['lt1h', 'lt24h', 'gt24h'] as const;
export type AlertAge = (typeof ALERT_AGES)[number];
export const ALERT_GROUPS = Object.keys(CareFlag) as CareFlagName[];

export interface AlertFilters {
  kind: MeterAnomalyKind | 'all';
  group: CareFlagName | 'all';
  /** A grid's area id, `none` for alerts whose building has no grid. */
  grid: string;
  age: AlertAge | 'all';
}

export interface AlertFilterState extends AlertFilters {
  /** Ticked for a bulk acknowledgement. */
  checked: Record<string, true>;
}

export const NO_FILTERS: AlertFilters = { kind: 'all', group: 'all', grid: 'all', age: 'all' };

export const useAlertFilters = createStore<AlertFilterState>()(() => ({ ...NO_FILTERS, checked: {} }));

export const setAlertFilter = (patch: Partial<AlertFilters>): void => useAlertFilters.setState(patch);
export const clearAlertFilters = (): void => useAlertFilters.setState({ ...NO_FILTERS });
export const toggleChecked = (id: string): void =>
  useAlertFilters.setState((s) => {
    const checked = { ...s.checked };
    if (checked[id]) delete checked[id];
    else checked[id] = true;
    return { checked };
  });
export const setChecked = (ids: readonly string[]): void => useAlertFilters.setState({ checked: Object.fromEntries(ids.map((id) => [id, true as const])) });

/** A care flag's bits on an alert (an alert from before `careFlags` knows only living alone). */
const careOf = (a: MeterAlert): number => a.careFlags ?? (a.elderlyAlone ? CareFlag.ElderlyAlone : 0);

const AGE_MS = { lt1h: 3600_000, lt24h: 86_400_000 } as const;

export function matchesFilters(a: MeterAlert, f: AlertFilters, nowMs: number): boolean {
  if (f.kind !== 'all' && a.kind !== f.kind) return false;
  if (f.group !== 'all' && (careOf(a) & CareFlag[f.group]) === 0) return false;
  if (f.grid !== 'all' && String(a.gridId ?? 'none') !== f.grid) return false;
  if (f.age !== 'all') {
    const age = nowMs - a.raisedAt;
    if (f.age === 'gt24h' ? age <= AGE_MS.lt24h : age > AGE_MS[f.age]) return false;
  }
  return true;
}

export const filtersActive = (f: AlertFilters): boolean => f.kind !== 'all' || f.group !== 'all' || f.grid !== 'all' || f.age !== 'all';

/** The grids the alerts are in, by name, for the grid filter's choices. */
export function alertGrids(alerts: readonly MeterAlert[]): { id: string; name: string | null }[] {
  const grids = new Map<string, string | null>();
  for (const a of alerts) grids.set(String(a.gridId ?? 'none'), a.gridName ?? null);
  return [...grids].map(([id, name]) => ({ id, name })).sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff', 'zh-CN'));
}

export { METER_ANOMALY_KINDS };
