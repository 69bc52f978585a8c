import { gunzipSync } from 'node:zlib';
import { uncompress as snappyUncompress } from 'snappyjs';
import { CorruptRecordsError } from './bounded-output.js';
import { decodeLz4Frames } from './lz4-frame.js';
import { decodeZstdFrames } from './zstd-frames.js';

// The Java client wraps snappy in xerial's framing: a magic header, then length-prefixed blocks.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16;

/**
 * However large a batch claims to be, one decode never inflates past this (unless a single
 * record of the topic's max.message.bytes needs more): it bounds what a ListOffsets can cost.
 */
export const DECOMPRESSED_CEILING = 64 << 20;

/** Kafka's default message.max.bytes: the per-record floor, as a topic's limit may shrink after writes. */
const RECORD_FLOOR = 1024 * 1024 + 12;

/**
 * How far a batch's records may inflate: no record is larger than the topic accepts
 * (max.message.bytes; producers check their max.request.size on the uncompressed record), so
 * record count × max(max.message.bytes, Kafka's default), capped at DECOMPRESSED_CEILING or
 * one record's worth.
 */
export function decompressedLimit(recordCount: number, maxMessageBytes: number): number {
  const perRecord = Math.max(RECORD_FLOOR, maxMessageBytes);
  return Math.min(Math.max(1, recordCount) * perRecord, Math.max(DECOMPRESSED_CEILING, perRecord));
}

function snappyBlock(bytes: Buffer, limit: number): Buffer {
  // snappyjs checks the declared length against `limit` before allocating.
  return Buffer.from(snappyUncompress(bytes, limit));
}

function snappy(bytes: Buffer, limit: number): Buffer {
  if (bytes.length < XERIAL_HEADER || !bytes.subarray(0, 8).equals(XERIAL_MAGIC)) {
    return snappyBlock(bytes, limit);
  }
  const blocks: Buffer[] = [];
  let total = 0;
  let at = XERIAL_HEADER;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw new CorruptRecordsError('xerial snappy block length truncated');
    const length = bytes.readInt32BE(at);
    if (length < 0 || at + 4 + length > bytes.length)
      throw new CorruptRecordsError(`xerial snappy block length ${length} runs past the batch`);
    const block = snappyBlock(bytes.subarray(at + 4, at + 4 + length), limit - total);
    total += block.length;
    blocks.push(block);
    at += 4 + length;
  }
  return Buffer.concat(blocks, total);
}

function decode(codec: number, bytes: Buffer, limit: number): Buffer {
  switch (codec) {
    case 0:
      return bytes;
    case 1:
      return gunzipSync(bytes, { maxOutputLength: limit });
    case 2:
      return snappy(bytes, limit);
    case 3:
      return decodeLz4Frames(bytes, limit);
    case 4:
      return decodeZstdFrames(bytes, limit);
    default:
      throw new CorruptRecordsError(`unknown compression codec ${codec}`);
  }
}

/**
 * Decompresses a batch's records section by its codec (attributes & 7), never past `limit`
 * bytes. Only used off the hot path, where the broker must look inside a batch (ListOffsets by
 * timestamp). Anything malformed or too large throws CorruptRecordsError.
 */
export function decompressRecords(codec: number, bytes: Buffer, limit: number): Buffer {
  try {
    return decode(codec, bytes, limit);
  } catch (err) {
    if (err instanceof CorruptRecordsError) throw err;
    throw new CorruptRecordsError(`cannot decompress records: ${(err as Error).message}`);
  }
}
