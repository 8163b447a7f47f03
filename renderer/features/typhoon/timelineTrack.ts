/**
 * The time bar's typhoon row: the warning signal the district is under, hour by hour, for the
 * storm being planned for (typhoon.getDistrictWind's signals, placed on the player's clock: a
 * rehearsal's hours are shifted with its storm). Blue, yellow, orange, red as the signals are.
 */
import type { DistrictWind } from '../../../electron/common/typhoon/contract.ts';
import type { Rgb } from '../../views/map/layers/buildingColours.ts';
import type { TimelineMarks, TimelineSpan, TimelineTrackDef } from '../feature.ts';
import { toPlayer, useTyphoonStore } from './store.ts';

const SIGNALS = ['none', 'blue', 'yellow', 'orange', 'red'] as const;
/** The CMA signal colours (as the typhoon tab's signal chip). */
export const SIGNAL_COLOURS: Record<(typeof SIGNALS)[number], Rgb> = {
  none: [0, 0, 0],
  blue: [31, 111, 214],
  yellow: [242, 196, 15],
  orange: [245, 124, 31],
  red: [224, 38, 47],
};

/** Bands of equal signal (above none) over the span; null when the storm raises none there. */
export function signalBands(wind: DistrictWind, shiftMs: number, span: TimelineSpan): TimelineMarks | null {
  const bands: Extract<TimelineMarks, { kind: 'bands' }>['bands'] = [];
  for (let h = 0; h < wind.hours; h++) {
    const level = wind.signal[h] ?? 0;
    if (level <= 0) continue;
    const from = Math.max(span.fromMs, toPlayer(wind.startUtcMs + h * wind.stepMs, shiftMs));
    const to = Math.min(span.toMs, toPlayer(wind.startUtcMs + (h + 1) * wind.stepMs, shiftMs));
    if (to <= from) continue;
    const name = SIGNALS[Math.min(4, level)]!;
    const prev = bands[bands.length - 1];
    if (prev && prev.labelKey === `typhoon.signal.${name}` && prev.toMs >= from) prev.toMs = to;
    else bands.push({ fromMs: from, toMs: to, colour: SIGNAL_COLOURS[name], labelKey: `typhoon.signal.${name}` });
  }
  return bands.length > 0 ? { kind: 'bands', bands } : null;
}

export const signalTrack: TimelineTrackDef = {
  id: 'typhoonSignal',
  labelKey: 'typhoon.colourBy.signalTrack',
  subscribe(onChange) {
    return useTyphoonStore.subscribe((s, prev) => {
      if (s.wind !== prev.wind || s.shiftMs !== prev.shiftMs) onChange();
    });
  },
  build(span) {
    const { wind, shiftMs } = useTyphoonStore.getState();
    return wind ? signalBands(wind, shiftMs, span) : null;
  },
};
