/** 积分制's state: the page's period and figures, and the last year's participation for the map's colour-by. */
import { create } from 'zustand';
import {
  parsePointsPeriod,
  pointsPresetPeriod,
  type Participation,
  type PointsPeriod,
  type PointsPreset,
  type Redemptions,
  type Trend,
  type WhoTakesPart,
} from '../../../data/model/points/index.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostErrorText } from '../../actions/hostCall.ts';

export interface PointsReport {
  participation: Participation;
  trend: Trend;
  who: WhoTakesPart;
  shops: Redemptions;
}

interface PointsState {
  preset: PointsPreset | null;
  period: PointsPeriod | null;
  report: PointsReport | null;
  loading: boolean;
  error: string | null;
  /** The colour-by channel's figures (last year), loaded when the channel is first chosen. */
  heat: Participation | null;
  heatState: 'idle' | 'loading' | 'ready' | 'failed';
  heatError: string | null;
}

export const usePointsStore = create<PointsState>(() => ({
  preset: null,
  period: null,
  report: null,
  loading: false,
  error: null,
  heat: null,
  heatState: 'idle',
  heatError: null,
}));

let request = 0;
/** Asks the host for the period's figures; a newer request wins over an older one still running. */
export async function loadPointsReport(period: PointsPeriod, preset: PointsPreset | null): Promise<void> {
  const mine = ++request;
  usePointsStore.setState({ period, preset, loading: true, error: null });
  try {
    const api = getAppApi().points;
    const [participation, trend, who, shops] = await Promise.all([api.getParticipation(period), api.getTrend(period), api.getWhoTakesPart(period), api.getRedemptions(period)]);
    if (mine === request) usePointsStore.setState({ report: { participation, trend, who, shops }, loading: false });
  } catch (err) {
    if (mine === request) usePointsStore.setState({ loading: false, error: hostErrorText(err) });
  }
}

/** The page's fragment value (`365d`, `<fromMs>-<toMs>`). */
export function loadPointsFrom(value: string): Promise<void> {
  const { period, preset } = parsePointsPeriod(value, Date.now());
  return loadPointsReport(period, preset);
}

/** Loads the heat map's figures once (again after a failure). */
export function ensureHeat(): void {
  const s = usePointsStore.getState();
  if (s.heatState === 'loading' || s.heatState === 'ready') return;
  usePointsStore.setState({ heatState: 'loading', heatError: null });
  getAppApi()
    .points.getParticipation(pointsPresetPeriod('365d', Date.now()))
    .then((heat) => usePointsStore.setState({ heat, heatState: 'ready' }))
    .catch((err: unknown) => usePointsStore.setState({ heatState: 'failed', heatError: hostErrorText(err) }));
}
