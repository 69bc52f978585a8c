import { defineApi } from '../schema/api.js';
import { array, int16, int32, int64, string } from '../schema/fields.js';

export const ListTransactions = defineApi({
  key: 66,
  name: 'ListTransactions',
  versions: '0-1',
  flexible: '0+',
  request: {
    stateFilters: array('0+', 'string'),
    producerIdFilters: array('0+', 'int64'),
    // v1: only transactions running longer than this (ms); negative means all.
    durationFilter: int64('1+', { default: -1 }),
  },
  response: {
    throttleTimeMs: int32('0+'),
    errorCode: int16('0+'),
    unknownStateFilters: array('0+', 'string'),
    transactionStates: array('0+', {
      transactionalId: string('0+'),
      producerId: int64('0+'),
      transactionState: string('0+'),
    }),
  },
});
