// RequestSize for bodies without a Content-Length (chunked): counted as they stream, cut off
// once past the limit. Bodies with a Content-Length are refused before anything is read.

import { Transform, type TransformCallback } from 'node:stream';
import { SluiceError } from '../errors/index.js';

export class BodyTooLargeError extends SluiceError {
  constructor(readonly limit: number) {
    super('PAYLOAD_TOO_LARGE', `the request body is larger than this route accepts (${limit} bytes)`);
  }
}

export class BodyLimit extends Transform {
  #seen = 0;
  constructor(readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.limit) done(new BodyTooLargeError(this.limit));
    else done(null, chunk);
  }
}
