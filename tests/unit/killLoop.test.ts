/**
 * The kill -9 loop (bench section `durability`) in small: a real host process is killed with
 * SIGKILL while three producers (HTTP NDJSON, WebSocket, HTTP JSON arrays) stream events; after
 * each kill the twin is opened again and every acknowledged id must be there, none stored twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runKillLoop } from '../../electron/cli/benchKill.ts';
import { createScratchTwin } from '../../electron/cli/fuzz/hostProcess.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir('civictwin-kill-');
afterAll(() => tmp.cleanup());

describe('kill -9 loop', () => {
  it('4 runs × 3 producers: no acknowledged event lost, none duplicated, in-flight batches resent', async () => {
    const db = tmp.path('kill.duckdb');
    await createScratchTwin(db);
    const r = await runKillLoop({ db, runs: 4, seed: 3 });
    expect(r.lostIds).toEqual([]);
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    // Every run streamed (the kill came while events were flowing), and producers resent what
    // was in flight at a kill to the next host.
    for (const run of r.runs) expect(run.acknowledged).toBeGreaterThan(0);
    expect(r.resent).toBeGreaterThan(0);
  }, 180_000);
});
