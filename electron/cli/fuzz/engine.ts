/**
 * The fuzz run behind `civictwin fuzz`: for each transport in turn (HTTP, WebSocket, MQTT), first
 * every named attack once, then seeded random inputs until `count` malformed inputs were sent,
 * with the host's health checked throughout. Talks to the host only from outside: HTTP, raw TCP,
 * WebSocket frames and an MQTT broker.
 *
 * An input is one malformed event line (bodies and messages carry many, as a producer would batch
 * them), one named whole-body attack, one raw request, or one WebSocket frame.
 */
import { mkdirSync } from 'node:fs';
import mqtt from 'mqtt';
import { Agent } from 'node:http';
import { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import type { ProgressFn } from '../progress.ts';
import { EventCorpus, type NamedPayload } from './corpus.ts';
import { contractCall, healthy, ingestHeaders, type HostAccess, type HostSession } from './hostProcess.ts';
import { httpRequest, idleConnections, keepAliveAgent, rawExchange, rawHttpAttacks, slowConnection, type HttpAnswer } from './rawHttp.ts';
import { Rng } from './rng.ts';
import { Supervisor, type CrashRecord, type SentCase } from './supervisor.ts';
import { FUZZ_TRANSPORTS, type FuzzTransport } from './types.ts';
import { frame, frameAttacks, OP, RawWebSocket, textFrame, WS_PATHS } from './wsFrames.ts';

export type { FuzzTransport } from './types.ts';

export interface FuzzOptions {
  /** A running host to fuzz (its process cannot be watched or restarted). */
  target?: string;
  /** A twin to serve with a host the fuzzer starts (created if absent). */
  db?: string;
  /** Malformed inputs per transport. */
  count: number;
  seed: number;
  transports: FuzzTransport[];
  /** Broker URL; with --db and none given, a Mosquitto is started for the MQTT phase. */
  mqtt?: string;
  /** Tokens for a --target host (one the fuzzer starts gets its own). */
  access?: HostAccess;
  /** Crash inputs are saved under this folder. */
  outDir: string;
  /** Health is checked after every this many inputs (and every 2 s). */
  healthEvery?: number;
  maxCrashes?: number;
  /** Replay the suspects of a crash alone to name the one that did it. */
  confirm?: boolean;
  /** Include the attacks that take minutes against an unprotected host (8 MB of "1\n"). */
  heavy?: boolean;
  /** How long the MQTT phase waits for the host to take in everything published. */
  drainTimeoutMs?: number;
  onProgress?: ProgressFn;
  log?: (line: string) => void;
}

export interface TransportStats {
  transport: FuzzTransport;
  malformed: number;
  valid: number;
  /** WebSocket: malformed event lines inside the frames (a frame is one input there). */
  linesCarried: number;
  /** Requests, messages or frames sent. */
  sends: number;
  namedAttacks: number;
  bytes: number;
  seconds: number;
  /** Answers by kind: HTTP status, "ack", "closed 1002", "puback"… */
  answers: Record<string, number>;
  latenciesMs: number[];
  /** What the host did with each named attack. */
  named: { name: string; answer: string }[];
  /** Malformed inputs the host's replies listed as rejected (so dead-lettered). */
  rejectedInReplies: number;
  /** Malformed inputs in requests refused whole (4xx) or connections the host closed. */
  refusedWhole: number;
  /** Malformed inputs in requests answered 5xx or not at all. */
  failed: number;
  crashes: number;
  notes: string[];
}

export interface FuzzSummary {
  seed: number;
  target: string;
  stats: TransportStats[];
  crashes: CrashRecord[];
  healthChecks: number;
  healthFailures: number;
  healthFailureNotes: string[];
  deadLetters: number | null;
  eventsStored: number | null;
  stoppedEarly: string | null;
  seconds: number;
}

const EVENTS_PATH = '/api/v1/events';

interface RequestShape {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** Sent without the client's own credentials (the shape brings its own, or none). */
  noAuth?: boolean;
}
const NDJSON = { 'content-type': 'application/x-ndjson' };

export async function runFuzz(opts: FuzzOptions): Promise<FuzzSummary> {
  if (!opts.target === !opts.db) throw new Error('Give either --target URL (a running host) or --db FILE (the fuzzer starts its own host).');
  mkdirSync(opts.outDir, { recursive: true });
  const log = opts.log ?? ((l: string) => console.error(l));
  const sup = new Supervisor({
    target: opts.target, db: opts.db, mqtt: opts.mqtt, access: opts.access, outDir: opts.outDir, maxCrashes: opts.maxCrashes ?? 20, confirm: opts.confirm ?? true, log,
  });
  const t0 = performance.now();
  await sup.start(opts.transports.includes('mqtt'));
  const stats: TransportStats[] = [];
  const root = new Rng(opts.seed);
  const centre = await twinCentre(sup.baseUrl, sup.access, sup.session);
  const heavy = opts.heavy ?? opts.count >= 100_000;
  // Health every 2 s as well as every K inputs: a host stuck on one input for seconds is unhealthy
  // even when few inputs pass.
  const ticker = setInterval(() => void sup.checkHealth('every 2 s'), 2000);
  try {
    for (const transport of FUZZ_TRANSPORTS) {
      if (!opts.transports.includes(transport) || sup.stopped) continue;
      const rng = root.fork(FUZZ_TRANSPORTS.indexOf(transport));
      const corpus = new EventCorpus(rng, { ...centre, runTag: `fz${opts.seed}-${transport}-${Date.now().toString(36)}` });
      const s = newStats(transport);
      const crashesBefore = sup.crashes.length;
      sup.transport = transport;
      const phase = new Phase(sup, s, opts, rng, corpus, heavy);
      const started = performance.now();
      if (transport === 'http') await phase.http();
      else if (transport === 'ws') await phase.ws();
      else await phase.mqtt();
      await sup.ready();
      await sup.checkHealth('end of phase');
      s.seconds = (performance.now() - started) / 1000;
      s.crashes = sup.crashes.length - crashesBefore;
      stats.push(s);
    }
  } finally {
    clearInterval(ticker);
    await sup.ready().catch(() => undefined);
    if (sup.alive) await sup.checkHealth('end of run');
    await sup.close();
  }
  // The host keeps no count of dead letters: read the twin once the host has closed it.
  let deadLetters: number | null = null;
  let eventsStored: number | null = null;
  if (opts.db) {
    const store = await DuckDbStore.open(opts.db, { readOnly: true });
    deadLetters = (await store.one<{ n: number }>('SELECT count(*)::BIGINT AS n FROM dead_letters'))!.n;
    eventsStored = (await store.one<{ n: number }>('SELECT count(*)::BIGINT AS n FROM events'))!.n;
    store.close();
  }
  return {
    seed: opts.seed,
    target: opts.target ?? `a host started on ${opts.db}`,
    stats,
    crashes: sup.crashes,
    healthChecks: sup.healthChecks,
    healthFailures: sup.healthFailures,
    healthFailureNotes: sup.healthFailureNotes,
    deadLetters: deadLetters === null ? null : Number(deadLetters),
    eventsStored: eventsStored === null ? null : Number(eventsStored),
    stoppedEarly: sup.stopped,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The middle of the twin, so valid events pass the host's bounds check. */
async function twinCentre(baseUrl: string, access: HostAccess, session: HostSession | null): Promise<{ lon: number; lat: number }> {
  try {
    const { value } = await contractCall(baseUrl, access, session, 'store.getTwinInfo', [], 10_000);
    const b = (value as { bbox?: number[] } | null)?.bbox;
    if (b && b.length === 4 && b.every(Number.isFinite)) return { lon: (b[0]! + b[2]!) / 2, lat: (b[1]! + b[3]!) / 2 };
  } catch {
    /* fall through: the events are then mostly rejected for their position, which is still fuzzing */
  }
  return { lon: 121.42, lat: 28.38 };
}

function newStats(transport: FuzzTransport): TransportStats {
  return { transport, malformed: 0, valid: 0, sends: 0, namedAttacks: 0, bytes: 0, seconds: 0, answers: {}, linesCarried: 0, latenciesMs: [], named: [], rejectedInReplies: 0, refusedWhole: 0, failed: 0, crashes: 0, notes: [] };
}

/** Rejected lines listed in an ingest reply (`{"rejected": [...]}`), or a summary count. */
function rejectedOf(json: unknown): number | null {
  if (!json || typeof json !== 'object') return null;
  const j = json as { rejected?: unknown };
  if (Array.isArray(j.rejected)) return j.rejected.length;
  if (typeof j.rejected === 'number') return j.rejected;
  return null;
}

/** One transport's run; fields shared by its workers. */
class Phase {
  private readonly sup: Supervisor;
  private readonly s: TransportStats;
  private readonly opts: FuzzOptions;
  private readonly rng: Rng;
  private readonly corpus: EventCorpus;
  private readonly heavy: boolean;
  private readonly healthEvery: number;
  private nextHealthAt: number;
  /** True while the named attacks go out one by one (their answers are listed in the summary). */
  private namedPass = true;

  public constructor(sup: Supervisor, s: TransportStats, opts: FuzzOptions, rng: Rng, corpus: EventCorpus, heavy: boolean) {
    this.sup = sup;
    this.s = s;
    this.opts = opts;
    this.rng = rng;
    this.corpus = corpus;
    this.heavy = heavy;
    this.healthEvery = opts.healthEvery ?? 10_000;
    this.nextHealthAt = this.healthEvery;
  }

  private get finished(): boolean {
    return this.s.malformed >= this.opts.count || this.sup.stopped !== null;
  }

  private answer(kind: string, latencyMs?: number): void {
    this.s.answers[kind] = (this.s.answers[kind] ?? 0) + 1;
    if (latencyMs !== undefined) this.s.latenciesMs.push(latencyMs);
  }

  /** Counts sent inputs, moves the progress bar, checks health every K inputs. */
  private async counted(malformed: number, valid: number, bytes: number, sends = 1): Promise<void> {
    this.s.malformed += malformed;
    this.s.valid += valid;
    this.s.bytes += bytes;
    this.s.sends += sends;
    this.sup.inputs += malformed;
    this.opts.onProgress?.(`fuzz ${this.s.transport}`, Math.min(this.s.malformed, this.opts.count), this.opts.count);
    if (this.s.malformed >= this.nextHealthAt) {
      this.nextHealthAt = this.s.malformed + this.healthEvery;
      await this.sup.checkHealth(`every ${this.healthEvery.toLocaleString('en')} inputs`);
    }
  }

  private payloads(): NamedPayload[] {
    return this.corpus.payloadAttacks().filter((p) => this.heavy || !p.heavy);
  }

  // ---------------------------------------------------------------- HTTP

  public async http(): Promise<void> {
    const agent = keepAliveAgent(8);
    const fresh = new Agent({ keepAlive: false });
    // Slow connections held open through the phase: does the host time them out?
    const slow = [
      ...Array.from({ length: 10 }, () => slowConnection(this.sup.port, 'headers', 1000, 10 * 60_000)),
      ...Array.from({ length: 10 }, () => slowConnection(this.sup.port, 'body', 1000, 10 * 60_000)),
    ];
    const slowStarted = performance.now();
    const slowClosed: number[] = [];
    slow.forEach((c) => void c.done.then((ms) => ms !== null && slowClosed.push(ms)));
    try {
      await this.httpNamed(fresh);
      this.namedPass = false;
      const workers = Array.from({ length: 4 }, () => this.httpWorker(agent, fresh));
      await Promise.all(workers);
    } finally {
      slow.forEach((c) => c.stop());
      agent.destroy();
      fresh.destroy();
    }
    const heldS = (performance.now() - slowStarted) / 1000;
    this.s.notes.push(
      slowClosed.length > 0
        ? `slow connections (2 bytes/s): the host closed ${slowClosed.length} of ${slow.length}, the first after ${(Math.min(...slowClosed) / 1000).toFixed(1)} s`
        : `slow connections (2 bytes/s): the host closed none of ${slow.length} in ${heldS.toFixed(0)} s`,
    );
  }

  /** What a legitimate client adds: the ingest token, or a session and its CSRF token for contract calls. */
  private authHeaders(path: string): Record<string, string> {
    if (path.startsWith('/api/rpc/')) {
      const session = this.sup.session;
      return session ? { cookie: session.cookie, 'x-civictwin-csrf': session.csrf } : { 'x-civictwin-csrf': '1', ...ingestHeaders(this.sup.access) };
    }
    if (path === WS_PATHS[1]) return this.sup.session ? { cookie: this.sup.session.cookie } : {};
    return ingestHeaders(this.sup.access);
  }

  private async sendHttp(agent: Agent, name: string, method: string, path: string, givenHeaders: Record<string, string>, body: Buffer | null, malformed: number, valid: number, auth = true): Promise<HttpAnswer | null> {
    await this.sup.ready();
    if (this.sup.stopped) return null;
    const headers = auth ? { ...this.authHeaders(path), ...givenHeaders } : givenHeaders;
    const port = (): number => this.sup.port;
    const c: SentCase = {
      transport: 'http', name, bytes: body ?? Buffer.alloc(0), meta: { method, path, headers },
      replay: async () => void (await httpRequest(keepAliveAgent(1), port(), method, path, headers, body, 10_000)),
    };
    this.sup.track(c);
    const a = await httpRequest(agent, this.sup.port, method, path, headers, body, 60_000);
    this.sup.done(c);
    this.tallyHttp(a, malformed);
    await this.counted(malformed, valid, body?.length ?? 0);
    if (a.status === null) await this.sup.afterFailure();
    return a;
  }

  private tallyHttp(a: HttpAnswer, malformed: number): void {
    this.answer(a.status === null ? 'no answer' : String(a.status), a.status === null ? undefined : a.ms);
    if (a.status === null || a.status >= 500) this.s.failed += malformed;
    else if (a.status >= 400) this.s.refusedWhole += malformed;
    else this.s.rejectedInReplies += Math.min(malformed, rejectedOf(a.json) ?? 0);
  }

  private async httpNamed(agent: Agent): Promise<void> {
    const named = async (name: string, method: string, path: string, headers: Record<string, string>, body: Buffer | null, malformed: number, auth = true): Promise<void> => {
      this.s.namedAttacks++;
      const a = await this.sendHttp(agent, name, method, path, headers, body, malformed, 0, auth);
      if (a) this.s.named.push({ name, answer: httpAnswerText(a) });
    };
    for (const p of this.payloads()) await named(p.name, 'POST', EVENTS_PATH, NDJSON, p.payload, p.malformed);
    // Over the limit, the host may answer 413 and close before the body is sent: read the
    // answer while writing (a client library would report only the broken pipe).
    const over = Buffer.concat([Buffer.from(`POST ${EVENTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${this.sup.port}\r\n${this.rawAuth()}Content-Type: application/x-ndjson\r\nContent-Length: ${9 * 1024 * 1024}\r\n\r\n`), Buffer.alloc(9 * 1024 * 1024, 0x78)]);
    this.s.namedAttacks++;
    await this.sendRaw('a 9 MB body (over the 8 MB limit)', over, false);
    for (const c of this.requestShapes()) await named(c.name, c.method, c.path, c.headers, c.body, 1, !c.noAuth);
    for (const r of rawHttpAttacks(this.corpus.validLine(), this.rawAuth(), `127.0.0.1:${this.sup.port}`)) {
      this.s.namedAttacks++;
      await this.sendRaw(r.name, r.bytes, Boolean(r.halfClose));
    }
    await this.manyConnections(1000);
  }

  /** The ingest token as a raw header line, for requests written byte by byte. */
  private rawAuth(): string {
    return this.sup.access.ingestToken ? `Authorization: Bearer ${this.sup.access.ingestToken}\r\n` : '';
  }

  private async sendRaw(name: string, bytes: Buffer, halfClose: boolean): Promise<void> {
    await this.sup.ready();
    if (this.sup.stopped) return;
    const port = (): number => this.sup.port;
    const c: SentCase = { transport: 'http', name, bytes, meta: { raw: true, halfClose }, replay: async () => void (await rawExchange(port(), bytes, { timeoutMs: 5000, halfClose })) };
    this.sup.track(c);
    const a = await rawExchange(this.sup.port, bytes, { timeoutMs: 3000, halfClose });
    this.sup.done(c);
    // A raw attack answered by a closed connection is the host refusing it: fine, unless it died.
    this.answer(a.status === null ? 'closed without answer' : String(a.status), a.status === null ? undefined : a.ms);
    if (this.namedPass) this.s.named.push({ name, answer: a.status === null ? `closed without answer${a.error ? ` (${a.error})` : ''}` : String(a.status) });
    if (a.status !== null && a.status >= 500) this.s.failed++;
    else this.s.refusedWhole++;
    await this.counted(1, 0, bytes.length);
    if (!this.sup.alive) await this.sup.afterFailure();
  }

  /** Many connections at once from one client: the host must still answer health. */
  private async manyConnections(n: number): Promise<void> {
    await this.sup.ready();
    if (this.sup.stopped) return;
    const conns = await idleConnections(this.sup.port, n);
    const ok = await healthy(this.sup.baseUrl, 1000);
    this.s.namedAttacks++;
    this.answer(ok ? `health answered with ${n} idle connections open` : `health not answered with ${n} idle connections open`);
    this.s.notes.push(`${n} idle connections at once: health ${ok ? 'answered' : 'NOT answered within 1 s'}; the host closed ${conns.closedByHost()} of them`);
    conns.close();
    await this.counted(1, 0, 0);
  }

  /** Wrong methods, content types and paths, and contract calls with wrong arguments. */
  private requestShapes(): RequestShape[] {
    const line = Buffer.from(this.corpus.validLine() + '\n' + this.corpus.malformedLine().toString());
    const out: RequestShape[] = [];
    // Credentials a producer gets wrong: none, unknown, oversized, another scheme, a wall's token.
    for (const [what, authorization] of [
      ['no token', null],
      ['an unknown token', 'Bearer ct_ingest_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      ['a 10 KB token', `Bearer ${'A'.repeat(10_000)}`],
      ['Basic credentials', 'Basic YWRtaW46YWRtaW4='],
      ['a wall token', this.sup.access.wallToken ? `Bearer ${this.sup.access.wallToken}` : 'Bearer x'],
    ] as const) {
      out.push({ name: `ingest with ${what}`, method: 'POST', path: EVENTS_PATH, headers: authorization ? { ...NDJSON, authorization } : NDJSON, body: line, noAuth: true });
    }
    for (const m of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'FOO']) out.push({ name: `${m} on the events endpoint`, method: m, path: EVENTS_PATH, headers: NDJSON, body: m === 'TRACE' ? null : line });
    for (const ct of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'image/png', 'application/json; charset=utf-16', 'application/x-ndjson; charset=latin1', '*/*;;;=', 'application/json' + ';a=b'.repeat(500)]) {
      out.push({ name: `content type ${ct.slice(0, 40)}`, method: 'POST', path: EVENTS_PATH, headers: { 'content-type': ct }, body: line });
    }
    out.push({ name: 'no content type', method: 'POST', path: EVENTS_PATH, headers: {}, body: line });
    const rpc = (call: string, args: string): RequestShape => ({
      name: `contract call ${call} with ${args.slice(0, 30)}`, method: 'POST', path: `/api/rpc/${call}`, headers: { 'content-type': 'application/json' }, body: Buffer.from(args),
    });
    out.push(
      rpc('store.getHousehold', `{"args":[${2 ** 31}]}`),
      rpc('store.getBuildingDetail', '{"args":[1e309]}'),
      rpc('store.getBuildingUnits', '{"args":["1; DROP TABLE buildings"]}'),
      rpc('live.getStateAt', '{"args":[-1e309]}'),
      rpc('live.getStateAt', `{"args":[${2 ** 63}]}`),
      rpc('incidents.getIncident', '{"args":[{"__proto__":{"x":1}}]}'),
      rpc('store.findBuildings', `{"args":["%_%\\\\", 1000000000]}`),
      rpc('store.findBuildings', `{"args":["${'中'.repeat(10_000)}", -1]}`),
      rpc('__proto__.toString', '{"args":[]}'),
      rpc('store.constructor', '{"args":[]}'),
      rpc('live.onLiveDelta', '{"args":[]}'),
      rpc('store.getTwinInfo', '['.repeat(5000)),
      rpc('store.getTwinInfo', '{"args":' + '['.repeat(5000) + ']'.repeat(5000) + '}'),
      rpc('store.getTwinInfo', '{"args":null}'),
    );
    out.push(
      { name: 'POST on health', method: 'POST', path: '/api/health', headers: NDJSON, body: line },
      { name: 'GET the WebSocket path without an upgrade', method: 'GET', path: '/api/v1/events/stream', headers: {}, body: null },
      { name: 'GET a percent-encoding error', method: 'GET', path: '/%E0%A4%A', headers: {}, body: null },
      { name: 'GET a traversal', method: 'GET', path: '/..%2f..%2f..%2fetc%2fpasswd', headers: {}, body: null },
      { name: 'events path with a query of 1,000 parameters', method: 'POST', path: `${EVENTS_PATH}?${Array.from({ length: 1000 }, (_, i) => `a${i}=${i}`).join('&')}`, headers: NDJSON, body: line },
    );
    return out;
  }

  private async httpWorker(agent: Agent, fresh: Agent): Promise<void> {
    const shapes = this.requestShapes();
    const raws = rawHttpAttacks(this.corpus.validLine(), this.rawAuth(), `127.0.0.1:${this.sup.port}`);
    const payloads = this.payloads().filter((p) => p.payload.length < 2 * 1024 * 1024);
    while (!this.finished) {
      const kind = this.rng.weighted([[85, 'ndjson'], [8, 'array'], [4, 'shape'], [2, 'raw'], [1, 'payload']] as const);
      if (kind === 'ndjson') {
        const b = this.corpus.batch(this.rng.int(200, 2000), 0.05);
        await this.sendHttp(agent, `random NDJSON batch (${b.malformed + b.valid} lines)`, 'POST', EVENTS_PATH, NDJSON, b.body, b.malformed, b.valid);
      } else if (kind === 'array') {
        const b = this.corpus.arrayBatch(this.rng.int(100, 1000), 0.1);
        await this.sendHttp(agent, `random JSON array (${b.malformed + b.valid} elements)`, 'POST', EVENTS_PATH, { 'content-type': 'application/json' }, b.body, b.malformed, b.valid);
      } else if (kind === 'shape') {
        const c = this.rng.pick(shapes);
        await this.sendHttp(fresh, c.name, c.method, c.path, c.headers, c.body, 1, 0, !c.noAuth);
      } else if (kind === 'raw') {
        const r = this.rng.pick(raws);
        await this.sendRaw(r.name, r.bytes, Boolean(r.halfClose));
      } else {
        const p = this.rng.pick(payloads);
        await this.sendHttp(fresh, p.name, 'POST', EVENTS_PATH, NDJSON, p.payload, p.malformed, 0);
      }
    }
  }

  // ---------------------------------------------------------------- WebSocket

  public async ws(): Promise<void> {
    // Every protocol violation on both paths, then every payload attack as a message.
    for (const path of WS_PATHS) {
      for (const a of frameAttacks()) {
        this.s.namedAttacks++;
        await this.wsAttack(`${a.name} on ${path}`, path, a.frames);
      }
    }
    for (const path of WS_PATHS) {
      // Without credentials the handshake must be refused, and nothing else happen.
      this.s.namedAttacks++;
      await this.sup.ready();
      const r = await sendOnFreshSocket(this.sup.port, path, textFrame(this.corpus.validLine()), 3000, {});
      const answer = r.kind === 'no handshake' ? `refused: ${r.error ?? ''}`.slice(0, 120) : r.kind;
      this.s.named.push({ name: `handshake without credentials on ${path}`, answer });
      this.answer(r.kind === 'no handshake' ? 'handshake refused' : `handshake without credentials: ${r.kind}`);
      this.s.refusedWhole++;
      await this.counted(1, 0, 0);
    }
    for (const p of this.payloads()) {
      for (const path of WS_PATHS) {
        this.s.namedAttacks++;
        await this.wsAttack(`${p.name} as a message on ${path}`, path, messageFrame(p.payload), p.malformed);
      }
    }
    this.namedPass = false;
    await Promise.all([...Array.from({ length: 8 }, () => this.wsStream()), this.wsLive(), this.wsLive(), this.wsProtocolWorker()]);
  }

  /** One input on a fresh connection; waits for the host to close it, or to answer. */
  private async wsAttack(name: string, path: string, bytes: Buffer, malformed = 1, timeoutMs = 3000): Promise<void> {
    await this.sup.ready();
    if (this.sup.stopped) return;
    const port = (): number => this.sup.port;
    const c: SentCase = { transport: 'ws', name, bytes, meta: { path }, replay: async () => void (await sendOnFreshSocket(port(), path, bytes, 3000, this.authHeaders(path))) };
    this.sup.track(c);
    const t0 = performance.now();
    const outcome = await sendOnFreshSocket(this.sup.port, path, bytes, timeoutMs, this.authHeaders(path));
    this.sup.done(c);
    this.answer(outcome.kind, performance.now() - t0);
    if (this.namedPass) this.s.named.push({ name, answer: outcome.kind });
    if (outcome.kind.startsWith('ack')) this.s.rejectedInReplies += Math.min(malformed, outcome.rejected);
    else if (outcome.kind.startsWith('error') || outcome.kind === 'no handshake') this.s.failed += malformed;
    else this.s.refusedWhole += malformed;
    await this.counted(malformed, 0, bytes.length);
    if (!this.sup.alive || outcome.kind === 'no handshake') await this.sup.afterFailure();
  }

  /** A producer on /api/v1/events/stream: pipelined messages of malformed lines, acks in order. */
  private async wsStream(): Promise<void> {
    const window = 32;
    while (!this.finished) {
      await this.sup.ready();
      if (this.sup.stopped) return;
      let ws: RawWebSocket;
      try {
        ws = await RawWebSocket.open(this.sup.port, WS_PATHS[0], 5000, this.authHeaders(WS_PATHS[0]));
      } catch {
        this.answer('no handshake');
        await this.sup.afterFailure();
        continue;
      }
      const pending: { t0: number; malformed: number; c: SentCase }[] = [];
      let wake: (() => void) | null = null;
      ws.onFrame = (f) => {
        if (f.opcode !== OP.text) return;
        const p = pending.shift();
        if (!p) return;
        this.sup.done(p.c);
        let json: unknown = null;
        try {
          json = JSON.parse(f.payload.toString('utf8'));
        } catch {
          /* counted below as an answer that is not an ack */
        }
        const isError = Boolean(json && typeof json === 'object' && 'error' in json);
        this.answer(isError ? 'error ack (not committed)' : json ? 'ack' : 'unreadable answer', performance.now() - p.t0);
        if (isError) this.s.failed += p.malformed;
        else this.s.rejectedInReplies += Math.min(p.malformed, rejectedOf(json) ?? 0);
        wake?.();
      };
      void ws.closed.then(() => wake?.());
      const port = (): number => this.sup.port;
      while (!this.finished && ws.isOpen) {
        if (pending.length >= window) {
          await new Promise<void>((ok) => (wake = ok));
          wake = null;
          continue;
        }
        const { bytes, malformed, valid, lines, name } = this.streamMessage();
        this.s.linesCarried += lines;
        const c: SentCase = { transport: 'ws', name, bytes, meta: { path: WS_PATHS[0] }, replay: async () => void (await sendOnFreshSocket(port(), WS_PATHS[0], bytes, 3000, this.authHeaders(WS_PATHS[0]))) };
        this.sup.track(c);
        pending.push({ t0: performance.now(), malformed: lines, c });
        if (!(await ws.write(bytes))) break;
        await this.counted(malformed, valid, bytes.length, Math.max(1, malformed));
      }
      // Wait for the last acks (or the connection's end), then close politely.
      while (pending.length > 0 && ws.isOpen) {
        await Promise.race([new Promise<void>((ok) => (wake = ok)), new Promise((ok) => setTimeout(ok, 10_000))]);
        wake = null;
        if (pending.length > 0 && ws.isOpen && !this.sup.alive) break;
      }
      const closedByHost = !ws.isOpen;
      for (const p of pending) {
        this.sup.done(p.c);
        this.s.failed += p.malformed;
        this.answer(closedByHost ? `connection closed before the ack (${ws.closeCode ?? 'tcp'})` : 'no ack within 10 s');
      }
      if (ws.isOpen) await ws.write(frame({ opcode: OP.close, payload: Buffer.from([0x03, 0xe8]) }));
      ws.destroy();
      if (closedByHost) await this.sup.afterFailure();
    }
  }

  /**
   * A message for the ingest stream. Each frame is one input: a malformed line in one frame, or a
   * batch of malformed lines split over many continuation frames (with pings between them, as
   * RFC 6455 allows), so one commit on the host covers many frames.
   */
  private streamMessage(): { bytes: Buffer; malformed: number; valid: number; lines: number; name: string } {
    const kind = this.rng.weighted([[30, 'line'], [55, 'fragmented'], [10, 'batch'], [5, 'valid']] as const);
    if (kind === 'line') {
      const line = this.corpus.malformedLine();
      return { bytes: messageFrame(typeof line === 'string' ? Buffer.from(line) : line), malformed: 1, valid: 0, lines: 1, name: 'random malformed line' };
    }
    if (kind === 'valid') return { bytes: textFrame(this.corpus.validLine()), malformed: 0, valid: 1, lines: 0, name: 'valid event' };
    const b = this.corpus.batch(this.rng.int(20, 100), 0.05);
    if (kind === 'batch') return { bytes: messageFrame(b.body), malformed: 1, valid: b.valid, lines: b.malformed, name: `random batch message (${b.malformed + b.valid} lines)` };
    // Binary, so a fragment boundary inside a multi-byte character is no protocol error.
    const pieces = Math.min(b.body.length, this.rng.int(8, 256));
    const cuts = Array.from({ length: pieces - 1 }, () => this.rng.int(0, b.body.length)).sort((x, y) => x - y);
    const frames: Buffer[] = [];
    let at = 0;
    cuts.push(b.body.length);
    cuts.forEach((cut, i) => {
      frames.push(frame({ opcode: i === 0 ? OP.binary : OP.continuation, fin: i === cuts.length - 1, payload: b.body.subarray(at, cut) }));
      if (i < cuts.length - 1 && this.rng.chance(0.1)) frames.push(frame({ opcode: OP.ping, payload: Buffer.from('p') }));
      at = cut;
    });
    return { bytes: Buffer.concat(frames), malformed: pieces, valid: b.valid, lines: b.malformed, name: `random batch of ${b.malformed + b.valid} lines in ${pieces} fragments` };
  }

  /** A client of /api/v1/live sending what a browser never would: text, binary, pings. */
  private async wsLive(): Promise<void> {
    while (!this.finished) {
      await this.sup.ready();
      if (this.sup.stopped) return;
      let ws: RawWebSocket;
      try {
        ws = await RawWebSocket.open(this.sup.port, WS_PATHS[1], 5000, this.authHeaders(WS_PATHS[1]));
      } catch {
        this.answer('no handshake');
        await this.sup.afterFailure();
        continue;
      }
      let pongs = 0;
      ws.onFrame = (f) => {
        if (f.opcode === OP.pong) pongs++;
      };
      let sent = 0;
      const port = (): number => this.sup.port;
      while (!this.finished && ws.isOpen) {
        const line = this.corpus.malformedLine();
        const bytes = this.rng.chance(0.8) ? messageFrame(typeof line === 'string' ? Buffer.from(line) : line) : frame({ opcode: OP.ping, payload: Buffer.from(String(sent)) });
        const c: SentCase = { transport: 'ws', name: 'random frame on /api/v1/live', bytes, meta: { path: WS_PATHS[1] }, replay: async () => void (await sendOnFreshSocket(port(), WS_PATHS[1], bytes, 3000, this.authHeaders(WS_PATHS[1]))) };
        this.sup.track(c);
        if (!(await ws.write(bytes))) break;
        this.sup.done(c);
        sent++;
        await this.counted(1, 0, bytes.length);
        // The live path has no acks: pace it with a ping answered every 200 frames.
        if (sent % 200 === 0) {
          const before = pongs;
          await ws.write(frame({ opcode: OP.ping, payload: Buffer.from('sync') }));
          const deadline = performance.now() + 10_000;
          while (pongs === before && ws.isOpen && performance.now() < deadline) await new Promise((ok) => setTimeout(ok, 5));
        }
      }
      const closedByHost = !ws.isOpen;
      this.answer(closedByHost ? `live connection closed by the host (${ws.closeCode ?? 'tcp'})` : 'live connection kept open');
      ws.destroy();
      if (closedByHost) await this.sup.afterFailure();
    }
  }

  /** Protocol violations and bit-flipped frame headers, each on a fresh connection. */
  private async wsProtocolWorker(): Promise<void> {
    const attacks = frameAttacks().filter((a) => a.frames.length < 1024 * 1024);
    while (!this.finished) {
      const path = this.rng.pick(WS_PATHS);
      if (this.rng.chance(0.5)) {
        const a = this.rng.pick(attacks);
        await this.wsAttack(`${a.name} on ${path}`, path, a.frames);
      } else {
        // A valid frame with one to three bits of its header flipped.
        const f = textFrame(String(this.corpus.malformedLine()));
        for (let i = this.rng.int(1, 3); i > 0; i--) {
          const at = this.rng.int(0, Math.min(13, f.length - 1));
          f[at] = f[at]! ^ (1 << this.rng.int(0, 7));
        }
        // A flipped length bit can leave the host waiting for bytes that never come: fine.
        await this.wsAttack(`random frame with flipped header bits on ${path}`, path, f, 1, 500);
      }
    }
  }

  // ---------------------------------------------------------------- MQTT

  public async mqtt(): Promise<void> {
    if (!this.sup.mqttUrl) {
      this.s.notes.push('MQTT not fuzzed: give --mqtt URL, the broker the target host subscribes to');
      return;
    }
    const client = await mqtt.connectAsync(this.sup.mqttUrl, { clientId: `civictwin-fuzz-${this.opts.seed}-${process.pid}`, reconnectPeriod: 500, connectTimeout: 10_000 });
    client.on('error', () => undefined);
    const publish = async (name: string, payload: Buffer, malformed: number, valid: number): Promise<void> => {
      await this.sup.ready();
      if (this.sup.stopped) return;
      const topic = 'civictwin/events/x';
      const c: SentCase = { transport: 'mqtt', name, bytes: payload, meta: { topic, qos: 1 }, replay: async () => void (await client.publishAsync(topic, payload, { qos: 1 })) };
      this.sup.track(c);
      const t0 = performance.now();
      try {
        await client.publishAsync(topic, payload, { qos: 1 });
        // The broker's PUBACK says it has the message; the host takes it in later. A crash
        // comes after this, so the message stays a suspect until a few more have gone.
        this.answer('puback from the broker', performance.now() - t0);
      } catch {
        this.answer('publish failed');
      }
      this.sup.done(c);
      await this.counted(malformed, valid, payload.length);
    };
    try {
      for (const p of this.payloads()) {
        this.s.namedAttacks++;
        await publish(p.name, p.payload, p.malformed, 0);
      }
      const worker = async (): Promise<void> => {
        while (!this.finished) {
          const kind = this.rng.weighted([[88, 'batch'], [6, 'array'], [6, 'line']] as const);
          if (kind === 'batch') {
            const b = this.corpus.batch(this.rng.int(100, 1000), 0.05);
            await publish(`random NDJSON message (${b.malformed + b.valid} lines)`, b.body, b.malformed, b.valid);
          } else if (kind === 'array') {
            const b = this.corpus.arrayBatch(this.rng.int(50, 500), 0.1);
            await publish(`random JSON array message (${b.malformed + b.valid} elements)`, b.body, b.malformed, b.valid);
          } else {
            const l = this.corpus.malformedLine();
            await publish('random malformed line', typeof l === 'string' ? Buffer.from(l) : l, 1, 0);
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      await this.mqttDrain(client);
    } finally {
      await client.endAsync(true).catch(() => undefined);
    }
    // The host's replies go to the broker, not to us: what was dead-lettered is read from the twin.
    this.s.notes.push('MQTT: the host answers the broker, not the publisher; its rejections are in the dead-letter count');
  }

  /** Publishes a valid incident last and waits until the host has it: ingest still flows. */
  private async mqttDrain(client: mqtt.MqttClient): Promise<void> {
    const incidentId = `SENTINEL-${this.corpus.nextId()}`;
    const event = this.corpus.incidentLine(incidentId);
    await this.sup.ready();
    const t0 = performance.now();
    await client.publishAsync('civictwin/events/x', event, { qos: 1 }).catch(() => undefined);
    const timeout = this.opts.drainTimeoutMs ?? 120_000;
    while (performance.now() - t0 < timeout) {
      await this.sup.ready();
      if (this.sup.stopped) return;
      try {
        const { status, value } = await contractCall(this.sup.baseUrl, this.sup.access, this.sup.session, 'incidents.getIncident', [incidentId], 2000);
        if (status === 200 && value !== null) {
          this.s.notes.push(`MQTT ingest kept flowing: a valid event published after the fuzz was committed ${((performance.now() - t0) / 1000).toFixed(1)} s later`);
          return;
        }
        if (status === 401 || status === 403) {
          this.s.notes.push(`MQTT drain not checked: the host refused incidents.getIncident (${status}) to the fuzzer's wall session and ingest token`);
          return;
        }
      } catch {
        /* the host may be restarting */
      }
      await new Promise((ok) => setTimeout(ok, 250));
    }
    this.answer('ingest stalled');
    this.s.notes.push(`MQTT ingest STALLED: a valid event published after the fuzz was not committed within ${timeout / 1000} s`);
  }
}

/** Status, time, reply size and the first rejection reason or error, for the named-attack list. */
function httpAnswerText(a: HttpAnswer): string {
  if (a.status === null) return `no answer (${a.error ?? 'closed'})`;
  const j = a.json as { error?: unknown; rejected?: { reason?: string }[] | number; accepted?: number } | null;
  const detail = j?.error ? String(j.error) : Array.isArray(j?.rejected) ? `${j.accepted ?? 0} accepted, ${j.rejected.length} rejected${j.rejected[0]?.reason ? `: ${j.rejected[0].reason}` : ''}` : '';
  return `${a.status} in ${a.ms.toFixed(0)} ms, ${a.bytes.toLocaleString('en')} bytes${detail ? ` (${detail.slice(0, 160)})` : ''}`;
}

/** Text frame when the bytes are UTF-8, binary frame otherwise (a text frame must be UTF-8). */
function messageFrame(payload: Buffer): Buffer {
  let utf8 = true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    utf8 = false;
  }
  return frame({ opcode: utf8 ? OP.text : OP.binary, payload });
}

/**
 * Opens a connection, sends `bytes`, and reports what the host did: closed it (with a code),
 * acknowledged a message (ingest path), answered a ping (live path), or kept it open.
 */
export async function sendOnFreshSocket(port: number, path: string, bytes: Buffer, timeoutMs: number, headers: Record<string, string> = {}): Promise<{ kind: string; rejected: number; error?: string }> {
  let ws: RawWebSocket;
  try {
    ws = await RawWebSocket.open(port, path, timeoutMs, headers);
  } catch (err) {
    return { kind: 'no handshake', rejected: 0, error: (err as Error).message };
  }
  let kind: string | null = null;
  let rejected = 0;
  const answered = new Promise<void>((ok) => {
    ws.onFrame = (f) => {
      if (f.opcode === OP.text && path === WS_PATHS[0]) {
        try {
          const j = JSON.parse(f.payload.toString('utf8')) as { error?: string };
          kind = j.error ? 'error ack (not committed)' : 'ack';
          rejected = rejectedOf(j) ?? 0;
        } catch {
          kind = 'unreadable answer';
        }
        ok();
      } else if (f.opcode === OP.pong && f.payload.toString() === 'probe') {
        kind = 'kept open (message ignored)';
        ok();
      }
    };
  });
  await ws.write(bytes);
  // The live path never answers a message: a ping after it shows the host read past it.
  if (path === WS_PATHS[1]) await ws.write(frame({ opcode: OP.ping, payload: Buffer.from('probe') }));
  const closed = ws.closed.then((c) => {
    kind ??= c.code !== null ? `closed ${c.code}` : 'closed (TCP)';
  });
  await Promise.race([answered, closed, new Promise((ok) => setTimeout(ok, timeoutMs))]);
  kind ??= 'no answer within the timeout';
  ws.destroy();
  return { kind, rejected };
}
