/** The time bar's meter-alert row: alerts raised per hour (those the console holds: open and acknowledged). A wall, told counts only, has no row. */
import { useLiveStore } from '../../state/liveStore.ts';
import type { TimelineTrackDef } from '../feature.ts';
import { hourlyBars } from '../timelineMarks.ts';

export const alertsTrack: TimelineTrackDef = {
  id: 'alerts',
  labelKey: 'alerts.timelineTrack',
  subscribe(onChange) {
    return useLiveStore.subscribe((s, prev) => {
      if (s.alerts !== prev.alerts) onChange();
    });
  },
  build(span) {
    return hourlyBars(
      Object.values(useLiveStore.getState().alerts).map((a) => a.raisedAt),
      span,
      [92, 200, 255],
    );
  },
};
