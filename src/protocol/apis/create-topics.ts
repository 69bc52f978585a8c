import { defineApi } from '../schema/api.js';
import { array, bool, int8, int16, int32, string, uuid } from '../schema/fields.js';

export const CreateTopics = defineApi({
  key: 19,
  name: 'CreateTopics',
  versions: '0-7',
  flexible: '5+',
  request: {
    topics: array('0+', {
      name: string('0+'),
      numPartitions: int32('0+'),
      replicationFactor: int16('0+'),
      assignments: array('0+', { partitionIndex: int32('0+'), brokerIds: array('0+', 'int32') }),
      configs: array('0+', { name: string('0+'), value: string('0+', { nullable: '0+' }) }),
    }),
    timeoutMs: int32('0+', { default: 60000 }),
    validateOnly: bool('1+'),
  },
  response: {
    throttleTimeMs: int32('2+'),
    topics: array('0+', {
      name: string('0+'),
      topicId: uuid('7+'),
      errorCode: int16('0+'),
      errorMessage: string('1+', { nullable: '0+' }),
      topicConfigErrorCode: int16('5+', { tag: 0 }),
      numPartitions: int32('5+', { default: -1 }),
      replicationFactor: int16('5+', { default: -1 }),
      configs: array(
        '5+',
        {
          name: string('5+'),
          value: string('5+', { nullable: '5+' }),
          readOnly: bool('5+'),
          configSource: int8('5+', { default: -1 }),
          isSensitive: bool('5+'),
        },
        { nullable: '5+' },
      ),
    }),
  },
});
