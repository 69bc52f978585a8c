// Hand-built compressed payloads and batches for decompression tests: bombs, lying lengths.
import { gzipSync } from 'node:zlib';
import { crc32c } from '@node-rs/crc32';
import { compress as lz4Compress } from 'lz4js';
import { compress as snappyCompress } from 'snappyjs';
import { BATCH } from '../../src/protocol/index.js';

export const CODEC = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

const XERIAL_HEADER = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1]);

/** xerial framing as the Java client writes it; `lengths` may override each block's declared length. */
export function xerialSnappy(blocks: Buffer[], lengths?: number[]): Buffer {
  const parts = [XERIAL_HEADER];
  blocks.forEach((raw, i) => {
    const block = Buffer.from(snappyCompress(raw));
    const length = Buffer.alloc(4);
    length.writeInt32BE(lengths?.[i] ?? block.length);
    parts.push(length, block);
  });
  return Buffer.concat(parts);
}

/**
 * A zstd frame of RLE blocks: `blocks` × 128 KiB of `byte` from 4 bytes per block, the
 * cheapest bomb the format allows. Window 128 KiB (descriptor 0x38).
 */
export function zstdRleFrame(blocks: number, byte = 0, blockSize = 128 << 10): Buffer {
  const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])];
  for (let i = 0; i < blocks; i++) {
    const last = i === blocks - 1 ? 1 : 0;
    const header = (blockSize << 3) | (1 << 1) | last;
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, byte]));
  }
  return Buffer.concat(parts);
}

export function gzip(bytes: Buffer): Buffer {
  return gzipSync(bytes);
}

export function lz4(bytes: Buffer): Buffer {
  return Buffer.from(lz4Compress(bytes));
}

/** A RecordBatch v2 around an already compressed payload, with a valid CRC. */
export function compressedBatch(
  payload: Buffer,
  codec: number,
  recordCount: number,
  baseTimestamp: number,
  maxTimestamp = baseTimestamp,
): Buffer {
  const header = Buffer.alloc(BATCH.headerSize);
  header.writeInt32BE(BATCH.headerSize - BATCH.logOverhead + payload.length, BATCH.batchLength);
  header.writeInt32BE(-1, BATCH.partitionLeaderEpoch);
  header.writeInt8(2, BATCH.magic);
  header.writeInt16BE(codec, BATCH.attributes);
  header.writeInt32BE(recordCount - 1, BATCH.lastOffsetDelta);
  header.writeBigInt64BE(BigInt(baseTimestamp), BATCH.baseTimestamp);
  header.writeBigInt64BE(BigInt(maxTimestamp), BATCH.maxTimestamp);
  header.writeBigInt64BE(-1n, BATCH.producerId);
  header.writeInt16BE(-1, BATCH.producerEpoch);
  header.writeInt32BE(-1, BATCH.baseSequence);
  header.writeInt32BE(recordCount, BATCH.recordCount);
  const batch = Buffer.concat([header, payload]);
  batch.writeUInt32BE(crc32c(batch.subarray(BATCH.attributes)) >>> 0, BATCH.crc);
  return batch;
}
