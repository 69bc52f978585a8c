import { ErrorCode, Metadata, type RequestOf } from '../../protocol/index.js';
import type { TopicInfo } from '../../storage/index.js';
import type { BrokerCore } from '../broker-core.js';
import { defineHandler } from '../handler.js';
import { ALL_CLUSTER_OPERATIONS, ALL_TOPIC_OPERATIONS, NO_OPERATIONS } from './authorized-operations.js';

export const metadata = defineHandler(Metadata, async (ctx, request) => {
  const { broker, version } = ctx;
  const topics = await resolveTopics(broker, request, version);
  return {
    throttleTimeMs: 0,
    brokers: [
      { nodeId: broker.nodeId, host: broker.advertised.host, port: broker.advertised.port, rack: null },
    ],
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    topics: topics.map((entry) =>
      'topic' in entry
        ? describeTopic(broker, entry.topic, request.includeTopicAuthorizedOperations)
        : {
            errorCode: entry.error,
            name: entry.name,
            topicId: entry.topicId,
            isInternal: false,
            partitions: [],
            topicAuthorizedOperations: NO_OPERATIONS,
          },
    ),
    // Asked for in v8-10 only (v11 moved it to DescribeCluster); the codec drops it elsewhere.
    clusterAuthorizedOperations: request.includeClusterAuthorizedOperations
      ? ALL_CLUSTER_OPERATIONS
      : NO_OPERATIONS,
  };
});

type Resolved = { topic: TopicInfo } | { error: number; name: string | null; topicId?: string };

async function resolveTopics(
  broker: BrokerCore,
  request: RequestOf<typeof Metadata>,
  version: number,
): Promise<Resolved[]> {
  // A null list (v1+) or an empty one in v0 asks for every topic.
  if (request.topics === null || (version === 0 && request.topics.length === 0)) {
    return broker.logs.topics().map((topic) => ({ topic }));
  }
  const out: Resolved[] = [];
  for (const wanted of request.topics) {
    if (wanted.name === null || wanted.name === '') {
      const byId = broker.logs.topicById(wanted.topicId);
      out.push(
        byId ? { topic: byId } : { error: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: wanted.topicId },
      );
      continue;
    }
    const found = await broker.lookupTopic(wanted.name, request.allowAutoTopicCreation);
    out.push(found.error === undefined ? { topic: found.topic } : { error: found.error, name: wanted.name });
  }
  return out;
}

function describeTopic(broker: BrokerCore, topic: TopicInfo, withOperations: boolean) {
  const partitions = [];
  for (let index = 0; index < topic.partitions; index++) {
    partitions.push({
      errorCode: ErrorCode.NONE,
      partitionIndex: index,
      leaderId: broker.nodeId,
      leaderEpoch: 0,
      replicaNodes: [broker.nodeId],
      isrNodes: [broker.nodeId],
      offlineReplicas: [],
    });
  }
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.id,
    isInternal: topic.name.startsWith('__'),
    partitions,
    topicAuthorizedOperations: withOperations ? ALL_TOPIC_OPERATIONS : NO_OPERATIONS,
  };
}
