/** Something that waits for request memory and retries when some is released. */
export interface MemoryWaiter {
  retryReserve(): void;
}

/**
 * The broker-wide budget for buffered request bytes (Kafka's queued.max.request.bytes and its
 * MemoryPool). A connection reserves a whole frame once it has read the frame's size, and the
 * reservation lasts until the request has been handled. Like Kafka's non-strict pool, a
 * reservation is granted while anything is left, so one frame may overshoot the limit by up to
 * socket.request.max.bytes; a connection refused waits, not reading, until memory is released.
 */
export class RequestMemoryPool {
  private usedBytes = 0;
  private readonly waiters = new Set<MemoryWaiter>();
  /** Times a connection had to wait for memory, for the metric. */
  waits = 0;

  constructor(readonly limit: number) {}

  get used(): number {
    return this.usedBytes;
  }

  get waiting(): number {
    return this.waiters.size;
  }

  /** Reserves `bytes` if any budget is left; otherwise queues `waiter` and returns false. */
  tryReserve(bytes: number, waiter: MemoryWaiter): boolean {
    if (this.usedBytes < this.limit && (this.waiters.size === 0 || this.waiters.has(waiter))) {
      this.waiters.delete(waiter);
      this.usedBytes += bytes;
      return true;
    }
    if (!this.waiters.has(waiter)) {
      this.waits++;
      this.waiters.add(waiter);
    }
    return false;
  }

  release(bytes: number): void {
    if (bytes <= 0) return;
    this.usedBytes -= bytes;
    this.wake();
  }

  /** Drops a waiter that went away (its connection closed). */
  forget(waiter: MemoryWaiter): void {
    if (this.waiters.delete(waiter)) this.wake();
  }

  private wake(): void {
    // First come, first served: wake waiters in order while budget remains. A woken waiter
    // reserves (leaving the queue) or stays queued, which stops the loop.
    for (const waiter of this.waiters) {
      if (this.usedBytes >= this.limit) break;
      waiter.retryReserve();
      if (this.waiters.has(waiter)) break;
    }
  }
}
