/**
 * The renderer's one door to a host. In Electron the preload exposes `window.app` (built from the
 * contract over IPC); in browser mode the same contract is reached over HTTP. UI code calls
 * `getAppApi()` and never knows which host it has.
 */
import type { AppApi } from '../../electron/common/contract.ts';

/** Mirrors `LIVE_SOCKET_PATH` in the contract (the renderer imports the contract as types only). */
const LIVE_SOCKET_PATH = '/api/v1/live';
import { COLUMNS_CONTENT_TYPE, decodeColumns } from '../../data/feed/columnar.ts';

declare global {
  interface Window {
    /** Set by the Electron preload. Absent in browser mode. */
    app?: AppApi;
  }
}

/** An error the host reported, with the message it wrote for the user. */
export class HostError extends Error {
  public readonly status: number;
  public constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
let socket: WebSocket | null = null;
let retryMs = 500;

/**
 * Contract events arrive over one WebSocket (`/api/v1/live`) as columnar frames
 * `{ event, payload }`. It reconnects with backoff, so a wall recovers from a host restart.
 */
function subscribe(event: string, listener: Listener): () => void {
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(listener);
  ensureSocket();
  return () => {
    set.delete(listener);
  };
}

function ensureSocket(): void {
  if (socket) return;
  const url = new URL(LIVE_SOCKET_PATH, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  socket = ws;
  ws.onopen = () => (retryMs = 500);
  ws.onmessage = (m) => {
    if (!(m.data instanceof ArrayBuffer)) return;
    const { event, payload } = decodeColumns<{ event: string; payload: unknown }>(m.data);
    listeners.get(event)?.forEach((l) => l(payload));
  };
  ws.onclose = () => {
    socket = null;
    setTimeout(ensureSocket, retryMs);
    retryMs = Math.min(10_000, retryMs * 2);
  };
}

/**
 * The session's CSRF token, echoed in `x-civictwin-csrf` on every call (before sign-in any value:
 * the header itself is what a cross-site form cannot send). The session cookie is HttpOnly.
 */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const signedOutListeners = new Set<() => void>();
/** Called when the host answers 401 to a call that needed a session (expired, revoked, signed out elsewhere). */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

/** Builds the contract over HTTP: `POST /api/rpc/<api>.<method>` with `{ args }`. */
export function createWebClient(baseUrl = ''): AppApi {
  const call = async (api: string, method: string, args: unknown[]): Promise<unknown> => {
    const res = await fetch(`${baseUrl}/api/rpc/${api}.${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-civictwin-csrf': csrfToken ?? '1' },
      body: JSON.stringify({ args }),
      credentials: 'same-origin',
    });
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok) {
      const body = type.includes('json') ? ((await res.json()) as { error?: string }) : null;
      if (res.status === 401 && api !== 'auth') signedOutListeners.forEach((l) => l());
      throw new HostError(body?.error ?? `${api}.${method} failed: HTTP ${res.status}`, res.status);
    }
    if (type.startsWith(COLUMNS_CONTENT_TYPE)) return decodeColumns(await res.arrayBuffer());
    return res.json();
  };
  // NOTE: Proxies rather than a method table: the renderer imports the contract as types only
  // (layer rule), so it has no runtime list of sections or methods. Any section a feature module
  // adds is reached the same way; `onX` members subscribe to the host's push of `section.onX`;
  // unknown names fail at the host with 404.
  const section = (api: string): object =>
    new Proxy(
      {},
      {
        get: (_t, method) => {
          if (typeof method !== 'string' || method === 'then') return undefined;
          if (/^on[A-Z]/.test(method)) return (listener: (payload: unknown) => void) => subscribe(`${api}.${method}`, listener);
          return (...args: unknown[]) => call(api, method, args);
        },
      },
    );
  const sections = new Map<string, object>();
  const client = new Proxy({}, { get: (_t, api) => (typeof api === 'string' && api !== 'then' ? (sections.get(api) ?? sections.set(api, section(api)).get(api)) : undefined) });
  return client as unknown as AppApi;
}

let cached: AppApi | null = null;
/** The host's API: Electron's bridge when present, else the web host that served this page. */
export function getAppApi(): AppApi {
  cached ??= window.app ?? createWebClient('');
  return cached;
}
