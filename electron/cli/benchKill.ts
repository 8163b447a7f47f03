/**
 * The kill -9 loop (bench section `durability`): N runs of — start a host on a twin, three
 * producers stream unique events (HTTP NDJSON, WebSocket batches, HTTP JSON arrays) and note every
 * id the host acknowledged, SIGKILL the host at a random moment, open the twin again and count
 * acknowledged ids missing from the store and events stored twice. A producer resends the batch
 * that was in flight at the kill when the next host is up (at least once, as real producers do),
 * so a replay of something committed-but-not-acknowledged is part of every run.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import type { BenchRow } from './benchLive.ts';
import { createScratchTwin, HostProcess, ingestHeaders, provisionAccess, type HostAccess } from './fuzz/hostProcess.ts';
import { Rng } from './fuzz/rng.ts';
import type { ProgressFn } from './progress.ts';

const LON = 121.42;
const LAT = 28.38;

export interface KillLoopOptions {
  db: string;
  runs: number;
  seed: number;
  onProgress?: ProgressFn;
}

export interface KillRun {
  acknowledged: number;
  lost: number;
  duplicated: number;
  /** Events resent at the start of this run because their batch was in flight at the last kill. */
  resent: number;
  startMs: number;
  killAfterMs: number;
}

export interface KillLoopResult {
  runs: KillRun[];
  acknowledged: number;
  lost: number;
  duplicated: number;
  resent: number;
  /** Ids found missing, for the report (at most 20). */
  lostIds: string[];
  seconds: number;
}

/** One event of a kind chosen by its number, with a unique id (projections of every kind get rows). */
function event(id: string, n: number): Record<string, unknown> {
  const ts = new Date(Date.now() - 2000).toISOString();
  switch (n % 4) {
    case 0:
      return { id, type: 'resource.position', ts, source: 'kill-loop', data: { resourceId: n % 500, lon: LON + (n % 100) * 1e-5, lat: LAT, heading: 90, speed: 5, status: 'en_route' } };
    case 1:
      return { id, type: 'meter.reading', ts, source: 'kill-loop', data: { householdId: n % 5000, intervalMin: 60, waterL: 10, powerKwh: 0.5 } };
    case 2:
      return { id, type: 'sensor.reading', ts, source: 'kill-loop', data: { sensorId: `S${n % 50}`, kind: 'rain', value: 1.5, unit: 'mm' } };
    default:
      return { id, type: 'incident.reported', ts, source: 'kill-loop', data: { incidentId: `K-${id}`, category: 'garbage', severity: 2, lon: LON, lat: LAT, reporter: 'camera' } };
  }
}

interface Batch {
  ids: string[];
  body: string;
}

/**
 * A producer: sends batches until told to stop; `acked` gets the ids of every batch the host
 * acknowledged in full; `leftover` is the batch in flight when the host died (resent next run).
 */
interface Producer {
  name: string;
  leftover: Batch | null;
  run(url: string, access: HostAccess, acked: string[], stop: () => boolean, next: () => Batch): Promise<void>;
}

/** Every event of the batch committed: accepted or already stored (a resent batch). */
const allCommitted = (r: { accepted?: number; duplicates?: number; error?: unknown; refused?: unknown }, n: number): boolean =>
  r.error === undefined && r.refused === undefined && (r.accepted ?? 0) + (r.duplicates ?? 0) === n;

function httpProducer(name: string, contentType: string): Producer {
  const p: Producer = {
    name,
    leftover: null,
    async run(url, access, acked, stop, next) {
      while (!stop()) {
        const batch = p.leftover ?? next();
        p.leftover = batch;
        try {
          const res = await fetch(`${url}/api/v1/events`, { method: 'POST', headers: { 'content-type': contentType, ...ingestHeaders(access) }, body: batch.body });
          const r = (await res.json()) as { accepted?: number; duplicates?: number };
          if (res.status === 200 && allCommitted(r, batch.ids.length)) {
            acked.push(...batch.ids);
            p.leftover = null;
          }
        } catch {
          return; // the host is gone: the batch stays in `leftover`
        }
      }
    },
  };
  return p;
}

