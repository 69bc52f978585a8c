// A steady trickle of keyed messages, produced with Sluice's own wire client (acks=all), so that
// group members consume while the log grows. Each key always goes to the same partition.

import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, errorName, Produce } from '../../../src/protocol/index.js';
import { buildBatch } from '../../helpers/records.js';
import { WireClient } from '../../helpers/wire-client.js';

export interface Produced {
  key: string;
  value: string;
  partition: number;
  offset: number;
}

export interface TrickleOptions {
  total: number;
  durationMs: number;
  partitions: number;
  keys?: number;
  tickMs?: number;
  /** First message number (values are "<topic>:<n>"). */
  start?: number;
}

/** Produces `total` messages evenly over `durationMs`; resolves with each one's partition and offset. */
export async function trickle(port: number, topic: string, opts: TrickleOptions): Promise<Produced[]> {
  const tickMs = opts.tickMs ?? 100;
  const keys = opts.keys ?? 60;
  const ticks = Math.max(1, Math.round(opts.durationMs / tickMs));
  const perTick = Math.ceil(opts.total / ticks);
  const client = await WireClient.connect(port);
  const produced: Produced[] = [];
  const begin = Date.now();
  try {
    for (let n = 0, tick = 0; n < opts.total; tick++) {
      const byPartition = new Map<number, { key: string; value: string }[]>();
      for (let i = 0; i < perTick && n < opts.total; i++, n++) {
        const id = (opts.start ?? 0) + n;
        const k = id % keys;
        const list = byPartition.get(k % opts.partitions) ?? [];
        list.push({ key: `key-${k}`, value: `${topic}:${id}` });
        byPartition.set(k % opts.partitions, list);
      }
      const parts = [...byPartition];
      const res = await client.request(Produce, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 10_000,
        topicData: [
          {
            name: topic,
            partitionData: parts.map(([index, msgs]) => ({ index, records: buildBatch(msgs) })),
          },
        ],
      });
      for (const pr of res.responses[0].partitionResponses) {
        if (pr.errorCode !== ErrorCode.NONE)
          throw new Error(`produce to ${topic}/${pr.index}: ${errorName(pr.errorCode)}`);
        const msgs = byPartition.get(pr.index) ?? [];
        msgs.forEach((m, i) => {
          produced.push({ ...m, partition: pr.index, offset: pr.baseOffset + i });
        });
      }
      const due = begin + (tick + 1) * tickMs;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  } finally {
    client.close();
  }
  return produced;
}
