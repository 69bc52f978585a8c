import { ErrorCode, OffsetCommit } from '../../protocol/index.js';
import type { CommitEntry } from '../groups/index.js';
import { defineHandler } from '../handler.js';

export const offsetCommit = defineHandler(OffsetCommit, async (ctx, request) => {
  const { broker } = ctx;
  const groups = broker.groups;
  const groupError = groups.commitAllowed(
    {
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      generationId: request.generationIdOrMemberEpoch,
    },
    ctx.version,
  );
  const accepted: CommitEntry[] = [];
  const topics = request.topics.map((t) => {
    const topic = broker.logs.topic(t.name);
    return {
      name: t.name,
      partitions: t.partitions.map((p) => {
        let errorCode: number = groupError;
        if (errorCode === ErrorCode.NONE) {
          if (!topic || p.partitionIndex < 0 || p.partitionIndex >= topic.partitions) {
            errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          } else if (Buffer.byteLength(p.committedMetadata ?? '') > groups.options.maxMetadataBytes) {
            errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
          } else {
            accepted.push({
              topic: t.name,
              partition: p.partitionIndex,
              offset: p.committedOffset,
              leaderEpoch: p.committedLeaderEpoch,
              metadata: p.committedMetadata,
            });
          }
        }
        return { partitionIndex: p.partitionIndex, errorCode };
      }),
    };
  });
  if (accepted.length > 0) {
    try {
      await groups.commit(request.groupId, accepted);
    } catch (err) {
      broker.log.error({ err, group: request.groupId }, 'offset commit failed');
      for (const t of topics)
        for (const p of t.partitions)
          if (p.errorCode === ErrorCode.NONE) p.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }
  return { throttleTimeMs: 0, topics };
});
