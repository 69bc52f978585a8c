import { defineApi } from '../schema/api.js';
import { array, int16, int32, int64, string } from '../schema/fields.js';

export const OffsetCommit = defineApi({
  key: 8,
  name: 'OffsetCommit',
  versions: '0-9',
  flexible: '8+',
  request: {
    groupId: string('0+'),
    generationIdOrMemberEpoch: int32('1+', { default: -1 }),
    memberId: string('1+'),
    groupInstanceId: string('7+', { nullable: '7+' }),
    retentionTimeMs: int64('2-4', { default: -1 }),
    topics: array('0+', {
      name: string('0+'),
      partitions: array('0+', {
        partitionIndex: int32('0+'),
        committedOffset: int64('0+'),
        committedLeaderEpoch: int32('6+', { default: -1 }),
        commitTimestamp: int64('1', { default: -1 }),
        committedMetadata: string('0+', { nullable: '0+' }),
      }),
    }),
  },
  response: {
    throttleTimeMs: int32('3+'),
    topics: array('0+', {
      name: string('0+'),
      partitions: array('0+', { partitionIndex: int32('0+'), errorCode: int16('0+') }),
    }),
  },
});
