import { DescribeGroups, ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';
import { ALL_GROUP_OPERATIONS as GROUP_OPERATIONS, NO_OPERATIONS } from './authorized-operations.js';

/** Unknown groups are described as Dead with no error, as Kafka does. */
export const describeGroups = defineHandler(DescribeGroups, (ctx, request) => {
  const { groups } = ctx.broker;
  return {
    throttleTimeMs: 0,
    groups: request.groups.map((groupId) => {
      const operations = request.includeAuthorizedOperations ? GROUP_OPERATIONS : NO_OPERATIONS;
      const group = groups.coordinator.group(groupId);
      if (!group) {
        const known = groups.exists(groupId);
        return {
          errorCode: ErrorCode.NONE,
          groupId,
          groupState: known ? 'Empty' : 'Dead',
          protocolType: '',
          protocolData: '',
          members: [],
          authorizedOperations: operations,
        };
      }
      const stable = group.state === 'Stable';
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: group.state,
        protocolType: group.protocolType ?? '',
        // The protocol is reported only once the group is Stable, as Kafka does.
        protocolData: stable ? (group.protocolName ?? '') : '',
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: stable ? m.metadataFor(group.protocolName ?? '') : Buffer.alloc(0),
          memberAssignment: stable ? m.assignment : Buffer.alloc(0),
        })),
        authorizedOperations: operations,
      };
    }),
  };
});
