/** Something that waits for request memory and retries when some is released. */
export interface MemoryWaiter {
  retryReserve(): void;
}

/** Frames up to this size are "small": ordinary produce, fetch, group and metadata requests. */
export const SMALL_FRAME_BYTES = 1024 * 1024;

/**
 * The broker-wide budget for buffered request bytes (Kafka's queued.max.request.bytes and its
 * MemoryPool). A connection reserves a whole frame once it has read the frame's size, and the
 * reservation lasts until the request has been handled. Like Kafka's non-strict pool, a
 * reservation is granted while anything is left, so one frame may overshoot the limit by up to
 * socket.request.max.bytes; a connection refused waits, not reading, until memory is released.
 *
 * Unlike Kafka's pool, large frames (over SMALL_FRAME_BYTES) may take only what is left after a
 * reserve for small ones (a quarter of the limit), and each size class queues on its own: a few
 * huge frames that never complete cannot stop every producer and consumer until they time out.
 * The worst case stays the limit plus one maximal frame.
 */
export class RequestMemoryPool {
  private smallBytes = 0;
  private largeBytes = 0;
  private readonly smallWaiters = new Set<MemoryWaiter>();
  private readonly largeWaiters = new Set<MemoryWaiter>();
  /** Bytes that only small frames may use. */
  readonly smallReserve: number;
  /** Times a connection had to wait for memory, for the metric. */
  waits = 0;

  constructor(readonly limit: number) {
    this.smallReserve = Math.floor(limit / 4);
  }

  get used(): number {
    return this.smallBytes + this.largeBytes;
  }

  get waiting(): number {
    return this.smallWaiters.size + this.largeWaiters.size;
  }

  /** Reserves `bytes` if its size class has budget left; otherwise queues `waiter` and returns false. */
  tryReserve(bytes: number, waiter: MemoryWaiter): boolean {
    const small = bytes <= SMALL_FRAME_BYTES;
    const waiters = small ? this.smallWaiters : this.largeWaiters;
    const first = waiters.size === 0 || waiters.values().next().value === waiter;
    if (first && this.hasRoom(small)) {
      waiters.delete(waiter);
      if (small) this.smallBytes += bytes;
      else this.largeBytes += bytes;
      return true;
    }
    if (!waiters.has(waiter)) {
      this.waits++;
      waiters.add(waiter);
    }
    return false;
  }

  release(bytes: number): void {
    if (bytes <= 0) return;
    if (bytes <= SMALL_FRAME_BYTES) this.smallBytes -= bytes;
    else this.largeBytes -= bytes;
    this.wake();
  }

  /** Drops a waiter that went away (its connection closed). */
  forget(waiter: MemoryWaiter): void {
    const was = this.smallWaiters.delete(waiter) || this.largeWaiters.delete(waiter);
    if (was) this.wake();
  }

  private hasRoom(small: boolean): boolean {
    if (small) return this.used < this.limit || this.smallBytes < this.smallReserve;
    return this.largeBytes < this.limit - this.smallReserve && this.used < this.limit;
  }

  private wake(): void {
    // First come, first served within each class: wake waiters in order while there is room. A
    // woken waiter reserves (leaving its queue) or stays queued, which stops that class's loop.
    for (const [small, waiters] of [
      [true, this.smallWaiters],
      [false, this.largeWaiters],
    ] as const) {
      for (const waiter of waiters) {
        if (!this.hasRoom(small)) break;
        waiter.retryReserve();
        if (waiters.has(waiter)) break;
      }
    }
  }
}
