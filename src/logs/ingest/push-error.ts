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
