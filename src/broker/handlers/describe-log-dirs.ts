import { statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DescribeLogDirs, ErrorCode, type RequestOf } from '../../protocol/index.js';
import type { BrokerCore } from '../broker-core.js';
import { defineHandler } from '../handler.js';

type Wanted = RequestOf<typeof DescribeLogDirs>['topics'];

/**
 * A single node has one log dir: the data directory. Each partition reports its size on disk;
 * the offset lag is 0 (the high watermark is the log end offset) and no future logs exist.
 */
export const describeLogDirs = defineHandler(DescribeLogDirs, async (ctx, request) => {
  const { broker } = ctx;
  const logDir = resolve(broker.options.dataDir);
  let volume: { totalBytes: number; usableBytes: number };
  try {
    const fs = await statfs(logDir);
    // Kafka reports FileStore's total and usable space: usable is what a non-root writer gets.
    volume = { totalBytes: fs.blocks * fs.bsize, usableBytes: fs.bavail * fs.bsize };
  } catch (err) {
    broker.log.warn({ err, logDir }, 'cannot read the data directory volume');
    const failed = { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, logDir, topics: [] };
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results: [failed] };
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    results: [{ errorCode: ErrorCode.NONE, logDir, topics: topicsIn(broker, request.topics), ...volume }],
  };
});

/** The partitions asked for (null: all) that this node holds, grouped by topic. */
function topicsIn(broker: BrokerCore, wanted: Wanted) {
  const asked: { name: string; indexes: number[] }[] =
    wanted === null
      ? broker.logs.topics().map((t) => ({ name: t.name, indexes: [...Array(t.partitions).keys()] }))
      : wanted.map((t) => ({ name: t.topic, indexes: t.partitions }));
  const byTopic = new Map<string, Map<number, number>>();
  for (const { name, indexes } of asked) {
    for (const index of indexes) {
      const log = broker.partition(name, index);
      if (!log) continue; // Kafka leaves out partitions it does not host
      const sizes = byTopic.get(name) ?? new Map<number, number>();
      sizes.set(index, log.size);
      byTopic.set(name, sizes);
    }
  }
  return [...byTopic].map(([name, sizes]) => ({
    name,
    partitions: [...sizes].map(([partitionIndex, partitionSize]) => ({
      partitionIndex,
      partitionSize,
      offsetLag: 0,
      isFutureKey: false,
    })),
  }));
}
