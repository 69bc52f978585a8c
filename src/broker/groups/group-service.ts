import type { Logger } from 'pino';
import { type Clock, type ClockTimer, systemClock } from '../../clock/index.js';
import { decodeConsumerSubscription, ErrorCode } from '../../protocol/index.js';
import type { LogManager } from '../../storage/index.js';
import type { GroupState } from './group.js';
import { GroupCoordinator, type GroupTimeouts, type MemberRef } from './group-coordinator.js';
import { type OffsetEntry, OffsetStore } from './offset-store.js';

export interface GroupOptions extends GroupTimeouts {
  /** offsets.retention.minutes, in ms: offsets of an empty group expire this long after it emptied. */
  offsetsRetentionMs: number;
  /** offset.metadata.max.bytes */
  maxMetadataBytes: number;
  offsetsRetentionCheckIntervalMs: number;
}

export const DEFAULT_GROUP_OPTIONS: GroupOptions = {
  minSessionTimeoutMs: 6_000,
  maxSessionTimeoutMs: 1_800_000,
  initialRebalanceDelayMs: 0,
  offsetsRetentionMs: 7 * 24 * 3600 * 1000,
  maxMetadataBytes: 4096,
  offsetsRetentionCheckIntervalMs: 600_000,
};

export interface CommitEntry {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  committedOffset: number;
  logEndOffset: number;
  lag: number;
}

export interface GroupSummary {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

/** Consumer groups as the handlers, metrics and console see them: membership plus durable offsets. */
export class GroupService {
  readonly coordinator: GroupCoordinator;
  private expiryTimer?: ClockTimer;
  private closed = false;
  rebalances = 0;
  /** Told of every completed join round, for metrics. */
  onRebalance: (groupId: string) => void = () => {};

  private constructor(
    readonly offsets: OffsetStore,
    private readonly logs: LogManager,
    readonly options: GroupOptions,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {
    this.coordinator = new GroupCoordinator(
      options,
      log,
      (groupId) => {
        this.rebalances++;
        this.onRebalance(groupId);
      },
      clock,
    );
  }

  /** `clock` drives every timer of the groups (sessions, rebalances, offset expiry); tests inject one. */
  static async open(
    logs: LogManager,
    options: GroupOptions,
    log: Logger,
    clock: Clock = systemClock,
  ): Promise<GroupService> {
    const service = new GroupService(await OffsetStore.open(logs, log), logs, options, log, clock);
    service.scheduleExpiry();
    return service;
  }

  /** Checks for expired offsets every offsetsRetentionCheckIntervalMs, one check at a time. */
  private scheduleExpiry(): void {
    this.expiryTimer = this.clock.setTimeout(() => {
      this.expireOffsets()
        .catch((err) => this.log.error({ err }, 'offset expiry failed'))
        .finally(() => {
          if (!this.closed) this.scheduleExpiry();
        });
    }, this.options.offsetsRetentionCheckIntervalMs);
  }

  /** Validates a commit against the group's membership; per-partition checks are the caller's. */
  /** Kafka accepts commits for the empty group id, for compatibility with old clients. */
  commitAllowed(ref: MemberRef, version: number): ErrorCode {
    const group = this.coordinator.group(ref.groupId);
    // Commits from outside the group protocol (admin tools, manual assignment) need an empty group.
    if (ref.generationId < 0 && ref.memberId === '') {
      if (!group || group.state === 'Empty') return ErrorCode.NONE;
      return ErrorCode.UNKNOWN_MEMBER_ID;
    }
    if (!group) return version >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION;
    const error = this.coordinator.validateMember(group, ref);
    if (error !== ErrorCode.NONE) return error;
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    const member = group.members.get(ref.memberId);
    if (member) this.coordinator.touch(group, member);
    return ErrorCode.NONE;
  }

  async commit(groupId: string, entries: readonly CommitEntry[]): Promise<void> {
    if (!this.coordinator.group(groupId)) this.coordinator.getOrCreate(groupId);
    const now = this.clock.now();
    await this.offsets.commit(
      entries.map((e) => ({
        group: groupId,
        topic: e.topic,
        partition: e.partition,
        offset: e.offset,
        leaderEpoch: e.leaderEpoch,
        metadata: e.metadata ?? '',
        commitTimestamp: now,
      })),
    );
  }

  committed(groupId: string, topic: string, partition: number): OffsetEntry | undefined {
    return this.offsets.get(groupId, topic, partition);
  }

  committedAll(groupId: string): OffsetEntry[] {
    return this.offsets.entries(groupId);
  }

  /** Groups known to the coordinator or only through committed offsets (shown as Empty). */
  list(): GroupSummary[] {
    const out = new Map<string, GroupSummary>();
    for (const id of this.offsets.groups())
      out.set(id, { groupId: id, protocolType: 'consumer', state: 'Empty' });
    for (const g of this.coordinator.groups.values()) {
      out.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType ?? 'consumer', state: g.state });
    }
    return [...out.values()];
  }

