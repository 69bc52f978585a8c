// Pipelines applied through the admin API, kept in a compacted topic (`_sluice_pipelines`, one
// partition, keyed by name, a tombstone on delete) so that they outlive a restart and work on
// Apache Kafka as well. Read whole when the runtime starts; written with acks=all before a change
// takes effect. One platform writes it (several platforms sharing a cluster each keep their own
// topic name).

import { ClientError, KafkaAdmin, KafkaProducer, PartitionReader } from '../../client/index.js';
import type { PipelineDefinition } from '../config/section.js';

export const DEFAULT_PIPELINES_TOPIC = '_sluice_pipelines';
const CLIENT_ID = 'sluice-pipeline-store';
const READ_WAIT_MS = 200;

export class PipelineStore {
  readonly #bootstrap: string[];
  readonly #topic: string;
  readonly #producer: KafkaProducer;

  private constructor(bootstrap: string[], topic: string) {
    this.#bootstrap = bootstrap;
    this.#topic = topic;
    this.#producer = new KafkaProducer({ bootstrap, clientId: CLIENT_ID, acks: 'all' });
  }

  /** Creates the topic if missing and reads every stored definition (the last one per name). */
  static async open(
    bootstrap: string[],
    topic = DEFAULT_PIPELINES_TOPIC,
  ): Promise<{ store: PipelineStore; stored: Map<string, unknown> }> {
    const admin = new KafkaAdmin({ bootstrap, clientId: CLIENT_ID });
    try {
      await admin.createTopic(topic, {
        partitions: 1,
        configs: { 'cleanup.policy': 'compact', 'retention.ms': '-1' },
      });
    } catch (error) {
      if (!(error instanceof ClientError && error.code === 'CONFLICT')) throw error;
    } finally {
      await admin.close().catch(() => {});
    }
    const store = new PipelineStore(bootstrap, topic);
    return { store, stored: await store.#readAll() };
  }

  async #readAll(): Promise<Map<string, unknown>> {
    const stored = new Map<string, unknown>();
    const reader = await PartitionReader.open({
      bootstrap: this.#bootstrap,
      topic: this.#topic,
      partitions: [0],
      start: 'earliest',
      clientId: CLIENT_ID,
      justCreated: true,
    });
    try {
      const end = (await reader.endOffsets()).get(0) ?? 0n;
      while ((reader.positions.get(0) ?? 0n) < end) {
        for (const record of await reader.poll(READ_WAIT_MS)) {
          if (record.key === null) continue;
          const name = record.key.toString('utf8');
          if (record.value === null) stored.delete(name);
          else {
            try {
              stored.set(name, JSON.parse(record.value.toString('utf8')));
            } catch {
              // Not ours: skipped rather than stopping every other pipeline.
            }
          }
        }
      }
    } finally {
      await reader.close();
    }
    return stored;
  }

  async put(name: string, definition: PipelineDefinition): Promise<void> {
    await this.#producer.send([
      {
        topic: this.#topic,
        partition: 0,
        key: Buffer.from(name, 'utf8'),
        value: Buffer.from(JSON.stringify(definition), 'utf8'),
      },
    ]);
  }

  async delete(name: string): Promise<void> {
    await this.#producer.send([{ topic: this.#topic, partition: 0, key: Buffer.from(name, 'utf8') }]);
  }

  async close(): Promise<void> {
    await this.#producer.close();
  }
}
