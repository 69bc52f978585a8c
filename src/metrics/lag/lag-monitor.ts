// The lag monitor: reads the cluster over the Kafka protocol in the background (and on a scrape
// that finds the last read stale), follows __consumer_offsets for Burrow's windows of commits, and
// answers metrics and status requests from what it knows, even while Kafka is unreachable.

import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { KafkaAdmin, readOffsets } from '../../client/index.js';
import { RateLimitedLog } from '../../errors/index.js';
import { type GroupStatus, groupStatus } from './burrow-rules.js';
import { type ClusterSnapshot, takeSnapshot } from './cluster-snapshot.js';
import { CommitWindows } from './commit-windows.js';
import { exporterRows, groupPartitions, oldestUnconsumed } from './exporter-rows.js';
import { LagMetrics, type LagView } from './lag-metrics.js';
import { type OffsetsLogEntry, OffsetsLogReader } from './offsets-log-reader.js';
import { RecordTimestamps } from './record-timestamps.js';

/** Repeats of one failed read of the cluster are logged once per this interval. */
const READ_ERROR_LOG_INTERVAL_MS = 30_000;

/** A monitor retries on its next round: a request should fail within one round, not hang. */
function monitorAdmin(bootstrap: string[], timeoutMs: number, role: string): KafkaAdmin {
  return new KafkaAdmin({ bootstrap, clientId: `sluice-lag-monitor-${role}`, timeoutMs, retries: 1 });
}

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Rejects after `ms` unless `work` settles first. */
function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  const { promise: timeout, reject } = Promise.withResolvers<never>();
  const timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface LagMonitorOptions {
  bootstrap: string[];
  registry: Registry;
  logger: Logger;
  /** Background refresh period. Default 10 s. */
  intervalMs?: number;
  /** A scrape refreshes first when the last read is older than this. Default 1 s. */
  maxAgeMs?: number;
  /** Bound on one refresh (and on how long a scrape waits for it). Default 5 s. */
  timeoutMs?: number;
  /** Commits per partition in Burrow's window (`intervals`). Default 10. */
  window?: number;
  /** Burrow's `min-distance` in ms. Default 0. */
  minDistanceMs?: number;
  /** Burrow's `expire-group` in ms. Default 7 days. */
  expireGroupMs?: number;
  /** Longest wait of a Fetch on __consumer_offsets. Default 500 ms. */
  offsetsPollMs?: number;
  /** Burrow's cluster name in status answers. Default "local". */
  cluster?: string;
}

export interface LagMonitor {
  readonly cluster: string;
  /** Burrow's status of a group, or undefined if no commit of it is known (Burrow's 404). */
  status(group: string): GroupStatus | undefined;
  /** Every group Burrow would list, with its status. */
  statuses(): GroupStatus[];
  /** Reads the cluster now; rejects if that failed (what was known before is kept). */
  refresh(): Promise<void>;
  /** Resolves once __consumer_offsets has been read to its end (after the time of the call). */
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}

class Monitor implements LagMonitor {
  readonly cluster: string;
  readonly #admin: KafkaAdmin;
  /** The offsets log reader's own connections: its long-polling fetches must not delay a scrape's reads. */
  readonly #readerAdmin: KafkaAdmin;
  readonly #log: Logger;
  /** Reads fail on every refresh while the broker is away: one line per interval, not one per scrape. */
  readonly #readErrors: RateLimitedLog;
  readonly #options: Required<Omit<LagMonitorOptions, 'registry' | 'logger' | 'bootstrap'>>;
  readonly #windows: CommitWindows;
  readonly #timestamps: RecordTimestamps;
  readonly #reader: OffsetsLogReader;
  readonly #metrics: LagMetrics;
  #snapshot: ClusterSnapshot | undefined;
  #up = false;
  #lastSuccess = 0;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #waiters: { since: number; wake: () => void }[] = [];

