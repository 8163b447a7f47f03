/**
 * What changed since the previous briefing (pure): the key figures of two briefings compared, in
 * the order a commander reads them (the district's timing, the storm, then each grid, then the
 * plan). Times move by at least half an hour to count: a refit of the same bulletin moves
 * arrival times by minutes, which is noise on paper.
 */
import type { BriefFigures } from '../../../../electron/common/typhoon/brief.ts';

export type BriefChange =
  | { kind: 'time'; what: string; grid?: string; beforeMs: number | null; afterMs: number | null }
  | { kind: 'value'; what: string; grid?: string; before: string | number | null; after: string | number | null };

const HALF_HOUR = 30 * 60_000;

export function briefChanges(before: BriefFigures, after: BriefFigures): BriefChange[] {
  const out: BriefChange[] = [];
  const time = (what: string, a: number | null | undefined, b: number | null | undefined, grid?: string): void => {
    const x = a ?? null;
    const y = b ?? null;
    if (x === null && y === null) return;
    if (x !== null && y !== null && Math.abs(x - y) < HALF_HOUR) return;
    out.push({ kind: 'time', what, grid, beforeMs: x, afterMs: y });
  };
  const value = (what: string, a: string | number | null | undefined, b: string | number | null | undefined, grid?: string): void => {
    if ((a ?? null) === (b ?? null)) return;
    out.push({ kind: 'value', what, grid, before: a ?? null, after: b ?? null });
  };
  time('arrival7', before.arrival7UtcMs, after.arrival7UtcMs);
  time('arrival10', before.arrival10UtcMs, after.arrival10UtcMs);
  value('peak', before.peakForce, after.peakForce);
  time('landfall', before.landfallUtcMs, after.landfallUtcMs);
  value('landfallPlace', before.landfallPlace, after.landfallPlace);
  time('bulletin', before.forecastIssuedUtcMs, after.forecastIssuedUtcMs);
  const names = [...new Set([...Object.keys(before.grids ?? {}), ...Object.keys(after.grids ?? {})])];
  for (const g of names) {
    const a = before.grids?.[g];
    const b = after.grids?.[g];
    time('gale7', a?.arrival7UtcMs, b?.arrival7UtcMs, g);
    time('gale10', a?.arrival10UtcMs, b?.arrival10UtcMs, g);
    value('maxForce', a?.maxForce, b?.maxForce, g);
  }
  const pa = before.plan ?? null;
  const pb = after.plan ?? null;
  if (pa || pb) {
    for (const k of ['households', 'people', 'vulnerable', 'placed', 'unplaced'] as const) value(`plan.${k}`, pa?.[k], pb?.[k]);
    const shelters = [...new Set([...Object.keys(pa?.shelters ?? {}), ...Object.keys(pb?.shelters ?? {})])];
    for (const s of shelters) value('plan.shelter', pa?.shelters[s], pb?.shelters[s], s);
  }
  return out;
}
