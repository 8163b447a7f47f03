/** Helpers for the feature modules' timeline rows (TimelineTrackDef): counts per clock hour over the time bar's span. */
import type { Rgb } from '../views/map/layers/buildingColours.ts';
import type { TimelineMarks, TimelineSpan, TimelineTrackDef } from './feature.ts';

export const HOUR_MS = 3600_000;

/**
 * Bars of how many of `times` fall in each clock hour of the span up to now (the past only);
 * null when none does, so an empty row is left out.
 */
export function hourlyBars(times: Iterable<number>, span: TimelineSpan, colour: Rgb): TimelineMarks | null {
  const end = Math.min(span.toMs, span.nowMs);
  if (!(end > span.fromMs)) return null;
  const first = Math.floor(span.fromMs / HOUR_MS) * HOUR_MS;
  const n = Math.ceil((end - first) / HOUR_MS);
  const counts = new Array<number>(n).fill(0);
  let any = false;
  for (const t of times) {
    if (!(t >= span.fromMs && t <= end)) continue;
    counts[Math.min(n - 1, Math.floor((t - first) / HOUR_MS))]!++;
    any = true;
  }
  if (!any) return null;
  return {
    kind: 'bars',
    colour,
    bins: counts.map((value, i) => ({ fromMs: Math.max(span.fromMs, first + i * HOUR_MS), toMs: Math.min(end, first + (i + 1) * HOUR_MS), value })),
  };
}

/** The rows with something to show over the span, in the registry's order. */
export function buildRows(defs: readonly TimelineTrackDef[], fromMs: number, toMs: number, nowMs: number): { def: TimelineTrackDef; marks: TimelineMarks }[] {
  return defs.flatMap((def) => {
    const marks = def.build({ fromMs, toMs, nowMs });
    return marks ? [{ def, marks }] : [];
  });
}

