import type { Socket } from 'node:net';
import type { Logger } from 'pino';

/** What a connection asks of the broker for each complete request frame. */
export type FrameHandler = (frame: Buffer, connection: Connection) => Promise<Buffer[] | null>;

export interface ConnectionLimits {
  /** Largest request frame accepted (Kafka's socket.request.max.bytes). */
  maxRequestBytes: number;
  /** Requests handled concurrently per connection before reading pauses. */
  maxInFlight: number;
}

/**
 * One client connection: splits the byte stream into size-prefixed frames, starts each request
 * as soon as it arrives (so pipelined produces share a group commit), and writes responses
 * strictly in request order, as Kafka clients require.
 */
export class Connection {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly inFlight: Promise<Buffer[] | null>[] = [];
  private draining = false;
  private closed = false;
  readonly remote: string;

  constructor(
    readonly socket: Socket,
    private readonly handle: FrameHandler,
    private readonly limits: ConnectionLimits,
    readonly log: Logger,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.log.debug({ err, remote: this.remote }, 'connection error'));
    socket.on('close', () => {
      this.closed = true;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the connection, logging why. Used for frames that cannot be answered. */
  abort(reason: string): void {
    if (this.closed) return;
    this.log.warn({ remote: this.remote, reason }, 'closing connection');
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (!this.closed && this.pendingBytes >= 4) {
      const size = this.peekSize();
      if (size < 0 || size > this.limits.maxRequestBytes) {
        this.abort(
          `request size ${size} outside 0..${this.limits.maxRequestBytes} (socket.request.max.bytes)`,
        );
        return;
      }
      if (this.pendingBytes < 4 + size) return;
      const frame = this.take(4 + size).subarray(4);
      this.inFlight.push(this.safely(frame));
      if (this.inFlight.length >= this.limits.maxInFlight) this.socket.pause();
      void this.drain();
    }
  }

  private peekSize(): number {
    const first = this.pending[0];
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.alloc(4);
    let filled = 0;
    for (const chunk of this.pending) {
      filled += chunk.copy(head, filled, 0, Math.min(chunk.length, 4 - filled));
      if (filled === 4) break;
    }
    return head.readInt32BE(0);
  }

  /** Removes the next n bytes from the pending chunks, copying only when a frame spans chunks. */
  private take(n: number): Buffer {
    const first = this.pending[0];
    this.pendingBytes -= n;
    if (first.length >= n) {
      if (first.length === n) this.pending.shift();
      else this.pending[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.pending[0];
      const used = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.pending.shift();
      else this.pending[0] = chunk.subarray(used);
    }
    return out;
  }

  private async safely(frame: Buffer): Promise<Buffer[] | null> {
    try {
      return await this.handle(frame, this);
    } catch (err) {
      this.log.error({ err, remote: this.remote }, 'request failed');
      this.abort(`request failed: ${(err as Error).message}`);
      return null;
    }
  }

  /** Writes finished responses in arrival order; a slow request holds back the ones behind it. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.inFlight.length > 0 && !this.closed) {
        const response = await this.inFlight[0];
        this.inFlight.shift();
        if (response && !this.closed) this.write(response);
        if (this.inFlight.length < this.limits.maxInFlight && this.socket.isPaused() && !this.writeBlocked) {
          this.socket.resume();
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private writeBlocked = false;

  private write(chunks: Buffer[]): void {
    this.socket.cork();
    let ok = true;
    for (const chunk of chunks) ok = this.socket.write(chunk);
    this.socket.uncork();
    if (!ok && !this.writeBlocked) {
      // The client is not reading: stop taking requests until it catches up.
      this.writeBlocked = true;
      this.socket.pause();
      this.socket.once('drain', () => {
        this.writeBlocked = false;
        if (this.inFlight.length < this.limits.maxInFlight) this.socket.resume();
      });
    }
  }
}
