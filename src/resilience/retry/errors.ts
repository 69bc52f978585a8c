// Which failures a retry may repeat: Spring Cloud Gateway's Retry filter retries IOException and
// TimeoutException; here those are the connect errors (nothing was sent), resets (the connection
// broke before an answer) and timeouts, told apart by Node's and undici's error codes.

import { TaskCancelledError } from 'cockatiel';
import { isSluiceError } from '../../errors/index.js';

export type RetryableError = 'connect' | 'reset' | 'timeout';

const CONNECT = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The kind of a failed attempt's error, looking through `cause`; undefined for anything else. */
export function classifyError(error: unknown): RetryableError | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof TaskCancelledError || isSluiceError(e, 'TIMEOUT')) return 'timeout';
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (CONNECT.has(code)) return 'connect';
    if (RESET.has(code)) return 'reset';
    if (TIMEOUT.has(code)) return 'timeout';
  }
  return undefined;
}
