import { ErrorCode, OffsetDelete } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';

/** Deletes a group's committed offsets, except for topics an active member subscribes to. */
export const offsetDelete = defineHandler(OffsetDelete, async (ctx, request) => {
  const { groups } = ctx.broker;
  if (request.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, throttleTimeMs: 0, topics: [] };
  if (!groups.exists(request.groupId))
    return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, throttleTimeMs: 0, topics: [] };
  const removable: { topic: string; partition: number }[] = [];
  const topics = request.topics.map((t) => {
    const subscribed = groups.subscribedByActiveMember(request.groupId, t.name);
    const known = ctx.broker.logs.topic(t.name);
    return {
      name: t.name,
      partitions: t.partitions.map((p) => {
        let errorCode: number = ErrorCode.NONE;
        if (!known || p.partitionIndex < 0 || p.partitionIndex >= known.partitions)
          errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if (subscribed) errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
        else removable.push({ topic: t.name, partition: p.partitionIndex });
        return { partitionIndex: p.partitionIndex, errorCode };
      }),
    };
  });
  await groups.deleteOffsets(request.groupId, removable);
  return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics };
});
