import { DeleteTopics, ErrorCode } from '../../protocol/index.js';
import type { TopicInfo } from '../../storage/index.js';
import type { BrokerCore } from '../broker-core.js';
import { defineHandler } from '../handler.js';
import { type Failure, fail, failureOf, forgetPartitions, isInternalTopic, repeated } from './topic-admin.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

interface Answer extends Failure {
  name: string | null;
  topicId: string;
}

/** Deletes topics named by name (v0+) or by id (v6), following Kafka's controller rules. */
export const deleteTopics = defineHandler(DeleteTopics, async (ctx, request) => {
  const { broker, version } = ctx;
  const wanted =
    version >= 6 ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  const answers: Answer[] = [];
  const names: string[] = [];
  const ids: string[] = [];
  for (const { name, topicId } of wanted) {
    if (name === null && topicId === ZERO_UUID) {
      answers.push({
        name,
        topicId,
        ...fail(ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.'),
      });
    } else if (name !== null && topicId !== ZERO_UUID) {
      answers.push({
        name,
        topicId,
        ...fail(ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.'),
      });
    } else if (name !== null) names.push(name);
    else ids.push(topicId);
  }
  const duplicateNames = repeated(names);
  const duplicateIds = repeated(ids);
  for (const name of duplicateNames) {
    answers.push({ name, topicId: ZERO_UUID, ...fail(ErrorCode.INVALID_REQUEST, 'Duplicate topic name.') });
  }
  for (const topicId of duplicateIds) {
    answers.push({ name: null, topicId, ...fail(ErrorCode.INVALID_REQUEST, 'Duplicate topic id.') });
  }

  const doomed = new Map<string, TopicInfo>();
  for (const name of names) {
    if (duplicateNames.has(name)) continue;
    const topic = broker.logs.topic(name);
    if (topic) doomed.set(topic.id, topic);
    else
      answers.push({
        name,
        topicId: ZERO_UUID,
        ...fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist.`),
      });
  }
  for (const topicId of ids) {
    if (duplicateIds.has(topicId)) continue;
    const topic = broker.logs.topicById(topicId);
    if (topic) doomed.set(topic.id, topic);
    else
      answers.push({
        name: null,
        topicId,
        ...fail(ErrorCode.UNKNOWN_TOPIC_ID, `Topic id ${topicId} does not exist.`),
      });
  }
  for (const topic of doomed.values()) answers.push(await deleteOne(broker, topic));
  return { throttleTimeMs: 0, responses: answers };
});

async function deleteOne(broker: BrokerCore, topic: TopicInfo): Promise<Answer> {
  const answer = { name: topic.name, topicId: topic.id };
  if (isInternalTopic(topic.name)) {
    return {
      ...answer,
      ...fail(ErrorCode.INVALID_REQUEST, `${topic.name} is an internal topic and cannot be deleted.`),
    };
  }
  try {
    await broker.logs.deleteTopic(topic.name);
  } catch (err) {
    return { ...answer, ...failureOf(broker, err, 'delete topic') };
  } finally {
    // Whatever storage did, the partitions' in-memory state must not outlive the topic.
    if (!broker.logs.topic(topic.name)) forgetPartitions(broker, topic.name, topic.partitions);
  }
  // Committed offsets of a deleted topic go with it, as in Kafka.
  await broker.groups.forgetTopic(topic.name);
  broker.log.info({ topic: topic.name }, 'deleted topic');
  return { ...answer, errorCode: ErrorCode.NONE, errorMessage: null };
}
