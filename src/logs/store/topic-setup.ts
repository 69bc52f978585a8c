import { ClientError, type KafkaAdmin } from '../../client/index.js';
import type { LogsConfig } from './logs-config.js';

/** The index topic beside the logs topic. */
export function indexTopicOf(topic: string): string {
  return `${topic}.index`;
}

/**
 * Creates the logs topic and its index topic if missing, and keeps their retention as
 * configured (the index needs no more than the lines it describes).
 */
export async function ensureLogTopics(admin: KafkaAdmin, config: LogsConfig): Promise<void> {
  const configs = {
    'retention.ms': String(config.retentionMs),
    'retention.bytes': String(config.retentionBytes),
  };
  const topics = [
    { name: config.topic, partitions: config.partitions },
    { name: indexTopicOf(config.topic), partitions: 1 },
  ];
  for (const { name, partitions } of topics) {
    try {
      await admin.createTopic(name, { partitions, replicas: 1, configs });
    } catch (error) {
      if (!(error instanceof ClientError && error.code === 'CONFLICT')) throw error;
      await admin.setTopicConfigs(name, configs);
    }
  }
}
