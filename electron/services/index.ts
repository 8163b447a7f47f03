/**
 * Builds the contract's implementation over an open store. Both hosts call this; neither has
 * service code of its own.
 */
import { availableParallelism, totalmem } from 'node:os';
import type { ApiName, AppApi } from '../common/contract.ts';
import { specOf } from '../common/contract.ts';
import { mayCall, type Access } from '../common/access.ts';
import { AuthService } from './AuthService.ts';
import { startFeatureServices } from './modules.ts';
import { AuditService } from './AuditService.ts';
import { runAs, type CallContext } from './callContext.ts';
import type { HostInfo } from '../common/dto.ts';
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { StoreService } from './StoreService.ts';
import { IngestService } from './IngestService.ts';
import { LiveService } from './LiveService.ts';
import { servingWall } from './wallView.ts';
import { scheduleRetention } from '../../data/store/retention.ts';

export const APP_VERSION = '0.1.0';

/**
 * DuckDB worker threads for a host that shares its machine with its own screen (Electron's
 * window, or the browser `npm start` opens): one core is left to the UI. The host's steady work
 * is many small transactions (group commits of the live feed, the pushes' lookups), and with a
 * thread per core every one of them woke every thread. Measured on the 2-core reference machine
 * with the feed at 2,000 ev/s in 100-event requests: one thread took the host from 50 % of a
 * core to 32–38 %, group commits from p50 16 to 12 ms, and the page's event-to-pixel p99 from
 * about 290 to 215 ms (the freed core went to the browser's compositor); bulk ingest with eight
 * producers stayed at 57k ev/s (60k with two threads).
 */
export function hostDbThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * DuckDB's memory for a host: its buffer manager keeps the blocks it has read until it reaches
 * its limit, 80 % of RAM by default, so a kiosk host that runs for days would grow towards most of
 * the machine's memory as its event log grows (the 24 h soak at 60×: DuckDB's own memory rose
 * 7 MB per simulated hour, the rest of the host's RSS 2 MB). A quarter of RAM, between 1 and
 * 4 GB, holds a district's working set; larger sorts and joins spill to disk.
 * CIVICTWIN_DB_MEMORY_LIMIT (e.g. 8GB) overrides it.
 */
export function hostDbMemoryLimit(): string {
  const own = process.env.CIVICTWIN_DB_MEMORY_LIMIT?.trim();
  if (own) return own;
  const quarterMb = Math.floor(totalmem() / 4 / 2 ** 20);
  return `${Math.max(1024, Math.min(4096, quarterMb))}MB`;
}

/** Everything a host runs over one open twin. */
export interface Services {
  /** The contract's implementation, handed to IPC or HTTP. */
  api: AppApi;
  ingest: IngestService;
  live: LiveService;
  /** Accounts, sessions and tokens: the hosts resolve each request's caller through it. */
  auth: AuthService;
  /** Stops timers and pushes so no new query starts; then close the store with closeWhenIdle. */
  stop(): void;
}

export interface ServiceOptions {
  host: HostInfo['host'];
  personalData: HostInfo['personalData'];
  /** The built-in feed simulator is running (shown as SIMULATED). */
  simulated?: boolean;
  /** A live source is configured outside the event log (serve --mqtt): its silence is an interruption. */
  feedConfigured?: boolean;
  /** Where services say what happened (ingest refusing on a full disk, a poison event isolated). */
  log?: (line: string) => void;
  /** The screens' layout to tell the renderer (`serve --layout/--distance`). */
  display?: HostInfo['display'];
}

