/**
 * Pushes the contract's events (every section's `onX` members) to browsers over WebSocket
 * (`/api/v1/live`), as binary columnar frames: the web twin of Electron's `webContents.send`.
 * A slow client is skipped for a frame rather than buffered without bound (a wall left open for
 * days must not grow the host's memory).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { contractEvents, type AppApi } from '../common/contract.ts';
import { encodeColumns } from '../../data/feed/columnar.ts';
import { seesNoOne, type Principal } from '../common/access.ts';
import { WALL_VIEW_OF_EVENT } from '../services/wallView.ts';

/** Frames queued for one client beyond which new frames are dropped for it. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Clients only listen on this socket: anything they send is small (ws's pongs) or a mistake. */
const MAX_CLIENT_MESSAGE = 1024;
/** A client that has not answered a ping within this is gone (a wall whose network dropped). */
const HEARTBEAT_MS = 30_000;

export class LivePush {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE, perMessageDeflate: false });
  private readonly unsubscribe: () => void;
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly callers = new WeakMap<WebSocket, Principal>();

  public constructor(api: AppApi, log: (line: string) => void = () => undefined) {
    // Every event the contract's sections push (contractEvents), not a hard-coded topic: a feature
    // module's push reaches browsers as Electron's windows, with no change here.
    const unsubscribers = contractEvents().map(({ api: section, method }) => {
      const name = `${section}.${method}`;
      const subscribe = (api[section] as unknown as Record<string, (l: (payload: unknown) => void) => () => void>)[method]!;
      const forWall = WALL_VIEW_OF_EVENT[name];
      return subscribe.call(api[section], (payload) => {
        if (this.wss.clients.size === 0) return;
        // One frame per view, encoded only if a socket of that view is open: walls get the wall
        // view (aggregates only, wallView.ts) or nothing; a socket with no known caller counts as a wall.
        let full: Uint8Array | null = null;
        let wall: Uint8Array | null = null;
        for (const ws of this.wss.clients) {
          const caller = this.callers.get(ws);
          if (!caller || seesNoOne(caller)) {
            if (forWall) send(ws, (wall ??= encodeColumns({ event: name, payload: forWall(payload) })));
          } else send(ws, (full ??= encodeColumns({ event: name, payload })));
        }
      });
    });
    this.unsubscribe = () => unsubscribers.forEach((u) => u());
    this.wss.on('error', (err) => log(`live push: ${err.message}`));
    this.wss.on('wsClientError', (_err, socket) => socket.destroy());
    this.wss.on('connection', (ws) => {
      // A malformed or oversized frame from a page: ws closes that connection; the listener keeps
      // the error from reaching the process.
      ws.on('error', (err) => log(`live push: connection closed: ${err.message}`));
      // Nothing is expected from a client; a message is ignored (an oversized one closes it).
      ws.on('message', () => undefined);
      this.alive.add(ws);
      ws.on('pong', () => this.alive.add(ws));
    });
    this.heartbeat = setInterval(() => {
      for (const ws of this.wss.clients) {
        if (!this.alive.has(ws)) {
          ws.terminate();
          continue;
        }
        this.alive.delete(ws);
        ws.ping();
      }
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** `caller`: who this socket was opened by (a wall gets the wall's view of each delta). */
  public upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, caller: Principal): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.callers.set(ws, caller);
      this.wss.emit('connection', ws, req);
    });
  }

  public close(): void {
    clearInterval(this.heartbeat);
    this.unsubscribe();
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}

function send(ws: WebSocket, frame: Uint8Array): void {
  if (ws.readyState !== ws.OPEN || ws.bufferedAmount > MAX_BUFFERED_BYTES) return;
  ws.send(frame, { binary: true });
}
