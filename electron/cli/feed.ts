/**
 * `civictwin feed`: run the simulator against a host, record what it sends, or replay a recording.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DEFAULT_SIMULATOR, FeedSimulator, type WireEvent } from '../services/simulator/FeedSimulator.ts';
import { SimulatorRunner } from '../services/simulator/runner.ts';
import { loadWorld } from '../services/simulator/world.ts';
import { createHostClient, postEvents } from './hostClient.ts';

export interface FeedOptions {
  target: string;
  rate: number;
  seed: number;
  record?: string;
  durationS?: number;
  /** Ingest token of this source (or CIVICTWIN_INGEST_TOKEN). */
  token?: string | null;
}

export async function runFeed(o: FeedOptions): Promise<void> {
  const client = createHostClient(o.target, o.token ?? null);
  const world = await loadWorld(client);
  console.log(`Simulating against ${o.target}: ${world.resources.length} resources, ${world.buildings.length} buildings, ${world.elderlyAloneHouseholds.length + world.otherHouseholds.length} metered households.`);
  // Units a person sent at the host's console (dispatch by kind): driven there, never sent elsewhere.
  let unitsOut: Awaited<ReturnType<typeof client.dispatch.getActiveDispatches>> = [];
  const sim = new FeedSimulator(world, { ...DEFAULT_SIMULATOR, seed: o.seed, maxFixesPerSecond: o.rate, runId: Date.now().toString(36), unitsOut: () => unitsOut });
  let accepted = 0;
  let rejected = 0;
  const runner = new SimulatorRunner(sim, {
    recordFile: o.record,
    sink: async (events) => {
      const r = await postEvents(o.target, events, o.token ?? null);
      accepted += r.accepted;
      rejected += r.rejected.length;
    },
    log: (l) => console.error(l),
    beforeStep: async () => {
      unitsOut = await client.dispatch.getActiveDispatches().catch(() => unitsOut);
    },
  });
  await runner.start();
  const status = setInterval(() => process.stderr.write(`\r  sent ${runner.sent} events · accepted ${accepted} · rejected ${rejected}   `), 1000);
  await new Promise<void>((ok) => {
    if (o.durationS) setTimeout(ok, o.durationS * 1000);
    process.once('SIGINT', () => ok());
  });
  clearInterval(status);
  runner.stop();
  console.log(`\nStopped: ${runner.sent} events sent, ${accepted} accepted, ${rejected} rejected${o.record ? `; recorded to ${o.record}` : ''}.`);
}

/**
 * Replays a recording: the original spacing divided by `speed`, timestamps shifted so the first
 * event is now, ids unchanged (a second replay into the same twin is all duplicates).
 */
export async function replayFeed(file: string, target: string, speed: number, token: string | null = null): Promise<void> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const start = Date.now();
  let t0: number | null = null;
  let batch: WireEvent[] = [];
  let batchDue = 0;
  let sent = 0;
  let accepted = 0;
  let duplicates = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const wait = batchDue - Date.now();
    if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
    const r = await postEvents(target, batch, token);
    sent += batch.length;
    accepted += r.accepted;
    duplicates += r.duplicates;
    batch = [];
  };
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    let e: WireEvent;
    try {
      e = JSON.parse(line) as WireEvent;
    } catch {
      console.error(`${file}:${lineNo}: not JSON, skipped`);
      continue;
    }
    const ts = Date.parse(e.ts);
    t0 ??= ts;
    const due = start + (ts - t0) / speed;
    if (batch.length > 0 && due - batchDue > 100) await flush();
    if (batch.length === 0) batchDue = due;
    batch.push({ ...e, ts: new Date(due).toISOString() });
    if (batch.length >= 500) await flush();
  }
  await flush();
  console.log(`Replayed ${sent} events from ${file} at ${speed}×: ${accepted} accepted, ${duplicates} duplicates.`);
}
