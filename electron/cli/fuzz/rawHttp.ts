/**
 * HTTP from outside the host, two ways: ordinary requests over a keep-alive agent (fast, for
 * event batches), and raw bytes over TCP for what an HTTP client library will not send (a lying
 * Content-Length, broken chunking, a garbage request line), plus slow and idle connections.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface HttpAnswer {
  /** HTTP status, or null when the connection ended without one. */
  status: number | null;
  /** Response body size in bytes. */
  bytes: number;
  ms: number;
  /** The body parsed as JSON when it is small enough to be a summary (< 1 MB). */
  json: unknown;
  error: string | null;
}

export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets });
}

/** One request through `agent`; never throws (a failed request is an answer with status null). */
export function httpRequest(
  agent: Agent,
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | null,
  timeoutMs: number,
  host = '127.0.0.1',
): Promise<HttpAnswer> {
  const t0 = performance.now();
  return new Promise((ok) => {
    let done = false;
    const finish = (a: Omit<HttpAnswer, 'ms'>): void => {
      if (done) return;
      done = true;
      ok({ ...a, ms: performance.now() - t0 });
    };
    let req: ReturnType<typeof request>;
    try {
      req = request({ agent, host, port, method, path, headers: body ? { ...headers, 'content-length': String(body.length) } : headers }, onResponse);
    } catch (err) {
      // Node's client refuses some headers outright; such a request was never sent.
      finish({ status: null, bytes: 0, json: null, error: `not sent: ${(err as Error).message}` });
      return;
    }
    function onResponse(res: IncomingMessage): void {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes < 1024 * 1024) chunks.push(c);
      });
      res.on('end', () => {
        let json: unknown = null;
        if (bytes < 1024 * 1024) {
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            json = null;
          }
        }
        finish({ status: res.statusCode ?? null, bytes, json, error: null });
      });
      res.on('error', (e) => finish({ status: res.statusCode ?? null, bytes, json: null, error: e.message }));
    }
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => finish({ status: null, bytes: 0, json: null, error: e.message }));
    req.end(body ?? undefined);
  });
}

/**
 * Writes raw bytes on a new connection (optionally half-closing it) and reads until the host
 * answers in full or closes. The status is read from the first response line.
 */
export function rawExchange(port: number, bytes: Buffer, opts: { timeoutMs: number; halfClose?: boolean; host?: string }): Promise<HttpAnswer> {
  const t0 = performance.now();
  return new Promise((ok) => {
    const socket = connect(port, opts.host ?? '127.0.0.1');
    let got = Buffer.alloc(0);
    let error: string | null = null;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = got.subarray(0, Math.min(got.length, 4096)).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const headEnd = got.indexOf('\r\n\r\n');
      let json: unknown = null;
      if (headEnd > 0 && got.length < 1024 * 1024) {
        try {
          json = JSON.parse(got.subarray(headEnd + 4).toString('utf8'));
        } catch {
          json = null;
        }
      }
      ok({ status: m ? Number(m[1]) : null, bytes: Math.max(0, got.length - Math.max(0, headEnd + 4)), ms: performance.now() - t0, json, error });
    };
    const timer = setTimeout(() => {
      error = error ?? `no complete answer within ${opts.timeoutMs} ms`;
      finish();
    }, opts.timeoutMs);
    socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (responseComplete(got)) finish();
    });
    socket.on('error', (e) => (error = e.message));
    socket.on('close', finish);
    socket.once('connect', () => {
      socket.write(bytes);
      if (opts.halfClose) socket.end();
    });
  });
}

/** True once a full response (head and its Content-Length or chunked body) has arrived. */
function responseComplete(b: Buffer): boolean {
  const end = b.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const head = b.subarray(0, end).toString('latin1').toLowerCase();
  const cl = /\r\ncontent-length: *(\d+)/.exec(head);
  if (cl) return b.length >= end + 4 + Number(cl[1]);
  if (/\r\ntransfer-encoding: *chunked/.test(head)) return b.subarray(b.length - 5).toString('latin1') === '0\r\n\r\n';
  return false; // read until close
}

export interface RawHttpAttack {
  name: string;
  bytes: Buffer;
  /** Send FIN after the bytes (a client that gives up mid-body). */
  halfClose?: boolean;
}

