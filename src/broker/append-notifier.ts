/**
 * Wakes long-polling fetches when one of the partitions they wait on gets new data. Every
 * append bumps a sequence number, so a fetch can take a `mark()` before it reads and wait
 * only for appends after it: one that lands while the reads are in progress is not missed.
 */
export class AppendNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Sequence number of the last append per partition key. */
  private readonly lastAppend = new Map<string, number>();
  private sequence = 0;

  notify(partitionKey: string): void {
    this.lastAppend.set(partitionKey, ++this.sequence);
    const set = this.waiters.get(partitionKey);
    if (!set) return;
    this.waiters.delete(partitionKey);
    for (const wake of set) wake();
  }

  /** The current position; pass it to wait() to count appends made after this point. */
  mark(): number {
    return this.sequence;
  }

  /**
   * Resolves on the first append to any of the partitions after `since` (at once if one
   * already happened), after timeoutMs, or when `signal` aborts.
   */
  wait(
    partitionKeys: readonly string[],
    timeoutMs: number,
    since?: number,
    signal?: AbortSignal,
  ): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    if (since !== undefined && partitionKeys.some((k) => (this.lastAppend.get(k) ?? 0) > since)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', wake);
        for (const key of partitionKeys) {
          const set = this.waiters.get(key);
          set?.delete(wake);
          if (set?.size === 0) this.waiters.delete(key);
        }
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      signal?.addEventListener('abort', wake, { once: true });
      for (const key of partitionKeys) {
        let set = this.waiters.get(key);
        if (!set) {
          set = new Set();
          this.waiters.set(key, set);
        }
        set.add(wake);
      }
    });
  }

  /** How many fetches wait on appends to this partition now (tests wait for a fetch to park). */
  waitingOn(partitionKey: string): number {
    return this.waiters.get(partitionKey)?.size ?? 0;
  }

  /** Wakes everyone, e.g. on shutdown. */
  wakeAll(): void {
    for (const key of [...this.waiters.keys()]) {
      const set = this.waiters.get(key);
      this.waiters.delete(key);
      for (const wake of set ?? []) wake();
    }
  }
}
