/** The KPI dashboard's state: the period, its report, and the hot spots the map draws. */
import { create } from 'zustand';
import {
  presetPeriod,
  type Hotspot,
  type KpiPeriod,
  type KpiPreset,
  type KpiReport,
} from '../../../data/model/kpi/index.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostErrorText } from '../../actions/hostCall.ts';

interface KpiState {
  preset: KpiPreset | null;
  period: KpiPeriod | null;
  report: KpiReport | null;
  loading: boolean;
  error: string | null;
  /** Hot spots on the console's map (last 30 days), when switched on. */
  mapVisible: boolean;
  mapHotspots: Hotspot[];
}

export const useKpiStore = create<KpiState>(() => ({
  preset: null,
  period: null,
  report: null,
  loading: false,
  error: null,
  mapVisible: false,
  mapHotspots: [],
}));

let request = 0;
/** Asks the host for the period's report; a newer request wins over an older one still running. */
export async function loadReport(period: KpiPeriod, preset: KpiPreset | null): Promise<void> {
  const mine = ++request;
  useKpiStore.setState({ period, preset, loading: true, error: null });
  try {
    const report = await getAppApi().kpi.getReport(period);
    if (mine === request) useKpiStore.setState({ report, loading: false });
  } catch (err) {
    if (mine === request) useKpiStore.setState({ loading: false, error: hostErrorText(err) });
  }
}

export function loadPreset(preset: KpiPreset): Promise<void> {
  return loadReport(presetPeriod(preset, Date.now()), preset);
}

/** Switches the map's hot-spot layer; switching it on reads the last 30 days. */
export async function showHotspotsOnMap(visible: boolean): Promise<void> {
  useKpiStore.setState({ mapVisible: visible });
  if (!visible) return;
  try {
    const report = await getAppApi().kpi.getReport(presetPeriod('30d', Date.now()));
    useKpiStore.setState({ mapHotspots: report.hotspotMap });
  } catch (err) {
    useKpiStore.setState({ error: hostErrorText(err) });
  }
}
