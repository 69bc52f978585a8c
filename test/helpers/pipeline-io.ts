// Producing to and reading back from topics for the pipeline tests, through the client door (the
// same records a real consumer sees), plus the headers of a record as an object.

import {
  type ConsumedRecord,
  type KafkaAdmin,
  type KafkaProducer,
  PartitionReader,
} from '../../src/client/index.js';
import { eventually } from './waiting.js';

export interface TestMessage {
  key?: string;
  value: string | Buffer;
  headers?: Record<string, string>;
  partition?: number;
}

export async function produce(
  producer: KafkaProducer,
  topic: string,
  messages: readonly TestMessage[],
): Promise<void> {
  await producer.send(
    messages.map((m) => ({
      topic,
      ...(m.partition === undefined ? {} : { partition: m.partition }),
      ...(m.key === undefined ? {} : { key: Buffer.from(m.key) }),
      value: typeof m.value === 'string' ? Buffer.from(m.value) : m.value,
      headers: new Map(Object.entries(m.headers ?? {}).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])),
    })),
  );
}

/** Records of every partition of `topic`, from the start, once at least `count` were read. */
export async function readTopic(
  bootstrap: string,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  await eventually(`${count} record(s) on ${topic}`, timeoutMs, async () => {
    const reader = await PartitionReader.open({
      bootstrap: [bootstrap],
      topic,
      start: 'earliest',
      justCreated: true,
    });
    try {
      records.length = 0;
      const ends = await reader.endOffsets();
      const total = [...ends.values()].reduce((a, b) => a + Number(b), 0);
      if (total < count) return undefined;
      while ([...ends].some(([p, end]) => (reader.positions.get(p) ?? end) < end))
        records.push(...(await reader.poll(200)));
      return records.length >= count ? true : undefined;
    } finally {
      await reader.close();
    }
  });
  return records;
}

/** How many records `topic` holds (end minus start offsets). */
export async function topicSize(admin: KafkaAdmin, topic: string): Promise<number> {
  const partitions = await admin.partitionCount(topic).catch(() => 0);
  if (partitions === 0) return 0;
  const ids = Array.from({ length: partitions }, (_, i) => i);
  const ends = await admin.listOffsets([{ topic, partitions: ids }], 'latest');
  return [...(ends.get(topic)?.values() ?? [])].reduce((a, b) => a + Number(b), 0);
}

export function headersOf(record: ConsumedRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of record.headers) if (k !== null) out[k.toString()] = v?.toString() ?? '';
  return out;
}

export const valueText = (record: ConsumedRecord): string => record.value?.toString('utf8') ?? '';
