/**
 * Runs the feed simulator on the wall clock: one step a second, events to a sink (the in-process
 * ingest, or a host over HTTP), optionally recorded as NDJSON for `civictwin feed --replay`.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { type FeedSimulator, type WireEvent } from './FeedSimulator.ts';

export type EventSink = (events: WireEvent[]) => Promise<unknown>;

export interface RunnerOptions {
  sink: EventSink;
  recordFile?: string;
  tickMs?: number;
  log?: (line: string) => void;
  /** Runs before each step (reads what the simulated world must follow, e.g. units a person sent). */
  beforeStep?: () => Promise<void>;
}

export class SimulatorRunner {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  public sent = 0;

  public constructor(
    private readonly sim: FeedSimulator,
    private readonly options: RunnerOptions,
  ) {
    if (options.recordFile) writeFileSync(options.recordFile, '');
  }

  /**
   * Sends the meter backfill (unless the past was already written with `fastForward`), then steps
   * every tick until stopped.
   */
  public async start(options: { backfill?: boolean } = {}): Promise<void> {
    if (options.backfill !== false) await this.send(this.sim.backfill(Date.now()));
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 1000);
  }

  private async tick(): Promise<void> {
    if (this.busy) return; // a slow sink skips a tick rather than piling up
    this.busy = true;
    try {
      await this.options.beforeStep?.();
      await this.send(this.sim.step(Date.now()));
    } catch (err) {
      this.options.log?.(`simulator: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  private async send(events: WireEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.options.recordFile) appendFileSync(this.options.recordFile, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    await this.options.sink(events);
    this.sent += events.length;
  }

  public stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
