import { ElectLeaders, ErrorCode } from '../../protocol/index.js';
import type { BrokerCore } from '../broker-core.js';
import { defineHandler } from '../handler.js';

/** Kafka's ElectionType ids. */
const PREFERRED = 0;
const UNCLEAN = 1;
const NOT_NEEDED = 'Leader election not needed for topic partition.';

/**
 * A single node leads every partition and is every partition's preferred replica, so no
 * election is ever needed: each named partition is answered ELECTION_NOT_NEEDED, as Kafka's
 * controller answers a partition that has its preferred leader (preferred) or any leader
 * (unclean). Asked for all partitions (null), Kafka leaves those rows out, listing each topic
 * with no partitions, so kafka-leader-election.sh prints nothing.
 */
export const electLeaders = defineHandler(ElectLeaders, (ctx, request) => {
  const { broker } = ctx;
  if (request.electionType !== PREFERRED && request.electionType !== UNCLEAN) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, replicaElectionResults: [] };
  }
  if (request.topicPartitions === null) {
    const replicaElectionResults = broker.logs.topics().map((t) => ({ topic: t.name, partitionResult: [] }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults };
  }
  const replicaElectionResults = request.topicPartitions.map((t) => ({
    topic: t.topic,
    partitionResult: t.partitions.map((partitionId) => ({
      partitionId,
      ...electOne(broker, t.topic, partitionId),
    })),
  }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults };
});

function electOne(broker: BrokerCore, topic: string, partition: number) {
  if (!broker.logs.topic(topic)) {
    return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such topic as ${topic}` };
  }
  if (!broker.partition(topic, partition)) {
    return {
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: `No such partition as ${topic}-${partition}`,
    };
  }
  return { errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: NOT_NEEDED };
}
