// `sluice/pino`: a pino transport that ships each log line, as pino wrote it, to the logs topic,
// keyed by service. It runs in pino's worker thread; writes never wait on Kafka (lines wait in a
// bounded buffer, and overflow is dropped and reported), and shutdown sends what is buffered.
//
//   const logger = pino(pino.transport({
//     target: 'sluice/pino',
//     options: { bootstrap: ['localhost:9092'], service: 'orders' },
//   }));

import { Writable } from 'node:stream';
import { LineSplitter } from './line-buffer.js';
import { resolveOptions, type SluicePinoOptions } from './options.js';
import { Shipper } from './shipper.js';

export type { SluicePinoOptions } from './options.js';

/** The stream pino's worker writes to; `flush` is what `logger.flush(cb)` ends up calling. */
export interface SluicePinoStream extends Writable {
  flush(cb?: (error?: Error | null) => void): void;
  readonly shipper: Shipper;
}

export default async function sluicePino(options: SluicePinoOptions): Promise<SluicePinoStream> {
  const resolved = resolveOptions(options);
  const shipper = new Shipper(resolved);
  const splitter = new LineSplitter();
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      for (const line of splitter.feed(typeof chunk === 'string' ? chunk : chunk.toString('utf8')))
        shipper.push(line);
      callback();
    },
    final(callback) {
      const rest = splitter.rest();
      if (rest !== undefined) shipper.push(rest);
      shipper.close().then(() => callback(), callback);
    },
    destroy(error, callback) {
      shipper.close().then(
        () => callback(error),
        () => callback(error),
      );
    },
  }) as SluicePinoStream;
  Object.defineProperty(stream, 'shipper', { value: shipper });
  stream.flush = (cb) => {
    shipper.flush(resolved.closeTimeoutMs).then(
      (done) => cb?.(done ? null : new Error('sluice/pino: flush timed out')),
      (error: Error) => cb?.(error),
    );
  };
  return stream;
}
