import { BATCH } from '../../protocol/index.js';

/**
 * Counts the records in whole RecordBatch v2 batches laid end to end, from their headers only.
 * Fetch returns log bytes as they are stored, so this walks batch lengths without decoding.
 */
export function countRecords(data: Buffer | readonly Buffer[]): number {
  let records = 0;
  for (const chunk of Buffer.isBuffer(data) ? [data] : data) {
    let pos = 0;
    while (pos + BATCH.headerSize <= chunk.length) {
      const length = chunk.readInt32BE(pos + BATCH.batchLength);
      if (length <= 0) break;
      records += chunk.readInt32BE(pos + BATCH.recordCount);
      pos += BATCH.logOverhead + length;
    }
  }
  return records;
}

export function byteLength(data: Buffer | readonly Buffer[]): number {
  if (Buffer.isBuffer(data)) return data.length;
  let bytes = 0;
  for (const chunk of data) bytes += chunk.length;
  return bytes;
}
