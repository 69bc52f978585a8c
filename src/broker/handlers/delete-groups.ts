import { DeleteGroups } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const deleteGroups = defineHandler(DeleteGroups, async (ctx, request) => {
  const results = [];
  for (const groupId of request.groupsNames) {
    results.push({ groupId, errorCode: await ctx.broker.groups.deleteGroup(groupId) });
  }
  return { throttleTimeMs: 0, results };
});
