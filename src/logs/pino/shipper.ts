// Produces buffered lines to the logs topic, one Produce request in flight at a time (so lines keep
// their order), acks=all, idempotent (a retried request is not written twice). While the broker is
// away lines wait in the bounded buffer and sending is retried with backoff.

import { ClientError, KafkaAdmin, KafkaProducer, type RecordToProduce } from '../../client/index.js';
import { LineBuffer } from './line-buffer.js';
import type { ResolvedOptions } from './options.js';

/** Produce requests stay well under a broker's default 1 MiB message.max.bytes. */
const MAX_BATCH_CHARS = 512 * 1024;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

/** pino's `time` (epoch ms, its default) near the start of a line, to use as the record timestamp. */
function lineTime(line: string): bigint | undefined {
  const m = /"time":(\d{12,14})[,}]/.exec(line.slice(0, 120));
  return m ? BigInt(m[1]) : undefined;
}

export class Shipper {
  readonly buffer: LineBuffer;
  readonly #options: ResolvedOptions;
  readonly #producer: KafkaProducer;
  readonly #key: Buffer;
  #ready = false;
  #sending = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #closed = false;
  /** Called whenever the buffer empties with nothing in flight. */
  #idleWaiters: (() => void)[] = [];
  /** Lines produced, for tests and diagnostics. */
  produced = 0;

  constructor(
    options: ResolvedOptions,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
  ) {
    this.#options = options;
    this.#key = Buffer.from(options.service);
    this.buffer = new LineBuffer({ maxLines: options.maxBufferedLines, maxBytes: options.maxBufferedBytes });
    this.#producer = new KafkaProducer({
      clientId: options.clientId,
      bootstrap: options.bootstrap,
      acks: 'all',
      idempotent: true,
      retries: 3,
      timeoutMs: 10_000,
    });
  }

  /** Queues a line; never waits. */
  push(line: string): void {
    if (this.buffer.push(line)) {
      this.#schedule();
    } else if (this.buffer.dropped === 1) {
      this.warn(
        `sluice/pino: buffer full (${this.buffer.limits.maxLines} lines or ${this.buffer.limits.maxBytes} chars); dropping log lines until the broker catches up`,
      );
    }
  }

  #schedule(): void {
    if (!this.#sending && this.#retryTimer === undefined) setImmediate(() => this.#pump());
  }

  async #ensureTopic(): Promise<void> {
    if (this.#ready) return;
    if (this.#options.createTopic) {
      const admin = new KafkaAdmin({
        clientId: `${this.#options.clientId}-admin`,
        bootstrap: this.#options.bootstrap,
        retries: 1,
      });
      try {
        const topics = await admin.listTopics();
        if (!topics.includes(this.#options.topic)) {
          await admin.createTopic(this.#options.topic).catch((error: unknown) => {
            if (!(error instanceof ClientError && error.code === 'CONFLICT')) throw error;
          });
        }
      } finally {
        await admin.close();
      }
    }
    this.#ready = true;
  }

  #reportDropped(): void {
    const count = this.buffer.dropped;
    if (count === 0) return;
    this.buffer.dropped = 0;
    this.buffer.force(
      JSON.stringify({
        level: 40,
        time: Date.now(),
        service: this.#options.service,
        msg: `sluice/pino dropped ${count} log lines: the buffer was full`,
        dropped: count,
      }),
    );
    this.warn(`sluice/pino: recovered; ${count} log lines were dropped while the buffer was full`);
  }

  async #pump(): Promise<void> {
    if (this.#sending || this.#retryTimer !== undefined) return;
    if (this.buffer.length === 0) {
      this.#notifyIdle();
      return;
    }
    this.#sending = true;
    let sent = 0;
    try {
      await this.#ensureTopic();
      const lines = this.buffer.peek(this.#options.batchLines, MAX_BATCH_CHARS);
      const now = Date.now();
      const messages: RecordToProduce[] = lines.map((line) => ({
        topic: this.#options.topic,
        key: this.#key,
        value: Buffer.from(line),
        timestamp: lineTime(line) ?? BigInt(now),
      }));
      await this.#producer.send(messages);
      this.buffer.shift(lines.length);
      this.produced += lines.length;
      sent = lines.length;
      if (this.#failures > 0) this.warn(`sluice/pino: sending to ${this.#options.topic} again`);
      this.#failures = 0;
      this.#reportDropped();
    } catch (error) {
      if (this.#failures === 0) {
        this.warn(
          `sluice/pino: cannot send log lines to ${this.#options.topic} (will retry): ${(error as Error).message}`,
        );
      }
      this.#failures++;
    } finally {
      this.#sending = false;
    }
    if (sent === 0) {
      const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(this.#failures, 10));
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        void this.#pump();
      }, delay);
      // Retries alone must not keep the worker alive; shutdown waits on flush() instead.
      this.#retryTimer.unref();
      return;
    }
    void this.#pump();
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once every line queued so far is acknowledged, or false after `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean> {
    if (this.buffer.length === 0 && !this.#sending) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
      if (this.#retryTimer !== undefined) {
        // Shutting down: try now rather than after the backoff.
        clearTimeout(this.#retryTimer);
        this.#retryTimer = undefined;
      }
      this.#schedule();
    });
  }

  /** Sends what is buffered (waiting up to closeTimeoutMs), then closes the client. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const done = await this.flush(this.#options.closeTimeoutMs);
    if (!done) {
      this.warn(
        `sluice/pino: ${this.buffer.length} log lines not sent within ${this.#options.closeTimeoutMs} ms of shutdown`,
      );
    }
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    await this.#producer.close();
  }
}
