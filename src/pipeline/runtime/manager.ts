// Every pipeline of one process: those of the config file (read-only through the API) and those
// applied through the API (kept in the store topic). A definition is compiled before anything
// changes: a bad one is refused (ConfigError naming the pipeline and key) and the running one kept.
// Applying a new definition stops the old runner (its finished work committed) and starts the new
// one in the same group, which goes on from the committed offsets: nothing lost, and nothing done
// twice beyond what at-least-once allows.

import type { Logger } from 'pino';
import { KafkaAdmin } from '../../client/index.js';
import { ConfigError } from '../../config/index.js';
import { SluiceError } from '../../errors/index.js';
import { type CompiledPipeline, compilePipeline } from '../config/compile.js';
import { parsePipelineFile } from '../config/parse-file.js';
import type { PipelineDefinition, PipelinesSection } from '../config/section.js';
import type { SchemaResolver } from '../schemas/resolver.js';
import { SchemaValidators } from '../schemas/validators.js';
import type { PipelineMetrics } from './metrics.js';
import { PipelineRunner, type RunnerOptions, type RunnerStatus } from './runner.js';
import type { PipelineStore } from './store.js';

export type PipelineOrigin = 'config' | 'api';

export interface PipelineSummary {
  readonly name: string;
  readonly origin: PipelineOrigin;
  readonly group: string;
  readonly state: RunnerStatus['state'];
  readonly error?: string;
  readonly counts: RunnerStatus['counts'];
}

export interface PipelineDetail extends PipelineSummary {
  readonly definition: PipelineDefinition;
  readonly sources: readonly string[];
  readonly outputs: readonly string[];
  readonly deadLetterTopic: string;
  readonly retryTopics: readonly string[];
  readonly inFlight: RunnerStatus['inFlight'];
}

interface Entry {
  readonly origin: PipelineOrigin;
  readonly definition: PipelineDefinition;
  /** Absent when the definition failed to compile (a config pipeline whose subject is unknown). */
  readonly runner?: PipelineRunner;
  readonly error?: string;
}

export interface ManagerOptions {
  readonly bootstrap: string[];
  readonly logger: Logger;
  readonly resolver?: SchemaResolver;
  readonly metrics?: PipelineMetrics;
  readonly store?: PipelineStore;
  readonly runner?: Partial<Omit<RunnerOptions, 'bootstrap' | 'logger' | 'metrics' | 'paused'>>;
}

