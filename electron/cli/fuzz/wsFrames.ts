/**
 * WebSocket from raw TCP: the handshake, client frames built byte by byte (so they can break
 * RFC 6455 on purpose) and a parser for what the host sends back. A ws library would refuse to
 * send most of what the fuzzer needs to send.
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

export interface FrameSpec {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  /** RSV1–3 bits as a 3-bit number (4 = RSV1). */
  rsv?: number;
  /** Clients must mask; false sends an unmasked frame. */
  mask?: boolean;
  /** Declared payload length, when it should differ from the payload sent (e.g. 2^53). */
  declaredLength?: bigint;
}

/** One frame as bytes. */
export function frame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const fin = spec.fin ?? true;
  const mask = spec.mask ?? true;
  const len = spec.declaredLength ?? BigInt(payload.length);
  const header: number[] = [(fin ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f)];
  const maskBit = mask ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (len < 126n) header.push(maskBit | Number(len));
  else if (len < 65536n) {
    header.push(maskBit | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(len));
  } else {
    header.push(maskBit | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(len);
  }
  if (!mask) return Buffer.concat([Buffer.from(header), ext, payload]);
  const key = randomBytes(4);
  const masked = Buffer.allocUnsafe(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i]! ^ key[i & 3]!;
  return Buffer.concat([Buffer.from(header), ext, key, masked]);
}

export const textFrame = (text: string | Buffer): Buffer => frame({ opcode: OP.text, payload: typeof text === 'string' ? Buffer.from(text) : text });
export const closePayload = (code: number, reason = ''): Buffer => {
  const b = Buffer.alloc(2 + Buffer.byteLength(reason));
  b.writeUInt16BE(code);
  b.write(reason, 2);
  return b;
};

/** A named frame sequence that breaks the protocol; the host must close that connection. */
export interface FrameAttack {
  name: string;
  frames: Buffer;
}

/**
 * Every protocol violation the issue lists (each killed the host on both WebSocket paths), plus
 * neighbours of each. Sent after a valid handshake.
 */
export function frameAttacks(): FrameAttack[] {
  const hello = Buffer.from('{"hello":1}');
  const attacks: FrameAttack[] = [
    { name: 'oversize length header (2^53)', frames: frame({ opcode: OP.text, payload: hello, declaredLength: 2n ** 53n }) },
    { name: 'length header with the top bit set (2^63)', frames: frame({ opcode: OP.binary, payload: hello, declaredLength: 2n ** 63n }) },
    { name: 'invalid UTF-8 in a text frame', frames: frame({ opcode: OP.text, payload: Buffer.from([0x7b, 0xff, 0xfe, 0xc0, 0xaf, 0x7d]) }) },
    { name: 'invalid UTF-8 across fragments', frames: Buffer.concat([frame({ opcode: OP.text, fin: false, payload: Buffer.from([0x22, 0xe4]) }), frame({ opcode: OP.continuation, payload: Buffer.from([0x41, 0x22]) })]) },
    { name: 'RSV1 set (no extension negotiated)', frames: frame({ opcode: OP.text, payload: hello, rsv: 4 }) },
    { name: 'RSV2 set', frames: frame({ opcode: OP.text, payload: hello, rsv: 2 }) },
    { name: 'RSV3 set', frames: frame({ opcode: OP.binary, payload: hello, rsv: 1 }) },
    { name: 'unmasked client frame', frames: frame({ opcode: OP.text, payload: hello, mask: false }) },
  ];
  for (const op of [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]) attacks.push({ name: `bad opcode ${op}`, frames: frame({ opcode: op, payload: hello }) });
  for (const code of [0, 999, 1005, 1006, 5000]) attacks.push({ name: `bad close code ${code}`, frames: frame({ opcode: OP.close, payload: closePayload(code) }) });
  attacks.push(
    { name: 'close with a 1-byte payload', frames: frame({ opcode: OP.close, payload: Buffer.from([3]) }) },
    { name: 'close reason with invalid UTF-8', frames: frame({ opcode: OP.close, payload: Buffer.concat([closePayload(1000), Buffer.from([0xff])]) }) },
    { name: 'oversize ping (126 bytes)', frames: frame({ opcode: OP.ping, payload: Buffer.alloc(126, 0x61) }) },
    { name: 'oversize ping (64 KB)', frames: frame({ opcode: OP.ping, payload: Buffer.alloc(65_536, 0x61) }) },
    { name: 'fragmented control frame (ping, FIN clear)', frames: frame({ opcode: OP.ping, payload: hello, fin: false }) },
    { name: 'fragmented close frame', frames: frame({ opcode: OP.close, payload: closePayload(1000), fin: false }) },
    { name: '9 MB message', frames: frame({ opcode: OP.binary, payload: Buffer.alloc(9 * 1024 * 1024, 0x31) }) },
    { name: '9 MB message in 1 MB fragments', frames: Buffer.concat(Array.from({ length: 9 }, (_, i) => frame({ opcode: i === 0 ? OP.text : OP.continuation, fin: i === 8, payload: Buffer.alloc(1024 * 1024, 0x31) }))) },
    { name: 'continuation without a start', frames: frame({ opcode: OP.continuation, payload: hello }) },
    { name: 'new message inside a fragmented one', frames: Buffer.concat([frame({ opcode: OP.text, fin: false, payload: hello }), frame({ opcode: OP.text, payload: hello })]) },
  );
  return attacks;
}

