import { StorageError } from './storage-error.js';

/** Kafka's limit: a partition directory "<topic>-<n>" must still fit in a file name. */
export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Throws INVALID_TOPIC unless `name` follows Kafka's topic naming rules. */
export function validateTopicName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new StorageError('INVALID_TOPIC', 'topic name is empty');
  }
  if (name === '.' || name === '..')
    throw new StorageError('INVALID_TOPIC', `topic name cannot be "${name}"`);
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    throw new StorageError('INVALID_TOPIC', `topic name is longer than ${MAX_TOPIC_NAME_LENGTH} characters`);
  }
  if (!LEGAL.test(name)) {
    throw new StorageError(
      'INVALID_TOPIC',
      `topic name "${name}" may only contain ASCII letters, digits, '.', '_' and '-'`,
    );
  }
}

/**
 * Kafka's metric names replace '.' with '_', so "a.b" and "a_b" would collide; Kafka refuses the
 * second one. This is the key both map to.
 */
export function collisionKey(name: string): string {
  return name.replaceAll('.', '_');
}

/** Kafka's partition directory name. */
export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}
