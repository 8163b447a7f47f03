/**
 * Keeps the host under fuzz observed: notices when its process dies, saves the inputs that were in
 * flight (the suspects) to files, restarts it (and says so), tells a crash loop from a crash, and
 * can replay each suspect alone to name the one that kills it. Health is checked every K inputs
 * and every few seconds: a 200 from GET /api/health within a second, from a live process.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Broker, healthy, HostProcess, provisionAccess, signIn, type HostAccess, type HostExit, type HostSession } from './hostProcess.ts';
import type { FuzzTransport } from './types.ts';

export type { FuzzTransport } from './types.ts';

/** One input as sent, enough to save it and to send it again on its own. */
export interface SentCase {
  transport: FuzzTransport;
  name: string;
  bytes: Buffer;
  /** How it was sent: method and path, WebSocket path, MQTT topic… */
  meta: Record<string, unknown>;
  /** Sends the same input again, alone, on a fresh connection. */
  replay: () => Promise<void>;
}

export interface CrashRecord {
  n: number;
  transport: FuzzTransport;
  atInput: number;
  exit: HostExit | null;
  logTail: string;
  folder: string;
  suspects: string[];
  /** The suspect that killed the host again when replayed alone, if one did. */
  reproducedBy: string | null;
  /** The host died again at restart without any new input (an MQTT message redelivered). */
  crashLoop: boolean;
}

export interface SupervisorOptions {
  target?: string;
  db?: string;
  mqtt?: string;
  /** Tokens for a --target host (the fuzzer makes its own for a host it starts). */
  access?: HostAccess;
  outDir: string;
  maxCrashes: number;
  /** Replay suspects alone after a crash to find the one that did it. */
  confirm: boolean;
  log: (line: string) => void;
}

export class Supervisor {
  public host: HostProcess | null = null;
  public broker: Broker | null = null;
  public baseUrl = '';
  public port = 0;
  public mqttUrl: string | null = null;
  public access: HostAccess = { ingestToken: null, wallToken: null };
  /** A wall session (for /api/v1/live and contract calls), renewed at every restart. */
  public session: HostSession | null = null;
  public readonly crashes: CrashRecord[] = [];
  public healthChecks = 0;
  public healthFailures = 0;
  public readonly healthFailureNotes: string[] = [];
  /** Set when the run must end (too many crashes, a target host that is gone). */
  public stopped: string | null = null;
  public transport: FuzzTransport = 'http';
  public inputs = 0;
  private readonly options: SupervisorOptions;
  private readonly inFlight = new Set<SentCase>();
  private readonly recent: SentCase[] = [];
  private restarting: Promise<void> | null = null;
  private stopping = false;
  private checking: Promise<boolean> | null = null;
  private replaying = false;

  public constructor(options: SupervisorOptions) {
    this.options = options;
  }

  public get ownsHost(): boolean {
    return this.options.db !== undefined;
  }

  public async start(withMqtt: boolean): Promise<void> {
    if (this.options.target) {
      this.baseUrl = this.options.target.replace(/\/+$/, '');
      this.port = Number(new URL(this.baseUrl).port || 80);
      this.mqttUrl = this.options.mqtt ?? null;
      if (!(await healthy(this.baseUrl, 5000))) throw new Error(`${this.baseUrl}/api/health does not answer 200: is the host running there?`);
      this.access = this.options.access ?? this.access;
      this.session = await signIn(this.baseUrl, this.access);
      return;
    }
    this.access = await provisionAccess(this.options.db!);
    if (withMqtt) {
      if (this.options.mqtt) this.mqttUrl = this.options.mqtt;
      else {
        this.broker = await Broker.start();
        this.mqttUrl = this.broker.url;
      }
    }
    await this.launch();
  }

  /** Stops the host cleanly (so its store is closed) and the broker this run started. */
  public async close(): Promise<void> {
    this.stopping = true;
    await this.restarting?.catch(() => undefined);
    await this.host?.stop();
    await this.broker?.stop();
  }

  public track(c: SentCase): void {
    this.inFlight.add(c);
  }

  public done(c: SentCase): void {
    this.inFlight.delete(c);
    this.recent.push(c);
    if (this.recent.length > 6) this.recent.shift();
  }

  /** Resolves when the host is up (after a restart in progress, if any). */
  public ready(): Promise<void> {
    return this.restarting ?? Promise.resolve();
  }

  public get alive(): boolean {
    return this.options.target ? this.stopped === null : Boolean(this.host?.alive);
  }

  /**
   * After a request failed: if the host process died, waits for the restart; against a target,
   * a failed health check ends the run (the fuzzer cannot restart someone else's host).
   */
  public async afterFailure(): Promise<void> {
    if (this.host) {
      await Promise.race([this.host.exited, new Promise((ok) => setTimeout(ok, 1000))]);
      await this.ready();
      return;
    }
    if (!(await healthy(this.baseUrl, 2000))) {
      this.recordCrash(null);
      this.stopped = `the host at ${this.baseUrl} stopped answering (crash ${this.crashes.length}); inputs saved in ${this.options.outDir}`;
    }
  }

  /** GET /api/health within 1 s, from a live process; a miss while alive is a health failure. */
  public checkHealth(why: string): Promise<boolean> {
    if (this.checking) return this.checking;
    this.checking = (async () => {
      await this.ready();
      if (this.stopped) return false;
      const generation = this.host;
      this.healthChecks++;
      const ok = await healthy(this.baseUrl, 1000);
      if (!ok && (this.options.target || (generation?.alive && generation === this.host))) {
        this.healthFailures++;
        const suspects = [...this.inFlight].map((c) => c.name);
        if (this.healthFailureNotes.length < 20) this.healthFailureNotes.push(`${this.transport} (${why}) after ${this.inputs} inputs; in flight: ${[...new Set(suspects)].slice(0, 4).join('; ') || 'nothing'}`);
      }
      return ok;
    })().finally(() => (this.checking = null));
    return this.checking;
  }

