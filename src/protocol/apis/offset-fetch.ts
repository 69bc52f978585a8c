import { defineApi } from '../schema/api.js';
import { array, bool, int16, int32, int64, string } from '../schema/fields.js';

export const OffsetFetch = defineApi({
  key: 9,
  name: 'OffsetFetch',
  versions: '0-9',
  flexible: '6+',
  request: {
    groupId: string('0-7'),
    topics: array(
      '0-7',
      { name: string('0-7'), partitionIndexes: array('0-7', 'int32') },
      { nullable: '2-7' },
    ),
    groups: array('8+', {
      groupId: string('8+'),
      memberId: string('9+', { nullable: '9+' }),
      memberEpoch: int32('9+', { default: -1 }),
      topics: array('8+', { name: string('8+'), partitionIndexes: array('8+', 'int32') }, { nullable: '8+' }),
    }),
    requireStable: bool('7+'),
  },
  response: {
    throttleTimeMs: int32('3+'),
    topics: array('0-7', {
      name: string('0-7'),
      partitions: array('0-7', {
        partitionIndex: int32('0-7'),
        committedOffset: int64('0-7'),
        committedLeaderEpoch: int32('5-7', { default: -1 }),
        metadata: string('0-7', { nullable: '0-7' }),
        errorCode: int16('0-7'),
      }),
    }),
    errorCode: int16('2-7'),
    groups: array('8+', {
      groupId: string('8+'),
      topics: array('8+', {
        name: string('8+'),
        partitions: array('8+', {
          partitionIndex: int32('8+'),
          committedOffset: int64('8+'),
          committedLeaderEpoch: int32('8+', { default: -1 }),
          metadata: string('8+', { nullable: '8+' }),
          errorCode: int16('8+'),
        }),
      }),
      errorCode: int16('8+'),
    }),
  },
});
