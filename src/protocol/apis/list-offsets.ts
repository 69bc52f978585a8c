import { defineApi } from '../schema/api.js';
import { array, int8, int16, int32, int64, string } from '../schema/fields.js';

export const ListOffsets = defineApi({
  key: 2,
  name: 'ListOffsets',
  versions: '0-10',
  flexible: '6+',
  request: {
    replicaId: int32('0+'),
    isolationLevel: int8('2+'),
    topics: array('0+', {
      name: string('0+'),
      partitions: array('0+', {
        partitionIndex: int32('0+'),
        currentLeaderEpoch: int32('4+', { default: -1 }),
        timestamp: int64('0+'),
        maxNumOffsets: int32('0', { default: 1 }),
      }),
    }),
    timeoutMs: int32('10+'),
  },
  response: {
    throttleTimeMs: int32('2+'),
    topics: array('0+', {
      name: string('0+'),
      partitions: array('0+', {
        partitionIndex: int32('0+'),
        errorCode: int16('0+'),
        oldStyleOffsets: array('0', 'int64'),
        timestamp: int64('1+', { default: -1 }),
        offset: int64('1+', { default: -1 }),
        leaderEpoch: int32('4+', { default: -1 }),
      }),
    }),
  },
});
