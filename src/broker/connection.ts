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
    return Buffer.concat(this.pending).readInt32BE(0);
  }

  private take(n: number): Buffer {
    let out: Buffer;
    const first = this.pending[0];
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.pending.shift();
      else this.pending[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.pending, this.pendingBytes);
      out = all.subarray(0, n);
      this.pending = all.length > n ? [all.subarray(n)] : [];
    }
    this.pendingBytes -= n;
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
