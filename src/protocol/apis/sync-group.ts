import { defineApi } from '../schema/api.js';
import { array, bytes, int16, int32, string } from '../schema/fields.js';

export const SyncGroup = defineApi({
  key: 14,
  name: 'SyncGroup',
  versions: '0-5',
  flexible: '4+',
  request: {
    groupId: string('0+'),
    generationId: int32('0+'),
    memberId: string('0+'),
    groupInstanceId: string('3+', { nullable: '3+' }),
    protocolType: string('5+', { nullable: '5+' }),
    protocolName: string('5+', { nullable: '5+' }),
    assignments: array('0+', { memberId: string('0+'), assignment: bytes('0+') }),
  },
  response: {
    throttleTimeMs: int32('1+'),
    errorCode: int16('0+'),
    protocolType: string('5+', { nullable: '5+' }),
    protocolName: string('5+', { nullable: '5+' }),
    assignment: bytes('0+'),
  },
});
