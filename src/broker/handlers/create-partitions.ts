import { CreatePartitions, ErrorCode, type RequestOf } from '../../protocol/index.js';
import type { BrokerCore } from '../broker-core.js';
import { defineHandler } from '../handler.js';
import { type Failure, fail, failureOf, OK, repeated, replicaListProblem } from './topic-admin.js';

type PartitionsRequest = RequestOf<typeof CreatePartitions>['topics'][number];

/** Grows topics to a new partition count; Kafka cannot shrink one. */
export const createPartitions = defineHandler(CreatePartitions, async (ctx, request) => {
  const { broker } = ctx;
  const duplicates = repeated(request.topics.map((t) => t.name));
  const results = [];
  for (const name of duplicates)
    results.push({ name, ...fail(ErrorCode.INVALID_REQUEST, 'Duplicate topic name.') });
  for (const wanted of request.topics) {
    if (duplicates.has(wanted.name)) continue;
    const problem = check(broker, wanted);
    if (problem) {
      results.push({ name: wanted.name, ...problem });
      continue;
    }
    if (request.validateOnly) {
      results.push({ name: wanted.name, ...OK });
      continue;
    }
    try {
      await broker.logs.addPartitions(wanted.name, wanted.count);
      broker.log.info({ topic: wanted.name, partitions: wanted.count }, 'added partitions');
      results.push({ name: wanted.name, ...OK });
    } catch (err) {
      results.push({ name: wanted.name, ...failureOf(broker, err, 'create partitions') });
    }
  }
  return { throttleTimeMs: 0, results };
});

/** Kafka's checks (ReplicationControlManager.createPartitionsTopic), with its messages. */
function check(broker: BrokerCore, wanted: PartitionsRequest): Failure | null {
  const topic = broker.logs.topic(wanted.name);
  if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${wanted.name}' does not exist.`);
  const current = topic.partitions;
  if (wanted.count === current) {
    return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
  }
  if (wanted.count < current) {
    return fail(
      ErrorCode.INVALID_PARTITIONS,
      `The topic ${wanted.name} currently has ${current} partition(s); ${wanted.count} would not be an increase.`,
    );
  }
  const additional = wanted.count - current;
  if (wanted.assignments !== null) {
    if (wanted.assignments.length !== additional) {
      return fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Attempted to add ${additional} additional partition(s), but only ${wanted.assignments.length} assignment(s) were specified.`,
      );
    }
    for (const { brokerIds } of wanted.assignments) {
      const problem = replicaListProblem(brokerIds, broker.nodeId);
      if (problem) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, problem);
    }
  }
  return null;
}
