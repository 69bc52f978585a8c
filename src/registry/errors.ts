// The registry's errors: SluiceErrors with the status Eureka answers. Eureka's clients look at the
// status only (404 on a renewal means "register again"); the body is Eureka's plain text, such as
// "Missing hostname", so a person reading a client's log sees what was wrong.

import { SluiceError, type SluiceErrorCode } from '../errors/index.js';

const CODES: Record<number, SluiceErrorCode> = {
  400: 'INVALID_ARGUMENT',
  403: 'INVALID_ARGUMENT',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'UNAVAILABLE',
};

export class EurekaError extends SluiceError {
  readonly #status: number;

  constructor(status: number, message: string) {
    super(CODES[status] ?? 'INVALID_ARGUMENT', message);
    this.#status = status;
  }

  override get httpStatus(): number {
    return this.#status;
  }
}

export const badRequest = (message: string) => new EurekaError(400, message);
export const notFound = (message: string) => new EurekaError(404, message);