  private async launch(): Promise<void> {
    const host = await HostProcess.start({ db: this.options.db!, mqtt: this.mqttUrl ?? undefined });
    this.host = host;
    this.baseUrl = host.url;
    this.port = host.port;
    this.session = await signIn(this.baseUrl, this.access);
    void host.exited.then((exit) => {
      if (this.stopping || this.host !== host || this.replaying) return;
      this.restarting = this.handleCrash(host, exit).finally(() => (this.restarting = null));
    });
  }

  private recordCrash(host: HostProcess | null): CrashRecord {
    const n = this.crashes.length + 1;
    const folder = join(this.options.outDir, `crash-${n}`);
    mkdirSync(folder, { recursive: true });
    const suspects = [...this.inFlight, ...this.recent.filter((c) => !this.inFlight.has(c))];
    const files = suspects.map((c, i) => {
      const file = `${String(i + 1).padStart(2, '0')}-${c.transport}-${slug(c.name)}.bin`;
      writeFileSync(join(folder, file), c.bytes);
      return { file, transport: c.transport, name: c.name, ...c.meta };
    });
    const record: CrashRecord = {
      n,
      transport: this.transport,
      atInput: this.inputs,
      exit: host?.exit ?? null,
      logTail: host?.logTail() ?? '',
      folder,
      suspects: suspects.map((c) => c.name),
      reproducedBy: null,
      crashLoop: false,
    };
    writeFileSync(join(folder, 'crash.json'), JSON.stringify({ ...record, suspects: files }, null, 2) + '\n');
    this.crashes.push(record);
    this.inFlight.clear();
    this.recent.length = 0;
    return record;
  }

  private async handleCrash(host: HostProcess, exit: HostExit): Promise<void> {
    const suspects = [...this.inFlight, ...this.recent.filter((c) => !this.inFlight.has(c))];
    const record = this.recordCrash(host);
    this.options.log(
      `host crashed (exit ${exit.code ?? exit.signal}) during ${this.transport} after ${this.inputs.toLocaleString('en')} inputs; ` +
        `${suspects.length} suspect input(s) saved in ${record.folder}; restarting it`,
    );
    if (this.crashes.length >= this.options.maxCrashes) this.stopped = `stopped after ${this.crashes.length} host crashes (--max-crashes)`;
    await this.restartWatchingForLoop(record);
    if (this.options.confirm && !this.stopped) await this.confirm(record, suspects);
  }

  /** Restarts the host; one that dies again on its own is in a crash loop (a redelivered message). */
  private async restartWatchingForLoop(record: CrashRecord): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let host: HostProcess;
      try {
        host = await HostProcess.start({ db: this.options.db!, mqtt: this.mqttUrl ?? undefined });
      } catch (err) {
        if (attempt >= 2) throw err;
        record.crashLoop = true;
        await this.breakLoop(record);
        continue;
      }
      // A host that survives 3 s of health checks with nothing sent is out of the loop.
      const deadline = Date.now() + 3000;
      let died = false;
      while (Date.now() < deadline) {
        if (!host.alive) {
          died = true;
          break;
        }
        await Promise.race([host.exited, new Promise((ok) => setTimeout(ok, 200))]);
      }
      if (!died) {
        this.host = host;
        this.baseUrl = host.url;
        this.port = host.port;
        this.session = await signIn(this.baseUrl, this.access);
        void host.exited.then((exit) => {
          if (this.stopping || this.host !== host || this.replaying) return;
          this.restarting = this.handleCrash(host, exit).finally(() => (this.restarting = null));
        });
        return;
      }
      record.crashLoop = true;
      if (attempt >= 2) throw new Error(`the host keeps crashing at restart: ${host.logTail(1500)}`);
      await this.breakLoop(record);
    }
  }

  private async breakLoop(record: CrashRecord): Promise<void> {
    if (this.broker) {
      this.options.log(`host crash loop after crash ${record.n}: the broker redelivers the message at every restart; restarting the broker to drop it`);
      await this.broker.restart();
    } else {
      this.options.log(`host crash loop after crash ${record.n}; trying again`);
    }
  }

  /** Replays each suspect alone; the first that kills the host again is named in the record. */
  private async confirm(record: CrashRecord, suspects: SentCase[]): Promise<void> {
    // Named attacks first: they are the likely culprits and the cheapest to check.
    const order = [...suspects].sort((a, b) => Number(a.name.startsWith('random')) - Number(b.name.startsWith('random'))).slice(0, 6);
    for (const c of order) {
      const host = this.host!;
      this.replaying = true;
      try {
        await c.replay().catch(() => undefined);
        await Promise.race([host.exited, new Promise((ok) => setTimeout(ok, 1500))]);
        if (!host.alive) {
          record.reproducedBy = c.name;
          this.options.log(`crash ${record.n} reproduced by "${c.name}" (${c.transport}) alone; restarting the host`);
          writeFileSync(join(record.folder, 'reproduced-by.txt'), `${c.transport}: ${c.name}\n${JSON.stringify(c.meta)}\n`);
          await this.restartWatchingForLoop(record);
          return;
        }
      } finally {
        this.replaying = false;
      }
    }
  }
}

export const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
