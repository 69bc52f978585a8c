import type { Logger } from 'pino';
import {
  type CommittedOffset,
  decodeOffsetKey,
  decodeOffsetValue,
  decodePlainBatches,
  encodeOffsetKey,
  encodeOffsetValue,
  encodePlainBatch,
  type OffsetCommitKey as OffsetKey,
  type PlainRecord,
  validateBatches,
} from '../../protocol/index.js';
import type { LogManager, PartitionLog } from '../../storage/index.js';

export const OFFSETS_TOPIC = '__consumer_offsets';
/** Rewrite the live entries and drop older segments once the log is this much larger than they are. */
const COMPACT_SLACK_BYTES = 64 * 1024 * 1024;
const READ_CHUNK = 4 * 1024 * 1024;

export interface OffsetEntry extends OffsetKey, CommittedOffset {}

/**
 * Committed offsets, durable in an internal log like Kafka's __consumer_offsets: every commit
 * appends records and fsyncs before it is acknowledged; on start the log is replayed. The log
 * is kept small by rewriting the live entries and deleting what precedes them.
 */
export class OffsetStore {
  /** group → "topic\0partition" → offset */
  private readonly byGroup = new Map<string, Map<string, OffsetEntry>>();
  private liveBytes = 0;
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly log: PartitionLog,
    private readonly logger: Logger,
  ) {}

  static async open(logs: LogManager, logger: Logger): Promise<OffsetStore> {
    if (!logs.topic(OFFSETS_TOPIC)) await logs.createTopic(OFFSETS_TOPIC, 1, { 'cleanup.policy': 'compact' });
    const log = logs.partition(OFFSETS_TOPIC, 0);
    if (!log) throw new Error(`${OFFSETS_TOPIC} has no partition 0`);
    const store = new OffsetStore(log, logger);
    await store.replay();
    return store;
  }

  private async replay(): Promise<void> {
    let offset = this.log.logStartOffset;
    let count = 0;
    while (offset < this.log.logEndOffset) {
      const { records } = await this.log.read(offset, READ_CHUNK);
      if (records.length === 0) break;
      for (const rec of decodePlainBatches(Buffer.concat(records))) {
        if (rec.offset < offset) continue;
        this.apply(rec);
        offset = rec.offset + 1;
        count++;
      }
    }
    this.logger.info({ records: count, groups: this.byGroup.size }, 'offsets loaded');
  }

  private apply(rec: PlainRecord): void {
    if (!rec.key) return;
    const key = decodeOffsetKey(rec.key);
    if (!key) return;
    const slot = `${key.topic}\0${key.partition}`;
    if (rec.value === null) {
      this.byGroup.get(key.group)?.delete(slot);
      if (this.byGroup.get(key.group)?.size === 0) this.byGroup.delete(key.group);
      return;
    }
    let group = this.byGroup.get(key.group);
    if (!group) {
      group = new Map();
      this.byGroup.set(key.group, group);
    }
    group.set(slot, { ...key, ...decodeOffsetValue(rec.value) });
  }

  get(group: string, topic: string, partition: number): OffsetEntry | undefined {
    return this.byGroup.get(group)?.get(`${topic}\0${partition}`);
  }

  /** All of a group's committed offsets. */
  entries(group: string): OffsetEntry[] {
    return [...(this.byGroup.get(group)?.values() ?? [])];
  }

  groups(): string[] {
    return [...this.byGroup.keys()];
  }

  /** Makes the entries durable (appended and fsynced), then visible. */
  commit(entries: readonly OffsetEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const records = entries.map((e) => ({
      key: encodeOffsetKey(e),
      value: encodeOffsetValue(e),
      timestamp: e.commitTimestamp,
    }));
    return this.write(records);
  }

  /** Removes offsets (tombstones), e.g. when a group is deleted or its offsets expire. */
  remove(keys: readonly OffsetKey[]): Promise<void> {
    if (keys.length === 0) return Promise.resolve();
    const now = Date.now();
    return this.write(keys.map((k) => ({ key: encodeOffsetKey(k), value: null, timestamp: now })));
  }

  private write(records: PlainRecord[]): Promise<void> {
    const done = this.writing.then(async () => {
      await this.append(records);
      for (const r of records) this.apply(r);
      await this.maybeCompact();
    });
    this.writing = done.catch(() => {});
    return done;
  }

  private async append(records: PlainRecord[]): Promise<void> {
    const batch = encodePlainBatch(records);
    const checked = validateBatches(batch, Number.MAX_SAFE_INTEGER);
    if (!checked.ok) throw new Error(`internal offsets batch invalid: ${checked.reason}`);
    this.log.append(batch, checked.batches);
    await this.log.flush();
    this.liveBytes += batch.length;
  }

  /** Writes every live entry again at the end, then drops the log before it. */
  private async maybeCompact(): Promise<void> {
    if (this.log.size < this.liveBytes + COMPACT_SLACK_BYTES) return;
    const live = [...this.byGroup.values()].flatMap((g) => [...g.values()]);
    const start = this.log.logEndOffset;
    this.liveBytes = 0;
    for (let i = 0; i < live.length; i += 1000) {
      const chunk = live.slice(i, i + 1000).map((e) => ({
        key: encodeOffsetKey(e),
        value: encodeOffsetValue(e),
        timestamp: e.commitTimestamp,
      }));
      await this.append(chunk);
    }
    await this.log.deleteRecordsBefore(start);
    this.logger.info({ entries: live.length, from: start }, 'offsets log compacted');
  }
}
