import { SluiceError, type SluiceErrorOptions } from '../../errors/index.js';

/** A frame that cannot be decoded. The connection that sent it is closed with this reason. */
export class MalformedFrameError extends SluiceError {
  constructor(message: string, options?: SluiceErrorOptions) {
    super('INVALID_ARGUMENT', message, options);
  }
}
