import { describe, expect, it } from 'vitest';
import { PositionBuffer } from '../../renderer/sources/positionBuffer.ts';
import type { ResourcePositions } from '../../electron/common/dto.ts';

/** One fix per resource, as the host pushes them. */
function fixes(rows: { id: number; speed: number; tsMs: number }[]): ResourcePositions {
  const n = rows.length;
  return {
    count: n,
    resourceId: Int32Array.from(rows.map((r) => r.id)),
    lon: Float64Array.from(rows.map(() => 121.42)),
    lat: Float64Array.from(rows.map(() => 28.38)),
    heading: new Float32Array(n),
    speed: Float32Array.from(rows.map((r) => r.speed)),
    status: new Uint8Array(n),
    tsMs: Float64Array.from(rows.map((r) => r.tsMs)),
  };
}

describe('resource staleness (faded marker, "last seen", the not-reporting count)', () => {
  it('is overdue after twice the reporting interval when moving, after two minutes when parked', () => {
    const now = Date.parse('2026-11-25T08:00:00Z');
    const buf = new PositionBuffer();
    buf.setResources([
      { id: 1, kind: 'ambulance', callsign: 'A1', expectedIntervalS: 5 },
      { id: 2, kind: 'ambulance', callsign: 'A2', expectedIntervalS: 5 },
      { id: 3, kind: 'ambulance', callsign: 'A3', expectedIntervalS: 5 },
      { id: 4, kind: 'ambulance', callsign: 'A4', expectedIntervalS: 5 },
    ]);
    buf.apply(
      fixes([
        { id: 1, speed: 9, tsMs: now - 8_000 }, // moving, within 2 × 5 s
        { id: 2, speed: 9, tsMs: now - 12_000 }, // moving, late
        { id: 3, speed: 0, tsMs: now - 90_000 }, // parked, within 2 × 60 s
        { id: 4, speed: 0, tsMs: now - 150_000 }, // parked, late
      ]),
      { nowPerf: 0, durationMs: 0 },
    );
    const overdue = [1, 2, 3, 4].map((id) => buf.isOverdue(buf.slotOfId(id)!, now));
    expect(overdue).toEqual([false, true, false, true]);
  });
});
