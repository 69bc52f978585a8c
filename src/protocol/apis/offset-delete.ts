import { defineApi } from '../schema/api.js';
import { array, int16, int32, string } from '../schema/fields.js';

export const OffsetDelete = defineApi({
  key: 47,
  name: 'OffsetDelete',
  versions: '0',
  flexible: 'none',
  request: {
    groupId: string('0+'),
    topics: array('0+', { name: string('0+'), partitions: array('0+', { partitionIndex: int32('0+') }) }),
  },
  response: {
    errorCode: int16('0+'),
    throttleTimeMs: int32('0+'),
    topics: array('0+', {
      name: string('0+'),
      partitions: array('0+', { partitionIndex: int32('0+'), errorCode: int16('0+') }),
    }),
  },
});
