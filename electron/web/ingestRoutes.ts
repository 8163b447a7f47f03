/**
 * The ingest API over HTTP and WebSocket (README "Ingest API"). Replies come only after the
 * events are committed (IngestService), so an acknowledged event survives a crash.
 *
 *   POST /api/v1/events            NDJSON (one event per line) or a JSON array / object
 *   WS   /api/v1/events/stream     each message NDJSON or JSON; one ack message per message
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseJsonSafely } from '../../data/feed/events.ts';
import type { IngestService } from '../services/IngestService.ts';

/** Bodies above this are refused whole with 413: split them into batches. */
export const MAX_INGEST_BODY = 8 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((ok, fail) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      fail(new BodyTooLargeError(`body of ${declared} bytes is larger than ${limit}`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        fail(new BodyTooLargeError(`body larger than ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => !failed && ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

export async function handleEventsPost(ingest: IngestService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST events to this endpoint.' });
  let body: string;
  try {
    body = await readBody(req, MAX_INGEST_BODY);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      return sendJson(res, 413, { error: `${err.message}: send at most ${MAX_INGEST_BODY} bytes per request (split into batches).` });
    }
    throw err;
  }
  const result = await ingest.ingestText(body, 'http');
  sendJson(res, 200, result);
}

/** Accepts WebSocket ingest connections on /api/v1/events/stream. */
export class IngestStream {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INGEST_BODY });
  private readonly ingest: IngestService;

  public constructor(ingest: IngestService) {
    this.ingest = ingest;
    this.wss.on('connection', (ws) => this.serve(ws));
  }

  public upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private serve(ws: WebSocket): void {
    let seq = 0;
    // Messages are acknowledged in order: each waits for the previous one's commit.
    let chain = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      const n = ++seq;
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : (data as Buffer).toString('utf8');
      chain = chain.then(async () => {
        try {
          const { batch, body } = unwrapBatch(text);
          const result = await this.ingest.ingestText(body, 'ws');
          send(ws, { ack: batch ?? n, ...result });
        } catch (err) {
          send(ws, { ack: n, error: `not committed: ${(err as Error).message}; resend this batch` });
        }
      });
    });
  }

  public close(): void {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}

/** `{ "batch": "b-17", "events": [...] }` carries a producer's own batch id for the ack. */
function unwrapBatch(text: string): { batch: string | number | null; body: string } {
  if (!text.trimStart().startsWith('{"batch"')) return { batch: null, body: text };
  const parsed = parseJsonSafely(text);
  if (!parsed.ok) return { batch: null, body: text };
  const v = parsed.value as { batch?: unknown; events?: unknown };
  if ((typeof v.batch === 'string' || typeof v.batch === 'number') && Array.isArray(v.events)) {
    return { batch: v.batch, body: JSON.stringify(v.events) };
  }
  return { batch: null, body: text };
}

function send(ws: WebSocket, value: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(value));
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
