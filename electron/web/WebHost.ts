/**
 * The web host (`civictwin serve`): the same renderer and the same contract over HTTP, for wall
 * controllers, second screens, machines without the Electron binary, and end-to-end tests.
 *
 *   GET  /…                      the built renderer (.build/renderer), with the CSP the app ships
 *   POST /api/rpc/<api>.<method> a contract call; body `{ "args": [...] }`; columnar results come
 *                                back as a binary frame (data/feed/columnar.ts), the rest as JSON
 *   POST /api/v1/events          ingest (ingestRoutes.ts)
 *   WS   /api/v1/events/stream   ingest over WebSocket (ingestRoutes.ts)
 *   WS   /api/v1/live            the contract's pushed events (LivePush.ts)
 *   GET  /api/health             liveness for watchdogs
 *
 * Fastify gives the body limits, the timeouts and the error path: no request, body or socket a
 * client sends can take the process down (see `hostLimits` for every limit and why).
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AppApi } from '../common/contract.ts';
import { COLUMNS_CONTENT_TYPE, encodeColumns, isColumnar } from '../../data/feed/columnar.ts';
import { AccessDeniedError, dispatch, UnknownMethodError } from '../services/index.ts';
import { AuthError, type AuthService } from '../services/AuthService.ts';
import type { CallContext, SessionSink } from '../services/callContext.ts';
import { contentSecurityPolicy } from '../common/csp.ts';
import type { IngestService } from '../services/IngestService.ts';
import { registerIngestRoutes, IngestStream, MAX_INGEST_BODY } from './ingestRoutes.ts';
import { LivePush } from './LivePush.ts';
import { registerResidentRoutes } from './reports/residentRoutes.ts';
import { LIVE_SOCKET_PATH } from '../common/contract.ts';

/**
 * Every limit the host applies to what clients send. Numbers a command centre's producers never
 * reach in normal work (the bench's largest POST is 2,000 events ≈ 0.5 MB) but that bound what a
 * broken producer or an attacker can make the host hold or wait for.
 */
export const hostLimits = {
  /** Contract calls carry a few ids and a reason. */
  rpcBody: 64 * 1024,
  ingestBody: MAX_INGEST_BODY,
  /** All headers must arrive within this (slowloris). */
  headersTimeoutMs: 10_000,
  /** The whole request, headers and body, within this: 8 MB at ~1 Mbit/s. */
  requestTimeoutMs: 90_000,
  /** A socket with nothing happening is closed. */
  idleSocketMs: 120_000,
  keepAliveMs: 5_000,
  /** Open TCP connections from one address; everything on this machine counts as one address. */
  connectionsPerAddress: 256,
  connectionsTotal: 2_048,
} as const;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
};

export interface WebHostOptions {
  services: AppApi;
  /** Resolves each request's caller (session cookie, bearer token). */
  auth: AuthService;
  /** Enables the ingest API (POST /api/v1/events, WS /api/v1/events/stream). */
  ingest?: IngestService;
  /** Folder with the built renderer. */
  staticDir: string;
  port: number;
  host?: string;
  log?: (line: string) => void;
  /** Ingest without a token, for a lab (`--open-ingest`). Off: every producer needs an ingest token. */
  openIngest?: boolean;
  /** A wall host: view-only for every caller, and no ingest. */
  wall?: boolean;
  /** Further names this host is reached by (a DNS name on the LAN), for the Host/Origin check. */
  allowedHosts?: string[];
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
}

/** The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export const SESSION_COOKIE = 'ct_session';
/** Every contract call carries this header; with a session it must hold the session's CSRF token. */
export const CSRF_HEADER = 'x-civictwin-csrf';

export class WebHost {
  private readonly app: FastifyInstance;
  private readonly options: WebHostOptions;
  private readonly staticRoot: string;
  private readonly ingestStream: IngestStream | null;
  private readonly livePush: LivePush;
  private readonly connectionsByAddress = new Map<string, number>();
  /** `host:port` values a request's Host (and a browser's Origin) may carry; filled at listen. */
  private readonly allowedHosts = new Set<string>();

