import { ErrorCode, InitProducerId } from '../../protocol/index.js';
import { defineHandler } from '../handler.js';

/**
 * Without a transactional id every request gets a fresh producer id at epoch 0, whatever id and
 * epoch it names, as Kafka does: the KIP-360 epoch bump belongs to transactional producers, and
 * honouring it here let any client take over another producer's id (a library that asks with
 * 0/0 made every process producer 0, whose later batches were then dropped as duplicates).
 * Transactional ids are not supported yet: clients normally stop at FindCoordinator (see
 * transactions.ts); one that asks here directly gets the error that both Java and librdkafka
 * treat as fatal (InitProducerId has no message field).
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
  // As Kafka: an id without an epoch (or the reverse) is malformed.
  if ((request.producerId === -1) !== (request.producerEpoch === -1)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1 };
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    producerId: ctx.broker.producerIds.allocate(),
    producerEpoch: 0,
  };
});
