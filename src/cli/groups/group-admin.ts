// What `sluice groups` asks the cluster: a group's description (DescribeGroups, through the client
// room's own codec, which decodes any client's assignments), and through @platformatic/kafka's
// Admin its committed offsets (OffsetFetch) and partitions' offsets (ListOffsets), in shapes the
// subcommands print.

import { type Admin, FindCoordinatorKeyTypes, ListOffsetTimestamps } from '@platformatic/kafka';
import { type ClusterClient, describeGroups } from '../../client/index.js';
import { CliError, unknownTopicOf } from '../errors.js';

/** Group states as Kafka names them (DescribeGroups/ListGroups send these). */
export const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'] as const;

/**
 * Kafka's spelling of a state. @platformatic/kafka upper-cases what the broker sent
 * ("PREPARINGREBALANCE"); its own constants have underscores ("PREPARING_REBALANCE").
 */
export function kafkaStateName(state: string): string {
  const key = state.replace(/_/g, '').toLowerCase();
  return GROUP_STATES.find((s) => s.toLowerCase() === key) ?? state;
}

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface MemberDescription {
  id: string;
  groupInstanceId: string | null;
  clientId: string;
  host: string;
  /** Decoded from the member's consumer-protocol assignment; empty while the group rebalances. */
  assignment: TopicPartitions[];
}

export interface GroupDescription {
  id: string;
  /** Kafka's state name; "Dead" when the group does not exist. */
  state: string;
  protocolType: string;
  /** The assignment strategy (e.g. "range", "roundrobin"), once chosen. */
  protocol: string;
  members: MemberDescription[];
}

/** topic → partition → offset */
export type OffsetTable = Map<string, Map<number, bigint>>;

export function setOffset(table: OffsetTable, topic: string, partition: number, offset: bigint): void {
  let partitions = table.get(topic);
  if (!partitions) {
    partitions = new Map();
    table.set(topic, partitions);
  }
  partitions.set(partition, offset);
}

/** DescribeGroups for one group. A group the coordinator does not know is Dead, as Kafka reports it. */
export async function describeGroup(client: ClusterClient, groupId: string): Promise<GroupDescription> {
  const group = (await describeGroups(client, [groupId])).get(groupId);
  if (!group || group.state === 'Dead') {
    return { id: groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
  }
  if (group.error) throw new CliError(`cannot describe group '${groupId}' (${group.error})`);
  return {
    id: groupId,
    state: kafkaStateName(group.state),
    protocolType: group.protocolType,
    protocol: group.protocol,
    members: group.members.map((m) => ({
      id: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: m.assignment ?? [],
    })),
  };
}

/** "host:port (id)" of the group's coordinator, as kafka-consumer-groups.sh prints it. */
export async function coordinatorOf(admin: Admin, groupId: string): Promise<string> {
  const [found] = await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [groupId] });
  return found ? `${found.host}:${found.port} (${found.nodeId})` : '-';
}

/** The group's committed offsets (OffsetFetch for all its partitions). */
export async function committedOffsets(admin: Admin, groupId: string): Promise<OffsetTable> {
  const groups = await admin.listConsumerGroupOffsets({ groups: [groupId] });
  const table: OffsetTable = new Map();
  for (const group of groups) {
    if (group.groupId !== groupId) continue;
    for (const topic of group.topics) {
      for (const p of topic.partitions) {
        if (p.committedOffset >= 0n) setOffset(table, topic.name, p.partitionIndex, p.committedOffset);
      }
    }
  }
  return table;
}

/** The number of partitions of a topic; a CliError when the topic does not exist. */
export async function partitionCount(admin: Admin, topic: string): Promise<number> {
  try {
    const described = (await admin.metadata({ topics: [topic] })).topics.get(topic);
    if (described) return described.partitionsCount;
  } catch (error) {
    if (unknownTopicOf(error) === undefined) throw error;
  }
  throw new CliError(`topic '${topic}' does not exist`, 'NOT_FOUND');
}

/** Like partitionCount, but undefined for a topic that no longer exists (offsets can outlive it). */
export async function partitionCountIfExists(admin: Admin, topic: string): Promise<number | undefined> {
  try {
    return await partitionCount(admin, topic);
  } catch (error) {
    if (error instanceof CliError) return undefined;
    throw error;
  }
}

export const EARLIEST = ListOffsetTimestamps.EARLIEST;
export const LATEST = ListOffsetTimestamps.LATEST;

/**
 * ListOffsets for the given partitions of existing topics: the earliest offset, the log end offset,
 * or for a timestamp (ms) the first offset at or after it (-1 when there is none).
 */
export async function listOffsets(
  admin: Admin,
  partitions: readonly TopicPartitions[],
  timestamp: bigint,
): Promise<OffsetTable> {
  const table: OffsetTable = new Map();
  const topics = partitions
    .filter((t) => t.partitions.length > 0)
    .map((t) => ({
      name: t.topic,
      partitions: t.partitions.map((partitionIndex) => ({ partitionIndex, timestamp })),
    }));
  if (topics.length === 0) return table;
  for (const topic of await admin.listOffsets({ topics })) {
    for (const p of topic.partitions) setOffset(table, topic.name, p.partitionIndex, p.offset);
  }
  return table;
}
