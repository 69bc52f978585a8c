import { ErrorCode } from '../../protocol/index.js';

/** What a transactional client is told, in every answer that can carry a message. */
export const TRANSACTIONS_UNSUPPORTED = 'Sluice does not support transactions yet';

/**
 * The error a transaction-coordinator lookup gets. Clients treat FindCoordinator errors
 * differently: librdkafka (which asks with v0-v2) retries every error but
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED until init_transactions times out, and prints our
 * message with it; Java's TransactionManager (v4+, batched) fails at once on every error but
 * COORDINATOR_NOT_AVAILABLE and the two authorization ones, printing our message only for
 * those it does not know, so it gets INVALID_REQUEST. Either way the client fails at once
 * and says why.
 */
export function transactionLookupError(version: number): number {
  return version >= 4 ? ErrorCode.INVALID_REQUEST : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
}
