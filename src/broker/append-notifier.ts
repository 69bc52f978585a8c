/** Wakes long-polling fetches when one of the partitions they wait on gets new data. */
export class AppendNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();

  notify(partitionKey: string): void {
    const set = this.waiters.get(partitionKey);
    if (!set) return;
    this.waiters.delete(partitionKey);
    for (const wake of set) wake();
  }

  /** Resolves on the first append to any of the partitions, or after timeoutMs. */
  wait(partitionKeys: readonly string[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        for (const key of partitionKeys) this.waiters.get(key)?.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
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

  /** Wakes everyone, e.g. on shutdown. */
  wakeAll(): void {
    for (const key of [...this.waiters.keys()]) this.notify(key);
  }
}
