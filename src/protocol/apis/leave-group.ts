import { defineApi } from '../schema/api.js';
import { array, int16, int32, string } from '../schema/fields.js';

export const LeaveGroup = defineApi({
  key: 13,
  name: 'LeaveGroup',
  versions: '0-5',
  flexible: '4+',
  request: {
    groupId: string('0+'),
    memberId: string('0-2'),
    members: array('3+', {
      memberId: string('3+'),
      groupInstanceId: string('3+', { nullable: '3+' }),
      reason: string('5+', { nullable: '5+' }),
    }),
  },
  response: {
    throttleTimeMs: int32('1+'),
    errorCode: int16('0+'),
    members: array('3+', {
      memberId: string('3+'),
      groupInstanceId: string('3+', { nullable: '3+' }),
      errorCode: int16('3+'),
    }),
  },
});