  public constructor(options: WebHostOptions) {
    this.options = options;
    this.staticRoot = resolve(options.staticDir);
    const log = (line: string): void => options.log?.(line);
    this.app = Fastify({
      // Node checks header and request timeouts on a timer (30 s by default): at 1 s a slowloris
      // socket is closed within a second of its deadline.
      serverFactory: (handler) => {
        const timeouts = { headersTimeout: hostLimits.headersTimeoutMs, requestTimeout: hostLimits.requestTimeoutMs, connectionsCheckingInterval: 1_000 };
        return options.tls ? createHttpsServer({ ...timeouts, cert: options.tls.cert, key: options.tls.key }, handler) : createServer(timeouts, handler);
      },
      logger: false,
      bodyLimit: hostLimits.rpcBody,
      requestTimeout: hostLimits.requestTimeoutMs,
      connectionTimeout: hostLimits.idleSocketMs,
      keepAliveTimeout: hostLimits.keepAliveMs,
      return503OnClosing: true,
      forceCloseConnections: true,
      routerOptions: { maxParamLength: 200 },
    });
    const server = this.app.server;
    server.maxConnections = hostLimits.connectionsTotal;
    server.on('connection', (socket: Socket) => this.countConnection(socket));
    // A malformed request line or header: answer 400 and close that socket, nothing else.
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    });

    // Bodies are read as text and parsed by the route that knows what it expects (ingest takes
    // NDJSON under any content type, as producers send it; contract calls take JSON).
    this.app.removeAllContentTypeParsers();
    this.app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    this.app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
      const status = err.statusCode ?? 500;
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const limit = reply.request.routeOptions.bodyLimit ?? hostLimits.rpcBody;
        return sendJson(reply, 413, { error: `request body larger than ${limit} bytes: send less per request (split into batches)` });
      }
      if (status >= 400 && status < 500) return sendJson(reply, status, { error: err.message });
      log(`request failed: ${err.stack ?? String(err)}`);
      return sendJson(reply, 500, { error: 'Internal error; see the host log.' });
    });
    this.app.setNotFoundHandler((req, reply) => {
      const path = req.url.split('?')[0]!;
      if (path.startsWith('/api/')) return sendJson(reply, 404, { error: `No such endpoint: ${req.method} ${path}` });
      return sendJson(reply, 405, { error: 'Method not allowed' });
    });
    // DNS rebinding and cross-site requests: only the names this host is reached by, and pages it served.
    this.app.addHook('onRequest', async (req, reply) => {
      const refusal = this.refuseForeign(req.headers.host, req.headers.origin);
      if (refusal) return sendJson(reply, refusal.status, { error: refusal.error });
    });
    this.app.addHook('onSend', async (_req, reply, payload) => {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      return payload;
    });

    this.app.get('/api/health', async (_req, reply) => sendJson(reply, 200, { ok: true }));
    this.app.post<{ Params: { name: string } }>('/api/rpc/:name', async (req, reply) => this.rpc(req, reply));
    // A token sent is checked even on an --open-ingest host (its source is then known, and the
    // bench measures the check's cost on one host, with tokens and without).
    const ingestAllowed = (authorization: string | undefined): boolean =>
      (authorization !== undefined && options.auth.resolveToken(bearer(authorization), 'ingest') !== null) || Boolean(options.openIngest);
    if (options.ingest && !options.wall) registerIngestRoutes(this.app, options.ingest, ingestAllowed);
    else this.app.all('/api/v1/events', async (_req, reply) => sendJson(reply, 404, { error: 'Ingest is not enabled on this host.' }));
    // Residents' reports through the public form (no sign-in, limited per address): not on a wall host.
    if (!options.wall) registerResidentRoutes(this.app, { services: options.services, staticDir: this.staticRoot });
    this.app.get('/*', async (req, reply) => this.serveStatic(reply, req.url.split('?')[0]!));

    this.ingestStream = options.ingest && !options.wall ? new IngestStream(options.ingest, log) : null;
    this.livePush = new LivePush(options.services, log);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Before the WebSocket library owns it, a socket error must still have a listener.
      socket.on('error', () => socket.destroy());
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const refuse = (status: string, why: string): void => {
        socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(why)}\r\n\r\n${why}`);
      };
      const foreign = this.refuseForeign(req.headers.host, req.headers.origin);
      if (foreign) return refuse(foreign.status === 421 ? '421 Misdirected Request' : '403 Forbidden', foreign.error);
      if (path === '/api/v1/events/stream' && this.ingestStream) {
        if (!ingestAllowed(req.headers.authorization)) return refuse('401 Unauthorized', 'An ingest token is required: Authorization: Bearer <token> (civictwin token add --kind ingest).');
        this.ingestStream.upgrade(req, socket, head);
      } else if (path === LIVE_SOCKET_PATH) {
        const session = options.auth.resolveSession(readCookie(req.headers.cookie, SESSION_COOKIE));
        if (!session) return refuse('401 Unauthorized', 'Sign in first.');
        this.livePush.upgrade(req, socket, head, session.principal);
      } else refuse('404 Not Found', 'No such socket.');
    });
  }

  /** Resolves with the bound port once listening. */
  public async listen(): Promise<number> {
    await this.app.listen({ port: this.options.port, host: this.options.host ?? '127.0.0.1' });
    const addr = this.app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : this.options.port;
    const names = ['127.0.0.1', 'localhost', '[::1]', this.options.host ?? '127.0.0.1', ...(this.options.allowedHosts ?? [])];
    for (const name of names) {
      const host = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name.toLowerCase();
      this.allowedHosts.add(`${host}:${port}`);
      if (port === 80 || port === 443) this.allowedHosts.add(host);
    }
    return port;
  }

  /**
   * Refuses a request whose Host is not a name this host serves (a DNS-rebinding page reaches us
   * under its own name) or whose Origin, when a browser sent one, is another site's.
   */
  private refuseForeign(host: string | undefined, origin: string | undefined): { status: 403 | 421; error: string } | null {
    const h = (host ?? '').toLowerCase();
    if (!this.allowedHosts.has(h)) return { status: 421, error: `This host does not serve "${h || '(no Host header)'}": use the address it printed at start.` };
    if (origin !== undefined) {
      let originHost = '';
      try {
        originHost = new URL(origin).host.toLowerCase();
      } catch {
        originHost = '';
      }
      if (!this.allowedHosts.has(originHost) && !this.allowedHosts.has(`${originHost}:${origin.startsWith('https:') ? 443 : 80}`)) {
        return { status: 403, error: `Requests from pages of another site (${origin.slice(0, 100)}) are refused.` };
      }
    }
    return null;
  }

  public async close(): Promise<void> {
    this.ingestStream?.close();
    this.livePush.close();
    await this.app.close();
  }

  /** Refuses a connection beyond the per-address limit; the count falls when it closes. */
  private countConnection(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const n = (this.connectionsByAddress.get(address) ?? 0) + 1;
    if (n > hostLimits.connectionsPerAddress) {
      socket.destroy();
      return;
    }
    this.connectionsByAddress.set(address, n);
    socket.once('close', () => {
      const left = (this.connectionsByAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.connectionsByAddress.delete(address);
      else this.connectionsByAddress.set(address, left);
    });
  }

  private async rpc(req: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply): Promise<FastifyReply> {
    const name = req.params.name;
    const dot = name.indexOf('.');
    const api = name.slice(0, dot);
    const method = name.slice(dot + 1);
    let body: unknown;
    try {
      body = JSON.parse(typeof req.body === 'string' && req.body !== '' ? req.body : '{}');
    } catch (err) {
      return sendJson(reply, 400, { error: `Request body is not valid JSON: ${(err as Error).message}` });
    }
    const args = (body as { args?: unknown } | null)?.args ?? [];
    // A cross-site form can send neither a JSON content type nor a custom header without a CORS
    // preflight this host never approves; with a session the header must hold its CSRF token.
    // A source system authenticates with its bearer token, which no browser attaches by itself.
    const source = this.options.auth.resolveToken(bearer(req.headers.authorization), 'ingest');
    const csrf = req.headers[CSRF_HEADER];
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json') || (typeof csrf !== 'string' && !source)) {
      return sendJson(reply, 403, { error: `Contract calls need content-type application/json and the ${CSRF_HEADER} header.` });
    }
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    const session = source ? null : this.options.auth.resolveSession(token);
    // A reloaded page has its cookie but not its token: it asks whoAmI (which hands the token back
    // to this origin only: the response is unreadable cross-site) or signs in afresh. Those three
    // still need the JSON type and the header; every other call must match the session's token.
    const beforeToken = api === 'auth' && (method === 'whoAmI' || method === 'signIn' || method === 'signInWithToken');
    if (session && !beforeToken && csrf !== session.csrfToken) return sendJson(reply, 403, { error: 'The CSRF token does not match this session: reload the page.' });
    const secure = Boolean(this.options.tls);
    const sink: SessionSink = {
      token,
      begin: (t, expiresAtMs) => {
        const maxAge = Math.max(0, Math.floor((expiresAtMs - Date.now()) / 1000));
        reply.header('set-cookie', `${SESSION_COOKIE}=${t}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${secure ? '; Secure' : ''}`);
      },
      end: () => {
        reply.header('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${secure ? '; Secure' : ''}`);
      },
    };
    const context: CallContext = { caller: source ?? session?.principal ?? null, via: 'http', session: sink, from: req.ip };
    try {
      const result = await dispatch(this.options.services, api, method, args, context, this.options.wall ? 'view' : 'admin');
      if (isColumnar(result)) {
        const frame = encodeColumns(result as object);
        return reply.code(200).header('content-type', COLUMNS_CONTENT_TYPE).header('cache-control', 'no-store').send(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
      }
      return sendJson(reply, 200, result ?? null);
    } catch (err) {
      if (err instanceof UnknownMethodError) return sendJson(reply, 404, { error: err.message });
      if (err instanceof AccessDeniedError || err instanceof AuthError) return sendJson(reply, err.status, { error: err.message });
      if (err instanceof TypeError || err instanceof RangeError) return sendJson(reply, 400, { error: err.message });
      throw err;
    }
  }

  private async serveStatic(reply: FastifyReply, pathname: string): Promise<FastifyReply> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    } catch {
      return sendJson(reply, 400, { error: 'Malformed URL encoding' });
    }
    if (decoded.includes('\0')) return sendJson(reply, 400, { error: 'Malformed path' });
    const rel = normalize(decoded).replace(/^([/\\])+/, '');
    const file = resolve(join(this.staticRoot, rel));
    if (file !== this.staticRoot && !file.startsWith(this.staticRoot + sep)) return sendJson(reply, 403, { error: 'Forbidden' });
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      if (rel === 'index.html') {
        return sendJson(reply, 503, { error: 'The renderer is not built. Run "npm run build" first.' });
      }
      return sendJson(reply, 404, { error: `Not found: ${pathname}` });
    }
    const type = MIME[extname(file)] ?? 'application/octet-stream';
    reply.code(200).header('content-type', type);
    if (type.startsWith('text/html')) reply.header('content-security-policy', contentSecurityPolicy());
    // Hashed asset names never change; the HTML always revalidates.
    reply.header('cache-control', rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.send(await readFile(file));
  }
}

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send(JSON.stringify(body));
}

/** The value of cookie `name` in a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S{1,200})$/i.exec(header ?? '');
  return m ? m[1]! : null;
}
