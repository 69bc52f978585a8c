/**
 * Coalesces concurrent durability requests into as few syncs as possible.
 *
 * A sync that is already running may have started before the caller's bytes were written, so a
 * caller arriving then waits for the next sync; every caller arriving during one sync shares that
 * next one. With N concurrent callers this costs at most two syncs, not N.
 */
export class GroupCommit {
  private running: Promise<void> | undefined;
  private next: PromiseWithResolvers<void> | undefined;

  constructor(private readonly sync: () => Promise<void>) {}

  /** True while a sync is in progress. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves once a sync that started after this call has completed. */
  request(): Promise<void> {
    if (this.running === undefined) return this.start();
    this.next ??= Promise.withResolvers<void>();
    return this.next.promise;
  }

  private start(): Promise<void> {
    const run = this.sync().finally(() => {
      this.running = undefined;
      const waiting = this.next;
      this.next = undefined;
      if (waiting) this.start().then(waiting.resolve, waiting.reject);
    });
    this.running = run;
    // The sync's own callers see a failure through `run`; this handler only keeps the chain quiet.
    run.catch(() => {});
    return run;
  }
}
