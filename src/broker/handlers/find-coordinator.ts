import { ErrorCode, FindCoordinator } from '../../protocol/index.js';
import type { BrokerCore } from '../broker-core.js';
import { defineHandler } from '../handler.js';
import { TRANSACTIONS_UNSUPPORTED, transactionLookupError } from './transactions.js';

const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;

function locate(broker: BrokerCore, key: string, keyType: number, version: number) {
  const here = { nodeId: broker.nodeId, host: broker.advertised.host, port: broker.advertised.port };
  if (keyType !== GROUP_KEY) {
    // Not the retriable COORDINATOR_NOT_AVAILABLE: clients would retry for minutes.
    return {
      ...here,
      nodeId: -1,
      host: '',
      port: -1,
      errorCode: keyType === TRANSACTION_KEY ? transactionLookupError(version) : ErrorCode.INVALID_REQUEST,
      errorMessage:
        keyType === TRANSACTION_KEY ? TRANSACTIONS_UNSUPPORTED : `unknown coordinator key type ${keyType}`,
    };
  }
  if (key === '')
    return {
      ...here,
      nodeId: -1,
      host: '',
      port: -1,
      errorCode: ErrorCode.INVALID_GROUP_ID,
      errorMessage: 'empty group id',
    };
  return { ...here, errorCode: ErrorCode.NONE, errorMessage: null };
}

/** Single node: this broker coordinates every group. v4+ asks for several keys at once. */
export const findCoordinator = defineHandler(FindCoordinator, (ctx, request) => {
  if (ctx.version >= 4) {
    return {
      throttleTimeMs: 0,
      coordinators: request.coordinatorKeys.map((key) => ({
        key,
        ...locate(ctx.broker, key, request.keyType, ctx.version),
      })),
    };
  }
  return { throttleTimeMs: 0, ...locate(ctx.broker, request.key, request.keyType, ctx.version) };
});
