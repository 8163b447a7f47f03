/**
 * The ingest API over HTTP and WebSocket (README "Ingest API"). Replies come only after the
 * events are committed (IngestService), so an acknowledged event survives a crash.
 *
 *   POST /api/v1/events            NDJSON (one event per line) or a JSON array / object
 *   WS   /api/v1/events/stream     each message NDJSON or JSON; one ack message per message
 *
 * Every way a request can fail has an answer a producer can act on: 413 too large (split it), 422
 * mostly garbage (fix the producer), 503 with Retry-After (the host cannot write now: retry).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseJsonSafely } from '../../data/feed/events.ts';
import { IngestRefusedError, IngestUnavailableError, type IngestResult, type IngestService } from '../services/IngestService.ts';

/** Bodies above this are refused whole with 413: split them into batches. */
export const MAX_INGEST_BODY = 8 * 1024 * 1024;
/** WebSocket messages a producer may have waiting for their acks; beyond it its socket is paused. */
const MAX_MESSAGES_IN_FLIGHT = 16;

/**
 * `allowed` says whether a request's Authorization header carries an ingest token (or the host
 * runs with --open-ingest). It runs before the body is read, so a stranger's 8 MB costs nothing.
 */
export function registerIngestRoutes(app: FastifyInstance, ingest: IngestService, allowed: (authorization: string | undefined) => boolean): void {
  app.post('/api/v1/events', {
    bodyLimit: MAX_INGEST_BODY,
    onRequest: async (req, reply) => {
      if (!allowed(req.headers.authorization)) {
        return sendJson(reply, 401, { error: 'An ingest token is required: send Authorization: Bearer <token> (an administrator creates one with civictwin token add --kind ingest).' });
      }
    },
  }, async (req, reply) => {
    const body = typeof req.body === 'string' ? req.body : '';
    try {
      return sendJson(reply, 200, await ingest.ingestText(body, 'http'));
    } catch (err) {
      return answerIngestFailure(reply, err);
    }
  });
  app.route({ method: ['GET', 'PUT', 'DELETE', 'PATCH'], url: '/api/v1/events', handler: async (_req, reply) => sendJson(reply, 405, { error: 'POST events to this endpoint.' }) });
}

/** 413/422 for a refused request, 503 + Retry-After when the host cannot write; else rethrow (500). */
function answerIngestFailure(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof IngestRefusedError) return sendJson(reply, err.status, { error: err.message, accepted: 0 });
  if (err instanceof IngestUnavailableError) {
    reply.header('retry-after', String(err.retryAfterS));
    return sendJson(reply, 503, { error: err.message, accepted: 0 });
  }
  throw err;
}

/** Accepts WebSocket ingest connections on /api/v1/events/stream. */
export class IngestStream {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_INGEST_BODY, perMessageDeflate: false });
  private readonly ingest: IngestService;
  private readonly log: (line: string) => void;

  public constructor(ingest: IngestService, log: (line: string) => void = () => undefined) {
    this.ingest = ingest;
    this.log = log;
    this.wss.on('connection', (ws) => this.serve(ws));
    this.wss.on('error', (err) => log(`ingest stream: ${err.message}`));
    // A handshake ws refuses (bad version, bad key): it answers and closes that socket itself.
    this.wss.on('wsClientError', (_err, socket) => socket.destroy());
  }

  public upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private serve(ws: WebSocket): void {
    // A malformed frame (bad opcode, RSV bits, unmasked, invalid UTF-8, oversized): ws closes the
    // connection with the right close code; the listener keeps the error from reaching the process.
    ws.on('error', (err) => this.log(`ingest stream: connection closed: ${err.message}`));
    let seq = 0;
    let inFlight = 0;
    // Messages are acknowledged in order.
    let chain = Promise.resolve();
    ws.on('message', (data) => {
      const n = ++seq;
      // A producer that sends faster than its messages commit waits (TCP backpressure) instead of
      // queueing without bound in the host.
      if (++inFlight >= MAX_MESSAGES_IN_FLIGHT) ws.pause();
      // Text frames were checked as UTF-8 by ws; binary ones decode with U+FFFD for bad bytes.
      const text = Buffer.concat(asBuffers(data)).toString('utf8');
      // Handed to the ingestor at once, in message order (so commits keep that order and several
      // messages share a group commit); only the acks wait for the ones before them.
      const { batch, body } = unwrapBatch(text);
      const outcome = this.ingest.ingestText(body, 'ws');
      outcome.catch(() => undefined); // answered in order below
      chain = chain.then(async () => {
        try {
          try {
            const result: IngestResult = await outcome;
            send(ws, { ack: batch ?? n, ...result });
          } catch (err) {
            if (err instanceof IngestRefusedError) send(ws, { ack: batch ?? n, accepted: 0, refused: err.message });
            else if (err instanceof IngestUnavailableError) send(ws, { ack: batch ?? n, error: `not committed: ${err.message}`, retryAfterS: err.retryAfterS });
            else send(ws, { ack: batch ?? n, error: `not committed: ${(err as Error).message}; resend this batch` });
          }
        } finally {
          if (--inFlight < MAX_MESSAGES_IN_FLIGHT && ws.isPaused) ws.resume();
        }
      });
    });
  }

  public close(): void {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}

function asBuffers(data: Buffer | ArrayBuffer | Buffer[]): Buffer[] {
  if (Array.isArray(data)) return data;
  return [Buffer.isBuffer(data) ? data : Buffer.from(data)];
}

/** `{ "batch": "b-17", "events": [...] }` carries a producer's own batch id for the ack. */
function unwrapBatch(text: string): { batch: string | number | null; body: string } {
  if (!text.trimStart().startsWith('{"batch"')) return { batch: null, body: text };
  const parsed = parseJsonSafely(text);
  if (!parsed.ok) return { batch: null, body: text };
  const v = parsed.value as { batch?: unknown; events?: unknown };
  const batchOk = (typeof v.batch === 'string' && v.batch.length <= 128) || (typeof v.batch === 'number' && Number.isFinite(v.batch));
  if (batchOk && Array.isArray(v.events)) {
    try {
      return { batch: v.batch as string | number, body: JSON.stringify(v.events) };
    } catch {
      // Nested too deep to serialise: hand the raw text on; validation names what is wrong.
      return { batch: v.batch as string | number, body: text };
    }
  }
  return { batch: null, body: text };
}

function send(ws: WebSocket, value: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(value));
}

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send(JSON.stringify(body));
}
