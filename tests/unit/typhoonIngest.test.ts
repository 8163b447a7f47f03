/**
 * Live typhoon bulletins through the ingest API, registered as a feature module (data/feed and
 * data/store registries): a planning session runs on the latest bulletin, the older stays in
 * history, and a replayed bulletin changes nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { IngestService } from '../../electron/services/IngestService.ts';
import { readBulletinHistory, readCurrentForecasts, readStormTrack } from '../../data/store/typhoon/readTracks.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const H = 3600_000;
const at = (ms: number): string => new Date(ms).toISOString();

describe('typhoon bulletins over ingest', () => {
  it('a fix and two bulletins: the newer is current, both are in history, a replay is a duplicate', async () => {
    const store = await DuckDbStore.open(tmp.path('typhoon.duckdb'), { create: true });
    const ingest = new IngestService(store);
    const t0 = Date.now() - 6 * H;
    const fix = { id: 'cma-1909-fix-1', type: 'typhoon.fix', ts: at(t0), source: 'cma-nmc', data: { agency: 'CMA', stormNumber: '1909', name: 'LEKIMA', nameZh: '利奇马', position: { lon: 123.1, lat: 26.2 }, pressureHpa: 930, maxWindMs: 52, radii: { r7: { ne: 380, se: 380, sw: 350, nw: 280 } } } };
    const bulletin = (id: string, issued: number, lon: number) => ({
      id, type: 'typhoon.forecast', ts: at(issued), source: 'cma-nmc',
      data: { agency: 'CMA', stormNumber: '1909', points: [12, 24, 48].map((lead, i) => ({ leadHours: lead, position: { lon: lon - i * 0.6, lat: 27 + i * 0.9 }, pressureHpa: 935 + i * 10, maxWindMs: 50 - i * 8, radii: { r7: { ne: 360, se: 340, sw: 300, nw: 280 }, r10: { ne: 120, se: 110, sw: 100, nw: 90 } } })) },
    });
    const first = await ingest.ingestText([fix, bulletin('cma-1909-b1', t0, 122.6)].map((e) => JSON.stringify(e)).join('\n'), 'http');
    expect(first).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const second = await ingest.ingestText(JSON.stringify(bulletin('cma-1909-b2', t0 + 3 * H, 122.0)), 'http');
    expect(second.accepted).toBe(1);
    const replay = await ingest.ingestText(JSON.stringify(bulletin('cma-1909-b1', t0, 122.6)), 'http');
    expect(replay).toEqual({ accepted: 0, duplicates: 1, rejected: [] });

    const track = await readStormTrack(store, 'CMA:1909');
    expect(track?.fixes).toHaveLength(1);
    expect(track?.fixes[0]).toMatchObject({ pressureHpa: 930, maxWindMs: 52 });
    const current = await readCurrentForecasts(store, 'CMA:1909');
    expect(current).toHaveLength(1);
    expect(current[0]!.issuedUtcMs).toBe(t0 + 3 * H);
    expect(current[0]!.points[0]!.lon).toBeCloseTo(122.0, 5);
    // A bulletin's wind circles per forecast point come through (the deepest event there is).
    expect(JSON.stringify(current[0]!.points[0])).toContain('360');
    expect(await readBulletinHistory(store, 'CMA:1909')).toHaveLength(2);
    store.close();
  });

  it('a malformed bulletin is rejected with the field, and the rest of the request commits', async () => {
    const store = await DuckDbStore.open(tmp.path('typhoon-bad.duckdb'), { create: true });
    const ingest = new IngestService(store);
    const ts = at(Date.now() - H);
    const bad = { id: 'bad-1', type: 'typhoon.forecast', ts, source: 'x', data: { agency: 'CMA', stormNumber: '1909', points: [{ leadHours: 12, position: { lon: 500, lat: 27 } }] } };
    const good = { id: 'good-1', type: 'typhoon.fix', ts, source: 'x', data: { agency: 'CMA', stormNumber: '1909', position: { lon: 123, lat: 26 } } };
    const r = await ingest.ingestText([bad, good].map((e) => JSON.stringify(e)).join('\n'), 'http');
    expect(r.accepted).toBe(1);
    expect(r.rejected[0]!.reason).toMatch(/data\.points\.0\.position\.lon/);
    store.close();
  });
});
