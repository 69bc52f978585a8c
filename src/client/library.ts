// The Kafka client library behind the door (@platformatic/kafka): how its clients are made and
// what its errors mean. Only the client room imports it; everything it throws leaves the room as
// a ClientError, read from its documented error classes and Kafka's error ids, never its wording.

import {
  Admin,
  type BaseOptions,
  Consumer,
  type GroupOptions,
  MultipleErrors,
  NetworkError,
  Producer,
  ProtocolError,
  TimeoutError,
  UnsupportedApiError,
} from '@platformatic/kafka';
import type { SluiceErrorCode } from '../errors/index.js';
import { ClientError } from './client-error.js';

export interface ConnectOptions {
  bootstrap: string[];
  clientId: string;
  /** Bound on each request. Default 10 s. */
  timeoutMs?: number;
  /** Quick retries that ride out a leader change. Default 2. */
  retries?: number;
}

function baseOptions(options: ConnectOptions): BaseOptions {
  const timeout = options.timeoutMs ?? 10_000;
  return {
    clientId: options.clientId,
    bootstrapBrokers: options.bootstrap,
    // The library's default is 3 retries 1 s apart, which makes "connection refused" take seconds.
    retries: options.retries ?? 2,
    retryDelay: 200,
    timeout,
    connectTimeout: Math.min(timeout, 5_000),
    autocreateTopics: false,
  };
}

export function libraryAdmin(options: ConnectOptions): Admin {
  return new Admin(baseOptions(options));
}

export function libraryProducer(
  options: ConnectOptions,
  produce: { acks: number; idempotent: boolean },
): Producer {
  return new Producer({
    ...baseOptions(options),
    ...produce,
    // InitProducerId asks for a new producer id (-1/-1), as Kafka's clients do. The library's
    // default (0/0) asks to bump producer 0's epoch, which Sluice's broker grants (KIP-360): every
    // process would then share producer 0, and the broker drop one's batches as another's duplicates.
    producerId: -1n,
    producerEpoch: -1,
  });
}

export function libraryConsumer(
  options: ConnectOptions,
  group: { groupId: string; autocommit: boolean } & Pick<
    GroupOptions,
    'sessionTimeout' | 'heartbeatInterval' | 'rebalanceTimeout'
  >,
): Consumer {
  return new Consumer<Buffer, Buffer, Buffer, Buffer>({ ...baseOptions(options), ...group });
}

/** The library's leaf errors: its MultipleErrors (and ResponseError) are AggregateErrors. */
function leaves(error: unknown): Error[] {
  if (error instanceof MultipleErrors && error.errors.length > 0) return error.errors.flatMap(leaves);
  return error instanceof Error ? [error] : [];
}

/** The first Kafka protocol error id (e.g. TOPIC_ALREADY_EXISTS) inside a library error. */
export function kafkaErrorOf(error: unknown): string | undefined {
  for (const leaf of leaves(error)) {
    if (leaf instanceof ProtocolError && typeof leaf.apiId === 'string') return leaf.apiId;
  }
  return undefined;
}

const CODE_BY_KAFKA_ERROR: Record<string, SluiceErrorCode> = {
  TOPIC_ALREADY_EXISTS: 'CONFLICT',
  UNKNOWN_TOPIC_OR_PARTITION: 'NOT_FOUND',
  UNKNOWN_TOPIC_ID: 'NOT_FOUND',
  GROUP_ID_NOT_FOUND: 'NOT_FOUND',
  NON_EMPTY_GROUP: 'CONFLICT',
  INVALID_PARTITIONS: 'INVALID_ARGUMENT',
  INVALID_REPLICATION_FACTOR: 'INVALID_ARGUMENT',
  INVALID_CONFIG: 'INVALID_CONFIG',
  INVALID_TOPIC_EXCEPTION: 'INVALID_ARGUMENT',
  POLICY_VIOLATION: 'INVALID_ARGUMENT',
};

/**
 * A library error as a ClientError (anything else is returned as it is). Connection failures name
 * the bootstrap brokers and the system's reason; a broker's answer keeps its Kafka error id.
 */
export function toClientError(error: unknown, bootstrap: readonly string[]): unknown {
  if (error instanceof ClientError) return error;
  const all = leaves(error);
  if (all.length === 0) return error;
  const lines = new Set<string>();
  let code: SluiceErrorCode = 'UNAVAILABLE';
  let kafkaError: string | undefined;
  for (const leaf of all) {
    if (leaf instanceof ProtocolError) {
      const id = String(leaf.apiId);
      kafkaError ??= id;
      code = CODE_BY_KAFKA_ERROR[id] ?? code;
      const detail = (leaf.serverErrorMessage as string | null | undefined) || leaf.message;
      lines.add(`${detail.replace(/\.$/, '')} (${id})`);
    } else if (leaf instanceof NetworkError || leaf instanceof TimeoutError) {
      const cause = leaf.cause as NodeJS.ErrnoException | undefined;
      const reason = cause?.code ?? (leaf instanceof TimeoutError ? 'timed out' : cause?.message);
      lines.add(`cannot connect to broker ${bootstrap.join(',')}${reason ? ` (${reason})` : ''}`);
    } else if (leaf instanceof UnsupportedApiError) {
      lines.add(`the broker does not support this request (${leaf.message})`);
    } else {
      lines.add(leaf.message);
    }
  }
  return new ClientError([...lines].join('; '), code, { brokerError: kafkaError, cause: error });
}

/** Whether a library error says the broker lacks an API (e.g. DescribeConfigs). */
export function isUnsupportedApi(error: unknown): boolean {
  return leaves(error).some((leaf) => leaf instanceof UnsupportedApiError);
}

/** Runs a library call and rethrows what it throws as a ClientError. */
export async function translated<T>(bootstrap: readonly string[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toClientError(error, bootstrap);
  }
}
