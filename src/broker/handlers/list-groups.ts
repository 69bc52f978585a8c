import { ErrorCode, ListGroups } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';

/** v4+ filter by state (case-insensitive, as Kafka compares them); v5+ by type (all ours are "classic"). */
export const listGroups = defineHandler(ListGroups, (ctx, request) => {
  const states = new Set(request.statesFilter.map((s) => s.toLowerCase()));
  const types = new Set(request.typesFilter.map((t) => t.toLowerCase()));
  const groups = ctx.broker.groups
    .list()
    .filter((g) => states.size === 0 || states.has(g.state.toLowerCase()))
    .filter(() => types.size === 0 || types.has('classic'))
    .map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType,
      groupState: g.state,
      groupType: 'classic',
    }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
});
