// Runs one compiled pipeline against a Kafka cluster (Sluice's broker or Apache Kafka): creates its
// output topics, consumes its sources in the group `sluice-pipeline-<name>` (compile.ts names it)
// and its retry topics in `sluice-pipeline-<name>.retry`, runs each message through the core (processMessage), retries in
// the process with backoff, then through the retry topics, then to the dead-letter topic, and
// produces with an idempotent acks=all producer. Sources matched by a regex are looked up again
// every refresh; a changed set restarts the source consumer (what was sent is committed first).
// Failures of the cluster (cannot connect, a send that keeps failing) make the runner `failed`
// until it recovers on its own: it keeps retrying with backoff.

import type { Logger } from 'pino';
import { ClientError, KafkaAdmin, KafkaProducer, type TopicRecord } from '../../client/index.js';
import type { CompiledPipeline } from '../config/compile.js';
import type { StepFailure } from '../failure.js';
import { processMessage } from '../process.js';
import { originalMessage, readPipelineHeaders } from '../retry/headers.js';
import { nextAttempt } from '../retry/policy.js';
import { deadLetterRecord, type OutputRecord, retryRecord } from '../retry/records.js';
import { type RuntimeClock, SYSTEM_CLOCK, sleep } from './clock.js';
import { CoalescingSender } from './coalescing-sender.js';
import { Lane, type LaneKind, type LaneLimits } from './lane.js';
import { emptyCounts, type PipelineCounts, type PipelineMetrics } from './metrics.js';
import { messageOf, outputOf, recordBytes, toProduce } from './records.js';
import { ensureOutputTopics, sourceTopics } from './topics.js';

export type RunnerState = 'starting' | 'running' | 'paused' | 'failed' | 'stopped';

/** The group of a pipeline's retry topics (a dot cannot occur in a pipeline name: no clash with another's). */
export const retryGroup = (group: string) => `${group}.retry`;

export interface RunnerOptions {
  readonly bootstrap: string[];
  readonly logger: Logger;
  readonly clock?: RuntimeClock;
  readonly metrics?: PipelineMetrics;
  /** Create missing output, retry and dead-letter topics (default true). */
  readonly createTopics?: boolean;
  /** How often sources are looked up again (regex sources, listed topics not there yet). Default 10 s. */
  readonly topicRefreshMs?: number;
  /** Bounds on what is read and not yet committed, per consumer. */
  readonly limits?: Partial<LaneLimits>;
  /** Start paused (the definition's `paused:` or a pause through the API). */
  readonly paused?: boolean;
}

/** Kafka errors no resend fixes: the record (or the request) is refused for what it is. */
const REFUSED = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_TIMESTAMP',
]);

const DEFAULT_LIMITS: LaneLimits = {
  messages: 10_000,
  bytes: 64 * 1024 * 1024,
  batch: 200,
  inFlightBatches: 4,
};
const CLIENT_ID = 'sluice-pipeline';
/** Retry and dead-letter topics hold messages larger than the pipeline's size limit. */
const FAILURE_TOPIC_MAX_BYTES = 16 * 1024 * 1024;

export interface RunnerStatus {
  readonly state: RunnerState;
  readonly error?: string;
  readonly sources: readonly string[];
  readonly counts: PipelineCounts;
  readonly inFlight: { messages: number; bytes: number };
}

export class PipelineRunner {
  readonly pipeline: CompiledPipeline;
  readonly counts = emptyCounts();
  /** The pipeline whose steps report their time (the same when there are no metrics). */
  readonly #timed: CompiledPipeline;
  readonly #options: RunnerOptions;
  readonly #clock: RuntimeClock;
  readonly #logger: Logger;
  readonly #limits: LaneLimits;
  readonly #admin: KafkaAdmin;
  readonly #producer: KafkaProducer;
  /** The partitions' batches, gathered into few requests. */
  readonly #sender: CoalescingSender;
  #state: RunnerState = 'starting';
  #error: string | undefined;
  #paused: boolean;
  #stop = new AbortController();
  /** Aborted to make the main loop look again now (pause, resume). */
  #nudge = new AbortController();
  #source: Lane | undefined;
  #retry: Lane | undefined;
  #main: Promise<void> | undefined;
  #sendFailing = false;
  #laneError: unknown;
  /** Why the broker last refused a send for good. */
  #refusal: string | undefined;

