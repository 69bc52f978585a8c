import * as fs from 'node:fs';
import { basename, join } from 'node:path';
import { settleBounded } from './bounded.js';
import {
  CLEAN_SHUTDOWN_STATE_FILE,
  type PartitionCleanState,
  takeCleanShutdownState,
  writeCleanShutdownState,
} from './clean-shutdown.js';
import { defaultIo, removeFile, type StorageIo } from './file-io.js';
import { type LogConfig, validateLogConfig } from './log-config.js';
import { type LogOptions, PartitionLog } from './partition-log.js';
import { RetentionSweeper } from './retention-sweeper.js';
import { CHECKPOINT_FILE } from './segment-files.js';
import { ioError, isOutOfSpace, StorageError } from './storage-error.js';
import { logConfigFor, validateTopicConfigs } from './topic-config.js';
import { partitionDirName, validateTopicName } from './topic-name.js';
import { newTopicId, type TopicRecord, TopicStore } from './topic-store.js';

/** A topic as the broker sees it. */
export interface TopicInfo {
  readonly name: string;
  readonly id: string;
  readonly partitions: number;
  /** Config overrides (Kafka keys) set on the topic. */
  readonly configs: Readonly<Record<string, string>>;
  /** Effective log config: broker defaults plus overrides. */
  readonly config: Readonly<LogConfig>;
  readonly maxMessageBytes: number;
}

export interface LogManagerOptions extends LogOptions {
  /** Where failures of background work (retention sweeps) are reported. */
  onError?: (err: unknown) => void;
}

/** What opening the data directory found, for the start-up log line. */
export interface StartReport {
  partitions: number;
  /** Partitions trusted as a clean shutdown left them (nothing scanned). */
  clean: number;
  /** Bytes cut from torn tails after a crash. */
  truncatedBytes: number;
  /** Partitions whose checkpoint or index write was skipped for lack of space. */
  skippedWrites: number;
}

/** Partitions opened or closed at once: enough to keep the disk busy, few enough file descriptors. */
const OPEN_CONCURRENCY = 32;
const CLOSE_CONCURRENCY = 16;

/** Dirs of deleted topics await removal under this suffix; real partition dirs end in digits. */
const DELETING = /-delete$/;
const PARTITION_DIR = /^([a-zA-Z0-9._-]+)-(\d+)$/;

/**
 * Owns a data directory: durable topic metadata, one PartitionLog per partition, and the
 * retention sweep. Metadata changes run one at a time.
 */
export class LogManager {
  private readonly logs = new Map<string, PartitionLog[]>();
  private readonly infos = new Map<string, TopicInfo>();
  private readonly byId = new Map<string, TopicInfo>();
  private admin: Promise<unknown> = Promise.resolve();
  private readonly sweeper: RetentionSweeper;
  private closed = false;
  /** Set by open. */
  startReport: StartReport = { partitions: 0, clean: 0, truncatedBytes: 0, skippedWrites: 0 };

  private constructor(
    readonly dataDir: string,
    private defaults: LogConfig,
    private readonly store: TopicStore,
    private readonly options: LogManagerOptions,
    private readonly io: StorageIo,
  ) {
    this.sweeper = new RetentionSweeper(() => this.applyRetention(), options.onError ?? (() => {}));
  }

  /**
   * Opens the data directory: every partition log, a bounded number at a time. After a clean
   * shutdown nothing is scanned (see clean-shutdown.ts); after a crash each partition recovers
   * what lies after its recovery point.
   */
  static async open(
    dataDir: string,
    defaults: LogConfig,
    options: LogManagerOptions = {},
  ): Promise<LogManager> {
    validateLogConfig(defaults);
    const io = options.io ?? defaultIo;
    const store = await TopicStore.open(dataDir, io);
    const manager = new LogManager(dataDir, { ...defaults }, store, options, io);
    await manager.removeLeftovers();
    const clean = await takeCleanShutdownState(dataDir, io);
    try {
      await manager.openAll(clean);
    } catch (err) {
      await manager.close().catch(() => {});
      throw err;
    }
    return manager;
  }

