import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { ReceivedBytes } from './received-bytes.js';
import type { MemoryWaiter, RequestMemoryPool } from './request-memory.js';

/** A response frame as buffers for a vectored write. */
export interface Reply {
  chunks: Buffer[];
  /**
   * Runs once the connection no longer refers to `chunks`: after they reached the kernel, or
   * when they are dropped unwritten. Not after a failed write (the socket may still hold them).
   */
  sent?: () => void;
}

/** What a connection asks of the broker for each complete request frame. */
export type FrameHandler = (frame: Buffer, connection: Connection) => Promise<Reply | null>;

export interface ConnectionLimits {
  /** Largest request frame accepted (Kafka's socket.request.max.bytes). */
  maxRequestBytes: number;
  /** Requests queued or handled per connection before reading pauses. */
  maxInFlight: number;
  /** Unsent response bytes above which a connection neither reads nor starts requests. */
  maxUnsentResponseBytes: number;
  /** A frame still incomplete this long after its first byte closes the connection. */
  frameTimeoutMs: number;
  /** Closes a connection with no traffic and no request being handled (connections.max.idle.ms). */
  idleTimeoutMs: number;
}

/** Why the broker closed a connection; `client` when the peer did. */
export type CloseReason = 'client' | 'idle' | 'frame_timeout' | 'invalid_request' | 'shutdown';

/** What all connections of one broker share. */
export interface ConnectionEnv {
  readonly limits: ConnectionLimits;
  readonly pool: RequestMemoryPool;
  /** Response bytes handed to sockets and not yet flushed to the kernel, all connections. */
  readonly responses: { unsent: number };
  readonly handle: FrameHandler;
  /** Requests whose response may be large (Fetch): started only once earlier responses are written. */
  readonly startsAlone: (frame: Buffer) => boolean;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  readonly onClose: (connection: Connection, reason: CloseReason) => void;
  readonly log: Logger;
}

interface Entry {
  frame: Buffer;
  /** Pool bytes held until the handler settles. */
  reserved: number;
  settled: boolean;
  response: Reply | null;
}

/**
 * One client connection: splits the byte stream into size-prefixed frames, starts requests in
 * order and writes responses strictly in request order, as Kafka clients require. Requests
 * start eagerly (pipelined produces share a group commit), except that nothing starts while
 * the client leaves responses unread, and a Fetch waits until every earlier response is
 * written, so at most one large response is being prepared or held per connection.
 */
export class Connection implements MemoryWaiter {
  private readonly received = new ReceivedBytes();
  /** Size of the frame being received once reserved, else -1. */
  private frameSize = -1;
  private readonly queue: Entry[] = [];
  private started = 0;
  private running = 0;
  private closed = false;
  private closeReason: CloseReason | undefined;
  private paused = false;
  private waitingForMemory = false;
  private frameStartedAt: number | undefined;
  private lastActive: number;
  private lastSent = 0;
  /** This connection's share of env.responses.unsent. */
  private outstanding = 0;
  private readonly closing = new AbortController();
  readonly remote: string;
  readonly log: Logger;

  constructor(
    readonly socket: Socket,
    private readonly env: ConnectionEnv,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.log = env.log;
    this.lastActive = env.now();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.log.debug({ err, remote: this.remote }, 'connection error'));
    socket.on('close', () => this.onClosed());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Aborted when the connection closes, so long polls for it can stop. */
  get signal(): AbortSignal {
    return this.closing.signal;
  }

  /** Finished responses waiting for an earlier one to be written. */
  get readyResponseBytes(): number {
    let bytes = 0;
    for (const entry of this.queue)
      if (entry.response) for (const b of entry.response.chunks) bytes += b.length;
    return bytes;
  }

  /** Why reading is paused, if it is. */
  get blockedOn(): 'request_memory' | 'unsent_responses' | 'in_flight' | undefined {
    if (!this.paused) return undefined;
    if (this.waitingForMemory) return 'request_memory';
    return this.socket.writableLength > this.env.limits.maxUnsentResponseBytes
      ? 'unsent_responses'
      : 'in_flight';
  }

  /** Closes the connection, logging why. Used for frames that cannot be answered. */
  abort(reason: string, kind: CloseReason = 'invalid_request'): void {
    if (this.closed) return;
    this.log.warn({ remote: this.remote, reason }, 'closing connection');
    this.close(kind);
  }

  close(kind: CloseReason): void {
    if (this.closed) return;
    this.closeReason = kind;
    this.socket.destroy();
    this.onClosed();
  }

  /**
   * Called periodically: closes the connection if a frame has been incomplete for too long (the
   * clock stops only while the broker has no memory for it; a client that leaves responses
   * unread has, like Kafka clients after request.timeout.ms, given up on them anyway) or if
   * nothing has happened for the idle timeout.
   */
  checkTimeouts(now: number): void {
    if (this.closed) return;
    const sent = this.socket.bytesWritten - this.socket.writableLength;
    if (sent !== this.lastSent) {
      this.lastSent = sent;
      this.lastActive = now;
    }
    const { frameTimeoutMs, idleTimeoutMs } = this.env.limits;
    if (this.frameStartedAt !== undefined && now - this.frameStartedAt > frameTimeoutMs) {
      this.log.info({ remote: this.remote, frameTimeoutMs }, 'closing connection: request frame incomplete');
      this.close('frame_timeout');
    } else if (this.running === 0 && now - this.lastActive > idleTimeoutMs) {
      this.log.debug({ remote: this.remote, idleTimeoutMs }, 'closing idle connection');
      this.close('idle');
    }
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    const now = this.env.now();
    this.lastActive = now;
    if (this.received.length === 0) this.frameStartedAt = now;
    this.received.push(chunk);
    this.readFrames();
  }

