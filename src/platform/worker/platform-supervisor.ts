// Runs the platform thread and keeps it running: if it dies (an uncaught error, its heap limit),
// the broker carries on and the platform comes back on the same HTTP port after a backoff.

import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { answerMetricsRequests } from './metrics-mirror.js';
import type { PlatformSettings } from './platform-components.js';
import type { FromPlatform, ToPlatform } from './platform-messages.js';

export interface SupervisorOptions {
  settings: PlatformSettings;
  /** The broker thread's registry, mirrored into the platform's /metrics. */
  registry: Registry;
  logger: Logger;
  /** Heap limit of the platform thread; past it the thread dies and is restarted, the broker stays. */
  heapMb?: number;
  /** Backoff before a restart: min doubling up to max; reset after `stableMs` of running. */
  restartMinMs?: number;
  restartMaxMs?: number;
  stableMs?: number;
  /** How long a clean close may take before the thread is terminated. */
  closeTimeoutMs?: number;
}

/** A failure of the platform thread's start, with the name of the error it threw there. */
export class PlatformStartError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'PlatformStartError';
  }
}

const WORKER_URL = new URL('./platform-worker.js', import.meta.url);

export class PlatformSupervisor {
  readonly #options: SupervisorOptions;
  readonly #log: Logger;
  readonly #restarts: Counter<'reason'>;
  #settings: PlatformSettings;
  #worker?: Worker;
  #stopping = false;
  #backoffMs: number;
  #restartTimer?: NodeJS.Timeout;
  #url = '';
  #port = 0;

  private constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#settings = options.settings;
    this.#log = options.logger;
    this.#backoffMs = options.restartMinMs ?? 500;
    this.#restarts =
      (options.registry.getSingleMetric('sluice_platform_restarts_total') as Counter<'reason'> | undefined) ??
      new Counter({
        name: 'sluice_platform_restarts_total',
        help: 'Restarts of the platform thread (HTTP, logs, lag, alerts) after it died, by reason.',
        labelNames: ['reason'],
        registers: [options.registry],
      });
  }

  /** Starts the platform thread; resolves once its HTTP server listens, rejects if it cannot start. */
  static async start(options: SupervisorOptions): Promise<PlatformSupervisor> {
    const supervisor = new PlatformSupervisor(options);
    await supervisor.#spawn();
    return supervisor;
  }

  get url(): string {
    return this.#url;
  }
  get port(): number {
    return this.#port;
  }

  /** The platform thread now running, if any (tests use it to see a restart). */
  get threadId(): number | undefined {
    return this.#worker?.threadId;
  }

  #spawn(): Promise<void> {
    const heapMb = this.#options.heapMb ?? 256;
    const worker = new Worker(WORKER_URL, {
      workerData: this.#settings,
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    this.#worker = worker;
    const stopAnswering = answerMetricsRequests(worker, this.#options.registry);
    const startedAt = Date.now();
    let lastError: Error | undefined;

    return new Promise<void>((resolve, reject) => {
      let started = false;
      worker.on('message', (message: FromPlatform) => {
        if (message?.type === 'ready') {
          started = true;
          this.#url = message.url;
          this.#port = message.port;
          // A restart keeps the port the first start was given (even when 0 asked for a free one).
          this.#settings = { ...this.#settings, httpPort: message.port };
          resolve();
        } else if (message?.type === 'failed') {
          lastError = new PlatformStartError(message.error.name, message.error.message);
        }
      });
      worker.on('error', (err) => {
        lastError = err;
      });
      worker.on('exit', (code) => {
        stopAnswering();
        if (this.#worker === worker) this.#worker = undefined;
        if (!started) {
          // A first start that fails is the caller's error (bad config, port in use); a restart retries.
          if (this.#port === 0) {
            reject(lastError ?? new Error(`the platform thread exited with code ${code} before it started`));
            return;
          }
        }
        if (this.#stopping) return;
        const reason =
          lastError &&
          /out of memory|ERR_WORKER_OUT_OF_MEMORY/i.test(
            `${(lastError as NodeJS.ErrnoException).code} ${lastError.message}`,
          )
            ? 'out_of_memory'
            : lastError
              ? 'error'
              : 'exit';
        this.#restarts.inc({ reason });
        if (Date.now() - startedAt >= (this.#options.stableMs ?? 60_000))
          this.#backoffMs = this.#options.restartMinMs ?? 500;
        this.#log.error(
          { err: lastError, code, reason, restartInMs: this.#backoffMs },
          'the platform thread died; the broker keeps serving; restarting it',
        );
        this.#scheduleRestart();
        resolve();
      });
    });
  }

  #scheduleRestart(): void {
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(delay * 2, this.#options.restartMaxMs ?? 30_000);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#stopping) return;
      this.#spawn().catch((err) => this.#log.error({ err }, 'the platform thread could not restart'));
    }, delay);
    this.#restartTimer.unref();
  }

  /** Closes the platform thread's components, then the thread. */
  async close(): Promise<void> {
    this.#stopping = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    const worker = this.#worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const closed = new Promise<void>((resolve) => {
      worker.on('message', (message: FromPlatform) => {
        if (message?.type === 'closed') resolve();
      });
    });
    worker.postMessage({ type: 'close' } satisfies ToPlatform);
    const timeout = new Promise<void>((resolve) =>
      setTimeout(resolve, this.#options.closeTimeoutMs ?? 10_000).unref(),
    );
    await Promise.race([closed, timeout, exited]);
    await worker.terminate();
    await exited;
  }
}
