// What @platformatic/kafka's errors mean, for every component that uses it.

import { SluiceError, type SluiceErrorCode } from '../errors/index.js';

/**
 * An expected failure of a client operation: the broker cannot be reached or answers oddly
 * (UNAVAILABLE, the default), or what was asked for does not exist (NOT_FOUND).
 */
export class ClientError extends SluiceError {
  constructor(message: string, code: SluiceErrorCode = 'UNAVAILABLE') {
    super(code, message);
  }
}

/** What a leaf error of @platformatic/kafka carries that we care about. */
export interface KafkaLeafError extends Error {
  code?: string;
  apiId?: string;
  serverErrorMessage?: string | null;
}

/** Flattens @platformatic/kafka's MultipleErrors/ResponseError trees into their leaf errors. */
export function leafErrors(error: unknown): KafkaLeafError[] {
  if (!(error instanceof Error)) return [];
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested) && nested.length > 0) return nested.flatMap(leafErrors);
  return [error as KafkaLeafError];
}

/** The first Kafka protocol error name (e.g. TOPIC_ALREADY_EXISTS) inside an error, if any. */
export function kafkaErrorId(error: unknown): string | undefined {
  return leafErrors(error).find((e) => typeof e.apiId === 'string')?.apiId;
}

export const UNKNOWN_TOPIC = /^Unknown topic (.*)\.$/;

/** The topic named by @platformatic/kafka's "Unknown topic X." error, if that is what this is. */
export function unknownTopicOf(error: unknown): string | undefined {
  for (const leaf of leafErrors(error)) {
    const match = UNKNOWN_TOPIC.exec(leaf.message);
    if (match) return match[1];
  }
  return undefined;
}
