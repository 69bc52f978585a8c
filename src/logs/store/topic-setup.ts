import type { Admin } from '@platformatic/kafka';
import { kafkaErrorId } from '../../client/index.js';
import type { LogsConfig } from './logs-config.js';

/** The index topic beside the logs topic. */
export function indexTopicOf(topic: string): string {
  return `${topic}.index`;
}

/**
 * Creates the logs topic and its index topic if missing, and keeps their retention as
 * configured (the index needs no more than the lines it describes).
 */
export async function ensureLogTopics(admin: Admin, config: LogsConfig): Promise<void> {
  const configs = [
    { name: 'retention.ms', value: String(config.retentionMs) },
    { name: 'retention.bytes', value: String(config.retentionBytes) },
  ];
  const topics = [
    { name: config.topic, partitions: config.partitions },
    { name: indexTopicOf(config.topic), partitions: 1 },
  ];
  for (const { name, partitions } of topics) {
    try {
      await admin.createTopics({ topics: [name], partitions, replicas: 1, configs });
    } catch (error) {
      if (kafkaErrorId(error) !== 'TOPIC_ALREADY_EXISTS') throw error;
      await admin.alterConfigs({
        resources: [{ resourceType: 2, resourceName: name, configs }],
      });
    }
  }
}
