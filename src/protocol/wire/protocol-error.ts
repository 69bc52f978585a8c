/** A frame that cannot be decoded. The connection that sent it is closed with this reason. */
export class MalformedFrameError extends Error {
  override readonly name = 'MalformedFrameError';
}
