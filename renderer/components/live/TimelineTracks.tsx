/**
 * Thin rows under the time bar's scrubber, one per feature module's track (TIMELINE_TRACK_DEFS):
 * incidents reported per hour, a storm's warning signal hour by hour… A row with nothing to show
 * in the span is left out, so an idle console's bar looks as before.
 */
import { useMemo, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { TIMELINE_TRACK_DEFS } from '../../features/registry.ts';
import { buildRows } from '../../features/timelineMarks.ts';
import { rgbCss } from '../../views/map/layers/buildingColours.ts';
import './timelineTracks.css';

/** Height of a row and the gap between rows, px (the bar's CSS reads the total). */
export const TRACK_ROW_PX = 6;
export const TRACK_GAP_PX = 2;

let version = 0;
const listeners = new Set<() => void>();
let offDefs: (() => void)[] = [];
function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) {
    offDefs = TIMELINE_TRACK_DEFS.map((d) =>
      d.subscribe(() => {
        version++;
        for (const l of listeners) l();
      }),
    );
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      for (const off of offDefs) off();
      offDefs = [];
    }
  };
}

/** Total height of `n` rows with the gap above each, px. */
export const rowsHeight = (n: number): number => n * (TRACK_ROW_PX + TRACK_GAP_PX);

/** The rows' element (null without rows) and their height, for the time bar. */
export function useTimelineRows(fromMs: number, toMs: number, nowMs: number): { rows: React.JSX.Element | null; height: number } {
  const { t } = useTranslation();
  const v = useSyncExternalStore(subscribe, () => version);
  // The span moves every second with now: rebuild on a minute's move, or when a track's data changed.
  const minute = (ms: number): number => Math.floor(ms / 60_000);
  const fromKey = minute(fromMs);
  const toKey = minute(toMs);
  const nowKey = minute(nowMs);
  const rows = useMemo(() => buildRows(TIMELINE_TRACK_DEFS, fromMs, toMs, nowMs), [v, fromKey, toKey, nowKey]);
  if (rows.length === 0) return { rows: null, height: 0 };
  const span = Math.max(1, toMs - fromMs);
  const pct = (ms: number): string => `${(100 * (ms - fromMs)) / span}%`;
  const width = (a: number, b: number): string => `${(100 * Math.max(0, b - a)) / span}%`;
  return {
    height: rowsHeight(rows.length),
    rows: (
      <div className="timeline-rows" data-testid="timeline-rows">
        {rows.map(({ def, marks }) => (
          <div key={def.id} className="timeline-row" data-testid={`timeline-row-${def.id}`} title={t(def.labelKey)} aria-label={t(def.labelKey)} role="img">
            {marks.kind === 'bars'
              ? (() => {
                  const max = Math.max(1, ...marks.bins.map((b) => b.value));
                  return marks.bins.map((b) =>
                    b.value > 0 ? (
                      <span
                        key={b.fromMs}
                        className="row-bar"
                        data-value={b.value}
                        style={{ left: pct(b.fromMs), width: width(b.fromMs, b.toMs), height: `${Math.max(25, (100 * b.value) / max)}%`, background: rgbCss(marks.colour) }}
                      />
                    ) : null,
                  );
                })()
              : marks.bands.map((b) => (
                  <span
                    key={b.fromMs}
                    className="row-band"
                    data-label={b.labelKey}
                    title={`${t(def.labelKey)}: ${t(b.labelKey)}`}
                    style={{ left: pct(b.fromMs), width: width(b.fromMs, b.toMs), background: rgbCss(b.colour) }}
                  />
                ))}
          </div>
        ))}
      </div>
    ),
  };
}
