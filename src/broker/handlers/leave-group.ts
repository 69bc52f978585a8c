import { ErrorCode, LeaveGroup } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';

/** v0-2 leave one member; v3+ leave a batch, each with its own error (KIP-345). */
export const leaveGroup = defineHandler(LeaveGroup, (ctx, request) => {
  const coordinator = ctx.broker.groups.coordinator;
  if (ctx.version < 3) {
    return { throttleTimeMs: 0, errorCode: coordinator.leave(request.groupId, request.memberId, null) };
  }
  const members = request.members.map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    errorCode: coordinator.leave(request.groupId, m.memberId, m.groupInstanceId),
  }));
  // From v3 errors are per member; the top level speaks only for the group id itself.
  const errorCode = request.groupId === '' ? ErrorCode.INVALID_GROUP_ID : ErrorCode.NONE;
  return { throttleTimeMs: 0, errorCode, members };
});