  /** The broker-level defaults every topic config falls back to (a copy). */
  get defaultConfig(): Readonly<LogConfig> {
    return { ...this.defaults };
  }

  topics(): TopicInfo[] {
    return [...this.infos.values()];
  }

  topic(name: string): TopicInfo | undefined {
    return this.infos.get(name);
  }

  topicById(id: string): TopicInfo | undefined {
    return this.byId.get(id);
  }

  partition(name: string, index: number): PartitionLog | undefined {
    return this.logs.get(name)?.[index];
  }

  /** Creates a topic with a new stable id. TOPIC_EXISTS, INVALID_TOPIC, INVALID_PARTITIONS, INVALID_CONFIG. */
  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): Promise<TopicInfo> {
    return this.serially(async () => {
      validateTopicName(name);
      checkPartitionCount(partitions);
      if (this.store.get(name)) throw new StorageError('TOPIC_EXISTS', `topic ${name} already exists`);
      const other = this.store.collidingTopic(name);
      if (other)
        throw new StorageError('INVALID_TOPIC', `topic ${name} collides with existing topic ${other}`);
      const overrides = validateTopicConfigs(configs);
      validateLogConfig(logConfigFor(overrides, this.defaults));
      const record: TopicRecord = { name, id: newTopicId(), partitions, configs: overrides };
      for (let i = 0; i < partitions; i++) await this.removeStale(name, i);
      await this.store.put(record);
      try {
        return await this.openTopic(record);
      } catch (err) {
        // Undo, so the name is free again rather than half-created.
        const opened = this.logs.get(name) ?? [];
        this.logs.delete(name);
        await Promise.allSettled(opened.map((log) => log.delete()));
        await this.store.remove(name).catch(() => {});
        throw err;
      }
    });
  }

  /** Deletes a topic's metadata (the commit point), then its partition directories. */
  deleteTopic(name: string): Promise<void> {
    return this.serially(async () => {
      const info = this.requireTopic(name);
      const logs = this.logs.get(name) ?? [];
      this.infos.delete(name);
      this.byId.delete(info.id);
      this.logs.delete(name);
      await this.store.remove(name);
      await Promise.allSettled(logs.map((log) => log.delete()));
    });
  }

  /** Grows a topic to `total` partitions (Kafka cannot shrink one). */
  addPartitions(name: string, total: number): Promise<TopicInfo> {
    return this.serially(async () => {
      const record = this.requireRecord(name);
      checkPartitionCount(total);
      if (total <= record.partitions) {
        throw new StorageError(
          'INVALID_PARTITIONS',
          `topic ${name} has ${record.partitions} partitions; ${total} is not more`,
        );
      }
      for (let i = record.partitions; i < total; i++) await this.removeStale(name, i);
      const updated = { ...record, partitions: total };
      await this.store.put(updated);
      return this.openTopic(updated);
    });
  }

  /** Replaces a topic's config overrides and applies them to its open logs. */
  setTopicConfigs(name: string, configs: Record<string, string>): Promise<TopicInfo> {
    return this.serially(async () => {
      const record = this.requireRecord(name);
      const overrides = validateTopicConfigs(configs);
      const config = logConfigFor(overrides, this.defaults);
      validateLogConfig(config);
      const updated = { ...record, configs: overrides };
      await this.store.put(updated);
      for (const log of this.logs.get(name) ?? []) log.updateConfig(config);
      return this.register(updated);
    });
  }

  /**
   * Replaces the broker-level defaults (dynamic broker configs) and applies them to every
   * topic that does not override them. Nothing is written: the caller persists the change.
   */
  setDefaults(defaults: LogConfig): Promise<void> {
    return this.serially(async () => {
      validateLogConfig(defaults);
      for (const record of this.store.list()) validateLogConfig(logConfigFor(record.configs, defaults));
      this.defaults = { ...defaults };
      for (const record of this.store.list()) {
        const config = logConfigFor(record.configs, this.defaults);
        for (const log of this.logs.get(record.name) ?? []) log.updateConfig(config);
        this.register(record);
      }
    });
  }

  /** Enforces retention on every partition; returns the bytes deleted. One failing log does not stop the rest. */
  async applyRetention(now = Date.now()): Promise<number> {
    let bytes = 0;
    for (const logs of [...this.logs.values()]) {
      for (const log of logs) {
        try {
          bytes += await log.applyRetention(now);
        } catch (err) {
          if (!(err instanceof StorageError && err.reason === 'CLOSED'))
            (this.options.onError ?? (() => {}))(err);
        }
      }
    }
    return bytes;
  }

  /** Sweeps retention every `intervalMs` (Kafka's log.retention.check.interval.ms) until stopped. */
  startRetention(intervalMs: number): void {
    if (!this.closed) this.sweeper.start(intervalMs);
  }

  stopRetention(): Promise<void> {
    return this.sweeper.stop();
  }

  /**
   * Stops the sweep, closes every log (a bounded number at a time) and records those that
   * closed cleanly in one file, so the next start scans none of them. A full disk only makes
   * the next start recover more: it is reported through onWarning, not thrown.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sweeper.stop();
    await this.admin.catch(() => {});
    const logs = [...this.logs.values()].flat();
    const results = await settleBounded(logs, CLOSE_CONCURRENCY, (log) => log.close({ recordInDir: false }));
    const states = new Map<string, PartitionCleanState>();
    for (const log of logs) {
      const state = log.closedCleanly;
      if (state) states.set(basename(log.dir), state);
    }
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    const noSpace = failures.filter(isOutOfSpace);
    if (noSpace.length > 0) {
      this.warn(
        `${noSpace.length} of ${logs.length} partitions did not close cleanly for lack of space; the next start recovers them`,
        noSpace[0],
      );
    }
    try {
      await writeCleanShutdownState(this.dataDir, states, this.io);
    } catch (err) {
      if (!isOutOfSpace(err)) throw err;
      this.warn(
        'cannot record the clean shutdown for lack of space; the next start recovers every partition',
        err,
      );
    }
    const other = failures.find((err) => !isOutOfSpace(err));
    if (other !== undefined) throw other;
  }

  private warn(message: string, err: unknown): void {
    this.options.onWarning?.(message, err);
  }

  /** Opens every partition of every stored topic; stops starting new ones after a failure. */
  private async openAll(clean: ReadonlyMap<string, PartitionCleanState>): Promise<void> {
    const jobs: { config: LogConfig; logs: PartitionLog[]; index: number; dir: string }[] = [];
    for (const record of this.store.list()) {
      const config = logConfigFor(record.configs, this.defaults);
      const logs: PartitionLog[] = [];
      this.logs.set(record.name, logs);
      for (let index = 0; index < record.partitions; index++) {
        jobs.push({ config, logs, index, dir: partitionDirName(record.name, index) });
      }
    }
    let failure: { err: unknown } | undefined;
    await settleBounded(jobs, OPEN_CONCURRENCY, async ({ config, logs, index, dir }) => {
      if (failure) return;
      try {
        logs[index] = await PartitionLog.open(join(this.dataDir, dir), config, this.options, clean.get(dir));
      } catch (err) {
        failure ??= { err };
      }
    });
    if (failure) throw failure.err;
    for (const record of this.store.list()) this.register(record);

    const all = [...this.logs.values()].flat();
    const skipped = all.filter((log) => log.openReport.skippedWrite !== undefined);
    this.startReport = {
      partitions: all.length,
      clean: all.filter((log) => log.openReport.clean).length,
      truncatedBytes: all.reduce((sum, log) => sum + log.openReport.truncatedBytes, 0),
      skippedWrites: skipped.length,
    };
    if (skipped.length > 0) {
      this.warn(
        `${skipped.length} of ${all.length} partitions could not write their checkpoint or index files for lack of space; their data is intact and served, the next start recovers them again`,
        skipped[0].openReport.skippedWrite,
      );
    }
  }

  /** Opens (or, after addPartitions, extends) a topic's logs and publishes its info. */
  private async openTopic(record: TopicRecord): Promise<TopicInfo> {
    const config = logConfigFor(record.configs, this.defaults);
    const logs = this.logs.get(record.name) ?? [];
    for (let i = logs.length; i < record.partitions; i++) {
      logs.push(
        await PartitionLog.open(join(this.dataDir, partitionDirName(record.name, i)), config, this.options),
      );
      this.logs.set(record.name, logs);
    }
    return this.register(record);
  }

  private register(record: TopicRecord): TopicInfo {
    const config = logConfigFor(record.configs, this.defaults);
    const info: TopicInfo = Object.freeze({
      name: record.name,
      id: record.id,
      partitions: record.partitions,
      configs: Object.freeze({ ...record.configs }),
      config: Object.freeze(config),
      maxMessageBytes: config.maxMessageBytes ?? 1024 * 1024 + 12,
    });
    this.infos.set(record.name, info);
    this.byId.set(record.id, info);
    return info;
  }

  private serially<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StorageError('CLOSED', 'log manager is closed'));
    const run = this.admin.then(op);
    this.admin = run.catch(() => {});
    return run;
  }

  private requireRecord(name: string): TopicRecord {
    const record = this.store.get(name);
    if (!record) throw new StorageError('UNKNOWN_TOPIC', `topic ${name} does not exist`);
    return record;
  }

  private requireTopic(name: string): TopicInfo {
    const info = this.infos.get(name);
    if (!info) throw new StorageError('UNKNOWN_TOPIC', `topic ${name} does not exist`);
    return info;
  }

  /** A partition directory no topic owns must not leak old data into a new topic. */
  private async removeStale(topic: string, partition: number): Promise<void> {
    await this.removeDir(join(this.dataDir, partitionDirName(topic, partition)));
  }

  /**
   * Finishes deletions interrupted by a crash: directories being deleted, and partition
   * directories (recognized by their checkpoint) of topics whose metadata is already gone.
   */
  private async removeLeftovers(): Promise<void> {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(this.dataDir, { withFileTypes: true });
    } catch (err) {
      throw ioError(`cannot list ${this.dataDir}`, err);
    }
    for (const entry of entries) {
      const path = join(this.dataDir, entry.name);
      const match = PARTITION_DIR.exec(entry.name);
      if (!entry.isDirectory()) {
        // A temp file of the clean-shutdown state, left by a crash while it was written.
        if (entry.name.startsWith(CLEAN_SHUTDOWN_STATE_FILE) && entry.name.endsWith('.tmp'))
          await removeFile(path);
        continue;
      }
      const stray = match !== null && !this.store.get(match[1]) && fs.existsSync(join(path, CHECKPOINT_FILE));
      if (DELETING.test(entry.name) || stray) await this.removeDir(path);
    }
  }

  private async removeDir(path: string): Promise<void> {
    try {
      if (!fs.existsSync(path)) return;
      await fs.promises.rm(path, { recursive: true, force: true });
      await this.io.syncDir(this.dataDir);
    } catch (err) {
      throw ioError(`cannot remove ${path}`, err);
    }
  }
}

function checkPartitionCount(partitions: number): void {
  if (!Number.isSafeInteger(partitions) || partitions < 1 || partitions > 100_000) {
    throw new StorageError(
      'INVALID_PARTITIONS',
      `partition count must be an integer in [1, 100000], got ${partitions}`,
    );
  }
}
