import { defineApi } from '../schema/api.js';
import { array, bool, bytes, int16, int32, string } from '../schema/fields.js';

export const JoinGroup = defineApi({
  key: 11,
  name: 'JoinGroup',
  versions: '0-9',
  flexible: '6+',
  request: {
    groupId: string('0+'),
    sessionTimeoutMs: int32('0+'),
    rebalanceTimeoutMs: int32('1+', { default: -1 }),
    memberId: string('0+'),
    groupInstanceId: string('5+', { nullable: '5+' }),
    protocolType: string('0+'),
    protocols: array('0+', { name: string('0+'), metadata: bytes('0+') }),
    reason: string('8+', { nullable: '8+' }),
  },
  response: {
    throttleTimeMs: int32('2+'),
    errorCode: int16('0+'),
    generationId: int32('0+', { default: -1 }),
    protocolType: string('7+', { nullable: '7+' }),
    protocolName: string('0+', { nullable: '7+' }),
    leader: string('0+'),
    skipAssignment: bool('9+'),
    memberId: string('0+'),
    members: array('0+', {
      memberId: string('0+'),
      groupInstanceId: string('5+', { nullable: '5+' }),
      metadata: bytes('0+'),
    }),
  },
});
