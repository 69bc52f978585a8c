import { ErrorCode, InitProducerId } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';

const MAX_EPOCH = 0x7fff;

/**
 * Idempotent producers get a fresh id, or (v3+, KIP-360) the same id with the next epoch when
 * they re-initialise after an error. Transactional ids are not supported yet: clients normally
 * stop at FindCoordinator (see transactions.ts); one that asks here directly gets the error that
 * both Java and librdkafka treat as fatal (InitProducerId has no message field).
 */
export const initProducerId = defineHandler(InitProducerId, (ctx, request) => {
  if (request.transactionalId !== null) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      producerId: -1,
      producerEpoch: -1,
    };
  }
  const { producerId, producerEpoch } = request;
  if (producerId >= 0 && producerEpoch >= 0 && producerEpoch < MAX_EPOCH - 1) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: producerEpoch + 1 };
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    producerId: ctx.broker.producerIds.allocate(),
    producerEpoch: 0,
  };
});