  constructor(options: LagMonitorOptions) {
    this.#options = {
      intervalMs: options.intervalMs ?? 10_000,
      maxAgeMs: options.maxAgeMs ?? 1_000,
      timeoutMs: options.timeoutMs ?? 5_000,
      window: options.window ?? 10,
      minDistanceMs: options.minDistanceMs ?? 0,
      expireGroupMs: options.expireGroupMs ?? 7 * 24 * 3600_000,
      offsetsPollMs: options.offsetsPollMs ?? 500,
      cluster: options.cluster ?? 'local',
    };
    this.cluster = this.#options.cluster;
    this.#log = options.logger;
    this.#readErrors = new RateLimitedLog(options.logger, READ_ERROR_LOG_INTERVAL_MS);
    const { timeoutMs, offsetsPollMs } = this.#options;
    this.#admin = monitorAdmin(options.bootstrap, timeoutMs, 'admin');
    this.#readerAdmin = monitorAdmin(options.bootstrap, timeoutMs + offsetsPollMs, 'offsets-log');
    this.#windows = new CommitWindows({
      intervals: this.#options.window,
      minDistanceMs: this.#options.minDistanceMs,
      expireGroupMs: this.#options.expireGroupMs,
    });
    this.#timestamps = new RecordTimestamps(this.#admin);
    this.#reader = new OffsetsLogReader(
      this.#readerAdmin,
      { apply: (entries, atEnd, startedAt) => this.#applyCommits(entries, atEnd, startedAt) },
      this.#log,
      offsetsPollMs,
    );
    this.#metrics = new LagMetrics(options.registry, { view: () => this.#view() });
  }

  async start(): Promise<void> {
    await this.refresh().catch(() => {});
    this.#reader.start();
    this.#timer = setInterval(() => this.refresh().catch(() => {}), this.#options.intervalMs);
    this.#timer.unref();
  }

  refresh(): Promise<void> {
    this.#inFlight ??= this.#refreshOnce().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #refreshOnce(): Promise<void> {
    const started = Date.now();
    try {
      const snapshot = await withTimeout(
        takeSnapshot(this.#admin),
        this.#options.timeoutMs,
        'reading offsets',
      );
      const lagging = groupPartitions(snapshot).flatMap((p) => oldestUnconsumed(snapshot, p) ?? []);
      const left = Math.max(0, this.#options.timeoutMs - (Date.now() - started));
      await withTimeout(this.#timestamps.load(lagging), left, 'reading record timestamps').catch(
        (error: unknown) => {
          this.#readErrors.warn('timestamps', describeError(error), 'lag in seconds not complete');
        },
      );
      this.#snapshot = snapshot;
      this.#up = true;
      this.#lastSuccess = Date.now();
    } catch (error) {
      this.#up = false;
      this.#metrics.refreshErrors.inc();
      this.#readErrors.warn(
        'refresh',
        describeError(error),
        'reading consumer lag from Kafka failed; showing what was known',
      );
      throw error;
    }
  }

  async #view(): Promise<LagView> {
    const snapshot = this.#snapshot;
    if (!snapshot || Date.now() - snapshot.takenAt > this.#options.maxAgeMs) {
      await withTimeout(this.refresh(), this.#options.timeoutMs, 'refresh for a scrape').catch(() => {});
    }
    const now = Date.now();
    const current = this.#snapshot;
    return {
      exporter: current && exporterRows(current, (l) => this.#timestamps.get(l), now),
      burrow: this.statuses(),
      up: this.#up,
      lastSuccess: this.#lastSuccess,
    };
  }

  async #applyCommits(entries: OffsetsLogEntry[], atEnd: boolean, roundStartedAt: number): Promise<void> {
    // Lag at a commit is measured against the newest log end: ask for it now, for these topics.
    const topics = [...new Set(entries.flatMap((e) => (e.kind === 'commit' ? [e.key.topic] : [])))];
    let logEnds = new Map<string, number[]>();
    if (topics.length > 0) {
      logEnds = await this.#readerAdmin
        .layout(topics)
        .then((layout) =>
          readOffsets(this.#readerAdmin.wire, layout, new Map(topics.map((t) => [t, undefined])), 'latest'),
        )
        .then((listed) => {
          const ends = new Map<string, number[]>();
          for (const [topic, byPartition] of listed) {
            const list: number[] = [];
            for (const [p, offset] of byPartition) list[p] = Number(offset);
            ends.set(topic, list);
          }
          return ends;
        })
        .catch((error: unknown) => {
          this.#log.debug({ err: describeError(error) }, 'log end offsets for commits; using the last known');
          return new Map<string, number[]>();
        });
    }
    for (const entry of entries) {
      const { group, topic, partition } = entry.key;
      if (entry.kind === 'tombstone') {
        this.#windows.delete(group, topic, partition);
        continue;
      }
      const fresh = logEnds.get(topic)?.[partition];
      const logEnd =
        fresh !== undefined ? Number(fresh) : this.#snapshot?.topics.get(topic)?.newest[partition];
      this.#windows.add(group, topic, partition, entry.value.offset, entry.value.commitTimestamp, logEnd);
    }
    if (!atEnd) return;
    // Only a round that began after the caller asked has read everything committed before it.
    const done = this.#waiters.filter((w) => w.since <= roundStartedAt);
    this.#waiters = this.#waiters.filter((w) => w.since > roundStartedAt);
    for (const w of done) w.wake();
  }

  caughtUp(): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#waiters.push({ since: Date.now(), wake: resolve });
    return promise;
  }

  status(group: string): GroupStatus | undefined {
    const now = Date.now();
    if (!this.#windows.groups(now).includes(group)) return undefined;
    const snapshot = this.#snapshot;
    const inputs = this.#windows.inputs(group, {
      partitions: (topic) => snapshot?.topics.get(topic)?.leaders.length,
      logEnd: (topic, partition) => snapshot?.topics.get(topic)?.newest[partition],
      owner: (g, topic, partition) => snapshot?.groups.get(g)?.owners.get(`${topic}:${partition}`) ?? '',
    });
    return inputs && groupStatus(this.cluster, group, inputs, now);
  }

  statuses(): GroupStatus[] {
    return this.#windows.groups(Date.now()).flatMap((g) => this.status(g) ?? []);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#reader.stop();
    await this.#inFlight?.catch(() => {});
    await this.#reader.close();
    await this.#admin.close();
  }
}

export async function startLagMonitor(options: LagMonitorOptions): Promise<LagMonitor> {
  const monitor = new Monitor(options);
  await monitor.start();
  return monitor;
}
