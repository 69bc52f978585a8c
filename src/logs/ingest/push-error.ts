/** A Loki push body that cannot be accepted; `status` is the HTTP status to answer with. */
export class PushError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'PushError';
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
