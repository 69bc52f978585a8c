// DescribeGroups with Sluice's own codec: each group's coordinator (FindCoordinator), then its
// state and members, whose consumer-protocol subscription and assignment are decoded whatever
// client wrote them (Java and franz-go send null user data as int32 -1, librdkafka an empty one).
// Bytes that are not a consumer-protocol message leave the member without an assignment.

import {
  DescribeGroups,
  decodeConsumerAssignment,
  decodeConsumerSubscription,
  ErrorCode,
  errorName,
  FindCoordinator,
  isRetriable,
  type TopicPartitions,
} from '../../protocol/index.js';
import { ClientError } from '../client-error.js';
import type { ClusterClient } from './cluster-client.js';

export type { TopicPartitions };

export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Undefined for another protocol type or metadata that does not decode. */
  subscribedTopics: string[] | undefined;
  /** Undefined while the group rebalances, for another protocol type, or for undecodable bytes. */
  assignment: TopicPartitions[] | undefined;
}

export interface GroupDescription {
  groupId: string;
  /** The Kafka error name the coordinator answered for this group, if any. */
  error: string | undefined;
  /** Kafka's spelling: Empty, PreparingRebalance, CompletingRebalance, Stable or Dead. */
  state: string;
  protocolType: string;
  /** The assignor chosen (e.g. "range"), once the group is Stable. */
  protocol: string;
  members: GroupMemberDescription[];
}

const ATTEMPTS = 3;
const RETRY_DELAY_MS = 100;

function member(protocolType: string, raw: DescribedMember): GroupMemberDescription {
  // Kafka's consumers and Connect workers use other protocol types; only "consumer" is decoded.
  const consumer = protocolType === 'consumer';
  const assigned =
    consumer && raw.memberAssignment.length > 0 ? decodeConsumerAssignment(raw.memberAssignment) : undefined;
  const subscription = consumer ? decodeConsumerSubscription(raw.memberMetadata) : undefined;
  return {
    memberId: raw.memberId,
    groupInstanceId: raw.groupInstanceId,
    clientId: raw.clientId,
    clientHost: raw.clientHost,
    subscribedTopics: subscription?.topics,
    assignment: assigned?.assigned.map((a) => ({
      topic: a.topic,
      partitions: [...a.partitions].sort((x, y) => x - y),
    })),
  };
}

interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

type Coordinator = { address: string } | { errorCode: number; message: string | null };

/** The coordinator address of each group, or the error its lookup answered. */
async function coordinators(client: ClusterClient, groupIds: string[]): Promise<Map<string, Coordinator>> {
  const found = new Map<string, Coordinator>();
  const settle = (group: string, errorCode: number, host: string, port: number, message: string | null) => {
    found.set(group, errorCode === 0 ? { address: `${host}:${port}` } : { errorCode, message });
  };
  const first = await client.toAnyBroker(FindCoordinator, {
    key: groupIds[0],
    keyType: 0,
    coordinatorKeys: groupIds,
  });
  if (first.version >= 4) {
    for (const c of first.body.coordinators) settle(c.key, c.errorCode, c.host, c.port, c.errorMessage);
    return found;
  }
  // Before v4 one request per group.
  const { body } = first;
  settle(groupIds[0], body.errorCode, body.host, body.port, body.errorMessage);
  for (const group of groupIds.slice(1)) {
    const { body: b } = await client.toAnyBroker(FindCoordinator, { key: group, keyType: 0 });
    settle(group, b.errorCode, b.host, b.port, b.errorMessage);
  }
  return found;
}

async function describeOnce(
  client: ClusterClient,
  groupIds: string[],
  out: Map<string, GroupDescription>,
): Promise<string[]> {
  const byCoordinator = new Map<string, string[]>();
  const retry: string[] = [];
  for (const [group, found] of await coordinators(client, groupIds)) {
    if ('address' in found) {
      byCoordinator.set(found.address, [...(byCoordinator.get(found.address) ?? []), group]);
    } else if (isRetriable(found.errorCode)) {
      retry.push(group);
    } else {
      throw new ClientError(
        `FindCoordinator for group '${group}': ${found.message ?? errorName(found.errorCode)}`,
      );
    }
  }
  await Promise.all(
    [...byCoordinator].map(async ([address, groups]) => {
      const { body } = await client.send(address, DescribeGroups, {
        groups,
        includeAuthorizedOperations: false,
      });
      for (const g of body.groups) {
        if (g.errorCode !== 0 && isRetriable(g.errorCode)) {
          retry.push(g.groupId);
          continue;
        }
        out.set(g.groupId, {
          groupId: g.groupId,
          error: g.errorCode === 0 ? undefined : errorName(g.errorCode),
          // Kafka 4 answers an unknown group with GROUP_ID_NOT_FOUND; older brokers with Dead.
          state: g.errorCode === ErrorCode.GROUP_ID_NOT_FOUND ? 'Dead' : g.groupState,
          protocolType: g.protocolType,
          protocol: g.protocolData,
          members: g.members.map((m) => member(g.protocolType, m)),
        });
      }
    }),
  );
  return retry;
}

/** Describes groups at their coordinators; retries a coordinator that moved or is loading. */
export async function describeGroups(
  client: ClusterClient,
  groupIds: string[],
): Promise<Map<string, GroupDescription>> {
  const out = new Map<string, GroupDescription>();
  let pending = [...new Set(groupIds)];
  for (let attempt = 1; pending.length > 0; attempt++) {
    pending = await describeOnce(client, pending, out);
    if (pending.length === 0) break;
    if (attempt === ATTEMPTS) {
      throw new ClientError(
        `coordinator not available for group(s) ${pending.map((g) => `'${g}'`).join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
  }
  return out;
}
