import { ErrorCode, OffsetFetch } from '../../protocol/index.js';
import type { BrokerCore } from '../broker-core.js';
import { defineHandler } from '../handler.js';

type Wanted = { name: string; partitionIndexes: number[] }[] | null;

/** Committed offsets of one group; partitions without a commit answer -1. A null list means all. */
function fetchGroup(broker: BrokerCore, groupId: string, wanted: Wanted) {
  const groups = broker.groups;
  const requested = wanted ?? allCommitted(broker, groupId);
  return requested.map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => {
      const entry = groups.committed(groupId, t.name, partitionIndex);
      return {
        partitionIndex,
        committedOffset: entry?.offset ?? -1,
        committedLeaderEpoch: entry?.leaderEpoch ?? -1,
        metadata: entry?.metadata ?? '',
        errorCode: ErrorCode.NONE,
      };
    }),
  }));
}

function allCommitted(broker: BrokerCore, groupId: string) {
  const byTopic = new Map<string, number[]>();
  for (const e of broker.groups.committedAll(groupId))
    byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e.partition]);
  return [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
}

export const offsetFetch = defineHandler(OffsetFetch, (ctx, request) => {
  const { broker, version } = ctx;
  if (version >= 8) {
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((g) => ({
        groupId: g.groupId,
        topics: fetchGroup(broker, g.groupId, g.topics),
        errorCode: ErrorCode.NONE,
      })),
    };
  }
  return {
    throttleTimeMs: 0,
    topics: fetchGroup(broker, request.groupId, request.topics),
    errorCode: ErrorCode.NONE,
  };
});
