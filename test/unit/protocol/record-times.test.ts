// The record decoder used for ListOffsets reads batches as real clients compress them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  BATCH,
  COMPRESSION_NAMES,
  decodeRequest,
  Produce,
  readBatchHeader,
  recordTimes,
} from '../../../src/protocol/index.js';
import { framesDir } from '../../helpers/repo-root.js';

describe('record timestamps inside real clients’ batches', () => {
  const seen = new Set<string>();
  const root = framesDir();
  for (const client of readdirSync(root)) {
    const dir = join(root, client);
    for (const file of readdirSync(dir).filter((f) => /^Produce-v(\d+)-req/.test(f))) {
      const version = Number(/^Produce-v(\d+)/.exec(file)?.[1]);
      if (version > Produce.versions.max || version < Produce.versions.min) continue;
      it(`${client}/${file}`, () => {
        const frame = readFileSync(join(dir, file));
        const { body } = decodeRequest(Produce, frame.subarray(4));
        for (const topic of body.topicData) {
          for (const p of topic.partitionData) {
            const records = p.records as Buffer;
            const header = readBatchHeader(records, 0);
            const codec = COMPRESSION_NAMES[header.attributes & 7];
            seen.add(codec);
            const times = recordTimes(records.subarray(0, header.size));
            assert.equal(times.length, header.recordCount);
            assert.equal(times[0].offset, header.baseOffset);
            assert.equal(times[times.length - 1].offset, header.baseOffset + header.lastOffsetDelta);
            for (const t of times)
              assert.ok(t.timestamp >= header.baseTimestamp && t.timestamp <= header.maxTimestamp);
            assert.ok(records.length >= BATCH.headerSize);
          }
        }
      });
    }
  }
  it('covered every codec real clients used', () => {
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'])
      assert.ok(seen.has(codec), `no ${codec} batch among the frames`);
  });
});
