import { SluiceError } from '../../errors/index.js';

/** A Loki push body that cannot be accepted: a bad body, one too large, or an unknown encoding. */
export class PushError extends SluiceError {
  constructor(
    message: string,
    code: 'INVALID_ARGUMENT' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' = 'INVALID_ARGUMENT',
  ) {
    super(code, message);
  }

  /** The HTTP status Loki answers with (400, 413 or 415). */
  get status(): number {
    return this.httpStatus;
  }
}

/** More streams in one push than `logs.maxStreamsPerPush` allows. */
export function tooManyStreams(count: number, max: number): PushError {
  return new PushError(
    `push has ${count} streams, more than the limit of ${max} per push (logs.maxStreamsPerPush); ` +
      'reduce the number of streams (fewer labels or label values) or send them in several pushes',
  );
}

/**
 * Label text that is not UTF-8. Loki reads a stream's labels with its LogQL/PromQL label parser,
 * which refuses bytes that do not decode as UTF-8 ("invalid UTF-8 rune"), so the push is a 400.
 */
export function invalidUtf8Labels(where: string): PushError {
  return new PushError(`${where}: not valid UTF-8`);
}
