import { defineApi } from '../schema/api.js';
import { int16, int32, int64, string } from '../schema/fields.js';

export const InitProducerId = defineApi({
  key: 22,
  name: 'InitProducerId',
  versions: '0-5',
  flexible: '2+',
  request: {
    transactionalId: string('0+', { nullable: '0+' }),
    transactionTimeoutMs: int32('0+'),
    producerId: int64('3+', { default: -1 }),
    producerEpoch: int16('3+', { default: -1 }),
  },
  response: {
    throttleTimeMs: int32('0+'),
    errorCode: int16('0+'),
    producerId: int64('0+', { default: -1 }),
    producerEpoch: int16('0+'),
  },
});
