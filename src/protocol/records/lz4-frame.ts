import { BoundedOutput, CorruptRecordsError } from './bounded-output.js';

// LZ4 frame format (as Kafka clients write it for codec 3): magic, descriptor, blocks, end mark.
const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/** Block maximum sizes by the descriptor's BD.BlockMaxSize (4 to 7). */
const BLOCK_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];
const MIN_MATCH = 4;

/**
 * Decodes LZ4 frames with every length and offset checked, never producing more than `limit`
 * bytes (a small pure-JS decoder: the ones on npm trust the lengths they read).
 */
export function decodeLz4Frames(src: Buffer, limit: number): Buffer {
  const out = new BoundedOutput(limit, src.length * 4);
  let at = 0;
  const need = (n: number) => {
    if (at + n > src.length) throw new CorruptRecordsError('lz4 frame truncated');
  };
  while (at < src.length) {
    need(4);
    const magic = src.readUInt32LE(at);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(8);
      at += 8 + src.readUInt32LE(at + 4);
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new CorruptRecordsError('not an lz4 frame');
    need(3);
    const flags = src[at + 4];
    const blockMax = BLOCK_MAX[(src[at + 5] >> 4) & 7];
    if (flags >> 6 !== 1 || !blockMax) throw new CorruptRecordsError('unsupported lz4 frame descriptor');
    const blockChecksum = (flags & 0x10) !== 0;
    at += 6 + (flags & 0x08 ? 8 : 0) + (flags & 0x01 ? 4 : 0) + 1;
    for (;;) {
      need(4);
      const word = src.readUInt32LE(at);
      at += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      if (size > blockMax) throw new CorruptRecordsError('lz4 block larger than its frame allows');
      need(size + (blockChecksum ? 4 : 0));
      if (word >>> 31) out.append(src, at, size);
      else decodeBlock(src, at, at + size, out, blockMax);
      at += size + (blockChecksum ? 4 : 0);
    }
    if (flags & 0x04) {
      need(4);
      at += 4;
    }
  }
  return out.result();
}

function decodeBlock(src: Buffer, start: number, end: number, out: BoundedOutput, blockMax: number): void {
  const blockStart = out.length;
  let p = start;
  const length = (initial: number): number => {
    let n = initial;
    if (initial !== 15) return n;
    for (;;) {
      if (p >= end) throw new CorruptRecordsError('lz4 length runs past its block');
      const b = src[p++];
      n += b;
      if (b !== 255) return n;
    }
  };
  while (p < end) {
    const token = src[p++];
    const literals = length(token >> 4);
    if (p + literals > end || out.length - blockStart + literals > blockMax)
      throw new CorruptRecordsError('lz4 literals run past their block');
    out.append(src, p, literals);
    p += literals;
    if (p === end) return; // the last sequence carries literals only
    if (p + 2 > end) throw new CorruptRecordsError('lz4 match offset truncated');
    const distance = src[p] | (src[p + 1] << 8);
    p += 2;
    const match = length(token & 15) + MIN_MATCH;
    if (out.length - blockStart + match > blockMax)
      throw new CorruptRecordsError('lz4 block inflates past its maximum size');
    out.copyBack(distance, match);
  }
}
