// Decodes the record batches a Fetch response carries (magic 2), compressed or not, into records
// with their headers. Control batches (transaction markers) are skipped but still advance the
// position: the next offset to fetch is after the last batch, whatever it held.

import {
  ATTRIBUTES,
  BATCH,
  DECOMPRESSED_CEILING,
  decompressRecords,
  Reader,
  readBatchHeader,
} from '../../protocol/index.js';
import { ClientError } from '../client-error.js';
import type { ConsumedRecord } from '../types.js';

export interface FetchedRecords {
  records: ConsumedRecord[];
  /** The offset after the last complete batch, or undefined when there was none. */
  next: bigint | undefined;
}

function nullableBytes(r: Reader): Buffer | null {
  const length = r.varint();
  return length < 0 ? null : Buffer.from(r.slice(length));
}

/** Records at or after `from` in `bytes`; a batch cut short at the end of a response is left out. */
export function decodeFetchedRecords(partition: number, bytes: Buffer | null, from: bigint): FetchedRecords {
  const records: ConsumedRecord[] = [];
  let next: bigint | undefined;
  let at = 0;
  while (bytes && at + BATCH.headerSize <= bytes.length) {
    const header = readBatchHeader(bytes, at);
    if (header.size < BATCH.headerSize || at + header.size > bytes.length) break;
    if (header.magic !== 2) throw new ClientError(`record batch of magic ${header.magic} is not supported`);
    next = BigInt(header.baseOffset + header.lastOffsetDelta + 1);
    if ((header.attributes & ATTRIBUTES.control) === 0) {
      const payload = decompressRecords(
        header.attributes & ATTRIBUTES.compressionMask,
        bytes.subarray(at + BATCH.headerSize, at + header.size),
        DECOMPRESSED_CEILING,
      );
      const appendTime = (header.attributes & ATTRIBUTES.timestampTypeLogAppend) !== 0;
      const r = new Reader(payload);
      for (let i = 0; i < header.recordCount; i++) {
        const length = r.varint();
        const end = r.offset + length;
        r.int8();
        const timestampDelta = r.varlong();
        const offset = BigInt(header.baseOffset + r.varint());
        const key = nullableBytes(r);
        const value = nullableBytes(r);
        const headers: [Buffer | null, Buffer | null][] = [];
        for (let h = r.varint(); h > 0; h--) headers.push([nullableBytes(r), nullableBytes(r)]);
        r.offset = end;
        // A fetch returns whole batches, so the first one may start before the offset asked for.
        if (offset < from) continue;
        const timestamp = appendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta;
        records.push({ partition, offset, timestamp: BigInt(timestamp), key, value, headers });
      }
    }
    at += header.size;
  }
  return { records, next };
}
