/**
 * The compressed soak, short (issue 12, kiosk: memory stays flat): `civictwin soak` for 2
 * simulated hours at 60× (2 min): a wall page against a host in its own process whose feed
 * replays the street's last two hours through ingest; the page's JS heap after GC and the host's,
 * renderer's and GPU process's RSS sampled; no series may grow (electron/cli/soak.ts states the
 * fit and the tolerances). The full 24 h run: `civictwin soak --hours 24 --speed 60` (24 min).
 */
import { describe, expect, it } from 'vitest';
import { formatSoak, runSoak } from '../../electron/cli/soak.ts';

describe('a wall fed at 60× for two simulated hours', () => {
  it('keeps its heap and its processes’ memory flat', async () => {
    const o = { hours: 2, speed: 60, sampleS: 3, buildings: 300 };
    const r = await runSoak({ ...o, log: () => undefined });
    for (const line of formatSoak(r, o)) console.log(line);
    expect(r.events.accepted).toBeGreaterThan(1000);
    expect(r.events.rejected).toBe(0);
    expect(r.samples.length).toBeGreaterThanOrEqual(5);
    expect(r.samples.every((s) => s.heapMb > 0 && s.hostRssMb > 0 && s.rendererRssMb > 0)).toBe(true);
    expect(r.trends.filter((t) => t.grows).map((t) => t.label)).toEqual([]);
    expect(r.pass).toBe(true);
  }, 900_000);
});
