import { SyncGroup } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const syncGroup = defineHandler(SyncGroup, async (ctx, request) => {
  const result = await ctx.broker.groups.coordinator.sync(
    {
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      generationId: request.generationId,
    },
    request.assignments,
    // Protocol type and name are only sent from v5 on.
    ctx.version >= 5
      ? { type: request.protocolType, name: request.protocolName }
      : { type: null, name: null },
  );
  return { throttleTimeMs: 0, ...result };
});
