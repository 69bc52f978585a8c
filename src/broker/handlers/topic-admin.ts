// Rules shared by the admin handlers (CreateTopics, CreatePartitions, DeleteTopics, the config
// APIs, DeleteRecords): failure answers, replica assignments on one node, repeated names.

import { isSluiceError } from '../../errors/index.js';
import { ErrorCode } from '../../protocol/index.js';
import { type BrokerCore, partitionKey } from '../broker-core.js';
import { kafkaErrorCode } from './error-codes.js';

/** An error code with the message Kafka puts beside it. */
export interface Failure {
  errorCode: number;
  errorMessage: string | null;
}

export const fail = (errorCode: number, errorMessage: string | null = null): Failure => ({
  errorCode,
  errorMessage,
});

export const OK: Failure = Object.freeze({ errorCode: ErrorCode.NONE, errorMessage: null });

/**
 * One of our errors (storage, a refused broker config) as a protocol answer with its message;
 * anything else is a bug, logged and answered as such.
 */
export function failureOf(broker: BrokerCore, err: unknown, what: string): Failure {
  if (isSluiceError(err) && err.code !== 'INTERNAL') return fail(kafkaErrorCode(err), err.message);
  broker.log.error({ err }, `${what} failed`);
  return fail(ErrorCode.UNKNOWN_SERVER_ERROR, `${what} failed`);
}

/**
 * Kafka's check of one manual replica list (ReplicationControlManager), on a single node:
 * the only valid list is [nodeId]. Returns the reason it is invalid, or null.
 */
export function replicaListProblem(brokerIds: readonly number[], nodeId: number): string | null {
  if (brokerIds.length === 0) return 'The manual partition assignment includes an empty replica list.';
  const sorted = [...brokerIds].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i] !== nodeId) {
      return `The manual partition assignment includes broker ${sorted[i]}, but no such broker is registered.`;
    }
    if (i > 0 && sorted[i] === sorted[i - 1]) {
      return `The manual partition assignment includes the broker ${sorted[i]} more than once.`;
    }
  }
  return null;
}

/** Names that occur more than once; Kafka answers each of them once, with INVALID_REQUEST. */
export function repeated<T>(items: readonly T[]): Set<T> {
  const seen = new Set<T>();
  const twice = new Set<T>();
  for (const item of items) {
    if (seen.has(item)) twice.add(item);
    seen.add(item);
  }
  return twice;
}

/** Kafka's Topic.isInternal: records of these topics cannot be deleted by clients. */
export function isInternalTopic(name: string): boolean {
  return name === '__consumer_offsets' || name === '__transaction_state';
}

/** After a topic disappears: forget its producers' sequences and wake fetches waiting on it. */
export function forgetPartitions(broker: BrokerCore, topic: string, partitions: number): void {
  for (let i = 0; i < partitions; i++) {
    const key = partitionKey(topic, i);
    broker.producers.forget(key);
    broker.appends.notify(key);
  }
}
