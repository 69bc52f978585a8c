// The errors room's only door: SluiceError and its codes, their HTTP and Kafka mapping, the HTTP
// error handler, and logs of repeated errors. It sits beneath every other room.
export { ERROR_CODES, SLUICE_ERROR_CODES, type SluiceErrorCode } from './codes.js';
export { type HttpErrorFormat, httpErrorBody, installHttpErrorHandler, useErrorFormat } from './http.js';
export { type ErrorLogSink, RateLimitedLog } from './rate-limited-log.js';
export { RepeatThrottle } from './repeat-throttle.js';
export {
  INTERNAL_MESSAGE,
  isSluiceError,
  kafkaErrorOf,
  SluiceError,
  type SluiceErrorOptions,
  toSluiceError,
} from './sluice-error.js';
