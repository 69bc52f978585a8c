import { crc32c } from '@node-rs/crc32';

/**
 * Byte layout of a RecordBatch (magic 2) header. The broker reads and patches only these fields;
 * the records themselves (possibly compressed) are the client's business.
 */
export const BATCH = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
  /** Size of the header; records start here. */
  headerSize: 61,
  /** baseOffset + batchLength: the bytes not counted in batchLength. */
  logOverhead: 12,
} as const;

export const ATTRIBUTES = {
  compressionMask: 0x07,
  timestampTypeLogAppend: 0x08,
  transactional: 0x10,
  control: 0x20,
} as const;

export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/** What the broker needs to know about one batch without decoding its records. */
export interface BatchHeader {
  baseOffset: number;
  /** Total size of the batch in bytes, including the 12-byte log overhead. */
  size: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
}

export function writeInt64(buf: Buffer, at: number, value: number): void {
  const high = Math.floor(value / 0x1_0000_0000);
  buf.writeInt32BE(high, at);
  buf.writeUInt32BE(value - high * 0x1_0000_0000, at + 4);
}

/** Reads the header at `at`. The caller must have checked that BATCH.headerSize bytes are there. */
export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: readInt64(buf, at + BATCH.baseOffset),
    size: buf.readInt32BE(at + BATCH.batchLength) + BATCH.logOverhead,
    partitionLeaderEpoch: buf.readInt32BE(at + BATCH.partitionLeaderEpoch),
    magic: buf.readInt8(at + BATCH.magic),
    crc: buf.readUInt32BE(at + BATCH.crc),
    attributes: buf.readInt16BE(at + BATCH.attributes),
    lastOffsetDelta: buf.readInt32BE(at + BATCH.lastOffsetDelta),
    baseTimestamp: readInt64(buf, at + BATCH.baseTimestamp),
    maxTimestamp: readInt64(buf, at + BATCH.maxTimestamp),
    producerId: readInt64(buf, at + BATCH.producerId),
    producerEpoch: buf.readInt16BE(at + BATCH.producerEpoch),
    baseSequence: buf.readInt32BE(at + BATCH.baseSequence),
    recordCount: buf.readInt32BE(at + BATCH.recordCount),
  };
}

/** CRC-32C over attributes..end, as the batch's crc field covers. */
export function computeBatchCrc(buf: Buffer, at: number, size: number): number {
  return crc32c(buf.subarray(at + BATCH.attributes, at + size)) >>> 0;
}

export function isCrcValid(buf: Buffer, at: number, size: number): boolean {
  return computeBatchCrc(buf, at, size) === buf.readUInt32BE(at + BATCH.crc);
}

/** The offset of the last record in the batch. */
export function lastOffsetOf(header: BatchHeader): number {
  return header.baseOffset + header.lastOffsetDelta;
}

/** Rewrites the base offset in place. The CRC does not cover it, so it stays valid. */
export function patchBaseOffset(buf: Buffer, at: number, baseOffset: number): void {
  writeInt64(buf, at + BATCH.baseOffset, baseOffset);
}
