import { JoinGroup } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';

export const joinGroup = defineHandler(JoinGroup, async (ctx, request) => {
  const { connection, header, version } = ctx;
  const result = await ctx.broker.groups.coordinator.join({
    groupId: request.groupId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId,
    clientId: header.clientId ?? '',
    clientHost: `/${connection.socket.remoteAddress ?? ''}`,
    sessionTimeoutMs: request.sessionTimeoutMs,
    // v0 has no rebalance timeout: the session timeout bounds the join phase.
    rebalanceTimeoutMs: version >= 1 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs,
    protocolType: request.protocolType,
    protocols: request.protocols,
    requireKnownMemberId: version >= 4,
  });
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolType: result.protocolType,
    // Before v7 the protocol name is not nullable.
    protocolName: result.protocolName ?? (version >= 7 ? null : ''),
    leader: result.leader,
    skipAssignment: result.skipAssignment,
    memberId: result.memberId,
    members: result.members,
  };
});
