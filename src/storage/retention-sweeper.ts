import { MAX_TIMER_MS } from './log-config.js';

/**
 * Runs a sweep on an interval, never two at once (a slow sweep delays the next instead of
 * piling up). The timer does not keep the process alive.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly sweep: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  get started(): boolean {
    return this.timer !== undefined;
  }

  start(intervalMs: number): void {
    this.stop();
    const ms = Math.min(Math.max(1, Math.floor(intervalMs)), MAX_TIMER_MS);
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .then(
          () => {},
          (err) => this.onError(err),
        )
        .finally(() => {
          this.running = undefined;
        });
    }, ms);
    this.timer.unref();
  }

  /** Stops the timer; resolves when a sweep in progress has finished. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
