// The one error the client room's door throws. It loads nothing of a Kafka client library, so
// callers (the CLI's error printer) can tell its failures apart without paying for that import.

import { SluiceError, type SluiceErrorCode } from '../errors/index.js';

/**
 * An expected failure of a client operation: the broker cannot be reached or answers oddly
 * (UNAVAILABLE, the default), what was asked for does not exist (NOT_FOUND) or exists already
 * (CONFLICT). `brokerError` is the Kafka protocol error name the broker answered, if any.
 */
export class ClientError extends SluiceError {
  readonly brokerError: string | undefined;
  constructor(
    message: string,
    code: SluiceErrorCode = 'UNAVAILABLE',
    options: { brokerError?: string; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.brokerError = options.brokerError;
  }
}