/** The two WebSocket paths of the host. */
export const WS_PATHS = ['/api/v1/events/stream', '/api/v1/live'] as const;

export interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/**
 * A raw WebSocket client connection. `frames` collects what the host sends; `closed` settles when
 * the TCP connection ends, with the close code the host sent (if any).
 */
export class RawWebSocket {
  public readonly socket: Socket;
  public closeCode: number | null = null;
  public readonly closed: Promise<{ code: number | null; error: string | null }>;
  public onFrame: ((f: ServerFrame) => void) | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private error: string | null = null;

  private constructor(socket: Socket, rest: Buffer) {
    this.socket = socket;
    this.closed = new Promise((ok) => socket.once('close', () => ok({ code: this.closeCode, error: this.error })));
    socket.on('error', (e) => (this.error = e.message));
    socket.on('data', (d: Buffer) => this.read(d));
    if (rest.length > 0) this.read(rest);
  }

  /** Connects and completes the handshake; rejects if the host does not answer 101 within `timeoutMs`. */
  public static open(port: number, path: string, timeoutMs = 5000, headers: Record<string, string> = {}, host = '127.0.0.1'): Promise<RawWebSocket> {
    return new Promise((ok, fail) => {
      const socket = connect(port, host);
      socket.setNoDelay(true);
      let head = Buffer.alloc(0);
      const timer = setTimeout(() => {
        socket.destroy();
        fail(new Error(`no WebSocket handshake answer from ${path} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onData = (d: Buffer): void => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('error', onError);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!/^HTTP\/1\.1 101/.test(status)) {
          socket.destroy();
          fail(new Error(`handshake refused on ${path}: ${status}`));
          return;
        }
        ok(new RawWebSocket(socket, head.subarray(end + 4)));
      };
      const onError = (e: Error): void => {
        clearTimeout(timer);
        fail(e);
      };
      socket.on('data', onData);
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
            Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') +
            '\r\n',
        );
      });
    });
  }

  /**
   * Writes bytes; resolves at once, or when the host reads again if it stopped reading (TCP
   * backpressure), or false when the connection is gone. A write callback alone can wait forever
   * on a socket the host ended.
   */
  public write(bytes: Buffer): Promise<boolean> {
    const s = this.socket;
    if (s.destroyed || s.writableEnded) return Promise.resolve(false);
    if (s.write(bytes)) return Promise.resolve(true);
    return new Promise((ok) => {
      const done = (v: boolean) => (): void => {
        s.off('drain', onDrain);
        s.off('close', onClose);
        ok(v);
      };
      const onDrain = done(true);
      const onClose = done(false);
      s.once('drain', onDrain);
      s.once('close', onClose);
    });
  }

  public get isOpen(): boolean {
    return !this.socket.destroyed && this.closeCode === null;
  }

  public destroy(): void {
    this.socket.destroy();
  }

  private read(d: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      let len = b[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      if (b[1]! & 0x80) at += 4; // servers do not mask, but do not trip over one that does
      if (b.length < at + len) return;
      const f = { opcode: b[0]! & 0x0f, payload: b.subarray(at, at + len) };
      this.buffer = b.subarray(at + len);
      if (f.opcode === OP.close) {
        this.closeCode = f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005;
        // Answer the close as a client should, then let the host end the TCP connection.
        if (!this.socket.destroyed) this.socket.write(frame({ opcode: OP.close, payload: f.payload.subarray(0, 2) }));
      }
      this.onFrame?.(f);
    }
  }
}
