// The errors room's only door: SluiceError and its codes, their HTTP and Kafka mapping, the HTTP
// error handler, and logs of repeated errors. It sits beneath every other room.
export { ERROR_CODES, httpStatusOf, SLUICE_ERROR_CODES, type SluiceErrorCode } from './codes.js';
export {
  fromFrameworkError,
  type HttpErrorFormat,
  httpErrorBody,
  installHttpErrorHandler,
  sendHttpError,
  useErrorFormat,
} from './http.js';
export { type ErrorLogSink, RateLimitedLog } from './rate-limited-log.js';
export { RepeatThrottle } from './repeat-throttle.js';
export {
  errorText,
  INTERNAL_MESSAGE,
  isSluiceError,
  kafkaErrorOf,
  SluiceError,
  type SluiceErrorOptions,
  toSluiceError,
} from './sluice-error.js';
