import { ErrorCode, FindCoordinator } from '../../protocol/index.js';
import type { BrokerCore } from '../broker-core.js';
import { defineHandler } from '../handler.js';

const GROUP_KEY = 0;

function locate(broker: BrokerCore, key: string, keyType: number) {
  const here = { nodeId: broker.nodeId, host: broker.advertised.host, port: broker.advertised.port };
  if (keyType !== GROUP_KEY) {
    return {
      ...here,
      nodeId: -1,
      host: '',
      port: -1,
      errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      errorMessage: 'only group coordinators are served; transactions are not supported',
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
        ...locate(ctx.broker, key, request.keyType),
      })),
    };
  }
  return { throttleTimeMs: 0, ...locate(ctx.broker, request.key, request.keyType) };
});
