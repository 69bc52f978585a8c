import type { PartitionReader } from '../../client/index.js';

export interface ReaderPoolOptions {
  /** Opens a reader of the pool's partition of the logs topic. */
  open: () => Promise<PartitionReader>;
  /** Most readers open (busy or idle) at once, over all queries. */
  size: number;
  /** An idle reader is closed after this long unused. */
  idleMs: number;
}

interface Idle {
  reader: PartitionReader;
  since: number;
}

/** Thrown to a query waiting for a reader when it is cancelled or the pool closes. */
export class ReaderPoolClosed extends Error {
  override name = 'ReaderPoolClosed';
}

/**
 * The readers queries use for one partition, shared: at most `size` exist, so the platform's
 * connections to Kafka stay the same however many queries (and live tails, which start with
 * one) run at once. A query takes a reader for one range and gives it back; the others wait
 * their turn in order.
 */
export class ReaderPool {
  private readonly idle: Idle[] = [];
  private busy = 0;
  private readonly waiters: Array<() => void> = [];
  private closed = false;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: ReaderPoolOptions) {
    this.sweeper = setInterval(() => this.closeIdle(Date.now() - options.idleMs), options.idleMs);
    this.sweeper.unref();
  }

  /** Readers open now (busy and idle). */
  get open(): number {
    return this.busy + this.idle.length;
  }

  /** A reader, waiting while all are in use; give it back with `release`. */
  async acquire(signal?: AbortSignal): Promise<PartitionReader> {
    await this.turn(signal);
    // The most recently used one: the others may then stay idle long enough to be closed.
    const idle = this.idle.pop();
    if (idle) return idle.reader;
    try {
      return await this.options.open();
    } catch (err) {
      this.giveBack();
      throw err;
    }
  }

  /** Returns a reader; a `broken` one (its read failed) is closed instead of kept. */
  release(reader: PartitionReader, broken = false): void {
    if (broken || this.closed) void reader.close();
    else this.idle.push({ reader, since: Date.now() });
    this.giveBack();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const wake of this.waiters.splice(0)) wake();
    await Promise.all(this.idle.splice(0).map((r) => r.reader.close()));
  }

  /** Takes one of `size` slots, in arrival order. */
  private async turn(signal?: AbortSignal): Promise<void> {
    if (this.closed) throw new ReaderPoolClosed('the log store is closed');
    if (this.busy < this.options.size && this.waiters.length === 0) {
      this.busy++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiters.indexOf(wake);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new ReaderPoolClosed('the query stopped while waiting for a reader'));
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        if (this.closed) reject(new ReaderPoolClosed('the log store is closed'));
        else resolve();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(wake);
    });
  }

  /** Frees a slot: the next waiter takes it over (busy stays the same), else it is free. */
  private giveBack(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.busy--;
  }

  private closeIdle(before: number): void {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      if (this.idle[i].since <= before) void this.idle.splice(i, 1)[0].reader.close();
    }
  }
}
