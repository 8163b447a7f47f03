/** The time bar's incidents row: incidents reported per hour over the past of the bar. */
import { useLiveStore } from '../../state/liveStore.ts';
import type { TimelineTrackDef } from '../feature.ts';
import { hourlyBars } from '../timelineMarks.ts';

export const incidentsTrack: TimelineTrackDef = {
  id: 'incidents',
  labelKey: 'incidents.timelineTrack',
  subscribe(onChange) {
    return useLiveStore.subscribe((s, prev) => {
      if (s.incidents !== prev.incidents) onChange();
    });
  },
  build(span) {
    return hourlyBars(
      Object.values(useLiveStore.getState().incidents).map((i) => i.reportedAt),
      span,
      [255, 140, 60],
    );
  },
};