function wsProducer(): Producer {
  const p: Producer = {
    name: 'WebSocket',
    leftover: null,
    async run(url, access, acked, stop, next) {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/events/stream`, { headers: ingestHeaders(access) });
      ws.on('error', () => undefined);
      const opened = await new Promise<boolean>((ok) => {
        ws.once('open', () => ok(true));
        ws.once('close', () => ok(false));
      });
      if (!opened) return;
      // One batch at a time: what is unacknowledged at the kill is exactly `leftover`.
      while (!stop() && ws.readyState === ws.OPEN) {
        const batch = p.leftover ?? next();
        p.leftover = batch;
        const answer = await new Promise<unknown>((ok) => {
          const onMessage = (m: Buffer): void => {
            ws.off('close', onClose);
            try {
              ok(JSON.parse(m.toString()));
            } catch {
              ok(null);
            }
          };
          const onClose = (): void => {
            ws.off('message', onMessage);
            ok(null);
          };
          ws.once('message', onMessage);
          ws.once('close', onClose);
          ws.send(batch.body);
        });
        const r = answer as { ack?: unknown; accepted?: number; duplicates?: number } | null;
        if (r && allCommitted(r, batch.ids.length)) {
          acked.push(...batch.ids);
          p.leftover = null;
        }
      }
      ws.terminate();
    },
  };
  return p;
}

/** Ids as a file DuckDB reads, for set queries against the store. */
function idsFile(path: string, ids: string[]): string {
  writeFileSync(path, ids.map((id) => JSON.stringify({ id })).join('\n') + '\n');
  return `read_json('${path.replaceAll("'", "''")}', format = 'newline_delimited', columns = {id: 'VARCHAR'})`;
}

export async function runKillLoop(opts: KillLoopOptions): Promise<KillLoopResult> {
  const rng = new Rng(opts.seed);
  const work = `${opts.db}.kill-loop`;
  mkdirSync(work, { recursive: true });
  const access = await provisionAccess(opts.db);
  const producers = [httpProducer('HTTP NDJSON', 'application/x-ndjson'), wsProducer(), httpProducer('HTTP JSON array', 'application/json')];
  let serial = 0;
  const runs: KillRun[] = [];
  const lostIds: string[] = [];
  const t0 = performance.now();
  try {
    for (let r = 0; r < opts.runs; r++) {
      const sent: string[] = [];
      // Batches: NDJSON of 100, WebSocket `{batch, events}` of 50, JSON arrays of 20.
      const makers = [
        (): Batch => {
          const ids = Array.from({ length: 100 }, () => `k${opts.seed}-${r}-h-${++serial}`);
          sent.push(...ids);
          return { ids, body: ids.map((id, i) => JSON.stringify(event(id, serial + i))).join('\n') };
        },
        (): Batch => {
          const ids = Array.from({ length: 50 }, () => `k${opts.seed}-${r}-w-${++serial}`);
          sent.push(...ids);
          return { ids, body: JSON.stringify({ batch: `b-${serial}`, events: ids.map((id, i) => event(id, serial + i)) }) };
        },
        (): Batch => {
          const ids = Array.from({ length: 20 }, () => `k${opts.seed}-${r}-a-${++serial}`);
          sent.push(...ids);
          return { ids, body: JSON.stringify(ids.map((id, i) => event(id, serial + i))) };
        },
      ];
      const resentIds = producers.flatMap((p) => p.leftover?.ids ?? []);
      sent.push(...resentIds);
      const startAt = performance.now();
      const host = await HostProcess.start({ db: opts.db });
      const startMs = performance.now() - startAt;
      const acked: string[] = [];
      let stopped = false;
      const running = producers.map((p, i) => p.run(host.url, access, acked, () => stopped || !host.alive, makers[i]!));
      // Kill at a random moment once events are flowing (the first acknowledgement).
      const flowing = performance.now();
      while (acked.length === 0 && host.alive && performance.now() - flowing < 10_000) await new Promise((ok) => setTimeout(ok, 5));
      const killAfterMs = rng.int(50, 1000);
      await new Promise((ok) => setTimeout(ok, killAfterMs));
      await host.kill9();
      stopped = true;
      await Promise.all(running);
      // Open the twin as the next host would (replaying its log) and check every acknowledged id.
      const store = await DuckDbStore.open(opts.db);
      try {
        const ackedSet = idsFile(join(work, 'acked.ndjson'), acked);
        const missing = await store.all<{ id: string }>(`SELECT a.id FROM ${ackedSet} a WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = a.id)`);
        if (lostIds.length < 20) lostIds.push(...missing.slice(0, 20 - lostIds.length).map((m) => m.id));
        const sentSet = idsFile(join(work, 'sent.ndjson'), sent);
        // Stored twice: in the log, or in any table that keeps one row per event.
        const tables = (await store.all<{ t: string }>(`SELECT DISTINCT table_name AS t FROM information_schema.columns WHERE column_name = 'event_id' AND table_schema = 'main' AND table_name <> 'dead_letters'`)).map((x) => x.t);
        let duplicated = Number((await store.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM (SELECT id FROM events WHERE id IN (SELECT id FROM ${sentSet}) GROUP BY id HAVING count(*) > 1)`))!.n);
        for (const t of tables) {
          duplicated += Number((await store.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM (SELECT event_id FROM "${t}" WHERE event_id IN (SELECT id FROM ${sentSet}) GROUP BY event_id HAVING count(*) > 1)`))!.n);
        }
        runs.push({ acknowledged: acked.length, lost: missing.length, duplicated, resent: resentIds.length, startMs, killAfterMs });
      } finally {
        store.close();
      }
      opts.onProgress?.('kill -9 loop', r + 1, opts.runs);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const sum = (k: 'acknowledged' | 'lost' | 'duplicated' | 'resent'): number => runs.reduce((s, x) => s + x[k], 0);
  return { runs, acknowledged: sum('acknowledged'), lost: sum('lost'), duplicated: sum('duplicated'), resent: sum('resent'), lostIds, seconds: (performance.now() - t0) / 1000 };
}

/** The bench section: 200 runs (10 with --quick) on a scratch twin. */
export async function benchDurability(dir: string, quick: boolean, onProgress?: ProgressFn): Promise<BenchRow[]> {
  const db = join(dir, 'kill-loop.duckdb');
  await createScratchTwin(db, LON, LAT);
  const runs = quick ? 10 : 200;
  const r = await runKillLoop({ db, runs, seed: 1, onProgress });
  const starts = r.runs.map((x) => x.startMs).sort((a, b) => a - b);
  const withAcks = r.runs.filter((x) => x.acknowledged > 0).length;
  return [
    {
      name: `kill -9 loop: ${runs} runs × 3 producers (HTTP, WebSocket, HTTP)`,
      value: `acknowledged events lost: ${r.lost}, duplicated: ${r.duplicated}`,
      baseline: `${r.acknowledged.toLocaleString('en')} acknowledged`,
      target: 'lost 0, duplicated 0',
      pass: r.lost === 0 && r.duplicated === 0 && withAcks === runs,
    },
    {
      name: `  kill 50–1000 ms into the stream; in-flight batches resent to the next host`,
      value: `${r.resent.toLocaleString('en')} events resent`,
      baseline: `${withAcks}/${runs} runs acknowledged events`,
    },
    {
      name: `  host start after a kill (p50 · max), whole loop`,
      value: `${starts[Math.floor(starts.length / 2)]!.toFixed(0)} ms · ${starts.at(-1)!.toFixed(0)} ms`,
      baseline: `${r.seconds.toFixed(0)} s`,
    },
    ...(r.lostIds.length ? [{ name: '  lost ids (first)', value: r.lostIds.slice(0, 5).join(', ') }] : []),
  ];
}
