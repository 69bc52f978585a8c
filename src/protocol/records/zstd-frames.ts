import { constants, zstdDecompressSync } from 'node:zlib';
import { CorruptRecordsError } from './bounded-output.js';

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
/**
 * Largest window accepted when it exceeds the output limit: zstd's levels up to 19 use at most
 * 8 MiB (window log 23). The decoder allocates the whole window, so a frame may not ask for more
 * than this or the limit, whichever is larger.
 */
const WINDOW_FLOOR = 8 << 20;
/** zstd's largest window log on 64-bit builds. */
const WINDOW_LOG_CEILING = 31;

interface Frame {
  start: number;
  end: number;
  window: number;
}

/**
 * Decodes zstd frames, refusing a window past max(limit, 8 MiB) and stopping once the output
 * passes `limit`. Node's decoder (zlib, Node ≥ 22.15) reads one frame per call, so the frames are
 * found by their block headers first: a valid frame followed by a bomb is still refused, and
 * each frame's window is checked before any memory is allocated for it.
 */
export function decodeZstdFrames(src: Buffer, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const maxWindow = Math.max(limit, WINDOW_FLOOR);
  const windowLogMax = Math.min(WINDOW_LOG_CEILING, Math.ceil(Math.log2(maxWindow)));
  for (const frame of splitFrames(src)) {
    if (frame.window > maxWindow)
      throw new CorruptRecordsError(`zstd window of ${frame.window} bytes exceeds the limit`);
    let out: Buffer;
    try {
      out = zstdDecompressSync(src.subarray(frame.start, frame.end), {
        maxOutputLength: Math.max(1, limit - total),
        params: { [constants.ZSTD_d_windowLogMax]: windowLogMax },
      });
    } catch (err) {
      if (err instanceof RangeError)
        throw new CorruptRecordsError(`records inflate past the limit of ${limit} bytes`);
      throw new CorruptRecordsError(`invalid zstd data: ${(err as Error).message}`);
    }
    total += out.length;
    if (total > limit) throw new CorruptRecordsError(`records inflate past the limit of ${limit} bytes`);
    chunks.push(out);
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