/** Requests no HTTP library would send: lying lengths, broken chunking, broken request lines. */
export function rawHttpAttacks(event: string, auth = '', host = '127.0.0.1'): RawHttpAttack[] {
  const post = (headers: string, body: string | Buffer): Buffer =>
    Buffer.concat([Buffer.from(`POST /api/v1/events HTTP/1.1\r\nHost: ${host}\r\n${auth}${headers}\r\n`), Buffer.from(body)]);
  return [
    { name: 'Content-Length larger than the body, then FIN', bytes: post('Content-Length: 100000\r\n', event), halfClose: true },
    { name: 'Content-Length smaller than the body', bytes: post('Content-Length: 10\r\nConnection: close\r\n', event + '\n' + event) },
    { name: 'Content-Length negative', bytes: post('Content-Length: -1\r\n', event) },
    { name: 'Content-Length not a number', bytes: post('Content-Length: abc\r\n', event) },
    { name: 'Content-Length 2^64', bytes: post('Content-Length: 18446744073709551616\r\n', event) },
    { name: 'Content-Length 1e9 (declared over the limit)', bytes: post('Content-Length: 1000000000\r\n', event), halfClose: true },
    { name: 'two different Content-Length headers', bytes: post(`Content-Length: ${event.length}\r\nContent-Length: 5\r\n`, event) },
    { name: 'Content-Length and chunked together', bytes: post(`Content-Length: ${event.length}\r\nTransfer-Encoding: chunked\r\n`, event) },
    { name: 'chunked with a bad chunk size', bytes: post('Transfer-Encoding: chunked\r\nConnection: close\r\n', `zz\r\n${event}\r\n0\r\n\r\n`) },
    { name: 'chunked with a 2^64 chunk size', bytes: post('Transfer-Encoding: chunked\r\n', `ffffffffffffffffff\r\n${event}\r\n0\r\n\r\n`) },
    { name: 'chunked, cut off after one chunk, then FIN', bytes: post('Transfer-Encoding: chunked\r\n', `${event.length.toString(16)}\r\n${event}\r\n`), halfClose: true },
    { name: 'Transfer-Encoding: gzip', bytes: post(`Transfer-Encoding: gzip\r\nContent-Length: ${event.length}\r\n`, event) },
    { name: 'Content-Encoding: gzip on plain text', bytes: post(`Content-Encoding: gzip\r\nContent-Length: ${event.length}\r\nConnection: close\r\n`, event) },
    { name: 'garbage request line', bytes: Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 garbage\r\n\r\n') },
    { name: 'HTTP/2 preface', bytes: Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n') },
    { name: 'HTTP/0.9 request', bytes: Buffer.from('GET /api/health\r\n'), halfClose: true },
    { name: '100 KB header', bytes: Buffer.from(`GET /api/health HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`) },
    { name: '5,000 headers', bytes: Buffer.from(`GET /api/health HTTP/1.1\r\nHost: ${host}\r\n${Array.from({ length: 5000 }, (_, i) => `X-H${i}: 1\r\n`).join('')}\r\n`) },
    { name: 'a bearer token with control characters', bytes: Buffer.from(`POST /api/v1/events HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer a b\u0001c\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`) },
    { name: 'NUL in a header value', bytes: Buffer.from(`GET /api/health HTTP/1.1\r\nHost: ${host}\r\nX-A: a\u0000b\r\nConnection: close\r\n\r\n`) },
    { name: '64 KB URL', bytes: Buffer.from(`GET /api/${'a'.repeat(65_536)} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`) },
    { name: 'percent-encoded traversal and bad escapes in the path', bytes: Buffer.from(`GET /%2e%2e/%2e%2e/etc/passwd%00%ff%fe%zz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`) },
    { name: 'absolute-form URL with a strange host', bytes: Buffer.from('GET http://[::1]:99999/api/health HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n') },
    { name: 'upgrade to websocket on a plain path', bytes: Buffer.from(`GET /api/health HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n\r\n`) },
    { name: 'websocket handshake with a bad version', bytes: Buffer.from(`GET /api/v1/events/stream HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 99\r\n\r\n`) },
    { name: 'websocket handshake without a key on /api/v1/live', bytes: Buffer.from(`GET /api/v1/live HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`) },
    { name: 'websocket handshake with a compression offer and a bad window', bytes: Buffer.from(`GET /api/v1/events/stream HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=99; client_max_window_bits=0\r\n\r\n`) },
    { name: 'pipelined garbage after a valid request', bytes: Buffer.from(`GET /api/health HTTP/1.1\r\nHost: ${host}\r\n\r\n\u0000\u0001\u0002GARBAGE / HTTP/9.9\r\n\r\n`) },
  ];
}

/**
 * A slowloris connection: sends a request a few bytes at a time, `intervalMs` apart, until the
 * host closes it or `maxMs` passes. Resolves with when the host closed it (null: never did).
 */
export function slowConnection(port: number, what: 'headers' | 'body', intervalMs: number, maxMs: number, host = '127.0.0.1'): { done: Promise<number | null>; stop: () => void } {
  const socket: Socket = connect(port, host);
  const t0 = performance.now();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const text =
    what === 'headers'
      ? 'POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n' + 'X-Slow: '.padEnd(4000, 'a')
      : 'POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n' + '1\n'.repeat(2000);
  let at = 0;
  const done = new Promise<number | null>((ok) => {
    socket.on('error', () => undefined);
    socket.once('close', () => {
      if (timer) clearInterval(timer);
      ok(stopped ? null : performance.now() - t0);
    });
    socket.once('connect', () => {
      timer = setInterval(() => {
        if (performance.now() - t0 > maxMs) {
          stopped = true;
          socket.destroy();
          return;
        }
        // Headers: past the request line in one go, then a byte at a time; a body likewise.
        const step = at === 0 ? text.indexOf('\r\n') + 2 : 2;
        socket.write(at < text.length ? text.slice(at, at + step) : what === 'headers' ? 'a' : '1');
        at += step;
      }, intervalMs);
    });
  });
  return {
    done,
    stop: () => {
      stopped = true;
      socket.destroy();
    },
  };
}

/** Opens `n` idle TCP connections (a client that connects and sends nothing). */
export async function idleConnections(port: number, n: number, host = '127.0.0.1'): Promise<{ sockets: Socket[]; closedByHost: () => number; close: () => void }> {
  let closedByHost = 0;
  let closing = false;
  const sockets = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Socket>((ok) => {
          const s = connect(port, host);
          s.on('error', () => undefined);
          s.once('close', () => !closing && closedByHost++);
          s.once('connect', () => ok(s));
          s.once('error', () => ok(s));
        }),
    ),
  );
  return {
    sockets,
    closedByHost: () => closedByHost,
    close: () => {
      closing = true;
      sockets.forEach((s) => s.destroy());
    },
  };
}