export class PipelineManager {
  readonly #options: ManagerOptions;
  readonly #validators: SchemaValidators;
  readonly #entries = new Map<string, Entry>();
  #store: PipelineStore | undefined;
  #admin: KafkaAdmin | undefined;
  readonly #listeners: (() => void)[] = [];
  /** Changes one at a time: an apply and a delete of the same name must not interleave. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: ManagerOptions) {
    this.#options = options;
    this.#validators = new SchemaValidators(options.resolver);
    this.#store = options.store;
  }

  /** Called after every change of the list (health indicators follow it). */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /** The store opened: its pipelines start (a name the config file has is left to the file). */
  async attachStore(store: PipelineStore, stored: Map<string, unknown>): Promise<void> {
    this.#store = store;
    const loadable: Record<string, unknown> = {};
    for (const [name, raw] of stored) {
      if (this.#entries.get(name)?.origin === 'config') {
        this.#options.logger.warn(
          { pipeline: name },
          `pipeline ${name} is in the config file: its stored definition is ignored`,
        );
      } else loadable[name] = raw;
    }
    await this.load(loadable, 'api');
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => {});
    return next;
  }

  compile(name: string, definition: PipelineDefinition): Promise<CompiledPipeline> {
    return compilePipeline(name, definition, {
      resolver: this.#options.resolver,
      validators: this.#validators,
    });
  }

  #runner(pipeline: CompiledPipeline, paused?: boolean): PipelineRunner {
    const runner = new PipelineRunner(pipeline, {
      ...this.#options.runner,
      bootstrap: this.#options.bootstrap,
      logger: this.#options.logger,
      metrics: this.#options.metrics,
      ...(paused === undefined ? {} : { paused }),
    });
    runner.start();
    return runner;
  }

  /** Starts pipelines as loaded (config file, store); one that does not compile is kept as failed. */
  async load(section: PipelinesSection | Record<string, unknown>, origin: PipelineOrigin): Promise<void> {
    await this.#serial(async () => {
      for (const [name, raw] of Object.entries(section)) {
        let definition = raw as PipelineDefinition;
        try {
          // Stored definitions are checked (and given newer defaults) as a file would be.
          if (origin === 'api') definition = parseDefinition(name, raw);
          const compiled = await this.compile(name, definition);
          this.#entries.set(name, { origin, definition, runner: this.#runner(compiled) });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          this.#options.logger.error(
            { err: error, pipeline: name },
            `pipeline ${name} cannot run: ${message}`,
          );
          this.#entries.set(name, { origin, definition, error: message });
        }
      }
      this.#changed();
    });
  }

  #get(name: string): Entry {
    const entry = this.#entries.get(name);
    if (entry === undefined) throw new SluiceError('NOT_FOUND', `pipeline '${name}' does not exist`);
    return entry;
  }

  #writable(name: string, verb: string): void {
    if (this.#entries.get(name)?.origin === 'config') {
      throw new SluiceError(
        'CONFLICT',
        `pipeline '${name}' is defined in the config file and cannot be ${verb} through the API`,
        { hint: "change it in the config file (the API's own pipelines use other names)" },
      );
    }
  }

  names(): string[] {
    return [...this.#entries.keys()].sort();
  }

  summary(name: string): PipelineSummary {
    const entry = this.#get(name);
    const status = entry.runner?.status();
    const error = entry.error ?? status?.error;
    return {
      name,
      origin: entry.origin,
      group: `sluice-pipeline-${name}`,
      state: status?.state ?? 'failed',
      ...(error === undefined ? {} : { error }),
      counts: status?.counts ?? {
        in: 0,
        out: 0,
        filtered: 0,
        dropped: 0,
        retried: 0,
        deadLettered: 0,
        errors: 0,
      },
    };
  }

  list(): PipelineSummary[] {
    return this.names().map((name) => this.summary(name));
  }

  detail(name: string): PipelineDetail {
    const entry = this.#get(name);
    const status = entry.runner?.status();
    const pipeline = entry.runner?.pipeline;
    const outputs = new Set<string>();
    for (const b of entry.definition.routes.bindings)
      for (const t of typeof b.to === 'string' ? [b.to] : b.to) outputs.add(t);
    if (typeof entry.definition.unmatched === 'object') outputs.add(entry.definition.unmatched.to);
    return {
      ...this.summary(name),
      definition: entry.definition,
      sources: status?.sources ?? [],
      outputs: [...outputs],
      deadLetterTopic:
        pipeline?.retry.deadLetterTopic ?? entry.definition.errors.deadLetter.topic ?? `${name}.dlq`,
      retryTopics: pipeline?.retry.retryTopics.map((r) => r.topic) ?? [],
      inFlight: status?.inFlight ?? { messages: 0, bytes: 0 },
    };
  }

  /**
   * Messages of each source topic not yet committed by the pipeline's group (end offset minus
   * committed offset, summed over partitions; a partition without a commit counts from 0).
   */
  async lag(name: string): Promise<Record<string, number>> {
    const sources = this.#get(name).runner?.status().sources ?? [];
    if (sources.length === 0) return {};
    this.#admin ??= new KafkaAdmin({ bootstrap: this.#options.bootstrap, clientId: 'sluice-pipeline-lag' });
    const admin = this.#admin;
    const partitions = await Promise.all(
      sources.map(async (topic) => ({
        topic,
        partitions: Array.from({ length: await admin.partitionCount(topic) }, (_, i) => i),
      })),
    );
    const group = `sluice-pipeline-${name}`;
    const [ends, committed] = await Promise.all([
      admin.listOffsets(partitions, 'latest'),
      admin.committedOffsets([group]),
    ]);
    const lag: Record<string, number> = {};
    for (const [topic, byPartition] of ends) {
      let sum = 0;
      for (const [partition, end] of byPartition) {
        const done = committed.get(group)?.get(topic)?.get(partition) ?? 0n;
        if (end > done) sum += Number(end - done);
      }
      lag[topic] = sum;
    }
    return lag;
  }

  /** Applies a definition through the API: compiled first (400 on error), stored, then run. */
  apply(name: string, definition: PipelineDefinition): Promise<{ created: boolean }> {
    return this.#serial(async () => {
      this.#writable(name, 'changed');
      const compiled = await this.compile(name, definition);
      await this.#stored().put(name, definition);
      const old = this.#entries.get(name);
      await old?.runner?.stop();
      this.#entries.set(name, { origin: 'api', definition, runner: this.#runner(compiled) });
      this.#options.logger.info(
        { pipeline: name },
        old === undefined ? 'pipeline created' : 'pipeline replaced',
      );
      this.#changed();
      return { created: old === undefined };
    });
  }

  delete(name: string): Promise<void> {
    return this.#serial(async () => {
      const entry = this.#get(name);
      this.#writable(name, 'deleted');
      await this.#stored().delete(name);
      await entry.runner?.stop();
      this.#entries.delete(name);
      this.#changed();
    });
  }

  /**
   * Pauses or resumes. An API pipeline's `paused:` is stored with it; a config pipeline's pause
   * lasts until the process restarts (the file says what it starts as).
   */
  setPaused(name: string, paused: boolean): Promise<PipelineSummary> {
    return this.#serial(async () => {
      const entry = this.#get(name);
      if (entry.runner === undefined)
        throw new SluiceError('CONFLICT', `pipeline '${name}' is not running: ${entry.error ?? 'it failed'}`);
      if (entry.origin === 'api') {
        const definition = { ...entry.definition, paused };
        await this.#stored().put(name, definition);
        this.#entries.set(name, { ...entry, definition });
      }
      if (paused) entry.runner.pause();
      else entry.runner.resume();
      return this.summary(name);
    });
  }

  #stored(): PipelineStore {
    const store = this.#store;
    if (store === undefined)
      throw new SluiceError(
        'UNAVAILABLE',
        'the pipelines topic is not open yet: pipelines cannot be changed now',
        {
          hint: 'try again in a moment',
        },
      );
    return store;
  }

  async close(): Promise<void> {
    await this.#queue;
    await Promise.all([...this.#entries.values()].map((e) => e.runner?.stop()));
    await this.#store?.close();
    await this.#admin?.close();
  }
}

/** One pipeline given as an object (an API body or a stored record), checked as a file would be. */
export function parseDefinition(name: string, raw: unknown): PipelineDefinition {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError([{ key: `pipelines.${name}`, message: 'a pipeline definition must be a mapping' }]);
  const { name: given, ...definition } = raw as Record<string, unknown>;
  if (given !== undefined && given !== name)
    throw new ConfigError([
      { key: `pipelines.${name}.name`, message: `does not match the name in the URL, '${name}'` },
    ]);
  const section = parsePipelineFile(JSON.stringify({ pipelines: { [name]: definition } }), 'pipeline');
  return section[name];
}