  /** Takes every complete frame in hand, reserving pool memory for each before its body. */
  private readFrames(): void {
    const { limits, pool } = this.env;
    while (!this.closed && this.received.length >= 4) {
      if (this.frameSize < 0) {
        const size = this.received.peekInt32();
        if (size < 0 || size > limits.maxRequestBytes) {
          this.abort(`request size ${size} outside 0..${limits.maxRequestBytes} (socket.request.max.bytes)`);
          return;
        }
        if (!pool.tryReserve(4 + size, this)) {
          // Not our client's fault: the frame timer waits with it.
          this.waitingForMemory = true;
          this.frameStartedAt = undefined;
          break;
        }
        this.waitingForMemory = false;
        this.frameSize = size;
      }
      if (this.received.length < 4 + this.frameSize) break;
      const reserved = 4 + this.frameSize;
      const frame = this.received.take(reserved).subarray(4);
      this.frameSize = -1;
      this.frameStartedAt = this.received.length > 0 ? this.env.now() : undefined;
      this.queue.push({ frame, reserved, settled: false, response: null });
    }
    this.pump();
  }

  retryReserve(): void {
    if (this.closed) return;
    this.frameStartedAt = this.env.now();
    this.readFrames();
  }

  /** Starts queued requests as far as the limits allow, then decides whether to read. */
  private pump(): void {
    const { limits } = this.env;
    while (!this.closed && this.started < this.queue.length) {
      if (this.started >= limits.maxInFlight) break;
      if (this.socket.writableLength > limits.maxUnsentResponseBytes) break;
      const entry = this.queue[this.started];
      if (this.started > 0 && this.env.startsAlone(entry.frame)) break;
      this.started++;
      this.start(entry);
    }
    this.updateReading();
  }

  private updateReading(): void {
    const { limits } = this.env;
    const read =
      !this.closed &&
      !this.waitingForMemory &&
      this.queue.length < limits.maxInFlight &&
      this.socket.writableLength <= limits.maxUnsentResponseBytes;
    if (read === !this.paused) return;
    this.paused = !read;
    if (read) this.socket.resume();
    else this.socket.pause();
  }

  private start(entry: Entry): void {
    this.running++;
    this.env.handle(entry.frame, this).then(
      (response) => this.settle(entry, response),
      (err: Error) => {
        this.log.error({ err, remote: this.remote }, 'request failed');
        this.abort(`request failed: ${err.message}`);
        this.settle(entry, null);
      },
    );
  }

  private settle(entry: Entry, response: Reply | null): void {
    this.running--;
    this.env.pool.release(entry.reserved);
    entry.reserved = 0;
    entry.frame = EMPTY;
    entry.settled = true;
    if (this.closed) {
      response?.sent?.();
      return;
    }
    entry.response = response;
    this.writeReady();
    this.pump();
  }

  /** Writes finished responses in arrival order; a slow request holds back the ones behind it. */
  private writeReady(): void {
    while (this.queue.length > 0 && this.queue[0].settled && !this.closed) {
      const entry = this.queue.shift() as Entry;
      this.started--;
      if (entry.response) this.write(entry.response);
      entry.response = null;
    }
  }

  private write({ chunks, sent }: Reply): void {
    this.lastActive = this.env.now();
    let total = 0;
    for (const chunk of chunks) total += chunk.length;
    if (total === 0) {
      sent?.();
      return;
    }
    this.outstanding += total;
    this.env.responses.unsent += total;
    this.socket.cork();
    for (let i = 0; i < chunks.length - 1; i++) this.socket.write(chunks[i]);
    // Called once the last chunk reached the kernel: the client is reading, so go on. The chunks
    // of one response leave in order, so by then the kernel has copied every one of them.
    this.socket.write(chunks[chunks.length - 1], (err) => {
      if (!err) sent?.();
      if (this.closed) return;
      this.outstanding -= total;
      this.env.responses.unsent -= total;
      this.lastActive = this.env.now();
      this.pump();
    });
    this.socket.uncork();
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    const reason = this.closeReason ?? 'client';
    this.closing.abort();
    // Release what only this connection held: the frame being received and unstarted requests.
    const { pool } = this.env;
    pool.forget(this);
    this.env.responses.unsent -= this.outstanding;
    this.outstanding = 0;
    if (this.frameSize >= 0) pool.release(4 + this.frameSize);
    this.frameSize = -1;
    this.received.clear();
    this.frameStartedAt = undefined;
    for (const entry of this.queue.splice(this.started)) pool.release(entry.reserved);
    for (const entry of this.queue) {
      entry.response?.sent?.();
      entry.response = null;
    }
    this.env.onClose(this, reason);
  }
}

const EMPTY = Buffer.alloc(0);