export async function createServices(store: DuckDbStore, options: ServiceOptions): Promise<Services> {
  const storeService = new StoreService(store, { personalData: options.personalData });
  const info = await storeService.getTwinInfo();
  let live: LiveService | null = null;
  let features: Awaited<ReturnType<typeof startFeatureServices>> | null = null;
  // Its own connection, so a group commit neither holds up nor takes in the consoles' writes.
  const ingest = new IngestService(await store.connectAgain(), {
    log: options.log,
    bounds: { minLon: info.bbox[0], minLat: info.bbox[1], maxLon: info.bbox[2], maxLat: info.bbox[3], marginKm: 30 },
    onCommitted: (events) => {
      live?.onCommitted(events);
      features?.onCommitted(events);
    },
  });
  const log = options.log ?? ((): void => undefined);
  live = new LiveService(store, { ingest, simulated: Boolean(options.simulated), feedConfigured: options.feedConfigured, personalData: options.personalData });
  await live.init();
  // The modules tell the live picture what they change; it pushes to every view.
  let api: AppApi | null = null;
  const sections = (): AppApi => {
    if (!api) throw new Error('the host is still starting');
    return api;
  };
  features = await startFeatureServices({ store, ingest, live, log, personalData: options.personalData, sections });
  // The retention policy, daily on the twin this host owns (data/store/retention.ts).
  const retention = scheduleRetention(store);
  const auth = await AuthService.open(store);
  api = {
    store: storeService,
    live,
    // A wall signed in to a console host is told what it gets: no personal data (its badge says so).
    window: { getHostInfo: async () => ({ host: options.host, version: APP_VERSION, personalData: servingWall(options.personalData) ? 'none' : options.personalData, ...(options.display ? { display: options.display } : {}) }) },
    auth: {
      signIn: (username, password) => auth.signIn(username, password),
      signInWithToken: (token) => auth.signInWithToken(token),
      signOut: () => auth.signOut(),
      whoAmI: async () => auth.whoAmI(),
    },
    audit: new AuditService(store),
    // The feature modules' sections (electron/services/modules.ts).
    ...features.api,
  };
  const stop = (): void => {
    live?.stop();
    features?.stop();
    retention.stop();
    ingest.close();
  };
  return { api, ingest, live, auth, stop };
}

/** Thrown for a call outside the contract; hosts answer it with 404 / a rejected invoke. */
export class UnknownMethodError extends Error {}

/**
 * The caller may not call this method: 401 when nobody is signed in, 403 when the role (or the
 * host: a wall host is view-only) does not allow it.
 */
export class AccessDeniedError extends Error {
  public readonly status: 401 | 403;
  public constructor(message: string, status: 401 | 403) {
    super(message);
    this.name = 'AccessDeniedError';
    this.status = status;
  }
}

/**
 * Calls `api.method(...args)` as `context.caller` if and only if the contract declares the method
 * and the caller may call it: the one place both hosts check who may do what. Also guards the
 * generic RPC paths against `constructor`, `__proto__` and friends.
 * `hostCeiling` caps what any caller may do on this host (`view` on a wall host).
 */
export async function dispatch(services: AppApi, api: string, method: string, args: unknown, context: CallContext, hostCeiling: Access = 'admin'): Promise<unknown> {
  const spec = specOf(api, method);
  // Events (`onX`) are pushed by the host, never called.
  if (spec === null) throw new UnknownMethodError(`Unknown method ${api}.${method}`);
  const access = spec.access;
  if (!mayCall(context.caller, access)) {
    throw context.caller === null
      ? new AccessDeniedError('Sign in first: this needs a signed-in user.', 401)
      : new AccessDeniedError(`Your role may not do this (${api}.${method} needs ${access}).`, 403);
  }
  if (access !== 'public' && !mayAtMost(access, hostCeiling)) {
    throw new AccessDeniedError(`This host only shows the twin (${api}.${method} needs ${access}; a wall host is view-only).`, 403);
  }
  if (!Array.isArray(args) || args.length > 8) throw new TypeError('Arguments must be an array of at most 8 values.');
  // The section's schema for this method's arguments: a wrong type, size or range is a 400 with
  // the argument and the rule, before any service code runs.
  const parsed = spec.args.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `argument ${issue.path.map((p) => (typeof p === 'number' ? p + 1 : String(p))).join('.')}` : 'arguments';
    throw new TypeError(`${api}.${method}: ${where}: ${issue.message}`);
  }
  const target = services[api as ApiName] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  return runAs(context, () => target[method]!.apply(target, parsed.data as unknown[]));
}

/** True when `access` is no more than `ceiling` (view < viewer < operator < supervisor < admin). */
function mayAtMost(access: Access, ceiling: Access): boolean {
  const order: Access[] = ['public', 'view', 'viewer', 'operator', 'supervisor', 'admin'];
  return order.indexOf(access) <= order.indexOf(ceiling);
}
