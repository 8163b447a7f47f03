/**
 * Pushes the contract's events (`live.onLiveDelta`) to browsers over WebSocket
 * (`/api/v1/live`), as binary columnar frames: the web twin of Electron's `webContents.send`.
 * A slow client is skipped for a frame rather than buffered without bound (a wall left open for
 * days must not grow the host's memory).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppApi } from '../common/contract.ts';
import { encodeColumns } from '../../data/feed/columnar.ts';

/** Frames queued for one client beyond which new frames are dropped for it. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export class LivePush {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly unsubscribe: () => void;

  public constructor(api: AppApi) {
    this.unsubscribe = api.live.onLiveDelta((delta) => {
      if (this.wss.clients.size === 0) return;
      const frame = encodeColumns({ event: 'live.onLiveDelta', payload: delta });
      for (const ws of this.wss.clients) send(ws, frame);
    });
  }

  public upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  public close(): void {
    this.unsubscribe();
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}

function send(ws: WebSocket, frame: Uint8Array): void {
  if (ws.readyState !== ws.OPEN || ws.bufferedAmount > MAX_BUFFERED_BYTES) return;
  ws.send(frame, { binary: true });
}
