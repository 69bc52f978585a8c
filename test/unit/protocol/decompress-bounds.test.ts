// Bug 10: decompression without a bound. Every codec's output is capped and every length checked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CorruptRecordsError,
  DECOMPRESSED_CEILING,
  decompressedLimit,
  decompressRecords,
  firstRecordAtOrAfter,
  recordTimes,
} from '../../../src/protocol/index.js';
import {
  CODEC,
  compressedBatch,
  gzip,
  lz4,
  xerialSnappy,
  zstdRleFrame,
} from '../../helpers/compressed-batches.js';
import { buildBatch } from '../../helpers/records.js';

const KiB = 1024;
const corrupt = (fn: () => unknown) => assert.throws(fn, CorruptRecordsError);

function sample(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + (i >> 5)) & 0x3f; // compressible, not trivial
  return out;
}

describe('decompression bounds (bug 10)', () => {
  it('gzip: inflates within the limit and refuses a bomb past it', () => {
    const data = sample(200 * KiB);
    assert.deepEqual(decompressRecords(CODEC.gzip, gzip(data), 200 * KiB), data);
    const bomb = gzip(Buffer.alloc(8 << 20));
    assert.ok(bomb.length < 16 * KiB);
    corrupt(() => decompressRecords(CODEC.gzip, bomb, 64 * KiB));
    corrupt(() => decompressRecords(CODEC.gzip, Buffer.from('not gzip at all'), 64 * KiB));
  });

  it('snappy: raw and xerial within the limit; a declared length past it is refused', () => {
    const data = sample(100 * KiB);
    const blocks = [data.subarray(0, 60 * KiB), data.subarray(60 * KiB)];
    assert.deepEqual(decompressRecords(CODEC.snappy, xerialSnappy(blocks), 100 * KiB), data);
    corrupt(() => decompressRecords(CODEC.snappy, xerialSnappy(blocks), 80 * KiB));
    const raw = xerialSnappy([data]).subarray(20);
    corrupt(() => decompressRecords(CODEC.snappy, raw, 10 * KiB));
  });

  it('xerial snappy with lying block lengths is refused, not read past or looped on', () => {
    const blocks = [sample(1000), sample(2000)];
    for (const lie of [-4, -1, 0x7fffffff, 5_000_000, 3]) {
      corrupt(() => decompressRecords(CODEC.snappy, xerialSnappy(blocks, [lie]), 64 * KiB));
    }
    // A length prefix cut short at the end.
    const cut = Buffer.concat([xerialSnappy(blocks), Buffer.from([0, 0])]);
    corrupt(() => decompressRecords(CODEC.snappy, cut, 64 * KiB));
  });

  it('lz4: decodes real frames; refuses bombs, truncation and bad match offsets', () => {
    const data = sample(300 * KiB);
    assert.deepEqual(decompressRecords(CODEC.lz4, lz4(data), 300 * KiB), data);
    assert.deepEqual(decompressRecords(CODEC.lz4, lz4(Buffer.alloc(0)), 10), Buffer.alloc(0));
    const bomb = lz4(Buffer.alloc(4 << 20));
    corrupt(() => decompressRecords(CODEC.lz4, bomb, 64 * KiB));
    const frame = lz4(data);
    corrupt(() => decompressRecords(CODEC.lz4, frame.subarray(0, frame.length - 10), 1 << 20));
    // One compressed block: literal 'a', then a match 100 bytes back when only 1 byte exists.
    const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]);
    const block = Buffer.from([0x10, 0x61, 100, 0]);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(block.length);
    const badOffset = Buffer.concat([header, size, block, Buffer.alloc(4)]);
    corrupt(() => decompressRecords(CODEC.lz4, badOffset, 1 << 20));
  });

  it('zstd: decodes RLE frames; refuses a bomb, a huge window and a huge declared size', () => {
    assert.deepEqual(
      decompressRecords(CODEC.zstd, zstdRleFrame(3, 0x61, 10), 1 * KiB),
      Buffer.alloc(30, 0x61),
    );
    const bomb = zstdRleFrame(64); // 8 MiB from 262 bytes
    assert.ok(bomb.length < 300);
    corrupt(() => decompressRecords(CODEC.zstd, bomb, 64 * KiB));
    // Window descriptor asking for 3.75 TiB; single segment declaring 2^40 bytes of content.
    const hugeWindow = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xf8, 0x01, 0, 0]);
    corrupt(() => decompressRecords(CODEC.zstd, hugeWindow, 64 * KiB));
    const hugeContent = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 0x01, 0, 0]);
    corrupt(() => decompressRecords(CODEC.zstd, hugeContent, 64 * KiB));
    // A small valid frame followed by a bomb frame: every frame is checked.
    const two = Buffer.concat([zstdRleFrame(1, 0x61, 10), zstdRleFrame(64)]);
    corrupt(() => decompressRecords(CODEC.zstd, two, 64 * KiB));
  });

  it('the limit is record count × max.message.bytes, capped at the ceiling or one record', () => {
    const floor = 1024 * 1024 + 12; // Kafka's default, for topics whose limit was lowered later
    assert.equal(decompressedLimit(1, 1000), floor);
    assert.equal(decompressedLimit(3, 2 << 20), 6 << 20);
    assert.equal(decompressedLimit(2 ** 31 - 1, 1 << 20), DECOMPRESSED_CEILING);
    assert.equal(decompressedLimit(5, 200 << 20), 200 << 20);
    assert.equal(decompressedLimit(0, 1000), floor);
  });

  it('a batch whose record lengths do not advance is refused, however many records it claims', () => {
    const good = buildBatch([{ value: 'v', timestamp: 1000 }]);
    // Record length 0 (varint 0x00) repeated: the old decoder re-read the same bytes per record.
    const payload = Buffer.alloc(64);
    const lying = compressedBatch(payload, 0, 2 ** 31 - 1, 1000);
    corrupt(() => recordTimes(lying));
    assert.equal(recordTimes(good).length, 1);
    assert.deepEqual(firstRecordAtOrAfter(good, 500), { offset: 0, timestamp: 1000 });
  });

  it('a compressed batch past the limit of its topic is refused when read for timestamps', () => {
    const bomb = compressedBatch(gzip(Buffer.alloc(4 << 20)), CODEC.gzip, 1, 1000);
    corrupt(() => firstRecordAtOrAfter(bomb, 0, 64 * KiB));
  });
});