  constructor(pipeline: CompiledPipeline, options: RunnerOptions) {
    this.pipeline = pipeline;
    this.#timed = options.metrics === undefined ? pipeline : timedSteps(pipeline, options.metrics);
    this.#options = options;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#logger = options.logger.child({ pipeline: pipeline.name });
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#paused = options.paused ?? pipeline.paused;
    this.#admin = new KafkaAdmin({ bootstrap: options.bootstrap, clientId: CLIENT_ID });
    this.#producer = new KafkaProducer({
      bootstrap: options.bootstrap,
      clientId: CLIENT_ID,
      acks: 'all',
      idempotent: true,
    });
    this.#sender = new CoalescingSender((records) => this.#producer.send(records));
  }

  get state(): RunnerState {
    return this.#state;
  }

  status(): RunnerStatus {
    const a = this.#source?.inFlight ?? { messages: 0, bytes: 0 };
    const b = this.#retry?.inFlight ?? { messages: 0, bytes: 0 };
    return {
      state: this.#state,
      ...(this.#error === undefined ? {} : { error: this.#error }),
      sources: this.#source?.topics ?? [],
      counts: { ...this.counts },
      inFlight: { messages: a.messages + b.messages, bytes: a.bytes + b.bytes },
    };
  }

  /** Starts working in the background; `state` tells how it goes. */
  start(): void {
    this.#main ??= this.#run();
  }

  pause(): void {
    this.#paused = true;
    this.#nudge.abort();
  }

  resume(): void {
    this.#paused = false;
    this.#nudge.abort();
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Stops: the work under way is sent and committed, the rest read again by the next run. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#nudge.abort();
    await this.#main;
    await this.#stopLanes();
    await this.#producer.close();
    await this.#admin.close();
    this.#state = 'stopped';
  }

  #failed(error: unknown, what: string): void {
    const text = error instanceof Error ? error.message : String(error);
    if (this.#error !== text) this.#logger.warn({ err: error }, `pipeline ${this.pipeline.name}: ${what}`);
    this.#error = text;
    this.#state = 'failed';
  }

  async #stopLanes(): Promise<void> {
    const lanes = [this.#source, this.#retry];
    this.#source = undefined;
    this.#retry = undefined;
    await Promise.all(lanes.map((lane) => lane?.stop()));
  }

  #laneOptions(kind: LaneKind, topics: readonly string[]) {
    const { name, group } = this.pipeline;
    return {
      bootstrap: this.#options.bootstrap,
      clientId: `${CLIENT_ID}-${name}`,
      group: kind === 'source' ? group : retryGroup(group),
      topics,
      kind,
    };
  }

  /** Brings the lanes in line with the wanted state; throws when the cluster fails. */
  async #reconcile(created: { done: boolean }): Promise<void> {
    if (this.#paused) {
      await this.#stopLanes();
      this.#state = 'paused';
      this.#error = undefined;
      return;
    }
    if (!created.done) {
      const made = await ensureOutputTopics(this.#admin, this.pipeline, {
        create: this.#options.createTopics ?? true,
        failureTopicMaxBytes: FAILURE_TOPIC_MAX_BYTES,
      });
      if (made.length > 0) this.#logger.info({ topics: made }, 'created output topics');
      created.done = true;
    }
    const sources = await sourceTopics(this.#admin, this.pipeline);
    const same = (lane: Lane | undefined) =>
      lane !== undefined && lane.topics.join('\n') === sources.join('\n');
    if (!same(this.#source)) {
      await this.#source?.stop();
      this.#source = undefined;
      if (sources.length > 0) this.#source = await Lane.open(this, this.#laneOptions('source', sources));
    }
    const retryTopics = this.pipeline.retry.retryTopics.map((r) => r.topic);
    if (retryTopics.length > 0 && this.#retry === undefined)
      this.#retry = await Lane.open(this, this.#laneOptions('retry', retryTopics));
    if (!this.#sendFailing) {
      this.#state = 'running';
      this.#error = undefined;
    }
  }

  async #run(): Promise<void> {
    const created = { done: false };
    let backoff = 200;
    while (!this.#stop.signal.aborted) {
      // A pause or resume during the work below aborts this one: the wait after it ends at once.
      if (this.#nudge.signal.aborted) this.#nudge = new AbortController();
      let wait = this.#options.topicRefreshMs ?? 10_000;
      try {
        await this.#reconcile(created);
        backoff = 200;
      } catch (error) {
        this.#failed(error, 'cannot run; trying again');
        await this.#stopLanes().catch(() => {});
        wait = backoff;
        backoff = Math.min(backoff * 2, 10_000);
      }
      await sleep(this.#clock, wait, AbortSignal.any([this.#stop.signal, this.#nudge.signal]));
      const laneError = this.#laneError;
      this.#laneError = undefined;
      if (laneError !== undefined && !this.#stop.signal.aborted) {
        this.#failed(laneError, 'a consumer failed; restarting it');
        await this.#stopLanes().catch(() => {});
      }
    }
  }

  // ---- LaneHost ----

  get clock(): RuntimeClock {
    return this.#clock;
  }

  get limits(): LaneLimits {
    return this.#limits;
  }

  /** A lane's consumer failed: the loop restarts the lanes now. */
  laneFailed(error: unknown): void {
    this.#laneError ??= error;
    this.#nudge.abort();
  }

  commitFailed(error: unknown): void {
    this.#logger.warn({ err: error }, 'commit failed; the records will be read again (at-least-once)');
  }

  async send(
    batch: readonly TopicRecord[],
    outputs: readonly OutputRecord[][],
    signal: AbortSignal,
    failed: () => void,
  ): Promise<boolean> {
    const sent = await this.#sendRecords(outputs.flat(), signal, failed, true);
    if (sent !== 'refused') return sent;
    failed();
    // The broker refused a record for good (too large for its topic, say), or the request as a
    // whole: each message's records go alone, and a message whose records are refused becomes a
    // dead letter, so that it does not hold its partition for ever.
    for (const [i, records] of outputs.entries()) {
      if (records.length === 0) continue;
      const alone = await this.#sendRecords(records, signal, failed);
      if (alone === false) return false;
      if (alone === true) continue;
      const letter = this.#refusedLetter(batch[i], this.#refusal ?? 'the broker refused it');
      if ((await this.#sendRecords([letter], signal, failed)) !== true) return false;
    }
    return true;
  }

  /** A dead letter for a message whose outputs the broker refused. */
  #refusedLetter(record: TopicRecord, reason: string): OutputRecord {
    const { pipeline } = this;
    const read = messageOf(record);
    const fromRetry = pipeline.retry.retryTopics.some((r) => r.topic === record.topic);
    const prior = fromRetry ? (readPipelineHeaders(read.headers).attempts ?? 0) : 0;
    this.counts.deadLettered++;
    this.#options.metrics?.deadLettered(pipeline.name, pipeline.retry.deadLetterTopic, 'route');
    return deadLetterRecord(
      {
        pipeline: pipeline.name,
        message: fromRetry ? originalMessage(read) : read,
        failure: { stage: 'route', reason: `an output was refused: ${reason}`, retriable: false },
        attempts: prior + 1,
      },
      pipeline.retry.deadLetterTopic,
      { connectHeaders: pipeline.connectHeaders },
    );
  }

  /**
   * true: acknowledged; false: stopped first; 'refused': the broker will never take them (or
   * another batch gathered into the same request). `failed` is told of each failed attempt.
   * Records sent alone (not `gathered`) are how a refused request is taken apart.
   */
  async #sendRecords(
    records: readonly OutputRecord[],
    signal: AbortSignal,
    failed: () => void,
    gathered = false,
  ): Promise<boolean | 'refused'> {
    const produce = records.map(toProduce);
    let delay = 100;
    for (;;) {
      try {
        await (gathered ? this.#sender.send(produce) : this.#producer.send(produce));
        if (this.#sendFailing) {
          this.#sendFailing = false;
          if (this.#state === 'failed') {
            this.#state = 'running';
            this.#error = undefined;
          }
        }
        return true;
      } catch (error) {
        if (error instanceof ClientError && REFUSED.has(error.brokerError ?? '')) {
          this.#refusal = error.message;
          return 'refused';
        }
        failed();
        this.#sendFailing = true;
        this.#failed(error, 'sending failed; trying again');
        if (signal.aborted) return false;
        if (!(await sleep(this.#clock, delay, signal))) return false;
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  async handle(
    record: TopicRecord,
    kind: LaneKind,
    signal: AbortSignal,
  ): Promise<OutputRecord[] | undefined> {
    const { pipeline } = this;
    const metrics = this.#options.metrics;
    const read = messageOf(record);
    let input = read;
    let round = 0;
    let prior = 0;
    if (kind === 'retry') {
      const headers = readPipelineHeaders(read.headers);
      input = originalMessage(read);
      round = headers.retry?.round ?? 0;
      prior = headers.attempts ?? 0;
    }
    this.counts.in++;
    metrics?.read(pipeline.name, record.topic);
    const size = recordBytes(record);
    const limit = pipeline.definition.limits.maxMessageBytes;
    for (let local = 1; ; local++) {
      let failure: StepFailure | undefined;
      if (size > limit) {
        failure = {
          stage: 'validate',
          reason: `the message is ${size} bytes (key and value), more than limits.maxMessageBytes (${limit})`,
          retriable: false,
        };
      } else {
        const started = performance.now();
        const result = await processMessage(this.#timed, input);
        metrics?.processed(pipeline.name, (performance.now() - started) / 1000);
        failure = result.error;
        if (failure === undefined) {
          if (result.filtered !== undefined) {
            this.counts.filtered++;
            metrics?.filtered(pipeline.name);
          }
          if (result.unmatched === 'dropped') {
            this.counts.dropped++;
            metrics?.dropped(pipeline.name);
          }
          for (const output of result.outputs) {
            this.counts.out++;
            metrics?.written(pipeline.name, output.topic);
          }
          return result.outputs.map((o) => outputOf(o.topic, o.message));
        }
      }
      this.counts.errors++;
      metrics?.failed(pipeline.name, failure.stage);
      const next = nextAttempt(
        pipeline.retry,
        { local, round, retriable: failure.retriable },
        this.#clock.now(),
      );
      if (next.action === 'retry') {
        if (!(await sleep(this.#clock, next.delayMs, signal))) return undefined;
        continue;
      }
      const failed = { pipeline: pipeline.name, message: input, failure, attempts: prior + local };
      if (next.action === 'retry-topic') {
        this.counts.retried++;
        metrics?.retried(pipeline.name, next.topic);
        return [retryRecord(failed, next)];
      }
      this.counts.deadLettered++;
      metrics?.deadLettered(pipeline.name, next.topic, failure.stage);
      return [deadLetterRecord(failed, next.topic, { connectHeaders: pipeline.connectHeaders })];
    }
  }
}

/** The pipeline with each step timed into the step latency histogram. */
function timedSteps(pipeline: CompiledPipeline, metrics: PipelineMetrics): CompiledPipeline {
  const steps = pipeline.steps.map((step, index) => ({
    type: step.type,
    async run(message: Parameters<typeof step.run>[0]) {
      const started = performance.now();
      try {
        return await step.run(message);
      } finally {
        metrics.stepTook(pipeline.name, index, step.type, (performance.now() - started) / 1000);
      }
    },
  }));
  return { ...pipeline, steps };
}
