import { defineApi } from '../schema/api.js';
import { array, int8, int16, int32, string } from '../schema/fields.js';

export const FindCoordinator = defineApi({
  key: 10,
  name: 'FindCoordinator',
  versions: '0-6',
  flexible: '3+',
  request: {
    key: string('0-3'),
    keyType: int8('1+'),
    coordinatorKeys: array('4+', 'string'),
  },
  response: {
    throttleTimeMs: int32('1+'),
    errorCode: int16('0-3'),
    errorMessage: string('1-3', { nullable: '1-3' }),
    nodeId: int32('0-3'),
    host: string('0-3'),
    port: int32('0-3'),
    coordinators: array('4+', {
      key: string('4+'),
      nodeId: int32('4+'),
      host: string('4+'),
      port: int32('4+'),
      errorCode: int16('4+'),
      errorMessage: string('4+', { nullable: '4+' }),
    }),
  },
});
