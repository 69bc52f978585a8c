// Between the client door's records and the pipeline core's messages, both ways.

import type { RecordToProduce, TopicRecord } from '../../client/index.js';
import { type Header, PipelineMessage } from '../message.js';
import type { OutputRecord } from '../retry/records.js';

const EMPTY = Buffer.alloc(0);

export function messageOf(record: TopicRecord): PipelineMessage {
  const headers: Header[] = [];
  for (const [name, value] of record.headers) {
    if (name !== null) headers.push([name.toString('utf8'), value ?? EMPTY]);
  }
  return new PipelineMessage({
    key: record.key,
    value: record.value,
    headers,
    timestamp: Number(record.timestamp),
    source: { topic: record.topic, partition: record.partition, offset: record.offset },
  });
}

export function outputOf(topic: string, message: PipelineMessage): OutputRecord {
  return {
    topic,
    key: message.key,
    value: message.value,
    headers: message.headers,
    timestamp: message.timestamp,
  };
}

/** A record for the producer: headers may repeat a name, so each gets its own Buffer key. */
export function toProduce(record: OutputRecord): RecordToProduce {
  const headers = new Map<Buffer, Buffer>();
  for (const [name, value] of record.headers) headers.set(Buffer.from(name, 'utf8'), value);
  return {
    topic: record.topic,
    ...(record.key === null ? {} : { key: record.key }),
    ...(record.value === null ? {} : { value: record.value }),
    headers,
    timestamp: BigInt(record.timestamp),
  };
}

/** Key and value bytes: what the pipeline's size limit counts. */
export function recordBytes(record: TopicRecord): number {
  return (record.key?.length ?? 0) + (record.value?.length ?? 0);
}
