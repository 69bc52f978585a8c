import type { ErrorName } from '../protocol/index.js';

/**
 * Sluice's error codes and, for each, the HTTP status and the Kafka protocol error it answers
 * with. The one place the mapping is written: the HTTP error handler and the broker's handlers
 * both read it. The Kafka side is checked against the protocol's error table (names only, a type
 * import, so this room loads nothing of the others).
 */
export const ERROR_CODES = {
  /** The request (a parameter, a query, a body, a command line) is wrong; the client must change it. */
  INVALID_ARGUMENT: { http: 400, kafka: 'INVALID_REQUEST' },
  /** A configuration value is wrong; `details.key` names it where known. */
  INVALID_CONFIG: { http: 400, kafka: 'INVALID_CONFIG' },
  NOT_FOUND: { http: 404, kafka: 'RESOURCE_NOT_FOUND' },
  /** It exists already (a topic). */
  CONFLICT: { http: 409, kafka: 'DUPLICATE_RESOURCE' },
  PAYLOAD_TOO_LARGE: { http: 413, kafka: 'MESSAGE_TOO_LARGE' },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, kafka: 'INVALID_REQUEST' },
  /** Too much at once (waiting requests, open tails); try again shortly. */
  BUSY: { http: 429, kafka: 'THROTTLING_QUOTA_EXCEEDED' },
  /** The client went away (nginx's and Loki's 499); nobody reads the answer. */
  CANCELED: { http: 499, kafka: 'REQUEST_TIMED_OUT' },
  TIMEOUT: { http: 504, kafka: 'REQUEST_TIMED_OUT' },
  /** Not reachable or not serving right now (closed, stopping, a broker that does not answer). */
  UNAVAILABLE: { http: 503, kafka: 'LEADER_NOT_AVAILABLE' },
  /** The disk failed or is full; retrying after it is fixed succeeds. */
  STORAGE: { http: 503, kafka: 'KAFKA_STORAGE_ERROR' },
  /** Bytes that should be well-formed are not (a stored batch, a record, a file). */
  CORRUPT_DATA: { http: 500, kafka: 'CORRUPT_MESSAGE' },
  /** A bug, or a failure we did not foresee: clients get a generic message, the log the stack. */
  INTERNAL: { http: 500, kafka: 'UNKNOWN_SERVER_ERROR' },
} as const satisfies Record<string, { readonly http: number; readonly kafka: ErrorName }>;

export type SluiceErrorCode = keyof typeof ERROR_CODES;

export const SLUICE_ERROR_CODES = Object.keys(ERROR_CODES) as SluiceErrorCode[];
