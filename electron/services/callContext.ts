/**
 * The caller of the contract method being served, carried through every await of the call
 * (AsyncLocalStorage) so a service never takes "who" from its arguments: the audit log records the
 * person the host authenticated, not a name the client chose.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from '../common/access.ts';

/**
 * Where a host keeps a session it was given: an HttpOnly cookie on the reply (web host) or the
 * main process's record for that window (Electron). Services start and end sessions through it.
 */
export interface SessionSink {
  /** The session token the request came with, if any. */
  readonly token: string | null;
  begin(token: string, expiresAtMs: number): void;
  end(): void;
}

export interface CallContext {
  /** null: nobody signed in (only `public` methods get this far). */
  caller: Principal | null;
  /** How the call reached the host. */
  via: 'ipc' | 'http' | 'ws' | 'cli' | 'simulator';
  session?: SessionSink;
  /** The client's address (rate limits, audit of failed sign-ins). */
  from?: string;
}

const storage = new AsyncLocalStorage<CallContext>();

/** Runs `work` as `context`'s caller. */
export function runAs<T>(context: CallContext, work: () => T): T {
  return storage.run(context, work);
}

/** The current call's context, or null outside any call (timers, the host's own start-up). */
export function currentCall(): CallContext | null {
  return storage.getStore() ?? null;
}

/** The current caller: null inside a call nobody signed in to; the host itself outside any call. */
export function currentCaller(): Principal | null {
  const context = storage.getStore();
  return context ? context.caller : { kind: 'system', name: 'host' };
}
