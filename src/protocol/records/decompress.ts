import { gunzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { decompress as lz4Decompress } from 'lz4js';
import { uncompress as snappyUncompress } from 'snappyjs';

// The Java client wraps snappy in xerial's framing: a magic header, then length-prefixed blocks.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16;

function snappy(bytes: Buffer): Buffer {
  if (bytes.length < XERIAL_HEADER || !bytes.subarray(0, 8).equals(XERIAL_MAGIC)) {
    return Buffer.from(snappyUncompress(bytes));
  }
  const blocks: Buffer[] = [];
  let at = XERIAL_HEADER;
  while (at + 4 <= bytes.length) {
    const length = bytes.readInt32BE(at);
    blocks.push(Buffer.from(snappyUncompress(bytes.subarray(at + 4, at + 4 + length))));
    at += 4 + length;
  }
  return Buffer.concat(blocks);
}

/**
 * Decompresses a batch's records section by its codec (attributes & 7). Only used off the hot
 * path, where the broker must look inside a batch (ListOffsets by timestamp).
 */
export function decompressRecords(codec: number, bytes: Buffer): Buffer {
  switch (codec) {
    case 0:
      return bytes;
    case 1:
      return gunzipSync(bytes);
    case 2:
      return snappy(bytes);
    case 3:
      return Buffer.from(lz4Decompress(bytes));
    case 4:
      return Buffer.from(zstdDecompress(bytes));
    default:
      throw new Error(`unknown compression codec ${codec}`);
  }
}
