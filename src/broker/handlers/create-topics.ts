import { CreateTopics, ErrorCode, type RequestOf } from '../../protocol/index.js';
import { type TopicInfo, validateTopicName } from '../../storage/index.js';
import type { BrokerCore } from '../broker-core.js';
import { defineHandler } from '../handler.js';
import { checkTopicConfigs, describeTopic } from './config-resources.js';
import { type Failure, fail, failureOf, repeated, replicaListProblem } from './topic-admin.js';

type CreatableTopic = RequestOf<typeof CreateTopics>['topics'][number];

/** A topic that passed every check: what would be created. */
interface Plan {
  name: string;
  partitions: number;
  configs: Record<string, string>;
}

const REPLICATION_FACTOR = 1;

export const createTopics = defineHandler(CreateTopics, async (ctx, request) => {
  const { broker } = ctx;
  const duplicates = repeated(request.topics.map((t) => t.name));
  const results = [];
  for (const name of duplicates)
    results.push(failed(name, fail(ErrorCode.INVALID_REQUEST, 'Duplicate topic name.')));
  for (const wanted of request.topics) {
    if (duplicates.has(wanted.name)) continue;
    const plan = planTopic(broker, wanted);
    if ('failure' in plan) {
      results.push(failed(wanted.name, plan.failure));
    } else if (request.validateOnly) {
      results.push(created(broker, plan, null));
    } else {
      try {
        const topic = await broker.logs.createTopic(plan.name, plan.partitions, plan.configs);
        broker.log.info({ topic: topic.name, partitions: topic.partitions }, 'created topic');
        results.push(created(broker, plan, topic));
      } catch (err) {
        results.push(failed(wanted.name, failureOf(broker, err, 'create topic')));
      }
    }
  }
  return { throttleTimeMs: 0, topics: results };
});

/** Kafka's checks in Kafka's order: name, existence, configs, partitions and replicas, collisions. */
function planTopic(broker: BrokerCore, wanted: CreatableTopic): Plan | { failure: Failure } {
  const { name } = wanted;
  try {
    validateTopicName(name);
  } catch (err) {
    return { failure: failureOf(broker, err, 'topic name check') };
  }
  if (broker.logs.topic(name)) {
    return { failure: fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`) };
  }
  const configs: Record<string, string> = {};
  for (const { name: key, value } of wanted.configs) {
    if (value === null) {
      return {
        failure: fail(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${key}`),
      };
    }
    configs[key] = value;
  }
  const checked = checkTopicConfigs(broker, configs);
  if ('failure' in checked) return checked;
  const partitions = partitionCount(broker, wanted);
  if (typeof partitions !== 'number') return { failure: partitions };
  const collision = collidingTopic(broker, name);
  if (collision) {
    const message = `Topic '${name}' collides with existing topic: ${collision}`;
    return { failure: fail(ErrorCode.INVALID_TOPIC_EXCEPTION, message) };
  }
  return { name, partitions, configs: checked.overrides };
}

/** The partition count asked for, from numPartitions or from a manual assignment. */
function partitionCount(broker: BrokerCore, wanted: CreatableTopic): number | Failure {
  const { numPartitions, replicationFactor, assignments } = wanted;
  if (assignments.length > 0) {
    if (numPartitions !== -1) {
      return fail(
        ErrorCode.INVALID_REQUEST,
        'A manual partition assignment was specified, but numPartitions was not set to -1.',
      );
    }
    if (replicationFactor !== -1) {
      return fail(
        ErrorCode.INVALID_REQUEST,
        'A manual partition assignment was specified, but replicationFactor was not set to -1.',
      );
    }
    const seen = new Set<number>();
    for (const assignment of assignments) {
      if (seen.has(assignment.partitionIndex)) {
        return fail(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `Found multiple manual partition assignments for partition ${assignment.partitionIndex}`,
        );
      }
      seen.add(assignment.partitionIndex);
      const problem = replicaListProblem(assignment.brokerIds, broker.nodeId);
      if (problem) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, problem);
    }
    for (let i = 0; i < assignments.length; i++) {
      if (!seen.has(i)) {
        return fail(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          'partitions should be a consecutive 0-based integer sequence',
        );
      }
    }
    return assignments.length;
  }
  const partitions = numPartitions === -1 ? broker.options.defaultPartitions : numPartitions;
  if (partitions <= 0) {
    return fail(
      ErrorCode.INVALID_PARTITIONS,
      'Number of partitions was set to an invalid non-positive value.',
    );
  }
  if (replicationFactor !== -1 && replicationFactor <= 0) {
    return fail(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      'Replication factor must be larger than 0, or -1 to use the default value.',
    );
  }
  if (replicationFactor > REPLICATION_FACTOR) {
    return fail(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ` +
        `${replicationFactor} cannot be reached because only 1 broker(s) are registered.`,
    );
  }
  return partitions;
}

/** Kafka refuses "a.b" beside "a_b": both would have the same metric names. */
function collidingTopic(broker: BrokerCore, name: string): string | undefined {
  const key = name.replaceAll('.', '_');
  return broker.logs.topics().find((t) => t.name.replaceAll('.', '_') === key)?.name;
}

function failed(name: string, failure: Failure) {
  return { name, ...failure, numPartitions: -1, replicationFactor: -1, configs: [] };
}

/** A created (or, with validateOnly, creatable) topic as v5+ describes it. */
function created(broker: BrokerCore, plan: Plan, topic: TopicInfo | null) {
  return {
    name: plan.name,
    topicId: topic?.id,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    numPartitions: plan.partitions,
    replicationFactor: REPLICATION_FACTOR,
    configs: describeTopic(broker, topic?.configs ?? plan.configs).map((c) => ({
      name: c.name,
      value: c.value,
      readOnly: c.readOnly,
      configSource: c.source,
      isSensitive: false,
    })),
  };
}
