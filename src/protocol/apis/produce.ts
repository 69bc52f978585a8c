import { defineApi } from '../schema/api.js';
import { array, int16, int32, int64, records, string, struct } from '../schema/fields.js';

export const Produce = defineApi({
  key: 0,
  name: 'Produce',
  versions: '3-11',
  flexible: '9+',
  request: {
    transactionalId: string('3+', { nullable: '3+' }),
    acks: int16('0+'),
    timeoutMs: int32('0+'),
    topicData: array('0+', {
      name: string('0+'),
      partitionData: array('0+', { index: int32('0+'), records: records('0+', { nullable: '0+' }) }),
    }),
  },
  response: {
    responses: array('0+', {
      name: string('0+'),
      partitionResponses: array('0+', {
        index: int32('0+'),
        errorCode: int16('0+'),
        baseOffset: int64('0+'),
        logAppendTimeMs: int64('2+', { default: -1 }),
        logStartOffset: int64('5+', { default: -1 }),
        recordErrors: array('8+', {
          batchIndex: int32('8+'),
          batchIndexErrorMessage: string('8+', { nullable: '8+' }),
        }),
        errorMessage: string('8+', { nullable: '8+' }),
        currentLeader: struct(
          '10+',
          { leaderId: int32('10+', { default: -1 }), leaderEpoch: int32('10+', { default: -1 }) },
          { tag: 0 },
        ),
      }),
    }),
    throttleTimeMs: int32('1+'),
    nodeEndpoints: array(
      '10+',
      {
        nodeId: int32('10+'),
        host: string('10+'),
        port: int32('10+'),
        rack: string('10+', { nullable: '10+' }),
      },
      { tag: 0 },
    ),
  },
});
