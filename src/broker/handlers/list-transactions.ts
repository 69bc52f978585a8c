import { ErrorCode, ListTransactions } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';

/** Kafka's transaction states; a filter naming another is reported back as unknown, as Kafka does. */
const STATES = new Set([
  'Empty',
  'Ongoing',
  'PrepareCommit',
  'PrepareAbort',
  'CompleteCommit',
  'CompleteAbort',
  'Dead',
  'PrepareEpochFence',
]);

/** A node without transactions has none to list (kafka-transactions.sh list). */
export const listTransactions = defineHandler(ListTransactions, (_ctx, request) => ({
  throttleTimeMs: 0,
  errorCode: ErrorCode.NONE,
  unknownStateFilters: request.stateFilters.filter((s) => !STATES.has(s)),
  transactionStates: [],
}));
