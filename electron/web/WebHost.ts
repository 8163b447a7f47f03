/**
 * The web host (`civictwin serve`): the same renderer and the same contract over HTTP, for wall
 * controllers, second screens, machines without the Electron binary, and end-to-end tests.
 *
 *   GET  /…                      the built renderer (.build/renderer), with the CSP the app ships
 *   POST /api/rpc/<api>.<method> a contract call; body `{ "args": [...] }`; columnar results come
 *                                back as a binary frame (data/feed/columnar.ts), the rest as JSON
 *   GET  /api/health             liveness for watchdogs
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AppApi } from '../common/contract.ts';
import { COLUMNS_CONTENT_TYPE, encodeColumns, isColumnar } from '../../data/feed/columnar.ts';
import { dispatch, UnknownMethodError } from '../services/index.ts';
import { contentSecurityPolicy } from '../common/csp.ts';
import type { IngestService } from '../services/IngestService.ts';
import { handleEventsPost, IngestStream } from './ingestRoutes.ts';
import { LivePush } from './LivePush.ts';
import { LIVE_SOCKET_PATH } from '../common/contract.ts';

const MAX_RPC_BODY = 64 * 1024;

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
  /** Enables the ingest API (POST /api/v1/events, WS /api/v1/events/stream). */
  ingest?: IngestService;
  /** Folder with the built renderer. */
  staticDir: string;
  port: number;
  host?: string;
  log?: (line: string) => void;
}

export class WebHost {
  private readonly server: Server;
  private readonly options: WebHostOptions;
  private readonly staticRoot: string;
  private readonly ingestStream: IngestStream | null;
  private readonly livePush: LivePush;

  public constructor(options: WebHostOptions) {
    this.options = options;
    this.staticRoot = resolve(options.staticDir);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.options.log?.(`request failed: ${String(err)}`);
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal error; see the host log.' });
        else res.destroy();
      });
    });
    this.ingestStream = options.ingest ? new IngestStream(options.ingest) : null;
    this.livePush = new LivePush(options.services);
    this.server.on('upgrade', (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === '/api/v1/events/stream' && this.ingestStream) this.ingestStream.upgrade(req, socket, head);
      else if (path === LIVE_SOCKET_PATH) this.livePush.upgrade(req, socket, head);
      else socket.destroy();
    });
  }

  /** Resolves with the bound port once listening. */
  public listen(): Promise<number> {
    return new Promise((ok, fail) => {
      this.server.once('error', fail);
      this.server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => {
        const addr = this.server.address();
        ok(typeof addr === 'object' && addr ? addr.port : this.options.port);
      });
    });
  }

  public close(): Promise<void> {
    return new Promise((ok) => {
      this.ingestStream?.close();
      this.livePush.close();
      this.server.closeAllConnections();
      this.server.close(() => ok());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (url.pathname.startsWith('/api/rpc/')) return this.rpc(req, res, url.pathname.slice('/api/rpc/'.length));
    if (url.pathname === '/api/health') return sendJson(res, 200, { ok: true });
    if (url.pathname === '/api/v1/events') {
      if (!this.options.ingest) return sendJson(res, 404, { error: 'Ingest is not enabled on this host.' });
      return handleEventsPost(this.options.ingest, req, res);
    }
    if (url.pathname.startsWith('/api/')) return sendJson(res, 404, { error: `No such endpoint: ${url.pathname}` });
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'Method not allowed' });
    return this.serveStatic(res, url.pathname);
  }

  private async rpc(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'Use POST for contract calls.' });
    const dot = name.indexOf('.');
    const api = name.slice(0, dot);
    const method = name.slice(dot + 1);
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, MAX_RPC_BODY)) || '{}');
    } catch (err) {
      return sendJson(res, 400, { error: `Request body is not valid JSON: ${(err as Error).message}` });
    }
    const args = (body as { args?: unknown } | null)?.args ?? [];
    try {
      const result = await dispatch(this.options.services, api, method, args);
      if (isColumnar(result)) {
        const frame = encodeColumns(result as object);
        res.writeHead(200, { 'content-type': COLUMNS_CONTENT_TYPE, 'content-length': frame.byteLength, 'cache-control': 'no-store' });
        res.end(frame);
        return;
      }
      sendJson(res, 200, result ?? null);
    } catch (err) {
      if (err instanceof UnknownMethodError) return sendJson(res, 404, { error: err.message });
      if (err instanceof TypeError || err instanceof RangeError) return sendJson(res, 400, { error: err.message });
      throw err;
    }
  }

  private async serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    const rel = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname)).replace(/^([/\\])+/, '');
    const file = resolve(join(this.staticRoot, rel));
    if (file !== this.staticRoot && !file.startsWith(this.staticRoot + sep)) return sendJson(res, 403, { error: 'Forbidden' });
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      if (rel === 'index.html') {
        return sendJson(res, 503, { error: 'The renderer is not built. Run "npm run build" first.' });
      }
      return sendJson(res, 404, { error: `Not found: ${pathname}` });
    }
    const type = MIME[extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string> = { 'content-type': type };
    if (type.startsWith('text/html')) headers['content-security-policy'] = contentSecurityPolicy();
    // Hashed asset names never change; the HTML always revalidates.
    headers['cache-control'] = rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    res.writeHead(200, headers);
    res.end(await readFile(file));
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        fail(new Error(`body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}
