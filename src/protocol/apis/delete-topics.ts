import { defineApi } from '../schema/api.js';
import { array, int16, int32, string, uuid } from '../schema/fields.js';

export const DeleteTopics = defineApi({
  key: 20,
  name: 'DeleteTopics',
  versions: '0-6',
  flexible: '4+',
  request: {
    topics: array('6+', { name: string('6+', { nullable: '6+' }), topicId: uuid('6+') }),
    topicNames: array('0-5', 'string'),
    timeoutMs: int32('0+'),
  },
  response: {
    throttleTimeMs: int32('1+'),
    responses: array('0+', {
      name: string('0+', { nullable: '6+' }),
      topicId: uuid('6+'),
      errorCode: int16('0+'),
      errorMessage: string('5+', { nullable: '5+' }),
    }),
  },
});
