// `sluice groups reset-offsets GROUP`: plans new committed offsets for some partitions, prints the
// plan as kafka-consumer-groups.sh --reset-offsets does, and with --execute commits it. The commit
// is a "simple" one (generation -1, no member id), which a coordinator accepts only while the group
// has no members; so, like Kafka's tool, this refuses unless the group is Empty (or Dead).

import { ClientError, type KafkaAdmin } from '../../client/index.js';
import { CliError, UsageError } from '../errors.js';
import { formatTable } from '../table.js';
import {
  committedOffsets,
  describeGroup,
  listOffsets,
  type OffsetTable,
  partitionCount,
  setOffset,
  type TopicPartitions,
} from './group-admin.js';

export type ResetStrategy =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'datetime'; timestamp: number }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'shift'; by: bigint };

/** Which partitions to reset: named topics (all or some of their partitions), or the group's topics. */
export type ResetScope = { topics: TopicSelection[] } | 'all-topics';

export interface TopicSelection {
  topic: string;
  /** undefined: every partition of the topic. */
  partitions: number[] | undefined;
}

export interface ResetPlanEntry {
  topic: string;
  partition: number;
  offset: bigint;
}

/** Parses `--topic T` or `--topic T:0,1,2` (topic names cannot contain ':'). */
export function parseTopicSelection(value: string, usage: string): TopicSelection {
  const colon = value.indexOf(':');
  const topic = colon < 0 ? value : value.slice(0, colon);
  if (topic === '') throw new UsageError(`--topic expects TOPIC or TOPIC:P,P..., got '${value}'`, usage);
  if (colon < 0) return { topic, partitions: undefined };
  const list = value.slice(colon + 1).split(',');
  if (!list.every((p) => /^\d+$/.test(p.trim()))) {
    throw new UsageError(
      `--topic expects TOPIC or TOPIC:P,P... with partition numbers, got '${value}'`,
      usage,
    );
  }
  return { topic, partitions: [...new Set(list.map((p) => Number(p.trim())))].sort((a, b) => a - b) };
}

/**
 * Parses --to-datetime as Kafka's tool does (an ISO-8601 date-time such as 2024-05-01T12:00:00.000,
 * local time unless it carries Z or an offset); a bare date is midnight UTC, as in JavaScript.
 */
export function parseDateTime(value: string, usage: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value)
    ? Date.parse(value.replace(' ', 'T'))
    : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `--to-datetime expects an ISO-8601 date-time like 2024-05-01T12:00:00Z, got '${value}'`,
      usage,
    );
  }
  return ms;
}

const inactiveMessage = (groupId: string, state: string) =>
  `cannot reset offsets of consumer group '${groupId}' while it has active members (state: ${state}); ` +
  'stop its consumers first';

/** The partitions to reset, checked against the topics' partition counts. */
async function partitionsInScope(
  admin: KafkaAdmin,
  scope: ResetScope,
  committed: OffsetTable,
): Promise<TopicPartitions[]> {
  if (scope === 'all-topics') {
    return [...committed].map(([topic, offsets]) => ({
      topic,
      partitions: [...offsets.keys()].sort((a, b) => a - b),
    }));
  }
  const byTopic = new Map<string, Set<number>>();
  for (const { topic, partitions } of scope.topics) {
    const count = await partitionCount(admin, topic);
    for (const p of partitions ?? []) {
      if (p >= count) {
        throw new CliError(`partition ${p} does not exist: topic '${topic}' has ${count} partition(s)`);
      }
    }
    const set = byTopic.get(topic) ?? new Set<number>();
    for (const p of partitions ?? Array.from({ length: count }, (_, i) => i)) set.add(p);
    byTopic.set(topic, set);
  }
  return [...byTopic].map(([topic, set]) => ({ topic, partitions: [...set].sort((a, b) => a - b) }));
}

