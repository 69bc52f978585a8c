import { defineApi } from '../schema/api.js';
import { array, int8, int16, int32, string } from '../schema/fields.js';

export const ElectLeaders = defineApi({
  key: 43,
  name: 'ElectLeaders',
  versions: '0-2',
  flexible: '2+',
  request: {
    // 0 = preferred replica, 1 = unclean (first live replica).
    electionType: int8('1+'),
    // null asks for every partition.
    topicPartitions: array(
      '0+',
      { topic: string('0+'), partitions: array('0+', 'int32') },
      { nullable: '0+' },
    ),
    timeoutMs: int32('0+', { default: 60000 }),
  },
  response: {
    throttleTimeMs: int32('0+'),
    errorCode: int16('1+'),
    replicaElectionResults: array('0+', {
      topic: string('0+'),
      partitionResult: array('0+', {
        partitionId: int32('0+'),
        errorCode: int16('0+'),
        errorMessage: string('0+', { nullable: '0+' }),
      }),
    }),
  },
});
