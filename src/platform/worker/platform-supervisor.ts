// Runs the platform thread and keeps it running: if it dies (an uncaught error, its heap limit),
// the broker carries on and the platform comes back on the same HTTP port after a backoff.

import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { SluiceError, type SluiceErrorCode } from '../../errors/index.js';
import { answerMetricsRequests } from './metrics-mirror.js';
import type { PlatformSettings } from './platform-components.js';
import type { FromPlatform, ToPlatform } from './platform-messages.js';

export interface SupervisorOptions {
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

/** A failure of the platform thread's start, with the name and code of the error it threw there. */
export class PlatformStartError extends SluiceError {
  constructor(
    readonly errorName: string,
    message: string,
    code: SluiceErrorCode = 'INTERNAL',
  ) {
    super(code, message);
  }
}

const WORKER_URL = new URL('./platform-worker.js', import.meta.url);

export class PlatformSupervisor {
  readonly #options: SupervisorOptions;
  readonly #log: Logger;
  readonly #restarts: Counter<'reason'>;
  #settings?: PlatformSettings;
  #worker?: Worker;
  /** Settles when the thread now running has started (or failed to). */
  #started?: Promise<void>;
  #stopping = false;
  #backoffMs: number;
  #restartTimer?: NodeJS.Timeout;
  #url = '';
  #port = 0;

  /**
   * Creates the platform thread at once, so it loads its code while the broker recovers; it
   * starts its components when `start` gives it the broker's address.
   */
  constructor(options: SupervisorOptions) {
    this.#options = options;
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
    this.#spawn();
  }

  /** Starts the platform's components; resolves once its HTTP server listens, rejects if it cannot. */
  async start(settings: PlatformSettings): Promise<void> {
    this.#settings = settings;
    this.#worker?.postMessage({ type: 'start', settings } satisfies ToPlatform);
    await this.#started;
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

  #spawn(): void {
    const worker = new Worker(WORKER_URL, {
      // A small young generation: the platform allocates briskly (queries, pushes) and V8 would
      // otherwise grow it to ~48 MiB of mostly garbage; scavenges of 16 MiB stay cheap.
      resourceLimits: { maxOldGenerationSizeMb: this.#options.heapMb ?? 256, maxYoungGenerationSizeMb: 16 },
    });
    this.#worker = worker;
    const stopAnswering = answerMetricsRequests(worker, this.#options.registry);
    const spawnedAt = Date.now();
    let lastError: Error | undefined;
    let started = false;
    this.#started = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromPlatform) => {
        if (message?.type === 'ready') {
          started = true;
          this.#url = message.url;
          this.#port = message.port;
          resolve();
        } else if (message?.type === 'failed') {
          lastError = new PlatformStartError(message.error.name, message.error.message, message.error.code);
        }
      });
      worker.on('error', (err) => {
        lastError = err;
      });
      worker.on('exit', (code) => {
        stopAnswering();
        if (this.#worker === worker) this.#worker = undefined;
        // A first start that fails is the caller's error (bad config, port in use); later ones retry.
        if (!started && this.#port === 0) {
          reject(lastError ?? new Error(`the platform thread exited with code ${code} before it started`));
          return;
        }
        resolve();
        if (this.#stopping) return;
        const why = `${(lastError as NodeJS.ErrnoException | undefined)?.code} ${lastError?.message}`;
        const reason = !lastError
          ? 'exit'
          : /ERR_WORKER_OUT_OF_MEMORY|out of memory/i.test(why)
            ? 'out_of_memory'
            : 'error';
        this.#restarts.inc({ reason });
        if (Date.now() - spawnedAt >= (this.#options.stableMs ?? 60_000)) {
          this.#backoffMs = this.#options.restartMinMs ?? 500;
        }
        this.#log.error(
          { err: lastError, code, reason, restartInMs: this.#backoffMs },
          'the platform thread died; the broker keeps serving; restarting it',
        );
        this.#scheduleRestart();
      });
    });
    // Nobody may be waiting yet (the broker is still starting); start() hears the failure.
    this.#started.catch(() => {});
  }

  #scheduleRestart(): void {
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(delay * 2, this.#options.restartMaxMs ?? 30_000);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      const settings = this.#settings;
      if (this.#stopping || !settings) return;
      this.#spawn();
      // A restart keeps the port the first start was given (even when 0 asked for a free one).
      this.#worker?.postMessage({
        type: 'start',
        settings: { ...settings, httpPort: this.#port },
      } satisfies ToPlatform);
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
