import { defineApi } from '../schema/api.js';
import { int16, int32, string } from '../schema/fields.js';

export const Heartbeat = defineApi({
  key: 12,
  name: 'Heartbeat',
  versions: '0-4',
  flexible: '4+',
  request: {
    groupId: string('0+'),
    generationId: int32('0+'),
    memberId: string('0+'),
    groupInstanceId: string('3+', { nullable: '3+' }),
  },
  response: {
    throttleTimeMs: int32('1+'),
    errorCode: int16('0+'),
  },
});
