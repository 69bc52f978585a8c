// What `sluice groups` asks the cluster through the client room's door: a group's description
// (decoded whatever client made its assignments), its committed offsets and partitions' offsets,
// in shapes the subcommands print.

import {
  type KafkaAdmin,
  type OffsetSpec,
  type OffsetTable,
  setOffset,
  type TopicPartitions,
} from '../../client/index.js';
import { isSluiceError } from '../../errors/index.js';
import { CliError } from '../errors.js';

export { type OffsetTable, setOffset, type TopicPartitions };

/** Group states as Kafka names them (DescribeGroups/ListGroups send these). */
export const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'] as const;

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

/** DescribeGroups for one group. A group the coordinator does not know is Dead, as Kafka reports it. */
export async function describeGroup(admin: KafkaAdmin, groupId: string): Promise<GroupDescription> {
  const group = (await admin.describeGroups([groupId])).get(groupId);
  if (!group || group.state === 'Dead') {
    return { id: groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
  }
  if (group.error) throw new CliError(`cannot describe group '${groupId}' (${group.error})`);
  return {
    id: groupId,
    state: group.state,
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
export async function coordinatorOf(admin: KafkaAdmin, groupId: string): Promise<string> {
  const found = await admin.coordinatorOf(groupId);
  return found ? `${found.host}:${found.port} (${found.nodeId})` : '-';
}

/** The group's committed offsets (OffsetFetch for all its partitions). */
export async function committedOffsets(admin: KafkaAdmin, groupId: string): Promise<OffsetTable> {
  return (await admin.committedOffsets([groupId])).get(groupId) ?? new Map();
}

/** The number of partitions of a topic; a NOT_FOUND error when the topic does not exist. */
export function partitionCount(admin: KafkaAdmin, topic: string): Promise<number> {
  return admin.partitionCount(topic);
}

/** Like partitionCount, but undefined for a topic that no longer exists (offsets can outlive it). */
export async function partitionCountIfExists(admin: KafkaAdmin, topic: string): Promise<number | undefined> {
  try {
    return await partitionCount(admin, topic);
  } catch (error) {
    if (isSluiceError(error) && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/**
 * ListOffsets for the given partitions of existing topics: the earliest offset, the log end offset,
 * or for a timestamp (ms) the first offset at or after it (-1 when there is none).
 */
export function listOffsets(
  admin: KafkaAdmin,
  partitions: readonly TopicPartitions[],
  spec: OffsetSpec,
): Promise<OffsetTable> {
  return admin.listOffsets(partitions, spec);
}