  exists(groupId: string): boolean {
    return this.coordinator.group(groupId) !== undefined || this.offsets.entries(groupId).length > 0;
  }

  /** DeleteGroups: only empty groups; their offsets go too. */
  async deleteGroup(groupId: string): Promise<ErrorCode> {
    if (!this.exists(groupId)) return ErrorCode.GROUP_ID_NOT_FOUND;
    const group = this.coordinator.group(groupId);
    if (group && group.state !== 'Empty' && group.state !== 'Dead') return ErrorCode.NON_EMPTY_GROUP;
    await this.offsets.remove(this.offsets.entries(groupId));
    this.coordinator.delete(groupId);
    return ErrorCode.NONE;
  }

  /** OffsetDelete for one partition: refused while a member subscribes to its topic. */
  subscribedByActiveMember(groupId: string, topic: string): boolean {
    const group = this.coordinator.group(groupId);
    if (!group || group.state === 'Empty' || group.protocolType !== 'consumer') return false;
    for (const m of group.members.values()) {
      if ((decodeConsumerSubscription(m.metadataFor(group.protocolName ?? ''))?.topics ?? []).includes(topic))
        return true;
    }
    return false;
  }

  async deleteOffsets(groupId: string, keys: { topic: string; partition: number }[]): Promise<void> {
    await this.offsets.remove(keys.map((k) => ({ group: groupId, ...k })));
  }

  /** Removes every group's committed offsets for a deleted topic. */
  async forgetTopic(topic: string): Promise<void> {
    const stale = this.offsets
      .groups()
      .flatMap((g) => this.offsets.entries(g).filter((e) => e.topic === topic));
    await this.offsets.remove(stale);
  }

  /** Per partition: committed offset, log end offset and lag, for the metrics and the console. */
  lag(groupId: string): PartitionLag[] {
    return this.offsets.entries(groupId).map((e) => {
      const logEndOffset = this.logs.partition(e.topic, e.partition)?.logEndOffset ?? -1;
      return {
        topic: e.topic,
        partition: e.partition,
        committedOffset: e.offset,
        logEndOffset,
        lag: logEndOffset < 0 ? 0 : Math.max(0, logEndOffset - e.offset),
      };
    });
  }

  /** Drops offsets of groups that have been empty for longer than the retention. */
  async expireOffsets(now = this.clock.now()): Promise<number> {
    let expired = 0;
    for (const groupId of this.offsets.groups()) {
      const group = this.coordinator.group(groupId);
      if (group && group.state !== 'Empty') continue;
      const emptySince = group?.stateSince ?? 0;
      const stale = this.offsets
        .entries(groupId)
        .filter((e) => Math.max(emptySince, e.commitTimestamp) + this.options.offsetsRetentionMs <= now);
      if (stale.length === 0) continue;
      await this.offsets.remove(stale);
      expired += stale.length;
      if (this.offsets.entries(groupId).length === 0 && group?.members.size === 0)
        this.coordinator.delete(groupId);
    }
    if (expired > 0) this.log.info({ expired }, 'expired committed offsets');
    return expired;
  }

  close(): void {
    this.closed = true;
    this.expiryTimer?.cancel();
    this.coordinator.close();
  }
}
