import { Decompress } from 'fzstd';
import { CorruptRecordsError } from './bounded-output.js';

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/**
 * Largest window accepted when it exceeds the output limit: zstd's levels up to 19 use at most
 * 8 MiB (window log 23). The decoder allocates and shifts the whole window, so a frame may not
 * ask for more than this or the limit, whichever is larger.
 */
const WINDOW_FLOOR = 8 << 20;

interface Frame {
  start: number;
  end: number;
  window: number;
}

/**
 * Decodes zstd frames, refusing a window past max(limit, 8 MiB) and stopping once the output
 * passes `limit`. Frames are found by their block headers first, so each one's window is
 * checked before fzstd allocates it.
 */
export function decodeZstdFrames(src: Buffer, limit: number): Buffer {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (const frame of splitFrames(src)) {
    if (frame.window > Math.max(limit, WINDOW_FLOOR))
      throw new CorruptRecordsError(`zstd window of ${frame.window} bytes exceeds the limit`);
    const stream = new Decompress((chunk) => {
      total += chunk.length;
      if (total > limit) throw new CorruptRecordsError(`records inflate past the limit of ${limit} bytes`);
      chunks.push(chunk.slice());
    });
    try {
      stream.push(src.subarray(frame.start, frame.end), true);
    } catch (err) {
      if (err instanceof CorruptRecordsError) throw err;
      throw new CorruptRecordsError(`invalid zstd data: ${(err as Error).message}`);
    }
  }
  return Buffer.concat(chunks, total);
}

/** The frames in `src` (RFC 8878 §3.1), skippable ones left out, without decoding any block. */
function splitFrames(src: Buffer): Frame[] {
  const frames: Frame[] = [];
  let at = 0;
  const need = (n: number) => {
    if (at + n > src.length) throw new CorruptRecordsError('zstd frame truncated');
  };
  while (at < src.length) {
    need(4);
    const magic = src.readUInt32LE(at);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(8);
      at += 8 + src.readUInt32LE(at + 4);
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new CorruptRecordsError('not a zstd frame');
    const start = at;
    need(5);
    const descriptor = src[at + 4];
    const singleSegment = (descriptor & 0x20) !== 0;
    const dictBytes = [0, 1, 2, 4][descriptor & 3];
    const sizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6];
    at += 5;
    let window = 0;
    if (!singleSegment) {
      need(1);
      const w = src[at++];
      const base = 2 ** (10 + (w >> 3));
      window = base + (base / 8) * (w & 7);
    }
    need(dictBytes + sizeBytes);
    at += dictBytes;
    if (singleSegment) {
      // The window is the content size.
      for (let i = sizeBytes - 1; i >= 0; i--) window = window * 256 + src[at + i];
      if (sizeBytes === 2) window += 256;
    }
    at += sizeBytes;
    for (let last = false; !last; ) {
      need(3);
      const header = src[at] | (src[at + 1] << 8) | (src[at + 2] << 16);
      last = (header & 1) === 1;
      const type = (header >> 1) & 3;
      if (type === 3) throw new CorruptRecordsError('reserved zstd block type');
      at += 3 + (type === 1 ? 1 : header >>> 3);
    }
    if (descriptor & 0x04) at += 4;
    need(0);
    frames.push({ start, end: at, window });
  }
  return frames;
}