/** Computes the new offsets; `warn` receives Kafka's notes about offsets moved into the log's range. */
async function plan(
  admin: KafkaAdmin,
  groupId: string,
  scope: ResetScope,
  strategy: ResetStrategy,
  warn: (line: string) => void,
): Promise<ResetPlanEntry[]> {
  const committed = await committedOffsets(admin, groupId);
  const partitions = await partitionsInScope(admin, scope, committed);
  const [earliest, latest] = await Promise.all([
    listOffsets(admin, partitions, 'earliest'),
    listOffsets(admin, partitions, 'latest'),
  ]);
  const byTime =
    strategy.kind === 'datetime'
      ? await listOffsets(admin, partitions, { timestamp: strategy.timestamp })
      : undefined;
  const entries: ResetPlanEntry[] = [];
  for (const { topic, partitions: list } of partitions) {
    for (const partition of list) {
      const low = earliest.get(topic)?.get(partition) ?? 0n;
      const high = latest.get(topic)?.get(partition) ?? 0n;
      const clamp = (wanted: bigint) => {
        if (wanted < low) {
          warn(
            `New offset (${wanted}) is lower than the earliest offset of ${topic}-${partition}: using ${low}.`,
          );
          return low;
        }
        if (wanted > high) {
          warn(
            `New offset (${wanted}) is higher than the latest offset of ${topic}-${partition}: using ${high}.`,
          );
          return high;
        }
        return wanted;
      };
      let offset: bigint;
      if (strategy.kind === 'earliest') offset = low;
      else if (strategy.kind === 'latest') offset = high;
      else if (strategy.kind === 'offset') offset = clamp(strategy.offset);
      else if (strategy.kind === 'datetime') {
        // No record at or after that time: the log end offset, as Kafka's tool does.
        const found = byTime?.get(topic)?.get(partition) ?? -1n;
        offset = found < 0n ? high : found;
      } else {
        const current = committed.get(topic)?.get(partition);
        if (current === undefined) {
          throw new CliError(
            `cannot shift the offset of ${topic}-${partition}: group '${groupId}' has no committed offset for it`,
          );
        }
        offset = clamp(current + strategy.by);
      }
      entries.push({ topic, partition, offset });
    }
  }
  return entries;
}

async function commitPlan(
  admin: KafkaAdmin,
  groupId: string,
  entries: readonly ResetPlanEntry[],
): Promise<void> {
  const topics: OffsetTable = new Map();
  for (const e of entries) setOffset(topics, e.topic, e.partition, e.offset);
  try {
    await admin.commitGroupOffsets(groupId, topics);
  } catch (error) {
    // A member joined between our DescribeGroups and the commit: the coordinator refuses simple commits.
    if (error instanceof ClientError && error.code === 'CONFLICT') {
      const { state } = await describeGroup(admin, groupId);
      throw new CliError(inactiveMessage(groupId, state));
    }
    throw error;
  }
}

export interface ResetOptions {
  groupId: string;
  scope: ResetScope;
  strategy: ResetStrategy;
  execute: boolean;
  /** Whether --dry-run was given (no reminder about --execute then). */
  dryRun: boolean;
}

export async function resetOffsetsCommand(
  admin: KafkaAdmin,
  options: ResetOptions,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<void> {
  const { groupId } = options;
  const group = await describeGroup(admin, groupId);
  if (group.state !== 'Empty' && group.state !== 'Dead')
    throw new CliError(inactiveMessage(groupId, group.state));
  const entries = await plan(admin, groupId, options.scope, options.strategy, (line) =>
    err.write(`${line}\n`),
  );
  if (entries.length === 0) {
    err.write(`Consumer group '${groupId}' has no committed offsets to reset.\n`);
    return;
  }
  if (options.execute) await commitPlan(admin, groupId, entries);
  const rows = entries.map((e) => [groupId, e.topic, String(e.partition), String(e.offset)]);
  out.write(formatTable(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], rows));
  if (!options.execute && !options.dryRun) {
    err.write('Dry run: no offsets were changed. Add --execute to commit the new offsets.\n');
  }
}
